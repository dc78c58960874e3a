"""The reader's trend range: fixed ranges end now, custom ones are whole local days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from data_access.domain_data import SUMMARY_PERIOD_S, period_end, range_bounds, summary_period

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ATHENS = ZoneInfo("Europe/Athens")


def test_fixed_range_ends_now():
    assert range_bounds("7d", None, None, ATHENS, NOW) == (NOW - timedelta(days=7), NOW)


def test_custom_range_is_whole_local_days():
    since, until = range_bounds("custom", "2026-11-18", "2026-11-20", ATHENS, NOW)
    assert since == datetime(2026, 11, 17, 22, 0, tzinfo=UTC)  # midnight in Athens (UTC+2)
    assert until == datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


def test_custom_range_stops_at_now():
    assert range_bounds("custom", "2026-11-21", "2026-11-30", ATHENS, NOW)[1] == NOW


@pytest.mark.parametrize("start,end,error", [
    (None, "2026-11-20", "range_need_dates"),
    ("2026-11-20", "2026-11-18", "range_end_before_start"),
    ("2024-01-01", "2026-11-20", "range_too_long"),
])
def test_custom_range_errors_name_what_is_wrong(start, end, error):
    with pytest.raises(ValueError, match=error):
        range_bounds("custom", start, end, ATHENS, NOW)


def test_screens_asking_in_the_same_period_share_one_key():
    assert period_end(10, 1000.1) == period_end(10, 1009.9) == 1010
    assert period_end(10, 1010.1) == 1020


def test_domains_turn_their_periods_at_different_seconds():
    turns = {summary_period(d, 1_000_000.0) % SUMMARY_PERIOD_S
             for d in ("traffic", "waste", "energy", "water", "flood", "air", "buildings",
                       "network")}
    assert len(turns) >= 5  # spread over the period, not all at once
    assert summary_period("flood", 1_000_000.0) == summary_period("flood", 1_000_000.0 + 0.001)
