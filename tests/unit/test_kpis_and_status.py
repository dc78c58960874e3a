"""KPI strip figures and map status, from known device states."""

from __future__ import annotations

import pandas as pd

from data_access.kpis import compute_kpi, kpi_strip
from data_access.status import device_status


def frame(rows):
    return pd.DataFrame(rows, columns=["id", "domain", "kind", "status", "latest"])


def test_parking_share_bins_to_collect_and_online(config):
    f = frame([
        ("p1", "traffic", "parking_space", "ok", {"occupied": 1}),
        ("p2", "traffic", "parking_space", "ok", {"occupied": 0}),
        ("p3", "traffic", "parking_space", "ok", {"occupied": 1}),
        ("p4", "traffic", "parking_space", "offline", {"occupied": 1}),
        ("d1", "traffic", "parking_deterrent", "ok", {"illegal_parking": 1}),
        ("b1", "waste", "bin_sensor", "ok", {"fill_level": 80}),
        ("b2", "waste", "bin_sensor", "alarm", {"fill_level": 96}),
        ("b3", "waste", "bin_sensor", "unknown", {}),
        ("g1", "network", "lorawan_gateway", "ok", {"uplinks": 5}),
    ])
    domains = config.domain_by_id
    assert compute_kpi(f, domains["traffic"]) == 75.0  # 3 of 4 spaces; deterrents not counted
    assert compute_kpi(f, domains["waste"]) == 2.0  # 80 and 96 are at/over the 80 % level
    assert compute_kpi(f, domains["network"]) == round(100 * 8 / 9, 1)  # city-wide online
    assert compute_kpi(f, domains["air"]) is None  # no station reported: shown as a dash
    strip = {k.domain: k for k in kpi_strip(f, config, "el")}
    assert strip["waste"].devices == 3 and strip["waste"].reporting == 2
    assert strip["traffic"].label == "Κατειλημμένες θέσεις"


def test_status_ranks_alarm_over_offline_over_ok():
    now = 10_000.0
    assert device_status(now - 10, now, 600, None) == "ok"
    assert device_status(now - 601, now, 600, None) == "offline"
    assert device_status(now - 601, now, 600, "critical") == "alarm"
    assert device_status(now - 10, now, 600, "minor") == "warning"
    assert device_status(None, now, 600, None) == "unknown"
    assert device_status(now - 10, now, 600, None, offline_alarm=True) == "offline"
