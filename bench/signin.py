"""Benchmarks sign in the way wall screens do: by a display token (read-only, no form)."""

from __future__ import annotations

import requests
from sqlalchemy import Engine

from access import users


def screen_url(engine: Engine, base_url: str) -> str:
    """A fresh display token's sign-in URL for this benchmark's screens."""
    _, raw = users.create_display_token(engine, "benchmark screen", "bench")
    return f"{base_url}/display/{raw}"


def sign_in_browser(context, engine: Engine, base_url: str) -> None:
    """The Playwright context carries a display session (cookies) before it opens pages."""
    context.request.get(screen_url(engine, base_url))


def signed_in_headers(engine: Engine, base_url: str) -> dict[str, str]:
    """Cookie and CSRF headers for raw HTTP clients posting Dash callbacks as a screen."""
    session = requests.Session()
    session.get(screen_url(engine, base_url), timeout=60)
    session.get(f"{base_url}/", timeout=60)  # the page hands out the CSRF token cookie
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return {"Cookie": cookies, "X-CSRFToken": session.cookies.get("_csrf_token", "")}
