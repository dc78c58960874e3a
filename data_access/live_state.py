"""Each device's last report and latest values, mirrored in a web process.

A status snapshot needs every device's state once a second. Reading and parsing all of it
from Redis each time (at 100,000 devices: 10 MB and 100,000 JSON documents) kept a web
process busy for most of every second, and its pages waited. So the mirror reads it all
once, then only the devices the ingest logged as moved since (streams.STATE_CHANGED, by
write number), and reads everything again now and then (FULL_READ_EVERY_S) to take in
what was written some other way.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import orjson
import redis

from data_access import streams

FULL_READ_EVERY_S = 300.0
NUMBERS = ("battery", "rssi", "snr")


@dataclass(frozen=True)
class LiveColumns:
    """One entry per device, in the order of the ids asked for."""

    last_seen: np.ndarray  # epoch seconds; NaN: never reported
    values: list[dict]  # metric -> value of the newest reading ({} if none)
    numbers: dict[str, np.ndarray]  # battery, rssi, snr; NaN where not reported


NOTHING: tuple[dict, list[float]] = ({}, [math.nan] * len(NUMBERS))  # never reported


def _parse(raw: bytes | None) -> tuple[dict, list[float]]:
    if not raw:
        return NOTHING
    latest = orjson.loads(raw)
    return latest.get("values") or {}, [_number(latest.get(n)) for n in NUMBERS]


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    return float(value)


class LiveStateMirror:
    """Thread-safe: the status snapshot and domain pages read it from different threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: list[str] | None = None
        self._row_of: dict[str, int] = {}
        self._written = 0  # the newest write number taken in
        self._full_at = -math.inf
        self._last_seen = np.empty(0)
        self._values: list[dict] = []
        self._numbers = np.empty((len(NUMBERS), 0))

    def read(self, r: redis.Redis, ids: list[str], row_of: dict[str, int]) -> LiveColumns:
        """The state of these devices now (`row_of`: each id's position in `ids`)."""
        with self._lock:
            if ids is not self._ids or time.monotonic() - self._full_at > FULL_READ_EVERY_S:
                self._read_all(r, ids, row_of)
            else:
                self._read_moved(r)
            return LiveColumns(self._last_seen.copy(), list(self._values),
                               {n: self._numbers[k].copy() for k, n in enumerate(NUMBERS)})

    def _read_all(self, r: redis.Redis, ids: list[str], row_of: dict[str, int]) -> None:
        # The write number first: whatever is written while the hashes are read is newer
        # than it and is read again next time.
        written = int(r.get(streams.STATE_WRITES) or 0)
        self._ids, self._row_of, self._written = ids, row_of, written
        self._last_seen = np.full(len(ids), np.nan)
        self._values = [{}] * len(ids)
        self._numbers = np.full((len(NUMBERS), len(ids)), np.nan)
        self._take(r, ids, range(len(ids)))
        self._full_at = time.monotonic()

    def _read_moved(self, r: redis.Redis) -> None:
        pipe = r.pipeline(transaction=False)
        pipe.get(streams.STATE_WRITES)
        pipe.zrangebyscore(streams.STATE_CHANGED, f"({self._written}", "+inf", withscores=True)
        written, moved = pipe.execute()
        if int(written or 0) < self._written:  # Redis lost its data (a restart): start over
            self._read_all(r, self._ids or [], self._row_of)
            return
        if not moved:
            return
        self._written = max(self._written, int(max(score for _, score in moved)))
        ids = [d.decode() for d, _ in moved]
        known = [(d, self._row_of[d]) for d in ids if d in self._row_of]
        if known:
            self._take(r, [d for d, _ in known], [row for _, row in known])

    def _take(self, r: redis.Redis, ids: list[str], rows) -> None:
        if not ids:
            return
        pipe = r.pipeline(transaction=False)
        pipe.hmget(streams.LAST_SEEN, ids)
        pipe.hmget(streams.LATEST, ids)
        seen, latest = pipe.execute()
        rows = list(rows)
        self._last_seen[rows] = [float(v) if v else np.nan for v in seen]
        parsed = [_parse(raw) for raw in latest]
        for row, (values, _) in zip(rows, parsed, strict=True):
            self._values[row] = values
        self._numbers[:, rows] = np.array([numbers for _, numbers in parsed], dtype=float).T
