"""Alarms pushed to every open screen: the routes. Each event carries the alarm panel itself
(counts, list, alerts), built and serialised once per alarms version and language for all
screens, so a new alarm reaches a screen with no request of its own (assets/alarm_push.js
applies it); the periodic panel fetch stays as the fallback. The event streams are held by
the async front (serving/alarm_events.py), not by a thread each; this module judges who
may open one and serves the panel."""

from __future__ import annotations

import threading

from flask import Response, request
from flask_login import current_user

from access.policy import OPS_VIEW
from access.rules import Rule, protect_route
from components.alarm_panel import alarm_panel_json
from components.i18n import request_language
from data_access.alarm_signal import AlarmSignal
from data_access.app_context import current_store
from data_access.store import Store

EVENTS_PATH = "/api/v1/alarms/events"
STREAM_KEY = "cityops.alarm_stream"  # set in the ASGI scope by the judged view


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


def events_ticket() -> Response:
    """The event stream's request, judged here like every route (the guard, the role, the
    canonical path, the security headers); the stream itself is served by the async front
    (serving/alarm_events.py), which hands the request to this view first and streams only
    if the view put the reader into the request's ASGI scope. Served without that front (a
    plain WSGI server), the answer is an empty 204: the browser stops listening and the
    page's periodic panel fetch keeps the alarms current."""
    scope = request.environ.get("asgi.scope")
    if scope is not None:
        account = current_user.get_id() if current_user.is_authenticated else None
        scope[STREAM_KEY] = {"account": account, "lang": request_language()}
    return Response(status=204, headers={"Cache-Control": "no-store"})


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
    server.add_url_rule(EVENTS_PATH, "alarm_events", events_ticket)
    server.add_url_rule("/api/v1/alarms/panel", "alarm_panel", panel_response)
    protect_route(server, "alarm_events", Rule(OPS_VIEW))
    protect_route(server, "alarm_panel", Rule(OPS_VIEW))


def stop_push(server) -> None:
    """End the app's alarm listener and its open event streams: for a process about to stop
    its embedded Redis, so the shutdown does not read as an outage in the log."""
    signal: AlarmSignal | None = server.extensions.get("cityops-alarm-signal")
    if signal is not None:
        signal.stop()
