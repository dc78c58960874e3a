"""Level-1 overview: every device on the city map, one figure per domain, live alarms."""

from __future__ import annotations

import dash
from dash import dcc, html

from access.policy import OPS_VIEW
from components.alarm_list import alarm_items, list_words, severity_counts
from components.device_map import device_map, parse_rotate
from components.display_mode import resolve_mode
from components.i18n import resolve_language, t
from components.kpi_strip import kpi_cards
from components.shell import page_shell
from data_access.app_context import current_store

dash.register_page(__name__, access=OPS_VIEW, path="/", name="Overview", order=0,
                   nav_label={"el": t("nav_overview", "el"), "en": t("nav_overview", "en")})


def layout(lang: str | None = None, mode: str | None = None, rotate: str | None = None,
           **_query) -> html.Div:
    store = current_store()
    config = store.config
    lang = resolve_language(lang, config.city.default_language)
    alarms = store.active_alarms()
    body = [
        html.H1(t("nav_overview", lang), className="visually-hidden"),  # for a screen reader
        html.Section(kpi_cards(store.kpi_figures(), config, lang), id="kpi-strip",
                     className="kpi-strip", **{"aria-label": t("kpi_label", lang)}),
        html.Div(className="overview-main", children=[
            device_map(config, store.settings, store.devices_version(), store.status_update(None),
                       lang, rotate_s=parse_rotate(rotate)),
            html.Aside(className="alarm-panel", **{"aria-labelledby": "alarm-title"}, children=[
                html.H2(t("alarms", lang), id="alarm-title", className="panel-title"),
                html.Div(severity_counts(alarms, lang), id="alarm-counts",
                         className="alarm-counts"),
                # Focusable: on a laptop the list scrolls, and a keyboard must reach it.
                # With push on, the rows come as HTML from the pushed panel (fetched as the
                # page connects): held in Dash's layout too, 40 rows cost every screen's
                # renderer work on each tick (bench.alarm_latency --active).
                html.Ul([] if store.settings.push
                        else alarm_items(**store.alarm_view(alarms, lang)),
                        id="alarm-list", className="alarm-list",
                        tabIndex="0", **{"data-words": list_words(lang),
                                         "aria-labelledby": "alarm-title"}),
            ]),
        ]),
        dcc.Interval(id="live-tick", interval=store.settings.refresh_ms),
        dcc.Store(id="page-lang", data=lang),
    ]
    return page_shell(config, lang, "/", body, resolve_mode(mode))
