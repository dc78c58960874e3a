"""uvicorn serving the ASGI front: in the foreground for `make run`, in a thread for the
tests and benchmarks. The one change to uvicorn's own server: open event streams end as the
shutdown begins, instead of holding it until its timeout."""

from __future__ import annotations

import socket
import threading

import uvicorn
from flask import Flask

from serving.asgi import CityOpsAsgi

KEEP_ALIVE_S = 10  # a screen refreshes every 2 s and reuses its connection
GRACEFUL_S = 10  # a request still running when a stop is asked gets this long


class Server(uvicorn.Server):
    async def shutdown(self, sockets=None) -> None:
        app = self.config.app
        if isinstance(app, CityOpsAsgi):
            app.stop_streams()
        await super().shutdown(sockets)


def server_config(app: CityOpsAsgi, **options) -> uvicorn.Config:
    # No proxy headers here: the Flask app trusts CITYOPS_PROXY_HOPS of them, and only that.
    return uvicorn.Config(app, lifespan="on", access_log=False, log_level="warning",
                          proxy_headers=False,
                          timeout_keep_alive=KEEP_ALIVE_S,
                          timeout_graceful_shutdown=GRACEFUL_S, **options)


def serve(flask_app: Flask, host: str, port: int) -> None:
    """Serve in the foreground until Ctrl-C or SIGTERM (uvicorn's own signal handling)."""
    Server(server_config(CityOpsAsgi(flask_app), host=host, port=port)).run()


class ServerThread(threading.Thread):
    """The app served as in production (uvicorn, the ASGI front) in a thread on a free port:
    for tests and benchmarks. The socket is bound here, so `url` is known at once and
    requests made before the loop runs wait in the listen queue."""

    def __init__(self, flask_app: Flask, port: int = 0) -> None:
        super().__init__(daemon=True)
        self.asgi = CityOpsAsgi(flask_app)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(2048)
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = Server(server_config(self.asgi))

    def run(self) -> None:
        self.server.run(sockets=[self.sock])

    def stop(self) -> None:
        """Stop serving and free the port (a restart test serves again on the same one)."""
        self.server.should_exit = True
        self.join(timeout=GRACEFUL_S + 20)
        self.sock.close()
