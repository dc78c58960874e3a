"""The demo city is deterministic and behaves like the city."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson

from data_access.inventory import build_inventory
from ingest.simulator import STORM_FIRST_AFTER, SimDevice, Simulator
from ingest.validation import Telemetry, validate

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # 12:00 in Chalkida


def make(config, seed=1):
    devices = [SimDevice(d.id, d.kind, d.attrs) for d in build_inventory(config)]
    return Simulator(devices, config, seed, START), devices


def test_same_seed_same_telemetry(config):
    a, _ = make(config)
    b, _ = make(config)
    t = START + timedelta(minutes=30)
    assert a.due(t) == b.due(t)


def test_every_entry_is_valid_telemetry(config):
    sim, devices = make(config)
    metrics = {d.id: frozenset(config.kinds[d.kind].metrics) for d in devices}
    entries = sim.due(START + timedelta(minutes=20))
    assert len(entries) > len(devices)  # everyone reported, many more than once
    for e in entries:
        result = validate(e, metrics, START + timedelta(hours=1), config.metric_ranges)
        assert isinstance(result, Telemetry), (e, result)


def test_a_storm_and_a_day_stay_inside_the_physical_ranges(config):
    """Through a storm (the simulator's most extreme hours) every value is one a real sensor
    could give: the ranges in metrics.yaml refuse no honest reading."""
    sim, devices = make(config)
    metrics = {d.id: frozenset(config.kinds[d.kind].metrics) for d in devices}
    at = START + STORM_FIRST_AFTER
    for hour in range(30):
        when = at + timedelta(hours=hour)
        for e in sim.due(when):
            result = validate(e, metrics, when, config.metric_ranges)
            assert isinstance(result, Telemetry), (e, result)


def test_a_storm_raises_the_river_over_its_alert_level(config):
    sim, devices = make(config)
    river = next(d for d in devices if d.kind == "hydro_station")
    levels = []
    for minute in range(0, 140, 5):
        t = START + STORM_FIRST_AFTER + timedelta(minutes=minute)
        levels.append(orjson.loads(sim.entry(river, t)["values"])["water_level"])
    assert levels[0] < river.attrs["alert_level"] < max(levels)


def test_lights_are_on_at_night_and_dimmed_after_midnight(config):
    sim, devices = make(config)
    lamp = next(d for d in devices if d.kind == "luminaire")
    noon = orjson.loads(sim.entry(lamp, START)["values"])
    evening = orjson.loads(sim.entry(lamp, START + timedelta(hours=9))["values"])  # 21:00
    late = orjson.loads(sim.entry(lamp, START + timedelta(hours=13))["values"])  # 01:00
    assert noon["power_state"] == 0
    assert evening["power_state"] == 1 and evening["illuminance_level"] == 100
    assert late["illuminance_level"] == 50
