"""Load and validate config/*.yaml into typed models; a wrong config fails at start, loudly."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from data_access.rules_config import (
    Alarming,
    Condition,
    NearRule,
    RateRule,
    RuleIndex,
    Rules,
    Text,
    ThresholdRule,
    UnitRule,
)
from data_access.streams import (
    BATTERY_LOW,
    BATTERY_MESSAGE,
    OFFLINE,
    OFFLINE_MESSAGE,
    WEAK_SIGNAL,
    WEAK_SIGNAL_MESSAGE,
)


def text(value: Text, lang: str) -> str:
    """The text in `lang`, falling back to English, then to any language present."""
    return value.get(lang) or value.get("en") or next(iter(value.values()), "")


class Unit(BaseModel):
    id: str
    name: Text
    polygon: list[tuple[float, float]] = Field(min_length=3)


class City(BaseModel):
    id: str
    name: Text
    short_name: Text
    timezone: str
    default_language: str = "el"
    center: tuple[float, float]
    zoom: int = 12
    units: list[Unit] = Field(min_length=1)


class Kpi(BaseModel):
    label: Text
    agg: Literal["share_on", "count_above", "sum", "mean", "max", "online"]
    metric: str | None = None
    kinds: list[str] | None = None
    above: float = 0.0
    unit: str = ""
    scope: Literal["domain", "city"] = "domain"


class Domain(BaseModel):
    id: str
    name: Text
    color: str
    glyph: str = Field(min_length=1, max_length=2)
    kpi: Kpi


class DeviceKind(BaseModel):
    id: str
    domain: str
    name: Text
    connectivity: Literal["lorawan", "cellular", "wifi", "ethernet", "nbiot"]
    interval_s: int = Field(gt=0)
    battery: bool = False
    metrics: dict[str, str] = Field(min_length=1)  # metric -> unit
    profile: str | None = None  # the model this city uses for the kind (config/profiles/)


class ProfileField(BaseModel):
    """What one payload key of a vendor model is, and how it becomes a number of ours."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    metric: str | None = None  # the kind's metric it becomes
    health: Literal["battery"] | None = None  # or the device's battery (%)
    unit: str | None = None  # the unit the vendor sends, if the value does not say it
    scale: float = 1.0  # value * scale + offset, before units are converted
    offset: float = 0.0
    states: dict[str, float] | None = None  # named states -> numbers (free: 0, occupied: 1)
    volts: tuple[float, float] | None = None  # battery in volts: empty, full -> 0-100 %
    fill_from_depth: bool = False  # a distance down to the waste -> fill % of the bin depth
    no_value: list[str] = []  # what the device sends when it has no reading ("No Sensor")

    @field_validator("states")
    @classmethod
    def _states_any_case(cls, states: dict[str, float] | None) -> dict[str, float] | None:
        return {str(k).strip().lower(): v for k, v in states.items()} if states else states

    @field_validator("no_value")
    @classmethod
    def _no_value_any_case(cls, words: list[str]) -> list[str]:
        return [w.strip().lower() for w in words]

    @model_validator(mode="after")
    def _one_target(self) -> ProfileField:
        if (self.metric is None) == (self.health is None):
            raise ValueError("a field becomes either a metric or health: battery")
        if self.volts is not None and self.health != "battery":
            raise ValueError("volts: only the battery is read along a discharge range")
        return self


class DeviceProfile(BaseModel):
    """One vendor model's payload, from the vendor's published format (config/profiles/)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    vendor: str
    model: str
    kinds: list[str] = Field(min_length=1)  # the kinds of ours this model can be
    source: str  # where the payload format was published
    fields: dict[str, ProfileField] = Field(min_length=1)  # payload key -> what it is
    ignore: list[str] = []  # keys known and deliberately not kept (not "unmapped")
    depth_m: float | None = None  # bins: the depth when the device has no depth_m of its own


class Site(BaseModel):
    name: Text
    unit: str
    attrs: dict[str, float] = {}
    profile: str | None = None  # the device's model, if not its kind's


class InventoryLine(BaseModel):
    kind: str
    per_unit: dict[str, int] = {}
    sites: list[Site] = []
    attrs: dict[str, list[float]] = {}  # values cycled over the line's devices

    @model_validator(mode="after")
    def _has_devices(self) -> InventoryLine:
        if not self.per_unit and not self.sites:
            raise ValueError(f"inventory line for {self.kind} places no device")
        return self


class CityConfig(BaseModel):
    """The whole config of one installation, cross-checked (kinds name real domains, ...)."""

    city: City
    domains: list[Domain]
    kinds: dict[str, DeviceKind]
    inventory: list[InventoryLine]
    rules: Rules
    metric_names: dict[str, Text] = {}  # metric id -> what screens call it (metrics.yaml)
    # metric id -> (lowest, highest) a real reading can physically be (metrics.yaml `range`)
    metric_ranges: dict[str, tuple[float, float]] = {}
    profiles: dict[str, DeviceProfile] = {}  # vendor models (config/profiles/*.yaml)

    @model_validator(mode="after")
    def _cross_check(self) -> CityConfig:
        domain_ids = {d.id for d in self.domains}
        unit_ids = {u.id for u in self.city.units}
        for kind in self.kinds.values():
            if kind.domain not in domain_ids:
                raise ValueError(f"kind {kind.id}: unknown domain {kind.domain}")
        measured = {m for kind in self.kinds.values() for m in kind.metrics}
        for metric in self.metric_names:
            if metric not in measured:
                raise ValueError(f"metrics.yaml: no device kind measures {metric}")
        for metric, (low, high) in self.metric_ranges.items():
            if not low < high:
                raise ValueError(f"metrics.yaml: {metric}: range must be [lowest, highest]")
        self._check_profiles()
        for line in self.inventory:
            for site in line.sites:
                if site.profile is not None and site.profile not in self.profiles:
                    raise ValueError(f"inventory {line.kind}: unknown profile {site.profile}")
            if line.kind not in self.kinds:
                raise ValueError(f"inventory: unknown kind {line.kind}")
            for unit in [*line.per_unit, *(s.unit for s in line.sites)]:
                if unit not in unit_ids:
                    raise ValueError(f"inventory {line.kind}: unknown unit {unit}")
        self._check_rules(domain_ids)
        return self

    def _check_profiles(self) -> None:
        for kind in self.kinds.values():
            if kind.profile is not None and kind.profile not in self.profiles:
                raise ValueError(f"kind {kind.id}: unknown profile {kind.profile}")
        for profile in self.profiles.values():
            for kind_id in profile.kinds:
                kind = self.kinds.get(kind_id)
                if kind is None:
                    raise ValueError(f"profile {profile.id}: unknown kind {kind_id}")
                for key, spec in profile.fields.items():
                    if spec.metric is not None and spec.metric not in kind.metrics:
                        raise ValueError(f"profile {profile.id}: {key} -> {spec.metric}, "
                                         f"which {kind_id} does not measure")

    def _check_rules(self, domain_ids: set[str]) -> None:
        rules = self.rules
        for kind in rules.device_health.offline_after_s:
            if kind not in self.kinds:
                raise ValueError(f"device_health.offline_after_s: unknown kind {kind}")
        for rule, term in self._rule_terms():
            known = self.kinds.get(term.kind)
            if known is None or term.metric not in known.metrics:
                raise ValueError(f"rule {rule.id}: {term.kind} has no metric {term.metric}")
        for rule in rules.cross_domain:
            if rule.domain is not None and rule.domain not in domain_ids:
                raise ValueError(f"rule {rule.id}: unknown domain {rule.domain}")
            if isinstance(rule, NearRule) and rule.near.kind not in self.kinds:
                raise ValueError(f"rule {rule.id}: unknown kind {rule.near.kind}")

    def _rule_terms(self) -> list[tuple[Alarming, ThresholdRule | RateRule | Condition]]:
        """(rule, something naming a kind and a metric) for every metric a rule reads."""
        terms: list[tuple[Alarming, ThresholdRule | RateRule | Condition]] = [
            (r, r) for r in [*self.rules.thresholds, *self.rules.rates]]
        for rule in self.rules.cross_domain:
            conditions = rule.all_of if isinstance(rule, UnitRule) else [rule.subject]
            terms += [(rule, c) for c in conditions]
        return terms

    def with_rules(self, raw_rules: object) -> CityConfig:
        """This config with another rules.yaml, validated against the same kinds and units."""
        fields = {name: getattr(self, name) for name in ("city", "domains", "kinds",
                                                         "inventory", "metric_names",
                                                         "metric_ranges", "profiles")}
        return CityConfig.model_validate({**fields, "rules": raw_rules})

    @cached_property
    def domain_by_id(self) -> dict[str, Domain]:
        return {d.id: d for d in self.domains}

    @cached_property
    def unit_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.city.units}

    def metric_name(self, metric: str, lang: str) -> str:
        """What a person reads for a metric ("Water level", not `water_level`)."""
        names = self.metric_names.get(metric)
        return text(names, lang) if names else metric.replace("_", " ").capitalize()

    def metric_label(self, metric: str, unit: str, lang: str) -> str:
        """A metric's name with its unit of measure, for headings and axes."""
        name = self.metric_name(metric, lang)
        return f"{name} ({unit})" if unit else name

    def offline_after_s(self, kind: str) -> float:
        """Silence longer than this makes a device of `kind` offline."""
        health = self.rules.device_health
        override = health.offline_after_s.get(kind)
        return override if override is not None else (
            self.kinds[kind].interval_s * health.missed_periods)

    @cached_property
    def alarm_messages(self) -> dict[str, Text]:
        """Alarm type -> message in every language, so the list speaks the reader's language."""
        messages = {r.id: r.message for r in self.rules.all_alarming()}
        messages[BATTERY_LOW] = BATTERY_MESSAGE
        messages[OFFLINE] = OFFLINE_MESSAGE
        messages[WEAK_SIGNAL] = WEAK_SIGNAL_MESSAGE
        return messages

    def alarm_message(self, alarm_type: str | None, stored: str | None, lang: str) -> str:
        """What an alarm says to its reader: a rule's own words in the reader's language, by
        the rule's id; otherwise the text stored when it was raised (an outside producer's).
        The stored text stays as it was, for the audit."""
        known = self.alarm_messages.get(alarm_type or "")
        return text(known, lang) if known else (stored or alarm_type or "")

    @cached_property
    def rule_index(self) -> RuleIndex:
        return RuleIndex(self.rules, self.kinds)

    def rules_for_kind(self, kind: str) -> list[ThresholdRule]:
        return self.rule_index.thresholds.get(kind, [])


def _read(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_config(config_dir: Path) -> CityConfig:
    kinds = {k: {"id": k, **v} for k, v in _read(config_dir / "device_kinds.yaml").items()}
    names = config_dir / "metrics.yaml"  # optional: without it ids are shown made readable
    metrics = (_read(names) or {}) if names.exists() else {}
    profiles = {p.stem: {"id": p.stem, **_read(p)}
                for p in sorted((config_dir / "profiles").glob("*.yaml"))}
    return CityConfig(
        profiles=profiles,
        metric_names={m: {k: v for k, v in spec.items() if k != "range"}
                      for m, spec in metrics.items()},
        metric_ranges={m: spec["range"] for m, spec in metrics.items() if "range" in spec},
        city=_read(config_dir / "city.yaml"),
        domains=_read(config_dir / "domains.yaml"),
        kinds=kinds,
        inventory=_read(config_dir / "inventory.yaml"),
        rules=_read(config_dir / "rules.yaml"),
    )
