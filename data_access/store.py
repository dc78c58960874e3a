"""Where a page gets its data. Pages and callbacks ask the Store; only the Store queries SQL
and Redis, and it decides what is cached and for how long (flask-caching on Redis)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import orjson
import pandas as pd
import redis
from flask import current_app, has_app_context
from sqlalchemy import Engine, select

from data_access import streams
from data_access.cache import cache, memoized
from data_access.city_config import CityConfig, text
from data_access.db import frame_of
from data_access.kpis import KpiFigure, kpi_strip
from data_access.live_state import LiveColumns, LiveStateMirror
from data_access.map_data import (
    CLUSTER_RADIUS_PX,
    MapFacets,
    codes_by_domain,
    diff_codes,
    first_view,
    first_view_grid,
    map_ids,
    map_order,
    positions_geobuf,
)
from data_access.models import Alarm, Device, Reading
from data_access.settings import Settings
from data_access.status import statuses
from data_access.streams import OFFLINE, OPEN_STATES, SEVERITY_RANK

STATUS_BUCKET_S = 1.0
# At most this share of a web process's time goes to status snapshots: in a city so large
# that one takes longer than a bucket, the next waits, and pages are still served briskly.
SNAPSHOT_SHARE = 0.25
UNIT_PREFIX = "unit:"  # cross-domain rules raise a unit's alarm on device id `unit:<unit id>`
DEVICES_TTL_S = 60.0
def name_column(lang: str) -> str:
    """The devices() column with device names in `lang`."""
    return "name_el" if lang == "el" else "name_en"


DEVICE_COLUMNS = ["id", "name_el", "name_en", "kind", "domain", "unit", "lat", "lon",
                  "connectivity"]


@dataclass(frozen=True)
class DeviceIndex:
    """What every status snapshot needs of a device set, worked out once per set rather
    than once a second: ids to ask Redis for, each id's row, each row's offline limit and
    each domain's rows in map order."""

    ids: list[str]
    row_of: dict[str, int]
    offline_after_s: np.ndarray
    map_order: dict[str, np.ndarray]

    @classmethod
    def of(cls, devices: pd.DataFrame, config: CityConfig) -> DeviceIndex:
        ids = devices["id"].tolist()
        limits = {k: config.offline_after_s(k) for k in config.kinds}
        return cls(ids, {d: row for row, d in enumerate(ids)},
                   devices["kind"].map(limits).to_numpy(dtype=float),
                   map_order(devices, [d.id for d in config.domains]))

    def spread(self, values: dict[str, object], fill: object) -> np.ndarray:
        """`values` (device id -> value) laid out one per row, `fill` where a device has
        none; ids not in this device set are skipped."""
        out = np.full(len(self.ids), fill, dtype=object)
        for device, value in values.items():
            row = self.row_of.get(device)
            if row is not None:
                out[row] = value
        return out


@dataclass
class Store:
    settings: Settings
    config: CityConfig
    engine: Engine
    redis: redis.Redis

    def __repr__(self) -> str:  # part of every cache key: stable per city and database
        return f"Store({self.config.city.id}, {self.settings.sql_url})"

    __caching_id__ = __repr__
    _local_snapshots: dict = field(default_factory=dict)  # status snapshots outside a web app
    _devices: tuple | None = None
    _grid: tuple | None = None  # (device frame, its first-view grid): kept in this process
    _index: tuple | None = None  # (device frame, its DeviceIndex): kept in this process
    _mirror: LiveStateMirror = field(default_factory=LiveStateMirror)
    _bodies: dict = field(default_factory=dict)  # map payloads of the newest device set

    # -- devices: change only when the city is re-seeded ---------------------------------
    def devices(self) -> pd.DataFrame:
        """Every device, in map order (domain, id). Kept in this process for DEVICES_TTL_S:
        at 100,000 devices unpickling it from a shared cache costs more than keeping it."""
        cached = self._devices
        if cached is not None and time.monotonic() - cached[0] < DEVICES_TTL_S:
            return cached[1]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*[getattr(Device, c) for c in DEVICE_COLUMNS])
                                .order_by(Device.domain, Device.id)).all()
        frame = frame_of(rows, DEVICE_COLUMNS)
        if cached is not None and frame.equals(cached[1]):
            frame = cached[1]  # the same devices: what was worked out of them still holds
        self._devices = (time.monotonic(), frame)
        return frame

    def forget_devices(self) -> None:
        """The device set changed (a seed, an import, the admin page): drop what this process
        and the shared cache hold of the old one, and tell the ingest workers to reload."""
        self._devices = None
        cache.clear()
        self.redis.incr(streams.DEVICES_VERSION)

    def device_index(self, devices: pd.DataFrame) -> DeviceIndex:
        """The DeviceIndex of this very device frame (made again when the frame is new)."""
        cached = self._index
        if cached is None or cached[0] is not devices:
            cached = (devices, DeviceIndex.of(devices, self.config))
            self._index = cached
        return cached[1]

    def device_row(self, device_id: str) -> pd.Series | None:
        """One device's row of devices(), or None if there is no such device."""
        devices = self.devices()
        match = devices[devices["id"] == device_id]
        return None if match.empty else match.iloc[0]

    # -- alarms: cached per version, which the alarm store bumps after each commit ------
    def alarms_version(self) -> str:
        return (self.redis.get(streams.ALARMS_VERSION) or b"0").decode()

    def active_alarms(self) -> pd.DataFrame:
        return self._active_alarms(self.alarms_version())

    @memoized(timeout=300)
    def _active_alarms(self, version: str) -> pd.DataFrame:
        cols = ["alarm_id", "device_id", "domain", "severity", "type", "message", "state",
                "value", "raised_at", "updated_at", "count"]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*[getattr(Alarm, c) for c in cols]).where(Alarm.state.in_(OPEN_STATES))
            ).all()
        frame = frame_of(rows, cols)
        frame["rank"] = frame["severity"].map(SEVERITY_RANK).fillna(9)
        frame["unack"] = frame["state"].isin(["active_unack", "cleared_unack"])
        return frame.sort_values(["unack", "rank", "updated_at"],
                                 ascending=[False, True, False]).reset_index(drop=True)

    # -- live device state: from Redis, a couple of milliseconds ------------------------
    def live_state(self) -> tuple[pd.DataFrame, LiveColumns]:
        """Every device and its state now, in the same order (LiveStateMirror)."""
        devices = self.devices()
        index = self.device_index(devices)
        return devices, self._mirror.read(self.redis, index.ids, index.row_of)

    def status_frame(self, now: float | None = None,
                     live: tuple[pd.DataFrame, LiveColumns] | None = None) -> pd.DataFrame:
        """One row per device: where it is, when it last reported and its status."""
        now = time.time() if now is None else now
        devices, state = live or self.live_state()
        index = self.device_index(devices)
        frame = devices.copy()
        frame["last_seen"] = state.last_seen
        alarms = self.active_alarms()
        # The map shows what is wrong now: cleared (awaiting acknowledgement) and shelved
        # alarms stay in the list but no longer colour their device.
        showing = alarms[alarms["state"].isin(["active_unack", "active_ack"])]
        not_offline = showing[showing["type"] != OFFLINE]
        worst = not_offline.sort_values("rank").drop_duplicates("device_id")
        offline = showing.loc[showing["type"] == OFFLINE, "device_id"]
        frame["status"], frame["reporting"] = statuses(
            frame["last_seen"].to_numpy(), now, index.offline_after_s,
            index.spread(dict(zip(worst["device_id"], worst["severity"], strict=True)), None),
            index.spread(dict.fromkeys(offline, True), False).astype(bool),
        )
        return frame

    def device_frame(self, now: float | None = None,
                     live: tuple[pd.DataFrame, LiveColumns] | None = None) -> pd.DataFrame:
        """status_frame plus each device's latest values, battery, RSSI and SNR (for KPIs)."""
        live = live or self.live_state()
        frame = self.status_frame(now, live)
        state = live[1]
        frame["latest"] = state.values
        for column, values in state.numbers.items():
            frame[column] = values
        return frame

    def device_detail(self, device_id: str, lang: str) -> dict | None:
        row = self.device_row(device_id)
        if row is None:
            return None
        kind = self.config.kinds[row["kind"]]
        raw = self.redis.hget(streams.LATEST, device_id)
        latest = orjson.loads(raw) if raw else {}
        seen = self.redis.hget(streams.LAST_SEEN, device_id)
        tz = ZoneInfo(self.config.city.timezone)
        return {
            "id": device_id,
            "name": row[name_column(lang)],
            "kind": text(kind.name, lang),
            "unit": text(self.config.unit_by_id[row["unit"]].name, lang),
            "last_seen": (datetime.fromtimestamp(float(seen), tz).strftime("%d/%m %H:%M:%S")
                          if seen else None),
            "battery": latest.get("battery"),
            "rssi": latest.get("rssi"),
            "snr": latest.get("snr"),
            "values": {m: {"value": v, "unit": kind.metrics.get(m, ""),
                           "name": self.config.metric_name(m, lang)}
                       for m, v in _kind_order(latest.get("values") or {}, kind.metrics)},
        }

    def search_devices(self, query: str, lang: str, limit: int = 20) -> pd.DataFrame:
        """Devices whose name or id contains `query` (any case): id, name, lat, lon."""
        devices = self.devices()
        name_col = name_column(lang)
        q = query.strip().lower()
        hit = (devices[name_col].str.lower().str.contains(q, regex=False)
               | devices["id"].str.contains(q, regex=False))
        found = devices.loc[hit, ["id", name_col, "lat", "lon"]].head(limit)
        return found.rename(columns={name_col: "name"})

    # -- one device: history and alarms (department heads drill down here) -------------
    def device_history(self, device_id: str, since: datetime) -> pd.DataFrame:
        """Readings of one device since `since` (UTC): columns metric, ts (UTC), value."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(Reading.metric, Reading.ts, Reading.value)
                .where(Reading.device_id == device_id, Reading.ts >= since)
                .order_by(Reading.metric, Reading.ts)
            ).all()
        frame = frame_of(rows, ["metric", "ts", "value"])
        frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
        return frame

    def device_alarms(self, device_id: str, limit: int = 50) -> pd.DataFrame:
        cols = ["alarm_id", "device_id", "severity", "type", "message", "state", "value",
                "raised_at", "updated_at", "count"]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*[getattr(Alarm, c) for c in cols]).where(Alarm.device_id == device_id)
                .order_by(Alarm.updated_at.desc()).limit(limit)
            ).all()
        return frame_of(rows, cols)

    # -- KPI strip: made with each status snapshot, for every screen -------------------
    def kpi_figures(self) -> list[KpiFigure]:
        """The newest KPI strip; like statuses, never computed while a screen waits once
        the first snapshot exists (status_snapshot)."""
        version, _codes = self.status_snapshot()
        return self._snapshot_get(f"kpis:{version}") or self._compute_snapshot(version)[1]

    # -- the map: positions once per device set, statuses as versioned snapshots --------
    @memoized(timeout=60)
    def devices_version(self) -> str:
        """Changes when the device set changes; part of the positions URL (browser cache)."""
        ids = self.devices()["id"]
        return f"{len(ids)}-{zlib.crc32(chr(0).join(ids).encode()):08x}"

    def map_positions(self, domain: str, version: str) -> bytes:
        return self._kept(f"positions:{domain}", version,
                          lambda: self._map_positions(domain, version))

    def map_device_ids(self, version: str) -> bytes:
        return self._kept("ids", version, lambda: self._map_device_ids(version))

    def _kept(self, name: str, version: str, make) -> bytes:
        """Bytes that never change for a device set, kept in this process for its newest
        version: the shared memo computes them once for all processes, but fetching the
        largest domain's 450 kB from it took a web process ~30 ms per page at 100,000
        devices."""
        kept = self._bodies
        if kept.get("version") != version:
            kept = self._bodies = {"version": version}
        if name not in kept:
            kept[name] = make()
        return kept[name]

    @memoized(timeout=3600)
    def _map_positions(self, domain: str, version: str) -> bytes:
        return positions_geobuf(self.devices(), domain, MapFacets.of(self.config))

    @memoized(timeout=3600)
    def _map_device_ids(self, version: str) -> bytes:
        return map_ids(self.devices(), [d.id for d in self.config.domains])

    def wants_first_view(self) -> bool:
        """A city large enough that the map is drawn first from the server's grid."""
        return len(self.devices()) >= self.settings.first_view_devices

    def map_first_view(self) -> dict:
        """The devices in a fine grid with the newest statuses (map_data.first_view), and each
        domain's glyph and colour: what the map draws before its own clusters are ready.
        Nothing for a smaller city (wants_first_view)."""
        if not self.wants_first_view():
            return {"domains": {}}
        version, _codes = self.status_snapshot()
        return self._first_view(self.devices_version(), version)

    @memoized(timeout=90)
    def _first_view(self, devices_version: str, status_version: int) -> dict:
        """Once per status snapshot for every screen; the grid once per device set."""
        version, codes = self.status_snapshot()
        frame = self.devices()
        cached = self._grid
        if cached is None or cached[0] is not frame:  # built from this very device frame
            cached = (frame, first_view_grid(frame, [d.id for d in self.config.domains]))
            self._grid = cached
        cells = first_view(cached[1], codes)
        return {"version": version, "radius": CLUSTER_RADIUS_PX, "domains": {
            d.id: {"glyph": d.glyph, "color": d.color, "cells": cells.get(d.id, [])}
            for d in self.config.domains}}

    def status_snapshot(self) -> tuple[int, dict[str, str]]:
        """(version, {domain: status codes}): the newest snapshot. One process computes it per
        STATUS_BUCKET_S for every screen (a Redis lock decides which); the others, and any
        request that arrives meanwhile, use the newest one already made, so no screen waits
        for the computation. One computation at a time across processes: in a city so large
        that one takes longer than a bucket, snapshots come as fast as they can, without
        piling up. Snapshots are kept a minute, so each screen can be sent only what changed
        since its own."""
        version = int(time.time() // STATUS_BUCKET_S)
        newest = self._newest_snapshot()
        if newest is None:  # the very first one: nothing older to show meanwhile
            return version, self._compute_snapshot(version)[0]
        if newest[0] < version and self._claim_computation():
            self._compute_in_background(version)
        return newest

    def _computation_lock(self) -> str:
        return f"cityops:status:computing:{self.config.city.id}"

    def _claim_computation(self) -> bool:
        """True for the one caller that may compute now; expires should its process die."""
        return bool(self.redis.set(self._computation_lock(), "1", nx=True, ex=30))

    def _release_computation(self, took_s: float) -> None:
        """Free the claim, or keep it long enough that snapshots take at most
        SNAPSHOT_SHARE of the time (the claim's expiry is the pause, across processes)."""
        rest_ms = int(took_s * (1 / SNAPSHOT_SHARE - 1) * 1000)
        if rest_ms > 0:
            self.redis.set(self._computation_lock(), "1", px=rest_ms)
        else:
            self.redis.delete(self._computation_lock())

    def _compute_snapshot(self, version: int) -> tuple[dict[str, str], list[KpiFigure]]:
        """Statuses for the map and the KPI strip, from one read of the city's state."""
        live = self.live_state()  # the frame and the map order of one and the same device set
        frame = self.device_frame(live=live)
        codes = codes_by_domain(frame["status"].to_numpy(), self.device_index(live[0]).map_order)
        kpis = kpi_strip(frame, self.config)
        self._snapshot_put(f"kpis:{version}", kpis)
        self._snapshot_put(version, codes)
        return codes, kpis

    def _compute_in_background(self, version: int) -> None:
        app = current_app._get_current_object() if has_app_context() else None

        def work() -> None:
            started = time.monotonic()
            try:
                with app.app_context() if app is not None else contextlib.nullcontext():
                    self._compute_snapshot(version)
            except Exception:  # the next bucket tries again; screens keep the last snapshot
                logging.getLogger(__name__).warning("status snapshot %s failed", version,
                                                    exc_info=True)
            finally:
                with contextlib.suppress(redis.RedisError):  # else it expires by itself
                    self._release_computation(time.monotonic() - started)

        threading.Thread(target=work, daemon=True, name="status-snapshot").start()

    def _newest_snapshot(self) -> tuple[int, dict[str, str]] | None:
        version = self._snapshot_get(-1)
        if version is None:
            return None
        codes = self._snapshot_get(int(version))
        return (int(version), codes) if codes is not None else None

    def status_update(self, since: int | None) -> dict:
        """What a screen at snapshot `since` needs: nothing, the changes, or everything."""
        version, codes = self.status_snapshot()
        if since == version:
            return {"version": version}
        old = self._snapshot_get(since) if since is not None else None
        if old is not None:
            delta = {d: diff_codes(old.get(d, ""), c) for d, c in codes.items()}
            if all(v is not None for v in delta.values()):
                return {"version": version, "delta": {d: v for d, v in delta.items() if v}}
        return {"version": version, "full": codes}

    def _snapshot_get(self, version: int | str | None):
        """Snapshot `version` (status codes), or "kpis:<version>" (its KPI strip); version
        -1 holds the number of the newest one."""
        if version is None:
            return None
        if has_app_context():
            return cache.get(f"status:{self.config.city.id}:{version}")
        return self._local_snapshots.get(version)

    def _snapshot_put(self, version: int | str, value) -> None:
        """Store a part of a snapshot; an int version also becomes the newest, once its KPI
        part is stored (put that first), so a reader of the newest finds both."""
        if has_app_context():
            cache.set(f"status:{self.config.city.id}:{version}", value, timeout=90)
            newest = cache.get(f"status:{self.config.city.id}:-1")
            if isinstance(version, int) and (newest is None or int(newest) < version):
                cache.set(f"status:{self.config.city.id}:-1", version, timeout=90)
            return
        self._local_snapshots[version] = value
        if isinstance(version, int) and version > self._local_snapshots.get(-1, -1):
            self._local_snapshots[-1] = version
        versions = sorted(k for k in self._local_snapshots if isinstance(k, int) and k >= 0)
        for old in versions[:-60]:
            del self._local_snapshots[old]
            self._local_snapshots.pop(f"kpis:{old}", None)

    def alarm_view(self, alarms: pd.DataFrame, lang: str) -> dict:
        """Arguments for components.alarm_list.alarm_items: names, units and local time."""
        devices = self.devices()
        devices = devices[devices["id"].isin(alarms["device_id"])]  # not the whole city
        name_col = name_column(lang)
        units = {u.id: text(u.name, lang) for u in self.config.city.units}
        alarms = alarms.copy()
        alarms["message"] = [self.config.alarm_message(t, m, lang)
                             for t, m in zip(alarms["type"], alarms["message"], strict=True)]
        names = dict(zip(devices["id"], devices[name_col], strict=True))
        unit_of = dict(zip(devices["id"], devices["unit"].map(units), strict=True))
        for pseudo in alarms["device_id"].dropna().unique():  # a unit's alarm: `unit:<id>`
            if str(pseudo).startswith(UNIT_PREFIX) and pseudo[len(UNIT_PREFIX):] in units:
                names[pseudo] = unit_of[pseudo] = units[pseudo[len(UNIT_PREFIX):]]
        return {
            "alarms": alarms,
            "names": names,
            "units": unit_of,
            "lang": lang,
            "tz": ZoneInfo(self.config.city.timezone),
        }


def _kind_order(values: dict, metrics: dict) -> list[tuple[str, object]]:
    """A device's latest values in its kind's order of metrics (the state merged in Redis
    keeps no order of its own), then any others by name."""
    rank = {m: i for i, m in enumerate(metrics)}
    return sorted(values.items(), key=lambda mv: (rank.get(mv[0], len(rank)), mv[0]))
