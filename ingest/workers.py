"""Start the background workers of one process: ingest, alarm store, health sweep, shelving,
notifications, simulator."""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import redis
from sqlalchemy import Engine, select

from data_access.city_config import CityConfig
from data_access.models import Device
from ingest import health_sweep, shelf_sweep
from ingest.alarm_store import AlarmStoreConsumer
from ingest.directory import DeviceDirectory
from ingest.simulator import SimDevice, Simulator
from ingest.telemetry_consumer import TelemetryConsumer
from notify import worker as notify_worker


def consumer_name(prefix: str) -> str:
    """Stable across restarts of the same process slot, so its own pending entries come back."""
    return f"{prefix}-{socket.gethostname()}-{os.environ.get('CITYOPS_WORKER_ID', '1')}"


def load_sim_devices(engine: Engine) -> list[SimDevice]:
    with engine.connect() as conn:
        rows = conn.execute(select(Device.id, Device.kind, Device.attrs).order_by(Device.id))
        return [SimDevice(r.id, r.kind, r.attrs or {}) for r in rows]


def new_simulator(engine: Engine, config: CityConfig, seed: int) -> Simulator:
    """The demo city's simulator over the seeded devices, starting now."""
    return Simulator(load_sim_devices(engine), config, seed, datetime.now(UTC))


@dataclass
class Workers:
    r: redis.Redis
    engine: Engine
    config: CityConfig
    seed: int = 2026
    simulate: bool = True
    rules_path: Path | None = None  # rules.yaml to watch and reload; None: never reload
    notifier: notify_worker.Notifier | None = None  # None: this process tells nobody
    notify_every_s: float = 5.0
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> Workers:
        directory = DeviceDirectory(self.engine, self.config)
        ingest = TelemetryConsumer(self.r, self.engine, self.config,
                                   name=consumer_name("ingest"), directory=directory,
                                   rules_path=self.rules_path)
        store = AlarmStoreConsumer(self.r, self.engine, name=consumer_name("alarm-store"))
        self._spawn("ingest", ingest.run, self.stop)
        self._spawn("alarm-store", store.run, self.stop)
        sweep_dir = DeviceDirectory(self.engine, self.config)
        self._spawn("health-sweep", health_sweep.run, self.r, sweep_dir, self.config, self.stop,
                    10.0, self.rules_path)
        self._spawn("shelf-sweep", shelf_sweep.run, self.r, self.engine, self.stop)
        if self.notifier is not None:
            self._spawn("notifier", notify_worker.run, self.notifier, self.stop,
                        self.notify_every_s)
        if self.simulate:
            sim = new_simulator(self.engine, self.config, self.seed)
            self._spawn("simulator", sim.run, self.r, self.stop)
        return self

    def _spawn(self, name: str, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def shutdown(self, timeout: float = 5.0) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
