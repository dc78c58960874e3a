"""One batch through every rule, in two pure steps around one read of Redis:

    plan(observations)                    -> Plan: the keys, samples and unit figures needed
    (state.record_and_read fetches them)
    evaluate(observations, facts, states) -> Outcome: decisions, delays left running, and
                                             the reporting devices' figures for unit rules
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from data_access.city_config import CityConfig
from data_access.rules_config import Delays, UnitRule
from data_access.streams import BATTERY_LOW, OFFLINE, WEAK_SIGNAL
from ingest.rules.core import Check, Decision, KeyState, Live, Pending, decide, rule_key
from ingest.rules.cross_domain import (
    Places,
    near_check,
    terms_ttl_s,
    unit_check,
    unit_device_id,
    unit_terms,
)
from ingest.rules.health import health_checks
from ingest.rules.observation import Facts, Observation, Term
from ingest.rules.threshold import rate_checks, threshold_checks

MAX_DELAY_MEMORY_S = 86_400.0  # a delay running longer than this without news is forgotten


@dataclass
class Plan:
    """What to read before evaluating: the state of `keys` (and running delays of
    `delayed`), the samples of `series` (device, metric), the figures of `units`
    ((rule, unit) -> the time to judge the unit at: its newest report in the batch)."""

    keys: list[str] = field(default_factory=list)
    delayed: list[str] = field(default_factory=list)  # keys whose rule has on/off delays
    series: set[tuple[str, str]] = field(default_factory=set)
    units: dict[tuple[str, str], float] = field(default_factory=dict)


@dataclass
class Outcome:
    decisions: list[Decision] = field(default_factory=list)
    # key -> (the delay now running, or None: none; seconds Redis should remember it)
    pending: dict[str, tuple[Pending | None, float]] = field(default_factory=dict)
    # (rule, unit) -> (the reporting devices' new figures, None: unknown; seconds to keep)
    terms: dict[tuple[str, str], tuple[dict[str, Term | None], float]] = field(
        default_factory=dict)


def _delayed(rule: Delays) -> bool:
    return rule.on_delay_s > 0 or rule.off_delay_s > 0


def plan(observations: Sequence[Observation], config: CityConfig) -> Plan:
    """What the batch's rules need to know from Redis."""
    index = config.rule_index
    signal_delayed = _delayed(config.rules.device_health.weak_signal)
    p = Plan()
    keys, delayed = p.keys, p.delayed
    for obs in observations:
        d = obs.device
        ids, delayed_ids = index.per_report.get(d.kind, ((), ()))
        # rule_key() inlined: this runs for every report of every batch
        keys += [f"{d.id}|{r}" for r in ids]
        delayed += [f"{d.id}|{r}" for r in delayed_ids]
        keys.append(f"{d.id}|{OFFLINE}")
        if obs.battery is not None:
            keys.append(f"{d.id}|{BATTERY_LOW}")
        if obs.rssi is not None or obs.snr is not None:
            keys.append(f"{d.id}|{WEAK_SIGNAL}")
            if signal_delayed:
                delayed.append(f"{d.id}|{WEAK_SIGNAL}")
        for metric in index.windows.get(d.kind, ()):
            p.series.add((d.id, metric))
        for rule in index.unit.get(d.kind, ()):
            at = p.units.get((rule.id, d.unit), obs.at)
            p.units[(rule.id, d.unit)] = max(at, obs.at)
    rules = _unit_rules(config)
    for rule_id, unit in p.units:
        key = rule_key(unit_device_id(unit), rule_id)
        keys.append(key)
        if _delayed(rules[rule_id]):
            delayed.append(key)
    return p


def _unit_rules(config: CityConfig) -> dict[str, UnitRule]:
    return {r.id: r for r in config.rules.cross_domain if isinstance(r, UnitRule)}


def checks(observations: Sequence[Observation], facts: Facts, config: CityConfig,
           places: Places, live: Live = None) -> list[Check]:
    """Every device rule's check on the batch; `live` (see core.matters) skips those that
    are normal on a key with nothing to clear or delay."""
    index = config.rule_index
    out: list[Check] = []
    for obs in observations:
        out += threshold_checks(obs, config, live)
        out += rate_checks(obs, facts, config, live)
        out += health_checks(obs, config, live)
        for rule in index.near.get(obs.device.kind, []):
            check = near_check(rule, obs, places, facts, config, live)
            if check is not None:
                out.append(check)
    return out


def new_terms(observations: Sequence[Observation], facts: Facts,
              config: CityConfig) -> dict[tuple[str, str], dict[str, Term | None]]:
    """The reporting devices' figures for the unit rules of their kind."""
    out: dict[tuple[str, str], dict[str, Term | None]] = {}
    for obs in observations:
        for rule in config.rule_index.unit.get(obs.device.kind, []):
            out.setdefault((rule.id, obs.device.unit), {}).update(unit_terms(rule, obs, facts))
    return out


def unit_checks(units: Mapping[tuple[str, str], float], facts: Facts,
                fresh: Mapping[tuple[str, str], Mapping[str, Term | None]],
                config: CityConfig) -> list[Check]:
    """Each touched unit judged on every device's last figure, this batch's overriding."""
    rules = _unit_rules(config)
    out = []
    for (rule_id, unit), at in units.items():
        terms = dict(facts.terms.get((rule_id, unit), {}))
        for name, term in fresh.get((rule_id, unit), {}).items():
            if term is None:
                terms.pop(name, None)
            else:
                terms[name] = term
        out.append(unit_check(rules[rule_id], unit, terms, at, config))
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
        units = plan(observations, config).units
    fresh = new_terms(observations, facts, config)
    found = checks(observations, facts, config, places, states.keys())
    found += unit_checks(units, facts, fresh, config)
    outcome = settle(found, states, config.rules.engine.repeat_interval_s)
    rules = _unit_rules(config)
    outcome.terms = {k: (v, terms_ttl_s(rules[k[0]], config)) for k, v in fresh.items()}
    return outcome
