"""Alarms pushed to every open screen: a server-sent event stream per screen, fed by the
process's one AlarmSignal. Each event carries the alarm panel itself (counts, list, alerts),
built and serialised once per alarms version and language for all screens, so a new alarm
reaches a screen with no request of its own (assets/alarm_push.js applies it); the periodic
refresh stays as the fallback. EventSource reconnects by itself after a server restart."""

from __future__ import annotations

import threading
import time

from flask import Response, current_app, stream_with_context
from flask_login import current_user

from access.login import load_account
from access.policy import OPS_VIEW
from access.rules import Rule, protect_route
from components.alarm_panel import alarm_panel_json
from components.i18n import request_language
from data_access.alarm_signal import AlarmSignal
from data_access.app_context import current_store
from data_access.store import Store

KEEPALIVE_S = 15.0  # also how soon a closed screen's thread notices and ends
COALESCE_S = 0.2  # a burst of alarms becomes one refresh per screen, not one per alarm


_panels: dict[tuple[str, str, str], str] = {}
_panels_lock = threading.Lock()


def panel_event(store: Store, version: str, lang: str) -> str:
    """The event for (installation, version, language), made by one thread of this process
    while the other screens' threads wait for it: woken together, they must not all build it
    at once. The installation is part of the key: versions are small numbers that every
    store counts from 1, and two apps in one process (tests) must not see each other's."""
    key = (repr(store), version, lang)
    event = _panels.get(key)
    if event is None:
        with _panels_lock:
            event = _panels.get(key)
            if event is None:
                event = _panels[key] = alarm_panel_json(store, version, lang)
                while len(_panels) > 32:
                    _panels.pop(next(iter(_panels)))
    return event


def events_response() -> Response:
    signal: AlarmSignal = current_app.extensions["cityops-alarm-signal"]
    signal.start()
    store = current_store()
    lang = request_language()
    account = current_user.get_id() if current_user.is_authenticated else None

    def stream():
        seen = signal.version
        yield "retry: 2000\n\n"
        while True:
            version = signal.wait_newer(seen, KEEPALIVE_S)
            if signal.stopped:
                return  # the server is shutting down
            if account and load_account(account) is None:
                return  # signed out, disabled or revoked meanwhile: the stream ends here
            if version is None:
                yield ": keep-alive\n\n"
                continue
            seen = version
            yield f"data: {panel_event(store, store.alarms_version(), lang)}\n\n"
            time.sleep(COALESCE_S)

    return Response(stream_with_context(stream()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def panel_response() -> Response:
    """The alarm panel now: what a screen asks after (re)connecting, and as the slow
    fallback should the event stream be cut."""
    store = current_store()
    lang = request_language()
    return Response(panel_event(store, store.alarms_version(), lang), mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


def register(app) -> None:
    server = app.server
    with server.app_context():
        store = current_store()
    if not store.settings.push:
        return
    server.extensions["cityops-alarm-signal"] = AlarmSignal(store.redis)
    server.add_url_rule("/api/v1/alarms/events", "alarm_events", events_response)
    server.add_url_rule("/api/v1/alarms/panel", "alarm_panel", panel_response)
    protect_route(server, "alarm_events", Rule(OPS_VIEW))
    protect_route(server, "alarm_panel", Rule(OPS_VIEW))


def stop_push(server) -> None:
    """End the app's alarm listener and its open event streams: for a process about to stop
    its embedded Redis, so the shutdown does not read as an outage in the log."""
    signal: AlarmSignal | None = server.extensions.get("cityops-alarm-signal")
    if signal is not None:
        signal.stop()
