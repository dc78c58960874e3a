"""EEMUA 191 figures from known raised events, computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from data_access.alarm_health import health

START = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
END = START + timedelta(hours=1)  # 7 ten-minute periods: 08:00 ... 09:00


def raised(rows: list[tuple[int, str, str, str]]) -> pd.DataFrame:
    """rows: (seconds after START, device, type, severity)."""
    return pd.DataFrame({
        "ts": pd.to_datetime([START + timedelta(seconds=s) for s, *_ in rows], utc=True),
        "alarm_id": [f"{d}|{t}" for _, d, t, _ in rows],
        "device_id": [d for _, d, _, _ in rows], "type": [t for _, _, t, _ in rows],
        "severity": [s for *_, s in rows]})


def no_open() -> pd.DataFrame:
    return pd.DataFrame({"alarm_id": [], "device_id": [], "type": [], "state": [],
                         "raised_at": pd.to_datetime([], utc=True)})


def test_a_flood_period_chattering_bad_actors_and_priorities():
    rows = [(60 + i * 20, "bin-1", "bin_collect", "warning") for i in range(12)]  # 08:01-08:04
    rows += [(1300, "hydro-1", "water_level_danger", "critical"),  # 08:21
             (1900, "air-1", "no2_very_poor", "major"),  # 08:31
             (1910, "air-1", "no2_very_poor", "major")]  # 08:31, only twice: no chatter
    h = health(raised(rows), no_open(), START, END)
    assert h.periods == 7 and h.total == 15
    assert h.per_10min_max == 12  # 12 in the first period: a flood (> 10)
    assert h.flood_share_pct == round(100 / 7, 1)
    assert h.per_10min_avg == round(15 / 7, 2)
    assert h.chattering == 1  # the bin: 3 raises within a minute; the air station is not
    assert h.bad_actors[0] == ("bin-1", "bin_collect", 12)
    assert h.priority_pct == {"high": round(100 / 15, 1), "medium": round(200 / 15, 1),
                              "low": 80.0}


def test_standing_alarms_are_active_for_more_than_a_day():
    open_alarms = pd.DataFrame({
        "alarm_id": ["a", "b", "c"], "device_id": ["d1", "d2", "d3"], "type": ["t"] * 3,
        "state": ["active_unack", "active_ack", "shelved"],
        "raised_at": pd.to_datetime([END - timedelta(hours=30), END - timedelta(hours=2),
                                     END - timedelta(hours=40)], utc=True)})
    h = health(raised([]), open_alarms, START, END)
    assert h.standing == 1  # shelved alarms are not standing; b is too young
    assert h.total == 0 and h.per_10min_max == 0 and h.flood_share_pct == 0.0
