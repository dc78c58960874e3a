"""Visitors in the closed municipal spaces: occupancy against each space's capacity.

Only counters reporting now count: a silent counter's last figure says nothing about who is
inside now. The bands follow kpis.yaml: warning from 90 % (time to hold people at the door),
alarm at 100 % (the over_capacity rule).

Table "spaces": id, name_el, name_en, unit, occupancy (people now; missing if silent),
capacity (attrs.capacity; missing if unknown), pct, band ("ok"/"warning"/"alarm"/missing),
reporting. Missing numbers are NaN.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from data_access.domain_kpis.base import (
    NOW,
    DomainSummary,
    Kpi,
    attr,
    latest,
    name_columns,
    newest_seen,
    of_kind,
    reporting,
    rounded,
)
from data_access.domain_kpis.settings import Buildings, KpiSettings

METRICS: tuple[str, ...] = ()  # everything comes from the counters' newest values
WINDOW = timedelta(0)
BUCKET_S = 3600
SPACE_COLUMNS = ["id", "name_el", "name_en", "unit", "occupancy", "capacity", "pct", "band",
                 "reporting"]


def capacity_band(pct: float, cfg: Buildings) -> str | None:
    if pd.isna(pct):
        return None
    return "alarm" if pct >= cfg.alarm_pct else ("warning" if pct >= cfg.warning_pct else "ok")


def space_table(counters: pd.DataFrame, cfg: Buildings) -> pd.DataFrame:
    live = reporting(counters)
    table = name_columns(counters)
    table["unit"] = counters["unit"].to_numpy() if "unit" in counters else None
    occupancy = latest(counters, "occupancy").where(live).to_numpy()
    capacity = attr(counters, "capacity").where(lambda c: c > 0).to_numpy()
    table["occupancy"] = occupancy
    table["capacity"] = capacity
    with np.errstate(invalid="ignore", divide="ignore"):
        table["pct"] = np.round(100.0 * occupancy / capacity, 1)
    table["band"] = table["pct"].map(lambda p: capacity_band(p, cfg))
    table["reporting"] = live.to_numpy()
    return table.reindex(columns=SPACE_COLUMNS)


def summary(devices: pd.DataFrame, history: pd.DataFrame, now: datetime,
            cfg: KpiSettings) -> DomainSummary:
    counters = of_kind(devices, "people_counter")
    table = space_table(counters, cfg.buildings)
    at = newest_seen(counters[reporting(counters)])
    known = table[table["occupancy"].notna()]
    judged = known[known["capacity"].notna()]
    visitors = float(known["occupancy"].sum()) if not known.empty else None
    full = float((judged["pct"] >= cfg.buildings.alarm_pct).sum()) if not judged.empty else None
    share = (100.0 * judged["occupancy"].sum() / judged["capacity"].sum()
             if not judged.empty else None)
    kpis = [
        Kpi("visitors_now", {"el": "Επισκέπτες τώρα", "en": "Visitors now"}, visitors, "", at,
            NOW, note={"el": f"σε {len(known)} από {len(table)} χώρους",
                       "en": f"in {len(known)} of {len(table)} spaces"}),
        Kpi("occupancy_pct", {"el": "Πληρότητα χώρων", "en": "Space occupancy"},
            rounded(share), "%", at, NOW, None if share is None else capacity_band(
                share, cfg.buildings),
            {"el": "επισκέπτες / χωρητικότητα", "en": "visitors / capacity"}),
        Kpi("spaces_at_capacity", {"el": "Χώροι στο όριο χωρητικότητας",
                                   "en": "Spaces at capacity"}, full, "", at, NOW,
            None if full is None else ("alarm" if full else "ok"),
            {"el": f"πληρότητα ≥ {cfg.buildings.alarm_pct:g} %",
             "en": f"occupancy ≥ {cfg.buildings.alarm_pct:g} %"}),
    ]
    return DomainSummary(kpis=kpis, tables={"spaces": table})
