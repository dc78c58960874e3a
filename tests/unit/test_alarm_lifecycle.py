"""ISA-18.2 states driven by stream events, from any producer."""

from __future__ import annotations

from datetime import UTC, datetime

from ingest.alarm_lifecycle import AlarmEntry, apply_event, parse_alarm_entry
from ingest.validation import Rejected

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def ev(event: str, **kw) -> AlarmEntry:
    return AlarmEntry(event=event, alarm_id="a1", ts=T0, severity=kw.pop("severity", "major"),
                      type="t", **kw)


def test_raise_ack_clear_closes_the_alarm():
    row = apply_event(None, ev("raised"))
    assert row["state"] == "active_unack" and row["count"] == 1
    row = apply_event(row, ev("acknowledged", user="maria"))
    assert row["state"] == "active_ack" and row["acknowledged_by"] == "maria"
    assert apply_event(row, ev("cleared"))["state"] == "closed"


def test_cleared_before_ack_waits_for_the_operator():
    row = apply_event(apply_event(None, ev("raised")), ev("cleared"))
    assert row["state"] == "cleared_unack"
    assert apply_event(row, ev("acknowledged"))["state"] == "closed"


def test_a_repeat_refreshes_and_counts_instead_of_duplicating():
    row = apply_event(None, ev("raised", value=1.0))
    row = apply_event(row, ev("raised", value=2.0, severity="critical"))
    assert row["count"] == 2 and row["value"] == 2.0 and row["severity"] == "critical"


def test_shelve_and_unshelve():
    row = apply_event(apply_event(None, ev("raised")), ev("shelved"))
    assert row["state"] == "shelved"
    assert apply_event(row, ev("unshelved"))["state"] == "active_unack"


def test_events_for_an_unknown_alarm_change_nothing():
    assert apply_event(None, ev("acknowledged")) is None


def test_entries_from_outside_producers_are_checked():
    assert isinstance(parse_alarm_entry({b"event": b"exploded", b"alarm_id": b"x"}), Rejected)
    assert parse_alarm_entry({"event": "raised", "alarm_id": "x"}).code == "bad_severity"
    good = parse_alarm_entry({"event": "raised", "alarm_id": "x", "severity": "minor",
                              "ts": "1795359088417", "value": "3.5"})
    assert good.severity == "minor" and good.value == 3.5 and good.ts.year == 2026


def test_a_batch_applies_its_events_in_order_as_if_each_came_alone():
    from datetime import timedelta

    from ingest.alarm_lifecycle import apply_in_order

    def at(event: str, alarm: str, minutes: int, **kw) -> AlarmEntry:
        return AlarmEntry(event=event, alarm_id=alarm, ts=T0 + timedelta(minutes=minutes),
                          severity=kw.pop("severity", "major"), type="t", **kw)

    batch = [at("acknowledged", "a", 2, user="maria"),  # overtook its raise
             at("raised", "a", 1), at("raised", "b", 1), at("raised", "b", 3),
             at("cleared", "a", 4), at("commented", "c", 5, note="no alarm")]
    one_by_one: dict = {"a": None, "b": None, "c": None}
    waiting: dict = {}
    for e in batch:  # the reference: apply_event alone, orphans replayed at the raise
        row = apply_event(one_by_one[e.alarm_id], e)
        if row is None:
            waiting.setdefault(e.alarm_id, []).append(e)
            continue
        if one_by_one[e.alarm_id] is None:
            for orphan in sorted(waiting.pop(e.alarm_id, []), key=lambda o: o.ts):
                row = apply_event(row, orphan)
        one_by_one[e.alarm_id] = row
    changed = apply_in_order({"a": None, "b": None, "c": None}, batch, {})
    assert changed == {k: v for k, v in one_by_one.items() if v is not None}
    assert changed["a"]["state"] == "closed" and changed["a"]["acknowledged_by"] == "maria"
    assert changed["b"]["count"] == 2 and "c" not in changed
    stored_earlier = {"d": [at("shelved", "d", 0, until=T0 + timedelta(hours=1))]}
    later = apply_in_order({"d": None}, [at("raised", "d", 1)], stored_earlier)
    assert later["d"]["state"] == "shelved"  # the earlier shelving applied at its raise
