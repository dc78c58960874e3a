"""Traffic and parking: occupancy per zone, free spaces, illegal parking, school-crossing
activations by day and night, EV charging.

Table "zones" (one row per parking zone, config order, then sensors without a zone):
    zone (key), name_el, name_en, spaces (sensors installed), occupied, free (of those
    reporting), occupancy_pct (occupied / (occupied + free), None if none reports), band.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from data_access.daylight import is_dark_at
from data_access.domain_kpis.base import (
    NOW,
    TODAY,
    DomainSummary,
    Kpi,
    attr,
    counter_increase,
    latest,
    local_midnight,
    metric_rows,
    newest_seen,
    of_kind,
    reported_sum,
    reporting,
    rounded,
    total,
)
from data_access.domain_kpis.settings import Band, KpiSettings, Traffic, Zone

METRICS: tuple[str, ...] = ("activations", "energy_kwh")
WINDOW = timedelta(hours=25)  # "today" since local midnight; 25 h covers the autumn DST day
BUCKET_S = 900  # fine enough to split crossing activations at sunrise and sunset
ZONE_COLUMNS = ["zone", "name_el", "name_en", "spaces", "occupied", "free", "occupancy_pct",
                "band"]


def occupancy_band(pct: float | None, healthy: Band) -> str | None:
    """Above the healthy band drivers cruise for a space: a warning. Under-used is not a
    fault, so anything up to the band's top is ok."""
    if pct is None:
        return None
    return "warning" if pct > healthy.high else "ok"


def occupancy_note(pct: float | None, healthy: Band) -> dict[str, str]:
    el = f"υγιής ζώνη {healthy.low:g}–{healthy.high:g} %"
    en = f"healthy band {healthy.low:g}–{healthy.high:g} %"
    if pct is not None and pct < healthy.low:
        el, en = f"υποαπασχόληση ({el})", f"under-used ({en})"
    elif pct is not None and pct > healthy.high:
        el, en = f"οι οδηγοί κάνουν κύκλους ({el})", f"drivers cruise for a space ({en})"
    return {"el": el, "en": en}


def _zone_of(zone_ids: pd.Series, cfg: Traffic) -> pd.Series:
    by_id = {z.id: z for z in cfg.zones}
    return zone_ids.map(lambda z: by_id.get(int(z), cfg.no_zone) if pd.notna(z) else cfg.no_zone)


def zone_table(spaces: pd.DataFrame, cfg: Traffic) -> pd.DataFrame:
    """Occupancy per zone, counting only sensors that report now."""
    occupied = latest(spaces, "occupied")
    live = reporting(spaces) & occupied.notna()
    zones = _zone_of(attr(spaces, "zone"), cfg) if not spaces.empty else pd.Series(dtype=object)
    order: list[Zone] = [*cfg.zones, cfg.no_zone]
    rows = []
    for zone in order:
        here = zones.map(lambda z, key=zone.key: z.key == key).astype(bool)
        if zone is cfg.no_zone and not here.any():
            continue
        n_occ = int((here & live & (occupied >= 1)).sum())
        n_free = int((here & live & (occupied < 1)).sum())
        pct = rounded(100.0 * n_occ / (n_occ + n_free)) if n_occ + n_free else None
        rows.append([zone.key, zone.name.get("el", ""), zone.name.get("en", ""), int(here.sum()),
                     n_occ, n_free, pct, occupancy_band(pct, cfg.healthy_occupancy)])
    return pd.DataFrame(rows, columns=ZONE_COLUMNS)


def _parking_kpis(devices: pd.DataFrame, cfg: Traffic) -> tuple[list[Kpi], pd.DataFrame]:
    spaces = of_kind(devices, "parking_space")
    zones = zone_table(spaces, cfg)
    occupied, free = int(zones["occupied"].sum()), int(zones["free"].sum())
    pct = rounded(100.0 * occupied / (occupied + free)) if occupied + free else None
    at = newest_seen(spaces[reporting(spaces)])
    deterrents = of_kind(devices, "parking_deterrent")
    flags = latest(deterrents, "illegal_parking")[reporting(deterrents)].dropna()
    illegal = float((flags >= 1).sum()) if not flags.empty else None
    kpis = [
        Kpi("occupancy", {"el": "Πληρότητα στάθμευσης", "en": "Parking occupancy"}, pct, "%",
            at, NOW, occupancy_band(pct, cfg.healthy_occupancy),
            occupancy_note(pct, cfg.healthy_occupancy)),
        Kpi("free_spaces", {"el": "Ελεύθερες θέσεις", "en": "Free spaces"},
            float(free) if occupied + free else None, "", at, NOW),
        Kpi("illegal_parking", {"el": "Παράνομη στάθμευση", "en": "Illegal parking"}, illegal,
            "", newest_seen(deterrents[reporting(deterrents)]), NOW,
            None if illegal is None else ("warning" if illegal > 0 else "ok")),
    ]
    return kpis, zones


def crossing_activations(history: pd.DataFrame, now: datetime, timezone: str) -> tuple[
        float | None, float | None]:
    """(day, night) activations since local midnight; a bucket is day or night by the sun at
    its middle. `activations` is a per-report count, so a bucket adds the sum of its reports."""
    rows = metric_rows(history, "activations", since=local_midnight(now, timezone))
    if rows.empty:
        return None, None
    middle = rows["bucket"] + pd.Timedelta(seconds=BUCKET_S / 2)
    # Judge each distinct bucket once: a large city has thousands of crossings per bucket.
    by_time = {t: is_dark_at(t.to_pydatetime(), timezone) for t in middle.unique()}
    dark = middle.map(by_time).astype(bool)
    sums = reported_sum(rows)
    return float(sums[~dark].sum()), float(sums[dark].sum())


def _crossing_and_ev(devices: pd.DataFrame, history: pd.DataFrame, now: datetime,
                     cfg: KpiSettings) -> list[Kpi]:
    day, night = crossing_activations(history, now, cfg.timezone)
    chargers = of_kind(devices, "ev_charger")
    live = reporting(chargers)
    in_use = latest(chargers, "in_use")[live].dropna()
    energy = counter_increase(history, "energy_kwh", local_midnight(now, cfg.timezone))
    # Other kinds count kWh too (building meters): only the chargers' counters are charging.
    energy = energy[energy.index.isin(chargers.get("id", []))]
    crossing = {"el": "Ενεργοποιήσεις σχολικών διαβάσεων", "en": "School-crossing activations"}
    return [
        Kpi("crossings_day", {"el": f"{crossing['el']} (ημέρα)", "en": f"{crossing['en']} (day)"},
            day, "", now, TODAY),
        Kpi("crossings_night", {"el": f"{crossing['el']} (νύχτα)",
                                "en": f"{crossing['en']} (night)"}, night, "", now, TODAY,
            note={"el": "νύχτα: από τη δύση ως την ανατολή", "en": "night: sunset to sunrise"}),
        Kpi("ev_in_use", {"el": "Φορτιστές σε χρήση", "en": "EV chargers in use"},
            float((in_use >= 1).sum()) if not in_use.empty else None, "",
            newest_seen(chargers[live]), NOW,
            note={"el": f"από {len(chargers)} φορτιστές", "en": f"of {len(chargers)} chargers"}),
        Kpi("ev_energy_today", {"el": "Ενέργεια φόρτισης", "en": "EV energy delivered"},
            total(energy), "kWh", now, TODAY),
    ]


def summary(devices: pd.DataFrame, history: pd.DataFrame, now: datetime,
            cfg: KpiSettings) -> DomainSummary:
    parking, zones = _parking_kpis(devices, cfg.traffic)
    return DomainSummary(kpis=[*parking, *_crossing_and_ev(devices, history, now, cfg)],
                         tables={"zones": zones})
