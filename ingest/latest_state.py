"""Each device's latest state in Redis (`cityops:latest`), moved forward by the ingest.

A report updates the fields it carries (metrics, battery, RSSI, SNR), each field keeping its
own time, so a partial uplink blanks nothing and an older report replayed late changes only
what is older still. The merge is decided here in Python (`merge`, pure); Redis only checks
that the state it replaces is the one that was read (a compare-and-set script), so several
consumers of one group never lose each other's writes. Merging in Lua cost the consumer a
quarter of its throughput: decoding and re-encoding every state in Redis' cjson.

A state: {"at": newest field time (epoch s), "ts": that report's time, "source": ...,
"values": {metric: value}, "battery"/"rssi"/"snr": value, "times": {field: epoch s}} where
`times` names only the fields older than `at` (usually none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
import redis

from data_access import streams
from ingest.validation import Telemetry

HEALTH = ("battery", "rssi", "snr")
CHUNK = 1000  # devices per compare-and-set call (Lua's unpack has a limit of its own)

# ARGV[1]: a JSON list of device, the state read ("" if none), the new state, the new
# last-seen ("" to keep it), device, ... (one argument: cheaper to send than thousands).
# Writes only the states that are still as read; returns {moved, stale}.
# The moved devices are logged under one new write number (streams.STATE_CHANGED), so web
# processes re-read only them.
COMPARE_AND_SET = """
local ARGV = cjson.decode(ARGV[1])
local n = #ARGV / 4
local devices = {}
for k = 1, n do devices[k] = ARGV[4 * k - 3] end
local now = redis.call('HMGET', KEYS[1], unpack(devices))
local states, seen, moved, stale = {}, {}, {}, {}
for k = 1, n do
  local device = devices[k]
  if (now[k] or '') == ARGV[4 * k - 2] then
    states[#states + 1] = device
    states[#states + 1] = ARGV[4 * k - 1]
    if ARGV[4 * k] ~= '' then
      seen[#seen + 1] = device
      seen[#seen + 1] = ARGV[4 * k]
    end
    moved[#moved + 1] = device
  else
    stale[#stale + 1] = device
  end
end
if #moved > 0 then
  redis.call('HSET', KEYS[1], unpack(states))
  if #seen > 0 then redis.call('HSET', KEYS[2], unpack(seen)) end
  local number = redis.call('INCR', KEYS[4])
  local log = {}
  for i, device in ipairs(moved) do
    log[2 * i - 1] = number
    log[2 * i] = device
  end
  redis.call('ZADD', KEYS[3], unpack(log))
end
return {moved, stale}
"""


def merge(state: Mapping[str, Any] | None, seen: float | None,
          report: Telemetry) -> dict[str, Any] | None:
    """The state after `report`, or None when the report is older than every field it
    carries. `seen`: the device's last-seen time, which dates a state written before
    fields had times of their own."""
    at = report.ts.timestamp()
    if not state or ("times" not in state and _base_time(state, seen) <= at
                     and _covers(report, state)):
        return _whole(report, at)  # the usual case: a newer report of every field
    values = dict(state.get("values") or {})
    times = state.get("times") or {}
    base = _base_time(state, seen)
    field_time = {name: float(times.get(name, base)) for name in values}
    health = {name: state[name] for name in HEALTH if state.get(name) is not None}
    field_time.update({name: float(times.get(name, base)) for name in health})
    newest_before = max(field_time.values(), default=-1.0)
    changed = False
    for metric, value in report.values.items():
        if field_time.get(metric, -1.0) <= at:
            values[metric], field_time[metric], changed = value, at, True
    for name in HEALTH:
        value = getattr(report, name)
        if value is not None and field_time.get(name, -1.0) <= at:
            health[name], field_time[name], changed = value, at, True
    if not changed:
        return None
    newest = max(field_time.values())
    taken = at >= newest_before
    out: dict[str, Any] = {
        "at": newest,
        "ts": report.ts if taken else state.get("ts"),
        "source": report.source if taken else state.get("source"),
        "values": values, **health}
    older = {name: t for name, t in field_time.items() if t != newest}
    if older:
        out["times"] = older
    return out


def _covers(report: Telemetry, state: Mapping[str, Any]) -> bool:
    """Whether the report carries every field the state holds."""
    values = report.values
    return (all(m in values for m in state.get("values") or ())
            and all(getattr(report, h) is not None for h in HEALTH if h in state))


def _whole(report: Telemetry, at: float) -> dict[str, Any]:
    out = {"at": at, "ts": report.ts, "source": report.source, "values": report.values}
    for name in HEALTH:
        value = getattr(report, name)
        if value is not None:
            out[name] = value
    return out


def _base_time(state: Mapping[str, Any], seen: float | None) -> float:
    """The time of a field the state names no time for."""
    if "at" in state:
        return float(state["at"])
    if "times" in state:  # every field has its own time
        return -1.0
    return seen if seen is not None else -1.0  # written before fields had times


def moves_last_seen(merged: Mapping[str, Any], seen: float | None, report: Telemetry) -> bool:
    """Last seen moves to the report that is the device's newest."""
    at = report.ts.timestamp()
    return merged["at"] == at and (seen is None or seen <= at)


class LatestState:
    """Moves devices' latest state forward from the newest report of each in a batch."""

    def __init__(self, r: redis.Redis) -> None:
        self.r = r
        self._compare_and_set = r.register_script(COMPARE_AND_SET)

    def advance(self, newest: Mapping[str, Telemetry]) -> list[str]:
        """Merge each device's report into its state; returns the devices whose state
        moved. A state another consumer changed in between is read and merged again."""
        moved: list[str] = []
        todo = list(newest)
        while todo:
            stale: list[str] = []
            for start in range(0, len(todo), CHUNK):
                ids = todo[start:start + CHUNK]
                done, again = self._advance_once(ids, newest)
                moved += done
                stale += again
            todo = stale
        return moved

    def _advance_once(self, ids: list[str],
                      newest: Mapping[str, Telemetry]) -> tuple[list[str], list[str]]:
        raws = self.r.hmget(streams.LATEST, ids)
        seen = self._seen_of(ids, raws)
        args: list[Any] = []
        for device_id, raw in zip(ids, raws, strict=True):
            report = newest[device_id]
            merged = merge(orjson.loads(raw) if raw else None, seen.get(device_id), report)
            if merged is None:
                continue
            moves = moves_last_seen(merged, seen.get(device_id), report)
            args += (device_id, raw.decode() if raw else "", orjson.dumps(merged).decode(),
                     repr(report.ts.timestamp()) if moves else "")
        if not args:
            return [], []
        done, stale = self._compare_and_set(
            keys=[streams.LATEST, streams.LAST_SEEN, streams.STATE_CHANGED,
                  streams.STATE_WRITES], args=[orjson.dumps(args)])
        return _text(done), _text(stale)

    def _seen_of(self, ids: list[str], raws: list[bytes | None]) -> dict[str, float]:
        """Last-seen times: read at all only for states written before fields had times, or
        for new devices (the last-seen hash may be set by a tool before any report)."""
        need = [d for d, raw in zip(ids, raws, strict=True)
                if raw is None or (b'"at"' not in raw and b'"times"' not in raw)]
        if not need:
            return {}
        return {d: float(v) for d, v in zip(need, self.r.hmget(streams.LAST_SEEN, need),
                                             strict=True) if v is not None}


def _text(items: Iterable[bytes]) -> list[str]:
    return [i.decode() for i in items]
