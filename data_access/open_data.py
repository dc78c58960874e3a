"""What leaves the city as open data, and nothing else.

Privacy by design: every output has an explicit allow-list of fields (a constant tuple) and
every frame is cut to exactly those columns as its last step, so a column added to the
devices table, the latest state or the readings later never leaks by default. Metrics are
allowed per (device kind, metric): a new kind, or a new metric of a known kind, stays
private until someone adds it here on purpose.

Never published: device names (free text a person typed, which may name a person or a
shop), attributes (capacity, zone, internal notes), battery, radio signal, alarms and
anything said about them, users.

Left out of the metric list on purpose:
    parking_deterrent illegal_parking   points at one parked car, now
    smart_crossing presence/activations children at school crossings
    ev_charger power_kw/energy_kwh      one driver's charging session
    energy_meter, water_meter, fuel_tank, lorawan_gateway   infrastructure security
                                        (a full fuel tank, a weak point in the network)
Visitor counts are aggregates (no person in them), but a closed building at night with one
person in it would show that person: counts are published to the nearest 5.

Field names are stable English snake_case in every format and language: they are for
programs; names for people come as {"el": ..., "en": ...} objects.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import yaml
from pydantic import BaseModel

from data_access.city_config import CityConfig

# (kind, metric) pairs that may leave, by domain.
PUBLIC_METRICS: tuple[tuple[str, str], ...] = (
    ("parking_space", "occupied"),
    ("ev_charger", "in_use"),
    ("luminaire", "power_state"),
    ("luminaire", "illuminance_level"),
    ("bin_sensor", "fill_level"),
    *(("air_station", m) for m in ("pm25", "pm10", "no2", "no", "o3", "so2", "co",
                                   "temperature", "humidity", "pressure")),
    ("hydro_station", "water_level"),
    ("hydro_station", "flow_velocity"),
    ("hydro_station", "discharge"),
    *(("meteo_station", m) for m in ("temperature", "humidity", "pressure", "precipitation",
                                     "wind_speed", "wind_direction", "solar_radiation",
                                     "lightning_count", "lightning_distance")),
    ("people_counter", "occupancy"),
)
PUBLIC_KINDS: tuple[str, ...] = tuple(dict.fromkeys(k for k, _ in PUBLIC_METRICS))
METRIC_NAMES: tuple[str, ...] = tuple(sorted({m for _, m in PUBLIC_METRICS}))
# Published rounded to a multiple of this, so a small count cannot single out a person.
COARSE: dict[tuple[str, str], float] = {("people_counter", "occupancy"): 5}

# -- the allow-lists, one per output --------------------------------------------------------
DEVICE_FIELDS: tuple[str, ...] = ("device_id", "kind", "domain", "municipal_unit", "lat", "lon",
                                  "connectivity", "last_seen")
DEVICE_JSON_FIELDS: tuple[str, ...] = (*DEVICE_FIELDS, "values", "units")
GEOJSON_PROPERTIES: tuple[str, ...] = tuple(f for f in DEVICE_JSON_FIELDS
                                            if f not in ("lat", "lon"))
LATEST_CSV_FIELDS: tuple[str, ...] = (*DEVICE_FIELDS, "metric", "value", "unit")
AGGREGATE_FIELDS: tuple[str, ...] = ("device_id", "kind", "domain", "municipal_unit", "metric",
                                     "unit", "hour_start", "mean", "min", "max", "count")

HOUR = timedelta(hours=1)
LAST_HOURS = 24  # the hourly download without ?date=: the last 24 complete hours
OLDEST = date(2000, 1, 1)


def only(frame: pd.DataFrame, fields: tuple[str, ...]) -> pd.DataFrame:
    """Exactly `fields`, in that order: whatever else the frame holds stays behind."""
    return frame.loc[:, list(fields)]


def allowed_metrics(kind: str) -> tuple[str, ...]:
    return tuple(m for k, m in PUBLIC_METRICS if k == kind)


def public_value(kind: str, metric: str, value: object) -> float | None:
    """The value as published (a number, coarsened where COARSE says), or None if it is not
    one or not allowed."""
    if (kind, metric) not in PUBLIC_METRICS or isinstance(value, bool) or not isinstance(
            value, int | float) or not math.isfinite(value):
        return None
    step = COARSE.get((kind, metric))
    return float(round(value / step) * step) if step else float(value)


def iso_local(at: float | datetime | pd.Timestamp | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 in the city's time, with its offset: 2026-05-01T14:05:00+03:00."""
    if at is None or (isinstance(at, float) and math.isnan(at)) or at is pd.NaT:
        return None
    moment = datetime.fromtimestamp(at, UTC) if isinstance(at, int | float) else at
    return moment.astimezone(tz).isoformat(timespec="seconds")


# -- devices and their latest values ----------------------------------------------------------
def device_table(devices: pd.DataFrame, latest: dict[str, dict], last_seen: dict[str, float],
                 config: CityConfig) -> pd.DataFrame:
    """One row per device of a public kind: DEVICE_JSON_FIELDS, `values` and `units` being
    {metric: number} and {metric: unit} of its allow-listed metrics (latest = the newest
    report's JSON per device id, last_seen = epoch seconds per device id)."""
    tz = ZoneInfo(config.city.timezone)
    rows = devices[devices["kind"].isin(PUBLIC_KINDS)]
    values, units = [], []
    for device_id, kind in zip(rows["id"], rows["kind"], strict=True):
        reported = (latest.get(device_id) or {}).get("values") or {}
        own = {m: v for m in allowed_metrics(kind)
               if (v := public_value(kind, m, reported.get(m))) is not None}
        kind_units = config.kinds[kind].metrics if kind in config.kinds else {}
        values.append(own)
        units.append({m: kind_units.get(m, "") for m in own})
    table = pd.DataFrame({
        "device_id": rows["id"].to_numpy(), "kind": rows["kind"].to_numpy(),
        "domain": rows["domain"].to_numpy(), "municipal_unit": rows["unit"].to_numpy(),
        "lat": rows["lat"].astype(float).round(6).to_numpy(),
        "lon": rows["lon"].astype(float).round(6).to_numpy(),
        "connectivity": rows["connectivity"].to_numpy(),
        "last_seen": [iso_local(last_seen.get(d), tz) for d in rows["id"]],
        "values": values, "units": units,
    })
    return only(table.sort_values("device_id", kind="stable").reset_index(drop=True),
                DEVICE_JSON_FIELDS)


def latest_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Long form of device_table: one row per device and metric; a device that has not
    reported yet keeps one row with the metric empty, so every device is listed."""
    rows = []
    for r in table.itertuples(index=False):
        fixed = [getattr(r, f) for f in DEVICE_FIELDS]
        if not r.values:
            rows.append([*fixed, None, None, None])
        rows += [[*fixed, m, v, r.units.get(m, "")] for m, v in r.values.items()]
    return pd.DataFrame(rows, columns=list(LATEST_CSV_FIELDS))


def plain(value: object) -> object:
    """A cell as JSON has it: missing (NaN, NaT) as None, numpy numbers as Python ones."""
    if isinstance(value, dict | list):
        return value
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def records(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[dict]:
    """Rows as dicts of exactly `fields`."""
    return [{f: plain(v) for f, v in zip(fields, row, strict=True)}
            for row in only(frame, fields).itertuples(index=False)]


def devices_records(table: pd.DataFrame) -> list[dict]:
    """The JSON API's device list."""
    return records(table, DEVICE_JSON_FIELDS)


def devices_geojson(table: pd.DataFrame) -> dict:
    """A FeatureCollection of points ([lon, lat], WGS 84) with the allow-listed properties."""
    features = [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [rec["lon"], rec["lat"]]},
                 "properties": {f: rec[f] for f in GEOJSON_PROPERTIES}}
                for rec in devices_records(table)]
    return {"type": "FeatureCollection", "features": features}


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheet programs read Greek and µ correctly),
    comma-separated, CRLF line ends (RFC 4180), '.' as the decimal point whatever the
    reader's language: files are for programs as much as for people."""
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\r\n")
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -- hourly aggregates ----------------------------------------------------------------------
def aggregate_table(history: pd.DataFrame, devices: pd.DataFrame,
                    config: CityConfig) -> pd.DataFrame:
    """Hourly buckets (data_access.aggregates.per_device) of allow-listed (kind, metric) pairs
    only, with the device's kind, domain and unit and the metric's unit: AGGREGATE_FIELDS."""
    tz = ZoneInfo(config.city.timezone)
    facts = devices.set_index("id")[["kind", "domain", "unit"]]
    rows = history.join(facts, on="device_id", how="inner")
    allowed = pd.Series([(k, m) in PUBLIC_METRICS for k, m in zip(rows["kind"], rows["metric"],
                                                                   strict=True)],
                        index=rows.index, dtype=bool)
    rows = rows[allowed].copy()
    for (kind, metric), step in COARSE.items():
        mask = (rows["kind"] == kind) & (rows["metric"] == metric)
        for col in ("mean", "min", "max"):
            rows.loc[mask, col] = (rows.loc[mask, col] / step).round() * step
    rows["municipal_unit"] = rows["unit"]
    rows["unit"] = [config.kinds[k].metrics.get(m, "") if k in config.kinds else ""
                    for k, m in zip(rows["kind"], rows["metric"], strict=True)]
    rows["hour_start"] = [iso_local(b, tz) for b in rows["bucket"]]
    for col in ("mean", "min", "max"):
        rows[col] = rows[col].astype(float).round(3)
    rows["count"] = rows["n"].astype(int)
    rows = rows.sort_values(["device_id", "metric", "bucket"], kind="stable")
    return only(rows.reset_index(drop=True), AGGREGATE_FIELDS)


# -- what a request may ask for ---------------------------------------------------------------
@dataclass(frozen=True)
class BadRequest(ValueError):
    """A request the API cannot answer: which parameter, and what is wrong with it."""

    parameter: str
    message: str

    def __str__(self) -> str:
        return self.message

    def body(self) -> dict[str, str]:
        return {"error": self.message, "parameter": self.parameter}


def parse_metric(value: str | None, required: bool) -> str | None:
    if value is None or value == "":
        if required:
            raise BadRequest("metric", "metric is required; one of: " + ", ".join(METRIC_NAMES))
        return None
    if value not in METRIC_NAMES:
        raise BadRequest("metric", f"unknown metric {value[:40]!r}; one of: "
                         + ", ".join(METRIC_NAMES))
    return value


def parse_date(value: str | None, today: date) -> date | None:
    """?date=YYYY-MM-DD, a day of the city's calendar, not in the future."""
    if value is None or value == "":
        return None
    try:
        day = date.fromisoformat(value)
        if len(value) != 10:
            raise ValueError
    except ValueError:
        raise BadRequest("date", f"date must be YYYY-MM-DD, got {value[:40]!r}") from None
    if day > today:
        raise BadRequest("date", f"date {value} is in the future (today is {today})")
    if day < OLDEST:
        raise BadRequest("date", f"date {value} is before {OLDEST}")
    return day


def hour_range(day: date | None, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[since, until) in UTC, whole hours: the city's local day (up to the last complete hour
    when it is today), or the last LAST_HOURS complete hours."""
    this_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if day is None:
        return this_hour - LAST_HOURS * HOUR, this_hour
    start = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    end = (datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(days=1)).astimezone(UTC)
    return start, max(start, min(end, this_hour))


# -- the licence --------------------------------------------------------------------------------
class Licence(BaseModel):
    id: str = "CC-BY-4.0"
    name: dict[str, str] = {"el": "CC BY 4.0", "en": "CC BY 4.0"}
    url: str = "https://creativecommons.org/licenses/by/4.0/"


class Terms(BaseModel):
    """config/open_data.yaml: the licence the city publishes under (its choice)."""

    licence: Licence = Licence()
    attribution: dict[str, str] = {}


def load_terms(config_dir: Path) -> Terms:
    path = config_dir / "open_data.yaml"
    if not path.exists():
        return Terms()
    with path.open(encoding="utf-8") as fh:
        return Terms.model_validate(yaml.safe_load(fh) or {})
