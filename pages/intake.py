"""Data intake, for administrators: per source what came in and what was refused, the
streams' backlog and losses, the refused entries (searchable by reason and device) with a
button to send them again once their cause is fixed, and the payload keys no device profile
maps (what a profile still needs). The integrator's page while devices are brought in."""

from __future__ import annotations

import dash
from dash import dcc, html

from access.policy import USERS_ADMIN
from components.display_mode import resolve_mode
from components.i18n import resolve_language, t
from components.intake import (
    PATH,
    card,
    dead_section,
    refused_by_reason,
    sources_table,
    streams_table,
    unmapped_grid,
)
from components.shell import page_shell
from data_access import streams
from data_access.app_context import current_store

# Reached from the admin page (no menu entry of its own: the menu must fit a tablet), under
# whose menu entry it is shown.
dash.register_page(__name__, path=PATH, name="Data intake", order=10, access=USERS_ADMIN,
                   nav_label=None)


def layout(lang: str | None = None, mode: str | None = None, **_query) -> html.Div:
    store = current_store()
    config = store.config
    lang = resolve_language(lang, config.city.default_language)
    tz = config.city.timezone
    health = streams.intake_health(store.redis)
    body = [
        html.H1(t("intake_title", lang), className="page-title"),
        html.Div(className="admin-page intake-page", children=[
            html.Div(className="intake-top", children=[
                card("intake-sources", t("intake_sources", lang), t("intake_sources_hint",
                                                                   lang),
                     sources_table(streams.intake_sources(store.redis), tz, lang)),
                card("intake-streams", t("intake_streams", lang), t("admin_intake_hint", lang),
                     streams_table(health, lang)),
                card("intake-reasons", t("intake_refused", lang), None,
                     refused_by_reason(health["refused"], lang)),
            ]),
            dead_section(health["refused"], lang),
            card("intake-unmapped", t("intake_unmapped", lang), None,
                 html.Div(unmapped_grid(streams.unmapped_keys(store.redis, limit=200), lang),
                          className="admin-grid-wrap intake-unmapped-wrap")),
        ]),
        dcc.Store(id="page-lang", data=lang),
    ]
    return page_shell(config, lang, "/admin", body, resolve_mode(mode))
