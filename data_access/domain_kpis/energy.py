"""Energy and street lighting: luminaires on / dimmed / off / faulty now, lighting energy
today against the no-dimming baseline, building meters and fuel tanks.

Savings compare like with like: for each 15-min bucket in which a lamp reported both its
power and its state, actual = mean power x hours, baseline = rated power x share of the
bucket it was on x hours. Buckets with a fault are left out of both: a dead lamp draws
nothing, and counting that as a saving would reward breakdowns.

Table "meters" (building energy meters): id, name_el, name_en, unit, power_kw (now; missing
if the meter is silent), energy_today_kwh (counter increases since local midnight), reporting.
Table "tanks": id, name_el, name_en, unit, fuel_level (%), low (bool), reporting.
Missing numbers are NaN.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from data_access.domain_kpis.base import (
    NOW,
    TODAY,
    DomainSummary,
    Kpi,
    amounts,
    attr,
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
from data_access.domain_kpis.settings import Energy, KpiSettings

METRICS: tuple[str, ...] = ("power_w", "power_state", "fault", "energy_kwh")
WINDOW = timedelta(hours=25)  # "today" since local midnight; 25 h covers the autumn DST day
BUCKET_S = 900
METER_COLUMNS = ["id", "name_el", "name_en", "unit", "power_kw", "energy_today_kwh",
                 "reporting"]
TANK_COLUMNS = ["id", "name_el", "name_en", "unit", "fuel_level", "low", "reporting"]
LAMP_STATES = ("on", "dimmed", "off", "faulty")


def lamp_states(lamps: pd.DataFrame, cfg: Energy) -> pd.Series:
    """on / dimmed / off / faulty per reporting luminaire, from its newest values. A fault
    outranks the rest: a faulty lamp is counted once, as faulty."""
    live = lamps[reporting(lamps)]
    fault = latest(live, "fault").fillna(0) >= 1
    on = latest(live, "power_state").fillna(0) >= 1
    dimmed = on & (latest(live, "illuminance_level") < cfg.full_level_pct)
    state = pd.Series("off", index=live.index, dtype=object)
    state[on] = "on"
    state[dimmed] = "dimmed"
    state[fault] = "faulty"
    return state


def lighting_energy(lamps: pd.DataFrame, history: pd.DataFrame, now: datetime,
                    cfg: KpiSettings) -> tuple[float | None, float | None]:
    """(kWh used by the luminaires since local midnight, savings % against no dimming)."""
    since = local_midnight(now, cfg.timezone)
    power = metric_rows(history, "power_w", since)
    if power.empty:
        return None, None
    used_kwh = float(amounts(power, now, BUCKET_S).sum()) / 1000.0
    key = ["device_id", "bucket"]
    state = metric_rows(history, "power_state", since)[[*key, "mean"]]
    fault = metric_rows(history, "fault", since)[[*key, "max"]]
    paired = power.merge(state, on=key, suffixes=("", "_state")).merge(fault, on=key, how="left",
                                                                       suffixes=("", "_fault"))
    paired = paired[paired["max_fault"].fillna(0) < 1]
    rated = dict(zip(lamps["id"], attr(lamps, "rated_w", cfg.energy.default_rated_w),
                     strict=True)) if not lamps.empty else {}
    hours = amounts(paired.assign(mean=1.0), now, BUCKET_S)
    actual = (paired["mean"].astype(float) * hours).sum()
    rated_w = paired["device_id"].map(rated).fillna(cfg.energy.default_rated_w)
    baseline = (rated_w * paired["mean_state"].astype(float) * hours).sum()
    savings = 100.0 * (1.0 - actual / baseline) if baseline > 0 else None
    return used_kwh, savings


def meter_table(meters: pd.DataFrame, history: pd.DataFrame, now: datetime,
                cfg: KpiSettings) -> pd.DataFrame:
    live = reporting(meters)
    used = counter_increase(history, "energy_kwh", local_midnight(now, cfg.timezone))
    table = name_columns(meters)
    table["unit"] = meters["unit"].to_numpy() if "unit" in meters else None
    table["power_kw"] = latest(meters, "power_kw").where(live).round(2).to_numpy()
    table["energy_today_kwh"] = table["id"].map(used).round(1)
    table["reporting"] = live.to_numpy()
    return table.reindex(columns=METER_COLUMNS)


def tank_table(tanks: pd.DataFrame, cfg: Energy) -> pd.DataFrame:
    table = name_columns(tanks)
    table["unit"] = tanks["unit"].to_numpy() if "unit" in tanks else None
    level = latest(tanks, "fuel_level").round(1).to_numpy()
    table["fuel_level"] = level
    table["low"] = pd.Series(level < cfg.fuel_low_pct, dtype=bool).to_numpy()
    table["reporting"] = reporting(tanks).to_numpy()
    return table.reindex(columns=TANK_COLUMNS)


def _lamp_kpis(lamps: pd.DataFrame, history: pd.DataFrame, now: datetime,
               cfg: KpiSettings) -> list[Kpi]:
    states = lamp_states(lamps, cfg.energy)
    at = newest_seen(lamps[reporting(lamps)])
    labels = {"on": ("Φωτιστικά αναμμένα", "Lights on"),
              "dimmed": ("Φωτιστικά με μείωση", "Lights dimmed"),
              "off": ("Φωτιστικά σβηστά", "Lights off"),
              "faulty": ("Φωτιστικά με βλάβη", "Lights faulty")}
    note = {"el": f"{len(states)} από {len(lamps)} αναφέρουν",
            "en": f"{len(states)} of {len(lamps)} reporting"}
    kpis = []
    for s in LAMP_STATES:
        value = float((states == s).sum()) if not states.empty else None
        band = None if value is None or s != "faulty" else ("warning" if value else "ok")
        kpis.append(Kpi(f"lights_{s}", {"el": labels[s][0], "en": labels[s][1]}, value, "",
                        at, NOW, band, note))
    used, savings = lighting_energy(lamps, history, now, cfg)
    kpis += [
        Kpi("lighting_kwh_today", {"el": "Ενέργεια φωτισμού", "en": "Lighting energy"},
            rounded(used, 2), "kWh", now, TODAY),
        Kpi("lighting_savings_pct", {"el": "Εξοικονόμηση από μείωση", "en": "Dimming savings"},
            rounded(savings), "%", now, TODAY,
            note={"el": "έναντι λειτουργίας χωρίς μείωση φωτισμού",
                  "en": "against the same hours at full power"}),
    ]
    return kpis


def summary(devices: pd.DataFrame, history: pd.DataFrame, now: datetime,
            cfg: KpiSettings) -> DomainSummary:
    lamps = of_kind(devices, "luminaire")
    meters = meter_table(of_kind(devices, "energy_meter"), history, now, cfg)
    tanks = tank_table(of_kind(devices, "fuel_tank"), cfg.energy)
    live_tanks = tanks[tanks["fuel_level"].notna()]
    low = float(live_tanks["low"].astype(bool).sum()) if not live_tanks.empty else None
    kpis = [
        *_lamp_kpis(lamps, history, now, cfg),
        Kpi("buildings_power_kw", {"el": "Ισχύς κτιρίων", "en": "Building power"},
            total(meters["power_kw"], 1), "kW", newest_seen(of_kind(devices, "energy_meter")),
            NOW),
        Kpi("buildings_kwh_today", {"el": "Ενέργεια κτιρίων", "en": "Building energy"},
            total(meters["energy_today_kwh"], 1), "kWh", now, TODAY),
        Kpi("tanks_low", {"el": "Δεξαμενές με χαμηλό καύσιμο", "en": "Fuel tanks low"}, low, "",
            newest_seen(of_kind(devices, "fuel_tank")), NOW,
            None if low is None else ("warning" if low else "ok"),
            {"el": f"κάτω από {cfg.energy.fuel_low_pct:g} %",
             "en": f"below {cfg.energy.fuel_low_pct:g} %"}),
    ]
    return DomainSummary(kpis=kpis, tables={"meters": meters, "tanks": tanks})
