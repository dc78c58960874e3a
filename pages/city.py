"""The city page for officials (tablet first): one headline per domain against the same time
last week, the smart-city programme's axes with budget and absorption, and the strategy KPIs
with their trend. The layout is an empty frame that answers at once; callbacks/city_page.py
fills each panel (behind a loading indicator) from cached SQL aggregates and the city's
data files."""

from __future__ import annotations

import dash
from dash import dcc, html

from access.policy import CITY_VIEW
from components.display_mode import resolve_mode
from components.i18n import resolve_language, t
from components.shell import page_shell
from data_access.app_context import current_store

dash.register_page(__name__, access=CITY_VIEW, path="/city", name="City", order=3,
                   nav_label={"el": "Πόλη", "en": "City"})

REFRESH_MS = 60_000  # the headlines move by the minute; the week-ago figure is cached per minute
LOADING_DELAY_MS = 400  # a quick refresh does not flash the indicator over the figures


def panel(key: str, title: str, body_id: str) -> html.Section:
    return html.Section(
        className=f"city-panel city-{key}", **{"aria-labelledby": f"city-{key}-title"},
        children=[html.H2(title, id=f"city-{key}-title", className="panel-title"),
                  # While a refresh computes, the figures stay readable under the indicator.
                  dcc.Loading(html.Div(id=body_id, className="city-panel-body"), type="dot",
                              delay_show=LOADING_DELAY_MS, color="#8cc8ff",
                              overlay_style={"visibility": "visible", "opacity": 0.7})])


def layout(lang: str | None = None, mode: str | None = None, **_query) -> html.Div:
    config = current_store().config
    lang = resolve_language(lang, config.city.default_language)
    body = [
        html.H1(t("city_title", lang), className="page-title city-page-title"),
        html.Div(className="city-page", children=[
            panel("domains", t("city_headlines", lang), "city-headlines"),
            panel("programme", t("city_programme", lang), "city-programme"),
            panel("strategy", t("city_strategy", lang), "city-strategy"),
        ]),
        dcc.Interval(id="city-tick", interval=REFRESH_MS),
        dcc.Store(id="city-lang", data=lang),
    ]
    return page_shell(config, lang, "/city", body, resolve_mode(mode))
