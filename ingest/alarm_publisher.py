"""Turn rule decisions into entries on `cityops:alarms`, at most one active alarm per key.

HSETNX / HDEL on the shared key map make the decision race-free between several ingest
consumers: only the one that claims the key publishes.
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


def alarm_entry(decision: Decision, alarm_id: str, now: datetime | None = None) -> dict[str, str]:
    entry = {
        "event": decision.event,
        "alarm_id": alarm_id,
        "device_id": decision.device_id,
        "domain": decision.domain,
        "severity": decision.severity,
        "type": decision.type,
        "message": decision.message,
        "ts": (now or datetime.now(UTC)).isoformat(),
        "user": "rules",
    }
    if decision.value is not None:
        entry["value"] = repr(float(decision.value))
    return entry


def publish(r: redis.Redis, decisions: Iterable[Decision]) -> int:
    """Claim or release each key, then XADD only the decisions this process won."""
    decisions = list(decisions)
    if not decisions:
        return 0
    claim = r.pipeline(transaction=False)
    ids: list[str] = []
    for d in decisions:
        if d.event == "raised":
            alarm_id = new_alarm_id(d)
            ids.append(alarm_id)
            claim.hsetnx(streams.ACTIVE_RULE_ALARMS, d.key, alarm_id)
        else:
            ids.append("")
            claim.hget(streams.ACTIVE_RULE_ALARMS, d.key)
    results = claim.execute()
    out = r.pipeline(transaction=True)
    published = 0
    for d, alarm_id, result in zip(decisions, ids, results, strict=True):
        if d.event == "raised" and result:
            out.xadd(streams.ALARMS, alarm_entry(d, alarm_id),
                     maxlen=streams.ALARMS_MAXLEN, approximate=True)
            published += 1
        elif d.event == "cleared" and result:
            out.hdel(streams.ACTIVE_RULE_ALARMS, d.key)
            out.xadd(streams.ALARMS, alarm_entry(d, result.decode()),
                     maxlen=streams.ALARMS_MAXLEN, approximate=True)
            published += 1
    out.execute()
    return published
