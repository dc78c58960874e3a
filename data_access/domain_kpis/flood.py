"""Flood and weather: river stages against each station's own levels, rate of rise, rain
amounts, wind, lightning, and one warning level (0 green .. 3 red) for the city and for each
municipal unit, with the reasons that set it.

The level is the worst of its drivers: a hydro station at alert / warning / danger gives
1 / 2 / 3; rising faster than the configured rate gives at least 1; rain in 1 h and in 6 h
on the DWD heavy / severe / extreme ladders; the nearest lightning strike of the last 30 min
within the 30 / 20 / 10 km rings. Only the drivers at the resulting level are named: they
are what the operator must act on. A station that fell silent keeps its last stage: a river
at danger level does not become safe because its gauge stopped talking.

Table "stations" (hydro stations): id, name_el, name_en, unit, level (m), alert_level,
warning_level, danger_level, stage ("normal"/"alert"/"warning"/"danger", missing without a
level), rise_m_per_h (slope of the last 30 min of 5-min means), reporting.
Table "meteo" (weather stations): id, name_el, name_en, unit, rain_1h_mm, rain_3h_mm,
rain_6h_mm, rain_24h_mm, wind_speed (m/s now), lightning_count (last 30 min),
lightning_nearest_km, reporting.
Table "warning" (one row, the city) and "units" (one row per municipal unit, plus column
unit): level (0-3), key (green...), name_el, name_en, colour (hex), drivers_el, drivers_en.
Units without a weather station take the city-wide rain and lightning. Missing numbers are NaN.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pandas as pd

from data_access.domain_kpis.base import (
    NOW,
    DomainSummary,
    Kpi,
    Text,
    amounts,
    attr,
    join_texts,
    last_hours,
    last_minutes,
    latest,
    metric_rows,
    name_columns,
    newest_seen,
    of_kind,
    reported_sum,
    reporting,
    rounded,
    slope_per_h,
)
from data_access.domain_kpis.settings import Flood, KpiSettings, Ladder

METRICS: tuple[str, ...] = ("water_level", "precipitation", "lightning_count",
                            "lightning_distance")
WINDOW = timedelta(hours=24)  # the 24 h rain amount; also covers the 6 h DWD ladder
BUCKET_S = 300  # stations report every 5 min: one report per bucket
RAIN_HOURS = (1, 3, 6, 24)
STAGES = ("normal", "alert", "warning", "danger")
STAGE_EL = {"alert": "επιφυλακής", "warning": "προειδοποίησης", "danger": "κινδύνου"}
STATION_COLUMNS = ["id", "name_el", "name_en", "unit", "level", "alert_level", "warning_level",
                   "danger_level", "stage", "rise_m_per_h", "reporting"]
METEO_COLUMNS = ["id", "name_el", "name_en", "unit", *(f"rain_{h}h_mm" for h in RAIN_HOURS),
                 "wind_speed", "lightning_count", "lightning_nearest_km", "reporting"]
LEVEL_COLUMNS = ["level", "key", "name_el", "name_en", "colour", "drivers_el", "drivers_en"]


@dataclass(frozen=True)
class Driver:
    level: int  # 1..3
    unit: str
    text: Text
    weather: bool  # rain or lightning (shared with units that have no weather station)


def stage(level: float, alert: float, warning: float, danger: float) -> str | None:
    """The highest of a station's own levels the water has reached."""
    if pd.isna(level):
        return None
    for name, limit in (("danger", danger), ("warning", warning), ("alert", alert)):
        if not pd.isna(limit) and level >= limit:
            return name
    return "normal"


def ladder_level(value: float | None, ladder: Ladder, nearer_is_worse: bool = False) -> int:
    """0..3 on a yellow / orange / red ladder (for distances: within the ring)."""
    if value is None or pd.isna(value):
        return 0
    limits = (ladder.red, ladder.orange, ladder.yellow)
    for level, limit in zip((3, 2, 1), limits, strict=True):
        if (value <= limit) if nearer_is_worse else (value >= limit):
            return level
    return 0


def rain_mm(history: pd.DataFrame, now: datetime, hours: float) -> pd.Series:
    """Rain per station over the last `hours`: precipitation is an intensity (mm/h), so each
    bucket adds its mean x the hours it covers."""
    rows = metric_rows(history, "precipitation", now - timedelta(hours=hours))
    if rows.empty:
        return pd.Series(dtype=float)
    return amounts(rows, now, BUCKET_S).groupby(rows["device_id"]).sum()


def lightning(history: pd.DataFrame, now: datetime, minutes: float) -> tuple[pd.Series,
                                                                              pd.Series]:
    """(strikes, nearest km) per station over the last `minutes`. A distance of 0 means no
    strike; a bucket mixing such reports with strikes keeps its max, the only distance in
    it known to be real."""
    since = now - timedelta(minutes=minutes)
    count = metric_rows(history, "lightning_count", since)
    strikes = reported_sum(count).groupby(count["device_id"]).sum()
    dist = metric_rows(history, "lightning_distance", since)
    real = dist["min"].where(dist["min"] > 0, dist["max"]).where(dist["max"] > 0)
    nearest = real.groupby(dist["device_id"]).min().dropna()
    return strikes.astype(float), nearest.astype(float)


def station_table(stations: pd.DataFrame, history: pd.DataFrame, now: datetime,
                  cfg: Flood) -> pd.DataFrame:
    table = name_columns(stations)
    table["unit"] = stations["unit"].to_numpy() if "unit" in stations else None
    table["level"] = latest(stations, "water_level").round(3).to_numpy()
    for name in ("alert_level", "warning_level", "danger_level"):
        table[name] = attr(stations, name).to_numpy()
    table["stage"] = [stage(r.level, r.alert_level, r.warning_level, r.danger_level)
                      for r in table.itertuples()]
    rows = metric_rows(history, "water_level", now - timedelta(minutes=cfg.rise_window_min))
    rise = {d: slope_per_h(g["bucket"], g["mean"]) for d, g in rows.groupby("device_id")}
    table["rise_m_per_h"] = table["id"].map(lambda d: rounded(rise.get(d), 3)).astype(float)
    table["reporting"] = reporting(stations).to_numpy()
    return table.reindex(columns=STATION_COLUMNS)


def meteo_table(meteo: pd.DataFrame, history: pd.DataFrame, now: datetime,
                cfg: Flood) -> pd.DataFrame:
    table = name_columns(meteo)
    table["unit"] = meteo["unit"].to_numpy() if "unit" in meteo else None
    for h in RAIN_HOURS:
        table[f"rain_{h}h_mm"] = table["id"].map(rain_mm(history, now, h)).round(1)
    live = reporting(meteo)
    table["wind_speed"] = latest(meteo, "wind_speed").where(live).round(1).to_numpy()
    strikes, nearest = lightning(history, now, cfg.lightning_window_min)
    table["lightning_count"] = table["id"].map(strikes)
    table["lightning_nearest_km"] = table["id"].map(nearest).round(1)
    table["reporting"] = live.to_numpy()
    return table.reindex(columns=METEO_COLUMNS)


def _station_drivers(stations: pd.DataFrame, cfg: Flood) -> list[Driver]:
    out = []
    for r in stations.itertuples():
        if r.stage in STAGES[1:]:
            out.append(Driver(STAGES.index(r.stage), r.unit, {
                "el": f"{r.name_el}: στάθμη σε επίπεδο {STAGE_EL[r.stage]}",
                "en": f"{r.name_en} at {r.stage} level"}, weather=False))
        if not pd.isna(r.rise_m_per_h) and r.rise_m_per_h >= cfg.rise_fast_m_per_h:
            out.append(Driver(1, r.unit, {
                "el": f"{r.name_el}: ταχεία άνοδος {r.rise_m_per_h:.2f} m/h",
                "en": f"{r.name_en} rising fast, {r.rise_m_per_h:.2f} m/h"}, weather=False))
    return out


def _weather_drivers(meteo: pd.DataFrame, cfg: Flood) -> list[Driver]:
    out = []
    for r in meteo.itertuples():
        for hours, ladder in ((1, cfg.rain_1h_mm), (6, cfg.rain_6h_mm)):
            mm = getattr(r, f"rain_{hours}h_mm")
            if level := ladder_level(mm, ladder):
                span = "1 ώρα" if hours == 1 else f"{hours} ώρες"
                out.append(Driver(level, r.unit, {
                    "el": f"{r.name_el}: βροχή {mm:g} mm σε {span}",
                    "en": f"{r.name_en}: {mm:g} mm of rain in {hours} h"}, weather=True))
        km = r.lightning_nearest_km
        if level := ladder_level(km, cfg.lightning_km, nearer_is_worse=True):
            out.append(Driver(level, r.unit, {
                "el": f"{r.name_el}: κεραυνός στα {km:g} km",
                "en": f"{r.name_en}: lightning {km:g} km away"}, weather=True))
    return out


def level_row(drivers: list[Driver], cfg: Flood) -> list:
    """level, key, names, colour and the drivers that set the level."""
    level = max((d.level for d in drivers), default=0)
    named = [d.text for d in drivers if d.level == level]
    text = join_texts(named) if named else {"el": "καμία ένδειξη κινδύνου",
                                            "en": "no warning driver"}
    look = cfg.levels[level]
    return [level, look.key, look.name.get("el", ""), look.name.get("en", ""), look.colour,
            text["el"], text["en"]]


def unit_table(units: list[str], drivers: list[Driver], weather_units: set[str],
               cfg: Flood) -> pd.DataFrame:
    """Each unit's own drivers; a unit without a weather station (not in `weather_units`)
    takes the rain and lightning of the whole city."""
    rows = []
    for unit in units:
        own = [d for d in drivers if d.unit == unit]
        if unit not in weather_units:
            own += [d for d in drivers if d.weather]
        rows.append([unit, *level_row(own, cfg)])
    return pd.DataFrame(rows, columns=["unit", *LEVEL_COLUMNS])


def _band(level: int) -> str:
    return ("ok", "warning", "alarm", "alarm")[level]


def _max_kpi(key: str, label: Text, table: pd.DataFrame, column: str, unit: str,
             at: datetime | None, window: Text, band: str | None = None,
             lowest: bool = False) -> Kpi:
    """A city figure from the station where `column` is highest (or lowest), named in the
    note."""
    values = table[column].astype(float)
    if values.dropna().empty:
        return Kpi(key, label, None, unit, at, window)
    idx = values.idxmin() if lowest else values.idxmax()
    note = {"el": str(table.loc[idx, "name_el"]), "en": str(table.loc[idx, "name_en"])}
    return Kpi(key, label, float(values[idx]), unit, at, window, band, note)


def _weather_kpis(meteo: pd.DataFrame, live_at: datetime | None, now: datetime,
                  cfg: Flood) -> list[Kpi]:
    rain = {"el": "Βροχή", "en": "Rain"}
    kpis = [_max_kpi(f"rain_{h}h_mm", {"el": f"{rain['el']} {h} {'ώρας' if h == 1 else 'ωρών'}",
                                       "en": f"{rain['en']} {h} h"}, meteo, f"rain_{h}h_mm",
                     "mm", now, last_hours(h)) for h in (1, 3, 24)]
    worst_1h = meteo["rain_1h_mm"].astype(float).max() if not meteo.empty else None
    if kpis[0].value is not None:
        kpis[0] = replace(kpis[0], band=_band(ladder_level(worst_1h, cfg.rain_1h_mm)))
    nearest = meteo["lightning_nearest_km"].astype(float).min() if not meteo.empty else None
    strikes = meteo["lightning_count"].astype(float).dropna()
    window = last_minutes(cfg.lightning_window_min)
    kpis += [
        _max_kpi("wind_speed", {"el": "Άνεμος", "en": "Wind"}, meteo, "wind_speed", "m/s",
                 live_at, NOW),
        Kpi("lightning_count", {"el": "Κεραυνοί", "en": "Lightning strikes"},
            float(strikes.sum()) if not strikes.empty else None, "", now, window),
        _max_kpi("lightning_nearest_km", {"el": "Πλησιέστερος κεραυνός",
                                          "en": "Nearest lightning"}, meteo,
                 "lightning_nearest_km", "km", now, window,
                 _band(ladder_level(nearest, cfg.lightning_km, nearer_is_worse=True)),
                 lowest=True),
    ]
    return kpis


def summary(devices: pd.DataFrame, history: pd.DataFrame, now: datetime,
            cfg: KpiSettings) -> DomainSummary:
    stations = station_table(of_kind(devices, "hydro_station"), history, now, cfg.flood)
    meteo = meteo_table(of_kind(devices, "meteo_station"), history, now, cfg.flood)
    drivers = [*_station_drivers(stations, cfg.flood), *_weather_drivers(meteo, cfg.flood)]
    city = level_row(drivers, cfg.flood)
    known = stations["level"].notna().any() or meteo.drop(
        columns=["id", "name_el", "name_en", "unit", "reporting"]).notna().any().any()
    units = list(dict.fromkeys([*cfg.units, *stations["unit"].dropna(),
                                *meteo["unit"].dropna()]))
    level_kpi = Kpi("warning_level", {"el": "Επίπεδο προειδοποίησης πλημμύρας",
                                      "en": "Flood warning level"},
                    float(city[0]) if known else None, "", now, NOW,
                    _band(city[0]) if known else None,
                    {"el": f"{city[2]}: {city[5]}", "en": f"{city[3]}: {city[6]}"}
                    if known else None)
    live_at = newest_seen(of_kind(devices, "meteo_station"))
    return DomainSummary(
        kpis=[level_kpi, *_weather_kpis(meteo, live_at, now, cfg.flood)],
        tables={"stations": stations, "meteo": meteo,
                "warning": pd.DataFrame([city], columns=LEVEL_COLUMNS),
                "units": unit_table(units, drivers, set(meteo["unit"].dropna()), cfg.flood)})
