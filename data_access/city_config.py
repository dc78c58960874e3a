"""Load and validate config/*.yaml into typed models; a wrong config fails at start, loudly."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, field_validator, model_validator

from data_access.streams import BATTERY_LOW, BATTERY_MESSAGE, OFFLINE, OFFLINE_MESSAGE

Text = dict[str, str]  # language code -> text


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


class Site(BaseModel):
    name: Text
    unit: str
    attrs: dict[str, float] = {}


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


class ThresholdRule(BaseModel):
    id: str
    kind: str
    metric: str
    op: Literal[">", ">=", "<", "<="]
    limit: float | None = None
    limit_attr: str | None = None
    severity: Literal["critical", "major", "minor", "warning"]
    message: Text

    @model_validator(mode="after")
    def _one_limit(self) -> ThresholdRule:
        if (self.limit is None) == (self.limit_attr is None):
            raise ValueError(f"rule {self.id}: give exactly one of limit and limit_attr")
        return self


class DeviceHealth(BaseModel):
    missed_periods: int = Field(3, gt=0)
    offline_severity: Literal["critical", "major", "minor", "warning"] = "minor"
    battery_low_pct: float = 20
    battery_severity: Literal["critical", "major", "minor", "warning"] = "warning"


class Rules(BaseModel):
    device_health: DeviceHealth = DeviceHealth()
    thresholds: list[ThresholdRule] = []

    @field_validator("thresholds")
    @classmethod
    def _unique_ids(cls, rules: list[ThresholdRule]) -> list[ThresholdRule]:
        ids = [r.id for r in rules]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"duplicate rule ids: {sorted(dupes)}")
        return rules


class CityConfig(BaseModel):
    """The whole config of one installation, cross-checked (kinds name real domains, ...)."""

    city: City
    domains: list[Domain]
    kinds: dict[str, DeviceKind]
    inventory: list[InventoryLine]
    rules: Rules

    @model_validator(mode="after")
    def _cross_check(self) -> CityConfig:
        domain_ids = {d.id for d in self.domains}
        unit_ids = {u.id for u in self.city.units}
        for kind in self.kinds.values():
            if kind.domain not in domain_ids:
                raise ValueError(f"kind {kind.id}: unknown domain {kind.domain}")
        for line in self.inventory:
            if line.kind not in self.kinds:
                raise ValueError(f"inventory: unknown kind {line.kind}")
            for unit in [*line.per_unit, *(s.unit for s in line.sites)]:
                if unit not in unit_ids:
                    raise ValueError(f"inventory {line.kind}: unknown unit {unit}")
        for rule in self.rules.thresholds:
            kind = self.kinds.get(rule.kind)
            if kind is None or rule.metric not in kind.metrics:
                raise ValueError(f"rule {rule.id}: {rule.kind} has no metric {rule.metric}")
        return self

    @cached_property
    def domain_by_id(self) -> dict[str, Domain]:
        return {d.id: d for d in self.domains}

    @cached_property
    def unit_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.city.units}

    def offline_after_s(self, kind: str) -> float:
        """Silence longer than this makes a device of `kind` offline."""
        return self.kinds[kind].interval_s * self.rules.device_health.missed_periods

    @cached_property
    def alarm_messages(self) -> dict[str, Text]:
        """Alarm type -> message in every language, so the list speaks the reader's language."""
        messages = {r.id: r.message for r in self.rules.thresholds}
        messages[BATTERY_LOW] = BATTERY_MESSAGE
        messages[OFFLINE] = OFFLINE_MESSAGE
        return messages

    @cached_property
    def _rules_by_kind(self) -> dict[str, list[ThresholdRule]]:
        by_kind: dict[str, list[ThresholdRule]] = {k: [] for k in self.kinds}
        for rule in self.rules.thresholds:
            by_kind[rule.kind].append(rule)
        return by_kind

    def rules_for_kind(self, kind: str) -> list[ThresholdRule]:
        return self._rules_by_kind.get(kind, [])


def _read(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_config(config_dir: Path) -> CityConfig:
    kinds = {k: {"id": k, **v} for k, v in _read(config_dir / "device_kinds.yaml").items()}
    return CityConfig(
        city=_read(config_dir / "city.yaml"),
        domains=_read(config_dir / "domains.yaml"),
        kinds=kinds,
        inventory=_read(config_dir / "inventory.yaml"),
        rules=_read(config_dir / "rules.yaml"),
    )
