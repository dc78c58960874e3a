"""Cross-domain rules: conditions on several devices tied together by municipal unit or by
distance, optionally only in some local hours. Pure.

A unit rule's alarm belongs to the unit, so it carries the pseudo device id `unit:<unit id>`
(stable, so one alarm per unit and rule) and the rule's domain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from data_access.city_config import CityConfig, text
from data_access.rules_config import WEEKDAYS, Condition, NearRule, UnitRule, When
from ingest.rules.core import Check, DeviceInfo, Level, Timing, level_of, rule_key
from ingest.rules.observation import Facts, Observation
from ingest.rules.window import aggregate

UNIT_PREFIX = "unit:"


def unit_device_id(unit_id: str) -> str:
    return f"{UNIT_PREFIX}{unit_id}"


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); metres are plenty accurate at city scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def within(when: When | None, at: float, tz: ZoneInfo) -> bool:
    """Is epoch second `at` inside the rule's local weekdays and hours? No `when`: always."""
    if when is None:
        return True
    local = datetime.fromtimestamp(at, UTC).astimezone(tz)
    if WEEKDAYS[local.weekday()] not in when.weekdays:
        return False
    clock = local.time().replace(tzinfo=None)
    return any(r.start <= clock < r.end for r in when.hours)


class Places:
    """Where devices are: by unit and kind, and which have a device of a kind nearby.
    Built from the device directory; the nearby answers are remembered per device."""

    def __init__(self, devices: Mapping[str, DeviceInfo]) -> None:
        self.devices = devices
        self.by_unit_kind: dict[tuple[str, str], list[DeviceInfo]] = {}
        self.by_kind: dict[str, list[DeviceInfo]] = {}
        for d in devices.values():
            self.by_unit_kind.setdefault((d.unit, d.kind), []).append(d)
            self.by_kind.setdefault(d.kind, []).append(d)
        self._near: dict[tuple[str, str, float], bool] = {}

    def in_unit(self, unit: str, kind: str) -> list[DeviceInfo]:
        return self.by_unit_kind.get((unit, kind), [])

    def has_near(self, device: DeviceInfo, kind: str, within_m: float) -> bool:
        key = (device.id, kind, within_m)
        if key not in self._near:
            self._near[key] = device.lat is not None and device.lon is not None and any(
                o.id != device.id and o.lat is not None and o.lon is not None
                and distance_m(device.lat, device.lon, o.lat, o.lon) <= within_m
                for o in self.by_kind.get(kind, []))
        return self._near[key]


def condition_value(c: Condition, device_id: str, facts: Facts, now: float) -> float | None:
    if c.window_s is None:
        return facts.latest.get(device_id, {}).get(c.metric)
    return aggregate(c.agg, facts.series(device_id, c.metric), now, c.window_s)


def _any_device(c: Condition, devices: Iterable[DeviceInfo], facts: Facts,
                now: float) -> tuple[Level, float | None]:
    """The condition at its most abnormal device of the unit, and that device's value."""
    best: tuple[Level, float | None] = (Level.NORMAL, None)
    for d in devices:
        value = condition_value(c, d.id, facts, now)
        if value is None:
            continue
        level = level_of(value, c.op, c.limit, c.deadband)
        if best[1] is None or level > best[0]:
            best = (level, value)
    return best


def unit_check(rule: UnitRule, unit: str, places: Places, facts: Facts, now: float,
               config: CityConfig, lang: str = "en") -> Check:
    """All conditions, each at some device of its kind in `unit`; abnormal only if all are,
    normal as soon as one is clearly normal (min of the levels)."""
    level, value = Level.ABNORMAL, None
    if not within(rule.when, now, ZoneInfo(config.city.timezone)):
        level = Level.NORMAL
    for i, c in enumerate(rule.all_of):
        term, term_value = _any_device(c, places.in_unit(unit, c.kind), facts, now)
        level = min(level, term)
        if i == 0:
            value = term_value
    device_id = unit_device_id(unit)
    gap = max(config.offline_after_s(c.kind) for c in rule.all_of)
    return Check(rule_key(device_id, rule.id), level, now, device_id, rule.domain,
                 rule.severity, rule.id, text(rule.message, lang),
                 None if value is None else round(value, 6),
                 Timing(rule.on_delay_s, rule.off_delay_s, gap))


def near_check(rule: NearRule, obs: Observation, places: Places, facts: Facts,
               config: CityConfig, lang: str = "en") -> Check | None:
    """The subject's condition, true only with a `near.kind` device close by and in hours."""
    device = obs.device
    value = condition_value(rule.subject, device.id, facts, obs.at)
    if value is None:
        return None
    level = level_of(value, rule.subject.op, rule.subject.limit, rule.subject.deadband)
    if not places.has_near(device, rule.near.kind, rule.near.within_m) or not within(
            rule.when, obs.at, ZoneInfo(config.city.timezone)):
        level = Level.NORMAL
    return Check(rule_key(device.id, rule.id), level, obs.at, device.id,
                 rule.domain or device.domain, rule.severity, rule.id,
                 text(rule.message, lang), value,
                 Timing(rule.on_delay_s, rule.off_delay_s, config.offline_after_s(device.kind)))
