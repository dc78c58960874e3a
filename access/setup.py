"""Binds sign-in, sessions, CSRF, rate limits and the guard to the Flask server."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from dash import Dash
from flask import Flask
from flask_session import Session
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from access import guard, headers, login
from access.throttle import init_limits
from data_access.redis_conn import redis_url
from data_access.settings import Settings
from data_access.store import Store


def install(server: Flask, store: Store) -> None:
    settings = store.settings
    if settings.proxy_hops:
        # Behind a reverse proxy the client is in X-Forwarded-For: limits count per visitor,
        # not per proxy, and Secure cookies see the original https.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.proxy_hops,
                                   x_proto=settings.proxy_hops, x_host=settings.proxy_hops)
    server.config.update(
        SECRET_KEY=settings.secret_key or _stored_secret(settings.var_dir / "secret_key"),
        # Server-side sessions in the installation's Redis: logout really ends one, and
        # every web worker sees the same.
        SESSION_TYPE="redis", SESSION_REDIS=store.redis, SESSION_KEY_PREFIX="cityops:session:",
        SESSION_PERMANENT=True, PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        SESSION_COOKIE_NAME="cityops_session", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax",
        # The guard checks CSRF itself (signed-in state changes only); a wall screen's page
        # stays open for weeks, so its token lives as long as its session.
        WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None,
    )
    Session(server)
    CSRFProtect(server)
    login.login_manager.init_app(server)
    init_limits(server, redis_url(settings), store.redis)
    server.register_blueprint(login.blueprint)


def install_guard(app: Dash, settings: Settings) -> None:
    """The guard and the security headers, once the Dash app is built: Dash's own
    first-request hooks (which add its page router's callback and inline script) must run
    before the guard judges that callback and the headers hash that script."""
    guard.install(app.server)
    headers.install(app.server, app.csp_hashes, settings.tile_url, settings.frame_ancestors,
                    settings.secure_cookies)


def _stored_secret(path: Path) -> str:
    """One secret per installation, made on first start and kept under var/ (so sessions
    survive restarts and every worker agrees); CITYOPS_SECRET_KEY overrides it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    return path.read_text().strip()
