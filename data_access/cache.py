"""The one flask-caching instance; bound to the app in create_app (Redis backend)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, has_app_context
from flask_caching import Cache

cache = Cache()


def cache_config(redis_url: str, enabled: bool = True) -> dict:
    """Redis-backed, shared by every web process; `enabled=False` (CITYOPS_CACHE=off) keeps
    the same code path with nothing stored, for the benchmark's comparison."""
    return {
        "CACHE_TYPE": "RedisCache" if enabled else "NullCache",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "cityops:cache:",
        "CACHE_DEFAULT_TIMEOUT": 30,
    }


def memoized(timeout: int) -> Callable:
    """cache.memoize inside the web app; a plain call in workers, CLI and tests, which have
    no app and must always see the database itself."""

    def decorate(fn: Callable) -> Callable:
        memo = cache.memoize(timeout=timeout)(fn)

        @wraps(fn)
        def wrapper(*args, **kwargs):
            if has_app_context() and cache in current_app.extensions.get("cache", {}):
                return memo(*args, **kwargs)
            return fn(*args, **kwargs)

        return wrapper

    return decorate
