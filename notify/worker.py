"""The notifier: every few seconds it plans the notices due, sends what waits, and writes
each outcome to its alarm's audit trail (as `notified` / `notify_failed` events on the
alarms stream, stored by the alarm store like any other event).

It runs on a thread of its own, with its own connections, so a slow or dead mail server
never holds up ingest or the alarm store; one process at a time does a round (a Redis lock),
so two web processes do not send a notice twice."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import Engine

from components.alarm_list import local_time
from components.i18n import t
from components.numbers import figure
from data_access import streams
from data_access.alarm_health import FLOOD_ABOVE, FLOOD_WINDOW
from data_access.city_config import CityConfig, text
from data_access.departments import Department, load_departments
from data_access.settings import Settings
from notify import outbox
from notify.channels import SmtpServer, Undelivered, post_webhook, send_mail
from notify.messages import AlarmFacts, compose, email
from notify.plan import NOTIFIED_STATE, Pending, batches, plan, retry_after

log = logging.getLogger(__name__)

LOCK = "cityops:notify:lock"
KIND_ORDER = ("escalation", "first", "reminder")  # what a digest's subject says first


@dataclass
class Round:
    planned: int = 0
    sent: int = 0
    failed: int = 0
    dropped: int = 0


@dataclass
class Notifier:
    r: redis.Redis
    engine: Engine
    config: CityConfig
    departments: Sequence[Department]
    smtp: SmtpServer | None = None
    base_url: str = "http://127.0.0.1:8050"
    flood_gap: timedelta = FLOOD_WINDOW
    environ: dict[str, str] | None = None  # where webhook secrets are read (None: os.environ)
    tz: ZoneInfo = field(init=False)

    def __post_init__(self) -> None:
        self.tz = ZoneInfo(self.config.city.timezone)

    @property
    def channels(self) -> frozenset[str]:
        return frozenset({"webhook", *(["email"] if self.smtp else [])})

    @property
    def severities(self) -> set[str]:
        return {s for d in self.departments if d.on_call for s in d.notify.severities}

    def tick(self, now: datetime | None = None) -> Round | None:
        """One round; None if another process holds the round."""
        if not self.severities:
            return Round()
        lock = self.r.lock(LOCK, timeout=600, blocking=False)
        if not lock.acquire(blocking=False):
            return None
        try:
            return self._round(now or datetime.now(UTC))
        finally:
            lock.release()

    def _round(self, now: datetime) -> Round:
        done = Round()
        with self.engine.begin() as conn:
            notices = plan(outbox.open_alarms(conn, self.severities), self.departments, now,
                           self.channels)
            done.planned = outbox.add(conn, notices, now)
        with self.engine.begin() as conn:
            waiting = outbox.due(conn, now)
            if not waiting:
                return done
            alarms = outbox.alarm_rows(conn, (p.alarm_id for p in waiting))
            flood = outbox.raised_since(conn, now - FLOOD_WINDOW) > FLOOD_ABOVE
            last = outbox.last_sent(conn, now - self.flood_gap)
            names = outbox.devices(conn, (a["device_id"] for a in alarms.values()))
        live, stale = [], []
        for p in waiting:
            alarm = alarms.get(p.alarm_id)
            (live if alarm and alarm["state"] == NOTIFIED_STATE else stale).append(p)
        if stale:
            by_state: dict[str, list[int]] = {}
            for p in stale:
                state = alarms[p.alarm_id]["state"] if p.alarm_id in alarms else "gone"
                by_state.setdefault(state, []).append(p.id)
            with self.engine.begin() as conn:
                for state, ids in by_state.items():
                    outbox.mark_dropped(conn, ids, f"alarm {state}")
            done.dropped = len(stale)
        mail_down = False
        for batch in batches(live, last, flood, now, self.flood_gap):
            channel = batch[0].channel
            if channel == "email" and (mail_down or self.smtp is None):
                error = "mail server unreachable this round" if mail_down else "no SMTP server"
                self._failed(batch, error, now)
                done.failed += len(batch)
                continue
            try:
                self._send(batch, alarms, names, flood, now)
            except Undelivered as exc:
                mail_down = mail_down or channel == "email"
                self._failed(batch, str(exc), now)
                done.failed += len(batch)
            else:
                with self.engine.begin() as conn:
                    outbox.mark_sent(conn, [p.id for p in batch], now)
                self._audit(batch, "notified", lambda p, lang: t(
                    "notify_sent", lang, channel=t(f"channel_{p.channel}", lang), to=p.address,
                    kind=t(f"notify_{p.kind}", lang)), now)
                done.sent += len(batch)
        return done

    def _send(self, batch: list[Pending], alarms: dict[str, dict], names: dict[str, dict],
              flood: bool, now: datetime) -> None:
        first = batch[0]
        lang = first.lang
        seen: dict[str, AlarmFacts] = {}
        for p in batch:  # an alarm listed once, even with two rounds waiting after an outage
            seen.setdefault(p.alarm_id, self._facts(alarms[p.alarm_id], names, lang))
        kind = min((p.kind for p in batch), key=KIND_ORDER.index)
        dept = next((d for d in self.departments if d.id == first.department), None)
        message = compose(list(seen.values()), kind, lang, text(self.config.city.short_name, lang),
                          text(dept.name, lang) if dept else first.department, self.base_url,
                          flood, now)
        if first.channel == "email":
            send_mail(self.smtp, email(message, self.smtp.sender, first.address, now))
        else:
            hook = dept.notify.webhook if dept else None
            if hook is None:
                raise Undelivered("the department has no webhook")
            msg_id = "msg_" + hashlib.sha256(",".join(str(p.id) for p in batch).encode()
                                             ).hexdigest()[:24]
            event = {"type": "alarm.notification", "timestamp": now.isoformat(),
                     "data": {**message.payload,
                              "contact": {"name": first.contact, "address": first.address}}}
            post_webhook(hook.url, hook.secret_env, msg_id, event, self.environ)

    def _facts(self, alarm: dict, names: dict[str, dict], lang: str) -> AlarmFacts:
        device = names.get(alarm["device_id"] or "", {})
        unit = next((u for u in self.config.city.units if u.id == device.get("unit")), None)
        value = alarm.get("value")
        return AlarmFacts(
            alarm_id=alarm["alarm_id"], severity=alarm["severity"],
            message=self.config.alarm_message(alarm["type"], alarm["message"], lang),
            device=device.get(lang) or alarm["device_id"] or "",
            unit=text(unit.name, lang) if unit else "",
            raised=local_time(alarm["raised_at"], self.tz, "%d/%m %H:%M"),
            value=figure(value, lang) if value is not None else None,
            device_id=alarm["device_id"])

    def _failed(self, batch: list[Pending], error: str, now: datetime) -> None:
        attempts = max(p.attempts for p in batch) + 1
        retry_at = now + retry_after(attempts)
        with self.engine.begin() as conn:
            outbox.mark_failed(conn, [p.id for p in batch], error, retry_at)
        self._audit(batch, "notify_failed", lambda p, lang: t(
            "notify_failed", lang, channel=t(f"channel_{p.channel}", lang), to=p.address,
            error=error, retry=local_time(retry_at, self.tz, "%H:%M:%S")), now)

    def _audit(self, batch: list[Pending], event: str, note, now: datetime) -> None:
        """One audit event per alarm and recipient, in the city's own language."""
        lang = self.config.city.default_language
        pipe = self.r.pipeline(transaction=False)
        for p in {(p.alarm_id, p.channel, p.address): p for p in batch}.values():
            pipe.xadd(streams.ALARMS, {"event": event, "alarm_id": p.alarm_id,
                                       "user": "system", "note": note(p, lang)[:4000],
                                       "ts": now.isoformat()})
        pipe.execute()


def run(notifier: Notifier, stop: threading.Event, every_s: float = 5.0) -> None:
    while not stop.wait(every_s):
        try:
            notifier.tick()
        except Exception:
            log.exception("notification round failed; will try again")


def notifier_for(r: redis.Redis, engine: Engine, config: CityConfig,
                 settings: Settings) -> Notifier:
    """The notifier the settings describe: e-mail only where an SMTP host is set."""
    smtp = SmtpServer(settings.smtp_host, settings.smtp_port, settings.smtp_starttls,
                      settings.smtp_user, settings.smtp_password, settings.smtp_from,
                      settings.smtp_ca_file) if settings.smtp_host else None
    return Notifier(r, engine, config, load_departments(settings.config_dir), smtp,
                    settings.base_url or f"http://127.0.0.1:{settings.port}")
