"""A consumer killed before XACK loses nothing and duplicates nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from data_access import streams
from data_access.models import AlarmEvent, Reading
from ingest.alarm_store import AlarmStoreConsumer
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import pending, reading_count, send, telemetry

METER = "water_meter-chalkida-0000{}"


def _batch(n: int) -> list[dict]:
    t0 = datetime.now(UTC) - timedelta(hours=1)
    return [telemetry(METER.format(1 + i % 4), {"flow_m3h": float(i), "pressure_bar": 3.0},
                      t0 + timedelta(seconds=i)) for i in range(n)]


class Killed(Exception):
    pass


def test_entries_read_but_never_processed_are_reclaimed(backend):
    send(backend.redis, *_batch(50))
    dead = TelemetryConsumer(backend.redis, backend.engine, backend.config, name="dead",
                             batch_size=50)
    backend.redis.xreadgroup(streams.INGEST_GROUP, "dead", {streams.TELEMETRY: ">"}, count=50)
    assert pending(backend.redis, streams.TELEMETRY, streams.INGEST_GROUP) == 50
    del dead  # killed before doing anything with them
    heir = TelemetryConsumer(backend.redis, backend.engine, backend.config, name="heir",
                             claim_idle_ms=0)
    assert heir.recover() == 100
    assert reading_count(backend.engine) == 100
    assert pending(backend.redis, streams.TELEMETRY, streams.INGEST_GROUP) == 0


@pytest.mark.faults
def test_killed_after_commit_before_xack_replays_without_duplicates(backend, monkeypatch,
                                                                    fault_report):
    send(backend.redis, *_batch(40))
    victim = TelemetryConsumer(backend.redis, backend.engine, backend.config, name="victim",
                               batch_size=40, block_ms=10)

    def die(*_args, **_kw):
        raise Killed

    monkeypatch.setattr(victim, "_finish", die)
    with pytest.raises(Killed):
        victim.step()
    assert reading_count(backend.engine) == 80  # committed ...
    assert pending(backend.redis, streams.TELEMETRY, streams.INGEST_GROUP) == 40  # ... not acked
    heir = TelemetryConsumer(backend.redis, backend.engine, backend.config, name="heir",
                             claim_idle_ms=0)
    heir.recover()
    with backend.engine.connect() as conn:
        distinct = conn.execute(select(func.count()).select_from(
            select(Reading.device_id, Reading.metric, Reading.ts).distinct().subquery()
        )).scalar_one()
    fault_report.record(f"ingest killed after commit, before XACK [{backend.name}] (readings)",
                        sent=80, stored=distinct, lost=80 - distinct,
                        duplicated=reading_count(backend.engine) - distinct)
    assert reading_count(backend.engine) == 80 == distinct
    assert pending(backend.redis, streams.TELEMETRY, streams.INGEST_GROUP) == 0


@pytest.mark.faults
def test_alarm_store_killed_mid_stream_stores_every_alarm_once(backend, monkeypatch,
                                                               fault_report):
    for i in range(30):
        backend.redis.xadd(streams.ALARMS, {"event": "raised", "alarm_id": f"ext-{i}",
                                            "severity": "minor", "type": "test", "message": "m"})
    victim = AlarmStoreConsumer(backend.redis, backend.engine, name="victim", batch_size=30,
                                block_ms=10)
    monkeypatch.setattr(victim.r, "pipeline", lambda **_: (_ for _ in ()).throw(Killed()))
    with pytest.raises(Killed):
        victim.step()  # SQL committed, XACK never sent
    monkeypatch.undo()
    heir = AlarmStoreConsumer(backend.redis, backend.engine, name="heir", claim_idle_ms=0)
    heir.recover()
    with backend.engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(AlarmEvent)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(AlarmEvent.stream_id)))
                                ).scalar_one()
    fault_report.record(f"alarm store killed after commit, before XACK [{backend.name}]",
                        sent=30, stored=distinct, lost=30 - distinct,
                        duplicated=events - distinct)
    assert events == 30
    assert pending(backend.redis, streams.ALARMS, streams.ALARM_STORE_GROUP) == 0


def test_a_running_worker_takes_over_a_dead_peers_entries(backend):
    import threading

    survivor = TelemetryConsumer(backend.redis, backend.engine, backend.config, name="survivor",
                                 block_ms=50, claim_idle_ms=300)
    send(backend.redis, *_batch(20))
    backend.redis.xreadgroup(streams.INGEST_GROUP, "dead-peer", {streams.TELEMETRY: ">"},
                             count=20)  # read, then the peer died and never came back
    stop = threading.Event()
    thread = threading.Thread(target=survivor.run, args=(stop,), daemon=True)
    thread.start()
    for _ in range(100):
        if pending(backend.redis, streams.TELEMETRY, streams.INGEST_GROUP) == 0:
            break
        stop.wait(0.1)
    stop.set()
    thread.join(5)
    assert reading_count(backend.engine) == 40
    assert pending(backend.redis, streams.TELEMETRY, streams.INGEST_GROUP) == 0


@pytest.mark.faults
def test_a_redis_that_comes_back_empty_gets_its_groups_back(backend, fault_report):
    """Redis restarted without its data (no append-only file, a failover to an empty
    replica): the running consumers recreate their groups and go on, instead of failing
    NOGROUP for ever; what producers sent after the restart is stored."""
    import threading
    import time

    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, name="survivor",
                                 block_ms=20)
    stop = threading.Event()
    worker = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    worker.start()
    try:
        send(backend.redis, *_batch(4))
        deadline = time.monotonic() + 60
        while reading_count(backend.engine) < 8:
            assert time.monotonic() < deadline, "the consumer never stored the first batch"
            time.sleep(0.05)
        backend.redis.flushall()  # Redis comes back empty
        later = [telemetry(METER.format(1), {"flow_m3h": 99.0}, datetime.now(UTC))]
        send(backend.redis, *later)
        while reading_count(backend.engine) < 9:
            assert time.monotonic() < deadline + 60, "ingest stopped at NOGROUP"
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(10)
    fault_report.record(f"Redis comes back empty under a running consumer [{backend.name}] "
                        "(readings)", sent=9, stored=reading_count(backend.engine),
                        lost=9 - reading_count(backend.engine))
    recreated = backend.redis.hget(streams.GROUPS_RECREATED,
                                   f"{streams.TELEMETRY}|{streams.INGEST_GROUP}")
    assert int(recreated) >= 1
    assert pending(backend.redis, streams.TELEMETRY, streams.INGEST_GROUP) == 0
