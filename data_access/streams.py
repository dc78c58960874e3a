"""The three Redis streams of the contract, the consumer groups that read them, and the
Redis keys kept beside them."""

from __future__ import annotations

from redis.exceptions import ResponseError

TELEMETRY = "cityops:telemetry"
ALARMS = "cityops:alarms"
DEADLETTER = "cityops:deadletter"

INGEST_GROUP = "ingest"
ALARM_STORE_GROUP = "alarm-store"

# Counters and fast state kept beside the streams.
DEADLETTER_COUNT = "cityops:deadletter:count"  # hash: reason code -> count
LATEST = "cityops:latest"  # hash: device_id -> JSON of the newest reading (the map reads it)
LAST_SEEN = "cityops:last_seen"  # hash: device_id -> epoch seconds of newest reading
# Which devices' LATEST / LAST_SEEN moved, in order: a zset device_id -> the number of the
# write that last moved it (from the STATE_WRITES counter). One member per device, so it is
# bounded by the city; a web process reads only the devices past the number it has seen.
STATE_CHANGED = "cityops:state:changed"
STATE_WRITES = "cityops:state:writes"
ALARMS_VERSION = "cityops:alarms:version"  # bumped by the alarm store after each commit
# hash: "device|rule" -> "<epoch s of its last published raise>|<alarm_id>" (ingest/rules)
ACTIVE_RULE_ALARMS = "cityops:rule_alarms"
# Pub/sub: the alarm store says "SQL has new alarm events" (the version), screens hear it.
ALARMS_CHANGED = "cityops:alarms:changed"
# State of the rules engine, shared by every ingest consumer and bounded by trim and expiry:
RULE_SAMPLES = "cityops:rules:samples:"  # + "device|metric": zset of recent values (windows)
RULE_PENDING = "cityops:rules:pending:"  # + "device|rule": a running on- or off-delay
RULE_TERMS = "cityops:rules:terms:"  # + "rule|unit": hash, each device's figure per condition

SEVERITIES = ("critical", "major", "minor", "warning")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # 0 = most severe
# A notification sent or failed (notify/): for the audit trail; the alarm stays as it is.
NOTICE_EVENTS = ("notified", "notify_failed")
ALARM_EVENTS = ("raised", "acknowledged", "shelved", "unshelved", "cleared", "commented",
                "assigned", *NOTICE_EVENTS)
OPEN_STATES = ("active_unack", "active_ack", "cleared_unack", "shelved")

# Alarm types of the built-in device-health rules, with their messages.
OFFLINE = "offline"
BATTERY_LOW = "battery_low"
WEAK_SIGNAL = "weak_signal"
OFFLINE_MESSAGE = {"el": "Η συσκευή δεν αναφέρει", "en": "Device not reporting"}
BATTERY_MESSAGE = {"el": "Χαμηλή μπαταρία", "en": "Battery low"}
WEAK_SIGNAL_MESSAGE = {"el": "Ασθενές σήμα LoRaWAN", "en": "Weak LoRaWAN signal"}

# The SQL tables are the record. Telemetry and alarm streams are never trimmed by their
# producers (that would cut what no consumer has read yet): each consumer trims what every
# group has read and acknowledged (trim_consumed). What waits is bounded instead by
# back-pressure: producers of telemetry refuse to add beyond BACKLOG_LIMIT (an HTTP sender
# is told to retry, the MQTT bridge does not acknowledge, the broker keeps the rest).
BACKLOG_LIMIT = {"cityops:telemetry": 2_000_000}  # entries; ~1 GB of Redis at the limit
DEADLETTER_MAXLEN = 100_000  # kept for people to look at; every refusal is counted too
DEVICES_VERSION = "cityops:devices:version"  # bumped whenever the device set changes (an
# import, the admin page, a seed): every ingest worker reloads its directory at its next batch
LOST = "cityops:lost:count"  # hash: stream -> entries trimmed before they were processed


def deadletter(pipe, fields: dict, reason: str, detail: str, origin: str,
               entry_id: str | None = None) -> None:
    """Queue on `pipe` the dead-letter entry (the original fields plus why and from where,
    so it can be inspected and replayed) and count it by reason."""
    from datetime import UTC, datetime

    entry: dict = {}
    for k, v in list(fields.items())[:KEPT_FIELDS]:
        entry.update(_kept(f"orig_{k}" if k in ("reason", "detail") else k, v))
    if len(fields) > KEPT_FIELDS:
        entry["fields_dropped"] = str(len(fields) - KEPT_FIELDS)
    entry.update(reason=reason, detail=detail, stream=origin,
                 rejected_at=datetime.now(UTC).isoformat())
    if entry_id:
        entry["entry_id"] = entry_id
    pipe.xadd(DEADLETTER, entry, maxlen=DEADLETTER_MAXLEN, approximate=True)
    pipe.hincrby(DEADLETTER_COUNT, reason, 1)
    if origin != ALARMS:
        count_source(pipe, {source_of(fields, origin): 1}, "refused")


INTAKE_SOURCES = "cityops:intake:sources"  # hash: "<source>|accepted" and "<source>|refused"
# -> entries, "<source>|last" -> epoch seconds of the latest entry taken or refused
ORIGIN_SOURCES = {"http", "mqtt"}  # a refusal at the door, before any entry had a source


def source_of(fields: dict, origin: str) -> str:
    """Where an entry came from, as its producer named it (cut short), or the door it was
    refused at; "" when nobody said."""
    named = fields.get("source")
    if isinstance(named, bytes):
        named = named.decode("utf-8", "replace")
    if named:
        return str(named)[:40]
    return origin if origin in ORIGIN_SOURCES else ""


def count_source(pipe, counts: dict[str, int], outcome: str) -> None:
    """Queue on `pipe` entries taken ("accepted") or refused ("refused") per source."""
    import time

    now = repr(time.time())
    for source, n in counts.items():
        pipe.hincrby(INTAKE_SOURCES, f"{source}|{outcome}", n)
        pipe.hset(INTAKE_SOURCES, f"{source}|last", now)


def intake_sources(redis) -> list[dict]:
    """Per source: entries accepted and refused, and when the latest came; busiest first."""
    by: dict[str, dict] = {}
    for raw_key, raw in redis.hgetall(INTAKE_SOURCES).items():
        source, _, what = _text(raw_key).rpartition("|")
        row = by.setdefault(source, {"source": source, "accepted": 0, "refused": 0,
                                     "last": None})
        row[what] = float(raw) if what == "last" else int(raw)
    return sorted(by.values(), key=lambda r: (-(r["accepted"] + r["refused"]), r["source"]))


UNMAPPED_COUNT = "cityops:unmapped:count"  # hash: device_id -> uplinks with unmapped keys
UNMAPPED_SAMPLE = "cityops:unmapped:sample"  # hash: device_id -> JSON {key: value}, latest


def note_unmapped(pipe, unmapped: dict[str, dict]) -> None:
    """Queue on `pipe` the payload keys no profile maps, per device: counted, and the latest
    of them kept as a sample (cut short) for whoever writes the device's profile."""
    import orjson

    for device_id, keys in unmapped.items():
        pipe.hincrby(UNMAPPED_COUNT, device_id, 1)
        sample = {str(k)[:64]: str(v)[:64] for k, v in list(keys.items())[:16]}
        pipe.hset(UNMAPPED_SAMPLE, device_id, orjson.dumps(sample))


KEPT_BYTES = 2048  # what a dead-letter entry keeps of each refused field
KEPT_FIELDS = 32  # and of how many fields


def entry_bytes(fields: dict) -> int:
    return sum(len(str(k)) + len(v if isinstance(v, bytes) else str(v)) for k, v in
               fields.items())


def _kept(key: str, value) -> dict:
    """One refused field as the dead-letter stream keeps it: its first KEPT_BYTES, with its
    whole size and SHA-256 when it was longer (enough to find it again at the sender, never
    a second copy of a megabyte)."""
    import hashlib

    raw = value if isinstance(value, bytes) else str(value).encode()
    if len(raw) <= KEPT_BYTES:
        return {key: value}
    return {key: raw[:KEPT_BYTES], f"{key}_bytes": str(len(raw)),
            f"{key}_sha256": hashlib.sha256(raw).hexdigest()}


class Backlogged(RuntimeError):
    """The stream holds as much unprocessed work as it may: the producer must hold back."""


def check_room(redis, stream: str, adding: int = 1) -> None:
    """Raise Backlogged when `adding` more entries would pass the stream's backlog limit."""
    limit = BACKLOG_LIMIT.get(stream)
    if limit is not None and redis.xlen(stream) + adding > limit:
        raise Backlogged(f"{stream} holds {limit:,} entries not yet stored; try again later")


def _next_id(entry_id: str) -> str:
    ms, _, seq = entry_id.partition("-")
    return f"{ms}-{int(seq or 0) + 1}"


def _oldest_unfinished(redis, stream: str, group: dict) -> str:
    """The first id this group still needs: its oldest pending entry, else the one after
    the last it was given."""
    if int(group["pending"]):
        oldest = redis.xpending(stream, group["name"])["min"]
        if oldest is not None:  # a peer may have acknowledged them all since XINFO
            return _text(oldest)
    return _next_id(_text(group["last-delivered-id"]))


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _groups(redis, stream: str) -> list[dict]:
    return redis.xinfo_groups(stream) if redis.exists(stream) else []


def trim_consumed(redis, stream: str) -> int:
    """Trim the entries every consumer group of `stream` has been given and acknowledged;
    how many went. A stream without a group keeps everything (nobody has read it yet)."""
    groups = _groups(redis, stream)
    if not groups:
        return 0
    first_needed = min((_oldest_unfinished(redis, stream, g) for g in groups),
                       key=lambda i: tuple(int(x) for x in i.split("-")))
    return int(redis.xtrim(stream, minid=first_needed, approximate=False))


def count_lost(redis, stream: str, n: int) -> None:
    if n:
        redis.hincrby(LOST, stream, n)


def ensure_group(redis, stream: str, group: str) -> bool:
    """Create the consumer group (and the stream) if it does not exist yet; True if made."""
    try:
        redis.xgroup_create(stream, group, id="0", mkstream=True)
        return True
    except Exception as exc:  # redis.ResponseError: BUSYGROUP when it exists already
        if "BUSYGROUP" not in str(exc):
            raise
        return False


GROUPS_RECREATED = "cityops:groups:recreated"  # hash "stream|group" -> times recreated


def group_lost(exc: BaseException) -> bool:
    """Redis answered NOGROUP: the consumer group (or its stream) is gone, as after a Redis
    that came back empty (no persistence, a failover to an empty replica, FLUSHALL)."""
    return isinstance(exc, ResponseError) and str(exc).startswith("NOGROUP")


def recreate_group(redis, stream: str, group: str) -> None:
    """Make the group again, from the start of whatever the stream holds now (what producers
    added since Redis came back is read, not skipped), and count that it happened (once:
    a peer that finds it made already does not count it again)."""
    if ensure_group(redis, stream, group):
        redis.hincrby(GROUPS_RECREATED, f"{stream}|{group}", 1)


def write_last_seen(redis, seen: dict[str, float]) -> None:
    """Set devices' last report times outside the ingest (tools, benchmarks, tests), logged
    in STATE_CHANGED as the ingest logs its own writes, so every screen follows."""
    if not seen:
        return
    number = redis.incr(STATE_WRITES)
    pipe = redis.pipeline(transaction=True)
    pipe.hset(LAST_SEEN, mapping=seen)
    pipe.zadd(STATE_CHANGED, dict.fromkeys(seen, number))
    pipe.execute()


def intake_health(redis) -> dict:
    """What the admin is shown of the streams: per stream, entries waiting, entries given to
    a consumer and not yet done, entries lost (trimmed before they were done), consumer
    groups recreated; and refusals by reason."""
    def counts(key: str) -> dict[str, int]:
        return {_text(k): int(v) for k, v in redis.hgetall(key).items()}

    lost, recreated = counts(LOST), counts(GROUPS_RECREATED)
    rows = []
    for stream in (TELEMETRY, ALARMS):
        groups = _groups(redis, stream)
        rows.append({"stream": stream, "waiting": int(redis.xlen(stream)),
                     "pending": sum(int(g["pending"]) for g in groups),
                     "lost": lost.get(stream, 0),
                     "recreated": sum(n for k, n in recreated.items()
                                      if k.startswith(stream + "|"))})
    return {"streams": rows, "refused": counts(DEADLETTER_COUNT),
            "unmapped": unmapped_keys(redis)}


def unmapped_keys(redis, limit: int | None = 20) -> list[dict]:
    """The devices whose payloads carry keys no profile maps, most uplinks first: each with
    how many uplinks and the latest such keys (what the profile still needs)."""
    import orjson

    counts = {_text(k): int(v) for k, v in redis.hgetall(UNMAPPED_COUNT).items()}
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    samples = redis.hmget(UNMAPPED_SAMPLE, [d for d, _ in top]) if top else []
    return [{"device_id": d, "uplinks": n, "keys": sorted(orjson.loads(raw or b"{}"))}
            for (d, n), raw in zip(top, samples, strict=True)]
