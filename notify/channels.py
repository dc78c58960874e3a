"""Sending, the only I/O of notify/: SMTP (STARTTLS, user and password) and webhooks signed
by the Standard Webhooks scheme (the `standardwebhooks` reference library signs). Each raises
`Undelivered` with a short reason; the worker keeps the notice and tries again later."""

from __future__ import annotations

import os
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

import orjson
from standardwebhooks.webhooks import Webhook

TIMEOUT_S = 10.0  # a server that hangs holds up only the notifier, and only this long


class Undelivered(Exception):
    """The channel did not take the message; the text says why, for the audit trail."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int = 587
    starttls: bool = True
    user: str = ""
    password: str = ""
    sender: str = "cityops@localhost"
    ca_file: str = ""  # a private CA (tests, an intranet relay); empty: the system's
    timeout_s: float = TIMEOUT_S

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file or None)


def send_mail(server: SmtpServer, mail: EmailMessage) -> None:
    try:
        with smtplib.SMTP(server.host, server.port, timeout=server.timeout_s) as smtp:
            if server.starttls:
                smtp.starttls(context=server.tls())
            if server.user:
                smtp.login(server.user, server.password)
            refused = smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise Undelivered(_reason(exc)) from exc
    if refused:
        raise Undelivered(f"refused: {', '.join(refused)}")


def post_webhook(url: str, secret_env: str, msg_id: str, event: dict,
                 environ: dict[str, str] | None = None) -> None:
    """POST the event with webhook-id, webhook-timestamp and webhook-signature headers. The
    id stays the same on every retry, so the receiver can drop a repeat; the timestamp is
    the attempt's (the receiver refuses one more than a few minutes off its clock)."""
    secret = (os.environ if environ is None else environ).get(secret_env, "")
    if not secret:
        raise Undelivered(f"no secret in {secret_env}")
    body = orjson.dumps(event).decode()
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
        "Content-Type": "application/json",
        **signed_headers(secret, msg_id, datetime.now(UTC), body)})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise Undelivered(f"HTTP {exc.code}") from exc
    except OSError as exc:
        raise Undelivered(_reason(exc)) from exc


def signed_headers(secret: str, msg_id: str, at: datetime, body: str) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt: its id, its time, and the signature of
    both with the body (tests/fixtures/standard_webhooks: the spec's own vector)."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id, at, body)}


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]
