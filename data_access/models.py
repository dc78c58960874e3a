"""SQL schema (SQLAlchemy 2 typed models). The Alembic migrations under migrations/ create it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


UtcDateTime = DateTime(timezone=True)


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_el: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    domain: Mapped[str] = mapped_column(String(40), index=True)
    unit: Mapped[str] = mapped_column(String(40), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    connectivity: Mapped[str] = mapped_column(String(20))
    attrs: Mapped[dict] = mapped_column(JSON, default=dict)
    # The vendor model whose payloads it sends (config/profiles/); none: its kind's.
    profile: Mapped[str | None] = mapped_column(String(80))
    # LoRaWAN: 16 hex digits, upper case; the bridges find the device by it first.
    dev_eui: Mapped[str | None] = mapped_column(String(16), index=True, unique=True)


class Reading(Base):
    """Narrow table: one row per device, metric and time. The key makes a replay harmless."""

    __tablename__ = "readings"
    # Aggregates read one metric of many devices over a time range (migration 0003).
    __table_args__ = (Index("ix_readings_metric_ts", "metric", "ts"),)

    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    ts: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    value: Mapped[float] = mapped_column(Float)



class ReadingConflict(Base):
    """A second, different value for a reading already stored (same device, metric and
    time): the first stays the record, the other is kept here for someone to look at."""

    __tablename__ = "reading_conflicts"

    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    ts: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    offered: Mapped[float] = mapped_column(Float, primary_key=True)  # a replay adds nothing
    stored: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)

class DeviceState(Base):
    """Latest known state per device, so a page never scans readings to draw the map."""

    __tablename__ = "device_state"

    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    battery: Mapped[float | None] = mapped_column(Float)
    rssi: Mapped[float | None] = mapped_column(Float)
    snr: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(40))
    latest: Mapped[dict] = mapped_column(JSON, default=dict)  # metric -> value


class Alarm(Base):
    """One row per alarm occurrence; its state follows ISA-18.2."""

    __tablename__ = "alarms"

    alarm_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    device_id: Mapped[str | None] = mapped_column(String(64), index=True)
    domain: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    type: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), index=True)
    value: Mapped[float | None] = mapped_column(Float)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))
    shelved_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    count: Mapped[int] = mapped_column(Integer, default=1)
    assigned_to: Mapped[str | None] = mapped_column(String(80))  # a department id


class AlarmEvent(Base):
    """Audit trail: every entry of the alarms stream, once (stream_id is unique)."""

    __tablename__ = "alarm_events"
    __table_args__ = (Index("ix_alarm_events_alarm_ts", "alarm_id", "ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    stream_id: Mapped[str] = mapped_column(String(40), unique=True)
    alarm_id: Mapped[str] = mapped_column(String(160))
    event: Mapped[str] = mapped_column(String(20))
    ts: Mapped[datetime] = mapped_column(UtcDateTime)
    user: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)


class User(Base):
    """Someone who signs in. `name` is kept lower-case: "Maria" and "maria" are one account.
    `domains` bounds a department head to their domains (empty for the other roles)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    domains: Mapped[list] = mapped_column(JSON, default=list)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DisplayToken(Base):
    """A wall screen's sign-in: only the token's SHA-256 is kept, so a copy of the database
    signs no screen in; revoking sets `revoked_at` and the screen is out within seconds."""

    __tablename__ = "display_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Notification(Base):
    """The outbox of alarm notifications (notify/): one row per alarm occurrence, contact,
    channel and round (first notice, then each reminder), so a notice planned twice is one
    row; a row stays pending until its channel takes it, however long a server is down."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ux_notifications_notice", "alarm_id", "raised_at", "channel", "address", "round",
              unique=True),
        Index("ix_notifications_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alarm_id: Mapped[str] = mapped_column(String(160))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)  # which occurrence
    department: Mapped[str] = mapped_column(String(80))
    contact: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(20))  # email | webhook
    address: Mapped[str] = mapped_column(String(300))  # e-mail address, or the phone/name
    round: Mapped[int] = mapped_column(Integer)  # 0: first notice; n: n-th reminder period
    kind: Mapped[str] = mapped_column(String(20))  # first | reminder | escalation
    status: Mapped[str] = mapped_column(String(20))  # pending | sent | dropped
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
