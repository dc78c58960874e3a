"""The ASGI front of the app. The live-alarm event streams are held on the event loop
(serving/alarm_events.py), each a coroutine; everything else is the Flask/Dash app, run in
a pool of threads (a2wsgi), as under any WSGI server. One path judges every request: an
event stream is opened only after the Flask app's own guard has admitted it."""

from __future__ import annotations

import contextlib

from a2wsgi import WSGIMiddleware
from flask import Flask

from callbacks.alarm_push import EVENTS_PATH
from serving.alarm_events import Hub, Receive, Scope, Send


class CityOpsAsgi:
    def __init__(self, flask_app: Flask) -> None:
        self.flask_app = flask_app
        threads = flask_app.extensions["cityops"].settings.web_threads
        self.wsgi = WSGIMiddleware(flask_app, workers=threads)
        pushing = "cityops-alarm-signal" in flask_app.extensions
        self.hub: Hub | None = Hub(flask_app) if pushing else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif (self.hub is not None and scope["type"] == "http" and scope["method"] == "GET"
              and scope["path"] == EVENTS_PATH):
            await self.hub.serve(scope, receive, send, self.wsgi)
        else:
            await self.wsgi(scope, receive, send)

    def stop_streams(self) -> None:
        """For a server beginning to shut down: open streams end now, so the graceful
        shutdown does not wait on them (the screens reconnect to another process)."""
        if self.hub is not None:
            self.hub.stop()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.stop_streams()
                with contextlib.suppress(Exception):
                    self.wsgi.executor.shutdown(wait=False, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return
