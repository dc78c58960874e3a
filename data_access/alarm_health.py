"""Alarm-system health in EEMUA 191 / ISA-18.2 terms, from raised events. Pure functions.

- rate: alarms per 10 minutes (about 1 per operator is manageable);
- flood: share of 10-minute periods with more than 10 alarms;
- standing: alarms active for more than 24 hours;
- chattering: alarms raised 3 or more times within one minute;
- bad actors: the ten device/alarm-type pairs that annunciate most;
- priorities: the share of high / medium / low against the 5 / 15 / 80 % guideline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

PERIOD = "10min"
# EEMUA 191: more than FLOOD_ABOVE new alarms in FLOOD_WINDOW is a flood (the wall's panel,
# the notifier's digests and this health measure all count it so).
FLOOD_WINDOW = timedelta(minutes=10)
FLOOD_ABOVE = 10
STANDING_AFTER = timedelta(hours=24)
CHATTER_COUNT, CHATTER_WINDOW = 3, pd.Timedelta(minutes=1)
# ISA-18.2 has three or four priorities; CityOps' four severities map onto three.
PRIORITY = {"critical": "high", "major": "medium", "minor": "low", "warning": "low"}
PRIORITY_TARGET = {"high": 5.0, "medium": 15.0, "low": 80.0}


@dataclass(frozen=True)
class AlarmHealth:
    periods: int  # 10-minute periods in the window
    total: int
    per_10min_avg: float
    per_10min_max: int
    flood_share_pct: float
    standing: int
    chattering: int  # alarms (device + type) that chattered at least once
    bad_actors: list[tuple[str, str, int]]  # (device_id, type, annunciations)
    priority_pct: dict[str, float]
    per_period: pd.Series  # alarms per 10-minute period, for the chart


def per_period(raised: pd.DataFrame, start: datetime, end: datetime) -> pd.Series:
    """Alarms per 10-minute period from start to end, empty periods included."""
    index = pd.date_range(pd.Timestamp(start).floor(PERIOD), pd.Timestamp(end).floor(PERIOD),
                          freq=PERIOD)
    counts = raised["ts"].dt.floor(PERIOD).value_counts() if not raised.empty else pd.Series()
    return counts.reindex(index, fill_value=0).astype(int)


def chattering(raised: pd.DataFrame) -> set[tuple[str, str]]:
    """(device_id, type) raised CHATTER_COUNT or more times within CHATTER_WINDOW."""
    found = set()
    for key, group in raised.sort_values("ts").groupby(["device_id", "type"], dropna=False):
        times = group["ts"].reset_index(drop=True)
        if len(times) < CHATTER_COUNT:
            continue
        span = times.shift(-(CHATTER_COUNT - 1)) - times
        if (span <= CHATTER_WINDOW).any():
            found.add(key)
    return found


def health(raised: pd.DataFrame, open_alarms: pd.DataFrame, start: datetime,
           end: datetime) -> AlarmHealth:
    counts = per_period(raised, start, end)
    total = int(len(raised))
    actors = (raised.groupby(["device_id", "type"], dropna=False).size()
              .sort_values(ascending=False).head(10)) if total else pd.Series(dtype=int)
    priorities = raised["severity"].map(PRIORITY).value_counts() if total else pd.Series()
    standing = 0
    if not open_alarms.empty:
        live = open_alarms[open_alarms["state"].isin(["active_unack", "active_ack"])]
        standing = int((pd.Timestamp(end) - live["raised_at"] > STANDING_AFTER).sum())
    return AlarmHealth(
        periods=len(counts),
        total=total,
        per_10min_avg=round(float(counts.mean()), 2) if len(counts) else 0.0,
        per_10min_max=int(counts.max()) if len(counts) else 0,
        flood_share_pct=round(100.0 * float((counts > FLOOD_ABOVE).mean()), 1)
        if len(counts) else 0.0,
        standing=standing,
        chattering=len(chattering(raised)) if total else 0,
        bad_actors=[(str(d), str(t), int(n)) for (d, t), n in actors.items()],
        priority_pct={p: round(100.0 * float(priorities.get(p, 0)) / total, 1) if total else 0.0
                      for p in PRIORITY_TARGET},
        per_period=counts,
    )
