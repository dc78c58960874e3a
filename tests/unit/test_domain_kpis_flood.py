"""Flood warning level, its drivers and the weather figures, against hand-computed values."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from data_access.domain_kpis import flood
from data_access.domain_kpis.settings import KpiSettings
from tests.unit.domain_kpis_frames import (
    NOW,
    bucket,
    device,
    devices,
    history,
    no_history,
    series,
)

UNITS = ["chalkida", "lilantio", "avlida", "anthidona", "nea_artaki"]
CFG = KpiSettings(units=UNITS)
LILAS = {"alert_level": 1.5, "warning_level": 2.2, "danger_level": 3.0}
AVLIDA = {"alert_level": 0.9, "warning_level": 1.4, "danger_level": 2.0}


def ago(minutes: float):
    return NOW - timedelta(minutes=minutes)


def city(lilas_level: float = 1.0, avlida_level: float = 0.8) -> pd.DataFrame:
    return devices(
        device("h1", "hydro_station", {"water_level": lilas_level}, unit="lilantio",
               attrs=LILAS),
        device("h2", "hydro_station", {"water_level": avlida_level}, unit="avlida",
               attrs=AVLIDA),
        device("m1", "meteo_station", {"wind_speed": 6.5}, unit="chalkida"),
        device("m2", "meteo_station", {"wind_speed": 9.0}, unit="lilantio"),
    )


def units_of(s) -> pd.DataFrame:
    return s.tables["units"].set_index("unit")


def test_stage_against_the_stations_own_levels():
    assert flood.stage(1.49, 1.5, 2.2, 3.0) == "normal"
    assert flood.stage(1.5, 1.5, 2.2, 3.0) == "alert"
    assert flood.stage(2.2, 1.5, 2.2, 3.0) == "warning"
    assert flood.stage(3.1, 1.5, 2.2, 3.0) == "danger"
    assert flood.stage(float("nan"), 1.5, 2.2, 3.0) is None


def test_river_stage_and_fast_rise_drive_the_level():
    h = history(
        bucket("h2", "water_level", ago(120), 5.0),  # 2 h ago: outside the 30-min fit
        series("h2", "water_level", ago(30), 300, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]),
    )
    s = flood.summary(city(lilas_level=2.3), h, NOW, CFG)
    stations = s.tables["stations"].set_index("id")
    assert stations.loc["h1", "stage"] == "warning"
    assert stations.loc["h2", "stage"] == "normal"
    assert stations.loc["h2", "rise_m_per_h"] == pytest.approx(1.2)  # 0.1 m per 5 min
    level = s.kpi("warning_level")
    assert level.value == 2.0 and level.band == "alarm"
    assert level.note["en"] == "Orange: h1 en at warning level"  # the rise (yellow) is not it
    warning = s.tables["warning"].iloc[0]
    assert (warning["key"], warning["colour"]) == ("orange", "#FF9900")
    units = units_of(s)
    assert units.loc["lilantio", "level"] == 2
    assert units.loc["avlida", "level"] == 1
    assert units.loc["avlida", "drivers_en"] == "h2 en rising fast, 1.20 m/h"
    assert units.loc["chalkida", "level"] == 0
    assert units.loc["chalkida", "drivers_en"] == "no warning driver"
    assert units.index.tolist() == UNITS


def test_rain_amounts_and_the_dwd_ladders():
    h = history(
        series("m1", "precipitation", ago(60), 300, [30.0] * 12),  # 1 h at 30 mm/h: 30 mm
        series("m1", "precipitation", ago(240), 300, [6.0] * 12),  # 4 h ago, 1 h at 6: 6 mm
        bucket("m1", "precipitation", ago(20 * 60), 60.0),  # 20 h ago, 5 min at 60: 5 mm
        bucket("m1", "precipitation", ago(25 * 60), 99.0),  # yesterday: outside 24 h
    )
    s = flood.summary(city(), h, NOW, CFG)
    meteo = s.tables["meteo"].set_index("id")
    assert meteo.loc["m1", ["rain_1h_mm", "rain_3h_mm", "rain_6h_mm", "rain_24h_mm"]].tolist() == [
        30.0, 30.0, 36.0, 41.0]
    assert s.kpi("rain_1h_mm").value == 30.0 and s.kpi("rain_1h_mm").band == "alarm"
    assert s.kpi("rain_1h_mm").note["en"] == "m1 en"
    assert s.kpi("rain_24h_mm").value == 41.0
    level = s.kpi("warning_level")
    assert level.value == 2.0  # 30 mm/1 h is severe (25-40), 36 mm/6 h too (35-60)
    assert level.note["en"] == ("Orange: m1 en: 30 mm of rain in 1 h; "
                                "m1 en: 36 mm of rain in 6 h")
    units = units_of(s)
    assert units.loc["chalkida", "level"] == 2  # m1 stands there
    assert units.loc["lilantio", "level"] == 0  # has its own dry weather station
    assert units.loc["anthidona", "level"] == 2  # no station: the city's rain


def test_yellow_from_heavy_rain_in_one_hour():
    h = history(series("m2", "precipitation", ago(60), 300, [15.0] * 12))
    s = flood.summary(city(), h, NOW, CFG)
    assert s.kpi("warning_level").value == 1.0
    assert s.kpi("warning_level").band == "warning"
    assert s.kpi("warning_level").note["en"] == "Yellow: m2 en: 15 mm of rain in 1 h"


def test_lightning_rings_over_the_last_half_hour():
    h = history(
        bucket("m2", "lightning_distance", ago(20), 4.0, lo=0.0, hi=8.0),  # mixed: 8 km known
        bucket("m2", "lightning_distance", ago(15), 12.0),
        bucket("m2", "lightning_distance", ago(60), 3.0),  # an hour ago: cleared
        bucket("m2", "lightning_distance", ago(10), 0.0),  # no strike
        bucket("m2", "lightning_count", ago(20), 2.0, n=2),
        bucket("m2", "lightning_count", ago(15), 5.0),
        bucket("m2", "lightning_count", ago(60), 9.0),
    )
    s = flood.summary(city(), h, NOW, CFG)
    assert s.kpi("lightning_count").value == 9.0  # 2 x 2 + 5
    nearest = s.kpi("lightning_nearest_km")
    assert nearest.value == 8.0 and nearest.band == "alarm"
    level = s.kpi("warning_level")
    assert level.value == 3.0
    assert level.note["en"] == "Red: m2 en: lightning 8 km away"
    units = units_of(s)
    assert units.loc["lilantio", "level"] == 3
    assert units.loc["chalkida", "level"] == 0  # its own station saw none
    assert units.loc["nea_artaki", "level"] == 3  # no station: the city's lightning
    assert flood.ladder_level(25, CFG.flood.lightning_km, nearer_is_worse=True) == 1
    assert flood.ladder_level(31, CFG.flood.lightning_km, nearer_is_worse=True) == 0


def test_calm_city_is_green_and_wind_is_the_strongest_station():
    s = flood.summary(city(), history(series("m1", "precipitation", ago(30), 300, [0.0] * 6)),
                      NOW, CFG)
    assert s.kpi("warning_level").value == 0.0 and s.kpi("warning_level").band == "ok"
    assert s.kpi("warning_level").note["en"] == "Green: no warning driver"
    assert s.kpi("wind_speed").value == 9.0 and s.kpi("wind_speed").note["en"] == "m2 en"
    assert s.kpi("rain_1h_mm").value == 0.0


def test_empty_history_and_no_devices_give_no_values():
    s = flood.summary(devices(), no_history(), NOW, CFG)
    assert all(k.value is None for k in s.kpis)
    assert len(s.tables["units"]) == len(UNITS)
    s = flood.summary(city(), no_history(), NOW, CFG)
    for key in ("rain_1h_mm", "rain_3h_mm", "rain_24h_mm", "lightning_count",
                "lightning_nearest_km"):
        assert s.kpi(key).value is None
    assert s.kpi("warning_level").value == 0.0  # the stations' levels are known: normal
