"""Shelving is temporary (EEMUA 191): a shelved alarm whose time is up comes back by itself.

Every few seconds, alarms shelved past their `shelved_until` get an `unshelved` event on the
alarms stream (user "system"), so the audit trail says why they came back.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import redis
from sqlalchemy import Engine, select

from data_access import streams
from data_access.models import Alarm

log = logging.getLogger(__name__)


def due(engine: Engine, now: datetime) -> list[tuple[str, datetime]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Alarm.alarm_id, Alarm.shelved_until).where(
            Alarm.state == "shelved", Alarm.shelved_until <= now)).all()
    return [(r.alarm_id, r.shelved_until) for r in rows]


def sweep_once(r: redis.Redis, engine: Engine, now: datetime | None = None) -> int:
    """Publish `unshelved` once per expired shelving, whichever process sweeps first."""
    now = now or datetime.now(UTC)
    sent = 0
    for alarm_id, until in due(engine, now):
        claim = f"cityops:unshelve:{alarm_id}:{until.isoformat()}"
        if not r.set(claim, "1", nx=True, ex=3600):
            continue  # another sweep (or an earlier round) has sent it
        r.xadd(streams.ALARMS, {"event": "unshelved", "alarm_id": alarm_id, "user": "system",
                                "note": "shelving time is up", "ts": now.isoformat()})
        sent += 1
    return sent


def run(r: redis.Redis, engine: Engine, stop: threading.Event, every_s: float = 5.0) -> None:
    while not stop.wait(every_s):
        try:
            sweep_once(r, engine)
        except Exception:
            log.exception("shelf sweep failed; will try again")
