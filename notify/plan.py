"""Who is told of which alarm, and when. Pure functions: the worker brings the alarms, the
departments and the clock.

An alarm is told while it is new (active, unacknowledged): acknowledging, shelving or
clearing it stops the reminders. Time runs from its raise in rounds of `remind_every_min`;
every `escalate_after_min` the next contact of the on-call list is added. A notice is keyed
by (alarm occurrence, channel, address, round), so planning it twice plans it once, and a
planner that was stopped for an hour plans the current round only, not every missed one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from data_access.departments import Contact, Department, department_for

NOTIFIED_STATE = "active_unack"  # the one state in which nobody has taken the alarm yet
RETRY_FIRST_S = 30.0
RETRY_MAX_S = 600.0


@dataclass(frozen=True, slots=True)
class OpenAlarm:
    """What the plan reads of an alarm (its words are read when a notice goes out)."""

    alarm_id: str
    raised_at: datetime
    severity: str
    state: str
    domain: str | None = None
    assigned_to: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    alarm_id: str
    raised_at: datetime
    department: str
    contact: Contact
    channel: str  # email | webhook
    address: str
    round: int
    kind: str  # first | reminder | escalation


def department_of(alarm: OpenAlarm, departments: Sequence[Department]) -> Department | None:
    """The department it is assigned to, else the one that usually takes its domain."""
    wanted = alarm.assigned_to or department_for(alarm.domain, tuple(departments))
    return next((d for d in departments if d.id == wanted), None)


def due_notices(alarm: OpenAlarm, dept: Department, now: datetime,
                channels: frozenset[str]) -> list[Notice]:
    """The notices of the current round; `channels`: those the installation can send."""
    policy = dept.notify
    if (alarm.state != NOTIFIED_STATE or alarm.severity not in policy.severities
            or not dept.on_call):
        return []
    minutes = max(0.0, (now - alarm.raised_at).total_seconds() / 60.0)
    remind, escalate = policy.remind_every_min, policy.escalate_after_min
    current = int(minutes // remind) if remind else 0
    level = min(int(minutes // escalate), len(dept.on_call) - 1) if escalate else 0
    notices = []
    for i, contact in enumerate(dept.on_call[:level + 1]):
        joined = int(i * escalate // remind) if remind else 0  # the round they were added in
        kind = ("first" if i == 0 and current == 0
                else "escalation" if i > 0 and current == joined else "reminder")
        for channel, address in _addresses(contact, dept, channels):
            notices.append(Notice(alarm.alarm_id, alarm.raised_at, dept.id, contact, channel,
                                  address, current, kind))
    return notices


def _addresses(contact: Contact, dept: Department,
               channels: frozenset[str]) -> Iterable[tuple[str, str]]:
    if contact.email and "email" in channels:
        yield "email", contact.email.strip().lower()
    if dept.notify.webhook is not None and "webhook" in channels:
        yield "webhook", (contact.phone or contact.email or contact.name).strip()


def plan(alarms: Iterable[OpenAlarm], departments: Sequence[Department], now: datetime,
         channels: frozenset[str]) -> list[Notice]:
    """Every notice due now, over every open alarm."""
    out: list[Notice] = []
    for alarm in alarms:
        dept = department_of(alarm, departments)
        if dept is not None:
            out.extend(due_notices(alarm, dept, now, channels))
    return out


def retry_after(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, doubling, at most 10 min; a server that is down for
    a day is tried every ten minutes and loses nothing."""
    return timedelta(seconds=min(RETRY_FIRST_S * 2 ** max(attempts - 1, 0), RETRY_MAX_S))


@dataclass(frozen=True, slots=True)
class Pending:
    """An outbox row waiting to go."""

    id: int
    alarm_id: str
    department: str
    contact: str
    lang: str
    channel: str
    address: str
    kind: str
    attempts: int


def batches(pending: Iterable[Pending], last_sent: dict[tuple[str, str], datetime],
            flood: bool, now: datetime, flood_gap: timedelta) -> list[list[Pending]]:
    """One message per recipient and channel: all that waits for them goes together (a
    digest when it is more than one alarm). In a flood a recipient who had a message less
    than `flood_gap` ago waits for the gap, so a flood makes a few digests, not a mail per
    alarm."""
    groups: dict[tuple[str, str], list[Pending]] = defaultdict(list)
    for row in pending:
        groups[(row.channel, row.address)].append(row)
    out = []
    for key, rows in groups.items():
        last = last_sent.get(key)
        if flood and last is not None and now - last < flood_gap:
            continue
        out.append(rows)
    return out
