"""Where a page gets its data. Pages and callbacks ask the Store; only the Store queries SQL
and Redis, and it decides what is cached and for how long (flask-caching on Redis)."""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import orjson
import pandas as pd
import redis
from flask import has_app_context
from sqlalchemy import Engine, select

from data_access import streams
from data_access.cache import cache, memoized
from data_access.city_config import CityConfig, text
from data_access.map_data import diff_codes, positions_geobuf, status_codes
from data_access.models import Alarm, Device
from data_access.settings import Settings
from data_access.status import device_status, is_reporting
from data_access.streams import OFFLINE, OPEN_STATES, SEVERITY_RANK

STATUS_BUCKET_S = 1.0
DEVICE_COLUMNS = ["id", "name_el", "name_en", "kind", "domain", "unit", "lat", "lon",
                  "connectivity"]


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

    # -- devices: change only when the city is re-seeded ---------------------------------
    @memoized(timeout=60)
    def devices(self) -> pd.DataFrame:
        with self.engine.connect() as conn:
            rows = conn.execute(select(*[getattr(Device, c) for c in DEVICE_COLUMNS])).all()
        return pd.DataFrame(rows, columns=DEVICE_COLUMNS)

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
        frame = pd.DataFrame(rows, columns=cols)
        frame["rank"] = frame["severity"].map(SEVERITY_RANK).fillna(9)
        frame["unack"] = frame["state"].isin(["active_unack", "cleared_unack"])
        return frame.sort_values(["unack", "rank", "updated_at"],
                                 ascending=[False, True, False]).reset_index(drop=True)

    # -- live device state: from Redis, a couple of milliseconds ------------------------
    def latest(self) -> dict[str, dict]:
        raw = self.redis.hgetall(streams.LATEST)
        return {k.decode(): orjson.loads(v) for k, v in raw.items()}

    def status_frame(self, now: float | None = None) -> pd.DataFrame:
        """One row per device: where it is, when it last reported and its status."""
        now = time.time() if now is None else now
        frame = self.devices().copy()
        seen = self.redis.hgetall(streams.LAST_SEEN)
        last_seen = {k.decode(): float(v) for k, v in seen.items()}
        alarms = self.active_alarms()
        live = alarms[alarms["state"] != "shelved"]
        not_offline = live[live["type"] != OFFLINE]
        worst = not_offline.sort_values("rank").drop_duplicates("device_id")
        worst_by_device = dict(zip(worst["device_id"], worst["severity"], strict=True))
        offline = set(live.loc[live["type"] == OFFLINE, "device_id"])
        limits = {k: self.config.offline_after_s(k) for k in self.config.kinds}
        frame["last_seen"] = frame["id"].map(last_seen.get)
        pairs = list(zip(frame["id"], frame["kind"], strict=True))
        frame["status"] = [
            device_status(last_seen.get(d), now, limits[k], worst_by_device.get(d), d in offline)
            for d, k in pairs
        ]
        frame["reporting"] = [is_reporting(last_seen.get(d), now, limits[k]) for d, k in pairs]
        return frame

    def device_frame(self, now: float | None = None) -> pd.DataFrame:
        """status_frame plus each device's latest values and battery (for KPIs)."""
        frame = self.status_frame(now)
        latest = self.latest()
        frame["latest"] = frame["id"].map(lambda d: latest.get(d, {}).get("values", {}))
        frame["battery"] = frame["id"].map(lambda d: latest.get(d, {}).get("battery"))
        return frame

    def device_detail(self, device_id: str, lang: str) -> dict | None:
        devices = self.devices()
        match = devices[devices["id"] == device_id]
        if match.empty:
            return None
        row = match.iloc[0]
        kind = self.config.kinds[row["kind"]]
        raw = self.redis.hget(streams.LATEST, device_id)
        latest = orjson.loads(raw) if raw else {}
        seen = self.redis.hget(streams.LAST_SEEN, device_id)
        tz = ZoneInfo(self.config.city.timezone)
        return {
            "id": device_id,
            "name": row["name_el" if lang == "el" else "name_en"],
            "kind": text(kind.name, lang),
            "unit": text(self.config.unit_by_id[row["unit"]].name, lang),
            "last_seen": (datetime.fromtimestamp(float(seen), tz).strftime("%d/%m %H:%M:%S")
                          if seen else None),
            "battery": latest.get("battery"),
            "rssi": latest.get("rssi"),
            "snr": latest.get("snr"),
            "values": {m: {"value": v, "unit": kind.metrics.get(m, "")}
                       for m, v in (latest.get("values") or {}).items()},
        }

    # -- the map: positions once per device set, statuses as versioned snapshots --------
    @memoized(timeout=60)
    def devices_version(self) -> str:
        """Changes when the device set changes; part of the positions URL (browser cache)."""
        ids = self.devices()["id"]
        return f"{len(ids)}-{zlib.crc32(chr(0).join(ids).encode()):08x}"

    @memoized(timeout=3600)
    def map_positions(self, domain: str, version: str) -> bytes:
        return positions_geobuf(self.devices(), domain)

    def status_snapshot(self) -> tuple[int, dict[str, str]]:
        """(version, {domain: status codes}); one computation per STATUS_BUCKET_S for all
        screens, kept a minute so each screen can be sent only what changed since its own."""
        version = int(time.time() // STATUS_BUCKET_S)
        codes = self._snapshot_get(version)
        if codes is None:
            frame = self.status_frame()
            codes = {d.id: status_codes(frame, d.id) for d in self.config.domains}
            self._snapshot_put(version, codes)
        return version, codes

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

    def _snapshot_get(self, version: int | None) -> dict[str, str] | None:
        if version is None:
            return None
        if has_app_context():
            return cache.get(f"status:{self.config.city.id}:{version}")
        return self._local_snapshots.get(version)

    def _snapshot_put(self, version: int, codes: dict[str, str]) -> None:
        if has_app_context():
            cache.set(f"status:{self.config.city.id}:{version}", codes, timeout=90)
        else:
            self._local_snapshots[version] = codes
            for old in sorted(self._local_snapshots)[:-60]:
                del self._local_snapshots[old]

    def alarm_view(self, alarms: pd.DataFrame, lang: str) -> dict:
        """Arguments for components.alarm_list.alarm_items: names, units and local time."""
        devices = self.devices()
        name_col = "name_el" if lang == "el" else "name_en"
        units = {u.id: text(u.name, lang) for u in self.config.city.units}
        alarms = alarms.copy()
        alarms["message"] = [
            text(self.config.alarm_messages[t], lang) if t in self.config.alarm_messages else m
            for t, m in zip(alarms["type"], alarms["message"], strict=True)
        ]
        return {
            "alarms": alarms,
            "names": dict(zip(devices["id"], devices[name_col], strict=True)),
            "units": dict(zip(devices["id"], devices["unit"].map(units), strict=True)),
            "lang": lang,
            "tz": ZoneInfo(self.config.city.timezone),
        }

    def deadletter_counts(self) -> dict[str, int]:
        raw = self.redis.hgetall(streams.DEADLETTER_COUNT)
        return {k.decode(): int(v) for k, v in raw.items()}
