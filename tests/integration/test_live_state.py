"""The web process's mirror of the city's live state follows the ingest by reading only the
devices that moved, against real Redis and SQL."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from data_access import live_state, streams
from data_access.store import Store
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import send, telemetry

BIN = "bin_sensor-chalkida-00001"
LIGHT = "luminaire-chalkida-00001"


def _row(store: Store, device: str):
    frame = store.device_frame()
    return frame[frame["id"] == device].iloc[0]


def test_a_reading_through_the_ingest_reaches_every_web_process(backend, monkeypatch):
    # Two web processes' stores, each with its own mirror; no full re-read in between.
    monkeypatch.setattr(live_state, "FULL_READ_EVERY_S", 3600.0)
    one = Store(backend.settings, backend.config, backend.engine, backend.redis)
    two = Store(backend.settings, backend.config, backend.engine, backend.redis)
    assert _row(one, BIN)["status"] == "unknown" and _row(two, BIN)["status"] == "unknown"
    send(backend.redis, telemetry(BIN, {"fill_level": 91.0}, datetime.now(UTC), battery=15))
    TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10).step()
    for store in (one, two):
        row = _row(store, BIN)
        assert row["status"] == "ok" and row["reporting"]
        assert row["latest"] == {"fill_level": 91.0} and row["battery"] == 15.0
    assert _row(one, LIGHT)["status"] == "unknown"  # the others did not move


def test_a_replayed_older_reading_does_not_move_the_mirror_back(backend, monkeypatch):
    monkeypatch.setattr(live_state, "FULL_READ_EVERY_S", 3600.0)
    store = Store(backend.settings, backend.config, backend.engine, backend.redis)
    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    now = datetime.now(UTC)
    send(backend.redis, telemetry(BIN, {"fill_level": 50.0}, now))
    consumer.step()
    assert _row(store, BIN)["latest"] == {"fill_level": 50.0}
    send(backend.redis, telemetry(BIN, {"fill_level": 10.0}, now.replace(year=now.year - 1)))
    consumer.step()
    assert _row(store, BIN)["latest"] == {"fill_level": 50.0}


def test_after_redis_loses_its_data_the_mirror_starts_over(backend, monkeypatch):
    monkeypatch.setattr(live_state, "FULL_READ_EVERY_S", 3600.0)
    store = Store(backend.settings, backend.config, backend.engine, backend.redis)
    for _ in range(3):  # several writes: the mirror's write number is ahead of a new count
        streams.write_last_seen(backend.redis, {BIN: time.time()})
    assert _row(store, BIN)["status"] == "ok"
    backend.redis.delete(streams.LAST_SEEN, streams.LATEST, streams.STATE_CHANGED,
                         streams.STATE_WRITES)  # as after a restart without a dump
    streams.write_last_seen(backend.redis, {LIGHT: time.time()})
    assert _row(store, LIGHT)["status"] == "ok"
    assert _row(store, BIN)["status"] == "unknown"


def test_state_written_without_the_change_log_shows_at_the_next_full_read(backend, monkeypatch):
    store = Store(backend.settings, backend.config, backend.engine, backend.redis)
    assert _row(store, BIN)["status"] == "unknown"
    backend.redis.hset(streams.LAST_SEEN, BIN, time.time())  # some other tool, no log
    monkeypatch.setattr(live_state, "FULL_READ_EVERY_S", 0.0)
    assert _row(store, BIN)["status"] == "ok"


def test_a_slow_snapshot_holds_back_the_next_one(backend):
    store = Store(backend.settings, backend.config, backend.engine, backend.redis)
    assert store._claim_computation()
    store._release_computation(took_s=0.4)
    # Snapshots take at most a quarter of the time: 0.4 s of work, then 1.2 s of rest.
    assert 1000 < backend.redis.pttl(store._computation_lock()) <= 1200
    assert not store._claim_computation()
    store._release_computation(took_s=0.0)
    assert store._claim_computation()
