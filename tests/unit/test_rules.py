"""Minimal rules: thresholds (fixed and per-device limits), battery, offline; no repeats."""

from __future__ import annotations

from datetime import UTC, datetime

from ingest.rules import DeviceInfo, evaluate_offline, evaluate_reading, rule_key

BIN = DeviceInfo("bin-1", "bin_sensor", "waste", {})
RIVER = DeviceInfo("river-1", "hydro_station", "flood",
                   {"alert_level": 1.5, "warning_level": 2.2, "danger_level": 3.0})


def events(decisions):
    return sorted((d.event, d.type) for d in decisions)


def test_a_full_bin_raises_collection_once(config):
    first = evaluate_reading(BIN, {"fill_level": 85}, None, config, active={})
    assert events(first) == [("raised", "bin_collect")]
    again = evaluate_reading(BIN, {"fill_level": 88}, None, config,
                             active={rule_key("bin-1", "bin_collect"): "a1"})
    assert again == []  # one active alarm per device and rule: no duplicate


def test_an_emptied_bin_clears_its_alarm(config):
    active = {rule_key("bin-1", "bin_collect"): "a1"}
    cleared = evaluate_reading(BIN, {"fill_level": 5}, None, config, active)
    assert events(cleared) == [("cleared", "bin_collect")]


def test_river_levels_use_each_stations_own_limits(config):
    decisions = evaluate_reading(RIVER, {"water_level": 2.4}, None, config, active={})
    assert events(decisions) == [("raised", "water_level_alert"),
                                 ("raised", "water_level_warning")]
    by_type = {d.type: d for d in decisions}
    assert by_type["water_level_warning"].severity == "major"
    assert by_type["water_level_alert"].value == 2.4


def test_battery_low_raises_and_recovers(config):
    low = evaluate_reading(BIN, {"fill_level": 10}, 12.0, config, active={})
    assert events(low) == [("raised", "battery_low")]
    ok = evaluate_reading(BIN, {"fill_level": 10}, 90.0, config,
                          active={rule_key("bin-1", "battery_low"): "b1"})
    assert events(ok) == [("cleared", "battery_low")]


def test_silence_longer_than_three_periods_is_offline_and_a_reading_ends_it(config):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    interval = config.kinds["bin_sensor"].interval_s
    seen = {"bin-1": now.timestamp() - 3 * interval - 1, "river-1": now.timestamp() - 10}
    offline = evaluate_offline([BIN, RIVER], seen, now, config, active={})
    assert [(d.device_id, d.type) for d in offline] == [("bin-1", "offline")]
    assert evaluate_offline([BIN], {}, now, config, active={}) == []  # never seen: not a fault
    back = evaluate_reading(BIN, {"fill_level": 10}, None, config,
                            active={rule_key("bin-1", "offline"): "o1"})
    assert events(back) == [("cleared", "offline")]
