"""What the alarm console reads from SQL: the alarm table under the console's filters, one
alarm's audit trail, and the raised events the alarm-system health is computed from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, select

from data_access.db import frame_of
from data_access.models import Alarm, AlarmEvent, Device
from data_access.streams import OPEN_STATES, SEVERITY_RANK

STATE_ORDER = {"active_unack": 0, "cleared_unack": 1, "active_ack": 2, "shelved": 3,
               "closed": 4}
WINDOWS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7),
           "30d": timedelta(days=30)}
ALARM_COLUMNS = ["alarm_id", "device_id", "domain", "severity", "type", "message", "state",
                 "value", "raised_at", "updated_at", "count", "acknowledged_by",
                 "shelved_until", "assigned_to"]


@dataclass(frozen=True)
class AlarmFilter:
    """The console's filters; empty lists mean everything. window "open" = every alarm still
    open whenever it was raised; otherwise alarms raised within the window, in any state."""

    domains: list[str] = field(default_factory=list)
    severities: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    window: str = "open"


def utc(ts) -> datetime | None:
    if ts is None or pd.isna(ts):
        return None
    ts = pd.Timestamp(ts)
    return (ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")).to_pydatetime()


def alarm_rows(engine: Engine, f: AlarmFilter, now: datetime | None = None,
               limit: int = 5000) -> pd.DataFrame:
    """Alarms under the filter, in the console's order: state, severity, newest first."""
    now = now or datetime.now(UTC)
    q = select(*[getattr(Alarm, c) for c in ALARM_COLUMNS], Device.unit).outerjoin(
        Device, Device.id == Alarm.device_id)
    if f.window in WINDOWS:
        q = q.where(Alarm.raised_at >= now - WINDOWS[f.window])
    else:
        q = q.where(Alarm.state.in_(OPEN_STATES))
    if f.domains:
        q = q.where(Alarm.domain.in_(f.domains))
    if f.severities:
        q = q.where(Alarm.severity.in_(f.severities))
    if f.states:
        q = q.where(Alarm.state.in_(f.states))
    if f.units:
        q = q.where(Device.unit.in_(f.units)
                    | Alarm.device_id.in_([f"unit:{u}" for u in f.units]))
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(Alarm.updated_at.desc()).limit(limit)).all()
    frame = frame_of(rows, [*ALARM_COLUMNS, "unit"])
    # A unit's own alarm (cross-domain rules) has no device row: its unit is in its id.
    pseudo = frame["device_id"].fillna("").str.startswith("unit:") & frame["unit"].isna()
    frame.loc[pseudo, "unit"] = frame.loc[pseudo, "device_id"].str.removeprefix("unit:")
    frame["state_rank"] = frame["state"].map(STATE_ORDER).fillna(9)
    frame["sev_rank"] = frame["severity"].map(SEVERITY_RANK).fillna(9)
    return frame.sort_values(["state_rank", "sev_rank", "raised_at"],
                             ascending=[True, True, False]).reset_index(drop=True)


def alarm_domains(engine: Engine, alarm_ids: list[str]) -> dict[str, str | None]:
    """alarm id -> its domain, for the alarms the store holds (an id not raised yet is absent)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Alarm.alarm_id, Alarm.domain)
                            .where(Alarm.alarm_id.in_(list(alarm_ids))))
        return {alarm_id: domain for alarm_id, domain in rows}


def alarm_trail(engine: Engine, alarm_id: str) -> pd.DataFrame:
    """Every event of one alarm, oldest first: who did what and when."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(AlarmEvent.ts, AlarmEvent.event, AlarmEvent.user, AlarmEvent.note,
                   AlarmEvent.payload)
            .where(AlarmEvent.alarm_id == alarm_id).order_by(AlarmEvent.ts, AlarmEvent.id)
        ).all()
    frame = frame_of(rows, ["ts", "event", "user", "note", "payload"])
    for col in ("user", "note"):  # None, not NaN: the panel prints what is there
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def raised_events(engine: Engine, since: datetime) -> pd.DataFrame:
    """Every `raised` since `since` (repeats included: each is an annunciation), with what
    the health metrics need: when, which alarm, its device, type and severity."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(AlarmEvent.ts, AlarmEvent.alarm_id, AlarmEvent.payload)
            .where(AlarmEvent.event == "raised", AlarmEvent.ts >= since)
        ).all()
    payloads = [r.payload or {} for r in rows]
    return pd.DataFrame({
        "ts": pd.to_datetime([r.ts for r in rows], utc=True),
        "alarm_id": [r.alarm_id for r in rows],
        "device_id": [p.get("device_id") for p in payloads],
        "type": [p.get("type") for p in payloads],
        "severity": [p.get("severity") for p in payloads],
    })


def open_alarms_since(engine: Engine) -> pd.DataFrame:
    """Open alarms with when they were raised: standing alarms are among them."""
    with engine.connect() as conn:
        rows = conn.execute(select(Alarm.alarm_id, Alarm.device_id, Alarm.type, Alarm.raised_at,
                                   Alarm.state).where(Alarm.state.in_(OPEN_STATES))).all()
    frame = frame_of(rows, ["alarm_id", "device_id", "type", "raised_at", "state"])
    frame["raised_at"] = pd.to_datetime(frame["raised_at"], utc=True)
    return frame
