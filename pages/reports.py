"""Reports for department heads: a metric of a domain over devices or municipal units and a
time range, aggregated per period, as a chart and a table, downloadable as CSV and XLSX."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dash
import dash_ag_grid as dag
from dash import dcc, html

from access.identity import current_principal
from access.policy import REPORTS, domains_for
from components.alarm_console import GRID_THEME
from components.display_mode import resolve_mode
from components.i18n import graph_config, grid_locale, resolve_language, t
from components.report_form import report_form
from components.shell import page_shell
from data_access.app_context import current_store

dash.register_page(__name__, access=REPORTS, path="/reports", name="Reports", order=5,
                   nav_label={"el": t("report_title", "el"), "en": t("report_title", "en")})
# Until the first report arrives: the chart's frame in the page's dark colours, not white.
BLANK = {"layout": {"paper_bgcolor": "#22262c", "plot_bgcolor": "#22262c",
                    "xaxis": {"visible": False}, "yaxis": {"visible": False}}}


# dcc.Graph would take the whole height it is given: each mode says how much it gets.
CHART_HEIGHT = {"wall": "36vh", "tablet": "320px", "laptop": "300px"}


def results(lang: str, mode: str) -> html.Section:
    """Caption, chart and table, under one loading state: what they show changes together."""
    grid = dag.AgGrid(
        id="report-grid", className="report-grid", columnDefs=[], rowData=[],
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True},
        # Dense: department heads on laptops read many rows at once.
        dashGridOptions={"theme": {"function": GRID_THEME + ".withParams({cellHorizontalPadding:"
                                   " 10, rowHeight: '2.1em'})"}, "animateRows": False,
                         "suppressColumnVirtualisation": True, "localeText": grid_locale(lang)},
        style={"height": "100%", "width": "100%"},
    )
    return html.Section(className="report-results", **{"aria-label": t("report_table", lang)},
                        children=dcc.Loading(type="dot", delay_show=150,
                                             overlay_style={"visibility": "visible",
                                                            "opacity": 0.45},
                                             parent_className="report-loading", children=[
        html.Div(id="report-caption", className="report-caption"),
        dcc.Graph(id="report-chart", className="report-chart", figure=BLANK,
                  style={"height": CHART_HEIGHT.get(mode, "300px")},
                  config=graph_config(lang, responsive=True)),
        html.Div(grid, className="report-grid-wrap"),
    ]))


def layout(lang: str | None = None, mode: str | None = None, **_query) -> html.Div:
    config = current_store().config
    lang = resolve_language(lang, config.city.default_language)
    today = datetime.now(ZoneInfo(config.city.timezone)).date()
    mode = resolve_mode(mode)
    body = [
        html.H1(t("report_title", lang), className="page-title"),
        html.Div(className="report-page", children=[report_form(config, lang, today, domains_for(
            current_principal(), REPORTS, [d.id for d in config.domains])),
                                                    results(lang, mode)]),
        dcc.Download(id="report-download"),
        dcc.Store(id="report-kept"),
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="report-mode", data=mode),
    ]
    return page_shell(config, lang, "/reports", body, mode)
