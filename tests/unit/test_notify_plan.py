"""Who is told of which alarm and when (notify/plan.py), and what it says (messages.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from data_access.departments import Contact, Department, NotifyPolicy, Webhook
from notify.messages import DIGEST_LISTED, AlarmFacts, compose
from notify.plan import OpenAlarm, Pending, batches, department_of, due_notices, retry_after

T0 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
EMAIL = frozenset({"email"})
BOTH = frozenset({"email", "webhook"})
A = Contact(name="A", email="a@x.example", phone="+301")
B = Contact(name="B", email="b@x.example", lang="en")
C = Contact(name="C", email="c@x.example")


def dept(*contacts: Contact, **policy) -> Department:
    return Department(id="cp", name={"el": "Π", "en": "P"}, domains=["flood"],
                      on_call=list(contacts), notify=NotifyPolicy(**policy))


def alarm(state: str = "active_unack", severity: str = "critical", **kw) -> OpenAlarm:
    return OpenAlarm(**{"alarm_id": "a1", "raised_at": T0, "severity": severity,
                        "state": state, "domain": "flood", **kw})


def told(d: Department, minutes: float, channels=EMAIL, **kw) -> list[tuple[str, int, str]]:
    return [(n.address, n.round, n.kind)
            for n in due_notices(alarm(**kw), d, T0 + timedelta(minutes=minutes), channels)]


def test_first_notice_then_a_reminder_per_period_to_the_first_contact():
    d = dept(A, B, remind_every_min=15, escalate_after_min=0)
    assert told(d, 0) == [("a@x.example", 0, "first")]
    assert told(d, 14.9) == [("a@x.example", 0, "first")]  # the same notice: planned once
    assert told(d, 15) == [("a@x.example", 1, "reminder")]
    assert told(d, 100) == [("a@x.example", 6, "reminder")]  # only the current round


def test_escalation_adds_the_next_contact_and_stops_at_the_last():
    d = dept(A, B, C, remind_every_min=15, escalate_after_min=20)
    assert told(d, 20) == [("a@x.example", 1, "reminder"), ("b@x.example", 1, "escalation")]
    assert told(d, 30) == [("a@x.example", 2, "reminder"), ("b@x.example", 2, "reminder")]
    assert [a for a, _, k in told(d, 40) if k == "escalation"] == ["c@x.example"]
    assert len(told(d, 600)) == 3


def test_without_reminders_an_escalation_is_still_told_once():
    d = dept(A, B, remind_every_min=0, escalate_after_min=30)
    assert told(d, 10) == [("a@x.example", 0, "first")]
    assert told(d, 45) == [("a@x.example", 0, "first"), ("b@x.example", 0, "escalation")]


@pytest.mark.parametrize("state", ["active_ack", "shelved", "cleared_unack", "closed"])
def test_acknowledged_shelved_or_cleared_alarms_are_not_told(state):
    assert told(dept(A), 15, state=state) == []


def test_only_the_chosen_severities_and_only_channels_the_installation_has():
    d = dept(A, severities=["critical", "major"],
             webhook=Webhook(url="http://gw.example/h", secret_env="S"))
    assert told(d, 0, severity="minor") == []
    assert told(d, 0, severity="major", channels=BOTH) == [
        ("a@x.example", 0, "first"), ("+301", 0, "first")]
    assert told(d, 0, channels=frozenset({"webhook"})) == [("+301", 0, "first")]


def test_an_assigned_department_takes_the_alarm_over_the_domains_own():
    flood, it = dept(A), Department(id="it", name={"en": "IT"}, domains=["network"])
    assert department_of(alarm(), [it, flood]).id == "cp"
    assert department_of(alarm(assigned_to="it"), [flood, it]).id == "it"
    assert department_of(alarm(domain="noise"), [flood, it]) is None


def test_retries_double_from_thirty_seconds_to_ten_minutes():
    assert [retry_after(n).total_seconds() for n in (1, 2, 3, 6, 50)] == [30, 60, 120, 600, 600]


def test_config_refuses_an_unknown_severity_or_key():
    with pytest.raises(ValidationError, match="unknown severities"):
        NotifyPolicy(severities=["urgent"])
    with pytest.raises(ValidationError, match="remind_every"):
        NotifyPolicy.model_validate({"remind_every": 5})
    with pytest.raises(ValidationError):
        NotifyPolicy(remind_every_min=-1)


def pending(i: int, address: str, channel: str = "email") -> Pending:
    return Pending(i, f"a{i}", "cp", "A", "el", channel, address, "first", 0)


def test_one_message_per_recipient_and_a_flood_holds_back_who_was_just_told():
    rows = [pending(1, "a"), pending(2, "a"), pending(3, "b"), pending(4, "a", "webhook")]
    assert [[p.id for p in b] for b in batches(rows, {}, False, T0, timedelta(minutes=10))] == [
        [1, 2], [3], [4]]
    recent = {("email", "a"): T0 - timedelta(minutes=3)}
    held = batches(rows, recent, True, T0, timedelta(minutes=10))
    assert [[p.id for p in b] for b in held] == [[3], [4]]
    assert len(batches(rows, recent, False, T0, timedelta(minutes=10))) == 3  # no flood


def facts(i: int, severity: str = "major") -> AlarmFacts:
    return AlarmFacts(f"a{i}", severity, f"Alarm {i}", f"Device {i}", "Lilantio", "20/11 05:00")


def test_a_digest_names_the_worst_severity_and_counts_what_it_does_not_list():
    alarms = [facts(i) for i in range(DIGEST_LISTED + 7)] + [facts(99, "critical")]
    msg = compose(alarms, "first", "en", "Chalkida", "Civil protection", "https://c.example/",
                  True, T0)
    assert msg.subject == "[Chalkida] ◆ 58 alarms await acknowledgement"
    assert "Alarm flood" in msg.text and "…and 8 more in the console." in msg.text
    assert "https://c.example/alarms?lang=en" in msg.text
    assert msg.payload["kind"] == "digest" and msg.payload["count"] == 58
    assert len(msg.payload["alarms"]) == DIGEST_LISTED


def test_one_alarm_reads_in_greek_with_its_value_and_place():
    msg = compose([AlarmFacts("a", "critical", "Ταχεία άνοδος στάθμης", "Σταθμός 1", "Ληλάντιο",
                              "20/11 05:00", "2,75", "hydro-1")], "reminder", "el", "Χαλκίδα",
                  "Πολιτική Προστασία", "http://h", False, T0)
    assert msg.subject == ("[Χαλκίδα] ◆ Υπενθύμιση: δεν έχει αναγνωριστεί: Ταχεία άνοδος "
                           "στάθμης · Ληλάντιο")
    assert "◆ Κρίσιμος · 20/11 05:00 · Ταχεία άνοδος στάθμης · τιμή 2,75" in msg.text
    assert "http://h/devices/hydro-1?lang=el" in msg.text
    assert msg.payload["text"].endswith("· 20/11 05:00") and len(msg.payload["text"]) <= 300


def test_the_citys_departments_load_and_a_misspelt_key_is_refused(tmp_path):
    from pathlib import Path

    from data_access.departments import load_departments

    shipped = {d.id: d for d in load_departments(Path("config"))}
    assert [c.lang for c in shipped["civil_protection"].on_call] == ["el", "el", "en"]
    (tmp_path / "departments.yaml").write_text(
        "- {id: it, name: {en: IT}, on_cal: [{name: A, email: a@x.example}]}\n")
    with pytest.raises(ValidationError, match="on_cal"):
        load_departments(tmp_path)


def test_webhook_headers_carry_the_standard_webhooks_published_signature():
    import json
    from pathlib import Path

    from notify.channels import signed_headers

    vector = json.loads(Path("tests/fixtures/standard_webhooks/sign_vector.json").read_text())
    headers = signed_headers(vector["secret"], vector["msg_id"],
                             datetime.fromtimestamp(vector["timestamp"], UTC), vector["payload"])
    assert headers == {"webhook-id": vector["msg_id"],
                       "webhook-timestamp": str(vector["timestamp"]),
                       "webhook-signature": vector["signature"]}
