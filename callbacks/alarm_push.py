"""Alarms pushed to every open screen: a server-sent event stream per screen, fed by the
process's one AlarmSignal. The browser (assets/alarm_push.js) turns each event into a
refresh of the alarm callbacks, so a new alarm shows in well under a second; the periodic
refresh stays as the fallback. EventSource reconnects by itself after a server restart."""

from __future__ import annotations

from flask import Response, current_app, stream_with_context

from data_access.alarm_signal import AlarmSignal
from data_access.app_context import current_store

KEEPALIVE_S = 15.0  # also how soon a closed screen's thread notices and ends


def events_response() -> Response:
    signal: AlarmSignal = current_app.extensions["cityops-alarm-signal"]
    signal.start()

    def stream():
        seen = signal.version
        yield "retry: 2000\n\n"
        while True:
            version = signal.wait_newer(seen, KEEPALIVE_S)
            if version is None:
                yield ": keep-alive\n\n"
                continue
            seen = version
            yield f"data: {version}\n\n"

    return Response(stream_with_context(stream()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def register(app) -> None:
    server = app.server
    with server.app_context():
        store = current_store()
    if not store.settings.push:
        return
    server.extensions["cityops-alarm-signal"] = AlarmSignal(store.redis)
    server.add_url_rule("/api/v1/alarms/events", "alarm_events", events_response)
