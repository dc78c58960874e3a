"""Telemetry validation: every way an entry can be wrong gets its own reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from ingest.validation import Rejected, Telemetry, validate

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
KNOWN = {"bin-1": frozenset({"fill_level", "temperature"})}


def entry(**over) -> dict:
    base = {"device_id": "bin-1", "ts": "2026-11-22T13:59:00+02:00",
            "values": orjson.dumps({"fill_level": 81.5}).decode(), "battery": "55"}
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def test_good_entry_is_parsed_to_utc_with_numbers():
    result = validate({k.encode(): v.encode() for k, v in entry().items()}, KNOWN, NOW)
    assert isinstance(result, Telemetry)
    assert result.ts == datetime(2026, 11, 22, 11, 59, tzinfo=UTC)
    assert result.values == {"fill_level": 81.5}
    assert result.battery == 55.0


def test_epoch_milliseconds_are_accepted():
    ms = int((NOW - timedelta(seconds=30)).timestamp() * 1000)
    result = validate(entry(ts=str(ms)), KNOWN, NOW)
    assert isinstance(result, Telemetry)
    assert result.ts == NOW - timedelta(seconds=30)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        (entry(values="{not json"), "not_json"),
        (entry(values="[1, 2]"), "bad_values"),
        (entry(values="{}", battery=None), "bad_values"),
        (entry(device_id="ghost-9"), "unknown_device"),
        (entry(values='{"fill_level": "NaN"}'), "non_numeric"),
        (entry(values='{"fill_level": "inf"}'), "non_numeric"),
        (entry(values='{"fill_level": "full"}'), "non_numeric"),
        (entry(values='{"fill_level": true}'), "non_numeric"),
        (entry(values='{"fill_level": null}'), "non_numeric"),
        (entry(values='{"speed": 3}'), "unknown_metric"),
        (entry(device_id=None), "missing_field"),
        (entry(values=None), "missing_field"),
        (entry(ts=None), "missing_field"),
        (entry(ts="2026-11-22T12:00:00"), "bad_timestamp"),
        (entry(ts="yesterday"), "bad_timestamp"),
        (entry(ts="²"), "bad_timestamp"),
        (entry(ts="9" * 5000), "bad_timestamp"),
        (entry(ts="0001-01-01T00:30:00+01:00"), "bad_timestamp"),
        (entry(ts="2026-11-22T13:00:00+00:00"), "future_timestamp"),
        (entry(battery="140"), "out_of_range"),
        (entry(rssi="loud"), "non_numeric"),
        (entry(values=orjson.dumps({"fill_level": 1, "x" * 9000: 1}).decode()), "oversized"),
    ],
)
def test_bad_entries_are_rejected_with_a_reason(fields, code):
    result = validate(fields, KNOWN, NOW)
    assert isinstance(result, Rejected)
    assert result.code == code
    assert result.detail  # a sentence a person can act on


RANGES = {"fill_level": (0.0, 100.0), "temperature": (-60.0, 85.0)}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        (entry(values='{"fill_level": 1e308}'), "out_of_range"),
        (entry(values='{"fill_level": -0.5}'), "out_of_range"),
        (entry(values='{"fill_level": 50, "temperature": 900}'), "out_of_range"),
        (entry(ts="1969-12-31T23:59:59+00:00"), "stale_timestamp"),
        (entry(ts="2026-10-01T00:00:00+00:00"), "stale_timestamp"),  # 52 days before NOW
        (entry(ts=str(int(NOW.timestamp()))), "bad_timestamp"),  # epoch seconds, not ms
        (entry(ts="-5"), "bad_timestamp"),
    ],
)
def test_values_and_times_outside_the_physical_world_are_refused(fields, code):
    result = validate(fields, KNOWN, NOW, RANGES)
    assert isinstance(result, Rejected) and result.code == code, result
    assert result.detail


def test_the_edges_of_a_range_and_of_the_time_window_are_accepted():
    edge = entry(values='{"fill_level": 100, "temperature": -60}',
                 ts=(NOW - timedelta(days=29)).isoformat())
    result = validate(edge, KNOWN, NOW, RANGES)
    assert isinstance(result, Telemetry), result
    assert result.values == {"fill_level": 100.0, "temperature": -60.0}


def test_the_shipped_ranges_hold_every_metric_a_kind_measures(config):
    """Every metric of the demo city has a physical range (tests/unit/test_simulator.py:
    the simulator stays inside them)."""
    measured = {m for kind in config.kinds.values() for m in kind.metrics}
    assert measured == set(config.metric_ranges)


def test_a_status_event_carries_the_battery_alone():
    result = validate(entry(values="{}", battery="88.3"), KNOWN, NOW)
    assert isinstance(result, Telemetry)
    assert result.values == {} and result.battery == 88.3
