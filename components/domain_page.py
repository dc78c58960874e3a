"""The shape every domain page shares: KPI cards, the domain's own panels, its map layer,
trend charts over a chosen range and its device table. A domain page module (pages/domains/)
only declares what differs: its KPI module, its panels, its trends.

Callbacks (callbacks/domain_page.py) find a page's declaration here by domain id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from zoneinfo import ZoneInfo

import dash_ag_grid as dag
import dash_leaflet as dl
import orjson
from dash import dcc, html

from access.identity import current_principal
from access.policy import DOMAIN_VIEW, domains_for
from components.alarm_console import GRID_THEME
from components.device_map import device_map
from components.display_mode import resolve_mode
from components.i18n import grid_locale, resolve_language, t
from components.numbers import short
from components.shell import page_shell
from data_access.app_context import current_store
from data_access.city_config import CityConfig, text
from data_access.domain_data import Trend
from data_access.domain_kpis.base import DomainSummary, Kpi

Panels = Callable[[DomainSummary, CityConfig, str], list]
Overlay = Callable[[DomainSummary], list]
RangePanels = Callable[[datetime, datetime, str], list]  # figures over the reader's range
RANGE_KEYS = ("1h", "24h", "7d", "30d", "custom")
TABLE_REFRESH_MS = 10_000
TREND_REFRESH_MS = 60_000  # the newest bucket of a trend moves on once a minute
BAND_MARK = {"ok": "✓", "warning": "▲", "alarm": "■"}  # shape as well as colour (ISA-101)

PAGES: dict[str, DomainPage] = {}


@dataclass(frozen=True)
class DomainPage:
    domain: str
    kpis: ModuleType  # data_access/domain_kpis/<domain>.py: METRICS, WINDOW, BUCKET_S, summary
    panels: Panels = lambda summary, config, lang: []  # noqa: E731 - the default: none
    trends: tuple[Trend, ...] = ()
    overlay: Overlay | None = None  # extra map layers drawn from the summary (a route)
    table_metrics: tuple[str, ...] = field(default=())  # latest values shown in the table
    range_panels: RangePanels | None = None  # drawn under the trends, for the same range

    @property
    def path(self) -> str:
        return f"/domains/{self.domain}"

    def registration(self) -> dict:
        """dash.register_page arguments; the page also becomes findable by callbacks. (Its
        title and place among the domains come from config/domains.yaml when drawn.)"""
        PAGES[self.domain] = self
        return {"path": self.path, "name": self.domain, "order": 10, "nav_label": None,
                "access": DOMAIN_VIEW, "domain": self.domain,
                "nav_group": "domains", "layout": self.layout}

    def layout(self, lang: str | None = None, mode: str | None = None, range: str | None = None,  # noqa: A002
               **_query) -> html.Div:
        store = current_store()
        config = store.config
        lang = resolve_language(lang, config.city.default_language)
        domain = config.domain_by_id[self.domain]
        body = [
            html.Div(className="domain-head", children=[
                html.H1([html.Span(domain.glyph, className="kpi-glyph", **{"aria-hidden": "true"}),
                         text(domain.name, lang)], className="page-title",
                        style={"--domain-color": domain.color}),
                domain_tabs(config, self.domain, lang),
            ]),
            # Not under dcc.Loading: the cards refresh every few seconds and must not blink;
            # until the first figures come, a line says they are being computed.
            html.Section(id="domain-kpis", className="domain-kpis",
                         **{"aria-label": t("kpi_label", lang)},
                         children=html.P(t("dom_computing", lang), className="muted",
                                         role="status")),
            html.Div(className="domain-body", children=[
                device_map(config, store.settings, store.devices_version(),
                           store.status_update(None), lang, domains=[self.domain],
                           extras=[dl.LayerGroup(id="domain-overlay")]),
                # On a wall, assets/wall_fit.js names the panels it has no room for.
                html.Div(id="domain-panels", className="domain-panels",
                         **{"data-words": orjson.dumps(
                             {"left_out": t("dom_left_out", lang)}).decode()}),
            ]),
            trend_section(lang, range),
            html.Section(className="domain-table-wrap", children=[
                html.H2(t("dom_devices", lang), className="panel-title"),
                html.P(id="domain-table-note", className="muted"),
                device_grid(lang),
            ]),
            dcc.Interval(id="live-tick", interval=store.settings.refresh_ms),
            dcc.Interval(id="table-tick", interval=TABLE_REFRESH_MS),
            dcc.Interval(id="trend-tick", interval=TREND_REFRESH_MS),
            dcc.Store(id="domain-id", data=self.domain),
            dcc.Store(id="page-lang", data=lang),
        ]
        return page_shell(config, lang, "/domains", body, resolve_mode(mode))


def domain_tabs(config: CityConfig, active: str, lang: str) -> html.Nav:
    """Every domain one tap away (44 px targets on the tablet)."""
    return html.Nav(className="domain-tabs", **{"aria-label": t("dom_domains", lang)}, children=[
        html.A([html.Span(d.glyph, className="tab-glyph", **{"aria-hidden": "true"}),
                  text(d.name, lang)], href=f"/domains/{d.id}?lang={lang}",
                 className="domain-tab active" if d.id == active else "domain-tab",
                 style={"--domain-color": d.color},
                 **{"aria-current": "page" if d.id == active else "false"})
        for d in config.domains
        if d.id in domains_for(current_principal(), DOMAIN_VIEW, [d.id])
    ])


def trend_section(lang: str, range_key: str | None) -> html.Section:
    return html.Section(className="domain-trends-wrap", children=[
        html.Div(className="history-head", children=[
            html.H2(t("dom_trends", lang), className="panel-title"),
            dcc.RadioItems(id="domain-range", inline=True, className="range-picker",
                           value=range_key if range_key in RANGE_KEYS else "24h",
                           options=[{"label": t(f"dom_range_{k}", lang), "value": k}
                                    for k in RANGE_KEYS]),
            dcc.DatePickerRange(id="domain-dates", className="domain-dates",
                                display_format="DD/MM/YYYY", first_day_of_week=1),
            html.Div(id="domain-range-error", className="form-error", role="alert"),
        ]),
        dcc.Loading(html.Div(id="domain-trends", className="domain-trends"), type="dot",
                    delay_show=500),
    ])


def device_grid(lang: str) -> dag.AgGrid:
    return dag.AgGrid(
        id="domain-devices", className="domain-grid", rowData=[], columnDefs=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
        dashGridOptions={"theme": {"function": GRID_THEME}, "rowHeight": 44, "headerHeight": 44,
                         "animateRows": False, "domLayout": "normal",
                         "localeText": grid_locale(lang)},
        columnSize="responsiveSizeToFit", style={"height": "28em", "width": "100%"},
    )


def kpi_card(kpi: Kpi, lang: str, tz: ZoneInfo) -> html.Div:
    """A figure, its unit, what span it covers and when; a band adds colour AND a mark."""
    band = kpi.band or "none"
    when = kpi.at.astimezone(tz).strftime("%H:%M") if isinstance(kpi.at, datetime) else ""
    window = text(kpi.window, lang) if kpi.window else ""
    return html.Div(className=f"kpi-card dom-kpi band-{band}", id=f"dkpi-{kpi.key}", children=[
        html.Div(text(kpi.label, lang), className="kpi-label dom-kpi-label"),
        html.Div([html.Span(short(kpi.value, lang), className="kpi-value"),
                  html.Span(kpi.unit, className="kpi-unit"),
                  html.Span(BAND_MARK.get(band, ""), className="band-mark",
                            title=t(f"band_{band}", lang) if band in BAND_MARK else None)],
                 className="kpi-figure"),
        html.Div(" · ".join(x for x in (window, when) if x), className="kpi-foot"),
        html.Div(text(kpi.note, lang), className="kpi-note") if kpi.note else None,
    ])
