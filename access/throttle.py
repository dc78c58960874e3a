"""Rate limits, counted in the installation's Redis so every web worker shares them.

    limiter              Flask-Limiter: decorate public routes with limiter.limit(PUBLIC_API_LIMIT)
    LoginThrottle        failed sign-ins per account and per address (limits' moving window)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter

PUBLIC_API_LIMIT = "60 per minute"  # per address: plenty for a phone, little for a scraper
FAILED_PER_ACCOUNT = "5 per 15 minutes"
FAILED_PER_ADDRESS = "20 per 15 minutes"

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True,
                  strategy="moving-window", key_prefix="cityops")


def storage_uri(redis_url: str) -> str:
    """limits spells a Unix socket (the embedded Redis) as redis+unix://."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://"):]
    return redis_url


def init_limits(server: Flask, redis_url: str) -> None:
    server.config["RATELIMIT_STORAGE_URI"] = storage_uri(redis_url)
    server.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(server)
    # The same storage (one Redis connection pool) counts failed sign-ins.
    server.extensions["cityops_login_throttle"] = LoginThrottle(
        MovingWindowRateLimiter(limiter.storage))


@dataclass
class LoginThrottle:
    """Refuses sign-in for an account or an address after too many failures, even with the
    right password, until the window has moved on; a success does not reset the count (a
    guesser who found the password must not get more guesses elsewhere)."""

    window: MovingWindowRateLimiter
    per_account: RateLimitItem = parse(FAILED_PER_ACCOUNT)
    per_address: RateLimitItem = parse(FAILED_PER_ADDRESS)

    def blocked(self, account: str, address: str) -> int:
        """Seconds until the next attempt may be made; 0 when it may be made now."""
        waits = [self._wait(self.per_account, "account", account.lower()),
                 self._wait(self.per_address, "address", address)]
        return max(waits)

    def failed(self, account: str, address: str) -> None:
        self.window.hit(self.per_account, "cityops-login", "account", account.lower())
        self.window.hit(self.per_address, "cityops-login", "address", address)

    def _wait(self, item: RateLimitItem, *key: str) -> int:
        if self.window.test(item, "cityops-login", *key):
            return 0
        reset = self.window.get_window_stats(item, "cityops-login", *key).reset_time
        return max(1, int(reset - time.time()))
