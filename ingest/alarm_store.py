"""Consumer group on `cityops:alarms`: every entry, from any producer, lands in SQL once.

The audit row's unique stream_id is the exactly-once guard: a replayed entry finds its
row already there and changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

import redis
from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access import streams
from data_access.models import Alarm, AlarmEvent
from ingest.alarm_lifecycle import AlarmEntry, apply_event, parse_alarm_entry
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
    return sum(store_entry(conn, entry_id.decode(), e) for entry_id, _, e in items)


def _insert(conn: Connection, table):
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def store_entry(conn: Connection, stream_id: str, e: AlarmEntry) -> bool:
    """Audit row first; only if it is new does the alarm itself change. True if applied."""
    audit = _insert(conn, AlarmEvent.__table__).on_conflict_do_nothing().values(
        stream_id=stream_id, alarm_id=e.alarm_id, event=e.event, ts=e.ts, user=e.user,
        note=e.note, payload={"severity": e.severity, "value": e.value, "type": e.type,
                              "device_id": e.device_id, "message": e.message,
                              "until": e.until.isoformat() if e.until else None,
                              "department": e.department},
    )
    if conn.execute(audit).rowcount == 0:
        return False
    current = conn.execute(
        select(Alarm.__table__).where(Alarm.alarm_id == e.alarm_id)
    ).mappings().first()
    row = apply_event(dict(current) if current else None, e)
    if row is None:
        return True  # kept in the audit trail; applied if its alarm is raised later
    table = Alarm.__table__
    if current is None:
        # Events that arrived before their `raised` (another consumer was slower) are
        # applied now, in time order, so a clear is not lost to the race.
        for early in _earlier_orphans(conn, e.alarm_id, stream_id):
            row = apply_event(row, early) or row
        conn.execute(table.insert().values(**row))
    else:
        conn.execute(table.update().where(table.c.alarm_id == e.alarm_id).values(**row))
    return True


def _earlier_orphans(conn: Connection, alarm_id: str, stream_id: str) -> list[AlarmEntry]:
    events = AlarmEvent.__table__
    rows = conn.execute(
        select(events.c.event, events.c.ts, events.c.user, events.c.note)
        .where(events.c.alarm_id == alarm_id, events.c.stream_id != stream_id,
               events.c.event != "raised")
        .order_by(events.c.ts)
    ).all()
    return [AlarmEntry(event=r.event, alarm_id=alarm_id, ts=_utc(r.ts), user=r.user, note=r.note)
            for r in rows]


def _utc(ts: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; they were written in UTC."""
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)
