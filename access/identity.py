"""Who is asking, for pages and callbacks: the guard decides it before anything runs."""

from __future__ import annotations

from flask import g, has_request_context

from access.policy import Principal


def current_principal() -> Principal | None:
    """The signed-in user or display of this request; None when nobody is signed in."""
    return g.get("principal") if has_request_context() else None
