"""Callbacks of the citizens' page (pages/public.py): every minute, the three answers again,
from the one cached computation every visitor shares. Open to anyone (access: public)."""

from __future__ import annotations

from dash import Input, Output, State

from access.policy import PUBLIC
from access.rules import Rule, callbacks_need
from components.public_panels import bodies
from data_access.app_context import current_store
from data_access.public_source import status_or_nothing


def register(app) -> None:
    # Declared here, not by the caller: these callbacks are public whoever registers them
    # (the innermost declaration wins).
    with callbacks_need(app, Rule(PUBLIC)):
        _register(app)


def _register(app) -> None:
    @app.callback(
        Output("public-parking", "children"),
        Output("public-air", "children"),
        Output("public-flood", "children"),
        Input("public-tick", "n_intervals"),
        State("public-lang", "data"),
        prevent_initial_call=True,  # the layout already carries the first figures
    )
    def refresh(_n, lang):
        store = current_store()
        return bodies(status_or_nothing(store), store.config.city.timezone, lang)
