"""The devices the ingest knows, loaded from SQL and refreshed when a stranger shows up."""

from __future__ import annotations

import time

from sqlalchemy import Engine, select

from data_access.city_config import CityConfig
from data_access.models import Device
from ingest.rules.core import DeviceInfo


class DeviceDirectory:
    """device_id -> DeviceInfo and allowed metrics; reloads at most every `min_reload_s`."""

    def __init__(self, engine: Engine, config: CityConfig, min_reload_s: float = 5.0) -> None:
        self._engine = engine
        self._config = config
        self._min_reload_s = min_reload_s
        self._loaded_at = 0.0
        self.devices: dict[str, DeviceInfo] = {}
        self.metrics: dict[str, frozenset[str]] = {}
        self.reload()

    def reload(self) -> None:
        with self._engine.connect() as conn:
            rows = conn.execute(select(Device.id, Device.kind, Device.domain, Device.attrs,
                                       Device.unit, Device.lat, Device.lon)).all()
        kind_metrics = {k: frozenset(v.metrics) for k, v in self._config.kinds.items()}
        self.devices = {r.id: DeviceInfo(r.id, r.kind, r.domain, r.attrs or {}, r.unit, r.lat,
                                         r.lon) for r in rows}
        self.metrics = {r.id: kind_metrics.get(r.kind, frozenset()) for r in rows}
        self._loaded_at = time.monotonic()

    def refresh_if_missing(self, device_ids: set[str]) -> None:
        """A device seeded after start should be accepted without restarting the worker."""
        if device_ids - self.metrics.keys() and (
            time.monotonic() - self._loaded_at >= self._min_reload_s
        ):
            self.reload()
