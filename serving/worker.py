"""The gunicorn worker for production: `gunicorn -k serving.worker.Worker app:asgi`.
uvicorn's own worker, with the server that ends open event streams as a shutdown begins
(a deploy or a worker recycled does not wait out its graceful timeout for them)."""

from __future__ import annotations

import sys

from gunicorn.arbiter import Arbiter
from uvicorn_worker import UvicornWorker

from serving.server import Server


class Worker(UvicornWorker):
    # No proxy headers here: the Flask app trusts CITYOPS_PROXY_HOPS of them, and only that.
    CONFIG_KWARGS = {"loop": "auto", "http": "auto", "lifespan": "on", "proxy_headers": False}

    async def _serve(self) -> None:
        self.config.app = self.wsgi
        server = Server(config=self.config)
        self._install_sigquit_handler()
        await server.serve(sockets=self.sockets)
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)
