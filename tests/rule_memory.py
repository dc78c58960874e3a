"""The rules engine's Redis memory kept in dicts, so sequences of reports can be judged by
the pure engine in unit tests. The integration tests run the same engine on real Redis."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import yaml

from data_access.city_config import CityConfig
from data_access.settings import ROOT
from ingest.rules import engine
from ingest.rules.core import Decision, DeviceInfo, KeyState, Pending
from ingest.rules.cross_domain import Places
from ingest.rules.health import offline_checks
from ingest.rules.observation import Facts, Observation

RULES_YAML = ROOT / "config" / "rules.yaml"


def raw_rules(path: Path = RULES_YAML) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def rule_entry(raw: dict, rule_id: str) -> dict:
    """The dict of one rule in a raw rules.yaml, to change it in place."""
    for section in ("thresholds", "rates", "cross_domain"):
        for rule in raw.get(section, []):
            if rule["id"] == rule_id:
                return rule
    raise KeyError(rule_id)


class Memory:
    """Reports in, decisions out, remembering samples, delays and active alarms like Redis."""

    def __init__(self, config: CityConfig, devices: Iterable[DeviceInfo]) -> None:
        self.config = config
        self.places = Places({d.id: d for d in devices})
        self.samples: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        self.terms: dict[tuple[str, str], dict[str, tuple[float, float]]] = defaultdict(dict)
        self.active: dict[str, float] = {}  # key -> time of the last published raise
        self.pending: dict[str, Pending] = {}
        self.published: list[Decision] = []
        self.activations: list[Decision] = []  # raises of an alarm that was not active
        self.transitions: list[Decision] = []  # activations and clears, not refreshes

    def _states(self, keys: Iterable[str]) -> dict[str, KeyState]:
        """Like state.py: only keys Redis has something for."""
        return {k: KeyState(k in self.active, self.pending.get(k), self.active.get(k))
                for k in keys if k in self.active or k in self.pending}

    def report(self, device_id: str, at: datetime | float, values: dict[str, float],
               battery: float | None = None, rssi: float | None = None,
               snr: float | None = None) -> list[Decision]:
        """One device's report through every rule; returns what was published."""
        when = at.timestamp() if isinstance(at, datetime) else at
        device = self.places.devices[device_id]
        for metric in self.config.rule_index.windows.get(device.kind, {}):
            if metric in values:
                self.samples[(device_id, metric)].append((when, values[metric]))
        obs = Observation(device, when, values, battery, rssi, snr)
        plan = engine.plan([obs], self.config)
        outcome = engine.evaluate([obs], Facts(self.samples, self.terms),
                                  self._states(plan.keys), self.config, self.places,
                                  plan.units)
        for rule_unit, (terms, _) in outcome.terms.items():
            for name, term in terms.items():
                if term is None:
                    self.terms[rule_unit].pop(name, None)
                else:
                    self.terms[rule_unit][name] = term
        return self._apply(outcome)

    def sweep(self, at: datetime | float, last_seen: dict[str, float]) -> list[Decision]:
        when = at.timestamp() if isinstance(at, datetime) else at
        checks = offline_checks(self.places.devices.values(), last_seen, when, self.config)
        outcome = engine.settle(checks, self._states(c.key for c in checks),
                                self.config.rules.engine.repeat_interval_s)
        return self._apply(outcome)

    def _apply(self, outcome: engine.Outcome) -> list[Decision]:
        for key, (pending, _) in outcome.pending.items():
            if pending is None:
                self.pending.pop(key, None)
            else:
                self.pending[key] = pending
        for d in outcome.decisions:
            if d.event == "raised":
                if d.key not in self.active:
                    self.activations.append(d)
                    self.transitions.append(d)
                self.active[d.key] = d.at
            else:
                self.active.pop(d.key, None)
                self.transitions.append(d)
        self.published += outcome.decisions
        return outcome.decisions


def events(decisions: Iterable[Decision]) -> list[tuple[str, str]]:
    return sorted((d.event, d.type) for d in decisions)
