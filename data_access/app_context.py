"""Find the Store of the running app from inside a request (pages, callbacks)."""

from __future__ import annotations

from flask import current_app

from data_access.store import Store

EXTENSION = "cityops"


def current_store() -> Store:
    return current_app.extensions[EXTENSION]
