"""Air quality: the European Air Quality Index (EEA) per pollutant and overall.

PM2.5 and PM10 are judged on the mean of the last 24 complete hours, NO2, O3 and SO2 on the
last complete hour, as the EEA index does; an hour still under way is not a 1-hour mean yet.
A value belongs to the band whose upper limit it does not exceed (kpis.yaml). The worst
pollutant sets the index. With several stations the worst station counts for each pollutant.

Table "pollutants" (config order): pollutant (key, e.g. "pm25"), name ("PM2.5"),
concentration (µg/m³), averaging ("1 h"/"24 h"), band_index (0 good .. 5 extremely poor),
band_name_el, band_name_en, colour (EEA hex). Missing numbers are NaN.
`hours_above_bands` gives, for any range of hourly buckets: pollutant, band, band_name_el,
band_name_en, hours (hours at or above that band).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from data_access.domain_kpis.base import (
    DomainSummary,
    Kpi,
    Text,
    last_hours,
    metric_rows,
    rounded,
)
from data_access.domain_kpis.settings import Air, KpiSettings, Pollutant

METRICS: tuple[str, ...] = ("pm25", "pm10", "no2", "o3", "so2")
WINDOW = timedelta(hours=25)  # 24 complete hours and the one under way
BUCKET_S = 3600
# A 1-hour mean older than this is not "now": the station has stopped and the index is
# unknown rather than hours old. 3 h is how far back the EEA's own viewer looks by default.
STALE_AFTER = timedelta(hours=3)
POLLUTANT_COLUMNS = ["pollutant", "name", "concentration", "averaging", "band_index",
                     "band_name_el", "band_name_en", "colour"]
HOURS_COLUMNS = ["pollutant", "band", "band_name_el", "band_name_en", "hours"]


def band_index(concentration: float | None, limits: list[float]) -> int | None:
    """0..5: the first band whose upper limit the value does not exceed; above the top of
    the scale is still the worst band."""
    if concentration is None or pd.isna(concentration):
        return None
    for i, upper in enumerate(limits[1:6]):
        if concentration <= upper:
            return i
    return 5


def _complete_hours_end(now: datetime) -> pd.Timestamp:
    """The end of the newest complete hourly bucket (buckets are aligned to the epoch)."""
    return pd.Timestamp(now).floor(f"{BUCKET_S}s")


def concentration(history: pd.DataFrame, key: str, p: Pollutant, now: datetime) -> float | None:
    """The pollutant's averaged concentration at the worst station, or None."""
    end = _complete_hours_end(now)
    rows = metric_rows(history, key, (end - timedelta(hours=p.averaging_h)).to_pydatetime())
    rows = rows[rows["bucket"] < end]
    if p.averaging_h == 1:
        rows = rows[rows["bucket"] >= end - STALE_AFTER]
        rows = rows.groupby("device_id").tail(1)  # the newest complete hour of each station
        per_station = rows.set_index("device_id")["mean"]
    else:
        per_station = rows.groupby("device_id")["mean"].mean()
    return None if per_station.empty else float(per_station.max())


def pollutant_table(history: pd.DataFrame, now: datetime, cfg: Air) -> pd.DataFrame:
    out = []
    for key, p in cfg.pollutants.items():
        value = concentration(history, key, p, now)
        idx = band_index(value, p.limits)
        band = cfg.bands[idx] if idx is not None else None
        out.append([key, p.name, rounded(value), f"{p.averaging_h} h", idx,
                    band.name.get("el") if band else None, band.name.get("en") if band else None,
                    band.colour if band else None])
    return pd.DataFrame(out, columns=POLLUTANT_COLUMNS)


def _band(idx: int | None, cfg: Air) -> str | None:
    if idx is None:
        return None
    return "alarm" if idx >= cfg.alarm_from_band else (
        "warning" if idx >= cfg.warning_from_band else "ok")


def _kpis(table: pd.DataFrame, now: datetime, cfg: Air) -> list[Kpi]:
    known = table[table["band_index"].notna()]
    at = _complete_hours_end(now).to_pydatetime()
    if known.empty:
        index = Kpi("eaqi", {"el": "Δείκτης ποιότητας αέρα", "en": "Air quality index"}, None,
                    "", None, last_hours(1))
    else:
        worst = known.loc[known["band_index"].astype(int).idxmax()]  # first of equals
        idx = int(worst["band_index"])
        note: Text = {lang: f"{worst[f'band_name_{lang}']}, "
                      f"{'από' if lang == 'el' else 'set by'} {worst['name']} "
                      f"({worst['concentration']:g} µg/m³)" for lang in ("el", "en")}
        index = Kpi("eaqi", {"el": "Δείκτης ποιότητας αέρα", "en": "Air quality index"},
                    float(idx), "", at, last_hours(1), _band(idx, cfg), note)
    kpis = [index]
    for r in table.itertuples():
        idx = None if pd.isna(r.band_index) else int(r.band_index)
        hours = cfg.pollutants[r.pollutant].averaging_h
        kpis.append(Kpi(r.pollutant, {"el": r.name, "en": r.name},
                        None if pd.isna(r.concentration) else float(r.concentration), "µg/m³",
                        at if idx is not None else None, last_hours(hours), _band(idx, cfg),
                        None if idx is None else {"el": r.band_name_el, "en": r.band_name_en}))
    return kpis


def hours_above_bands(history_hourly: pd.DataFrame,
                      cfg: KpiSettings | None = None) -> pd.DataFrame:
    """For a range of hourly buckets: how many hours each pollutant was at or above each band
    (band 0 counts every hour with data). PM is judged on the running 24 h mean of the hourly
    means, the gases on the hourly means, like the index; the first day of a range runs on
    the hours it has. With several stations the worst station counts each hour."""
    air = (cfg or KpiSettings()).air
    rows = []
    for key, p in air.pollutants.items():
        data = metric_rows(history_hourly, key)
        hourly = data.groupby("bucket")["mean"].max().sort_index()
        if p.averaging_h > 1 and not hourly.empty:
            hourly = hourly.rolling(f"{p.averaging_h}h").mean()
        bands = np.array([band_index(v, p.limits) for v in hourly], dtype=float)
        for b, look in enumerate(air.bands):
            rows.append([key, b, look.name.get("el"), look.name.get("en"),
                         int((bands >= b).sum())])
    return pd.DataFrame(rows, columns=HOURS_COLUMNS)


def summary(devices: pd.DataFrame, history: pd.DataFrame, now: datetime,
            cfg: KpiSettings) -> DomainSummary:
    """`devices` is not needed: the index comes from the hourly means alone."""
    table = pollutant_table(history, now, cfg.air)
    return DomainSummary(kpis=_kpis(table, now, cfg.air), tables={"pollutants": table})
