"""Consumer group on `cityops:telemetry`: validate, store in batches, run rules, then XACK.

The order is the point: nothing is acknowledged before it is durable in SQL, so a worker
killed at any moment loses nothing; the readings' key makes the replay harmless.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import redis
from sqlalchemy import Engine

from data_access import streams
from data_access.city_config import CityConfig
from data_access.writes import newest_per_device, write_telemetry
from ingest.directory import DeviceDirectory
from ingest.latest_state import LatestState
from ingest.rules.reload import RulesWatcher
from ingest.rules.runner import PlacesCache, clear_retired, run_batch
from ingest.stream_consumer import Entry, StreamConsumer, write_isolating
from ingest.validation import Rejected, Telemetry, decode_fields, validate

STATS = "cityops:ingest:stats"

class TelemetryConsumer(StreamConsumer):
    stream = streams.TELEMETRY
    group = streams.INGEST_GROUP

    def __init__(
        self,
        r: redis.Redis,
        engine: Engine,
        config: CityConfig,
        name: str = "ingest-1",
        batch_size: int = 500,
        block_ms: int = 1000,
        claim_idle_ms: int = 30_000,
        directory: DeviceDirectory | None = None,
        rules_path: Path | None = None,
        reload_every_s: float | None = None,
    ) -> None:
        super().__init__(r, name, batch_size, block_ms, claim_idle_ms)
        self.engine = engine
        self.rules = RulesWatcher(config, rules_path, reload_every_s)
        self.directory = directory or DeviceDirectory(engine, config)
        self._places = PlacesCache()
        self.latest = LatestState(r)

    @property
    def config(self) -> CityConfig:
        """The config with the rules in force (rules.yaml may have changed since start)."""
        return self.rules.current()

    # -- one batch ----------------------------------------------------------------------
    def process(self, entries: Sequence[Entry]) -> int:
        """Handle one batch end to end; returns how many reading rows were stored."""
        now = datetime.now(UTC)
        self.directory.follow(int(self.r.get(streams.DEVICES_VERSION) or 0))
        self.directory.refresh_if_missing({_field(f, "device_id") for _, f in entries},
                                          {_field(f, "dev_eui") for _, f in entries})
        good: list[tuple[bytes, dict, Telemetry]] = []
        bad: list[tuple[bytes, dict, Rejected]] = []
        directory = self.directory
        for entry_id, fields in entries:
            result = validate(fields, directory.readers, now, self.config.metric_ranges,
                              directory.by_eui)
            if isinstance(result, Rejected):
                bad.append((entry_id, fields, result))
            else:
                good.append((entry_id, fields, result))
        stored, failed = self._store(good)
        bad.extend(failed)
        failed_ids = {f[0] for f in failed}
        kept = [g for g in good if g[0] not in failed_ids]
        self._state_and_rules([g[2] for g in kept])
        self._finish(entries, bad, stored, kept)
        return stored

    def _store(self, good: list[tuple[bytes, dict, Telemetry]]) -> tuple[int, list]:
        """Write the batch in one transaction; rows the database refuses are dead-lettered."""
        stored, refused = write_isolating(
            self.engine, good, lambda conn, items: write_telemetry(conn, [g[2] for g in items]))
        return stored, [(item[0], item[1], reason) for item, reason in refused]

    def _state_and_rules(self, good: list[Telemetry]) -> None:
        """Move the latest state forward, then let the rules judge what moved."""
        newest = newest_per_device(good)
        if not newest:
            return
        moved = self.latest.advance(newest)
        places = self._places.get(self.directory.devices)
        config = self.config
        retired = self.rules.take_retired()
        if retired:
            clear_retired(self.r, retired, datetime.now(UTC).timestamp())
        run_batch(self.r, config, places, good, moved, newest)

    def _finish(self, entries: Sequence[Entry], bad: list, stored: int, good: list) -> None:
        """Dead-letter the refused entries and acknowledge the whole batch atomically."""
        pipe = self.r.pipeline(transaction=True)
        for entry_id, fields, reason in bad:
            streams.deadletter(pipe, decode_fields(fields), reason.code, reason.detail,
                               self.stream, entry_id.decode())
        pipe.hincrby(STATS, "readings", stored)
        pipe.hincrby(STATS, "entries", len(entries) - len(bad))
        streams.note_unmapped(pipe, {t.device_id: t.unmapped for _, _, t in good
                                     if t.unmapped})
        streams.count_source(pipe, Counter(t.source or "" for _, _, t in good), "accepted")
        pipe.xack(streams.TELEMETRY, streams.INGEST_GROUP, *[e[0] for e in entries])
        pipe.execute()


def _field(fields: dict, name: str) -> str:
    raw = fields.get(name.encode(), fields.get(name, b""))
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
