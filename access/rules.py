"""What each page, callback and route needs, declared where it is registered.

    pages      dash.register_page(..., access=OPS_VIEW)  (domain pages: access + domain)
    callbacks  with callbacks_need(app, Rule(OPS_VIEW)): module.register(app)
    routes     protect_route(server, "endpoint", Rule(OPS_VIEW))

Anything not declared is refused: a new callback or route without a rule is closed, not open.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from dash import Dash
from flask import Flask

EXTENSION = "cityops_access"


@dataclass(frozen=True)
class Rule:
    """A permission, and where a scoped one finds its domain in a callback's request:
    `scope` = (component id, property) among the callback's inputs and states, read as a
    domain (`scope_kind="domain"`) or a device id (`"device"`), after walking `scope_path`
    into it when it is a dict. Routes find it in the URL's `device_id` / `domain` arguments."""

    permission: str
    scope: tuple[str, str] | None = None
    scope_kind: str = "domain"
    scope_path: tuple[str, ...] = ()  # keys to walk when the value is a dict


@dataclass
class AccessRules:
    callbacks: dict[str, Rule] = field(default_factory=dict)  # callback_map key -> rule
    routes: dict[str, Rule] = field(default_factory=dict)  # Flask endpoint -> rule
    no_csrf: set[str] = field(default_factory=set)  # machine routes: no cookies, no CSRF
    # The Dash app's own callback_map (live: Dash adds its page router at the first request):
    # what each callback declared, to hold a request to that shape.
    specs: dict[str, dict] = field(default_factory=dict)


def rules_of(server: Flask) -> AccessRules:
    return server.extensions.setdefault(EXTENSION, AccessRules())


@contextlib.contextmanager
def callbacks_need(app: Dash, rule: Rule) -> Iterator[None]:
    """Every server callback registered inside the block needs `rule`, unless an inner
    block gave it its own (the innermost declaration wins)."""
    before = set(app.callback_map)
    yield
    rules = rules_of(app.server)
    rules.specs = app.callback_map
    declared = rules.callbacks
    for key in set(app.callback_map) - before:
        declared.setdefault(key, rule)


def protect_route(server: Flask, endpoint: str, rule: Rule, csrf: bool = True) -> None:
    """`csrf=False` only for routes that machines call without the session cookie."""
    rules_of(server).routes[endpoint] = rule
    if not csrf:
        rules_of(server).no_csrf.add(endpoint)
