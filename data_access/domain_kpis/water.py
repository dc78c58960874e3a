"""Water in municipal buildings and parks: consumption today, the night minimum flow as a
leak cue, and pressure now.

Between 02:00 and 04:00 almost nobody draws water, so the lowest flow of that stretch is
mostly what escapes: a night minimum above the threshold marks a suspected leak (minimum
night flow analysis). The last complete night is used, so the cue does not change while the
night is still under way.

Table "meters": id, name_el, name_en, unit, consumption_m3 (today, counter increases),
night_min_flow_m3h (lowest 15-min mean flow of the last night window), pressure_bar (now;
missing if silent), pressure_band ("ok"/"warning"/missing), leak_suspect (bool), reporting.
Missing numbers are NaN.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from data_access.domain_kpis.base import (
    NOW,
    TODAY,
    DomainSummary,
    Kpi,
    counter_increase,
    latest,
    local_midnight,
    metric_rows,
    name_columns,
    newest_seen,
    of_kind,
    reporting,
    rounded,
    total,
)
from data_access.domain_kpis.settings import Band, KpiSettings, Water

METRICS: tuple[str, ...] = ("flow_m3h", "volume_m3")
WINDOW = timedelta(hours=30)  # today, and the last 02-04 night even seen from 03:59
BUCKET_S = 900
METER_COLUMNS = ["id", "name_el", "name_en", "unit", "consumption_m3", "night_min_flow_m3h",
                 "pressure_bar", "pressure_band", "leak_suspect", "reporting"]


def last_night(now: datetime, cfg: Water, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of the newest complete night window, on the city's clock."""
    tz = ZoneInfo(timezone)
    local = now.astimezone(tz)
    day = local.date()
    end = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(hours=cfg.night_to_h)
    if end > local:
        end -= timedelta(days=1)
    start = end - timedelta(hours=cfg.night_to_h - cfg.night_from_h)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def night_minimum(history: pd.DataFrame, start: datetime, end: datetime) -> pd.Series:
    """Per device, the lowest bucket-mean flow among buckets wholly inside [start, end)."""
    rows = metric_rows(history, "flow_m3h", start)
    rows = rows[rows["bucket"] + pd.Timedelta(seconds=BUCKET_S) <= pd.Timestamp(end)]
    if rows.empty:
        return pd.Series(dtype=float)
    return rows.groupby("device_id")["mean"].min().astype(float)


def pressure_band(value: float, band: Band) -> str | None:
    if pd.isna(value):
        return None
    return "ok" if band.low <= value <= band.high else "warning"


def meter_table(meters: pd.DataFrame, history: pd.DataFrame, now: datetime,
                cfg: KpiSettings) -> pd.DataFrame:
    live = reporting(meters)
    used = counter_increase(history, "volume_m3", local_midnight(now, cfg.timezone))
    night = night_minimum(history, *last_night(now, cfg.water, cfg.timezone))
    table = name_columns(meters)
    table["unit"] = meters["unit"].to_numpy() if "unit" in meters else None
    table["consumption_m3"] = table["id"].map(used).round(2)
    table["night_min_flow_m3h"] = table["id"].map(night).round(3)
    table["pressure_bar"] = latest(meters, "pressure_bar").where(live).round(2).to_numpy()
    table["pressure_band"] = table["pressure_bar"].map(
        lambda p: pressure_band(p, cfg.water.pressure_bar))
    table["leak_suspect"] = (table["night_min_flow_m3h"].astype(float)
                             > cfg.water.leak_night_flow_m3h).to_numpy(dtype=bool)
    table["reporting"] = live.to_numpy()
    return table.reindex(columns=METER_COLUMNS)


def _pressure_kpis(table: pd.DataFrame, at: datetime | None, band: Band) -> list[Kpi]:
    pressure = table["pressure_bar"].astype(float).dropna()
    low = None if pressure.empty else float(pressure.min())
    mean = None if pressure.empty else float(pressure.mean())
    note = {"el": f"ζώνη λειτουργίας {band.low:g}–{band.high:g} bar",
            "en": f"service band {band.low:g}–{band.high:g} bar"}
    return [
        Kpi("pressure_min_bar", {"el": "Ελάχιστη πίεση", "en": "Lowest pressure"},
            rounded(low, 2), "bar", at, NOW,
            None if low is None else ("warning" if low < band.low else "ok"), note),
        Kpi("pressure_mean_bar", {"el": "Μέση πίεση", "en": "Mean pressure"}, rounded(mean, 2),
            "bar", at, NOW, None if mean is None else pressure_band(mean, band), note),
    ]


def summary(devices: pd.DataFrame, history: pd.DataFrame, now: datetime,
            cfg: KpiSettings) -> DomainSummary:
    meters = of_kind(devices, "water_meter")
    table = meter_table(meters, history, now, cfg)
    judged = table[table["night_min_flow_m3h"].notna()]
    suspects = judged[judged["leak_suspect"].astype(bool)]
    leaks = float(len(suspects)) if not judged.empty else None
    _, end = last_night(now, cfg.water, cfg.timezone)
    night_text = f"{cfg.water.night_from_h:02d}:00–{cfg.water.night_to_h:02d}:00"
    limit = f"{cfg.water.leak_night_flow_m3h:g} m³/h"
    names = {lang: ", ".join(suspects[f"name_{lang}"].astype(str)) for lang in ("el", "en")}
    leak_note = {"el": f"ελάχιστη νυχτερινή ροή πάνω από {limit}",
                 "en": f"night minimum flow above {limit}"}
    if len(suspects):
        leak_note = {lang: f"{leak_note[lang]}: {names[lang]}" for lang in ("el", "en")}
    kpis = [
        Kpi("consumption_today_m3", {"el": "Κατανάλωση νερού", "en": "Water used"},
            total(table["consumption_m3"], 2), "m³", now, TODAY),
        Kpi("leak_suspects", {"el": "Πιθανές διαρροές", "en": "Suspected leaks"}, leaks, "", end,
            {"el": f"νύχτα {night_text}", "en": f"night {night_text}"},
            None if leaks is None else ("warning" if leaks else "ok"), leak_note),
        *_pressure_kpis(table, newest_seen(meters[reporting(meters)]), cfg.water.pressure_bar),
    ]
    return DomainSummary(kpis=kpis, tables={"meters": table})
