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
