"""Rate limits, counted in the installation's Redis so every web worker shares them.

    limiter              Flask-Limiter: decorate public routes with limiter.limit(PUBLIC_API_LIMIT)
    LoginThrottle        sign-in attempts per account and per address, claimed before the
                         password is checked
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import redis
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

PUBLIC_API_LIMIT = "60 per minute"  # per address: plenty for a phone, little for a scraper
WINDOW_S = 15 * 60
PER_ACCOUNT = 5  # failed (or still running) sign-ins per account in the window
PER_ADDRESS = 20  # ... and per address
KEY_PREFIX = "cityops:{login}:"  # one hash slot: the claim touches both keys in one script

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True,
                  strategy="moving-window", key_prefix="cityops")

# Both limits are tested and, only if both have room, claimed in one step: concurrent
# attempts cannot all pass a check made before any of them is counted.
# KEYS: one sorted set per limit (member: a claim, score: its time in ms);
# ARGV: the claim, then (limit, window ms) per key. Returns ms to wait, 0 when claimed.
CLAIM_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local limit, window = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    wait = math.max(wait, oldest + window - now)
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]))
end
return 0
"""


def storage_uri(redis_url: str) -> str:
    """limits spells a Unix socket (the embedded Redis) as redis+unix://."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://"):]
    return redis_url


def init_limits(server: Flask, redis_url: str, r: redis.Redis) -> None:
    server.config["RATELIMIT_STORAGE_URI"] = storage_uri(redis_url)
    server.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(server)
    server.extensions["cityops_login_throttle"] = LoginThrottle(r)


@dataclass(frozen=True)
class Claim:
    """One sign-in attempt counted against its account and address."""

    keys: tuple[str, ...]
    member: str


class LoginThrottle:
    """Sign-in attempts per account and per address in a moving window. An attempt is
    claimed before its password is checked (so a burst cannot be hashed before it is
    counted); a successful one gives its own claim back, so an office of many users behind
    one address is not shut out by its own sign-ins, while failures stay counted until the
    window has moved on (a success does not wipe the guesses before it)."""

    def __init__(self, r: redis.Redis, per_account: int = PER_ACCOUNT,
                 per_address: int = PER_ADDRESS, window_s: int = WINDOW_S) -> None:
        self.redis = r
        self.per_account, self.per_address, self.window_s = per_account, per_address, window_s
        self._claim = r.register_script(CLAIM_LUA)

    def claim(self, account: str, address: str) -> Claim | int:
        """A claim on one attempt, or the seconds to wait before the next may be made.
        `account` is the name as users.normalise_name gives it."""
        keys = (f"{KEY_PREFIX}account:{_digest(account)}", f"{KEY_PREFIX}address:{address}")
        member = secrets.token_hex(8)
        window_ms = self.window_s * 1000
        wait_ms = int(self._claim(keys=list(keys), args=[
            member, self.per_account, window_ms, self.per_address, window_ms]))
        return Claim(keys, member) if wait_ms == 0 else max(1, -(-wait_ms // 1000))

    def release(self, claim: Claim) -> None:
        """The attempt succeeded (or its password was never checked): it does not count."""
        pipe = self.redis.pipeline(transaction=False)
        for key in claim.keys:
            pipe.zrem(key, claim.member)
        pipe.execute()


def _digest(name: str) -> str:
    """Keys of a bounded size whatever was typed into the name field."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32]
