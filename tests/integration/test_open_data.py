"""Open data over HTTP against real SQL and Redis (SQLite + embedded Redis, PostgreSQL + the
Redis server), signed out: only allow-listed fields leave, and nothing an operator wrote
(alarm comments, names, device notes) appears in any answer; CSV and GeoJSON describe the
same devices as the JSON; hourly aggregates are right; a bad request is told what is wrong;
the rate limit answers 429 with Retry-After."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from data_access.models import Alarm, AlarmEvent, Device
from data_access.open_data import (
    AGGREGATE_FIELDS,
    DEVICE_JSON_FIELDS,
    GEOJSON_PROPERTIES,
    LATEST_CSV_FIELDS,
    PUBLIC_KINDS,
    allowed_metrics,
)
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import send, telemetry

API = "/api/v1/public"
SECRETS = ("SECRET-ATTR-4411", "SECRET-COMMENT-9931", "SECRET-OPERATOR", "SECRET-DEPT",
           "Parking space sensor Chalkida", "Αισθητήρας", "13.37", "-99.25", "77.75")
PARKING = [f"parking_space-chalkida-{i:05d}" for i in range(1, 7)]
AIR = "air_station-chalkida-00001"
LILAS = "hydro_station-lilantio-00001"
ISO_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def public_client(backend, limit: str | None = None):
    """The app as a citizen meets it, with the public callbacks and routes registered
    (until app.py does it) and optionally a lower rate limit."""
    from app import create_app
    from callbacks import open_data, public_page

    app = create_app(backend.settings)
    if "public_index" not in app.server.view_functions:
        public_page.register(app)
        open_data.register(app)
    if "limiter" not in app.server.extensions:  # until create_app binds the limits
        from access.throttle import init_limits
        from data_access.redis_conn import redis_url

        init_limits(app.server, redis_url(backend.settings), backend.redis)
    if limit:
        app.server.config["CITYOPS_PUBLIC_API_LIMIT"] = limit
    return app, app.server.test_client()


def this_hour() -> datetime:
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def fill_the_city(backend) -> None:
    """Readings of public and private kinds, with battery and signal; an operator's note on
    a device and a commented, acknowledged alarm."""
    hour, now = this_hour(), datetime.now(UTC) - timedelta(seconds=5)
    radio = {"battery": 13.37, "rssi": -99.25}
    entries = [telemetry(d, {"occupied": 1 if i < 4 else 0}, now, **radio)
               for i, d in enumerate(PARKING)]  # 4 taken, 2 free
    entries += [telemetry(AIR, {"no2": 30.0}, hour - timedelta(hours=3) + timedelta(minutes=10)),
                telemetry(AIR, {"no2": 50.0}, hour - timedelta(hours=3) + timedelta(minutes=20)),
                telemetry(AIR, {"no2": 100.0}, hour - timedelta(minutes=30)),  # moderate
                telemetry(AIR, {"no2": 20.0, "pm25": 5.0}, now, **radio)]
    entries += [telemetry(LILAS, {"water_level": 1.6}, now),  # over its 1.5 m alert level
                telemetry("fuel_tank-chalkida-00001", {"fuel_level": 77.75}, now, **radio),
                telemetry("parking_deterrent-chalkida-00001", {"illegal_parking": 1}, now),
                telemetry("people_counter-chalkida-00001", {"occupancy": 12, "entries": 77.75},
                          hour - timedelta(hours=2) + timedelta(minutes=5)),
                telemetry("people_counter-chalkida-00001", {"occupancy": 13, "entries": 77.75},
                          now)]
    send(backend.redis, *entries)
    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    while consumer.step():
        pass
    at = datetime.now(UTC)
    with backend.engine.begin() as conn:
        conn.execute(update(Device).where(Device.id == PARKING[0]).values(
            attrs={"zone": 1, "note": "SECRET-ATTR-4411"}))
        conn.execute(Alarm.__table__.insert().values(
            alarm_id="a-secret", device_id=LILAS, domain="flood", severity="major",
            type="water_alert", message="Lilas over alert", state="active_ack", raised_at=at,
            updated_at=at, acknowledged_at=at, acknowledged_by="SECRET-OPERATOR",
            assigned_to="SECRET-DEPT", count=1))
        conn.execute(AlarmEvent.__table__.insert().values(
            stream_id="1-1", alarm_id="a-secret", event="commented", ts=at,
            user="SECRET-OPERATOR", note="SECRET-COMMENT-9931", payload={}))


def refresh_body(app) -> dict:
    """A signed-out page's minute refresh, as dash-renderer posts it."""
    key = next(k for k in app.callback_map if "public-parking.children" in k)
    return {"output": key, "outputs": [{"id": f"public-{p}", "property": "children"}
                                       for p in ("parking", "air", "flood")],
            "inputs": [{"id": "public-tick", "property": "n_intervals", "value": 1}],
            "state": [{"id": "public-lang", "property": "data", "value": "en"}],
            "changedPropIds": ["public-tick.n_intervals"]}


def test_only_allow_listed_fields_leave_and_nothing_private_ever(backend):
    fill_the_city(backend)
    app, client = public_client(backend)
    paths = ["", "/parking", "/air", "/flood", "/devices", "/devices.csv", "/devices.geojson",
             "/aggregates?metric=no2", "/aggregates?metric=occupancy", "/aggregates.csv"]
    answers = {p: client.get(API + p) for p in paths}
    for path, resp in answers.items():
        assert resp.status_code == 200, path
        assert resp.headers["Cache-Control"] == "public, max-age=60", path
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
    page = client.get("/public?lang=en")
    refresh = client.post("/_dash-update-component", json=refresh_body(app))
    assert page.status_code == 200 and refresh.status_code == 200  # no sign-in needed
    assert "free spaces" in refresh.get_data(as_text=True)
    bodies = {**{p: r.get_data(as_text=True) for p, r in answers.items()},
              "refresh": refresh.get_data(as_text=True)}
    for name, body in bodies.items():
        for secret in SECRETS:
            assert secret not in body, (name, secret)
        for private in ("fuel_level", "illegal_parking", "entries", "battery", "rssi",
                        "name_en", "attrs", "acknowledged_by", "assigned_to", "note"):
            assert f'"{private}"' not in body and f",{private}" not in body, (name, private)

    devices = answers["/devices"].json
    assert {tuple(d) for d in devices} == {DEVICE_JSON_FIELDS}
    assert {d["kind"] for d in devices} == set(PUBLIC_KINDS)
    for d in devices:
        assert set(d["values"]) <= set(allowed_metrics(d["kind"])), d["device_id"]
        assert d["last_seen"] is None or ISO_OFFSET.match(d["last_seen"])
    by_id = {d["device_id"]: d for d in devices}
    assert by_id[AIR]["values"] == {"no2": 20.0, "pm25": 5.0}
    assert by_id[AIR]["units"] == {"no2": "µg/m³", "pm25": "µg/m³"}
    assert by_id["people_counter-chalkida-00001"]["values"] == {"occupancy": 15.0}
    assert by_id[PARKING[0]]["values"] == {"occupied": 1.0}

    # Visitors to the nearest 5, hourly too (12 -> 10); complete hours only (not 13 now).
    occupancy = answers["/aggregates?metric=occupancy"].json
    assert [(r["mean"], r["min"], r["max"], r["count"]) for r in occupancy] == [(10, 10, 10, 1)]


def test_csv_and_geojson_describe_the_same_devices_as_the_json(backend):
    fill_the_city(backend)
    _app, client = public_client(backend)
    devices = client.get(f"{API}/devices").json
    raw = client.get(f"{API}/devices.csv")
    assert raw.mimetype == "text/csv" and raw.data.startswith(b"\xef\xbb\xbf")
    assert "chalkida-devices-latest.csv" in raw.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(raw.data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == LATEST_CSV_FIELDS
    assert {r["device_id"] for r in rows} == {d["device_id"] for d in devices}
    from_csv = {(r["device_id"], r["metric"]): float(r["value"]) for r in rows if r["metric"]}
    from_json = {(d["device_id"], m): v for d in devices for m, v in d["values"].items()}
    assert from_csv == from_json and len(from_json) >= len(PARKING) + 4
    geo = client.get(f"{API}/devices.geojson")
    assert geo.mimetype == "application/geo+json"
    features = geo.json["features"]
    assert geo.json["type"] == "FeatureCollection" and len(features) == len(devices)
    for feature, device in zip(features, devices, strict=True):
        assert tuple(feature["properties"]) == GEOJSON_PROPERTIES
        assert feature["geometry"]["coordinates"] == [device["lon"], device["lat"]]
        assert feature["properties"]["values"] == device["values"]


def test_the_three_answers_from_the_same_readings(backend):
    fill_the_city(backend)
    _app, client = public_client(backend)
    parking = client.get(f"{API}/parking").json
    assert (parking["free"], parking["reporting"], parking["spaces"]) == (2, 6, 49)
    assert ISO_OFFSET.match(parking["as_of"])
    air = client.get(f"{API}/air").json
    assert air["index"]["pollutant"] == "no2" and air["index"]["band"] == 2
    assert air["index"]["name"]["en"] == "Moderate" and air["index"]["concentration"] == 100.0
    flood = client.get(f"{API}/flood").json
    units = {u["unit"]: u for u in flood["units"]}
    assert units["lilantio"]["key"] == "yellow" and units["lilantio"]["level"] == 1
    assert "Lilas river - Vasiliko bridge at alert level" in units["lilantio"]["drivers"]["en"]
    assert flood["city"]["level"] == 1 and units["avlida"]["level"] == 0


def test_hourly_aggregates_per_device_and_metric(backend):
    fill_the_city(backend)
    _app, client = public_client(backend)
    tz = ZoneInfo(backend.config.city.timezone)
    rows = client.get(f"{API}/aggregates?metric=no2").json
    assert {tuple(r) for r in rows} == {AGGREGATE_FIELDS}
    three_ago = (this_hour() - timedelta(hours=3)).astimezone(tz).isoformat(timespec="seconds")
    row = next(r for r in rows if r["hour_start"] == three_ago)
    assert (row["device_id"], row["unit"], row["municipal_unit"]) == (AIR, "µg/m³", "chalkida")
    assert (row["mean"], row["min"], row["max"], row["count"]) == (40.0, 30.0, 50.0, 2)
    today = datetime.now(tz).date().isoformat()
    day = client.get(f"{API}/aggregates.csv?date={today}")
    assert f"chalkida-hourly-{today}.csv" in day.headers["Content-Disposition"]
    text = day.data.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(AGGREGATE_FIELDS)
    assert "fuel_level" not in text and "77.75" not in text
    past = client.get(f"{API}/aggregates.csv?date=2020-01-01")
    assert past.status_code == 200 and past.headers["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize(("query", "parameter", "says"), [
    ("/aggregates", "metric", "metric is required"),
    ("/aggregates?metric=fuel_level", "metric", "unknown metric 'fuel_level'"),
    ("/aggregates.csv?metric=battery", "metric", "unknown metric 'battery'"),
    ("/aggregates.csv?date=2026-02-30", "date", "date must be YYYY-MM-DD"),
    ("/aggregates?metric=no2&date=yesterday", "date", "date must be YYYY-MM-DD"),
    ("/aggregates?metric=no2&date=2999-01-01", "date", "is in the future"),
])
def test_bad_input_is_a_400_that_says_what_is_wrong(backend, query, parameter, says):
    _app, client = public_client(backend)
    resp = client.get(API + query)
    assert resp.status_code == 400 and resp.mimetype == "application/json"
    assert resp.json["parameter"] == parameter and says in resp.json["error"]


def test_the_rate_limit_is_per_address_across_the_whole_api(backend):
    _app, client = public_client(backend, limit="4 per minute")
    for path in ("/parking", "/air", "/devices", "/aggregates?metric=no2"):
        assert client.get(API + path).status_code == 200, path
    refused = client.get(f"{API}/flood")  # another route: the same budget
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "too many requests" in refused.json["error"]
    other = client.get(f"{API}/flood", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # another address has its own budget
