"""Network and device health over the whole city, hand-computed."""

from __future__ import annotations

from datetime import timedelta

from data_access.domain_kpis import network
from data_access.domain_kpis.settings import KpiSettings
from tests.unit.domain_kpis_frames import NOW, device, devices, no_history

CFG = KpiSettings()


def city():
    return devices(
        device("g1", "lorawan_gateway"),
        device("g2", "lorawan_gateway"),
        device("g3", "lorawan_gateway", reporting=False, last_seen=NOW - timedelta(hours=5)),
        device("a", "parking_space", battery=15, rssi=-100, snr=5),
        device("b", "parking_space", battery=18, rssi=-118),
        device("c", "bin_sensor", battery=100, rssi=-120, snr=-5),
        device("d", "luminaire", rssi=-110, snr=-12.5),
        device("e", "water_meter", reporting=False, last_seen=NOW - timedelta(hours=2),
               rssi=-130),
        device("f", "water_meter", reporting=False, status="unknown"),  # never seen
        device("h", "fuel_tank", battery=80, rssi=-50, snr=7),
    )


def test_gateways_online_share_and_health_counts():
    s = network.summary(city(), no_history(), NOW, CFG)
    gw = s.kpi("gateways_up")
    assert gw.value == 2.0 and gw.note["en"] == "of 3" and gw.band == "warning"
    assert s.kpi("devices_online_pct").value == 70.0  # 7 of 10
    assert s.kpi("devices_offline").value == 2.0  # g3 and e; f was never installed
    assert s.kpi("battery_low").value == 2.0
    assert s.kpi("weak_link").value == 4.0  # b, c, d by RSSI or SNR, and e at -130 dBm


def test_visit_first_ranks_silence_then_battery_then_link():
    visit = network.summary(city(), no_history(), NOW, CFG).tables["visit"]
    assert visit["id"].tolist() == ["g3", "e", "a", "b", "c", "d"]
    assert visit["score"].tolist() == [3005.0, 3002.0, 2005.0, 2002.0, 1005.0, 1002.5]
    e = visit.set_index("id").loc["e"]
    assert e["reason_en"] == "offline 2.0 h; weak link: RSSI -130 dBm"
    assert e["kind"] == "water_meter" and e["unit"] == "chalkida"
    assert visit.set_index("id").loc["b", "reason_en"] == "battery 18 %; weak link: RSSI -118 dBm"
    top = KpiSettings.model_validate({"network": {"visit_top": 3}})
    assert network.summary(city(), no_history(), NOW, top).tables["visit"]["id"].tolist() == [
        "g3", "e", "a"]


def test_fixed_bin_distributions():
    s = network.summary(city(), no_history(), NOW, CFG)
    rssi = s.tables["rssi"]
    assert len(rssi) == 13 and rssi["bin_start"].iloc[0] == -125 and rssi["bin_end"].iloc[-1] == -60
    counts = dict(zip(rssi["bin_start"], rssi["devices"], strict=True))
    assert counts[-125] == 1  # e at -130: below the scale, in the first bin
    assert counts[-120] == 2  # b -118 and c -120
    assert counts[-110] == 1 and counts[-100] == 1
    assert counts[-65] == 1  # h at -50: above the scale, in the last bin
    assert rssi["devices"].sum() == 6
    snr = dict(zip(s.tables["snr"]["bin_start"], s.tables["snr"]["devices"], strict=True))
    assert snr[-12.5] == 1 and snr[-5.0] == 1 and snr[5.0] == 2
    battery = s.tables["battery"]
    assert battery["devices"].tolist() == [0, 2, 0, 0, 0, 0, 0, 0, 1, 1]  # 100 % in the last


def test_no_devices_give_no_values():
    s = network.summary(devices(), no_history(), NOW, CFG)
    assert all(k.value is None for k in s.kpis)
    assert s.tables["visit"].empty and list(s.tables["visit"].columns) == network.VISIT_COLUMNS
    assert s.tables["rssi"]["devices"].sum() == 0
