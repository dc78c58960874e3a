"""The live-alarm event streams, held by the event loop instead of a thread each: a wall of
500 screens costs 500 small coroutines, not 500 of the web workers' threads. One Hub per
app and process hears the process's one AlarmSignal (one Redis subscription) and wakes
every open stream at once; the panel each event carries is built once per change and
language, in a worker thread, for all the streams that wait for it.

Who may open a stream is judged by the Flask app itself (callbacks/alarm_push.events_ticket,
behind the same guard as every route): the request goes there first, and is streamed only
if that view admitted it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from flask import Flask

from callbacks.alarm_push import STREAM_KEY, panel_event
from data_access.alarm_signal import AlarmSignal

KEEPALIVE_S = 15.0  # a comment line this often: proxies keep the stream, and a revoked
#                     screen is noticed within this time
COALESCE_S = 0.2  # a burst of alarms becomes one event per screen, not one per alarm
RECHECK_S = 5.0  # an account's standing is looked up at most this often for all its screens
RETRY = b"retry: 2000\n\n"
# Headers of the judged answer that describe its (empty) body, not the stream.
BODY_HEADERS = {b"content-length", b"content-type", b"content-encoding", b"cache-control"}
STREAM_HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"),
                  (b"cache-control", b"no-cache"), (b"x-accel-buffering", b"no")]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


class Hub:
    """The fan-out of one app in one process. Lives on the event loop of its first stream."""

    def __init__(self, flask_app: Flask) -> None:
        self.flask_app = flask_app
        self.generation = 0  # bumped on every "alarms changed" this process hears
        self.open = 0  # streams held now
        self.stopped = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Future | None = None
        self._panels: dict[str, asyncio.Future] = {}  # language -> this generation's event
        self._standing: dict[str, tuple[float, asyncio.Future]] = {}

    @property
    def signal(self) -> AlarmSignal:
        return self.flask_app.extensions["cityops-alarm-signal"]

    def _attach(self) -> None:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._changed = self._loop.create_future()
            self.signal.listen(self._heard)
            self.signal.start()

    def _heard(self) -> None:
        """From the signal's thread: hand the news to the loop."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._bump)

    def _bump(self) -> None:
        self.generation += 1
        self._panels = {}
        changed, self._changed = self._changed, self._loop.create_future()
        if changed is not None and not changed.done():
            changed.set_result(None)

    def stop(self) -> None:
        """End every open stream (the server is stopping); callable from any thread."""
        self.stopped = True
        if self._loop is None:
            return
        self.signal.unlisten(self._heard)
        with contextlib.suppress(RuntimeError):  # the loop is already closed: nothing waits
            self._loop.call_soon_threadsafe(self._bump)

    async def panel(self, lang: str) -> str:
        """This generation's event for `lang`, built by one worker thread for every stream."""
        built = self._panels.get(lang)
        if built is None:
            built = self._panels[lang] = asyncio.ensure_future(
                asyncio.to_thread(self._build_panel, lang))
        try:
            return await asyncio.shield(built)
        except Exception:
            self._panels.pop(lang, None)  # the next stream to ask tries again
            raise

    def _build_panel(self, lang: str) -> str:
        from data_access.app_context import current_store

        with self.flask_app.app_context():
            store = current_store()
            return panel_event(store, store.alarms_version(), lang)

    async def still_admitted(self, account: str | None) -> bool:
        """Is the stream's account still signed in, enabled and not revoked? Looked up in a
        worker thread at most every RECHECK_S for all the screens of one account."""
        if account is None:
            return True
        now = time.monotonic()
        cached = self._standing.get(account)
        if cached is None or cached[0] < now:
            cached = self._standing[account] = (now + RECHECK_S, asyncio.ensure_future(
                asyncio.to_thread(self._account_exists, account)))
        try:
            return await asyncio.shield(cached[1])
        except Exception:
            self._standing.pop(account, None)
            raise

    def _account_exists(self, account: str) -> bool:
        from access.login import load_account

        with self.flask_app.app_context():
            return load_account(account) is not None

    async def serve(self, scope: Scope, receive: Receive, send: Send, judge: Asgi) -> None:
        """Hand the request to the Flask app (`judge`); stream if it admitted the reader,
        otherwise send its answer (a redirect to sign in, 403, 404) as it is."""
        answer: list[Message] = []

        async def keep(message: Message) -> None:
            answer.append(message)

        await judge(scope, receive, keep)
        reader = scope.get(STREAM_KEY)
        if reader is None or self.stopped:
            for message in answer:
                await send(message)
            return
        self._attach()
        start = answer[0]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in BODY_HEADERS]
        await send({"type": "http.response.start", "status": 200,
                    "headers": headers + STREAM_HEADERS})
        await self._stream(reader["account"], reader["lang"], receive, send)

    async def _stream(self, account: str | None, lang: str, receive: Receive,
                      send: Send) -> None:
        gone = asyncio.ensure_future(_disconnected(receive))
        self.open += 1
        try:
            await _write(send, RETRY)
            seen = self.generation
            while not self.stopped and not gone.done():
                if seen == self.generation:
                    await asyncio.wait({self._changed, gone}, timeout=KEEPALIVE_S,
                                       return_when=asyncio.FIRST_COMPLETED)
                if self.stopped or gone.done() or not await self.still_admitted(account):
                    return
                if seen == self.generation:
                    await _write(send, b": keep-alive\n\n")
                    continue
                seen = self.generation
                event = await self.panel(lang)
                await _write(send, b"data: " + event.encode() + b"\n\n")
                await asyncio.sleep(COALESCE_S)
        finally:
            self.open -= 1
            gone.cancel()
            with contextlib.suppress(Exception):  # the screen may be gone already
                await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _disconnected(receive: Receive) -> None:
    """Returns once the screen has gone (the request has no body left to read)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def _write(send: Send, chunk: bytes) -> None:
    await send({"type": "http.response.body", "body": chunk, "more_body": True})
