"""Real servers for the notification tests: an SMTP server (aiosmtpd) that demands STARTTLS
and a password, with a certificate from a test CA (trustme); a webhook receiver that checks
each request's signature with the Standard Webhooks reference library; a mail server that
accepts a connection and never answers."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from notify.channels import SmtpServer

USER, PASSWORD = "cityops", "s3cret-relay"


@dataclass
class Received:
    """A message the SMTP server took, with what the session had when it came."""

    mail_from: str
    to: list[str]
    subject: str
    body: str
    tls: bool
    user: str | None


class _Handler:
    def __init__(self, inbox: list[Received]) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content,
                                          policy=email.policy.default)
        login = session.auth_data.login.decode() if session.auth_data else None
        self.inbox.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                   str(parsed["Subject"]), parsed.get_content(),
                                   session.ssl is not None, login))
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER
          and auth_data.password.decode() == PASSWORD)
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


class MailServer:
    """STARTTLS required, AUTH required (only over TLS), on a port chosen beforehand so the
    test can start it late (a relay that comes back)."""

    def __init__(self, tmp: Path, port: int) -> None:
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = tmp / "test-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.context)
        self.port = port
        self.inbox: list[Received] = []
        self.controller: Controller | None = None

    def client(self, **changes) -> SmtpServer:
        return SmtpServer(**{"host": "127.0.0.1", "port": self.port, "starttls": True,
                             "user": USER, "password": PASSWORD,
                             "sender": "CityOps Χαλκίδα <cityops@chalkida.example>",
                             "ca_file": str(self.ca_file), **changes})

    def start(self) -> MailServer:
        self.controller = Controller(
            _Handler(self.inbox), hostname="127.0.0.1", port=self.port,
            tls_context=self.context, require_starttls=True, auth_required=True,
            auth_require_tls=True, authenticator=_authenticate)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@dataclass
class WebhookReceiver:
    """Accepts a POST only when its Standard Webhooks signature checks out (401 otherwise)."""

    secret: str
    accepted: list[dict] = field(default_factory=list)
    refused: int = 0
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/sms"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    Webhook(receiver.secret).verify(body, dict(self.headers.items()))
                except WebhookVerificationError:
                    receiver.refused += 1
                    self.send_response(401)
                else:
                    receiver.accepted.append({"id": self.headers["webhook-id"],
                                              **json.loads(body)})
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


class SilentMailServer:
    """Takes the connection and never says a word: a relay that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connected = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            self.connected.set()

    def stop(self) -> None:
        for conn in self.held:
            conn.close()
        self.sock.close()
