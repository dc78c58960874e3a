"""Turn rule decisions into entries on `cityops:alarms`, at most one active alarm per key.

A Lua script claims (HSETNX) or releases (HDEL) the key and XADDs in one step, so several
ingest consumers never publish the same decision twice, nor one without the other. A
`raised` for a key that is already active is a refresh: published with the active alarm's
id (the alarm store counts it) only if the last raise is at least the repeat interval old,
decided inside the same script so consumers agree on it too.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime

import redis

from data_access import streams
from ingest.rules.core import Decision


def new_alarm_id(decision: Decision) -> str:
    return f"{decision.device_id}:{decision.type}:{int(time.time() * 1000)}"


def alarm_fields(decision: Decision) -> dict[str, str]:
    """The entry's fields but `alarm_id`, which the script adds once the key is settled."""
    entry = {
        "event": decision.event,
        "device_id": decision.device_id,
        "domain": decision.domain,
        "severity": decision.severity,
        "type": decision.type,
        "message": decision.message,
        "ts": datetime.now(UTC).isoformat(),
        "user": "rules",
    }
    if decision.value is not None:
        entry["value"] = repr(float(decision.value))
    return {k: v for k, v in entry.items() if v != ""}  # e.g. no severity on a bare clear


# Claim-and-publish in one step inside Redis: a raise is published only by the caller that
# claimed the key (or, for a refresh, found its last raise at least ARGV[6] s before ARGV[5]),
# a clear only by the one that released it, and never one without the other. The active
# map's value is "<time of the last raise>|<alarm id>" (a bare alarm id from older versions
# counts as a raise long ago).
# KEYS: active-key hash, alarms stream.
# ARGV: event, key, alarm id (new raise), unused (was the stream's cap: the alarm store trims
# what it has stored), at (epoch s), repeat interval (s), fields...
CLAIM_AND_PUBLISH = """
local function split(value)
  local bar = string.find(value, '|', 1, true)
  if not bar then return value, nil end
  return string.sub(value, bar + 1), tonumber(string.sub(value, 1, bar - 1))
end
local current = redis.call('HGET', KEYS[1], ARGV[2])
local alarm_id = ARGV[3]
if ARGV[1] == 'raised' then
  if current then
    local id, last = split(current)
    local repeat_s = tonumber(ARGV[6])
    if repeat_s <= 0 or (last and tonumber(ARGV[5]) - last < repeat_s) then return 0 end
    alarm_id = id
  end
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[5] .. '|' .. alarm_id)
else
  if not current then return 0 end
  alarm_id = split(current)
  redis.call('HDEL', KEYS[1], ARGV[2])
end
local fields = {'alarm_id', alarm_id}
for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], '*', unpack(fields))
return 1
"""


def publish(r: redis.Redis, decisions: Iterable[Decision], repeat_s: float = 0.0) -> int:
    """Publish each decision that changes the active-key map, or refreshes an alarm whose
    last raise is `repeat_s` old (0: never refresh); returns how many were published."""
    decisions = list(decisions)
    if not decisions:
        return 0
    script = r.register_script(CLAIM_AND_PUBLISH)
    pipe = r.pipeline(transaction=False)
    keys = [streams.ACTIVE_RULE_ALARMS, streams.ALARMS]
    for d in decisions:
        flat = [x for kv in alarm_fields(d).items() for x in kv]
        at = d.at or time.time()
        script(keys=keys, args=[d.event, d.key, new_alarm_id(d), "",
                                repr(float(at)), repr(float(repeat_s)), *flat], client=pipe)
    return sum(int(x) for x in pipe.execute())
