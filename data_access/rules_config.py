"""The typed shape of config/rules.yaml. Checks that need the rest of the config (kinds,
metrics, domains) live in CityConfig; these models only check what one rule says alone.

Every rule kind shares the alarm-management knobs of ISA-18.2 (deadband, on/off delays),
defaulting to 0 so a plain threshold behaves as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, Field, field_validator, model_validator

from data_access.streams import BATTERY_LOW, OFFLINE, WEAK_SIGNAL

Text = dict[str, str]  # language code -> text
Severity = Literal["critical", "major", "minor", "warning"]
Op = Literal[">", ">=", "<", "<="]
# last: the newest value; rise / fall: newest minus the lowest / highest in the window;
# amount: a per-hour rate integrated over the window (precipitation mm/h -> mm);
# mean / max / min: over the samples in the window.
Agg = Literal["last", "rise", "fall", "amount", "mean", "max", "min"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BUILT_IN_TYPES = (BATTERY_LOW, OFFLINE, WEAK_SIGNAL)


class Delays(BaseModel):
    """Chattering fixes: the condition must hold on_delay_s before a raise and be normal for
    off_delay_s before a clear (measured in reading time)."""

    on_delay_s: float = Field(0, ge=0)
    off_delay_s: float = Field(0, ge=0)


class Alarming(Delays):
    id: str = Field(min_length=1, max_length=60)
    severity: Severity
    message: Text


class ThresholdRule(Alarming):
    kind: str
    metric: str
    op: Op
    limit: float | None = None
    limit_attr: str | None = None
    deadband: float = Field(0, ge=0)  # clear only once back past limit -/+ deadband

    @model_validator(mode="after")
    def _one_limit(self) -> ThresholdRule:
        if (self.limit is None) == (self.limit_attr is None):
            raise ValueError(f"rule {self.id}: give exactly one of limit and limit_attr")
        return self


class RateRule(Alarming):
    """`metric` changed by at least `by` within `window_s` (rise: up, fall: down)."""

    kind: str
    metric: str
    change: Literal["rise", "fall"]
    by: float = Field(gt=0)
    window_s: float = Field(gt=0)
    deadband: float = Field(0, ge=0)


class Condition(BaseModel):
    """One term of a cross-domain rule: `agg` of `metric` over `window_s`, compared."""

    kind: str
    metric: str
    agg: Agg = "last"
    window_s: float | None = Field(None, gt=0)
    op: Op
    limit: float
    deadband: float = Field(0, ge=0)

    @model_validator(mode="after")
    def _window_when_needed(self) -> Condition:
        if (self.agg == "last") != (self.window_s is None):
            raise ValueError(f"{self.kind}.{self.metric}: window_s goes with every agg but last")
        return self


class TimeRange(BaseModel):
    start: time
    end: time


class When(BaseModel):
    """Local time (the city's timezone) in which a rule may raise; outside it the rule's
    condition is false, so an active alarm clears."""

    weekdays: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = list(WEEKDAYS)
    hours: list[TimeRange] = Field(min_length=1)

    @field_validator("hours", mode="before")
    @classmethod
    def _parse_ranges(cls, value: object) -> object:
        """'07:30-09:00' -> TimeRange, so the YAML stays one line per range."""
        if not isinstance(value, list):
            return value
        out = []
        for item in value:
            if isinstance(item, str):
                start, sep, end = item.partition("-")
                if not sep:
                    raise ValueError(f"hours: {item!r} is not HH:MM-HH:MM")
                item = {"start": start.strip(), "end": end.strip()}
            out.append(item)
        return out


class UnitRule(Alarming):
    """Every condition holds at some device of its kind in one municipal unit. The alarm
    belongs to the unit: device_id `unit:<unit id>`, domain from the rule."""

    scope: Literal["unit"]
    domain: str
    all_of: list[Condition] = Field(min_length=1)
    when: When | None = None


class Near(BaseModel):
    kind: str
    within_m: float = Field(gt=0)


class NearRule(Alarming):
    """The subject device's condition holds and a device of `near.kind` stands within
    `near.within_m` metres of it. The alarm belongs to the subject device."""

    scope: Literal["near"]
    subject: Condition
    near: Near
    domain: str | None = None  # default: the subject device's domain
    when: When | None = None


CrossDomainRule = Annotated[UnitRule | NearRule, Field(discriminator="scope")]


class WeakSignal(Delays):
    """LoRaWAN link quality; judged only on reports that carry rssi or snr."""

    rssi_below: float = -115
    snr_below: float = -10
    deadband_db: float = Field(0, ge=0)
    severity: Severity = "warning"


class DeviceHealth(BaseModel):
    missed_periods: int = Field(3, gt=0)
    offline_after_s: dict[str, float] = {}  # per-kind override of missed_periods x interval
    offline_severity: Severity = "minor"
    battery_low_pct: float = 20
    battery_deadband_pct: float = Field(0, ge=0)
    battery_severity: Severity = "warning"
    weak_signal: WeakSignal = WeakSignal()


class EngineSettings(BaseModel):
    repeat_interval_s: float = Field(600, ge=0)  # 0: a repeat never refreshes the alarm
    reload_check_s: float = Field(5, ge=0)


class Rules(BaseModel):
    engine: EngineSettings = EngineSettings()
    device_health: DeviceHealth = DeviceHealth()
    thresholds: list[ThresholdRule] = []
    rates: list[RateRule] = []
    cross_domain: list[CrossDomainRule] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> Rules:
        ids = [r.id for r in self.all_alarming()]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"duplicate rule ids: {sorted(dupes)}")
        reserved = set(ids) & set(BUILT_IN_TYPES)
        if reserved:
            raise ValueError(f"rule ids reserved for the built-in rules: {sorted(reserved)}")
        return self

    def all_alarming(self) -> list[Alarming]:
        return [*self.thresholds, *self.rates, *self.cross_domain]


class _HasInterval(Protocol):
    interval_s: int


class RuleIndex:
    """Which rules a report of a given kind touches, looked up once per config."""

    def __init__(self, rules: Rules, kinds: Mapping[str, _HasInterval]) -> None:
        self.thresholds: dict[str, list[ThresholdRule]] = {}
        self.rates: dict[str, list[RateRule]] = {}
        self.near: dict[str, list[NearRule]] = {}  # by subject kind
        self.unit: dict[str, list[UnitRule]] = {}  # by the kind of any of its conditions
        # kind -> metric -> seconds of samples to keep: the longest window reading them plus
        # one reporting interval, so a window always has a sample at its start.
        self.windows: dict[str, dict[str, float]] = {}
        for t in rules.thresholds:
            self.thresholds.setdefault(t.kind, []).append(t)
        for r in rules.rates:
            self.rates.setdefault(r.kind, []).append(r)
            self._keep(r.kind, r.metric, r.window_s, kinds)
        for x in rules.cross_domain:
            terms = x.all_of if isinstance(x, UnitRule) else [x.subject]
            if isinstance(x, NearRule):
                self.near.setdefault(x.subject.kind, []).append(x)
            else:
                for kind in dict.fromkeys(c.kind for c in terms):
                    self.unit.setdefault(kind, []).append(x)
            for c in terms:
                if c.window_s is not None:
                    self._keep(c.kind, c.metric, c.window_s, kinds)
        # kind -> (ids of the rules judged on each report of it, those of them with delays)
        self.per_report: dict[str, tuple[list[str], list[str]]] = {}
        for kind in {*self.thresholds, *self.rates, *self.near}:
            rules: list[Alarming] = [*self.thresholds.get(kind, []),
                                     *self.rates.get(kind, []), *self.near.get(kind, [])]
            self.per_report[kind] = ([r.id for r in rules],
                                     [r.id for r in rules if r.on_delay_s or r.off_delay_s])

    def _keep(self, kind: str, metric: str, window_s: float,
              kinds: Mapping[str, _HasInterval]) -> None:
        interval = kinds[kind].interval_s if kind in kinds else 0
        metrics = self.windows.setdefault(kind, {})
        metrics[metric] = max(metrics.get(metric, 0.0), window_s + interval)
