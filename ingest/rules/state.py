"""The rules engine's memory in Redis, shared by every ingest consumer: recent samples for
windows (sorted sets, trimmed to the longest window and expiring when a device falls silent),
running delays (strings with a TTL), each device's last figure for the conditions of unit
rules (a hash per rule and unit, with a TTL), and the active-alarm map the publisher keeps.

One pipeline records a batch's samples and reads everything its rules need; another writes
what the batch leaves to remember.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import redis

from data_access import streams
from data_access.city_config import CityConfig
from ingest.rules.core import DeviceInfo, KeyState, Pending
from ingest.rules.engine import Outcome, Plan
from ingest.rules.observation import Facts, Term
from ingest.rules.window import Sample
from ingest.validation import Telemetry

MAX_SAMPLES = 2_000  # per device and metric, whatever its reporting rate
EXPIRY_MARGIN_S = 300


def samples_key(device_id: str, metric: str) -> str:
    return f"{streams.RULE_SAMPLES}{device_id}|{metric}"


def pending_key(key: str) -> str:
    return f"{streams.RULE_PENDING}{key}"


def terms_key(rule_id: str, unit: str) -> str:
    return f"{streams.RULE_TERMS}{rule_id}|{unit}"


def _term(raw: bytes) -> Term | None:
    try:
        value, at = raw.split(b"|")
        return float(value), float(at)
    except ValueError:
        return None


def _record(pipe, batch: Sequence[Telemetry], devices: Mapping[str, DeviceInfo],
            config: CityConfig) -> None:
    """ZADD every windowed value of the batch (replays add nothing: same member), then trim
    each touched series to its window and let it expire if the device falls silent."""
    windows = config.rule_index.windows
    newest: dict[str, tuple[float, float]] = {}  # key -> (newest ts, seconds to keep)
    for t in batch:
        info = devices.get(t.device_id)
        wanted = windows.get(info.kind) if info else None
        if not wanted:
            continue
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
    units = sorted(plan.units)
    for rule_id, unit in units:
        pipe.hgetall(terms_key(rule_id, unit))
    keys, delayed = plan.keys, plan.delayed
    if keys:
        pipe.hmget(streams.ACTIVE_RULE_ALARMS, keys)
    if delayed:
        pipe.mget([pending_key(k) for k in delayed])
    replies = iter(pipe.execute()[recorded:])
    samples = {s: [_sample(m, score) for m, score in next(replies)] for s in series}
    terms = {}
    for rule_unit in units:
        parsed = {k.decode(): _term(v) for k, v in next(replies).items()}
        terms[rule_unit] = {k: t for k, t in parsed.items() if t is not None}
    return Facts(samples, terms), _key_states(keys, delayed, replies)


def _raised_at(active: bytes) -> float | None:
    """The time of the last raise from the active map's "<time>|<alarm id>"."""
    at, bar, _ = active.partition(b"|")
    try:
        return float(at) if bar else None
    except ValueError:
        return None


def _key_states(keys: Sequence[str], delayed: Sequence[str], replies) -> dict[str, KeyState]:
    """KeyState of the keys Redis has something for (the others are all defaults)."""
    if not keys:
        return {}
    active = {k: v for k, v in zip(keys, next(replies), strict=True) if v is not None}
    pending = {k: p for k, raw in zip(delayed, next(replies) if delayed else (), strict=True)
               if raw is not None and (p := Pending.decode(raw)) is not None}
    return {key: KeyState(key in active, pending.get(key),
                          _raised_at(active[key]) if key in active else None)
            for key in active.keys() | pending.keys()}


def read_states(r: redis.Redis, keys: Sequence[str]) -> dict[str, KeyState]:
    """Active flag and last raise of `keys` (for rules without delays: offline)."""
    if not keys:
        return {}
    return _key_states(keys, (), iter([r.hmget(streams.ACTIVE_RULE_ALARMS, keys)]))


def write_memory(r: redis.Redis, outcome: Outcome) -> None:
    """Remember running delays (with a TTL: a forgotten one just starts afresh), drop ended
    ones, and store the reporting devices' figures for unit rules."""
    if not outcome.pending and not outcome.terms:
        return
    pipe = r.pipeline(transaction=False)
    for key, (pending, memory_s) in outcome.pending.items():
        if pending is None:
            pipe.delete(pending_key(key))
        else:
            pipe.set(pending_key(key), pending.encode(), ex=max(1, math.ceil(memory_s)))
    for (rule_id, unit), (terms, keep_s) in outcome.terms.items():
        key = terms_key(rule_id, unit)
        known = {k: f"{t[0]!r}|{t[1]!r}" for k, t in terms.items() if t is not None}
        unknown = [k for k, t in terms.items() if t is None]
        if known:
            pipe.hset(key, mapping=known)
        if unknown:
            pipe.hdel(key, *unknown)
        pipe.expire(key, max(1, math.ceil(keep_s)))
    pipe.execute()
