"""Operator actions on alarms: acknowledge, shelve, unshelve, comment, assign.

An action is an entry on `cityops:alarms` (with who and when), like any producer's event, so
the alarm store is the one writer of the alarm tables and every screen hears of it. An action
on an alarm the alarm store does not hold (not raised yet, or unknown) is refused. The
caller then waits, briefly, until the alarm store has applied it, so the operator sees the
result at once; if the store is slow or down, the action is not lost: it waits in the
stream and is applied when the store runs again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from sqlalchemy import Engine, func, select

from data_access import streams
from data_access.alarm_queries import alarm_domains
from data_access.models import AlarmEvent

SHELVE_CHOICES_MIN = (15, 60, 240, 480, 1440)  # what the console offers
MAX_SHELVE_MIN = 1440  # EEMUA 191: shelving is temporary; a day at most here
ACTIONS = ("acknowledged", "shelved", "unshelved", "commented", "assigned")


class ActionError(ValueError):
    """What the operator must correct; the message is a catalogue key for the form."""


@dataclass(frozen=True)
class ActionResult:
    sent: int
    applied: int  # by the alarm store within the wait; the rest follow when it catches up


def validate(event: str, alarm_ids: list[str], user: str, note: str | None = None,
             shelve_min: int | None = None, department: str | None = None,
             departments: tuple[str, ...] = ()) -> None:
    """Raises ActionError with the catalogue key of what is wrong."""
    if event not in ACTIONS:
        raise ActionError("action_unknown")
    if not alarm_ids:
        raise ActionError("action_no_alarm")
    if not user or not user.strip() or len(user) > 80:
        raise ActionError("action_need_user")
    if event == "commented" and (not note or not note.strip() or len(note) > 4000):
        raise ActionError("action_need_comment")
    if event == "shelved" and (shelve_min is None or not 0 < shelve_min <= MAX_SHELVE_MIN):
        raise ActionError("action_need_duration")
    if event == "assigned" and department not in departments:
        raise ActionError("action_need_department")


def act(r: redis.Redis, engine: Engine, event: str, alarm_ids: list[str], user: str,
        note: str | None = None, shelve_min: int | None = None, department: str | None = None,
        departments: tuple[str, ...] = (), wait_s: float = 3.0,
        held: dict[str, str | None] | None = None) -> ActionResult:
    """`held`: alarm_domains(engine, alarm_ids), when the caller has read it already."""
    validate(event, alarm_ids, user, note, shelve_min, department, departments)
    if held is None:
        held = alarm_domains(engine, alarm_ids)
    if set(alarm_ids) - set(held):
        # Not queued for later: an alarm not raised yet has no domain to judge the actor by,
        # and would arrive already shelved or acknowledged by whoever guessed its id.
        raise ActionError("action_alarm_not_held")
    now = datetime.now(UTC)
    fields = {"event": event, "user": user.strip(), "ts": now.isoformat(), "source": "console"}
    if note and note.strip():
        fields["note"] = note.strip()
    if event == "shelved":
        fields["until"] = (now + timedelta(minutes=shelve_min)).isoformat()
    if event == "assigned":
        fields["department"] = department
    pipe = r.pipeline(transaction=True)
    for alarm_id in alarm_ids:
        pipe.xadd(streams.ALARMS, {**fields, "alarm_id": alarm_id})
    ids = [i.decode() if isinstance(i, bytes) else i for i in pipe.execute()]
    return ActionResult(sent=len(ids), applied=_wait_applied(engine, ids, wait_s))


def _wait_applied(engine: Engine, stream_ids: list[str], wait_s: float) -> int:
    deadline = time.monotonic() + wait_s
    applied = 0
    while True:
        with engine.connect() as conn:
            applied = conn.execute(select(func.count()).select_from(AlarmEvent)
                                   .where(AlarmEvent.stream_id.in_(stream_ids))).scalar_one()
        if applied >= len(stream_ids) or time.monotonic() > deadline:
            return applied
        time.sleep(0.05)
