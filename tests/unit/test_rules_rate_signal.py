"""Window aggregates, rate-of-change rules and the weak-signal rule, without a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ingest.rules.core import DeviceInfo
from ingest.rules.window import aggregate, amount
from tests.rule_memory import Memory, events, raw_rules

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
RIVER = DeviceInfo("river-1", "hydro_station", "flood",
                   {"alert_level": 5.0, "warning_level": 6.0, "danger_level": 7.0}, "lilantio")
SPOT = DeviceInfo("spot-1", "parking_space", "traffic", {}, "chalkida")
METER = DeviceInfo("meter-1", "energy_meter", "energy", {}, "chalkida")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_rise_and_fall_measure_from_the_windows_extreme():
    samples = [(0.0, 1.0), (600.0, 0.8), (1200.0, 1.1), (1800.0, 1.3)]
    assert aggregate("rise", samples, 1800, 1800) == pytest.approx(0.5)  # from the 0.8 trough
    assert aggregate("rise", samples, 1800, 900) == pytest.approx(0.2)  # window from 900 s
    assert aggregate("fall", samples, 1800, 1800) == pytest.approx(0.0)
    assert aggregate("fall", [(0.0, 2.0), (60.0, 1.5)], 60, 600) == pytest.approx(0.5)
    assert aggregate("rise", [(0.0, 1.0)], 0, 1800) is None  # one sample: no change known
    assert aggregate("mean", samples, 1800, 1800) == pytest.approx(1.05)


def test_amount_integrates_a_per_hour_rate_over_the_window():
    steady = [(t, 12.0) for t in range(0, 3601, 300)]  # 12 mm/h for an hour
    assert amount(steady, 3600, 3600) == pytest.approx(12.0)
    assert amount(steady, 3600, 1800) == pytest.approx(6.0)
    ramp = [(0.0, 0.0), (3600.0, 20.0)]
    assert amount(ramp, 3600, 1800) == pytest.approx(7.5)  # 10 -> 20 mm/h for half an hour
    assert amount(steady, 10_000, 3600) is None  # nothing inside the window: unknown


def test_a_fast_rise_raises_and_a_steady_river_clears(config):
    m = Memory(config, [RIVER])  # water_rising_fast: rise by 0.3 within 1800 s, deadband 0.1
    levels = [0.50, 0.55, 0.62, 0.74, 0.88]  # every 5 min
    published = [m.report("river-1", at(5 * i), {"water_level": v}) for i, v in enumerate(levels)]
    assert [events(p) for p in published[:4]] == [[], [], [], []]  # 0.24 m so far
    assert events(published[4]) == [("raised", "water_rising_fast")]
    assert published[4][0].value == pytest.approx(0.38)
    # The river stays at 0.88: the rise within the last 30 min shrinks as old lows leave it.
    still = m.report("river-1", at(35), {"water_level": 0.88})  # 0.88-0.55: still rising,
    assert events(still) == [("raised", "water_rising_fast")]  # a refresh 15 min after the raise
    assert m.report("river-1", at(40), {"water_level": 0.88}) == []  # 0.26: inside the band
    assert events(m.report("river-1", at(45), {"water_level": 0.88})) == [
        ("cleared", "water_rising_fast")]  # 0.14: past 0.3 - 0.1


def test_a_fall_rule_from_config(config):
    raw = raw_rules()
    raw["rates"].append({"id": "river_falling", "kind": "hydro_station", "metric": "water_level",
                         "change": "fall", "by": 0.5, "window_s": 1800, "severity": "minor",
                         "message": {"en": "Falling"}})
    m = Memory(config.with_rules(raw), [RIVER])
    assert m.report("river-1", at(0), {"water_level": 2.0}) == []
    assert events(m.report("river-1", at(10), {"water_level": 1.4})) == [
        ("raised", "river_falling")]


def test_weak_signal_needs_to_last_and_clears_past_the_deadband(config):
    m = Memory(config, [SPOT])  # rssi < -115 or snr < -10; deadband 3 dB; delays 900 s
    fine = {"occupied": 1.0}
    for minute in (0, 5, 10):  # reports every 5 min: within the kind's offline interval
        assert m.report("spot-1", at(minute), fine, rssi=-120 + minute / 10, snr=2) == []
    assert events(m.report("spot-1", at(15), fine, rssi=-121, snr=2)) == [
        ("raised", "weak_signal")]
    assert m.report("spot-1", at(16), fine, rssi=-113, snr=2) == []  # inside the band
    for minute in (20, 25, 30):  # off-delay runs
        assert m.report("spot-1", at(minute), fine, rssi=-100, snr=2) == []
    assert events(m.report("spot-1", at(35), fine, rssi=-100, snr=2)) == [
        ("cleared", "weak_signal")]


def test_a_low_snr_alone_is_weak(config):
    m = Memory(config, [SPOT])
    for minute in (0, 5, 10):
        assert m.report("spot-1", at(minute), {"occupied": 0.0}, snr=-12) == []
    decisions = m.report("spot-1", at(15), {"occupied": 0.0}, snr=-12.5)
    assert events(decisions) == [("raised", "weak_signal")]
    assert decisions[0].value == -12.5


def test_devices_without_rssi_or_snr_are_never_judged_on_signal(config):
    m = Memory(config, [METER])
    for minute in (0, 20, 40):
        assert m.report("meter-1", at(minute), {"power_kw": 3.0}) == []
    assert not any("weak_signal" in k for k in m.pending)
