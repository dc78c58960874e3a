"""A reader's choice (language, display mode): the URL wins, then the remembered cookie."""

from __future__ import annotations

from collections.abc import Sequence

from flask import has_request_context, request


def remembered(explicit: str | None, allowed: Sequence[str], cookie: str, default: str) -> str:
    if explicit in allowed:
        return explicit
    if has_request_context():
        value = request.cookies.get(cookie)
        if value in allowed:
            return value
    return default if default in allowed else allowed[0]
