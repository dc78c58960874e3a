"""ISA-18.2 alarm states and how each stream event moves an alarm. Pure functions.

States: active_unack -> (acknowledged) active_ack -> (cleared) closed;
        active_unack -> (cleared) cleared_unack -> (acknowledged) closed;
        any open state -> (shelved, until a time) shelved -> (unshelved) active_unack;
        shelved -> (cleared) closed.
Comments and assignments to a department change no state; they stay in the audit trail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from data_access.streams import ALARM_EVENTS, NOTICE_EVENTS, SEVERITIES
from ingest.validation import Rejected, _Reject, decode_fields, parse_ts

OPEN_STATES = ("active_unack", "active_ack", "cleared_unack", "shelved")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # 0 = most severe


@dataclass(frozen=True, slots=True)
class AlarmEntry:
    event: str
    alarm_id: str
    ts: datetime
    device_id: str | None = None
    domain: str | None = None
    severity: str | None = None
    type: str | None = None
    message: str = ""
    value: float | None = None
    user: str | None = None
    note: str | None = None
    until: datetime | None = None  # shelved: when it comes back by itself
    department: str | None = None  # assigned: to whom


# Column sizes in data_access/models.py: longer values would fail the whole SQL batch.
MAX_LENGTHS = {"alarm_id": 160, "device_id": 64, "domain": 40, "type": 60, "user": 80,
               "message": 2000, "note": 4000, "department": 80}


def parse_alarm_entry(fields: dict) -> AlarmEntry | Rejected:
    """Validate an alarms-stream entry from any producer; never raises."""
    try:
        return _parse_alarm_entry(decode_fields(fields))
    except Exception as exc:
        return Rejected("invalid", f"{type(exc).__name__}: {str(exc)[:160]}")


def _parse_alarm_entry(f: dict[str, str]) -> AlarmEntry | Rejected:
    event, alarm_id = f.get("event", ""), f.get("alarm_id", "")
    if event not in ALARM_EVENTS:
        return Rejected("bad_event", f"event must be one of {', '.join(ALARM_EVENTS)}")
    if not alarm_id:
        return Rejected("missing_field", "alarm_id missing")
    too_long = [k for k, n in MAX_LENGTHS.items() if len(f.get(k, "")) > n]
    if too_long or any("\x00" in v for v in f.values()):
        fields = ", ".join(too_long) or "a field"
        return Rejected("out_of_range", f"too long or NUL byte in: {fields}")
    severity = f.get("severity") or None
    if event == "raised" and severity not in SEVERITIES:
        return Rejected("bad_severity", f"severity must be one of {', '.join(SEVERITIES)}")
    try:
        ts = parse_ts(f["ts"]) if f.get("ts") else datetime.now(UTC)
        until = parse_ts(f["until"]) if f.get("until") else None
        value = float(f["value"]) if f.get("value") else None
    except _Reject as rej:
        return Rejected(rej.code, rej.detail)
    except ValueError:
        return Rejected("non_numeric", f"value is not a number: {f.get('value')!r}")
    if value is not None and not math.isfinite(value):
        return Rejected("non_numeric", f"value is not finite: {f.get('value')!r}")
    return AlarmEntry(
        event=event, alarm_id=alarm_id, ts=ts, device_id=f.get("device_id") or None,
        domain=f.get("domain") or None, severity=severity, type=f.get("type") or event,
        message=f.get("message", ""), value=value, user=f.get("user") or None,
        note=f.get("note") or None, until=until, department=f.get("department") or None,
    )


def _raised(current: dict | None, e: AlarmEntry) -> dict:
    if current is None or current["state"] == "closed":  # a new occurrence starts afresh
        return {
            "alarm_id": e.alarm_id, "device_id": e.device_id, "domain": e.domain,
            "severity": e.severity, "type": e.type, "message": e.message, "value": e.value,
            "state": "active_unack", "raised_at": e.ts, "updated_at": e.ts, "count": 1,
            "cleared_at": None, "acknowledged_at": None, "acknowledged_by": None,
            "shelved_until": None, "assigned_to": None,
        }
    # A repeat refreshes the alarm and counts; it never duplicates it.
    state = current["state"]
    if state == "cleared_unack":
        state = "active_unack"
    return {**current, "severity": e.severity, "message": e.message or current["message"],
            "value": e.value, "state": state, "updated_at": e.ts, "cleared_at": None,
            "count": current["count"] + 1}


def apply_event(current: dict | None, e: AlarmEntry) -> dict | None:
    """The alarm row after `e`; None when there is no alarm to change."""
    if e.event == "raised":
        return _raised(current, e)
    if current is None:
        return None
    if e.event in NOTICE_EVENTS:  # a notification changes nothing on the alarm
        return dict(current)
    row = {**current, "updated_at": e.ts}
    state = current["state"]
    if e.event == "acknowledged":
        row.update(acknowledged_at=e.ts, acknowledged_by=e.user)
        row["state"] = {"active_unack": "active_ack", "cleared_unack": "closed"}.get(state, state)
    elif e.event == "cleared":
        row["cleared_at"] = e.ts
        row["state"] = {"active_unack": "cleared_unack", "active_ack": "closed",
                        "shelved": "closed"}.get(state, state)
    elif e.event == "shelved" and state in OPEN_STATES:
        row.update(state="shelved", shelved_until=e.until)
    elif e.event == "unshelved" and state == "shelved":
        row.update(state="active_unack", shelved_until=None)
    elif e.event == "assigned":
        row["assigned_to"] = e.department
    return row


def apply_in_order(current: dict[str, dict | None], events: list[AlarmEntry],
                   stored_orphans: dict[str, list[AlarmEntry]]) -> dict[str, dict]:
    """The alarm rows after a batch of new events, applied one after another as if each had
    come alone: `current` holds each alarm's row before the batch (None: none yet), and
    `stored_orphans` the events stored earlier for an alarm that did not exist yet. An event
    with no alarm to change waits, like those, for its alarm's raise, which applies them in
    time order (so a clear that overtook its raise is not lost). Returns the rows changed."""
    rows = dict(current)
    waiting: dict[str, list[AlarmEntry]] = {}
    changed: dict[str, dict] = {}
    for e in events:
        before = rows.get(e.alarm_id)
        row = apply_event(before, e)
        if row is None:
            waiting.setdefault(e.alarm_id, []).append(e)
            continue
        if before is None:
            early = stored_orphans.get(e.alarm_id, []) + waiting.pop(e.alarm_id, [])
            for orphan in sorted(early, key=lambda o: o.ts):
                row = apply_event(row, orphan) or row
        rows[e.alarm_id] = changed[e.alarm_id] = row
    return changed
