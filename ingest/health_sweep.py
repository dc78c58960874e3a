"""Periodic check for silent devices: the one rule that fires on the absence of data."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

import redis

from data_access.city_config import CityConfig
from ingest.directory import DeviceDirectory
from ingest.rules.reload import RulesWatcher
from ingest.rules.runner import run_offline

log = logging.getLogger(__name__)


def sweep_once(r: redis.Redis, directory: DeviceDirectory, config: CityConfig,
               now: datetime | None = None) -> int:
    """Raise 'offline' for devices silent too long (or refresh it once per repeat interval)."""
    moment = (now or datetime.now(UTC)).timestamp()
    return run_offline(r, config, directory.devices.values(), moment)


def run(r: redis.Redis, directory: DeviceDirectory, config: CityConfig,
        stop: threading.Event, every_s: float = 10.0, rules_path: Path | None = None) -> None:
    rules = RulesWatcher(config, rules_path)  # per-kind offline limits may change too
    rounds = 0
    while not stop.wait(every_s):
        rounds += 1
        try:
            if rounds % 6 == 0:  # see re-seeded devices within a minute
                directory.reload()
            sweep_once(r, directory, rules.current())
        except Exception:
            log.exception("health sweep failed; will try again")
