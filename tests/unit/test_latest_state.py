"""How a report merges into a device's latest state: each field keeps its own time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ingest.latest_state import merge, moves_last_seen
from ingest.validation import Telemetry

T0 = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
AT0 = T0.timestamp()


def report(values: dict, minutes: float = 0, **health) -> Telemetry:
    return Telemetry("aq-1", T0 + timedelta(minutes=minutes), values, source="test", **health)


def test_a_first_report_is_the_state_with_one_time():
    state = merge(None, None, report({"no2": 31.0, "pm10": 20.0}, battery=90.0))
    assert state == {"at": AT0, "ts": T0, "source": "test",
                     "values": {"no2": 31.0, "pm10": 20.0}, "battery": 90.0}


def test_a_newer_report_of_every_field_replaces_the_state():
    first = merge(None, None, report({"no2": 31.0}, battery=90.0))
    state = merge(first, None, report({"no2": 35.0}, 5, battery=89.0))
    assert state["values"] == {"no2": 35.0} and state["battery"] == 89.0
    assert state["at"] == AT0 + 300 and "times" not in state


def test_a_partial_report_keeps_the_other_fields_with_their_own_times():
    first = merge(None, None, report({"no2": 31.0, "temperature": 12.0}, battery=90.0))
    state = merge(first, None, report({"temperature": 13.0}, 5))
    assert state["values"] == {"no2": 31.0, "temperature": 13.0}
    assert state["battery"] == 90.0
    assert state["at"] == AT0 + 300
    assert state["times"] == {"no2": AT0, "battery": AT0}


def test_a_late_report_changes_only_what_is_older_still():
    first = merge(None, None, report({"no2": 31.0, "temperature": 12.0}))
    partial = merge(first, None, report({"temperature": 13.0}, 10))
    late = merge(partial, None, report({"no2": 40.0, "temperature": 1.0}, 5, rssi=-100.0))
    assert late["values"] == {"no2": 40.0, "temperature": 13.0}
    assert late["rssi"] == -100.0
    assert late["at"] == AT0 + 600 and late["ts"] == T0 + timedelta(minutes=10)
    assert late["times"] == {"no2": AT0 + 300, "rssi": AT0 + 300}


def test_a_report_older_than_every_field_it_carries_changes_nothing():
    state = merge(None, None, report({"no2": 31.0}, 10))
    assert merge(state, None, report({"no2": 1.0}, 5)) is None


def test_a_state_written_before_fields_had_times_is_dated_by_last_seen():
    legacy = {"ts": "2026-12-04T10:10:00+00:00", "values": {"no2": 31.0}, "battery": 80.0}
    seen = AT0 + 600
    assert merge(legacy, seen, report({"no2": 1.0}, 5)) is None
    newer = merge(legacy, seen, report({"temperature": 9.0}, 15))
    assert newer["values"] == {"no2": 31.0, "temperature": 9.0}
    assert newer["times"] == {"no2": seen, "battery": seen}


def test_a_state_with_a_time_for_every_field_is_read_as_such():
    """The form the state had while the merge ran in Lua: every field with its time."""
    old = {"ts": "x", "values": {"no2": 31.0, "pm10": 20.0},
           "times": {"no2": AT0 + 600, "pm10": AT0}}
    state = merge(old, None, report({"no2": 1.0, "pm10": 25.0}, 5))
    assert state["values"] == {"no2": 31.0, "pm10": 25.0}
    assert state["at"] == AT0 + 600 and state["times"] == {"pm10": AT0 + 300}


def test_last_seen_moves_only_to_the_newest_report():
    state = merge(None, None, report({"no2": 31.0}, 10))
    late = report({"temperature": 9.0}, 5)
    assert not moves_last_seen(merge(state, None, late), None, late)
    newer = report({"no2": 2.0}, 20)
    assert moves_last_seen(merge(state, None, newer), AT0 + 600, newer)
    assert not moves_last_seen(merge(state, None, newer), AT0 + 9000, newer)
