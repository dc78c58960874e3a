"""The citizens' page: parking, air quality and flood warnings now, and the open data to
download. No sign-in, phone first, Greek or English (?lang=el|en, else the city's language).

Its own frame, not the operators' shell: no navigation to pages a citizen may not open, no
alarm feed, no clock ticking against the server. The figures are drawn with the page (one
round trip on a slow phone network) and refreshed every minute by callbacks/public_page.py
from one cached computation shared by every visitor (data_access/public_source.py).
Every component id starts with `public-`.
"""

from __future__ import annotations

import dash
from dash import dcc, html
from flask import has_request_context, request

from components.i18n import LANGUAGES, resolve_language, t
from components.public_panels import bodies, downloads, terms_lines
from data_access.app_context import current_store
from data_access.city_config import CityConfig, text
from data_access.public_source import PERIOD_S, status_or_nothing, terms

REFRESH_MS = PERIOD_S * 1000


def title() -> str:
    """'Χαλκίδα · Ανοιχτά δεδομένα' in the browser tab, in the reader's language."""
    config = current_store().config
    asked = request.args.get("lang") if has_request_context() else None
    lang = resolve_language(asked, config.city.default_language)
    return f"{text(config.city.short_name, lang)} · {t('public_app', lang)}"


dash.register_page(__name__, path="/public", name="Public", title=title, nav_label=None,
                   access="public")


def header(config: CityConfig, lang: str) -> html.Header:
    switch = [html.A(code.upper(), href=f"?lang={code}", lang=code, hrefLang=code,
                     className="public-lang-link" + (" active" if code == lang else ""),
                     **{"aria-current": "true" if code == lang else "false"})
              for code in LANGUAGES]
    return html.Header(className="public-header", children=[
        html.Div([html.Span(text(config.city.short_name, lang), className="public-city"),
                  html.Span(t("public_app", lang), className="public-app")],
                 className="public-brand"),
        html.Nav(switch, className="public-lang", **{"aria-label": t("language", lang)}),
    ])


def section(key: str, title_key: str, lang: str, body: list) -> html.Section:
    return html.Section(
        className=f"public-card public-card-{key}", id=f"public-{key}-section",
        **{"aria-labelledby": f"public-{key}-title"},
        children=[html.H2(t(title_key, lang), id=f"public-{key}-title", className="public-h2"),
                  html.Div(body, id=f"public-{key}", className="public-body")])


def layout(lang: str | None = None, **_query) -> html.Div:
    store = current_store()
    config = store.config
    lang = resolve_language(lang, config.city.default_language)
    parking, air, flood = bodies(status_or_nothing(store), config.city.timezone, lang)
    return html.Div(className="public-page", id="public-root", lang=lang, children=[
        header(config, lang),
        html.Main(className="public-main", children=[
            html.H1(t("public_title", lang), className="public-title", id="public-title"),
            html.P(t("public_intro", lang), className="public-intro"),
            html.Div(className="public-cards", children=[
                section("parking", "public_parking", lang, parking),
                section("air", "public_air", lang, air),
                section("flood", "public_flood", lang, flood),
            ]),
            section("downloads", "public_downloads", lang, downloads(lang)),
            html.Footer(terms_lines(terms(store), config, lang), className="public-footer",
                        id="public-terms"),
        ]),
        dcc.Interval(id="public-tick", interval=REFRESH_MS),
        dcc.Store(id="public-lang", data=lang),
    ])
