"""Where the public page and the open-data routes get their data: computed once per period
for every citizen (flask-caching on Redis, one claimant computing while the others keep the
newest value), so a crowd of phones costs the database what one does.

    public_status(store)      parking, air and flood documents (data_access/public_status.py)
    status_or_nothing(store)  the same, or {} when Redis or SQL is down (the page still opens)
    public_devices(store)     devices of public kinds and their allow-listed latest values
    public_aggregates(...)    hourly aggregates of allow-listed metrics
    terms(store)              the licence (config/open_data.yaml)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import orjson
import pandas as pd

from data_access import aggregates, streams
from data_access.cache import memoized, refreshed
from data_access.domain_data import domain_summary, period_end
from data_access.domain_kpis import air, flood, traffic
from data_access.domain_kpis.base import DomainSummary
from data_access.open_data import (
    METRIC_NAMES,
    PUBLIC_KINDS,
    PUBLIC_METRICS,
    Terms,
    aggregate_table,
    device_table,
    iso_local,
    load_terms,
)
from data_access.public_status import air_doc, flood_doc, parking_doc
from data_access.store import Store

PERIOD_S = 60  # a citizen's figures move on once a minute
AGGREGATES_TTL_S = 3600  # keyed by their hour range: a new hour is a new key
log = logging.getLogger(__name__)


def _tz(store: Store) -> ZoneInfo:
    return ZoneInfo(store.config.city.timezone)


# (section, the domain id the KPI module serves, the module, the document builder)
Builder = Callable[[DomainSummary, Store], dict]
SECTIONS: tuple[tuple[str, str, ModuleType, Builder], ...] = (
    ("parking", "traffic", traffic, lambda s, store: parking_doc(s, _tz(store))),
    ("air", "air", air, lambda s, store: air_doc(s, _tz(store))),
    ("flood", "flood", flood, lambda s, store: flood_doc(s, store.config, _tz(store))),
)


def compute_status(store: Store) -> dict:
    """Every section; one that fails (or a city without that domain) is None, and the
    others still show."""
    out: dict = {"generated_at": iso_local(time.time(), _tz(store))}
    for key, domain, module, build in SECTIONS:
        out[key] = None
        if domain not in store.config.domain_by_id:
            continue
        try:
            out[key] = build(domain_summary(store, domain, module), store)
        except Exception:  # the page says "not available right now" for this part only
            log.exception("public %s figures failed", key)
    return out


def public_status(store: Store, now: float | None = None) -> dict:
    return refreshed(f"public-status:{store!r}", period_end(PERIOD_S, now), PERIOD_S,
                     lambda: compute_status(store))


def status_or_nothing(store: Store) -> dict:
    """The figures, or none when Redis or SQL is down: the page still opens, each part
    saying its figures are not available right now."""
    try:
        return public_status(store)
    except Exception:
        log.exception("public figures unavailable")
        return {}


def compute_devices(store: Store) -> pd.DataFrame:
    """Reads the latest state of the public kinds' devices only (not the whole city)."""
    devices = store.devices()
    public = devices[devices["kind"].isin(PUBLIC_KINDS)]
    ids = public["id"].tolist()
    latest = store.redis.hmget(streams.LATEST, ids) if ids else []
    seen = store.redis.hmget(streams.LAST_SEEN, ids) if ids else []
    return device_table(
        public, {d: orjson.loads(v) for d, v in zip(ids, latest, strict=True) if v},
        {d: float(v) for d, v in zip(ids, seen, strict=True) if v}, store.config)


def public_devices(store: Store, now: float | None = None) -> pd.DataFrame:
    return refreshed(f"public-devices:{store!r}", period_end(PERIOD_S, now), PERIOD_S,
                     lambda: compute_devices(store))


@memoized(timeout=AGGREGATES_TTL_S)
def _aggregates(store: Store, since: int, until: int, metric: str | None) -> pd.DataFrame:
    metrics = (metric,) if metric else METRIC_NAMES
    kinds = tuple(dict.fromkeys(k for k, m in PUBLIC_METRICS if m in metrics))
    sel = aggregates.Selection(metrics=metrics, since=datetime.fromtimestamp(since, UTC),
                               until=datetime.fromtimestamp(until, UTC), kinds=kinds)
    history = aggregates.per_device(store.engine, sel, 3600)
    return aggregate_table(history, store.devices(), store.config)


def public_aggregates(store: Store, since: datetime, until: datetime,
                      metric: str | None) -> pd.DataFrame:
    """Hourly aggregates in [since, until) (whole hours), one metric or every allowed one."""
    return _aggregates(store, int(since.timestamp()), int(until.timestamp()), metric)


def terms(store: Store) -> Terms:
    """config/open_data.yaml, read again only when the city edits it."""
    path = store.settings.config_dir / "open_data.yaml"
    return _terms(store.settings.config_dir, path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=4)
def _terms(config_dir: Path, _mtime: int) -> Terms:
    return load_terms(config_dir)
