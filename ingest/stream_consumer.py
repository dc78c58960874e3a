"""What every consumer-group worker shares: read in batches, recover after a crash, retry.

A subclass names its stream and group and implements `process(entries)`, which must make
its work durable before it acknowledges the entries.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import redis

from data_access import streams

log = logging.getLogger(__name__)
Entry = tuple[bytes, dict]


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
        resp = self.r.xreadgroup(self.group, self.name, {self.stream: start},
                                 count=self.batch_size, block=block)
        # An entry trimmed from the stream while pending comes back with no fields.
        return [e for e in (resp[0][1] if resp else []) if e[1]]

    def recover(self) -> int:
        """Finish this consumer's own pending entries (same name after a restart), then
        claim those a dead peer read but never acknowledged (XAUTOCLAIM)."""
        done = 0
        while entries := self._read("0", None):
            done += self.process(entries)
        cursor = "0-0"
        while True:
            cursor, claimed, *_ = self.r.xautoclaim(
                self.stream, self.group, self.name, min_idle_time=self.claim_idle_ms,
                start_id=cursor, count=self.batch_size)
            claimed = [e for e in claimed if e[1]]
            if claimed:
                done += self.process(claimed)
            if cursor in (b"0-0", "0-0"):
                return done

    def step(self) -> int:
        entries = self._read(">", self.block_ms)
        return self.process(entries) if entries else 0

    def run(self, stop: threading.Event) -> None:
        self.recover()
        while not stop.is_set():
            try:
                self.step()
            except Exception:  # database or Redis down: entries stay pending, retry them
                log.exception("%s: batch failed; retrying", self.name)
                stop.wait(2.0)
                try:
                    self.recover()
                except Exception:
                    log.warning("%s: still failing", self.name)
