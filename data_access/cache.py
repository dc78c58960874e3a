"""The one flask-caching instance; bound to the app in create_app (Redis backend)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import current_app, has_app_context
from flask_caching import Cache

cache = Cache()
T = TypeVar("T")


def cache_config(redis_url: str, enabled: bool = True) -> dict:
    """Redis-backed, shared by every web process; `enabled=False` (CITYOPS_CACHE=off) keeps
    the same code path with nothing stored, for the benchmark's comparison."""
    return {
        "CACHE_TYPE": "RedisCache" if enabled else "NullCache",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "cityops:cache:",
        "CACHE_DEFAULT_TIMEOUT": 30,
    }


def _caching() -> bool:
    """Inside a web app that has the cache bound (workers, CLI and tests have none)."""
    return has_app_context() and cache in current_app.extensions.get("cache", {})


def memoized(timeout: int) -> Callable:
    """cache.memoize inside the web app; a plain call in workers, CLI and tests, which have
    no app and must always see the database itself."""

    def decorate(fn: Callable) -> Callable:
        memo = cache.memoize(timeout=timeout)(fn)

        @wraps(fn)
        def wrapper(*args, **kwargs):
            return memo(*args, **kwargs) if _caching() else fn(*args, **kwargs)

        return wrapper

    return decorate


def refreshed(name: str, period: int, period_s: int, compute: Callable[[], T]) -> T:
    """The value of `name` for `period`, computed at most once per period by one process.

    When the period turns, the first screen to ask would compute while every other screen
    asking in that instant computes too (a stampede: with 200 screens, hundreds of identical
    queries). Instead, while the new value is missing, screens get the newest one there is,
    and one claimant computes the new value in a background thread. Only the very first
    value, with nothing to fall back on, is computed while the screen waits.
    Outside the web app (or with the cache off) it simply computes.
    """
    if not _caching():
        return compute()
    key, newest_key = f"{name}:{period}", f"{name}:newest"
    value = cache.get(key)
    if value is not None:
        return value
    newest = cache.get(newest_key)
    claimed = cache.add(f"{key}:claim", 1, timeout=max(period_s, 30))
    if newest is None:
        # Nothing to show yet: one screen computes, the others wait for its result.
        return _store(key, newest_key, compute(), period_s) if claimed else _wait(key, compute)
    if claimed:
        app = current_app._get_current_object()
        threading.Thread(target=_fill_in_background, daemon=True, name=f"refresh {name}",
                         args=(app, key, newest_key, compute, period_s)).start()
    return newest


WAIT_S = 10.0


def _wait(key: str, compute: Callable[[], T]) -> T:
    """Another process is computing `key`: take its result (or compute, if it never comes)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        time.sleep(0.05)
        value = cache.get(key)
        if value is not None:
            return value
    return compute()


def _store(key: str, newest_key: str, value: T, period_s: int) -> T:
    cache.set(key, value, timeout=period_s * 3)
    cache.set(newest_key, value, timeout=period_s * 30)
    return value


def _fill_in_background(app, key: str, newest_key: str, compute: Callable[[], T],
                        period_s: int) -> None:
    with app.app_context():
        try:
            _store(key, newest_key, compute(), period_s)
        except Exception:  # the screens keep the newest value; the next period tries again
            logging.getLogger(__name__).exception("background refresh of %s failed", key)


# Files whose URL changes with their content: Dash's bundles (version in the name) and our
# assets (`?m=` modification time). Their compressed bytes can be kept for the process.
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")


class StaticCompressionCache:
    """Flask-Compress's cache, for static files only: a page's ~2 MB of JavaScript was
    compressed again for every visitor (25-50 ms of a web process per large bundle, while
    the page waits for it). Anything else that Flask-Compress offers is not kept."""

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}

    @staticmethod
    def key(request) -> str:
        return request.full_path

    def get(self, key: str) -> bytes | None:
        return self._bodies.get(key)

    def set(self, key: str, value: bytes) -> None:
        path = key.split(";", 1)[-1]  # Flask-Compress prefixes the algorithm
        if path.startswith(STATIC_PREFIXES) and key not in self._bodies:
            self._bodies[key] = value


def compression_config() -> dict:
    """Flask-Compress settings (Dash's compress=True reads them when the app is made)."""
    return {"COMPRESS_CACHE_BACKEND": StaticCompressionCache,
            "COMPRESS_CACHE_KEY": StaticCompressionCache.key}
