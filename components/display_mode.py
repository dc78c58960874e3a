"""The three ways of looking at CityOps, chosen by `?mode=` and remembered in a cookie:
wall (control room, 3-5 m away), tablet (touch), laptop (full navigation, the default)."""

from __future__ import annotations

from components.preferences import remembered

MODES = ("wall", "tablet", "laptop")
MODE_COOKIE = "cityops_mode"
DEFAULT_MODE = "laptop"


def resolve_mode(explicit: str | None) -> str:
    return remembered(explicit, MODES, MODE_COOKIE, DEFAULT_MODE)
