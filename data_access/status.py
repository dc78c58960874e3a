"""A device's status on the map, decided from its last report and its worst open alarm."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

OK, WARNING, ALARM, OFFLINE, UNKNOWN = "ok", "warning", "alarm", "offline", "unknown"
STATUSES = (ALARM, WARNING, OFFLINE, UNKNOWN, OK)  # worst first, for clusters and legends
ALARM_SEVERITIES = frozenset({"critical", "major"})


def device_status(
    last_seen_s: float | None,
    now_s: float,
    offline_after_s: float,
    worst_severity: str | None,
    offline_alarm: bool = False,
) -> str:
    """alarm (critical/major open) > offline > warning (minor/warning open) > ok.

    An alarm outranks offline: a river gauge at danger level that then goes silent must
    still read as danger. Offline outranks a minor alarm: its values are no longer current.
    A device that never reported is 'unknown', not 'offline'.
    """
    if worst_severity in ALARM_SEVERITIES:
        return ALARM
    if offline_alarm or (last_seen_s is not None and now_s - last_seen_s > offline_after_s):
        return OFFLINE
    if worst_severity is not None:
        return WARNING
    return UNKNOWN if last_seen_s is None else OK


def is_reporting(last_seen_s: float | None, now_s: float, offline_after_s: float) -> bool:
    """Seen within its kind's window: its latest values describe the city now."""
    return last_seen_s is not None and now_s - last_seen_s <= offline_after_s


def statuses(
    last_seen_s: ArrayLike,
    now_s: float,
    offline_after_s: ArrayLike,
    worst_severity: ArrayLike,
    offline_alarm: ArrayLike,
) -> tuple[np.ndarray, np.ndarray]:
    """device_status and is_reporting for whole columns at once (100,000 devices in a few
    milliseconds); aligned columns (Series or arrays) in, (status, reporting) arrays out.
    Same rules."""
    age = now_s - np.asarray(last_seen_s, dtype=float)
    limit = np.asarray(offline_after_s, dtype=float)
    never = np.isnan(age)
    reporting = ~never & (age <= limit)
    severity = np.asarray(worst_severity, dtype=object)
    is_alarm = np.isin(severity, list(ALARM_SEVERITIES))
    has_alarm = pd.notna(severity)
    silent = np.asarray(offline_alarm, dtype=bool) | (~never & (age > limit))
    status = np.select(
        [is_alarm, silent, has_alarm, never],
        [ALARM, OFFLINE, WARNING, UNKNOWN],
        default=OK,
    )
    return status, reporting
