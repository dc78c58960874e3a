"""What every consumer-group worker shares: read in batches, recover after a crash, retry.

A subclass names its stream and group and implements `process(entries)`, which must make
its work durable before it acknowledges the entries.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import redis
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError

from data_access import streams
from ingest.validation import Rejected

log = logging.getLogger(__name__)
Entry = tuple[bytes, dict]
TRIM_EVERY_S = 2.0
T = TypeVar("T")


def write_isolating(engine: Engine, items: Sequence[T],
                    write: Callable[[Connection, Sequence[T]], int]) -> tuple[int, list]:
    """Write `items` in one transaction; if the database refuses the data (not if it is
    down), bisect to find the culprits so the good items behind a bad one are stored.

    Returns (what `write` counted, [(item, Rejected)] for the refused ones)."""
    if not items:
        return 0, []
    try:
        with engine.begin() as conn:
            return write(conn, items), []
    except (IntegrityError, DataError) as exc:
        if len(items) == 1:
            log.warning("rejected by the database: %s", exc)
            first = (str(exc.orig or exc).splitlines() or ["refused"])[0][:200]
            return 0, [(items[0], Rejected("store_failed", first))]
        mid = len(items) // 2
        a, fa = write_isolating(engine, items[:mid], write)
        b, fb = write_isolating(engine, items[mid:], write)
        return a + b, fa + fb


class StreamConsumer:
    stream: str
    group: str

    def __init__(self, r: redis.Redis, name: str, batch_size: int = 500, block_ms: int = 1000,
                 claim_idle_ms: int = 30_000) -> None:
        self.r = r
        self.name = name
        self.batch_size = batch_size
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        streams.ensure_group(r, self.stream, self.group)

    def process(self, entries: Sequence[Entry]) -> int:
        raise NotImplementedError

    def _read(self, start: str, block: int | None) -> list[Entry]:
        return self._kept(self._read_raw(start, block))

    def _read_raw(self, start: str, block: int | None) -> list[Entry]:
        resp = self.r.xreadgroup(self.group, self.name, {self.stream: start},
                                 count=self.batch_size, block=block)
        return resp[0][1] if resp else []

    def _kept(self, entries: list[Entry]) -> list[Entry]:
        """The entries still in the stream. One trimmed while pending (by hand, or by a
        producer of an older version) comes back with no fields: nothing can process it, so
        it is acknowledged, counted as lost and logged, instead of pending for ever."""
        gone = [e[0] for e in entries if not e[1]]
        if gone:
            self.r.xack(self.stream, self.group, *gone)
            streams.count_lost(self.r, self.stream, len(gone))
            log.error("%s: %d entries of %s were trimmed before they were processed: lost",
                      self.name, len(gone), self.stream)
        return [e for e in entries if e[1]]

    def recover(self) -> int:
        """Finish this consumer's own pending entries (same name after a restart), then
        claim those a dead peer read but never acknowledged (XAUTOCLAIM)."""
        done = self._own_pending()
        cursor, trimmed_claimed = "0-0", False
        while True:
            cursor, claimed, *deleted = self.r.xautoclaim(
                self.stream, self.group, self.name, min_idle_time=self.claim_idle_ms,
                start_id=cursor, count=self.batch_size)
            if deleted and deleted[0]:  # Redis 7 drops trimmed ids from the group itself
                streams.count_lost(self.r, self.stream, len(deleted[0]))
            # Redis 6 hands trimmed entries over as nothing, not even their ids: they are
            # ours now, and our own pending list names them.
            named = [e for e in claimed if e and e[0] is not None]
            trimmed_claimed |= len(named) < len(claimed)
            claimed = self._kept(named)
            if claimed:
                done += self.process(claimed)
            if cursor in (b"0-0", "0-0"):
                return done + (self._own_pending() if trimmed_claimed else 0)

    def _own_pending(self) -> int:
        """Our own pending entries, to the end (a batch wholly trimmed is not the end)."""
        done = 0
        while raw := self._read_raw("0", None):
            if entries := self._kept(raw):
                done += self.process(entries)
        return done

    def step(self) -> int:
        entries = self._read(">", self.block_ms)
        return self.process(entries) if entries else 0

    def trim(self) -> int:
        """Drop what every group has processed: the stream holds only work still to do."""
        return streams.trim_consumed(self.r, self.stream)

    def run(self, stop: threading.Event) -> None:
        """Work until `stop`. Every `claim_idle_ms` (and after any failure) look again for
        entries a dead peer left pending, so a crashed worker's share is never stranded;
        every TRIM_EVERY_S trim what all groups have done."""
        next_recovery = next_trim = 0.0
        while not stop.is_set():
            try:
                if time.monotonic() >= next_recovery:
                    self.recover()
                    next_recovery = time.monotonic() + self.claim_idle_ms / 1000
                self.step()
                if time.monotonic() >= next_trim:
                    self.trim()
                    next_trim = time.monotonic() + TRIM_EVERY_S
            except Exception as exc:  # database or Redis down: entries stay pending, retry
                next_recovery = 0.0
                if streams.group_lost(exc) and self._regrouped():
                    continue
                log.exception("%s: batch failed; retrying", self.name)
                stop.wait(2.0)

    def _regrouped(self) -> bool:
        try:
            self.regroup()
            return True
        except Exception:  # Redis still loading or failing over: the next round tries again
            log.exception("%s: could not recreate the consumer group yet", self.name)
            return False

    def regroup(self) -> None:
        """Redis came back without our group: without it, XREADGROUP fails for ever."""
        log.warning("%s: consumer group %r of %s is gone (Redis restarted empty?): "
                    "recreating it; what was pending in it before is lost unless Redis "
                    "kept an append-only file", self.name, self.group, self.stream)
        streams.recreate_group(self.r, self.stream, self.group)
