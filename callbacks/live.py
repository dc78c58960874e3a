"""The pages' heartbeat: KPI figures each tick. The alarm panel (counts, list, alerts) is
pushed and put in place by the browser itself (callbacks/alarm_push.py,
assets/alarm_push.js); with push off, periodic callbacks here bring it instead. The clock
and the connection banner are plain JavaScript (assets/connection.js): a Dash round trip
each second costs a wall of screens real CPU."""

from __future__ import annotations

from dash import Input, Output, State

from components.alarm_panel import alarm_panel
from components.kpi_strip import kpi_cards
from data_access.app_context import current_store


def register(app) -> None:
    with app.server.app_context():
        push = current_store().settings.push

    @app.callback(
        Output("kpi-strip", "children"),
        Input("live-tick", "n_intervals"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def refresh_kpis(_n, lang):
        store = current_store()
        return kpi_cards(store.kpi_figures(), store.config, lang)

    # Server-sent alarm events start once the page is up, unless push is off (settings).
    app.clientside_callback(
        """function(opts) { return window.cityops.push.start(opts); }""",
        Output("push-state", "data"),
        Input("push-enabled", "data"),
    )

    # A new alarm of an alerting severity: flash, sound, and its marker highlighted.
    app.clientside_callback(
        """function(alerts) { return window.cityops.alert.show(alerts || []); }""",
        Output("alarm-flash", "children"),
        Output("alarm-flash", "hidden"),
        Input("alarm-alert", "data"),
        prevent_initial_call=True,
    )
    if not push:
        register_alarm_polling(app)


def register_alarm_polling(app) -> None:
    """Without push: the alarm panel and the alerts with each alarm tick. (With push the
    browser fills those elements itself, and Dash must leave them alone.)"""

    @app.callback(
        Output("alarm-counts", "children"),
        Output("alarm-list", "children"),
        Input("alarm-tick", "n_intervals"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def refresh_alarms(_n, lang):
        store = current_store()
        counts, items, _alerts = alarm_panel(store, store.alarms_version(), lang)
        return counts, items

    @app.callback(
        Output("shell-alarms", "children"),
        Output("alarm-alert", "data"),
        Input("alarm-tick", "n_intervals"),
        State("shell-lang", "data"),
    )
    def shell_alarms(_n, lang):
        counts, _items, new = alarm_panel(store := current_store(), store.alarms_version(), lang)
        return counts, new
