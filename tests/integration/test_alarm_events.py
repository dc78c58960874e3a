"""The live-alarm event streams through the real server (uvicorn, the ASGI front) on SQLite
and the embedded Redis: judged by the Flask guard, held on the event loop (not a thread
each), fanned out on every "alarms changed", ended when the screen is revoked or the
server stops."""

from __future__ import annotations

import dataclasses
import http.client
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from access import users
from callbacks.alarm_push import EVENTS_PATH
from data_access import streams

END_OF_STREAM = b"\r\n0\r\n\r\n"  # the last chunk of a chunked response
WAIT_S = 60.0  # an upper bound for a busy machine; each wait ends as soon as its condition holds


class Screen:
    """One screen's event stream, read from a plain socket (as a browser's EventSource)."""

    def __init__(self, url: str, cookie: str = "", path: str = EVENTS_PATH) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=WAIT_S)
        self.sock.sendall((f"GET {path}?lang=en HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                           f"Accept: text/event-stream\r\nCookie: {cookie}\r\n\r\n").encode())
        self.received = b""
        self.status, self.headers = self._head()

    def _head(self) -> tuple[int, dict[str, str]]:
        self.wait_for(b"\r\n\r\n")
        head, _, self.received = self.received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}

    def wait_for(self, marker: bytes, after: int = 0) -> int:
        """Read until `marker` appears past offset `after`; its offset."""
        deadline = time.monotonic() + WAIT_S
        while (at := self.received.find(marker, after)) < 0:
            assert time.monotonic() < deadline, f"no {marker!r} within {WAIT_S} s"
            chunk = self.sock.recv(65536)
            assert chunk, f"connection closed before {marker!r}"
            self.received += chunk
        return at

    def close(self) -> None:
        self.sock.close()


def _request(url: str, path: str, cookie: str = "") -> http.client.HTTPResponse:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=WAIT_S)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _wall_cookie(url: str, engine, name: str = "Events wall") -> tuple[str, int]:
    """A display token's screen signed in through the server: its cookie and token id."""
    token, raw = users.create_display_token(engine, name, "test")
    response = _request(url, f"/display/{raw}")
    assert response.status == 302
    pairs = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie")]
    return "; ".join(pairs), token.id


@pytest.fixture
def served(sqlite_backend):
    """The app with 2 threads for Dash requests, served by uvicorn in a thread."""
    from app import create_app
    from callbacks.alarm_push import stop_push
    from serving.server import ServerThread

    settings = dataclasses.replace(sqlite_backend.settings, web_threads=2)
    dash_app = create_app(settings)
    server = ServerThread(dash_app.server)
    server.start()
    yield server, sqlite_backend
    server.stop()
    stop_push(dash_app.server)


def test_a_stream_is_judged_by_the_guard_like_any_route(served):
    server, backend = served
    anonymous = Screen(server.url)
    assert anonymous.status in (302, 401, 403)  # never a stream for nobody
    assert "text/event-stream" not in anonymous.headers.get("content-type", "")
    anonymous.close()
    cookie, _ = _wall_cookie(server.url, backend.engine)
    wall = Screen(server.url, cookie)
    assert wall.status == 200
    assert wall.headers["content-type"].startswith("text/event-stream")
    # The guard's security headers reach the stream's answer too.
    assert "content-security-policy" in wall.headers
    wall.wait_for(b"retry: 2000")
    wall.close()


def test_hundreds_of_streams_hold_no_thread_and_all_hear_a_change(served, monkeypatch):
    """With 2 threads for the app, 150 open streams (the old design held a thread each: under
    gunicorn's threads a third would have waited for ever) start no thread, leave the app
    answering, and one "alarms changed" reaches every one of them."""
    from serving import alarm_events

    # No keep-alive write within the test: a closed screen must be noticed by its disconnect.
    monkeypatch.setattr(alarm_events, "KEEPALIVE_S", 3600.0)
    server, backend = served
    cookie, _ = _wall_cookie(server.url, backend.engine)
    threads_before = threading.active_count()
    screens = [Screen(server.url, cookie) for _ in range(150)]
    assert {s.status for s in screens} == {200}
    for s in screens:
        s.wait_for(b"retry: 2000")
    assert threading.active_count() - threads_before < 10  # the loop's helpers, not 150
    panel = _request(server.url, "/api/v1/alarms/panel?lang=en", cookie)
    assert panel.status == 200
    assert server.asgi.hub.open == 150
    backend.redis.publish(streams.ALARMS_CHANGED, "1")
    for s in screens:
        s.wait_for(b'data: {"')
        s.close()
    # Each closed screen's coroutine ends (with no keep-alive write to fail on).
    deadline = time.monotonic() + WAIT_S
    while server.asgi.hub.open and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.asgi.hub.open == 0


def test_a_revoked_screen_loses_its_stream(served, monkeypatch):
    from access import login
    from serving import alarm_events

    monkeypatch.setattr(login, "PRINCIPAL_TTL_S", 0.0)
    monkeypatch.setattr(alarm_events, "KEEPALIVE_S", 0.2)
    monkeypatch.setattr(alarm_events, "RECHECK_S", 0.1)
    server, backend = served
    cookie, token_id = _wall_cookie(server.url, backend.engine)
    wall = Screen(server.url, cookie)
    assert wall.status == 200
    wall.wait_for(b"keep-alive")  # alive while the token is
    users.revoke_display_token(backend.engine, token_id)
    wall.wait_for(END_OF_STREAM)  # the stream ended by itself
    wall.close()


def test_stopping_the_server_ends_open_streams_at_once(served):
    server, backend = served
    cookie, _ = _wall_cookie(server.url, backend.engine)
    walls = [Screen(server.url, cookie) for _ in range(5)]
    for wall in walls:
        wall.wait_for(b"retry: 2000")
    server.stop()  # the fixture's stop after this one finds it stopped
    assert not server.is_alive()
    for wall in walls:
        wall.wait_for(END_OF_STREAM)
        wall.close()
