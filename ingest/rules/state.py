"""The rules engine's memory in Redis, shared by every ingest consumer: recent samples for
windows (sorted sets, trimmed to the longest window and expiring when a device falls silent),
running delays (strings with a TTL), and the active-alarm map the publisher keeps.

One pipeline records a batch's samples and reads everything its rules need.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import orjson
import redis

from data_access import streams
from data_access.city_config import CityConfig
from ingest.rules.core import DeviceInfo, KeyState, Pending
from ingest.rules.engine import Outcome, Plan
from ingest.rules.observation import Facts
from ingest.rules.window import Sample
from ingest.validation import Telemetry

MAX_SAMPLES = 2_000  # per device and metric, whatever its reporting rate
EXPIRY_MARGIN_S = 300


def samples_key(device_id: str, metric: str) -> str:
    return f"{streams.RULE_SAMPLES}{device_id}|{metric}"


def pending_key(key: str) -> str:
    return f"{streams.RULE_PENDING}{key}"


def _record(pipe, batch: Sequence[Telemetry], devices: Mapping[str, DeviceInfo],
            config: CityConfig) -> None:
    """ZADD every windowed value of the batch (replays add nothing: same member), then trim
    each touched series to its window and let it expire if the device falls silent."""
    windows = config.rule_index.windows
    newest: dict[str, tuple[float, float]] = {}  # key -> (newest ts, seconds to keep)
    for t in batch:
        info = devices.get(t.device_id)
        wanted = windows.get(info.kind, {}) if info else {}
        ts = t.ts.timestamp()
        for metric, keep in wanted.items():
            value = t.values.get(metric)
            if value is None:
                continue
            key = samples_key(t.device_id, metric)
            pipe.zadd(key, {f"{ts!r}:{value!r}": ts})
            newest[key] = (max(ts, newest.get(key, (ts, keep))[0]), keep)
    for key, (ts, keep) in newest.items():
        pipe.zremrangebyscore(key, "-inf", f"({ts - keep!r}")
        pipe.zremrangebyrank(key, 0, -MAX_SAMPLES - 1)
        pipe.expire(key, math.ceil(keep) + EXPIRY_MARGIN_S)


def _sample(member: bytes, score: float) -> Sample:
    return score, float(member.rsplit(b":", 1)[1])


def record_and_read(r: redis.Redis, batch: Sequence[Telemetry],
                    devices: Mapping[str, DeviceInfo], config: CityConfig,
                    plan: Plan) -> tuple[Facts, dict[str, KeyState]]:
    """Store the batch's samples and read the plan's facts and key states in one round trip."""
    pipe = r.pipeline(transaction=False)
    _record(pipe, batch, devices, config)
    recorded = len(pipe)
    series = sorted(plan.series)
    for device_id, metric in series:
        pipe.zrange(samples_key(device_id, metric), 0, -1, withscores=True)
    latest_ids = sorted(plan.latest)
    if latest_ids:
        pipe.hmget(streams.LATEST, latest_ids)
    keys, delayed = plan.keys, plan.delayed
    if keys:
        pipe.hmget(streams.ACTIVE_RULE_ALARMS, keys)
        pipe.hmget(streams.RULE_RAISED_AT, keys)
    if delayed:
        pipe.mget([pending_key(k) for k in delayed])
    replies = iter(pipe.execute()[recorded:])
    samples = {s: [_sample(m, score) for m, score in next(replies)] for s in series}
    latest = {}
    if latest_ids:
        for device_id, raw in zip(latest_ids, next(replies), strict=True):
            if raw is not None:
                latest[device_id] = orjson.loads(raw).get("values", {})
    return Facts(samples, latest), _key_states(keys, delayed, replies)


def _key_states(keys: Sequence[str], delayed: Sequence[str], replies) -> dict[str, KeyState]:
    if not keys:
        return {}
    active, raised = next(replies), next(replies)
    pending = dict(zip(delayed, next(replies), strict=True)) if delayed else {}
    states = {}
    for key, alarm_id, raised_at in zip(keys, active, raised, strict=True):
        p = Pending.decode(pending.get(key))
        if alarm_id is not None or p is not None or raised_at is not None:
            states[key] = KeyState(alarm_id is not None, p,
                                   float(raised_at) if raised_at is not None else None)
    return states


def read_states(r: redis.Redis, keys: Sequence[str]) -> dict[str, KeyState]:
    """Active flag and last raise of `keys` (for rules without delays, e.g. offline)."""
    if not keys:
        return {}
    pipe = r.pipeline(transaction=False)
    pipe.hmget(streams.ACTIVE_RULE_ALARMS, keys)
    pipe.hmget(streams.RULE_RAISED_AT, keys)
    return _key_states(keys, (), iter(pipe.execute()))


def write_pending(r: redis.Redis, outcome: Outcome) -> None:
    """Remember running delays (with a TTL: a forgotten one just starts afresh), drop ended."""
    if not outcome.pending:
        return
    pipe = r.pipeline(transaction=False)
    for key, (pending, memory_s) in outcome.pending.items():
        if pending is None:
            pipe.delete(pending_key(key))
        else:
            pipe.set(pending_key(key), pending.encode(), ex=max(1, math.ceil(memory_s)))
    pipe.execute()
