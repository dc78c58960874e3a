"""The overview's heartbeat: every tick, KPI figures, marker statuses and the alarm list."""

from __future__ import annotations

from dash import Input, Output, State

from components.alarm_list import alarm_items, severity_counts
from components.kpi_strip import kpi_cards
from data_access.app_context import current_store


def register(app) -> None:
    @app.callback(
        Output("kpi-strip", "children"),
        Output("alarm-counts", "children"),
        Output("alarm-list", "children"),
        Input("live-tick", "n_intervals"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def refresh_overview(_n, lang):
        store = current_store()
        config = store.config
        alarms = store.active_alarms()
        return (
            kpi_cards(store.kpi_figures(), config, lang),
            severity_counts(alarms, lang),
            alarm_items(**store.alarm_view(alarms, lang)),
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
