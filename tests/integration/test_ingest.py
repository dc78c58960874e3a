"""Telemetry through the real stream into real SQL, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import streams
from data_access.models import DeviceState, Reading
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import pending, reading_count, send, telemetry

BIN = "bin_sensor-chalkida-00001"
METER = "water_meter-chalkida-00001"


def test_telemetry_becomes_readings_and_latest_state(backend):
    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    t0 = datetime.now(UTC) - timedelta(minutes=2)
    send(backend.redis,
         telemetry(BIN, {"fill_level": 40.0, "temperature": 18.5}, t0, battery=77, source="test"),
         telemetry(BIN, {"fill_level": 42.5, "temperature": 18.0}, t0 + timedelta(minutes=1)),
         telemetry(METER, {"flow_m3h": 1.25, "volume_m3": 10.0, "pressure_bar": 3.1}, t0,
                   rssi=-101, snr=4.5))
    assert consumer.step() == 7
    with backend.engine.connect() as conn:
        fills = conn.execute(select(Reading.value).where(Reading.device_id == BIN,
                                                         Reading.metric == "fill_level")
                             .order_by(Reading.ts)).scalars().all()
    with Session(backend.engine) as session:
        state = {s.device_id: s for s in session.scalars(select(DeviceState))}
    assert fills == [40.0, 42.5]
    assert state[BIN].latest == {"fill_level": 42.5, "temperature": 18.0}
    assert state[METER].rssi == -101 and state[METER].snr == 4.5
    latest = orjson.loads(backend.redis.hget("cityops:latest", BIN))
    assert latest["values"]["fill_level"] == 42.5
    assert pending(backend.redis, streams.TELEMETRY, streams.INGEST_GROUP) == 0


def test_an_older_entry_never_rolls_state_back(backend):
    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    now = datetime.now(UTC)
    send(backend.redis, telemetry(BIN, {"fill_level": 60.0}, now - timedelta(seconds=5)))
    consumer.step()
    send(backend.redis, telemetry(BIN, {"fill_level": 10.0}, now - timedelta(hours=1)))
    consumer.step()
    with backend.engine.connect() as conn:
        latest = conn.execute(select(DeviceState.latest).where(DeviceState.device_id == BIN))
        assert latest.scalar_one() == {"fill_level": 60.0}
    assert reading_count(backend.engine) == 2  # the late reading is still history


def test_a_partial_report_merges_into_the_state_and_blanks_nothing(backend):
    """An uplink with some metrics (and no battery) updates those; the others and the
    battery keep their last value, in Redis and in SQL, within one batch and across
    batches. A late, older report changes only what it is newer for."""
    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    send(backend.redis, telemetry(BIN, {"fill_level": 40.0, "temperature": 18.5}, t0,
                                  battery=77))
    consumer.step()
    send(backend.redis,  # two partial reports in one batch, then one in the next
         telemetry(BIN, {"temperature": 19.0}, t0 + timedelta(minutes=1)),
         telemetry(BIN, {"fill_level": 45.0}, t0 + timedelta(minutes=2), rssi=-99))
    consumer.step()
    send(backend.redis, telemetry(BIN, {"temperature": 19.5}, t0 + timedelta(minutes=3)))
    consumer.step()
    send(backend.redis,  # late: older than the fill level the state holds
         telemetry(BIN, {"fill_level": 5.0}, t0 + timedelta(seconds=30)))
    consumer.step()
    latest = orjson.loads(backend.redis.hget(streams.LATEST, BIN))
    assert latest["values"] == {"fill_level": 45.0, "temperature": 19.5}
    assert latest["battery"] == 77 and latest["rssi"] == -99
    with Session(backend.engine) as session:
        state = session.get(DeviceState, BIN)
        assert state.latest == {"fill_level": 45.0, "temperature": 19.5}
        assert state.battery == 77 and state.rssi == -99


def test_bad_input_goes_to_the_deadletter_with_a_reason_and_good_input_survives(backend):
    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    bad = [
        {"device_id": BIN, "ts": datetime.now(UTC).isoformat(), "values": "{oops"},
        telemetry("no-such-device", {"fill_level": 1}),
        {"device_id": BIN, "ts": datetime.now(UTC).isoformat(), "values": '{"fill_level":"NaN"}'},
        {"device_id": BIN, "values": '{"fill_level": 3}'},
        telemetry(BIN, {"fill_level": 5}, datetime.now(UTC) + timedelta(days=1)),
        telemetry(BIN, {"fill_level": 5, "x" * 9000: 1}),
    ]
    ids = send(backend.redis, bad[0], telemetry(BIN, {"fill_level": 33.0}), *bad[1:])
    consumer.step()
    dead = backend.redis.xrange(streams.DEADLETTER)
    reasons = [f[b"reason"].decode() for _, f in dead]
    assert reasons == ["not_json", "unknown_device", "non_numeric", "missing_field",
                       "future_timestamp", "oversized"]
    first = dead[0][1]
    assert first[b"values"] == b"{oops"  # the original entry, untouched, to replay later
    assert first[b"entry_id"] == ids[0]
    assert b"detail" in first
    raw_counts = backend.redis.hgetall(streams.DEADLETTER_COUNT)
    counts = {k.decode(): int(v) for k, v in raw_counts.items()}
    assert counts["not_json"] == 1 and sum(counts.values()) == 6
    assert reading_count(backend.engine) == 1
    assert pending(backend.redis, streams.TELEMETRY, streams.INGEST_GROUP) == 0


def test_live_state_in_redis_only_moves_forward_across_consumers(backend):
    a = TelemetryConsumer(backend.redis, backend.engine, backend.config, name="a", block_ms=10,
                          batch_size=1)
    b = TelemetryConsumer(backend.redis, backend.engine, backend.config, name="b", block_ms=10,
                          batch_size=1)
    now = datetime.now(UTC)
    send(backend.redis, telemetry(BIN, {"fill_level": 70.0}, now - timedelta(seconds=5)),
         telemetry(BIN, {"fill_level": 20.0}, now - timedelta(minutes=5)))
    a.step()  # the newer report
    b.step()  # the older one, handled later by another consumer
    latest = orjson.loads(backend.redis.hget(streams.LATEST, BIN))
    assert latest["values"] == {"fill_level": 70.0}


def test_a_different_value_for_a_stored_reading_is_kept_beside_it_not_dropped(backend):
    """The same reading sent again (a replay) adds nothing; another value under the same
    device, metric and time keeps the first as the record and is kept in reading_conflicts,
    with the value stored and where it came from."""
    from data_access.models import ReadingConflict

    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    at = datetime.now(UTC) - timedelta(minutes=3)
    send(backend.redis, telemetry(BIN, {"fill_level": 40.0, "temperature": 18.5}, at))
    consumer.step()
    send(backend.redis,
         telemetry(BIN, {"fill_level": 40.0, "temperature": 18.5}, at),  # replayed
         telemetry(BIN, {"fill_level": 55.0, "temperature": 18.5}, at, source="gw-2"),
         telemetry(METER, {"flow_m3h": 1.0}, at))  # new: inserted in the same batch
    consumer.step()
    send(backend.redis, telemetry(BIN, {"fill_level": 55.0}, at, source="gw-2"))  # again
    consumer.step()
    with Session(backend.engine) as session:
        conflicts = [(c.device_id, c.metric, c.stored, c.offered, c.source)
                     for c in session.scalars(select(ReadingConflict))]
        stored = session.scalars(select(Reading.value).where(
            Reading.device_id == BIN, Reading.metric == "fill_level")).all()
    assert conflicts == [(BIN, "fill_level", 40.0, 55.0, "gw-2")]
    assert stored == [40.0]  # the first stays the record
    assert reading_count(backend.engine) == 3


def test_every_other_value_offered_in_one_batch_is_kept(backend):
    """v1, v2, v1 for one key in one batch: v1 is the record and v2 is kept beside it (the
    batch's last word for the key is v1 again, which must not hide v2)."""
    from data_access.models import ReadingConflict

    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    at = datetime.now(UTC) - timedelta(minutes=3)
    send(backend.redis, telemetry(BIN, {"fill_level": 40.0}, at),
         telemetry(BIN, {"fill_level": 55.0}, at, source="gw-2"),
         telemetry(BIN, {"fill_level": 40.0}, at, source="gw-3"))
    consumer.step()
    with Session(backend.engine) as session:
        conflicts = [(c.stored, c.offered, c.source)
                     for c in session.scalars(select(ReadingConflict))]
        stored = session.scalars(select(Reading.value).where(
            Reading.device_id == BIN, Reading.metric == "fill_level")).all()
    assert stored == [40.0]
    assert conflicts == [(40.0, 55.0, "gw-2")]


def test_a_state_changed_by_another_consumer_between_read_and_write_is_merged_again(backend):
    """The compare-and-set refuses a state that changed since it was read; the consumer
    reads it again and merges, so neither consumer's fields are lost."""
    from ingest.latest_state import LatestState

    latest = LatestState(backend.redis)
    at = datetime.now(UTC) - timedelta(minutes=5)
    first = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    send(backend.redis, telemetry(BIN, {"fill_level": 40.0, "temperature": 18.0}, at))
    first.step()
    real = latest._compare_and_set
    calls = []

    def another_consumer_writes_first(*args, **kwargs):
        if not calls:  # between this consumer's read and its write
            other = TelemetryConsumer(backend.redis, backend.engine, backend.config,
                                      name="other", block_ms=10)
            send(backend.redis, telemetry(BIN, {"temperature": 21.0}, at + timedelta(minutes=2),
                                          battery=64))
            other.step()
        calls.append(kwargs)
        return real(*args, **kwargs)

    latest._compare_and_set = another_consumer_writes_first
    from ingest.validation import Telemetry
    moved = latest.advance({BIN: Telemetry(BIN, at + timedelta(minutes=1), {"fill_level": 55.0})})
    assert moved == [BIN] and len(calls) == 2  # refused once, then merged again
    state = orjson.loads(backend.redis.hget(streams.LATEST, BIN))
    assert state["values"] == {"fill_level": 55.0, "temperature": 21.0}
    assert state["battery"] == 64
