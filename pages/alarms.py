"""The alarm console (ISA-18.2 / EEMUA 191): every alarm under filters, bulk acknowledge,
a detail panel with the device, its values around the alarm and the audit trail, actions
(acknowledge, shelve, comment, assign), CSV export, and the alarm system's health."""

from __future__ import annotations

import dash
from dash import dcc, html

from access.identity import current_principal
from access.policy import ALARM_ACT, OPS_VIEW, allowed
from components.alarm_console import action_panel, filter_bar, grid
from components.display_mode import resolve_mode
from components.i18n import resolve_language, t
from components.shell import page_shell
from data_access.app_context import current_store
from data_access.departments import load_departments

dash.register_page(__name__, path="/alarms", name="Alarms", order=2, access=OPS_VIEW,
                   nav_label={"el": t("nav_alarms", "el"), "en": t("nav_alarms", "en")})


def layout(lang: str | None = None, mode: str | None = None, **_query) -> html.Div:
    store = current_store()
    config = store.config
    lang = resolve_language(lang, config.city.default_language)
    who = current_principal()
    body = [
        html.H1(t("console_title", lang), className="page-title"),
        filter_bar(config, lang, who.name if who else ""),
        html.Div(className="console-actions", children=[
            # Read-only roles see the alarms, not the buttons (the server refuses them anyway).
            html.Button(t("ack_selected", lang), id="ack-selected", className="btn btn-primary",
                        hidden=not allowed(who, ALARM_ACT)),
            html.Button(t("export_csv", lang), id="export-csv", className="btn"),
            html.Div(id="console-msg", className="form-msg", role="status"),
        ]),
        html.Div(className="console-body", children=[
            html.Div(grid(lang), className="grid-wrap"),
            html.Aside(className="alarm-detail", children=[
                html.Div(t("pick_alarm", lang), id="alarm-detail", className="detail-info"),
                action_panel(load_departments(store.settings.config_dir), lang),
            ]),
        ]),
        dcc.Loading(html.Section(id="alarm-health", className="alarm-health"), type="dot"),
        dcc.Store(id="detail-id"),
        dcc.Store(id="page-lang", data=lang),
    ]
    return page_shell(config, lang, "/alarms", body, resolve_mode(mode))
