"""Cross-domain rules: conditions on several devices tied together by municipal unit or by
distance, optionally only in some local hours. Pure.

A unit rule's alarm belongs to the unit, so it carries the pseudo device id `unit:<unit id>`
(stable, so one alarm per unit and rule) and the rule's domain.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from data_access.city_config import CityConfig, text
from data_access.rules_config import WEEKDAYS, Condition, NearRule, UnitRule, When
from ingest.rules.core import Check, DeviceInfo, Level, Live, Timing, level_of, matters, rule_key
from ingest.rules.observation import Facts, Observation, Term
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
    """Where devices are, and which have a device of a kind nearby. Built from the device
    directory; the nearby answers are remembered per device."""

    def __init__(self, devices: Mapping[str, DeviceInfo]) -> None:
        self.devices = devices
        self.by_kind: dict[str, list[DeviceInfo]] = {}
        for d in devices.values():
            self.by_kind.setdefault(d.kind, []).append(d)
        self._near: dict[tuple[str, str, float], bool] = {}

    def has_near(self, device: DeviceInfo, kind: str, within_m: float) -> bool:
        key = (device.id, kind, within_m)
        if key not in self._near:
            self._near[key] = device.lat is not None and device.lon is not None and any(
                o.id != device.id and o.lat is not None and o.lon is not None
                and distance_m(device.lat, device.lon, o.lat, o.lon) <= within_m
                for o in self.by_kind.get(kind, []))
        return self._near[key]


def condition_value(c: Condition, obs: Observation, facts: Facts) -> float | None:
    """The reporting device's figure for one condition, at its report's time."""
    if c.window_s is None:
        return obs.values.get(c.metric)
    return aggregate(c.agg, facts.series(obs.device.id, c.metric), obs.at, c.window_s)


def term_field(index: int, device_id: str) -> str:
    return f"{index}|{device_id}"


def unit_terms(rule: UnitRule, obs: Observation, facts: Facts) -> dict[str, Term | None]:
    """This device's figure for each condition of `rule` on its kind (None: not known, e.g.
    one sample cannot show a rise). Kept in Redis, so a unit is judged from every device's
    last figure without reading every device's samples."""
    return {term_field(i, obs.device.id): None if value is None else (value, obs.at)
            for i, c in enumerate(rule.all_of) if c.kind == obs.device.kind
            for value in [condition_value(c, obs, facts)]}


def _best(c: Condition, index: int, terms: Mapping[str, Term], now: float,
          max_age_s: float) -> tuple[Level, float | None]:
    """The condition at its most abnormal device of the unit (figures older than the
    device's offline interval are not current and count for nothing), and that figure."""
    best: tuple[Level, float | None] = (Level.NORMAL, None)
    prefix = f"{index}|"
    for name, (value, at) in terms.items():
        if not name.startswith(prefix) or now - at > max_age_s:
            continue
        level = level_of(value, c.op, c.limit, c.deadband)
        if best[1] is None or level > best[0]:
            best = (level, value)
    return best


def unit_check(rule: UnitRule, unit: str, terms: Mapping[str, Term], now: float,
               config: CityConfig, lang: str = "en") -> Check:
    """All conditions, each at some device of its kind in `unit`; abnormal only if all are,
    normal as soon as one is clearly normal (min of the levels)."""
    level, value = Level.ABNORMAL, None
    if not within(rule.when, now, ZoneInfo(config.city.timezone)):
        level = Level.NORMAL
    for i, c in enumerate(rule.all_of):
        term, term_value = _best(c, i, terms, now, config.offline_after_s(c.kind))
        level = min(level, term)
        if i == 0:
            value = term_value
    device_id = unit_device_id(unit)
    gap = max(config.offline_after_s(c.kind) for c in rule.all_of)
    return Check(rule_key(device_id, rule.id), level, now, device_id, rule.domain,
                 rule.severity, rule.id, text(rule.message, lang),
                 None if value is None else round(value, 6),
                 Timing(rule.on_delay_s, rule.off_delay_s, gap))


def terms_ttl_s(rule: UnitRule, config: CityConfig) -> float:
    """How long a unit's figures can matter: the longest window plus an offline interval."""
    return max((c.window_s or 0) + config.offline_after_s(c.kind) for c in rule.all_of)


def near_check(rule: NearRule, obs: Observation, places: Places, facts: Facts,
               config: CityConfig, live: Live = None, lang: str = "en") -> Check | None:
    """The subject's condition, true only with a `near.kind` device close by and in hours."""
    device, subject = obs.device, rule.subject
    value = condition_value(subject, obs, facts)
    if value is None:
        return None
    level = level_of(value, subject.op, subject.limit, subject.deadband)
    if level is not Level.NORMAL and not (
            places.has_near(device, rule.near.kind, rule.near.within_m)
            and within(rule.when, obs.at, ZoneInfo(config.city.timezone))):
        level = Level.NORMAL
    key = rule_key(device.id, rule.id)
    if not matters(level, key, live):
        return None
    return Check(key, level, obs.at, device.id,
                 rule.domain or device.domain, rule.severity, rule.id,
                 text(rule.message, lang), value,
                 Timing(rule.on_delay_s, rule.off_delay_s, config.offline_after_s(device.kind)))
