"""Turn rule decisions into entries on `cityops:alarms`, at most one active alarm per key.

A Lua script claims (HSETNX) or releases (HDEL) the key and XADDs in one step, so several
ingest consumers never publish the same decision twice, nor one without the other.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import redis

from data_access import streams
from ingest.rules import Decision


def active_for(r: redis.Redis, keys: Sequence[str]) -> dict[str, str]:
    """The subset of `keys` that has an active rule alarm, with its alarm id."""
    if not keys:
        return {}
    values = r.hmget(streams.ACTIVE_RULE_ALARMS, keys)
    return {k: v.decode() for k, v in zip(keys, values, strict=True) if v is not None}


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
    return entry


# Claim-and-publish in one step inside Redis: a raise is published only by the caller that
# claimed the key, a clear only by the one that released it, and never one without the other.
# KEYS: active-key hash, alarms stream. ARGV: event, key, alarm id (raise), maxlen, fields...
CLAIM_AND_PUBLISH = """
local alarm_id = ARGV[3]
if ARGV[1] == 'raised' then
  if redis.call('HSETNX', KEYS[1], ARGV[2], alarm_id) == 0 then return 0 end
else
  alarm_id = redis.call('HGET', KEYS[1], ARGV[2])
  if not alarm_id then return 0 end
  redis.call('HDEL', KEYS[1], ARGV[2])
end
local fields = {'alarm_id', alarm_id}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', unpack(fields))
return 1
"""


def publish(r: redis.Redis, decisions: Iterable[Decision]) -> int:
    """Publish each decision that changes the active-key map; returns how many did."""
    decisions = list(decisions)
    if not decisions:
        return 0
    script = r.register_script(CLAIM_AND_PUBLISH)
    pipe = r.pipeline(transaction=False)
    for d in decisions:
        flat = [x for kv in alarm_fields(d).items() for x in kv]
        script(keys=[streams.ACTIVE_RULE_ALARMS, streams.ALARMS],
               args=[d.event, d.key, new_alarm_id(d), streams.ALARMS_MAXLEN, *flat], client=pipe)
    return sum(int(x) for x in pipe.execute())
