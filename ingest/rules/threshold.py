"""Threshold rules (a metric against a number or a per-device attribute) and rate-of-change
rules (a metric rose or fell by at least so much within a window). Pure."""

from __future__ import annotations

from data_access.city_config import CityConfig, text
from ingest.rules.core import Check, Live, Timing, level_of, matters, rule_key
from ingest.rules.observation import Facts, Observation
from ingest.rules.window import aggregate


def timing(on_delay_s: float, off_delay_s: float, config: CityConfig, kind: str) -> Timing:
    """Delays forget a condition once the device has been silent long enough to be offline."""
    return Timing(on_delay_s, off_delay_s, config.offline_after_s(kind))


def threshold_checks(obs: Observation, config: CityConfig, live: Live = None,
                     lang: str = "en") -> list[Check]:
    device = obs.device
    out = []
    for rule in config.rule_index.thresholds.get(device.kind, []):
        value = obs.values.get(rule.metric)
        limit = rule.limit if rule.limit is not None else device.attrs.get(rule.limit_attr or "")
        if value is None or limit is None:
            continue
        key, level = rule_key(device.id, rule.id), level_of(value, rule.op, limit, rule.deadband)
        if not matters(level, key, live):
            continue
        out.append(Check(
            key, level, obs.at,
            device.id, device.domain, rule.severity, rule.id, text(rule.message, lang), value,
            timing(rule.on_delay_s, rule.off_delay_s, config, device.kind)))
    return out


def rate_checks(obs: Observation, facts: Facts, config: CityConfig, live: Live = None,
                lang: str = "en") -> list[Check]:
    """The change is measured over the samples in Redis, which include this report."""
    device = obs.device
    out = []
    for rule in config.rule_index.rates.get(device.kind, []):
        if rule.metric not in obs.values:
            continue
        change = aggregate(rule.change, facts.series(device.id, rule.metric), obs.at,
                           rule.window_s)
        if change is None:
            continue
        key, level = rule_key(device.id, rule.id), level_of(change, ">=", rule.by, rule.deadband)
        if not matters(level, key, live):
            continue
        out.append(Check(
            key, level, obs.at,
            device.id, device.domain, rule.severity, rule.id, text(rule.message, lang),
            round(change, 6), timing(rule.on_delay_s, rule.off_delay_s, config, device.kind)))
    return out
