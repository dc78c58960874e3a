"""The strip of big numbers: one per domain, readable from the back of the control room."""

from __future__ import annotations

from dash import dcc, html

from access.identity import current_principal
from access.policy import DOMAIN_VIEW, domains_for
from components.i18n import t
from components.numbers import count, short
from data_access.city_config import CityConfig, text
from data_access.kpis import KpiFigure


def kpi_cards(figures: list[KpiFigure], config: CityConfig, lang: str) -> list[html.Div]:
    cards = []
    who = current_principal()
    opens = set(domains_for(who, DOMAIN_VIEW, [f.domain for f in figures]))
    for f in figures:
        domain = config.domain_by_id[f.domain]
        content = [
            html.Div([html.Span(domain.glyph, className="kpi-glyph", **{"aria-hidden": "true"}),
                      html.Span(text(domain.name, lang), className="kpi-domain")],
                     className="kpi-head"),
            html.Div([html.Span(short(f.value, lang), className="kpi-value"),
                      html.Span(f.unit, className="kpi-unit")], className="kpi-figure"),
            html.Div(text(f.label, lang), className="kpi-label"),
            html.Div(f"{count(f.reporting, lang)}/{count(f.devices, lang)} "
                     f"{t('devices_reporting', lang)}", className="kpi-foot"),
        ]
        cards.append(html.Div(
            className="kpi-card",
            id=f"kpi-{f.domain}",
            style={"--domain-color": domain.color},
            # The whole card opens the domain's page: a tap on a tablet, a click on a laptop
            # (for those whose role opens it; the others read the figure).
            children=dcc.Link(content, className="kpi-link",
                              href=f"/domains/{f.domain}?lang={lang}")
            if f.domain in opens else html.Div(content, className="kpi-link"),
        ))
    return cards
