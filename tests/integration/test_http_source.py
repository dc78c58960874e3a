"""Telemetry over HTTP POST reaches SQL; a broken body is refused with a reason and kept."""

from __future__ import annotations

from datetime import UTC, datetime

from data_access import streams
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import reading_count


def test_posted_readings_are_stored_and_garbage_is_deadlettered(backend):
    from app import create_app

    client = create_app(backend.settings).server.test_client()
    now = datetime.now(UTC).isoformat()
    ok = client.post("/api/v1/telemetry", json=[
        {"device_id": "bin_sensor-chalkida-00001", "ts": now, "values": {"fill_level": 12.5},
         "battery": 88},
        {"device_id": "bin_sensor-chalkida-00002", "ts": now, "values": {"fill_level": "lots"}},
    ])
    assert ok.status_code == 202 and ok.json["accepted"] == 2
    TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10).step()
    assert reading_count(backend.engine) == 1
    broken = client.post("/api/v1/telemetry", data=b"fill=12", content_type="application/json")
    assert broken.status_code == 400 and broken.json["error"] == "not_json"
    reasons = [f[b"reason"] for _, f in backend.redis.xrange(streams.DEADLETTER)]
    assert reasons == [b"non_numeric", b"not_json"]
    assert backend.redis.xrange(streams.DEADLETTER)[-1][1][b"body"] == b"fill=12"


def test_with_ingest_keys_only_a_known_key_may_post(backend):
    from dataclasses import replace

    from app import create_app

    settings = replace(backend.settings, ingest_keys=("gw-key-1", "gw-key-2"))
    client = create_app(settings).server.test_client()
    reading = {"device_id": "bin_sensor-chalkida-00001", "values": {"fill_level": 40},
               "ts": datetime.now(UTC).isoformat()}
    missing = client.post("/api/v1/telemetry", json=reading)
    wrong = client.post("/api/v1/telemetry", json=reading,
                        headers={"Authorization": "Bearer guessed"})
    assert missing.status_code == wrong.status_code == 401
    assert "ingest key" in wrong.json["detail"]
    assert backend.redis.xlen(streams.TELEMETRY) == 0  # nothing entered
    ok = client.post("/api/v1/telemetry", json=reading,
                     headers={"Authorization": "Bearer gw-key-2"})
    assert ok.status_code == 202
    outside_demo = create_app(replace(backend.settings, demo=False)).server.test_client()
    assert outside_demo.post("/api/v1/telemetry", json=reading).status_code == 401
