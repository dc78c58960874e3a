"""Where a domain page gets its data: the domain's devices as they are now, its KPI summary
and its trends, each computed once per short period and shared by every screen through
flask-caching (Redis), so two hundred tablets cost the database what one does.

The figures themselves are pure functions (data_access/domain_kpis/); this module only
fetches their inputs (Redis for the state now, SQL time buckets for history) and caches.
"""

from __future__ import annotations

import math
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import pandas as pd
from sqlalchemy import select

from data_access import aggregates
from data_access.cache import memoized
from data_access.domain_kpis.base import DomainSummary
from data_access.domain_kpis.settings import KpiSettings, load_kpi_settings
from data_access.models import Device
from data_access.store import Store

SUMMARY_PERIOD_S = 10  # a KPI summary is recomputed at most this often, whoever asks
TREND_PERIOD_S = 60  # trend charts: the newest bucket moves on once a minute
ATTRS_TTL_S = 300


def period_end(seconds: int, now: float | None = None, offset: int = 0) -> int:
    """`now` rounded up to the period (shifted by `offset` seconds): the cache key every
    screen asking now shares."""
    now = time.time() if now is None else now
    return int(math.ceil((now - offset) / seconds) * seconds) + offset


def summary_period(domain: str, now: float | None = None) -> int:
    """The end of the domain's current KPI period. Each domain's periods are shifted by its
    own offset, so the eight domains are recomputed one after another across the period,
    not all in the same second (which made every screen wait at each turn)."""
    offset = zlib.crc32(domain.encode()) % SUMMARY_PERIOD_S
    return period_end(SUMMARY_PERIOD_S, now, offset)


@memoized(timeout=ATTRS_TTL_S)
def device_attrs(store: Store, domain: str | None) -> dict[str, dict]:
    """Per-device attributes from the inventory (capacity, river levels...); rarely change."""
    stmt = select(Device.id, Device.attrs)
    if domain:
        stmt = stmt.where(Device.domain == domain)
    with store.engine.connect() as conn:
        return {r.id: r.attrs or {} for r in conn.execute(stmt)}


def domain_devices(store: Store, domain: str | None, now: float | None = None) -> pd.DataFrame:
    """The domain's devices (every device when `domain` is None) as they are now: the
    columns data_access/domain_kpis expects (base.py says which)."""
    frame = store.device_frame(now)
    if domain:
        frame = frame[frame["domain"] == domain].copy()
    frame["last_seen"] = pd.to_datetime(frame["last_seen"], unit="s", utc=True)
    attrs = device_attrs(store, domain)
    frame["attrs"] = [attrs.get(d, {}) for d in frame["id"]]
    return frame.reset_index(drop=True)


@memoized(timeout=SUMMARY_PERIOD_S * 3)
def _summary(store: Store, domain: str, module_name: str, until: int) -> DomainSummary:
    from importlib import import_module

    module = import_module(module_name)
    now = datetime.fromtimestamp(until, UTC)
    # The network page judges every device of the city, not only the gateways.
    scope = None if getattr(module, "CITY_WIDE", False) else domain
    devices = domain_devices(store, scope, now=until)
    sel = aggregates.Selection.last(module.WINDOW, module.METRICS, now=now, domain=scope)
    history = aggregates.per_device(store.engine, sel, module.BUCKET_S)
    return module.summary(devices, history, now, kpi_settings(store))


def domain_summary(store: Store, domain: str, module: ModuleType,
                   now: float | None = None) -> DomainSummary:
    """The domain's KPI summary as of the current period (shared by every screen)."""
    return _summary(store, domain, module.__name__, summary_period(domain, now))


def kpi_settings(store: Store) -> KpiSettings:
    """config/kpis.yaml, read again only when the file changes."""
    path = store.settings.config_dir / "kpis.yaml"
    return _kpi_settings(store.settings.config_dir, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _kpi_settings(config_dir: Path, _mtime: int) -> KpiSettings:
    return load_kpi_settings(config_dir)


@dataclass(frozen=True)
class Trend:
    """One trend chart of a domain page: a metric of some kinds over the reader's range,
    as `stat` per bucket: mean, max, min, or total (mean times devices reporting, e.g. the
    flow of all meters); `per_device` draws one line per device (a few river gauges)."""

    metric: str
    label: dict[str, str]
    unit: str
    kinds: tuple[str, ...] = ()
    stat: str = "mean"
    scale: float = 1.0
    per_device: bool = False


@memoized(timeout=TREND_PERIOD_S * 2)
def _trend_frame(store: Store, domain: str, metrics: tuple[str, ...], kinds: tuple[str, ...],
                 per_device: bool, since: int, until: int) -> pd.DataFrame:
    start, end = datetime.fromtimestamp(since, UTC), datetime.fromtimestamp(until, UTC)
    sel = aggregates.Selection(metrics=metrics, since=start, until=end, domain=domain,
                               kinds=kinds or None)
    size = aggregates.bucket_size(start, end)
    fetch = aggregates.per_device if per_device else aggregates.overall
    return fetch(store.engine, sel, size)


def range_history(store: Store, domain: str, metrics: tuple[str, ...], since: datetime,
                  until: datetime, bucket_s: int) -> pd.DataFrame:
    """Per-device buckets of a domain over the reader's range (figures that depend on the
    range, like hours above each air-quality band); shared per minute like trends."""
    return _range_history(store, domain, metrics, bucket_s, *_trend_keys(since, until))


def _trend_keys(since: datetime, until: datetime) -> tuple[int, int]:
    """The range widened to whole trend periods: the cache key screens asking within the
    same minute share."""
    return (int(since.timestamp()) // TREND_PERIOD_S * TREND_PERIOD_S,
            period_end(TREND_PERIOD_S, until.timestamp()))


@memoized(timeout=TREND_PERIOD_S * 2)
def _range_history(store: Store, domain: str, metrics: tuple[str, ...], bucket_s: int,
                   since: int, until: int) -> pd.DataFrame:
    sel = aggregates.Selection(metrics=metrics, since=datetime.fromtimestamp(since, UTC),
                               until=datetime.fromtimestamp(until, UTC), domain=domain)
    return aggregates.per_device(store.engine, sel, bucket_s)


def trend_series(store: Store, domain: str, trends: Sequence[Trend], since: datetime,
                 until: datetime) -> dict[int, pd.DataFrame]:
    """For each trend (by position): bucket, series (device id or ""), value. Ranges ending
    now share one cache entry per minute."""
    since_key, until_key = _trend_keys(since, until)
    out = {}
    groups: dict[tuple, list[int]] = {}
    for i, trend in enumerate(trends):
        groups.setdefault((trend.kinds, trend.per_device), []).append(i)
    for (kinds, per_device), members in groups.items():
        metrics = tuple(sorted({trends[i].metric for i in members}))
        frame = _trend_frame(store, domain, metrics, kinds, per_device, since_key, until_key)
        for i in members:
            out[i] = _series(frame[frame["metric"] == trends[i].metric], trends[i])
    return out


def _series(rows: pd.DataFrame, trend: Trend) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame(columns=["bucket", "series", "value"])
    if trend.per_device:
        values = rows["mean"]
        series = rows["device_id"]
    else:
        values = {"mean": rows["mean"], "max": rows["max"], "min": rows["min"],
                  "total": rows["mean"] * rows["devices"]}[trend.stat]
        series = ""
    return pd.DataFrame({"bucket": rows["bucket"], "series": series,
                         "value": values * trend.scale})


def range_bounds(key: str, start: str | None, end: str | None, tz: tzinfo = UTC,
                 now: datetime | None = None) -> tuple[datetime, datetime]:
    """The reader's range: a fixed one ending now, or `custom` between two dates (whole
    days of the city's calendar). Raises ValueError whose text is the catalogue key of
    what is wrong."""
    from components.time_range import RANGES

    now = now or datetime.now(UTC)
    if key != "custom":
        return now - RANGES.get(key, RANGES["24h"]), now
    if not start or not end:
        raise ValueError("range_need_dates")
    since = datetime.fromisoformat(start[:10]).replace(tzinfo=tz)
    until = datetime.fromisoformat(end[:10]).replace(tzinfo=tz) + timedelta(days=1)
    if until <= since:
        raise ValueError("range_end_before_start")
    if until - since > timedelta(days=366):
        raise ValueError("range_too_long")
    return since, min(until, now)
