"""The devices the ingest knows, loaded from SQL and refreshed when a stranger shows up:
what each may report (its kind's metrics), how its payloads are read (its profile), and
which device a LoRaWAN DevEUI is."""

from __future__ import annotations

import time

from sqlalchemy import Engine, select

from data_access.city_config import CityConfig
from data_access.device_eui import normalise_eui
from data_access.models import Device
from ingest.profiles import PayloadReader
from ingest.rules.core import DeviceInfo


class DeviceDirectory:
    """device_id -> DeviceInfo and payload reader, DevEUI -> device_id; reloads at most
    every `min_reload_s`."""

    def __init__(self, engine: Engine, config: CityConfig, min_reload_s: float = 5.0) -> None:
        self._engine = engine
        self._config = config
        self._min_reload_s = min_reload_s
        self._loaded_at = 0.0
        self._version: int | None = None
        self.devices: dict[str, DeviceInfo] = {}
        self.metrics: dict[str, frozenset[str]] = {}
        self.readers: dict[str, PayloadReader] = {}
        self.by_eui: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        with self._engine.connect() as conn:
            rows = conn.execute(select(Device.id, Device.kind, Device.domain, Device.attrs,
                                       Device.unit, Device.lat, Device.lon, Device.profile,
                                       Device.dev_eui)).all()
        kinds, profiles = self._config.kinds, self._config.profiles
        self.devices = {r.id: DeviceInfo(r.id, r.kind, r.domain, r.attrs or {}, r.unit, r.lat,
                                         r.lon) for r in rows}
        self.metrics = {r.id: frozenset(kinds[r.kind].metrics) if r.kind in kinds
                        else frozenset() for r in rows}
        self.readers = {}
        for r in rows:
            kind = kinds.get(r.kind)
            if kind is not None:
                profile = profiles.get(r.profile or kind.profile or "")
                self.readers[r.id] = PayloadReader(kind.metrics, profile, r.attrs or {})
        self.by_eui = {r.dev_eui: r.id for r in rows if r.dev_eui}
        self._loaded_at = time.monotonic()

    def follow(self, version: int) -> None:
        """Reload when the device set's version (streams.DEVICES_VERSION) moved: a profile
        changed or a DevEUI was given, which no stranger would reveal."""
        if self._version is None:
            self._version = version
        elif version != self._version:
            self._version = version
            self.reload()

    def refresh_if_missing(self, device_ids: set[str], euis: set[str] = frozenset()) -> None:
        """A device added after start (or given its DevEUI) should be accepted without
        restarting the worker."""
        strangers = (device_ids - self.metrics.keys()) | {
            e for e in (normalise_eui(e) for e in euis) if e and e not in self.by_eui}
        if strangers and time.monotonic() - self._loaded_at >= self._min_reload_s:
            self.reload()
