"""What a notice says, in its reader's language: one alarm, or a digest of several. Pure.

The e-mail is plain text (it is read on phones, in a hurry); the webhook's body follows the
Standard Webhooks payload shape (type, timestamp, data) and carries the same words as `text`
for an SMS or chat gateway to pass on as they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from components.alarm_list import SEVERITY_ICON
from components.i18n import t
from data_access.streams import SEVERITY_RANK

DIGEST_LISTED = 50  # alarms written out in one digest; the rest are counted
SMS_CHARS = 300


@dataclass(frozen=True, slots=True)
class AlarmFacts:
    """One alarm as its reader will see it (names and message already in their language)."""

    alarm_id: str
    severity: str
    message: str
    device: str
    unit: str
    raised: str  # local time, as the console shows it
    value: str | None = None
    device_id: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    text: str
    payload: dict


def _line(a: AlarmFacts, lang: str) -> str:
    value = f" · {t('notify_value', lang)} {a.value}" if a.value else ""
    where = " · ".join(p for p in (a.device, a.unit) if p)
    return (f"{SEVERITY_ICON.get(a.severity, '')} {t(f'severity_{a.severity}', lang)} · "
            f"{a.raised} · {a.message}{value}" + (f" · {where}" if where else ""))


def compose(alarms: list[AlarmFacts], kind: str, lang: str, city: str, department: str,
            base_url: str, flood: bool, at: datetime) -> Message:
    """The notice to one recipient: `kind` is first, reminder or escalation (a digest says
    the most pressing of its notices' kinds)."""
    console = f"{base_url.rstrip('/')}/alarms?lang={lang}"
    if len(alarms) == 1:
        a = alarms[0]
        head = t(f"notify_{kind}", lang)
        subject = f"[{city}] {SEVERITY_ICON.get(a.severity, '')} {head}: {a.message}"
        if a.unit:
            subject += f" · {a.unit}"
        lines = [head, "", _line(a, lang)]
        if a.device_id:
            lines.append(f"{base_url.rstrip('/')}/devices/{a.device_id}?lang={lang}")
    else:
        head = t("notify_digest", lang, n=len(alarms))
        worst = min(alarms, key=lambda a: SEVERITY_RANK.get(a.severity, 9))
        subject = f"[{city}] {SEVERITY_ICON.get(worst.severity, '')} {head}"
        lines = [head, *([t("notify_flood", lang)] if flood else []), ""]
        lines += [_line(a, lang) for a in alarms[:DIGEST_LISTED]]
        if len(alarms) > DIGEST_LISTED:
            lines.append(t("notify_more", lang, n=len(alarms) - DIGEST_LISTED))
    lines += ["", f"{t('notify_open', lang)}: {console}", "",
              t("notify_why", lang, dept=department)]
    sms = subject if len(alarms) > 1 else f"{subject} · {alarms[0].raised}"
    payload = {
        "kind": kind if len(alarms) == 1 else "digest", "lang": lang, "department": department,
        "text": sms[:SMS_CHARS], "flood": flood, "console": console,
        "alarms": [{"id": a.alarm_id, "severity": a.severity, "message": a.message,
                    "device_id": a.device_id, "device": a.device, "unit": a.unit,
                    "raised": a.raised} for a in alarms[:DIGEST_LISTED]],
        "count": len(alarms), "at": at.isoformat(),
    }
    return Message(subject, "\n".join(lines), payload)


def email(message: Message, sender: str, to: str, at: datetime) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, message.subject
    mail["Date"] = format_datetime(at)
    mail["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> ") or None)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    mail.set_content(message.text)
    return mail
