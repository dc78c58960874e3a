"""Visitor counting against capacity, hand-computed."""

from __future__ import annotations

import pandas as pd

from data_access.domain_kpis import buildings
from data_access.domain_kpis.settings import KpiSettings
from tests.unit.domain_kpis_frames import NOW, device, devices, no_history

CFG = KpiSettings()


def spaces() -> pd.DataFrame:
    return devices(
        device("s1", "people_counter", {"occupancy": 40}, attrs={"capacity": 80}),  # 50 %
        device("s2", "people_counter", {"occupancy": 108}, attrs={"capacity": 120}),  # 90 %
        device("s3", "people_counter", {"occupancy": 200}, attrs={"capacity": 200}),  # 100 %
        device("s4", "people_counter", {"occupancy": 70}, attrs={"capacity": 60},
               reporting=False),  # silent: not inside now
        device("s5", "people_counter", {"occupancy": 12}),  # capacity unknown
    )


def test_spaces_against_capacity_and_bands():
    s = buildings.summary(spaces(), no_history(), NOW, CFG)
    table = s.tables["spaces"].set_index("id")
    assert table.loc[["s1", "s2", "s3"], "pct"].tolist() == [50.0, 90.0, 100.0]
    assert table.loc[["s1", "s2", "s3"], "band"].tolist() == ["ok", "warning", "alarm"]
    assert pd.isna(table.loc["s4", "occupancy"]) and pd.isna(table.loc["s4", "band"])
    assert pd.isna(table.loc["s5", "pct"]) and table.loc["s5", "occupancy"] == 12
    assert s.kpi("visitors_now").value == 360.0  # 40 + 108 + 200 + 12
    assert s.kpi("visitors_now").note["en"] == "in 4 of 5 spaces"
    assert s.kpi("spaces_at_capacity").value == 1.0
    assert s.kpi("spaces_at_capacity").band == "alarm"
    assert s.kpi("occupancy_pct").value == 87.0  # 348 / 400, spaces with a capacity
    assert s.kpi("occupancy_pct").band == "ok"


def test_band_limits_come_from_the_config():
    strict = KpiSettings.model_validate({"buildings": {"warning_pct": 40, "alarm_pct": 50}})
    table = buildings.summary(spaces(), no_history(), NOW, strict).tables["spaces"]
    assert table["band"].tolist()[:3] == ["alarm", "alarm", "alarm"]


def test_no_devices_give_no_values():
    s = buildings.summary(devices(), no_history(), NOW, CFG)
    assert all(k.value is None for k in s.kpis)
    assert list(s.tables["spaces"].columns) == buildings.SPACE_COLUMNS
