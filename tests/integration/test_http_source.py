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


def test_an_oversized_item_is_refused_at_the_door_and_kept_cut(backend):
    """A 1 MB item never enters the telemetry stream; the dead-letter stream keeps its first
    2 kB with its size and hash, not a second megabyte."""
    import hashlib

    import orjson

    from app import create_app

    client = create_app(backend.settings).server.test_client()
    huge = {"device_id": "bin_sensor-chalkida-00001", "ts": datetime.now(UTC).isoformat(),
            "values": {"fill_level": 10}, "source": "x" * 900_000}
    fine = {**huge, "source": "gateway-7"}
    answer = client.post("/api/v1/telemetry", json=[fine, huge])
    assert answer.status_code == 413 and answer.json["error"] == "oversized"
    assert "items [1]" in answer.json["detail"]
    assert backend.redis.xlen(streams.TELEMETRY) == 0  # nothing of the request went in
    (_, kept), = backend.redis.xrange(streams.DEADLETTER)
    body = orjson.dumps(huge, option=orjson.OPT_SORT_KEYS)  # as the test client sent it
    assert kept[b"reason"] == b"oversized" and len(kept[b"body"]) == streams.KEPT_BYTES
    assert int(kept[b"body_bytes"]) == len(body)
    assert kept[b"body_sha256"].decode() == hashlib.sha256(body).hexdigest()
    assert backend.redis.memory_usage(streams.DEADLETTER) < 64 * 1024


def test_when_redis_cannot_take_readings_the_answer_is_503_and_nothing_is_half_taken(
        sqlite_backend, tmp_path):
    """202 means in the stream. With Redis away: 503 and Retry-After, so the gateway sends
    again; once Redis is back the same request is taken."""
    import shutil
    from dataclasses import replace

    import pytest
    import redis

    from app import create_app
    from tests.integration.helpers import RedisProcess

    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server binary")
    server = RedisProcess(tmp_path)
    server.start()
    try:
        settings = replace(sqlite_backend.settings, redis_url=f"redis://127.0.0.1:{server.port}/0")
        client = create_app(settings).server.test_client()
        reading = {"device_id": "bin_sensor-chalkida-00001", "values": {"fill_level": 40},
                   "ts": datetime.now(UTC).isoformat()}
        server.stop()
        away = client.post("/api/v1/telemetry", json=[reading, reading])
        assert away.status_code == 503 and away.headers["Retry-After"] == "5"
        assert away.json["error"] == "unavailable"
        server.start()
        back = client.post("/api/v1/telemetry", json=[reading, reading])
        assert back.status_code == 202 and back.json["accepted"] == 2
        assert redis.Redis(port=server.port).xlen(streams.TELEMETRY) == 2
    finally:
        server.stop()
