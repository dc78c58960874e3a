"""Callbacks of the domain page (issue 5; being written)."""

from __future__ import annotations


def register(app) -> None:
    return None
