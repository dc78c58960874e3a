"""Alarms that find their people, against a real SMTP server (STARTTLS and a password) and a
webhook receiver that checks Standard Webhooks signatures: first notice, reminders,
escalation, acknowledgement stopping it, a relay that is down losing nothing, a flood sent
as a digest, and a hanging relay holding up no alarm.

The notifier's rounds are driven with an explicit clock (`tick(now)`), so "fifteen minutes
later" takes no time; the alarm store runs for real and each round waits on what it wrote."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from data_access import streams
from data_access.alarm_actions import act
from data_access.departments import Contact, Department, NotifyPolicy, Webhook
from data_access.models import Alarm, AlarmEvent, Notification
from ingest.workers import Workers
from notify.worker import Notifier
from tests.integration.helpers import alarm_held, free_port
from tests.integration.notify_servers import MailServer, SilentMailServer, WebhookReceiver

RIVER = "hydro_station-lilantio-00001"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the spec's test secret (libraries' tests)
ON_CALL = [Contact(name="Νίκος Π.", email="N.Papadopoulos@chalkida.example", lang="el",
                   phone="+302221000001"),
           Contact(name="Maria K.", email="m.k@chalkida.example", lang="en")]


def civil_protection(webhook: str | None = None, **policy) -> Department:
    return Department(
        id="civil_protection", name={"el": "Πολιτική Προστασία", "en": "Civil protection"},
        domains=["flood"], on_call=ON_CALL, notify=NotifyPolicy(**{
            "severities": ["critical"], "remind_every_min": 15, "escalate_after_min": 30,
            "webhook": Webhook(url=webhook, secret_env="TEST_HOOK_SECRET") if webhook else None,
            **policy}))


@pytest.fixture
def mail(tmp_path) -> Iterator[MailServer]:
    server = MailServer(tmp_path, free_port()).start()
    yield server
    server.stop()


def raise_alarm(backend, alarm_id: str, at: datetime, severity: str = "critical",
                device: str = RIVER) -> str:
    backend.redis.xadd(streams.ALARMS, {
        "event": "raised", "alarm_id": alarm_id, "severity": severity, "device_id": device,
        "domain": "flood", "type": "water_rising_fast", "message": "Water level rising fast",
        "value": "2.75", "ts": at.isoformat()})
    alarm_held(backend.engine, alarm_id)
    return alarm_id


def trail(engine, alarm_id: str, *events: str) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(AlarmEvent.event, AlarmEvent.note)
                            .where(AlarmEvent.alarm_id == alarm_id,
                                   AlarmEvent.event.in_(events)).order_by(AlarmEvent.id))
        return [(r.event, r.note) for r in rows]


def wait_trail(engine, alarm_id: str, event: str, n: int, within_s: float = 60) -> list:
    """Wait until the alarm store has written n such events (a condition, not a sleep)."""
    deadline = time.monotonic() + within_s
    while len(found := trail(engine, alarm_id, event)) < n:
        assert time.monotonic() < deadline, f"{alarm_id}: {event} x{n} never stored: {found}"
        time.sleep(0.02)
    return found


def state_is(engine, alarm_id: str, state: str, within_s: float = 60) -> None:
    deadline = time.monotonic() + within_s
    while True:
        with engine.connect() as conn:
            if conn.execute(select(Alarm.state).where(Alarm.alarm_id == alarm_id)
                            ).scalar() == state:
                return
        assert time.monotonic() < deadline, f"{alarm_id} never became {state}"
        time.sleep(0.02)


def test_on_call_is_mailed_reminded_and_escalated_until_someone_acknowledges(
        backend, running_store, mail):
    t0 = datetime.now(UTC).replace(microsecond=0)
    notifier = Notifier(backend.redis, backend.engine, backend.config, [civil_protection()],
                        mail.client())
    alarm_id = raise_alarm(backend, "river|rise", t0)
    raise_alarm(backend, "river|minor", t0, severity="minor")  # not a severity they take

    assert notifier.tick(t0).sent == 1
    [first] = mail.inbox
    assert first.tls and first.user == "cityops"  # STARTTLS, then the password
    assert first.to == ["n.papadopoulos@chalkida.example"]
    assert first.subject.startswith("[Χαλκίδα] ◆ Νέος συναγερμός: Ταχεία άνοδος στάθμης")
    assert "Ληλάντιο" in first.subject and "τιμή 2,75" in first.body
    assert f"/devices/{RIVER}?lang=el" in first.body
    assert "Sent" not in first.body and "value" not in first.body  # all Greek for a Greek reader
    wait_trail(backend.engine, alarm_id, "notified", 1)

    assert notifier.tick(t0 + timedelta(minutes=5)).sent == 0  # same round: nothing new
    notifier.tick(t0 + timedelta(minutes=15))
    assert [m.subject.split("]")[1].split(":")[0].strip() for m in mail.inbox[1:]] == [
        "◆ Υπενθύμιση"]
    notifier.tick(t0 + timedelta(minutes=31))  # nobody answered: Maria is added
    escalated = next(m for m in mail.inbox if m.to == ["m.k@chalkida.example"])
    assert "Escalated: nobody has acknowledged it" in escalated.subject
    assert "Water level rising fast" in escalated.subject  # her language, from the rule
    assert len(mail.inbox) == 4
    notes = [n for _, n in wait_trail(backend.engine, alarm_id, "notified", 4)]
    assert any("m.k@chalkida.example" in n for n in notes)

    act(backend.redis, backend.engine, "acknowledged", [alarm_id], "operator")
    state_is(backend.engine, alarm_id, "active_ack")
    for minutes in (46, 61, 120):
        notifier.tick(t0 + timedelta(minutes=minutes))
    assert len(mail.inbox) == 4  # acknowledged: no more reminders
    assert trail(backend.engine, "river|minor", "notified") == []


def test_a_relay_that_is_down_loses_nothing_and_a_pending_notice_of_a_taken_alarm_is_dropped(
        backend, running_store, tmp_path):
    t0 = datetime.now(UTC).replace(microsecond=0)
    mail = MailServer(tmp_path, free_port())  # not started yet: the relay is down
    notifier = Notifier(backend.redis, backend.engine, backend.config, [civil_protection()],
                        mail.client())
    kept = raise_alarm(backend, "river|kept", t0)
    taken = raise_alarm(backend, "river|taken", t0, device="hydro_station-lilantio-00002")

    result = notifier.tick(t0)
    assert (result.sent, result.failed) == (0, 2)
    [(_, note)] = wait_trail(backend.engine, kept, "notify_failed", 1)
    assert "ConnectionRefusedError" in note and "n.papadopoulos@chalkida.example" in note
    assert notifier.tick(t0 + timedelta(seconds=10)).failed == 0  # waits for its retry time

    act(backend.redis, backend.engine, "shelved", [taken], "operator", shelve_min=60)
    state_is(backend.engine, taken, "shelved")
    mail.start()
    try:
        result = notifier.tick(t0 + timedelta(seconds=31))
        assert (result.sent, result.dropped) == (1, 1)
        [delivered] = mail.inbox
        assert "Νέος συναγερμός" in delivered.subject  # the one alarm still waiting
        wait_trail(backend.engine, kept, "notified", 1)
        with backend.engine.connect() as conn:
            rows = {r.alarm_id: (r.status, r.attempts, r.last_error) for r in conn.execute(
                select(Notification.alarm_id, Notification.status, Notification.attempts,
                       Notification.last_error))}
        assert rows == {kept: ("sent", 2, None), taken: ("dropped", 1, "alarm shelved")}
    finally:
        mail.stop()


def test_a_flood_is_one_digest_per_person_and_webhooks_are_signed(
        backend, running_store, mail, monkeypatch):
    receiver = WebhookReceiver(SECRET).start()
    monkeypatch.setenv("TEST_HOOK_SECRET", SECRET)
    t0 = datetime.now(UTC).replace(microsecond=0)
    notifier = Notifier(backend.redis, backend.engine, backend.config,
                        [civil_protection(webhook=receiver.url, escalate_after_min=0)],
                        mail.client())
    try:
        first = raise_alarm(backend, "river|0", t0)
        notifier.tick(t0)  # one alarm: one mail, one webhook
        pipe = backend.redis.pipeline()
        for i in range(1, 41):  # then the storm: forty more within a minute
            pipe.xadd(streams.ALARMS, {
                "event": "raised", "alarm_id": f"river|{i}", "severity": "critical",
                "device_id": RIVER, "domain": "flood", "type": "water_rising_fast",
                "message": "Water level rising fast",
                "ts": (t0 + timedelta(seconds=i)).isoformat()})
        pipe.execute()
        alarm_held(backend.engine, "river|40")
        for minute in range(1, 10):  # a round a minute through the flood: all held back
            notifier.tick(t0 + timedelta(minutes=minute))
        assert len(mail.inbox) == 1 and len(receiver.accepted) == 1
        notifier.tick(t0 + timedelta(minutes=10, seconds=1))
        assert len(mail.inbox) == 2, [m.subject for m in mail.inbox]
        digest = mail.inbox[1]
        assert "40 συναγερμοί περιμένουν αναγνώριση" in digest.subject
        assert "Πλημμύρα συναγερμών" in digest.body
        hook = receiver.accepted[-1]
        assert hook["type"] == "alarm.notification" and hook["data"]["kind"] == "digest"
        assert hook["data"]["count"] == 40 and hook["data"]["contact"]["address"] == "+302221000001"
        assert hook["id"].startswith("msg_") and receiver.refused == 0
        wait_trail(backend.engine, "river|40", "notified", 2)  # mail and webhook, each audited
        assert len(trail(backend.engine, first, "notified")) == 2

        monkeypatch.setenv("TEST_HOOK_SECRET", "whsec_" + "QUJD" * 8)  # a secret gone wrong
        notifier.tick(t0 + timedelta(minutes=25))
        assert receiver.refused == 1
        failed = wait_trail(backend.engine, first, "notify_failed", 1)
        assert "HTTP 401" in failed[0][1]
    finally:
        receiver.stop()


def test_a_hanging_mail_relay_holds_up_no_alarm(backend, tmp_path):
    """The notifier waits on a relay that never answers; meanwhile alarms keep being stored."""
    silent = SilentMailServer()
    mail = MailServer(tmp_path, silent.port)
    notifier = Notifier(backend.redis, backend.engine, backend.config, [civil_protection()],
                        mail.client(timeout_s=300))
    workers = Workers(backend.redis, backend.engine, backend.config, simulate=False,
                      notifier=notifier, notify_every_s=0.05).start()
    try:
        raise_alarm(backend, "river|first", datetime.now(UTC))
        assert silent.connected.wait(60), "the notifier never reached the relay"
        later = raise_alarm(backend, "river|later", datetime.now(UTC))  # waits until stored
        assert later and [t for t in workers.threads if t.name == "notifier"][0].is_alive()
        with backend.engine.connect() as conn:
            assert conn.execute(select(Notification.id)).first() is not None
            assert conn.execute(select(Notification.sent_at)).scalar() is None  # still stuck
    finally:
        silent.stop()  # the relay hangs up: the notifier's round ends with a failure
        workers.shutdown()
