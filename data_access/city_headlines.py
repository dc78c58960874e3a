"""One headline per domain for officials: the figure now, and its change against the same time
last week.

- "Now" is the overview's live KPI (Store.kpi_figures(): each reporting device's latest
  value), so the city page and the control room never show two numbers for one thing.
- "Same time last week" is the same KPI for the hour centred on the same minute seven days
  earlier, from SQL hourly aggregates (data_access/aggregates.py): each device's mean over
  that hour stands in for its latest value, then the domain's aggregation is applied to those
  means as the live KPI applies it to latest values. An hour, not an instant, because history
  may hold one reading per device per hour (the demo backfill does); centred, so the figure
  describes that moment rather than the hour before it.

An official reads "62 % now, 57 % at the same time last week, +5 points": same hour of the
same weekday, so the daily and weekly rhythm of a city does not pass for a change.

The week-ago figure is memoized per domain and minute (flask-caching, shared by every web
process): however many tablets show the page, the database answers one small grouped query
per domain per minute. Where there is no history that far back, the figure is None and the
page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd

from data_access.aggregates import Selection, per_device
from data_access.cache import memoized
from data_access.city_config import CityConfig, Domain, Kpi, Text
from data_access.store import Store

WEEK = timedelta(days=7)
HALF_WINDOW = timedelta(minutes=30)
BUCKET_S = 3600
PAST_TTL_S = 3600  # the past does not change; the key moves on each minute anyway


# -- pure: the KPI over a window of aggregated readings -----------------------------------
def device_means(rows: pd.DataFrame) -> pd.Series:
    """device_id -> mean over the window, from per_device() rows: buckets weighted by how
    many readings each holds, so a window cut across two buckets gives the true mean."""
    if rows.empty:
        return pd.Series(dtype=float)
    weighted = (rows["mean"] * rows["n"]).groupby(rows["device_id"]).sum()
    return weighted / rows.groupby("device_id")["n"].sum()


def window_figure(rows: pd.DataFrame, kpi: Kpi, devices_in_scope: int) -> float | None:
    """The domain's KPI over a window, from per_device() rows of the KPI's metric (or, for
    `online`, of every metric of the devices in scope). Rounded as the live KPI is.

    share_on metrics are 0/1 (occupied, power_state), so a device's mean over the window is
    the share of it spent "on"; the figure is the mean of those shares, in %: the average
    share of spaces occupied during the hour. online: devices that reported at all in the
    window, as a % of the devices in scope. None: nothing reported in the window (no history),
    which is not the same as a figure of zero.
    """
    if rows.empty:
        return None
    if kpi.agg == "online":
        if devices_in_scope <= 0:
            return None
        return round(100.0 * rows["device_id"].nunique() / devices_in_scope, 1)
    means = device_means(rows)
    match kpi.agg:
        case "share_on":
            return round(100.0 * float(means.clip(0, 1).mean()), 1)
        case "count_above":
            return float((means >= kpi.above).sum())
        case "sum":
            return round(float(means.sum()), 1)
        case "mean":
            return round(float(means.mean()), 1)
        case "max":
            return round(float(means.max()), 2)
    raise ValueError(kpi.agg)


def change(now: float | None, before: float | None) -> float | None:
    """now - before, in the KPI's unit (percentage points for a %); None if either is unknown."""
    if now is None or before is None:
        return None
    return round(now - before, 2)


# -- which readings a domain's figure is made of -------------------------------------------
def scope_kinds(config: CityConfig, domain: Domain) -> list[str]:
    """Device kinds a domain's KPI covers: the KPI's own kinds, else every kind of the domain
    (of the whole city, for a city-scoped `online`)."""
    kpi = domain.kpi
    if kpi.kinds:
        return list(kpi.kinds)
    if kpi.agg == "online" and kpi.scope == "city":
        return list(config.kinds)
    return [k.id for k in config.kinds.values() if k.domain == domain.id]


def window_selection(config: CityConfig, domain: Domain, since: datetime,
                     until: datetime) -> Selection:
    kpi = domain.kpi
    kinds = scope_kinds(config, domain)
    if kpi.agg == "online":
        metrics = sorted({m for k in kinds for m in config.kinds[k].metrics})
    else:
        metrics = [kpi.metric] if kpi.metric else []
    city_wide = kpi.agg == "online" and kpi.scope == "city"
    return Selection(metrics=metrics, since=since, until=until,
                     domain=None if city_wide else domain.id,
                     kinds=None if city_wide else kinds)


# -- I/O at the edge: cached per domain and minute ------------------------------------------
@dataclass(frozen=True)
class Past:
    """A domain's figure around a past moment (an object, never None: flask-caching does not
    keep a None, and "no history" must be cached like any other answer)."""

    value: float | None
    reporting: int  # devices with readings in the window


@memoized(timeout=PAST_TTL_S)
def figure_around(store: Store, domain_id: str, at_iso: str) -> Past:
    """The KPI of `domain_id` for the hour centred on `at_iso` (UTC, to the minute: the
    cache key). Hashable arguments only; the Store is keyed by its repr (city + database)."""
    domain = store.config.domain_by_id[domain_id]
    at = datetime.fromisoformat(at_iso)
    sel = window_selection(store.config, domain, at - HALF_WINDOW, at + HALF_WINDOW)
    rows = per_device(store.engine, sel, BUCKET_S)
    devices = store.devices()
    in_scope = devices[devices["kind"].isin(sel.kinds)] if sel.kinds else devices
    return Past(window_figure(rows, domain.kpi, len(in_scope)), int(rows["device_id"].nunique()))


@dataclass(frozen=True)
class Headline:
    domain: str
    label: Text
    unit: str
    value: float | None  # now
    reporting: int
    devices: int
    at: datetime  # UTC minute the figures refer to
    week_ago: float | None
    week_ago_at: datetime

    @property
    def change(self) -> float | None:
        return change(self.value, self.week_ago)


def headlines(store: Store, now: datetime | None = None) -> list[Headline]:
    """Every domain's headline, in the config's order."""
    at = (now or datetime.now(UTC)).astimezone(UTC).replace(second=0, microsecond=0)
    before = at - WEEK
    figures = store.kpi_figures()
    live = {f.domain: f for f in figures}
    city = (sum(f.reporting for f in figures), sum(f.devices for f in figures))
    out = []
    for domain in store.config.domains:
        fig = live.get(domain.id)
        # A city-wide figure (devices online) is about every device, not the domain's own.
        reporting, devices = (city if domain.kpi.scope == "city"
                              else (fig.reporting, fig.devices) if fig else (0, 0))
        past = figure_around(store, domain.id, before.isoformat())
        out.append(Headline(
            domain=domain.id, label=domain.kpi.label, unit=domain.kpi.unit,
            value=fig.value if fig else None, reporting=reporting, devices=devices, at=at,
            week_ago=past.value, week_ago_at=before,
        ))
    return out
