"""Minimal rules (threshold, battery low, offline) as pure functions over config and state.

They return decisions; the consumer turns decisions into entries on `cityops:alarms`. The
`active` map (rule key -> alarm id) lives in Redis so several consumers agree on it.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from data_access.city_config import CityConfig, ThresholdRule, text
from data_access.streams import BATTERY_LOW, BATTERY_MESSAGE, OFFLINE, OFFLINE_MESSAGE

OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    id: str
    kind: str
    domain: str
    attrs: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Decision:
    event: str  # "raised" or "cleared"
    key: str  # one active alarm per key: "device_id|rule_id"
    device_id: str
    domain: str
    severity: str
    type: str
    message: str
    value: float | None = None


def rule_key(device_id: str, rule_id: str) -> str:
    return f"{device_id}|{rule_id}"


def _limit(rule: ThresholdRule, attrs: Mapping[str, float]) -> float | None:
    if rule.limit is not None:
        return rule.limit
    return attrs.get(rule.limit_attr or "")


def _decide(
    condition: bool, key: str, active: Mapping[str, str], **alarm: object
) -> Decision | None:
    if condition and key not in active:
        return Decision(event="raised", key=key, **alarm)
    if not condition and key in active:
        return Decision(event="cleared", key=key, **alarm)
    return None


def evaluate_reading(
    device: DeviceInfo,
    values: Mapping[str, float],
    battery: float | None,
    config: CityConfig,
    active: Mapping[str, str],
    lang: str = "en",
) -> list[Decision]:
    """Decisions caused by one device's newest values; a reading also ends 'offline'."""
    out: list[Decision] = []
    for rule in config.rules_for_kind(device.kind):
        value = values.get(rule.metric)
        limit = _limit(rule, device.attrs)
        if value is None or limit is None:
            continue
        hit = OPS[rule.op](value, limit)
        decision = _decide(
            hit, rule_key(device.id, rule.id), active, device_id=device.id,
            domain=device.domain, severity=rule.severity, type=rule.id,
            message=text(rule.message, lang), value=value,
        )
        if decision:
            out.append(decision)
    health = config.rules.device_health
    if battery is not None:
        decision = _decide(
            battery < health.battery_low_pct, rule_key(device.id, BATTERY_LOW), active,
            device_id=device.id, domain=device.domain, severity=health.battery_severity,
            type=BATTERY_LOW, message=text(BATTERY_MESSAGE, lang), value=battery,
        )
        if decision:
            out.append(decision)
    offline_key = rule_key(device.id, OFFLINE)
    if offline_key in active:
        out.append(
            Decision("cleared", offline_key, device.id, device.domain, health.offline_severity,
                     OFFLINE, text(OFFLINE_MESSAGE, lang))
        )
    return out


def evaluate_offline(
    devices: Iterable[DeviceInfo],
    last_seen: Mapping[str, float],
    now: datetime,
    config: CityConfig,
    active: Mapping[str, str],
    lang: str = "en",
) -> list[Decision]:
    """Raise 'offline' for devices silent longer than their kind allows. Never-seen devices
    are left alone: a freshly seeded city has not reported yet, which is not a fault."""
    health = config.rules.device_health
    now_s = now.timestamp()
    out = []
    for device in devices:
        seen = last_seen.get(device.id)
        key = rule_key(device.id, OFFLINE)
        if seen is None or key in active:
            continue
        silent = now_s - seen
        if silent > config.offline_after_s(device.kind):
            out.append(
                Decision("raised", key, device.id, device.domain, health.offline_severity,
                         OFFLINE, text(OFFLINE_MESSAGE, lang), round(silent))
            )
    return out


def candidate_keys(device: DeviceInfo, config: CityConfig) -> list[str]:
    """Every key a reading of this device could touch, to fetch their state in one call."""
    keys = [rule_key(device.id, r.id) for r in config.rules_for_kind(device.kind)]
    keys.append(rule_key(device.id, BATTERY_LOW))
    keys.append(rule_key(device.id, OFFLINE))
    return keys
