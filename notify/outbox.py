"""The notifications outbox in SQL: what is planned, what waits, what went. A notice planned
twice is inserted once (its unique key); a row waits, with its attempts and last error, until
its channel takes it or its alarm no longer needs it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from data_access.db import as_utc
from data_access.models import Alarm, Device, Notification
from notify.plan import NOTIFIED_STATE, Notice, OpenAlarm, Pending

TABLE = Notification.__table__


def open_alarms(conn: Connection, severities: Iterable[str]) -> list[OpenAlarm]:
    """The alarms nobody has taken yet, of the severities some department is told of."""
    a = Alarm.__table__.c
    rows = conn.execute(select(a.alarm_id, a.raised_at, a.severity, a.state, a.domain,
                               a.assigned_to)
                        .where(a.state == NOTIFIED_STATE, a.severity.in_(list(severities))))
    return [OpenAlarm(r.alarm_id, as_utc(r.raised_at), r.severity, r.state, r.domain,
                      r.assigned_to) for r in rows]


def add(conn: Connection, notices: Sequence[Notice], now: datetime) -> int:
    """Insert the notices not planned before; how many were new."""
    if not notices:
        return 0
    rows = [{"alarm_id": n.alarm_id, "raised_at": n.raised_at, "department": n.department,
             "contact": n.contact.name, "lang": n.contact.lang, "channel": n.channel,
             "address": n.address, "round": n.round, "kind": n.kind, "status": "pending",
             "created_at": now, "next_attempt_at": now, "attempts": 0} for n in notices]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(TABLE).on_conflict_do_nothing().returning(TABLE.c.id)
    return len(conn.execute(stmt, rows).all())


def due(conn: Connection, now: datetime, limit: int = 5000) -> list[Pending]:
    c = TABLE.c
    rows = conn.execute(select(c.id, c.alarm_id, c.department, c.contact, c.lang, c.channel,
                               c.address, c.kind, c.attempts)
                        .where(c.status == "pending", c.next_attempt_at <= now)
                        .order_by(c.id).limit(limit))
    return [Pending(*r) for r in rows]


def alarm_rows(conn: Connection, alarm_ids: Iterable[str]) -> dict[str, dict]:
    a = Alarm.__table__
    return {r["alarm_id"]: dict(r) for r in conn.execute(
        select(a).where(a.c.alarm_id.in_(sorted(set(alarm_ids))))).mappings()}


def devices(conn: Connection, device_ids: Iterable[str]) -> dict[str, dict]:
    d = Device.__table__.c
    wanted = sorted({i for i in device_ids if i})
    if not wanted:
        return {}
    return {r.id: {"el": r.name_el, "en": r.name_en, "unit": r.unit} for r in conn.execute(
        select(d.id, d.name_el, d.name_en, d.unit).where(d.id.in_(wanted)))}


def last_sent(conn: Connection, since: datetime) -> dict[tuple[str, str], datetime]:
    c = TABLE.c
    rows = conn.execute(select(c.channel, c.address, func.max(c.sent_at))
                        .where(c.status == "sent", c.sent_at >= since)
                        .group_by(c.channel, c.address))
    return {(ch, addr): as_utc(at) for ch, addr, at in rows}


def raised_since(conn: Connection, since: datetime) -> int:
    """New alarms since then (for the EEMUA flood measure)."""
    a = Alarm.__table__.c
    return conn.execute(select(func.count()).where(a.raised_at >= since)).scalar_one()


def mark_sent(conn: Connection, ids: Sequence[int], now: datetime) -> None:
    conn.execute(update(TABLE).where(TABLE.c.id.in_(ids)).values(
        status="sent", sent_at=now, attempts=TABLE.c.attempts + 1, last_error=None))


def mark_failed(conn: Connection, ids: Sequence[int], error: str, retry_at: datetime) -> None:
    conn.execute(update(TABLE).where(TABLE.c.id.in_(ids)).values(
        attempts=TABLE.c.attempts + 1, last_error=error, next_attempt_at=retry_at))


def mark_dropped(conn: Connection, ids: Sequence[int], reason: str) -> None:
    conn.execute(update(TABLE).where(TABLE.c.id.in_(ids)).values(status="dropped",
                                                                last_error=reason))


def summary(conn: Connection, since: datetime) -> dict[str, int]:
    """For the admin page: what waits, what keeps failing, what went since `since`."""
    c = TABLE.c
    waiting = conn.execute(select(func.count()).where(c.status == "pending")).scalar_one()
    failing = conn.execute(select(func.count()).where(c.status == "pending",
                                                      c.attempts > 0)).scalar_one()
    sent = conn.execute(select(func.count()).where(c.status == "sent",
                                                   c.sent_at >= since)).scalar_one()
    last_error = conn.execute(select(c.last_error).where(c.status == "pending",
                                                         c.last_error.is_not(None))
                              .order_by(c.id.desc()).limit(1)).scalar()
    return {"waiting": waiting, "failing": failing, "sent": sent, "last_error": last_error}
