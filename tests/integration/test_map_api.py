"""The map's HTTP and status paths against real Redis and SQL."""

from __future__ import annotations

import dataclasses
import gzip
import time

import geobuf
import orjson
from sqlalchemy import func, select

from data_access import streams
from data_access.models import Device
from data_access.store import Store
from tests.integration.helpers import signed_in


def test_positions_endpoint_serves_every_device_once_and_caches(backend):
    from app import create_app

    client = signed_in(create_app(backend.settings).server.test_client(), backend)
    total = 0
    for domain in backend.config.domain_by_id:
        resp = client.get(f"/api/v1/map/{domain}.pbf")
        assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
        total += len(geobuf.decode(gzip.decompress(resp.data))["features"])
        again = client.get(f"/api/v1/map/{domain}.pbf",
                           headers={"If-None-Match": resp.headers["ETag"]})
        assert again.status_code == 304
    with backend.engine.connect() as conn:
        assert total == conn.execute(select(func.count()).select_from(Device)).scalar_one()
    assert client.get("/api/v1/map/atlantis.pbf").status_code == 404


def test_device_ids_come_once_in_the_order_of_the_positions(backend):
    from app import create_app

    client = signed_in(create_app(backend.settings).server.test_client(), backend)
    resp = client.get("/api/v1/map/ids.json")
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
    ids = orjson.loads(gzip.decompress(resp.data))
    with backend.engine.connect() as conn:
        rows = conn.execute(select(Device.id, Device.domain, Device.lat)).all()
    for domain, listed in ids.items():
        features = geobuf.decode(gzip.decompress(
            client.get(f"/api/v1/map/{domain}.pbf").data))["features"]
        lat_of = {r.id: r.lat for r in rows if r.domain == domain}
        assert sorted(listed) == sorted(lat_of)  # every device of the domain, once
        # Feature i is device ids[domain][i]: the positions agree with the ids.
        assert [round(f["geometry"]["coordinates"][1], 5) for f in features] == [
            round(lat_of[d], 5) for d in listed]
    again = client.get("/api/v1/map/ids.json", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304


def test_the_first_view_counts_every_device_of_each_domain(backend):
    from app import create_app

    small = signed_in(create_app(backend.settings).server.test_client(), backend)
    assert orjson.loads(small.get("/api/v1/map/first-view.json").data) == {"domains": {}}
    assert "first-view" not in small.get("/?lang=en").headers.get("Link", "")  # a small city
    settings = dataclasses.replace(backend.settings, first_view_devices=0)
    client = signed_in(create_app(settings).server.test_client(), backend)
    resp = client.get("/api/v1/map/first-view.json")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-cache"
    view = orjson.loads(resp.data)
    with backend.engine.connect() as conn:
        per_domain = dict(conn.execute(
            select(Device.domain, func.count()).group_by(Device.domain)).all())
    assert {d: sum(c[2] for c in v["cells"]) for d, v in view["domains"].items()} == per_domain
    assert {c[3] for v in view["domains"].values() for c in v["cells"]} == {"u"}  # none reported
    assert view["domains"]["flood"]["glyph"] == backend.config.domain_by_id["flood"].glyph
    assert "</api/v1/map/first-view.json>" in client.get("/?lang=en").headers["Link"]


def test_a_map_page_tells_the_browser_to_fetch_positions_at_once(backend):
    from app import create_app

    client = signed_in(create_app(backend.settings).server.test_client(), backend)
    links = client.get("/map?lang=en").headers.get("Link", "")
    for domain in backend.config.domain_by_id:
        assert f"/api/v1/map/{domain}.pbf?v=" in links
    assert "async-GeoJSON.js>; rel=preload; as=script" in links
    assert "/api/v1/map/ids.json?v=" in links
    assert "Link" not in client.get("/devices/x").headers  # no map there


def test_a_screen_gets_only_what_changed_since_its_snapshot(backend, monkeypatch):
    store = Store(backend.settings, backend.config, backend.engine, backend.redis)
    first = store.status_update(None)
    assert set(first["full"]) == set(backend.config.domain_by_id)
    assert set(first["full"]["waste"]) == {"u"}  # nobody has reported yet
    bins = sorted(d for d in store.devices()["id"] if d.startswith("bin_sensor"))
    streams.write_last_seen(backend.redis, {bins[1]: time.time()})
    monkeypatch.setattr("data_access.store.STATUS_BUCKET_S", 0.01)  # a new snapshot soon
    for _ in range(200):  # the next snapshot is made in the background; screens poll
        update = store.status_update(first["version"])
        if update.get("delta"):
            break
        time.sleep(0.01)
    assert update["delta"] == {"waste": [[1, "o"]]}
    later = store.status_update(update["version"])
    assert "full" not in later and not later.get("delta")  # nothing changed, nothing sent


def test_device_popup_data_is_in_the_readers_language(backend):
    from app import create_app

    client = signed_in(create_app(backend.settings).server.test_client(), backend)
    backend.redis.hset(streams.LATEST, "bin_sensor-chalkida-00001",
                       b'{"values": {"fill_level": 42.0}, "battery": 80}')
    data = client.get("/api/v1/devices/bin_sensor-chalkida-00001?lang=el").json
    assert data["kind"] == "Αισθητήρας πλήρωσης κάδου" and data["unit"] == "Χαλκίδα"
    assert data["values"] == {"fill_level": {"value": 42.0, "unit": "%", "name": "Πληρότητα"}}
    assert data["battery"] == 80
    assert client.get("/api/v1/devices/nope").status_code == 404


def test_device_history_returns_the_readings_in_range(backend):
    from datetime import UTC, datetime, timedelta

    from ingest.telemetry_consumer import TelemetryConsumer
    from tests.integration.helpers import send, telemetry

    device = "hydro_station-lilantio-00001"
    now = datetime.now(UTC)
    send(backend.redis, *[telemetry(device, {"water_level": 0.5 + i / 10}, now - timedelta(hours=h))
                          for i, h in enumerate((30, 5, 1))])
    TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10).step()
    store = Store(backend.settings, backend.config, backend.engine, backend.redis)
    day = store.device_history(device, now - timedelta(hours=24))
    assert list(day["value"]) == [0.6, 0.7]  # the 30-hour-old reading is outside the range
    assert str(day["ts"].dt.tz) == "UTC"
