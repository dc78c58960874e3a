"""Energy and lighting KPIs against hand-computed figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from data_access.domain_kpis import energy
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
MIDNIGHT = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)  # 00:00 in Athens on NOW's day
Q = 900  # one 15-min bucket: 0.25 h


def lamps() -> pd.DataFrame:
    return devices(
        device("L1", "luminaire", {"power_state": 1, "illuminance_level": 100, "fault": 0}),
        device("L2", "luminaire", {"power_state": 1, "illuminance_level": 50, "fault": 0},
               attrs={"rated_w": 100}),
        device("L3", "luminaire", {"power_state": 0, "illuminance_level": 0, "fault": 0}),
        device("L4", "luminaire", {"power_state": 1, "illuminance_level": 50, "fault": 1}),
        device("L5", "luminaire", {"power_state": 1, "illuminance_level": 100}, reporting=False),
    )


def lamp_day() -> pd.DataFrame:
    at_8 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    at_3 = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    return history(
        # yesterday evening: not today
        bucket("L1", "power_w", datetime(2026, 3, 9, 21, 45, tzinfo=UTC), 60),
        bucket("L1", "power_state", datetime(2026, 3, 9, 21, 45, tzinfo=UTC), 1),
        # L1 (60 W by default): 10 h dimmed to 30 W, then 2 h at full power
        series("L1", "power_w", MIDNIGHT, Q, [30.0] * 40),
        series("L1", "power_state", MIDNIGHT, Q, [1.0] * 40),
        series("L1", "power_w", at_8, Q, [60.0] * 8),
        series("L1", "power_state", at_8, Q, [1.0] * 8),
        # L2 (rated 100 W): 5 h at 40 W
        series("L2", "power_w", MIDNIGHT, Q, [40.0] * 20),
        series("L2", "power_state", MIDNIGHT, Q, [1.0] * 20),
        # then a quarter hour on but broken: no power, and not a saving
        bucket("L2", "power_w", at_3, 0.0),
        bucket("L2", "power_state", at_3, 1.0),
        bucket("L2", "fault", at_3, 1.0),
    )


def test_lamp_states_now_count_a_fault_once():
    s = energy.summary(lamps(), no_history(), NOW, CFG)
    values = {k: s.kpi(f"lights_{k}").value for k in energy.LAMP_STATES}
    assert values == {"on": 1.0, "dimmed": 1.0, "off": 1.0, "faulty": 1.0}  # L5 is silent
    assert s.kpi("lights_faulty").band == "warning"
    assert s.kpi("lights_on").note["en"] == "4 of 5 reporting"


def test_lighting_energy_and_savings_from_a_hand_made_day():
    s = energy.summary(lamps(), lamp_day(), NOW, CFG)
    # actual: L1 10 h x 30 W + 2 h x 60 W = 420 Wh; L2 5 h x 40 W = 200 Wh -> 0.62 kWh
    assert s.kpi("lighting_kwh_today").value == 0.62
    # baseline: L1 12 h x 60 W = 720 Wh; L2 5 h x 100 W = 500 Wh (the faulty quarter-hour is
    # out of both) -> 1 - 620 / 1220 = 49.18 %
    assert s.kpi("lighting_savings_pct").value == 49.2


def test_savings_with_a_bucket_still_open():
    # 11:50 UTC: the 11:45 bucket has covered 5 minutes only.
    now = datetime(2026, 3, 10, 11, 50, tzinfo=UTC)
    h = history(bucket("L1", "power_w", datetime(2026, 3, 10, 11, 30, tzinfo=UTC), 30),
                bucket("L1", "power_state", datetime(2026, 3, 10, 11, 30, tzinfo=UTC), 1),
                bucket("L1", "power_w", datetime(2026, 3, 10, 11, 45, tzinfo=UTC), 60),
                bucket("L1", "power_state", datetime(2026, 3, 10, 11, 45, tzinfo=UTC), 1))
    used, savings = energy.lighting_energy(lamps(), h, now, CFG)
    # 0.25 h x 30 W + (5/60) h x 60 W = 7.5 + 5 = 12.5 Wh; baseline 15 + 5 = 20 Wh
    assert used == pytest.approx(0.0125)
    assert savings == pytest.approx(37.5)


def test_meters_with_a_counter_reset_and_fuel_tanks():
    frame = devices(
        device("m1", "energy_meter", {"power_kw": 12.5, "energy_kwh": 40}),
        device("m2", "energy_meter", {"power_kw": 7.0}, reporting=False),
        device("t1", "fuel_tank", {"fuel_level": 19.9}),
        device("t2", "fuel_tank", {"fuel_level": 20.0}),
    )
    h = history(
        bucket("m1", "energy_kwh", datetime(2026, 3, 9, 21, 45, tzinfo=UTC), 1000, hi=1000),
        series("m1", "energy_kwh", MIDNIGHT, Q, [1010, 1030, 5, 40]),  # reset after 1030
        series("m2", "energy_kwh", MIDNIGHT, Q, [200, 210]),
    )
    s = energy.summary(frame, h, NOW, CFG)
    meters = s.tables["meters"].set_index("id")
    assert meters.loc["m1", "energy_today_kwh"] == 65.0  # 10 + 20 + 0 + 35
    assert meters.loc["m2", "energy_today_kwh"] == 10.0
    assert meters.loc["m1", "power_kw"] == 12.5
    assert pd.isna(meters.loc["m2", "power_kw"])  # silent: no power "now"
    assert s.kpi("buildings_power_kw").value == 12.5
    assert s.kpi("buildings_kwh_today").value == 75.0
    tanks = s.tables["tanks"].set_index("id")
    assert tanks["low"].tolist() == [True, False]
    assert s.kpi("tanks_low").value == 1.0 and s.kpi("tanks_low").band == "warning"


def test_empty_history_and_no_devices_give_no_values():
    s = energy.summary(devices(), no_history(), NOW, CFG)
    assert all(k.value is None for k in s.kpis)
    assert list(s.tables["meters"].columns) == energy.METER_COLUMNS
    assert list(s.tables["tanks"].columns) == energy.TANK_COLUMNS
    s = energy.summary(lamps(), no_history(), NOW, CFG)
    assert s.kpi("lighting_kwh_today").value is None
    assert s.kpi("lighting_savings_pct").value is None
