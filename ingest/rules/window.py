"""Aggregates of a metric over a time window, from the samples kept in Redis. Pure.

A window ends at `now` (the newest report's time, not the wall clock, so a replay or a
test sees what the live system saw) and reaches `window_s` back.
"""

from __future__ import annotations

from collections.abc import Sequence

Sample = tuple[float, float]  # (epoch seconds, value)


def in_window(samples: Sequence[Sample], now: float, window_s: float) -> list[Sample]:
    start = now - window_s
    return sorted(s for s in samples if start <= s[0] <= now)


def amount(samples: Sequence[Sample], now: float, window_s: float) -> float | None:
    """A per-hour rate (mm/h) integrated over the window (mm), by the trapezoid rule; the
    segment that straddles the window's start counts from the value interpolated there."""
    start = now - window_s
    points = sorted(s for s in samples if s[0] <= now)
    if not points or points[-1][0] < start:
        return None
    total = 0.0
    for (t0, v0), (t1, v1) in zip(points, points[1:], strict=False):
        if t1 <= start:
            continue
        if t0 < start:
            v0 += (v1 - v0) * (start - t0) / (t1 - t0)
            t0 = start
        total += (v0 + v1) / 2 * (t1 - t0) / 3600
    return total


def aggregate(agg: str, samples: Sequence[Sample], now: float, window_s: float) -> float | None:
    """rise: newest minus the lowest in the window; fall: highest minus newest;
    amount: see `amount`; mean / max / min of the window. None without enough data."""
    if agg == "amount":
        return amount(samples, now, window_s)
    window = in_window(samples, now, window_s)
    if not window:
        return None
    values = [v for _, v in window]
    newest = values[-1]
    if agg in ("rise", "fall"):
        if len(window) < 2:
            return None  # one sample says nothing about a change
        return newest - min(values) if agg == "rise" else max(values) - newest
    if agg == "mean":
        return sum(values) / len(values)
    if agg == "max":
        return max(values)
    if agg == "min":
        return min(values)
    return newest  # "last"
