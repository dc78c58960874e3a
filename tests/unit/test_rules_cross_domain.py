"""Cross-domain rules (by municipal unit, by distance and school hours) and the demo city's
storm under the whole rule set, through the pure engine."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson

from data_access.inventory import build_inventory
from ingest.rules.core import DeviceInfo
from ingest.rules.cross_domain import distance_m
from ingest.simulator import STORM_FIRST_AFTER, SimDevice, Simulator
from tests.rule_memory import Memory

ATHENS = ZoneInfo("Europe/Athens")
MONDAY_0700 = datetime(2026, 11, 23, 7, 0, tzinfo=ATHENS)
LEVELS = {"alert_level": 5.0, "warning_level": 6.0, "danger_level": 7.0}
METEO_L = DeviceInfo("meteo-l", "meteo_station", "flood", {}, "lilantio")
RIVER_L = DeviceInfo("river-l", "hydro_station", "flood", LEVELS, "lilantio")
METEO_C = DeviceInfo("meteo-c", "meteo_station", "flood", {}, "chalkida")
RIVER_A = DeviceInfo("river-a", "hydro_station", "flood", LEVELS, "avlida")
CROSSING = DeviceInfo("crossing", "smart_crossing", "traffic", {}, "chalkida", 38.4700, 23.6100)
BIN_NEAR = DeviceInfo("bin-near", "bin_sensor", "waste", {}, "chalkida", 38.4709, 23.6100)
BIN_FAR = DeviceInfo("bin-far", "bin_sensor", "waste", {}, "chalkida", 38.4900, 23.6100)


def flood(m: Memory) -> list[tuple[str, str, str]]:
    """Raises and clears of flood warnings so far (refreshes left out)."""
    return [(d.event, d.device_id, d.domain) for d in m.transitions if d.type == "flood_warning"]


def storm(m: Memory, meteo: str, river: str, start: datetime, rain_mm_h: float = 20.0):
    """An hour of rain at `meteo` while `river` rises 0.1 m every 5 min; all decisions."""
    out = []
    for step in range(13):
        t = start + timedelta(minutes=5 * step)
        out += m.report(meteo, t, {"precipitation": rain_mm_h})
        out += m.report(river, t + timedelta(seconds=30), {"water_level": 1.0 + 0.1 * step})
    return out


def test_rain_and_a_rising_river_in_one_unit_raise_its_flood_warning(config):
    m = Memory(config, [METEO_L, RIVER_L])
    decisions = storm(m, "meteo-l", "river-l", MONDAY_0700)
    assert flood(m) == [("raised", "unit:lilantio", "flood")]
    first = next(d for d in decisions if d.type == "flood_warning")
    assert first.key == "unit:lilantio|flood_warning" and first.value >= 10  # mm in the hour


def test_the_flood_warning_clears_after_its_off_delay(config):
    m = Memory(config, [METEO_L, RIVER_L])
    end = MONDAY_0700 + timedelta(minutes=60)
    storm(m, "meteo-l", "river-l", MONDAY_0700)
    cleared_at = None
    for step in range(1, 30):  # rain stops, the river stays where it is
        t = end + timedelta(minutes=5 * step)
        m.report("meteo-l", t, {"precipitation": 0.0})
        m.report("river-l", t, {"water_level": 2.2})
        if flood(m)[-1][0] == "cleared":
            cleared_at = t
            break
    assert cleared_at is not None
    # The river stops rising ~20 min after the rain; the off-delay holds the warning 15 min.
    assert timedelta(minutes=30) <= cleared_at - end <= timedelta(minutes=50)


def test_rain_in_one_unit_and_a_rising_river_in_another_raise_nothing(config):
    m = Memory(config, [METEO_C, RIVER_A])
    storm(m, "meteo-c", "river-a", MONDAY_0700)
    assert flood(m) == []


def test_rain_without_a_rising_river_raises_no_flood_warning(config):
    m = Memory(config, [METEO_L, RIVER_L])
    decisions = []
    for step in range(13):
        t = MONDAY_0700 + timedelta(minutes=5 * step)
        decisions += m.report("meteo-l", t, {"precipitation": 30.0})
        decisions += m.report("river-l", t, {"water_level": 1.0})
    assert flood(m) == []
    assert "heavy_rain" in {d.type for d in decisions}  # the single-station rule still fires


def _bins(m: Memory, local: datetime, fill: float = 85.0):
    out = m.report("bin-near", local, {"fill_level": fill})
    out += m.report("bin-far", local, {"fill_level": fill})
    return [(d.event, d.device_id) for d in out if d.type == "bin_full_near_school"]


def test_a_full_bin_near_a_school_crossing_in_school_hours_raises_on_the_bin(config):
    assert distance_m(38.47, 23.61, 38.4709, 23.61) < 300 < distance_m(38.47, 23.61, 38.49, 23.61)
    m = Memory(config, [CROSSING, BIN_NEAR, BIN_FAR])
    monday_0815 = MONDAY_0700 + timedelta(minutes=75)
    assert _bins(m, monday_0815) == [("raised", "bin-near")]
    decision = next(d for d in m.published if d.type == "bin_full_near_school")
    assert decision.domain == "waste" and decision.severity == "major"
    # school is in: still full at 09:05 is outside the hours, so the alarm clears
    assert _bins(m, monday_0815 + timedelta(minutes=50)) == [("cleared", "bin-near")]


def test_outside_school_hours_a_full_bin_raises_no_school_alarm(config):
    m = Memory(config, [CROSSING, BIN_NEAR, BIN_FAR])
    assert _bins(m, MONDAY_0700 + timedelta(hours=3)) == []  # Monday 10:00
    assert _bins(m, MONDAY_0700 + timedelta(days=5, minutes=75)) == []  # Saturday 08:15
    assert _bins(m, MONDAY_0700 + timedelta(days=1, minutes=75), fill=40) == []  # not full


def test_the_demo_citys_storm_raises_a_flood_warning_only_where_rain_meets_a_river(config):
    """Three hours of the simulated city (seed 1: the first storm peaks at ~31 mm/h) through
    every rule: the flood warning fires for Lilantio (weather station and river gauges), not
    for Avlida (a river, no weather station) nor Chalkida (weather station, no river)."""
    inventory = build_inventory(config)
    start = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    sim = Simulator([SimDevice(d.id, d.kind, d.attrs) for d in inventory], config, 1, start)
    assert sim.storm(start + STORM_FIRST_AFTER)[1] > 28
    m = Memory(config, [DeviceInfo(d.id, d.kind, d.domain, d.attrs, d.unit, d.lat, d.lon)
                        for d in inventory])
    for minute in range(0, 181):
        for e in sim.due(start + timedelta(minutes=minute)):
            extra = {k: float(e[k]) for k in ("battery", "rssi", "snr") if k in e}
            m.report(e["device_id"], datetime.fromisoformat(e["ts"]),
                     orjson.loads(e["values"]), **extra)
    assert flood(m) == [("raised", "unit:lilantio", "flood"), ("cleared", "unit:lilantio", "flood")]
    raised = next(d for d in m.published if d.type == "flood_warning")
    minutes_into_storm = (raised.at - (start + STORM_FIRST_AFTER).timestamp()) / 60
    assert 10 < minutes_into_storm < 60
    kinds = Counter(d.type for d in m.activations)
    assert kinds["heavy_rain"] >= 1 and kinds["water_rising_fast"] >= 1
    assert kinds["water_level_alert"] >= 1
    # No chattering (ISA-18.2: 3 or more activations of one alarm within a minute).
    by_key: dict[str, list[float]] = {}
    for d in m.activations:
        by_key.setdefault(d.key, []).append(d.at)
    for key, times in by_key.items():
        assert not any(b - a < 60 for a, b in zip(times, times[2:], strict=False)), key


def test_a_silent_stations_old_figure_does_not_count(config):
    """The weather station's last figure (an hour of rain) is older than its offline
    interval by the time the river rises: no current rain, so no flood warning."""
    m = Memory(config, [METEO_L, RIVER_L])
    for step in range(13):
        m.report("meteo-l", MONDAY_0700 + timedelta(minutes=5 * step), {"precipitation": 20.0})
    silent_from = MONDAY_0700 + timedelta(minutes=60)
    assert config.offline_after_s("meteo_station") < 11 * 60
    for step in range(8):
        t = silent_from + timedelta(minutes=11 + 5 * step)
        m.report("river-l", t, {"water_level": 1.0 + 0.1 * step})
    assert flood(m) == []
    assert "water_rising_fast" in {d.type for d in m.activations}  # the river did rise
