"""Traffic KPIs against hand-computed figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from data_access.daylight import day_length_h, is_dark
from data_access.domain_kpis import traffic
from data_access.domain_kpis.settings import KpiSettings
from tests.unit.domain_kpis_frames import NOW, bucket, device, devices, history, no_history

CFG = KpiSettings.model_validate({"traffic": {"zones": [
    {"id": 1, "key": "centre", "name": {"el": "Κέντρο", "en": "Centre"}},
    {"id": 2, "key": "seafront", "name": {"el": "Παραλία", "en": "Seafront"}},
    {"id": 3, "key": "market", "name": {"el": "Αγορά", "en": "Market"}}]}})


def spaces(zone: int, occupied: int, free: int, prefix: str) -> list[dict]:
    rows = [device(f"{prefix}o{i}", "parking_space", {"occupied": 1}, attrs={"zone": zone})
            for i in range(occupied)]
    return rows + [device(f"{prefix}f{i}", "parking_space", {"occupied": 0},
                          attrs={"zone": zone}) for i in range(free)]


def city() -> pd.DataFrame:
    return devices(
        *spaces(1, 3, 1, "a"),  # 3 of 4: 75 %
        *spaces(2, 9, 1, "b"),  # 9 of 10: 90 %
        *spaces(3, 0, 1, "c"),
        # silent: its last "occupied" is not the street now, but it is an installed space
        device("c-stale", "parking_space", {"occupied": 1}, attrs={"zone": 3}, reporting=False),
        device("d1", "parking_deterrent", {"illegal_parking": 1}),
        device("d2", "parking_deterrent", {"illegal_parking": 0}),
        device("d3", "parking_deterrent", {"illegal_parking": 1}, reporting=False),
        device("e1", "ev_charger", {"in_use": 1}),
        device("e2", "ev_charger", {"in_use": 0}),
        device("e3", "ev_charger", {"in_use": 1}, reporting=False),
    )


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def day_history() -> pd.DataFrame:
    # NOW is 14:00 in Athens; local midnight was 22:00 UTC on the 9th.
    return history(
        bucket("x1", "activations", utc(9, 21), 10, n=10),  # 23:00 local yesterday: not today
        bucket("x1", "activations", utc(10, 4), 2, n=3),  # 06:00 local, before sunrise: 6
        bucket("x1", "activations", utc(10, 10), 4, n=5),  # 12:00 local: 20
        bucket("x2", "activations", utc(10, 6), 1.5, n=2),  # 08:00 local, after sunrise: 3
        # e1: 100 at 23:45 local is the baseline, +2, +3, reset to 1 (adds 0), +3 = 8 kWh
        bucket("e1", "energy_kwh", utc(9, 21, 45), 100),
        bucket("e1", "energy_kwh", utc(9, 22, 0), 102),
        bucket("e1", "energy_kwh", utc(9, 22, 15), 105),
        bucket("e1", "energy_kwh", utc(9, 22, 30), 1),
        bucket("e1", "energy_kwh", utc(9, 22, 45), 4),
        # e2 has no reading before midnight: 50 -> 55 = 5 kWh
        bucket("e2", "energy_kwh", utc(9, 23, 0), 50),
        bucket("e2", "energy_kwh", utc(9, 23, 15), 55),
        # a building meter's kWh in the same history is not EV charging
        bucket("m1", "energy_kwh", utc(9, 23, 0), 500),
        bucket("m1", "energy_kwh", utc(9, 23, 15), 900),
    )


def test_zone_occupancy_against_the_healthy_band():
    zones = traffic.summary(city(), no_history(), NOW, CFG).tables["zones"].set_index("zone")
    assert traffic.occupancy_note(90.0, CFG.traffic.healthy_occupancy)["en"].startswith(
        "drivers cruise")
    assert zones.loc["centre", ["spaces", "occupied", "free"]].tolist() == [4, 3, 1]
    assert zones.loc["centre", "occupancy_pct"] == 75.0
    assert zones.loc["centre", "band"] == "ok"
    assert zones.loc["seafront", "occupancy_pct"] == 90.0
    assert zones.loc["seafront", "band"] == "warning"
    assert zones.loc["market", "spaces"] == 2  # the silent sensor is installed...
    assert zones.loc["market", "occupancy_pct"] == 0.0  # ...but not counted as occupied
    assert zones.loc["market", "band"] == "ok"  # under-used is not a fault
    assert zones.loc["seafront", "name_el"] == "Παραλία"
    assert "other" not in zones.index  # every sensor has a zone


def test_city_occupancy_free_spaces_and_illegal_parking():
    s = traffic.summary(city(), no_history(), NOW, CFG)
    occ = s.kpi("occupancy")
    assert occ.value == 80.0  # 12 occupied of 15 reporting
    assert occ.band == "ok"
    assert occ.note == {"el": "υγιής ζώνη 60–85 %", "en": "healthy band 60–85 %"}
    assert s.kpi("free_spaces").value == 3.0
    assert s.kpi("illegal_parking").value == 1.0  # d3 is silent
    assert s.kpi("illegal_parking").band == "warning"
    assert s.kpi("ev_in_use").value == 1.0
    assert s.kpi("ev_in_use").note["en"] == "of 3 chargers"


def test_busy_city_is_a_warning():
    occ = traffic.summary(devices(*spaces(2, 9, 1, "b")), no_history(), NOW, CFG).kpi("occupancy")
    assert (occ.value, occ.band) == (90.0, "warning")
    assert occ.note["en"] == "drivers cruise for a space (healthy band 60–85 %)"


def test_under_used_note_and_sensor_without_zone():
    frame = devices(*spaces(1, 1, 3, "a"), device("z", "parking_space", {"occupied": 0}))
    s = traffic.summary(frame, no_history(), NOW, CFG)
    assert s.kpi("occupancy").value == 20.0
    assert s.kpi("occupancy").band == "ok"
    assert s.kpi("occupancy").note["en"].startswith("under-used")
    zones = s.tables["zones"].set_index("zone")
    assert zones.loc["other", "spaces"] == 1 and zones.loc["other", "free"] == 1


def test_crossings_split_by_daylight_and_ev_energy_with_a_counter_reset():
    # The split relies on the sun: check the assumption about 06:00 and 08:00 local.
    assert 11 < day_length_h(NOW) < 12
    assert is_dark(datetime(2026, 3, 10, 6, 7)) and not is_dark(datetime(2026, 3, 10, 8, 7))
    s = traffic.summary(city(), day_history(), NOW, CFG)
    assert s.kpi("crossings_day").value == 23.0
    assert s.kpi("crossings_night").value == 6.0
    assert s.kpi("ev_energy_today").value == 13.0
    assert s.kpi("ev_energy_today").unit == "kWh"


def test_empty_history_and_no_devices_give_no_values():
    s = traffic.summary(devices(), no_history(), NOW, CFG)
    assert all(k.value is None for k in s.kpis)
    assert list(s.tables["zones"].columns) == traffic.ZONE_COLUMNS
    s = traffic.summary(city(), pd.DataFrame(), NOW, CFG)  # not even columns
    assert s.kpi("crossings_day").value is None and s.kpi("ev_energy_today").value is None
