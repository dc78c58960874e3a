"""European Air Quality Index against hand-computed bands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from data_access.domain_kpis import air
from data_access.domain_kpis.settings import KpiSettings
from tests.unit.domain_kpis_frames import NOW, bucket, devices, history, no_history, series

CFG = KpiSettings()
LIMITS = {k: p.limits for k, p in CFG.air.pollutants.items()}
LATER = NOW + timedelta(minutes=20)  # 12:20: the 12:00 hour is still under way
HOUR = 3600


def at(hour: int, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


@pytest.mark.parametrize(("key", "value", "band"), [
    ("pm25", 0, 0), ("pm25", 10, 0), ("pm25", 10.1, 1), ("pm25", 20, 1), ("pm25", 25, 2),
    ("pm25", 25.01, 3), ("pm25", 75, 4), ("pm25", 800, 5), ("pm25", 950, 5),
    ("pm10", 40, 1), ("pm10", 40.5, 2), ("no2", 40, 0), ("no2", 230, 3), ("no2", 231, 4),
    ("o3", 100, 1), ("o3", 380.5, 5), ("so2", 350, 2), ("so2", 351, 3),
])
def test_band_boundaries(key, value, band):
    assert air.band_index(value, LIMITS[key]) == band


def readings():
    return history(
        bucket("a1", "pm10", at(11, 9), 1000.0),  # 25 h ago: outside the 24 h mean
        series("a1", "pm10", at(12, 9), HOUR, [30.0] * 12 + [50.0] * 12),  # mean 40: fair
        series("a1", "pm25", at(12, 9), HOUR, [22.0] * 24),  # moderate
        bucket("a1", "no2", at(10), 30.0),
        bucket("a1", "no2", at(11), 100.0),  # the last complete hour: moderate
        bucket("a1", "no2", at(12), 500.0),  # still under way at 12:20: not a 1 h mean yet
        bucket("a1", "o3", at(11), 60.0),  # fair
    )


def test_index_per_pollutant_and_overall():
    s = air.summary(devices(), readings(), LATER, CFG)
    table = s.tables["pollutants"].set_index("pollutant")
    assert table.loc["pm10", "concentration"] == 40.0
    assert table.loc["pm10", "averaging"] == "24 h"
    assert table.loc["pm10", ["band_index", "band_name_en", "colour"]].tolist() == [
        1, "Fair", "#50CCAA"]
    assert table.loc["no2", "concentration"] == 100.0 and table.loc["no2", "band_index"] == 2
    assert table.loc["no2", "band_name_el"] == "Μέτρια"
    assert table.loc["o3", "band_index"] == 1
    assert table.loc["so2", "concentration"] != table.loc["so2", "concentration"]  # NaN
    index = s.kpi("eaqi")
    assert index.value == 2.0 and index.band == "ok"
    # PM2.5 and NO2 are both moderate: the first in config order names it
    assert index.note["en"] == "Moderate, set by PM2.5 (22 µg/m³)"
    assert index.at == at(12)
    assert s.kpi("no2").value == 100.0 and s.kpi("no2").note["en"] == "Moderate"
    assert s.kpi("so2").value is None


def test_the_worst_pollutant_sets_the_index():
    rows = readings().to_dict("records") + [bucket("a1", "so2", at(11), 400.0)]
    s = air.summary(devices(), history(rows), LATER, CFG)
    index = s.kpi("eaqi")
    assert index.value == 3.0 and index.band == "warning"
    assert index.note["en"] == "Poor, set by SO₂ (400 µg/m³)"
    rows.append(bucket("a2", "no2", at(11), 300.0))  # a second station: the worse one counts
    s = air.summary(devices(), history(rows), LATER, CFG)
    assert s.kpi("no2").value == 300.0
    assert s.kpi("eaqi").value == 4.0 and s.kpi("eaqi").band == "alarm"


def test_a_stale_hour_is_no_index():
    h = history(bucket("a1", "no2", at(6), 100.0))  # six hours old at 12:20
    s = air.summary(devices(), h, LATER, CFG)
    assert s.kpi("no2").value is None and s.kpi("eaqi").value is None


def test_hours_above_each_band():
    h = history(
        series("a1", "no2", at(0), HOUR, [30.0, 100.0, 250.0, 95.0]),  # bands 0, 2, 4, 2
        series("a2", "no2", at(0), HOUR, [50.0, 10.0, 10.0, 10.0]),  # worse at 00:00: band 1
        series("a1", "pm10", at(0), HOUR, [10.0, 30.0, 50.0]),  # running means 10, 20, 30
    )
    hours = air.hours_above_bands(h).set_index(["pollutant", "band"])["hours"]
    assert [hours["no2", b] for b in range(6)] == [4, 4, 3, 1, 1, 0]
    assert [hours["pm10", b] for b in range(6)] == [3, 1, 0, 0, 0, 0]
    assert hours["so2", 0] == 0
    table = air.hours_above_bands(h)
    assert table.query("pollutant == 'o3' and band == 5")["band_name_el"].item() == (
        "Εξαιρετικά κακή")


def test_empty_history_gives_no_values():
    s = air.summary(devices(), no_history(), NOW, CFG)
    assert all(k.value is None for k in s.kpis)
    assert list(s.tables["pollutants"].columns) == air.POLLUTANT_COLUMNS
    assert air.hours_above_bands(no_history())["hours"].sum() == 0
