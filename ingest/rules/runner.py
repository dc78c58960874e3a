"""The rules engine at its edges: telemetry in, alarm entries out, Redis in between.

    run_batch(r, config, places, batch, moved)   after a batch is durable in SQL
    run_offline(r, config, devices, now)         from the periodic health sweep
    clear_retired(r, rule_ids, now)              after a reload removed rules
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import redis

from data_access import streams
from data_access.city_config import CityConfig
from data_access.writes import newest_per_device
from ingest import alarm_publisher
from ingest.rules import engine, state
from ingest.rules.core import Decision, DeviceInfo
from ingest.rules.cross_domain import Places
from ingest.rules.health import offline_checks
from ingest.rules.observation import Observation
from ingest.validation import Telemetry


class PlacesCache:
    """Places for the directory's current device map, rebuilt only when the map is replaced."""

    def __init__(self) -> None:
        self._devices: Mapping[str, DeviceInfo] | None = None
        self._places: Places | None = None

    def get(self, devices: Mapping[str, DeviceInfo]) -> Places:
        if self._places is None or devices is not self._devices:
            self._devices, self._places = devices, Places(devices)
        return self._places


def observations(batch: Sequence[Telemetry], moved: Iterable[str],
                 devices: Mapping[str, DeviceInfo],
                 newest: Mapping[str, Telemetry] | None = None) -> list[Observation]:
    """The newest report of each device whose latest state moved forward (a replayed, older
    report is stored but never judged). `newest`: newest_per_device(batch), if known."""
    newest = newest if newest is not None else newest_per_device(batch)
    out = []
    for device_id in moved:
        t, device = newest.get(device_id), devices.get(device_id)
        if t is not None and device is not None:
            out.append(Observation(device, t.ts.timestamp(), t.values, t.battery, t.rssi,
                                   t.snr))
    return out


def run_batch(r: redis.Redis, config: CityConfig, places: Places,
              batch: Sequence[Telemetry], moved: Iterable[str],
              newest: Mapping[str, Telemetry] | None = None) -> int:
    """Record the batch's samples, judge its newest reports, publish; returns entries added."""
    obs = observations(batch, moved, places.devices, newest)
    plan = engine.plan(obs, config)
    facts, states = state.record_and_read(r, batch, places.devices, config, plan)
    outcome = engine.evaluate(obs, facts, states, config, places, plan.units)
    state.write_memory(r, outcome)
    return alarm_publisher.publish(r, outcome.decisions, config.rules.engine.repeat_interval_s)


def run_offline(r: redis.Redis, config: CityConfig, devices: Iterable[DeviceInfo],
                now: float) -> int:
    """Raise (or refresh) 'offline' for silent devices; a report clears it in run_batch."""
    seen = {k.decode(): float(v) for k, v in r.hgetall(streams.LAST_SEEN).items()}
    checks = offline_checks(devices, seen, now, config)
    states = state.read_states(r, [c.key for c in checks])
    outcome = engine.settle(checks, states, config.rules.engine.repeat_interval_s)
    return alarm_publisher.publish(r, outcome.decisions, config.rules.engine.repeat_interval_s)


RETIRED_MESSAGE = "Rule removed from rules.yaml"


def clear_retired(r: redis.Redis, rule_ids: set[str], now: float) -> int:
    """Clear the active alarms of rules that no longer exist (the claim script makes sure
    only one consumer publishes each clear)."""
    decisions = []
    for raw_key, _ in r.hscan_iter(streams.ACTIVE_RULE_ALARMS, count=1000):
        key = raw_key.decode()
        device_id, _, rule_id = key.rpartition("|")
        if rule_id in rule_ids:
            decisions.append(Decision("cleared", key, device_id, "", "", rule_id,
                                      RETIRED_MESSAGE, None, now))
    return alarm_publisher.publish(r, decisions)
