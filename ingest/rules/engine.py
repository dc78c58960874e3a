"""One batch through every rule, in two pure steps around one read of Redis:

    plan(observations)            -> Plan: the keys, sample series and latest values needed
    (state.read fetches them)
    evaluate(observations, facts, states) -> Outcome: decisions and delays left running
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from data_access.city_config import CityConfig
from data_access.rules_config import Delays, UnitRule
from data_access.streams import BATTERY_LOW, OFFLINE, WEAK_SIGNAL
from ingest.rules.core import Check, Decision, KeyState, Pending, decide, rule_key
from ingest.rules.cross_domain import Places, near_check, unit_check, unit_device_id
from ingest.rules.health import health_checks
from ingest.rules.observation import Facts, Observation
from ingest.rules.threshold import rate_checks, threshold_checks

BUILT_IN_KEYS = (BATTERY_LOW, WEAK_SIGNAL, OFFLINE)
MAX_DELAY_MEMORY_S = 86_400.0  # a delay running longer than this without news is forgotten


@dataclass
class Plan:
    """What to read before evaluating: state of `keys`, samples of `series` (device,
    metric), latest values of `latest` devices. `units`: unit -> time to judge it at."""

    keys: list[str] = field(default_factory=list)
    delayed: list[str] = field(default_factory=list)  # keys whose rule has on/off delays
    series: set[tuple[str, str]] = field(default_factory=set)
    latest: set[str] = field(default_factory=set)
    units: dict[tuple[str, str], float] = field(default_factory=dict)  # (rule, unit) -> at


@dataclass
class Outcome:
    decisions: list[Decision] = field(default_factory=list)
    # key -> (the delay now running, or None: none; seconds Redis should remember it)
    pending: dict[str, tuple[Pending | None, float]] = field(default_factory=dict)


def _delayed(rule: Delays) -> bool:
    return rule.on_delay_s > 0 or rule.off_delay_s > 0


def _add(p: Plan, device_id: str, rules: Iterable) -> None:
    for rule in rules:
        key = rule_key(device_id, rule.id)
        p.keys.append(key)
        if _delayed(rule):
            p.delayed.append(key)


def plan(observations: Sequence[Observation], config: CityConfig, places: Places) -> Plan:
    index = config.rule_index
    signal_delayed = _delayed(config.rules.device_health.weak_signal)
    p = Plan()
    for obs in observations:
        d = obs.device
        _add(p, d.id, index.thresholds.get(d.kind, []))
        _add(p, d.id, index.rates.get(d.kind, []))
        _add(p, d.id, index.near.get(d.kind, []))
        p.keys += [rule_key(d.id, b) for b in BUILT_IN_KEYS]
        if signal_delayed and (obs.rssi is not None or obs.snr is not None):
            p.delayed.append(rule_key(d.id, WEAK_SIGNAL))
        p.series.update((d.id, m) for m in index.windows.get(d.kind, {}))
        p.latest.add(d.id)
        for rule in index.unit.get(d.kind, []):
            at = p.units.get((rule.id, d.unit), obs.at)
            p.units[(rule.id, d.unit)] = max(at, obs.at)
    rules = {r.id: r for r in config.rules.cross_domain if isinstance(r, UnitRule)}
    for rule_id, unit in p.units:
        _add(p, unit_device_id(unit), [rules[rule_id]])
        for c in rules[rule_id].all_of:
            for d in places.in_unit(unit, c.kind):
                if c.window_s is None:
                    p.latest.add(d.id)
                else:
                    p.series.add((d.id, c.metric))
    return p


def checks(observations: Sequence[Observation], facts: Facts, config: CityConfig,
           places: Places, units: Mapping[tuple[str, str], float]) -> list[Check]:
    index = config.rule_index
    out: list[Check] = []
    for obs in observations:
        out += threshold_checks(obs, config)
        out += rate_checks(obs, facts, config)
        out += health_checks(obs, config)
        for rule in index.near.get(obs.device.kind, []):
            check = near_check(rule, obs, places, facts, config)
            if check is not None:
                out.append(check)
    rules = {r.id: r for r in config.rules.cross_domain if isinstance(r, UnitRule)}
    for (rule_id, unit), at in units.items():
        out.append(unit_check(rules[rule_id], unit, places, facts, at, config))
    return out


def settle(checks: Iterable[Check], states: Mapping[str, KeyState],
           repeat_s: float) -> Outcome:
    """Run the alarm state machine over every check; `states` as read from Redis."""
    outcome = Outcome()
    for check in checks:
        state = states.get(check.key, KeyState())
        decision, pending = decide(check, state, repeat_s)
        if decision is not None:
            outcome.decisions.append(decision)
        if pending != state.pending:
            t = check.timing
            memory = min(max(t.on_delay_s, t.off_delay_s) + t.max_gap_s, MAX_DELAY_MEMORY_S)
            outcome.pending[check.key] = (pending, memory)
    return outcome


def evaluate(observations: Sequence[Observation], facts: Facts,
             states: Mapping[str, KeyState], config: CityConfig, places: Places,
             units: Mapping[tuple[str, str], float] | None = None) -> Outcome:
    """Decisions for a batch's newest reports, given what Redis said about the past.
    `units` is the plan's (computed again when not given)."""
    if units is None:
        units = plan(observations, config, places).units
    return settle(checks(observations, facts, config, places, units), states,
                  config.rules.engine.repeat_interval_s)

