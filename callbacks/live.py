"""The pages' heartbeat: KPI figures and the alarm list each tick and whenever the alarms
change (pushed), the alarm counts and alerts in every page's header, the clock."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, State

from components.alarm_list import alarm_items, severity_counts
from components.i18n import t
from components.kpi_strip import kpi_cards
from data_access.app_context import current_store
from data_access.store import Store


def alerts(store: Store, alarms: pd.DataFrame, lang: str) -> list[dict]:
    """Unacknowledged active alarms of the severities that alert (settings), newest first:
    the browser flashes those it has not flashed yet."""
    wanted = alarms[(alarms["state"] == "active_unack")
                    & alarms["severity"].isin(store.settings.alert_severities)]
    view = store.alarm_view(wanted, lang)
    return [{"id": r.alarm_id, "severity": t(f"severity_{r.severity}", lang),
             "message": r.message or r.type, "device_id": r.device_id,
             "device": view["names"].get(r.device_id or "", r.device_id or "")}
            for r in view["alarms"].head(20).itertuples()]


def register(app) -> None:
    @app.callback(
        Output("kpi-strip", "children"),
        Output("alarm-counts", "children"),
        Output("alarm-list", "children"),
        Input("live-tick", "n_intervals"),
        Input("alarm-signal", "data"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def refresh_overview(_n, _signal, lang):
        store = current_store()
        config = store.config
        alarms = store.active_alarms()
        return (
            kpi_cards(store.kpi_figures(), config, lang),
            severity_counts(alarms, lang),
            alarm_items(**store.alarm_view(alarms, lang)),
        )

    @app.callback(
        Output("shell-alarms", "children"),
        Output("alarm-alert", "data"),
        Input("alarm-signal", "data"),
        Input("alarm-tick", "n_intervals"),
        State("shell-lang", "data"),
    )
    def shell_alarms(_signal, _n, lang):
        store = current_store()
        alarms = store.active_alarms()
        return severity_counts(alarms, lang), alerts(store, alarms, lang)

    # Server-sent alarm events start once the page is up, unless push is off (settings).
    app.clientside_callback(
        """function(enabled) { return window.cityops.push.start(enabled); }""",
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
