"""Consumer group on `cityops:telemetry`: validate, store in batches, run rules, then XACK.

The order is the point: nothing is acknowledged before it is durable in SQL, so a worker
killed at any moment loses nothing; the readings' key makes the replay harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import orjson
import redis
from sqlalchemy import Engine

from data_access import streams
from data_access.city_config import CityConfig
from data_access.writes import newest_per_device, write_telemetry
from ingest.directory import DeviceDirectory
from ingest.rules.reload import RulesWatcher
from ingest.rules.runner import PlacesCache, clear_retired, run_batch
from ingest.stream_consumer import Entry, StreamConsumer, write_isolating
from ingest.validation import Rejected, Telemetry, decode_fields, validate

STATS = "cityops:ingest:stats"

# Latest state only moves forward, also when several consumers share the stream and a
# device's two reports land in different batches: compared inside Redis, per metric (and
# battery, RSSI, SNR), each with its own time, so a partial report merges into the state and
# blanks nothing, and an older report replayed late changes only what is older still.
# ARGV: device_id, epoch seconds, report JSON, device_id, ...
# Returns the devices whose state moved, so rules never judge a stale (replayed) reading.
# The moved devices are logged under one new write number (streams.STATE_CHANGED), so web
# processes re-read only them.
FORWARD_ONLY_STATE = """
local moved = {}
for i = 1, #ARGV, 3 do
  local device, at = ARGV[i], tonumber(ARGV[i + 1])
  local report = cjson.decode(ARGV[i + 2])
  local raw = redis.call('HGET', KEYS[1], device)
  local state = raw and cjson.decode(raw) or {}
  local seen = tonumber(redis.call('HGET', KEYS[2], device) or '-1')
  -- A state written before per-metric times: its time is the device's last report.
  local before = (type(state.times) ~= 'table') and seen or -1
  if type(state.values) ~= 'table' then state.values = {} end
  if type(state.times) ~= 'table' then state.times = {} end
  local changed = false
  local function take(into, name, value)
    local since = state.times[name] or before
    if since <= at then
      into[name] = value
      state.times[name] = at
      changed = true
    end
  end
  for metric, value in pairs(report.values) do take(state.values, metric, value) end
  for _, name in ipairs({'battery', 'rssi', 'snr'}) do
    if report[name] ~= nil and report[name] ~= cjson.null then take(state, name, report[name]) end
  end
  if changed then
    if seen <= at then
      redis.call('HSET', KEYS[2], device, ARGV[i + 1])
      state.ts = report.ts
      state.source = report.source
    end
    redis.call('HSET', KEYS[1], device, cjson.encode(state))
    moved[#moved + 1] = device
  end
end
if #moved > 0 then
  local number = redis.call('INCR', KEYS[4])
  for _, device in ipairs(moved) do
    redis.call('ZADD', KEYS[3], number, device)
  end
end
return moved
"""


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
        self._forward_state = r.register_script(FORWARD_ONLY_STATE)

    @property
    def config(self) -> CityConfig:
        """The config with the rules in force (rules.yaml may have changed since start)."""
        return self.rules.current()

    # -- one batch ----------------------------------------------------------------------
    def process(self, entries: Sequence[Entry]) -> int:
        """Handle one batch end to end; returns how many reading rows were stored."""
        now = datetime.now(UTC)
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
        args: list = []
        for device_id, t in newest.items():
            args += (device_id, repr(t.ts.timestamp()), _latest_json(t))
        moved = self._forward_state(keys=[streams.LATEST, streams.LAST_SEEN,
                                          streams.STATE_CHANGED, streams.STATE_WRITES],
                                    args=args)
        places = self._places.get(self.directory.devices)
        config = self.config
        retired = self.rules.take_retired()
        if retired:
            clear_retired(self.r, retired, datetime.now(UTC).timestamp())
        run_batch(self.r, config, places, good, [d.decode() for d in moved], newest)

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
        pipe.xack(streams.TELEMETRY, streams.INGEST_GROUP, *[e[0] for e in entries])
        pipe.execute()


def _field(fields: dict, name: str) -> str:
    raw = fields.get(name.encode(), fields.get(name, b""))
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _latest_json(t: Telemetry) -> bytes:
    return orjson.dumps({"ts": t.ts, "values": t.values, "battery": t.battery,
                         "rssi": t.rssi, "snr": t.snr, "source": t.source})

