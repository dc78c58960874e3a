"""The overview's heartbeat: every tick, KPI figures, marker statuses and the alarm list."""

from __future__ import annotations

from dash import ALL, Input, Output, State

from components.alarm_list import alarm_items, severity_counts
from components.device_map import status_hideout
from components.kpi_strip import kpi_cards
from data_access.app_context import current_store
from data_access.kpis import kpi_strip


def register(app) -> None:
    @app.callback(
        Output("kpi-strip", "children"),
        Output("alarm-counts", "children"),
        Output("alarm-list", "children"),
        Output({"type": "domain-layer", "domain": ALL}, "hideout"),
        Input("live-tick", "n_intervals"),
        State("page-lang", "data"),
        State({"type": "domain-layer", "domain": ALL}, "id"),
        prevent_initial_call=True,
    )
    def refresh_overview(_n, lang, layer_ids):
        store = current_store()
        config = store.config
        frame = store.device_frame()
        alarms = store.active_alarms()
        hideouts = []
        for layer in layer_ids:
            domain = config.domain_by_id[layer["domain"]]
            hideouts.append(status_hideout(frame, domain.id, domain.color, domain.glyph))
        return (
            kpi_cards(kpi_strip(frame, config, lang), config, lang),
            severity_counts(alarms, lang),
            alarm_items(**store.alarm_view(alarms, lang)),
            hideouts,
        )

    app.clientside_callback(
        """function(_n) {
            const el = document.getElementById('clock');
            const tz = (el && el.dataset.tz) || undefined;
            return new Intl.DateTimeFormat('en-GB', {timeZone: tz, hour: '2-digit',
                minute: '2-digit', second: '2-digit'}).format(new Date());
        }""",
        Output("clock", "children"),
        Input("clock-tick", "n_intervals"),
    )
