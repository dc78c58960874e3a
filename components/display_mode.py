"""The three ways of looking at CityOps, chosen by `?mode=` and remembered in a cookie:
wall (control room, 3-5 m away), tablet (touch), laptop (full navigation, the default)."""

from __future__ import annotations

from flask import has_request_context, request

MODES = ("wall", "tablet", "laptop")
MODE_COOKIE = "cityops_mode"
DEFAULT_MODE = "laptop"


def resolve_mode(explicit: str | None) -> str:
    if explicit in MODES:
        return explicit
    if has_request_context():
        remembered = request.cookies.get(MODE_COOKIE)
        if remembered in MODES:
            return remembered
    return DEFAULT_MODE
