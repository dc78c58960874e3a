"""KPI strip figures and map status, from known device states."""

from __future__ import annotations

import pandas as pd

from data_access.kpis import compute_kpi, kpi_strip
from data_access.status import device_status


def frame(rows):
    return pd.DataFrame(rows, columns=["id", "domain", "kind", "reporting", "latest"])


def test_parking_share_bins_to_collect_and_online(config):
    f = frame([
        ("p1", "traffic", "parking_space", True, {"occupied": 1}),
        ("p2", "traffic", "parking_space", True, {"occupied": 0}),
        ("p3", "traffic", "parking_space", True, {"occupied": 1}),
        ("p4", "traffic", "parking_space", True, {"occupied": 0}),
        ("p5", "traffic", "parking_space", False, {"occupied": 0}),  # silent: not counted
        ("d1", "traffic", "parking_deterrent", True, {"illegal_parking": 1}),
        ("b1", "waste", "bin_sensor", True, {"fill_level": 80}),
        ("b2", "waste", "bin_sensor", True, {"fill_level": 96}),
        ("b3", "waste", "bin_sensor", False, {}),  # never reported
        ("g1", "network", "lorawan_gateway", True, {"uplinks": 5}),
    ])
    domains = config.domain_by_id
    assert compute_kpi(f, domains["traffic"]) == 50.0  # 2 of 4 reporting spaces; no deterrents
    assert compute_kpi(f, domains["waste"]) == 2.0  # 80 and 96 are at/over the 80 % level
    assert compute_kpi(f, domains["network"]) == 80.0  # 8 of 10 devices in the city report
    assert compute_kpi(f, domains["air"]) is None  # no station reported: shown as a dash
    strip = {k.domain: k for k in kpi_strip(f, config)}
    assert strip["waste"].devices == 3 and strip["waste"].reporting == 2
    assert strip["traffic"].label["el"] == "Κατειλημμένες θέσεις"


def test_status_ranks_alarm_over_offline_over_ok():
    now = 10_000.0
    assert device_status(now - 10, now, 600, None) == "ok"
    assert device_status(now - 601, now, 600, None) == "offline"
    assert device_status(now - 601, now, 600, "critical") == "alarm"
    assert device_status(now - 10, now, 600, "minor") == "warning"
    assert device_status(None, now, 600, None) == "unknown"
    assert device_status(now - 10, now, 600, None, offline_alarm=True) == "offline"
    assert device_status(now - 601, now, 600, "warning") == "offline"  # stale values
    assert device_status(None, now, 600, "minor") == "warning"


def test_column_statuses_follow_the_same_rules_as_one_device():
    import itertools

    from data_access.status import is_reporting, statuses

    now, limit = 10_000.0, 600.0
    cases = list(itertools.product([None, now - 10, now - 601],
                                   [None, "critical", "major", "minor", "warning"],
                                   [False, True]))
    status, reporting = statuses(
        pd.Series([c[0] for c in cases], dtype=float), now, pd.Series([limit] * len(cases)),
        pd.Series([c[1] for c in cases], dtype=object), pd.Series([c[2] for c in cases]))
    for (seen, severity, offline), got, rep in zip(cases, status, reporting, strict=True):
        assert got == device_status(seen, now, limit, severity, offline), (seen, severity)
        assert rep == is_reporting(seen, now, limit)
