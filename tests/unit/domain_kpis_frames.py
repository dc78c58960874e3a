"""Hand-made input frames for the domain KPI tests: devices and bucketed history in exactly
the shape the pages pass (see data_access/domain_kpis/base.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from data_access.domain_kpis.base import HISTORY_COLUMNS

DEVICE_COLUMNS = ["id", "name_el", "name_en", "kind", "unit", "lat", "lon", "attrs",
                  "reporting", "status", "last_seen", "battery", "rssi", "snr", "latest"]
# 2026-03-10 12:00 UTC is 14:00 in Athens (EET, before the March DST change): daytime.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def device(id: str, kind: str, latest: dict | None = None, *, unit: str = "chalkida",
           attrs: dict | None = None, reporting: bool = True, status: str | None = None,
           last_seen: datetime | None = None, battery: float = np.nan, rssi: float = np.nan,
           snr: float = np.nan, lat: float = 38.46, lon: float = 23.60) -> dict:
    """One device row; reporting devices were seen a minute before NOW unless told."""
    if last_seen is None and reporting:
        last_seen = NOW - timedelta(minutes=1)
    return {"id": id, "name_el": f"{id} el", "name_en": f"{id} en", "kind": kind, "unit": unit,
            "lat": lat, "lon": lon, "attrs": attrs or {}, "reporting": reporting,
            "status": status or ("ok" if reporting else "offline"),
            "last_seen": pd.Timestamp(last_seen) if last_seen else pd.NaT,
            "battery": battery, "rssi": rssi, "snr": snr, "latest": latest or {}}


def devices(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=DEVICE_COLUMNS)
    frame["last_seen"] = pd.to_datetime(frame["last_seen"], utc=True)
    return frame


def bucket(device_id: str, metric: str, start: datetime, mean: float, n: int = 1,
           lo: float | None = None, hi: float | None = None) -> dict:
    return {"device_id": device_id, "metric": metric, "bucket": pd.Timestamp(start),
            "mean": mean, "min": mean if lo is None else lo, "max": mean if hi is None else hi,
            "n": n}


def series(device_id: str, metric: str, first: datetime, step_s: int,
           means: list[float], n: int = 1) -> list[dict]:
    """Consecutive buckets of one device and metric, min = max = mean."""
    return [bucket(device_id, metric, first + timedelta(seconds=i * step_s), m, n)
            for i, m in enumerate(means)]


def history(*rows: dict | list[dict]) -> pd.DataFrame:
    flat: list[dict] = []
    for r in rows:
        flat.extend(r if isinstance(r, list) else [r])
    frame = pd.DataFrame(flat, columns=HISTORY_COLUMNS)
    frame["bucket"] = pd.to_datetime(frame["bucket"], utc=True)
    return frame


def no_history() -> pd.DataFrame:
    """What the SQL query returns on a new installation: the columns, no rows."""
    return history()
