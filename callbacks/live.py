"""The pages' heartbeat: KPI figures and the alarm list each tick, the alarm counts and
alerts in every page's header, the clock. Alarm changes also arrive pushed, between ticks
(callbacks/alarm_push.py); these callbacks are what keeps a screen right without push."""

from __future__ import annotations

from dash import Input, Output, State

from components.alarm_panel import alarm_panel
from components.kpi_strip import kpi_cards
from data_access.app_context import current_store


def register(app) -> None:
    @app.callback(
        Output("kpi-strip", "children"),
        Input("live-tick", "n_intervals"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def refresh_kpis(_n, lang):
        store = current_store()
        return kpi_cards(store.kpi_figures(), store.config, lang)

    @app.callback(
        Output("alarm-counts", "children"),
        Output("alarm-list", "children"),
        Input("live-tick", "n_intervals"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def refresh_alarms(_n, lang):
        counts, items, _alerts = alarm_panel(current_store().alarms_version(), lang)
        return counts, items

    @app.callback(
        Output("shell-alarms", "children"),
        Output("alarm-alert", "data"),
        Input("alarm-tick", "n_intervals"),
        State("shell-lang", "data"),
    )
    def shell_alarms(_n, lang):
        counts, _items, new = alarm_panel(current_store().alarms_version(), lang)
        return counts, new

    # Server-sent alarm events start once the page is up, unless push is off (settings).
    app.clientside_callback(
        """function(lang) { return window.cityops.push.start(lang); }""",
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

    app.clientside_callback(
        """function(_n, template) {
            const el = document.getElementById('clock');
            const tz = (el && el.dataset.tz) || undefined;
            const clock = new Intl.DateTimeFormat('en-GB', {timeZone: tz, hour: '2-digit',
                minute: '2-digit', second: '2-digit'}).format(new Date());
            const [text, hidden] = window.cityops.connection.banner(template, tz, 3000);
            return [clock, text, hidden];
        }""",
        Output("clock", "children"),
        Output("conn-banner", "children"),
        Output("conn-banner", "hidden"),
        Input("clock-tick", "n_intervals"),
        State("conn-template", "data"),
    )
