"""Device health: battery low and weak LoRaWAN signal on each report; offline on silence,
found by the periodic sweep and ended by the next report. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from data_access.city_config import CityConfig, text
from data_access.streams import (
    BATTERY_LOW,
    BATTERY_MESSAGE,
    OFFLINE,
    OFFLINE_MESSAGE,
    WEAK_SIGNAL,
    WEAK_SIGNAL_MESSAGE,
)
from ingest.rules.core import Check, DeviceInfo, Level, Live, level_of, matters, rule_key
from ingest.rules.observation import Observation
from ingest.rules.threshold import timing


def health_checks(obs: Observation, config: CityConfig, live: Live = None,
                  lang: str = "en") -> list[Check]:
    """Battery and signal when the report carries them; a report always ends 'offline'."""
    health = config.rules.device_health
    device = obs.device
    out = []
    if obs.battery is not None:
        key = rule_key(device.id, BATTERY_LOW)
        level = level_of(obs.battery, "<", health.battery_low_pct, health.battery_deadband_pct)
        if matters(level, key, live):
            out.append(Check(key, level, obs.at, device.id, device.domain,
                             health.battery_severity, BATTERY_LOW, text(BATTERY_MESSAGE, lang),
                             obs.battery))
    signal = weak_signal_check(obs, config, live, lang)
    if signal is not None:
        out.append(signal)
    key = rule_key(device.id, OFFLINE)
    if matters(Level.NORMAL, key, live):
        out.append(Check(key, Level.NORMAL, obs.at, device.id, device.domain,
                         health.offline_severity, OFFLINE, text(OFFLINE_MESSAGE, lang)))
    return out


def weak_signal_check(obs: Observation, config: CityConfig, live: Live = None,
                      lang: str = "en") -> Check | None:
    """Weak when RSSI or SNR is below its limit; fine only when every reported one is back
    past limit + deadband. Devices that report neither (cellular, wired) are never judged."""
    rssi, snr = obs.rssi, obs.snr
    if rssi is None and snr is None:
        return None
    rule = config.rules.device_health.weak_signal
    level = max(Level.NORMAL if rssi is None else level_of(rssi, "<", rule.rssi_below,
                                                             rule.deadband_db),
                Level.NORMAL if snr is None else level_of(snr, "<", rule.snr_below,
                                                           rule.deadband_db))
    device = obs.device
    key = f"{device.id}|{WEAK_SIGNAL}"
    if not matters(level, key, live):
        return None
    value = obs.rssi if obs.rssi is not None else obs.snr
    return Check(key, level, obs.at, device.id,
                 device.domain, rule.severity, WEAK_SIGNAL, text(WEAK_SIGNAL_MESSAGE, lang),
                 value, timing(rule.on_delay_s, rule.off_delay_s, config, device.kind))


def offline_checks(devices: Iterable[DeviceInfo], last_seen: Mapping[str, float], now: float,
                   config: CityConfig, lang: str = "en") -> list[Check]:
    """Abnormal for devices silent longer than their kind allows. Never-seen devices are left
    alone: a freshly seeded city has not reported yet, which is not a fault."""
    health = config.rules.device_health
    out = []
    for device in devices:
        seen = last_seen.get(device.id)
        if seen is None or now - seen <= config.offline_after_s(device.kind):
            continue
        out.append(Check(rule_key(device.id, OFFLINE), Level.ABNORMAL, now, device.id,
                         device.domain, health.offline_severity, OFFLINE,
                         text(OFFLINE_MESSAGE, lang), round(now - seen)))
    return out
