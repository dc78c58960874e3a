"""Water KPIs against hand-computed figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from data_access.domain_kpis import water
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

CFG = KpiSettings()


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def meters() -> pd.DataFrame:
    return devices(
        device("w1", "water_meter", {"pressure_bar": 3.4}),
        device("w2", "water_meter", {"pressure_bar": 1.8}),
        device("w3", "water_meter", {"pressure_bar": 7.0}, reporting=False),
    )


def day() -> pd.DataFrame:
    # Last night 02:00-04:00 in Athens = 00:00-02:00 UTC on the 10th (eight 15-min buckets).
    return history(
        bucket("w1", "flow_m3h", utc(9, 23, 45), 0.1),  # 01:45 local: before the window
        series("w1", "flow_m3h", utc(10, 0), 900, [0.9, 0.7, 0.8, 0.75, 0.9, 1.0, 0.8, 0.72]),
        bucket("w1", "flow_m3h", utc(10, 2), 0.2),  # 04:00 local: after it
        series("w2", "flow_m3h", utc(10, 0, 30), 900, [0.4, 0.3, 0.35]),
        # volume: w1 500 before midnight, then 510, 512.5 -> 12.5 m³; w2 100 -> 103 -> 3 m³
        bucket("w1", "volume_m3", utc(9, 21, 45), 500),
        series("w1", "volume_m3", utc(9, 22), 900, [510, 512.5]),
        series("w2", "volume_m3", utc(10, 6), 900, [100, 103]),
    )


def test_night_minimum_flow_and_leak_suspects():
    s = water.summary(meters(), day(), NOW, CFG)
    table = s.tables["meters"].set_index("id")
    assert table.loc["w1", "night_min_flow_m3h"] == 0.7
    assert table.loc["w2", "night_min_flow_m3h"] == 0.3
    assert pd.isna(table.loc["w3", "night_min_flow_m3h"])
    assert table["leak_suspect"].tolist() == [True, False, False]
    leaks = s.kpi("leak_suspects")
    assert leaks.value == 1.0 and leaks.band == "warning"
    assert leaks.note["en"] == "night minimum flow above 0.5 m³/h: w1 en"
    assert leaks.at == utc(10, 2)  # the night window's end


def test_last_night_is_the_newest_complete_window():
    start, end = water.last_night(utc(10, 1, 59), CFG.water, CFG.timezone)  # 03:59 local
    assert (start, end) == (utc(9, 0), utc(9, 2))
    start, end = water.last_night(utc(10, 2), CFG.water, CFG.timezone)  # 04:00 local
    assert (start, end) == (utc(10, 0), utc(10, 2))
    # Summer time: 02:00-04:00 EEST is 23:00-01:00 UTC.
    start, end = water.last_night(datetime(2026, 7, 1, 9, tzinfo=UTC), CFG.water, CFG.timezone)
    assert (start, end) == (datetime(2026, 6, 30, 23, tzinfo=UTC),
                            datetime(2026, 7, 1, 1, tzinfo=UTC))


def test_consumption_today_and_pressure_now():
    s = water.summary(meters(), day(), NOW, CFG)
    table = s.tables["meters"].set_index("id")
    assert table.loc["w1", "consumption_m3"] == 12.5
    assert table.loc["w2", "consumption_m3"] == 3.0
    assert s.kpi("consumption_today_m3").value == 15.5
    assert table["pressure_band"].tolist()[:2] == ["ok", "warning"]
    assert pd.isna(table.loc["w3", "pressure_bar"])  # silent: not "now"
    assert s.kpi("pressure_min_bar").value == 1.8
    assert s.kpi("pressure_min_bar").band == "warning"
    assert s.kpi("pressure_mean_bar").value == 2.6
    assert s.kpi("pressure_mean_bar").band == "ok"


def test_empty_history_and_no_devices_give_no_values():
    s = water.summary(devices(), no_history(), NOW, CFG)
    assert all(k.value is None for k in s.kpis)
    assert list(s.tables["meters"].columns) == water.METER_COLUMNS
    s = water.summary(meters(), no_history(), NOW, CFG)
    assert s.kpi("leak_suspects").value is None
    assert s.kpi("consumption_today_m3").value is None
    assert not s.tables["meters"]["leak_suspect"].any()
