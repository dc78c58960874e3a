"""The time ranges a reader can pick for history charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

RANGES = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7),
          "30d": timedelta(days=30)}
DEFAULT_RANGE = "24h"


def range_start(key: str | None, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - RANGES.get(key or DEFAULT_RANGE, RANGES[DEFAULT_RANGE])
