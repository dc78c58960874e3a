"""Waste: fill per bin, bins over the collection level, time-to-full from the recent fill
rate, and a suggested collection route through the bins over the level.

A bin counts by its newest fill even when its sensor has fallen silent: a bin does not
empty itself because its sensor stopped, and leaving it off the route would let it overflow.
The table's `reporting` column says which figures are current.

Table "bins" (one row per bin sensor): id, name_el, name_en, lat, lon, fill (%, None if never
reported), over_level (bool), fill_rate_pct_h (missing without enough points since the last
emptying), hours_to_full (missing if not filling), reporting (bool). Missing numbers in
tables are NaN, pandas' None for float columns.
Table "route" (the depot first and last, each bin over the level once between): order, id
("depot" for the depot), name_el, name_en, lat, lon, leg_km (from the previous row), cum_km.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from data_access.domain_kpis.base import (
    NOW,
    DomainSummary,
    Kpi,
    last_hours,
    latest,
    metric_rows,
    of_kind,
    reporting,
    rounded,
    slope_per_h,
)
from data_access.domain_kpis.routing import haversine_km, plan_route
from data_access.domain_kpis.settings import KpiSettings, Waste

METRICS: tuple[str, ...] = ("fill_level",)
WINDOW = timedelta(hours=24)  # the longest fill-rate window kpis.yaml allows
BUCKET_S = 900
BIN_COLUMNS = ["id", "name_el", "name_en", "lat", "lon", "fill", "over_level",
               "fill_rate_pct_h", "hours_to_full", "reporting"]
ROUTE_COLUMNS = ["order", "id", "name_el", "name_en", "lat", "lon", "leg_km", "cum_km"]
DEPOT_ID = "depot"


def since_last_emptying(rows: pd.DataFrame, drop_pct: float) -> pd.DataFrame:
    """The buckets after the newest fall of more than `drop_pct` points (an emptying), from
    the first bucket of the new fill on; all of them when the bin was not emptied."""
    means = rows["mean"].astype(float).reset_index(drop=True)
    drops = [i for i in range(1, len(means)) if means[i - 1] - means[i] > drop_pct]
    return rows.iloc[drops[-1]:] if drops else rows


def fill_rate(rows: pd.DataFrame, now: datetime, cfg: Waste) -> float | None:
    """%/h: least-squares slope of one bin's bucket means over the last hours, after the
    last emptying. A straight fit over several points, not newest minus oldest, so one odd
    reading (a bag pressed down, a lid sensor echo) barely moves it."""
    recent = rows[rows["bucket"] >= pd.Timestamp(now - timedelta(hours=cfg.fill_rate_window_h))]
    segment = since_last_emptying(recent.sort_values("bucket"), cfg.emptying_drop_pct)
    if len(segment) < cfg.min_points:
        return None
    return slope_per_h(segment["bucket"], segment["mean"])


def hours_to_full(fill: float | None, rate: float | None) -> float | None:
    """Hours until 100 % at the current rate; None when the bin is not filling."""
    if fill is None or pd.isna(fill) or rate is None or rate <= 0:
        return None
    return max(0.0, (100.0 - fill) / rate)


def bin_table(bins: pd.DataFrame, history: pd.DataFrame, now: datetime,
              cfg: Waste) -> pd.DataFrame:
    rows = metric_rows(history, "fill_level")
    by_device = dict(tuple(rows.groupby("device_id"))) if not rows.empty else {}
    fills = latest(bins, "fill_level")
    live = reporting(bins)
    out = []
    for idx, b in bins.iterrows():
        fill = rounded(fills[idx])
        own = by_device.get(b["id"])
        rate = fill_rate(own, now, cfg) if own is not None else None
        out.append([b["id"], b.get("name_el"), b.get("name_en"), b.get("lat"), b.get("lon"), fill,
                    fill is not None and fill >= cfg.collect_level_pct, rounded(rate, 2),
                    rounded(hours_to_full(fill, rate)), bool(live[idx])])
    return pd.DataFrame(out, columns=BIN_COLUMNS)


def route_table(over: pd.DataFrame, cfg: Waste) -> pd.DataFrame:
    """The depot, every bin over the level once in the suggested order, the depot again."""
    depot = cfg.depot
    if over.empty:
        return pd.DataFrame(columns=ROUTE_COLUMNS)
    stops = list(zip(over["lat"].astype(float), over["lon"].astype(float), strict=True))
    order = plan_route((depot.lat, depot.lon), stops)
    depot_row = [DEPOT_ID, depot.name.get("el", ""), depot.name.get("en", ""), depot.lat,
                 depot.lon]
    visits = [depot_row, *(over.iloc[i][["id", "name_el", "name_en", "lat", "lon"]].tolist()
                           for i in order), depot_row]
    rows, cum, prev = [], 0.0, None
    for n, (vid, el, en, lat, lon) in enumerate(visits):
        leg = haversine_km(prev, (lat, lon)) if prev else 0.0
        cum += leg
        rows.append([n, vid, el, en, lat, lon, round(leg, 3), round(cum, 3)])
        prev = (lat, lon)
    return pd.DataFrame(rows, columns=ROUTE_COLUMNS)


def _kpis(table: pd.DataFrame, route: pd.DataFrame, now: datetime, cfg: Waste) -> list[Kpi]:
    known = table[table["fill"].notna()]
    over = known[known["over_level"].astype(bool)]
    silent = int((~over["reporting"].astype(bool)).sum())
    count = float(len(over)) if not known.empty else None
    over_note = {"el": f"όριο αποκομιδής {cfg.collect_level_pct:g} %",
                 "en": f"collection level {cfg.collect_level_pct:g} %"}
    if silent:
        over_note = {"el": f"{over_note['el']}· {silent} χωρίς πρόσφατη μέτρηση",
                     "en": f"{over_note['en']}; {silent} not reporting"}
    filling = table[table["hours_to_full"].notna()]
    soonest = None if filling.empty else filling.loc[filling["hours_to_full"].idxmin()]
    km = None if known.empty else (float(route["cum_km"].iloc[-1]) if not route.empty else 0.0)
    return [
        Kpi("bins_over_level", {"el": "Κάδοι για αποκομιδή", "en": "Bins to collect"}, count,
            "", now, NOW, None if count is None else ("warning" if count else "ok"), over_note),
        Kpi("soonest_full_h", {"el": "Πρώτος γεμάτος κάδος σε", "en": "First bin full in"},
            None if soonest is None else float(soonest["hours_to_full"]), "h", now,
            last_hours(cfg.fill_rate_window_h),
            None if soonest is None else (
                "warning" if soonest["hours_to_full"] < cfg.soon_full_h else "ok"),
            None if soonest is None else {"el": str(soonest["name_el"]),
                                          "en": str(soonest["name_en"])}),
        Kpi("route_km", {"el": "Διαδρομή αποκομιδής", "en": "Collection route"},
            None if km is None else round(km, 1), "km", now, NOW,
            note={"el": f"{len(over)} κάδοι, αφετηρία και τέρμα το αμαξοστάσιο",
                  "en": f"{len(over)} bins, from and back to the depot"}),
    ]


def summary(devices: pd.DataFrame, history: pd.DataFrame, now: datetime,
            cfg: KpiSettings) -> DomainSummary:
    bins = of_kind(devices, "bin_sensor")
    table = bin_table(bins, history, now, cfg.waste)
    route = route_table(table[table["over_level"].astype(bool)], cfg.waste)
    return DomainSummary(kpis=_kpis(table, route, now, cfg.waste),
                         tables={"bins": table, "route": route})
