"""What the alarm console reads: filters, order, a unit's own alarm, the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from data_access import streams
from data_access.alarm_queries import AlarmFilter, alarm_rows, alarm_trail
from data_access.store import Store
from ingest.alarm_store import AlarmStoreConsumer


def publish(r, alarm_id, device_id, domain, severity, minutes_ago=0, event="raised"):
    r.xadd(streams.ALARMS, {
        "event": event, "alarm_id": alarm_id, "device_id": device_id, "domain": domain,
        "severity": severity, "type": alarm_id, "message": alarm_id,
        "ts": (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()})


def test_filters_order_and_a_units_own_alarm(backend):
    r = backend.redis
    publish(r, "bin", "bin_sensor-chalkida-00001", "waste", "warning", 5)
    publish(r, "river", "hydro_station-lilantio-00001", "flood", "critical", 3)
    publish(r, "flood-unit", "unit:lilantio", "flood", "major", 1)
    publish(r, "old", "bin_sensor-chalkida-00002", "waste", "minor", 60 * 30)
    r.xadd(streams.ALARMS, {"event": "acknowledged", "alarm_id": "river", "user": "maria"})
    AlarmStoreConsumer(r, backend.engine, block_ms=10).step()
    rows = alarm_rows(backend.engine, AlarmFilter())
    # unacknowledged first (by severity), then acknowledged
    assert list(rows["alarm_id"]) == ["flood-unit", "old", "bin", "river"]  # major, minor, warning
    lilantio = alarm_rows(backend.engine, AlarmFilter(units=["lilantio"]))
    assert set(lilantio["alarm_id"]) == {"river", "flood-unit"}  # the unit's own alarm too
    assert list(alarm_rows(backend.engine, AlarmFilter(domains=["waste"], window="24h"))
                ["alarm_id"]) == ["bin"]  # "old" was raised 30 h ago
    assert list(alarm_rows(backend.engine, AlarmFilter(severities=["critical"]))
                ["alarm_id"]) == ["river"]
    store = Store(backend.settings, backend.config, backend.engine, backend.redis)
    view = store.alarm_view(rows, "el")
    assert view["names"]["unit:lilantio"] == "Ληλάντιο"  # a name, not a pseudo id
    trail = alarm_trail(backend.engine, "river")
    assert list(zip(trail["event"], trail["user"], strict=True)) == [
        ("raised", None), ("acknowledged", "maria")]
