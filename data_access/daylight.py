"""Day and night in the city, shared by the simulator (lamps, LEDs) and the KPIs that split
figures by daylight, so both agree on when it is dark.

A sine approximation of day length at Chalkida's latitude (about 9.4 h in December to 14.6 h
in June), centred on local solar noon near 12:48 summer-or-winter clock time: good to a
quarter of an hour, which is what a day/night split of counts needs.
"""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

SOLAR_NOON_H = 12.8  # local clock hour of solar noon, roughly
MEAN_DAY_H = 12.0
DAY_SWING_H = 2.6  # half the difference between the longest and the shortest day


def day_length_h(t: datetime) -> float:
    """Hours of daylight on the day of `t`."""
    doy = t.timetuple().tm_yday
    return MEAN_DAY_H + DAY_SWING_H * math.sin(2 * math.pi * (doy - 80) / 365)


def is_dark(local: datetime) -> bool:
    """True before sunrise or after sunset; `local` is a city local (wall-clock) time."""
    half = day_length_h(local) / 2
    hour = local.hour + local.minute / 60
    return not (SOLAR_NOON_H - half <= hour <= SOLAR_NOON_H + half)


def is_dark_at(t: datetime, timezone: str) -> bool:
    """is_dark for an aware time in any zone, judged on the city's clock."""
    return is_dark(t.astimezone(ZoneInfo(timezone)))
