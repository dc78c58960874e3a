"""Periodic check for silent devices: the one rule that fires on the absence of data."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import redis

from data_access import streams
from data_access.city_config import CityConfig
from ingest import alarm_publisher
from ingest.directory import DeviceDirectory
from ingest.rules import OFFLINE, evaluate_offline, rule_key

log = logging.getLogger(__name__)


def sweep_once(r: redis.Redis, directory: DeviceDirectory, config: CityConfig,
               now: datetime | None = None) -> int:
    seen = {k.decode(): float(v) for k, v in r.hgetall(streams.LAST_SEEN).items()}
    devices = list(directory.devices.values())
    active = alarm_publisher.active_for(r, [rule_key(d.id, OFFLINE) for d in devices])
    decisions = evaluate_offline(devices, seen, now or datetime.now(UTC), config, active)
    return alarm_publisher.publish(r, decisions)


def run(r: redis.Redis, directory: DeviceDirectory, config: CityConfig,
        stop: threading.Event, every_s: float = 10.0) -> None:
    rounds = 0
    while not stop.wait(every_s):
        rounds += 1
        try:
            if rounds % 6 == 0:  # see re-seeded devices within a minute
                directory.reload()
            sweep_once(r, directory, config)
        except Exception:
            log.exception("health sweep failed; will try again")
