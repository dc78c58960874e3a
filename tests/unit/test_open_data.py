"""Open data leaves with only the allow-listed fields, in files programs can read: devices and
their latest values (JSON, CSV, GeoJSON), hourly aggregates, and what a bad request is told."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from data_access.city_config import load_config
from data_access.open_data import (
    AGGREGATE_FIELDS,
    DEVICE_JSON_FIELDS,
    GEOJSON_PROPERTIES,
    LATEST_CSV_FIELDS,
    METRIC_NAMES,
    PUBLIC_KINDS,
    PUBLIC_METRICS,
    BadRequest,
    aggregate_table,
    csv_bytes,
    device_table,
    devices_geojson,
    devices_records,
    hour_range,
    latest_rows,
    load_terms,
    parse_date,
    parse_metric,
)
from data_access.settings import ROOT

CONFIG = load_config(ROOT / "config")
ATHENS = ZoneInfo("Europe/Athens")
SECRETS = ("SECRET-ATTR-NOTE", "Parking space by Mr Papadopoulos", "13.37", "-99.5", "77.7")
NOW = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)  # 12:30 in Athens (EEST, +03:00)


def inventory() -> pd.DataFrame:
    """The Store's devices frame, plus columns that must never leave (as a careless join
    might add them)."""
    rows = [
        ("parking_space-1", "parking_space", "traffic", "chalkida"),
        ("people_counter-1", "people_counter", "buildings", "chalkida"),
        ("people_counter-2", "people_counter", "buildings", "avlida"),
        ("air_station-1", "air_station", "air", "chalkida"),
        ("fuel_tank-1", "fuel_tank", "energy", "lilantio"),
        ("parking_deterrent-1", "parking_deterrent", "traffic", "chalkida"),
        ("lorawan_gateway-1", "lorawan_gateway", "network", "avlida"),
    ]
    frame = pd.DataFrame(rows, columns=["id", "kind", "domain", "unit"])
    frame["name_el"] = frame["name_en"] = "Parking space by Mr Papadopoulos"
    frame["lat"], frame["lon"] = 38.4631234, 23.5991234
    frame["connectivity"] = "lorawan"
    frame["attrs"] = [{"zone": 1, "note": "SECRET-ATTR-NOTE"}] * len(frame)
    frame["battery"], frame["rssi"] = 13.37, -99.5
    return frame


LATEST = {
    "parking_space-1": {"values": {"occupied": 1}, "battery": 13.37, "rssi": -99.5},
    "people_counter-1": {"values": {"occupancy": 13, "entries": 77.7}},
    "people_counter-2": {"values": {"occupancy": 2}},
    "air_station-1": {"values": {"no2": 41.5, "pm25": 12.25, "nonsense": 77.7}},
    "fuel_tank-1": {"values": {"fuel_level": 77.7}},
    "parking_deterrent-1": {"values": {"illegal_parking": 1}},
}
SEEN = {d: NOW.timestamp() - 60 for d in LATEST}


def table() -> pd.DataFrame:
    return device_table(inventory(), LATEST, SEEN, CONFIG)


def test_the_allow_lists_are_explicit_constants():
    assert isinstance(PUBLIC_METRICS, tuple) and isinstance(DEVICE_JSON_FIELDS, tuple)
    for kind, metric in PUBLIC_METRICS:  # every pair names a real kind and metric
        assert metric in CONFIG.kinds[kind].metrics, (kind, metric)
    assert not {"name_el", "name_en", "attrs", "battery", "rssi", "snr"} & set(DEVICE_JSON_FIELDS)


def test_devices_keep_only_allow_listed_kinds_fields_and_metrics():
    frame = table()
    assert tuple(frame.columns) == DEVICE_JSON_FIELDS
    assert set(frame["kind"]) <= set(PUBLIC_KINDS)
    assert list(frame["device_id"]) == ["air_station-1", "parking_space-1", "people_counter-1",
                                        "people_counter-2"]  # no fuel tank, deterrent, gateway
    by_id = frame.set_index("device_id")
    assert by_id.loc["air_station-1", "values"] == {"pm25": 12.25, "no2": 41.5}
    assert by_id.loc["air_station-1", "units"] == {"pm25": "µg/m³", "no2": "µg/m³"}
    assert by_id.loc["parking_space-1", "values"] == {"occupied": 1.0}
    assert by_id.loc["air_station-1", "lat"] == 38.463123
    # Visitor counts to the nearest 5: one person alone in a building is not singled out.
    assert by_id.loc["people_counter-1", "values"] == {"occupancy": 15.0}
    assert by_id.loc["people_counter-2", "values"] == {"occupancy": 0.0}


def test_last_seen_is_iso_in_the_citys_time_with_its_offset():
    frame = table()
    assert frame["last_seen"].iloc[0] == "2026-07-01T12:29:00+03:00"
    winter = device_table(inventory(), LATEST, {"air_station-1": datetime(
        2026, 1, 5, 10, 0, tzinfo=UTC).timestamp()}, CONFIG)
    assert winter["last_seen"].iloc[0] == "2026-01-05T12:00:00+02:00"
    assert devices_records(winter)[1]["last_seen"] is None  # never reported


def outputs(frame: pd.DataFrame) -> dict[str, str]:
    return {"json": json.dumps(devices_records(frame), ensure_ascii=False),
            "csv": csv_bytes(latest_rows(frame)).decode("utf-8-sig"),
            "geojson": json.dumps(devices_geojson(frame), ensure_ascii=False)}


def test_nothing_private_in_any_format():
    for name, body in outputs(table()).items():
        for secret in SECRETS:
            assert secret not in body, (name, secret)
        for word in ("fuel_level", "illegal_parking", "entries", "battery", "rssi", "attrs",
                     "name_en", "nonsense"):
            assert word not in body, (name, word)


def test_csv_has_a_bom_stable_headers_and_one_row_per_device_and_metric():
    raw = csv_bytes(latest_rows(table()))
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == LATEST_CSV_FIELDS
    pairs = [(r["device_id"], r["metric"], r["value"], r["unit"]) for r in rows]
    assert pairs == [("air_station-1", "pm25", "12.25", "µg/m³"),
                     ("air_station-1", "no2", "41.5", "µg/m³"),
                     ("parking_space-1", "occupied", "1.0", ""),
                     ("people_counter-1", "occupancy", "15.0", ""),
                     ("people_counter-2", "occupancy", "0.0", "")]
    silent = latest_rows(device_table(inventory(), {}, {}, CONFIG))
    assert len(silent) == 4 and silent["metric"].isna().all()  # still listed, no values


def test_geojson_points_are_lon_lat_with_allow_listed_properties():
    geo = devices_geojson(table())
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 4
    first = geo["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [23.599123, 38.463123]}
    assert tuple(first["properties"]) == GEOJSON_PROPERTIES
    assert first["properties"]["values"] == {"pm25": 12.25, "no2": 41.5}


def buckets() -> pd.DataFrame:
    start = pd.Timestamp("2026-07-01T06:00:00Z")
    rows = [("air_station-1", "no2", start, 40.12345, 30.0, 55.0, 12),
            ("air_station-1", "nonsense", start, 77.7, 77.7, 77.7, 1),
            ("people_counter-1", "occupancy", start, 11.0, 2.0, 23.0, 30),
            ("people_counter-1", "entries", start, 77.7, 77.7, 77.7, 30),
            ("fuel_tank-1", "fuel_level", start, 77.7, 77.7, 77.7, 4),
            ("ghost-1", "no2", start, 77.7, 77.7, 77.7, 4)]  # no such device: dropped
    return pd.DataFrame(rows, columns=["device_id", "metric", "bucket", "mean", "min", "max",
                                       "n"])


def test_hourly_aggregates_only_of_allow_listed_kind_and_metric():
    frame = aggregate_table(buckets(), inventory(), CONFIG)
    assert tuple(frame.columns) == AGGREGATE_FIELDS
    assert frame.to_dict(orient="records") == [
        {"device_id": "air_station-1", "kind": "air_station", "domain": "air",
         "municipal_unit": "chalkida", "metric": "no2", "unit": "µg/m³",
         "hour_start": "2026-07-01T09:00:00+03:00", "mean": 40.123, "min": 30.0, "max": 55.0,
         "count": 12},
        {"device_id": "people_counter-1", "kind": "people_counter", "domain": "buildings",
         "municipal_unit": "chalkida", "metric": "occupancy", "unit": "",
         "hour_start": "2026-07-01T09:00:00+03:00", "mean": 10.0, "min": 0.0, "max": 25.0,
         "count": 30}]
    assert "77.7" not in csv_bytes(frame).decode("utf-8-sig")


def test_empty_aggregates_keep_their_columns():
    empty = buckets().iloc[0:0]
    frame = aggregate_table(empty, inventory(), CONFIG)
    assert tuple(frame.columns) == AGGREGATE_FIELDS and frame.empty
    assert csv_bytes(frame).decode("utf-8-sig").strip() == ",".join(AGGREGATE_FIELDS)


@pytest.mark.parametrize(("value", "required", "says"), [
    (None, True, "metric is required"),
    ("", True, "metric is required"),
    ("battery", False, "unknown metric 'battery'"),
    ("fuel_level", False, "unknown metric 'fuel_level'"),
])
def test_a_bad_metric_is_refused_with_the_reason(value, required, says):
    with pytest.raises(BadRequest) as err:
        parse_metric(value, required)
    assert err.value.parameter == "metric" and says in err.value.message
    assert "no2" in err.value.message  # and what would be accepted


def test_good_metrics_pass():
    assert parse_metric("no2", True) == "no2"
    assert parse_metric(None, False) is None
    assert set(METRIC_NAMES) == {m for _, m in PUBLIC_METRICS}


@pytest.mark.parametrize(("value", "says"), [
    ("2026-13-01", "date must be YYYY-MM-DD"),
    ("2026-02-30", "date must be YYYY-MM-DD"),
    ("1/7/2026", "date must be YYYY-MM-DD"),
    ("20260701", "date must be YYYY-MM-DD"),
    ("2026-07-02", "is in the future"),
    ("1999-12-31", "is before 2000-01-01"),
])
def test_a_bad_date_is_refused_with_the_reason(value, says):
    with pytest.raises(BadRequest) as err:
        parse_date(value, date(2026, 7, 1))
    assert err.value.parameter == "date" and says in str(err.value)
    assert err.value.body() == {"error": err.value.message, "parameter": "date"}


def test_hour_ranges_are_whole_hours_of_the_citys_day():
    assert parse_date("2026-07-01", date(2026, 7, 1)) == date(2026, 7, 1)
    since, until = hour_range(None, NOW, ATHENS)
    assert (since, until) == (datetime(2026, 6, 30, 9, tzinfo=UTC), datetime(2026, 7, 1, 9,
                                                                             tzinfo=UTC))
    since, until = hour_range(date(2026, 6, 30), NOW, ATHENS)
    assert (since, until) == (datetime(2026, 6, 29, 21, tzinfo=UTC),
                              datetime(2026, 6, 30, 21, tzinfo=UTC))
    # Today: from local midnight up to the last complete hour.
    assert hour_range(date(2026, 7, 1), NOW, ATHENS) == (datetime(2026, 6, 30, 21, tzinfo=UTC),
                                                          datetime(2026, 7, 1, 9, tzinfo=UTC))
    # The autumn clock change: that local day has 25 hours.
    since, until = hour_range(date(2026, 10, 25), NOW + timedelta(days=200), ATHENS)
    assert until - since == timedelta(hours=25)


def test_the_licence_is_the_citys_choice(tmp_path):
    shipped = load_terms(ROOT / "config")
    assert shipped.licence.id == "CC-BY-4.0" and shipped.attribution["en"]
    assert load_terms(tmp_path).licence.id == "CC-BY-4.0"  # no file: a sensible default
    (tmp_path / "open_data.yaml").write_text(
        "licence: {id: CC0-1.0, name: {el: CC0, en: CC0}, "
        "url: 'https://creativecommons.org/publicdomain/zero/1.0/'}\n", encoding="utf-8")
    assert load_terms(tmp_path).licence.id == "CC0-1.0"
