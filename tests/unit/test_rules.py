"""Device rules through the pure engine: thresholds (fixed and per-device limits) with
deadband and on/off delays, repeats, battery, offline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ingest.rules.core import Check, KeyState, Level, Pending, Timing, decide, level_of
from ingest.rules.core import DeviceInfo as Device
from tests.rule_memory import Memory, events, raw_rules, rule_entry

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BIN = Device("bin-1", "bin_sensor", "waste", {}, "chalkida", 38.47, 23.61)
RIVER = Device("river-1", "hydro_station", "flood",
               {"alert_level": 1.5, "warning_level": 2.2, "danger_level": 3.0}, "lilantio")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_full_bin_raises_collection_once_and_clears_when_emptied(config):
    m = Memory(config, [BIN])
    assert events(m.report("bin-1", at(0), {"fill_level": 85})) == [("raised", "bin_collect")]
    assert m.report("bin-1", at(60), {"fill_level": 88}) == []  # active: no duplicate
    assert events(m.report("bin-1", at(120), {"fill_level": 5})) == [("cleared", "bin_collect")]


def test_river_levels_use_each_stations_own_limits(config):
    m = Memory(config, [RIVER])
    decisions = m.report("river-1", at(0), {"water_level": 2.4})
    assert events(decisions) == [("raised", "water_level_alert"),
                                 ("raised", "water_level_warning")]
    by_type = {d.type: d for d in decisions}
    assert by_type["water_level_warning"].severity == "major"
    assert by_type["water_level_alert"].value == 2.4


def test_deadband_keeps_the_alarm_inside_the_band(config):
    m = Memory(config, [RIVER])  # alert level 1.5, deadband 0.05 in rules.yaml
    assert events(m.report("river-1", at(0), {"water_level": 1.52})) == [
        ("raised", "water_level_alert")]
    assert m.report("river-1", at(100), {"water_level": 1.47}) == []  # below 1.5, inside band
    assert m.report("river-1", at(200), {"water_level": 1.51}) == []  # back up: still one alarm
    assert events(m.report("river-1", at(300), {"water_level": 1.44})) == [
        ("cleared", "water_level_alert")]


@pytest.mark.parametrize(("op", "value", "expected"), [
    (">=", 10.0, Level.ABNORMAL), (">=", 9.0, Level.HOLD), (">=", 8.9, Level.NORMAL),
    (">", 10.0, Level.HOLD), (">", 9.0, Level.NORMAL), ("<", 4.0, Level.ABNORMAL),
    ("<", 5.5, Level.HOLD), ("<", 6.0, Level.NORMAL), ("<=", 6.0, Level.HOLD),
])
def test_level_of_clears_only_past_limit_and_deadband(op, value, expected):
    """Normal is the complement of the condition at the limit moved by the deadband."""
    limit = 10.0 if op.startswith(">") else 5.0
    assert level_of(value, op, limit, deadband=1.0) is expected


def _delayed(config, on: float, off: float):
    raw = raw_rules()
    rule_entry(raw, "bin_collect").update(on_delay_s=on, off_delay_s=off)
    return config.with_rules(raw)


def test_on_delay_raises_only_after_the_condition_held_long_enough(config):
    m = Memory(_delayed(config, on=600, off=0), [BIN])
    assert m.report("bin-1", at(0), {"fill_level": 85}) == []
    assert m.report("bin-1", at(300), {"fill_level": 86}) == []
    assert m.report("bin-1", at(450), {"fill_level": 50}) == []  # false: the delay restarts
    assert m.report("bin-1", at(600), {"fill_level": 86}) == []
    assert m.report("bin-1", at(900), {"fill_level": 87}) == []
    assert events(m.report("bin-1", at(1200), {"fill_level": 88})) == [("raised", "bin_collect")]


def test_off_delay_clears_only_after_normal_long_enough(config):
    m = Memory(_delayed(config, on=0, off=600), [BIN])
    assert events(m.report("bin-1", at(0), {"fill_level": 85})) == [("raised", "bin_collect")]
    assert m.report("bin-1", at(300), {"fill_level": 10}) == []
    assert m.report("bin-1", at(500), {"fill_level": 90}) == []  # abnormal again: restart
    assert m.report("bin-1", at(700), {"fill_level": 10}) == []
    assert m.report("bin-1", at(1000), {"fill_level": 10}) == []
    assert events(m.report("bin-1", at(1300), {"fill_level": 10})) == [
        ("cleared", "bin_collect")]


def test_a_delay_forgets_a_device_that_fell_silent(config):
    cfg = _delayed(config, on=600, off=0)
    m = Memory(cfg, [BIN])
    silence = cfg.offline_after_s("bin_sensor") + 1
    assert m.report("bin-1", at(0), {"fill_level": 85}) == []
    assert m.report("bin-1", at(silence), {"fill_level": 85}) == []  # held afresh from here
    assert events(m.report("bin-1", at(silence + 600), {"fill_level": 85})) == [
        ("raised", "bin_collect")]


def test_a_repeat_refreshes_once_per_repeat_interval(config):
    m = Memory(config, [BIN])  # repeat_interval_s: 600
    first = m.report("bin-1", at(0), {"fill_level": 85})
    assert m.report("bin-1", at(599), {"fill_level": 85}) == []
    again = m.report("bin-1", at(600), {"fill_level": 86})
    assert events(again) == [("raised", "bin_collect")]
    assert again[0].key == first[0].key  # the same alarm, refreshed: the store counts it
    assert m.report("bin-1", at(900), {"fill_level": 87}) == []


def test_decide_never_refreshes_with_repeat_zero():
    check = Check("k", Level.ABNORMAL, 10_000.0, "d", "waste", "minor", "t", "m")
    decision, _ = decide(check, KeyState(active=True, raised_at=0.0), repeat_s=0)
    assert decision is None
    decision, _ = decide(check, KeyState(active=True, raised_at=0.0), repeat_s=600)
    assert decision is not None and decision.event == "raised"


def test_decide_keeps_a_running_delay_and_its_start():
    timing = Timing(on_delay_s=600)
    check = Check("k", Level.ABNORMAL, 1_300.0, "d", "waste", "minor", "t", "m", timing=timing)
    decision, pending = decide(check, KeyState(pending=Pending("raised", 1_000, 1_000)), 600)
    assert decision is None and pending == Pending("raised", 1_000, 1_300)
    # a delay towards the other direction does not count
    _, pending = decide(check, KeyState(pending=Pending("cleared", 500, 1_000)), 600)
    assert pending == Pending("raised", 1_300, 1_300)


def test_battery_low_raises_and_recovers(config):
    m = Memory(config, [BIN])
    assert events(m.report("bin-1", at(0), {"fill_level": 10}, battery=12.0)) == [
        ("raised", "battery_low")]
    assert events(m.report("bin-1", at(60), {"fill_level": 10}, battery=90.0)) == [
        ("cleared", "battery_low")]


def test_silence_longer_than_three_periods_is_offline_and_a_reading_ends_it(config):
    m = Memory(config, [BIN, RIVER])
    now = at(10_000).timestamp()
    interval = config.kinds["bin_sensor"].interval_s
    seen = {"bin-1": now - 3 * interval - 1, "river-1": now - 10}
    assert [(d.device_id, d.type) for d in m.sweep(now, seen)] == [("bin-1", "offline")]
    assert m.sweep(now + 10, seen) == []  # no duplicate
    assert Memory(config, [BIN]).sweep(now, {}) == []  # never seen: not a fault
    back = m.report("bin-1", now + 20, {"fill_level": 10})
    assert events(back) == [("cleared", "offline")]


def test_offline_interval_can_be_set_per_kind(config):
    assert config.offline_after_s("bin_sensor") == 3 * config.kinds["bin_sensor"].interval_s
    assert config.offline_after_s("hydro_station") == 600  # rules.yaml override
    m = Memory(config, [RIVER])
    now = at(5_000).timestamp()
    assert m.sweep(now, {"river-1": now - 599}) == []
    assert events(m.sweep(now, {"river-1": now - 601})) == [("raised", "offline")]
