"""Consumer group on `cityops:alarms`: every entry, from any producer, lands in SQL once.

The audit row's unique stream_id is the exactly-once guard: a replayed entry finds its
row already there and changes nothing. A batch is stored in one transaction with a handful
of statements (not a few per event), its events applied in stream order.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

import redis
from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access import streams
from data_access.db import as_utc
from data_access.models import Alarm, AlarmEvent
from ingest.alarm_lifecycle import AlarmEntry, apply_in_order, parse_alarm_entry
from ingest.stream_consumer import StreamConsumer, write_isolating
from ingest.validation import Rejected, decode_fields

ALARM_COLUMNS = [c.name for c in Alarm.__table__.columns]


class AlarmStoreConsumer(StreamConsumer):
    stream = streams.ALARMS
    group = streams.ALARM_STORE_GROUP

    def __init__(self, r: redis.Redis, engine: Engine, name: str = "alarm-store-1",
                 batch_size: int = 200, block_ms: int = 1000, claim_idle_ms: int = 30_000):
        super().__init__(r, name, batch_size, block_ms, claim_idle_ms)
        self.engine = engine

    def process(self, entries: Sequence[tuple[bytes, dict]]) -> int:
        good, bad = [], []
        for entry_id, fields in entries:
            parsed = parse_alarm_entry(fields)
            if isinstance(parsed, Rejected):
                bad.append((entry_id, fields, parsed))
            else:
                good.append((entry_id, fields, parsed))
        stored, refused = write_isolating(self.engine, good, _store_all)
        bad += [(item[0], item[1], reason) for item, reason in refused]
        pipe = self.r.pipeline(transaction=True)
        for entry_id, fields, reason in bad:
            streams.deadletter(pipe, decode_fields(fields), reason.code, reason.detail,
                               self.stream, entry_id.decode())
        if stored:  # pages cache the alarm list per version: a new one now that SQL has it
            pipe.incr(streams.ALARMS_VERSION)
        pipe.xack(streams.ALARMS, streams.ALARM_STORE_GROUP, *[e[0] for e in entries])
        pipe.execute()
        if stored:  # every open screen refreshes its alarms now (callbacks/alarm_push.py)
            self.r.publish(streams.ALARMS_CHANGED, str(time.time()))
        return stored


def _store_all(conn: Connection, items: Sequence[tuple[bytes, dict, AlarmEntry]]) -> int:
    """A batch in one transaction and a few statements, whatever its size: the audit rows
    (the new ones are the exactly-once guard), the alarms they touch, the events stored
    earlier for alarms not raised yet, then every alarm row changed."""
    new_ids = _insert_audit(conn, items)
    events = [e for entry_id, _, e in items if entry_id.decode() in new_ids]
    if not events:
        return 0
    table = Alarm.__table__
    alarm_ids = sorted({e.alarm_id for e in events})
    current: dict[str, dict | None] = dict.fromkeys(alarm_ids)
    # Locked (PostgreSQL) until commit: two alarm-store workers cannot both start from the
    # same row and overwrite each other's change (ids sorted: one lock order for all).
    mine = select(table).where(table.c.alarm_id.in_(alarm_ids)).with_for_update()
    for row in conn.execute(mine).mappings():
        current[row["alarm_id"]] = dict(row)
    absent = [a for a, row in current.items() if row is None]
    changed = apply_in_order(current, events, _stored_orphans(conn, absent, new_ids))
    inserts = [row for a, row in changed.items() if current[a] is None]
    updates = [{**row, "key": a} for a, row in changed.items() if current[a] is not None]
    if inserts:
        conn.execute(table.insert(), inserts)
    if updates:
        conn.execute(table.update().where(table.c.alarm_id == bindparam("key")),
                     [{k: v for k, v in row.items() if k != "alarm_id"} for row in updates])
    return len(events)


def _insert(conn: Connection, table):
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def _insert_audit(conn: Connection, items: Sequence[tuple[bytes, dict, AlarmEntry]]) -> set[str]:
    """Insert the audit rows; the stream ids that were new (a replay's rows exist already)."""
    rows = [{"stream_id": entry_id.decode(), "alarm_id": e.alarm_id, "event": e.event,
             "ts": e.ts, "user": e.user, "note": e.note,
             "payload": {"severity": e.severity, "value": e.value, "type": e.type,
                         "device_id": e.device_id, "message": e.message,
                         "until": e.until.isoformat() if e.until else None,
                         "department": e.department}}
            for entry_id, _, e in items]
    stmt = _insert(conn, AlarmEvent.__table__).on_conflict_do_nothing().returning(
        AlarmEvent.stream_id)
    return set(conn.execute(stmt, rows).scalars())


def _stored_orphans(conn: Connection, alarm_ids: list[str],
                    this_batch: set[str]) -> dict[str, list[AlarmEntry]]:
    """Events stored before this batch for alarms that do not exist yet."""
    if not alarm_ids:
        return {}
    events = AlarmEvent.__table__
    rows = conn.execute(
        select(events.c.alarm_id, events.c.event, events.c.ts, events.c.user, events.c.note,
               events.c.stream_id, events.c.payload)
        .where(events.c.alarm_id.in_(alarm_ids), events.c.event != "raised")
        .order_by(events.c.ts)
    ).all()
    found: dict[str, list[AlarmEntry]] = {}
    for r in rows:
        if r.stream_id not in this_batch:
            payload = r.payload or {}
            until = payload.get("until")
            found.setdefault(r.alarm_id, []).append(AlarmEntry(
                event=r.event, alarm_id=r.alarm_id, ts=as_utc(r.ts), user=r.user, note=r.note,
                until=as_utc(datetime.fromisoformat(until)) if until else None,
                department=payload.get("department")))
    return found
