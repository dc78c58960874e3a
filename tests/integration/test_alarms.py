"""Alarms from rules and from outside producers land in SQL and reach the overview."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import streams
from data_access.models import Alarm, AlarmEvent
from data_access.store import Store
from ingest.alarm_store import AlarmStoreConsumer
from ingest.directory import DeviceDirectory
from ingest.health_sweep import sweep_once
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import send, telemetry

BIN = "bin_sensor-chalkida-00002"


def _alarms(engine) -> dict[str, Alarm]:
    with Session(engine) as session:
        return {a.type: a for a in session.scalars(select(Alarm))}


def test_a_full_bin_raises_then_clears_through_both_consumers(backend):
    ingest = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    store = AlarmStoreConsumer(backend.redis, backend.engine, block_ms=10)
    send(backend.redis, telemetry(BIN, {"fill_level": 91.0}))
    ingest.step()
    send(backend.redis, telemetry(BIN, {"fill_level": 93.0}))  # still full: no new alarm
    ingest.step()
    store.step()
    alarm = _alarms(backend.engine)["bin_collect"]
    assert alarm.state == "active_unack" and alarm.device_id == BIN and alarm.count == 1
    send(backend.redis, telemetry(BIN, {"fill_level": 4.0}))  # collected
    ingest.step()
    store.step()
    assert _alarms(backend.engine)["bin_collect"].state == "cleared_unack"


def test_an_outside_producers_alarm_is_stored_and_listed(backend):
    store_consumer = AlarmStoreConsumer(backend.redis, backend.engine, block_ms=10)
    backend.redis.xadd(streams.ALARMS, {
        "event": "raised", "alarm_id": "scada-7", "device_id": "water_meter-avlida-00001",
        "domain": "water", "severity": "critical", "type": "pump_trip",
        "message": "Pump P3 tripped", "ts": datetime.now(UTC).isoformat(), "user": "scada"})
    backend.redis.xadd(streams.ALARMS, {"event": "raised", "alarm_id": "broken"})  # no severity
    store_consumer.step()
    alarm = _alarms(backend.engine)["pump_trip"]
    assert alarm.severity == "critical" and alarm.state == "active_unack"
    with Session(backend.engine) as session:
        audit = session.scalars(select(AlarmEvent).where(AlarmEvent.alarm_id == "scada-7"))
        assert [(e.event, e.user) for e in audit] == [("raised", "scada")]
    dead = backend.redis.xrange(streams.DEADLETTER)
    assert dead[-1][1][b"reason"] == b"bad_severity"
    store = Store(backend.settings, backend.config, backend.engine, backend.redis)
    listed = store.active_alarms()
    assert listed.iloc[0]["alarm_id"] == "scada-7"
    frame = store.device_frame()
    assert frame.set_index("id").loc["water_meter-avlida-00001", "status"] == "alarm"


def test_a_silent_device_goes_offline_and_comes_back(backend):
    ingest = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    store = AlarmStoreConsumer(backend.redis, backend.engine, block_ms=10)
    old = datetime.now(UTC).timestamp() - 3 * backend.config.kinds["bin_sensor"].interval_s - 60
    send(backend.redis, telemetry(BIN, {"fill_level": 10.0}, datetime.fromtimestamp(old, UTC)))
    ingest.step()
    directory = DeviceDirectory(backend.engine, backend.config)
    assert sweep_once(backend.redis, directory, backend.config) == 1
    assert sweep_once(backend.redis, directory, backend.config) == 0  # no duplicate
    store.step()
    assert _alarms(backend.engine)["offline"].state == "active_unack"
    send(backend.redis, telemetry(BIN, {"fill_level": 11.0}))
    ingest.step()
    store.step()
    assert _alarms(backend.engine)["offline"].state == "cleared_unack"


def test_a_clear_that_overtakes_its_raise_is_not_lost(backend):
    store = AlarmStoreConsumer(backend.redis, backend.engine, block_ms=10)
    now = datetime.now(UTC)
    # A slower consumer still held `raised` when `cleared` was stored: they land reversed.
    backend.redis.xadd(streams.ALARMS, {"event": "cleared", "alarm_id": "x-1",
                                        "ts": now.isoformat()})
    store.step()
    backend.redis.xadd(streams.ALARMS, {"event": "raised", "alarm_id": "x-1", "severity": "major",
                                        "type": "late", "ts": (now.replace(microsecond=0)
                                                               .isoformat())})
    store.step()
    assert _alarms(backend.engine)["late"].state == "cleared_unack"


def test_a_poison_alarm_entry_is_deadlettered_and_its_neighbours_stored(backend):
    store = AlarmStoreConsumer(backend.redis, backend.engine, block_ms=10)
    backend.redis.xadd(streams.ALARMS, {"event": "raised", "alarm_id": "ok-1", "severity": "minor",
                                        "type": "fine"})
    backend.redis.xadd(streams.ALARMS, {"event": "raised", "alarm_id": "bad-1",
                                        "severity": "minor", "type": "t" * 300})
    backend.redis.xadd(streams.ALARMS, {"event": "raised", "alarm_id": "bad-2",
                                        "severity": "minor", "type": "nan", "value": "nan"})
    store.step()
    assert set(_alarms(backend.engine)) == {"fine"}
    reasons = sorted(f[b"reason"] for _, f in backend.redis.xrange(streams.DEADLETTER))
    assert reasons == [b"non_numeric", b"out_of_range"]
    assert backend.redis.xpending(streams.ALARMS, streams.ALARM_STORE_GROUP)["pending"] == 0
