"""Streams hold only work still to do: consumers trim what every group has done, producers
never trim what nobody has read, and a full backlog pushes back on producers instead."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from data_access import streams
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import pending, reading_count, send, telemetry

METER = "water_meter-chalkida-0000{}"


def _batch(n: int) -> list[dict]:
    t0 = datetime.now(UTC) - timedelta(hours=2)
    return [telemetry(METER.format(1 + i % 4), {"flow_m3h": float(i)}, t0 + timedelta(seconds=i))
            for i in range(n)]


def test_only_what_every_group_has_acknowledged_is_trimmed(backend):
    r = backend.redis
    send(r, *_batch(100))
    consumer = TelemetryConsumer(r, backend.engine, backend.config, name="a", batch_size=60,
                                 block_ms=10)
    streams.ensure_group(r, streams.TELEMETRY, "archive")  # a second reader, behind
    assert consumer.trim() == 0  # nobody has read anything yet
    consumer.step()  # 60 read, stored, acknowledged by "ingest"
    assert reading_count(backend.engine) == 60
    assert consumer.trim() == 0 and r.xlen(streams.TELEMETRY) == 100  # "archive" has not
    r.xreadgroup("archive", "x", {streams.TELEMETRY: ">"}, count=30)  # given 30, not acked
    assert consumer.trim() == 0  # still pending in "archive"
    r.xgroup_destroy(streams.TELEMETRY, "archive")
    assert consumer.trim() == 60 and r.xlen(streams.TELEMETRY) == 40
    r.xreadgroup(streams.INGEST_GROUP, "b", {streams.TELEMETRY: ">"}, count=10)  # pending
    consumer.step()  # the other 30
    assert consumer.trim() == 0  # the 10 pending at "b" hold the trim at their place
    TelemetryConsumer(r, backend.engine, backend.config, name="b", claim_idle_ms=0).recover()
    assert consumer.trim() == 40 and r.xlen(streams.TELEMETRY) == 0
    assert reading_count(backend.engine) == 100


@pytest.mark.faults
def test_an_entry_trimmed_while_pending_is_acknowledged_and_counted_as_lost(backend,
                                                                            fault_report):
    r = backend.redis
    streams.ensure_group(r, streams.TELEMETRY, streams.INGEST_GROUP)
    send(r, *_batch(20))
    r.xreadgroup(streams.INGEST_GROUP, "dead", {streams.TELEMETRY: ">"}, count=20)
    r.xtrim(streams.TELEMETRY, maxlen=5, approximate=False)  # someone trims by hand
    heir = TelemetryConsumer(r, backend.engine, backend.config, name="heir", claim_idle_ms=0)
    heir.recover()
    assert pending(r, streams.TELEMETRY, streams.INGEST_GROUP) == 0  # nothing stuck
    fault_report.record(f"15 of 20 pending entries trimmed by hand [{backend.name}]",
                        sent=20, stored=reading_count(backend.engine),
                        lost=int(r.hget(streams.LOST, streams.TELEMETRY)))
    assert int(r.hget(streams.LOST, streams.TELEMETRY)) == 15
    assert reading_count(backend.engine) == 5


def test_a_full_backlog_pushes_back_on_http_and_lets_go_once_stored(backend, monkeypatch):
    from app import create_app

    monkeypatch.setitem(streams.BACKLOG_LIMIT, streams.TELEMETRY, 50)
    client = create_app(backend.settings).server.test_client()
    now = datetime.now(UTC)
    items = [{"device_id": METER.format(1), "values": {"flow_m3h": i},
              "ts": (now - timedelta(seconds=100 - i)).isoformat()} for i in range(40)]
    assert client.post("/api/v1/telemetry", json=items).status_code == 202
    full = client.post("/api/v1/telemetry", json=items[:20])
    assert full.status_code == 503 and full.json["error"] == "backlog"
    assert full.headers["Retry-After"] == "5" and backend.redis.xlen(streams.TELEMETRY) == 40
    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    consumer.step()
    consumer.trim()
    assert client.post("/api/v1/telemetry", json=items[:20]).status_code == 202


@pytest.mark.parametrize("producer", ["simulator", "mqtt"])
def test_other_producers_hold_back_too(backend, monkeypatch, producer):
    """The MQTT bridge's store refuses (so it does not acknowledge); the simulator skips."""
    from ingest import mqtt_source

    monkeypatch.setitem(streams.BACKLOG_LIMIT, streams.TELEMETRY, 10)
    send(backend.redis, *_batch(10))
    if producer == "mqtt":
        class Msg:
            topic, payload, mid, qos = "application/x/device/01/event/up", b"{}", 1, 1

        with pytest.raises(streams.Backlogged):
            mqtt_source.store(backend.redis, [Msg()])
    else:
        from ingest.workers import new_simulator

        sim = new_simulator(backend.engine, backend.config, 1)
        assert sim.due(datetime.now(UTC) + timedelta(hours=1))  # it has reports to send
        sim.run(backend.redis, OneRound())
    assert backend.redis.xlen(streams.TELEMETRY) == 10


class OneRound(threading.Event):
    """A stop event that lets a worker's loop go round exactly once."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    def is_set(self) -> bool:
        self.asked += 1
        return self.asked > 1

    def wait(self, timeout=None) -> bool:
        return True


@pytest.mark.faults
def test_a_fuzz_of_bad_entries_is_all_accounted_for_and_leaves_little_behind(backend,
                                                                             fault_report):
    """300 entries of junk (bench/fuzz_intake.py's, seeded): each is stored or refused with a
    reason, nothing stays pending, the stream is trimmed, and what the dead-letter stream
    keeps of a refused entry is cut (a 1 MB field does not stay 1 MB)."""
    import random

    from bench.fuzz_intake import junk

    rng, now = random.Random(7), datetime.now(UTC)
    entries = [junk(rng, now) for _ in range(300)]
    send(backend.redis, *entries)
    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    while consumer.step():
        pass
    consumer.trim()
    r = backend.redis
    refused = sum(int(v) for v in r.hgetall(streams.DEADLETTER_COUNT).values())
    assert pending(r, streams.TELEMETRY, streams.INGEST_GROUP) == 0
    assert r.xlen(streams.TELEMETRY) == 0 and r.xlen(streams.DEADLETTER) == refused
    assert 0 < refused < 300
    # A good entry is one reading here (two that share a second are one: a replay).
    assert 0 < reading_count(backend.engine) <= 300 - refused
    left = pending(r, streams.TELEMETRY, streams.INGEST_GROUP) + r.xlen(streams.TELEMETRY)
    fault_report.record(f"300 entries of junk [{backend.name}] (entries; stored as readings)",
                        sent=300, stored=reading_count(backend.engine), refused=refused,
                        lost=left)
    biggest = max(streams.entry_bytes(f) for _, f in r.xrange(streams.DEADLETTER))
    assert biggest <= (streams.KEPT_FIELDS + 8) * (streams.KEPT_BYTES + 200)
