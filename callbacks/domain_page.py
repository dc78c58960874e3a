"""Domain pages: KPI cards and panels each tick, trend charts for the chosen range, and the
device table. Every callback reads through data_access/domain_data.py, which caches per
period: the first screen to ask computes, the rest read the cache."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html, no_update

from components.domain_page import PAGES, DomainPage, kpi_card
from components.i18n import graph_config, t
from components.report_form import domain_metrics
from data_access import domain_data
from data_access.app_context import current_store
from data_access.cache import refreshed
from data_access.city_config import CityConfig, text
from data_access.store import Store, name_column

TABLE_LIMIT = 5000  # a scaled city's domain: the table shows the most urgent devices first
STATUS_ORDER = {"alarm": 0, "warning": 1, "offline": 2, "unknown": 3, "ok": 4}
CHART = {"template": "plotly_dark", "paper_bgcolor": "#22262c", "plot_bgcolor": "#22262c",
         "margin": {"l": 56, "r": 16, "t": 40, "b": 40}, "height": 280, "font": {"size": 15},
         "legend": {"orientation": "h", "y": -0.42, "yanchor": "top"}}
LEGEND_MARGIN = {"l": 56, "r": 16, "t": 40, "b": 150}
LINE_COLOURS = ("#8cc8ff", "#f2c14e", "#9ee6a0", "#f59fb8", "#c6a8ff", "#7fe0e0")


def page_of(domain: str) -> DomainPage:
    return PAGES[domain]


def summary_view(domain: str, lang: str) -> tuple[list, list, list]:
    """KPI cards, panels and map overlay as of the current period: built once per period,
    domain and language, whatever the number of screens."""
    store = current_store()
    period_s = domain_data.SUMMARY_PERIOD_S
    period = domain_data.summary_period(domain)
    return refreshed(f"domain-view:{store!r}:{domain}:{lang}", period, period_s,
                     lambda: _summary_view(store, domain, lang, period))


def _summary_view(store: Store, domain: str, lang: str, period: int) -> tuple[list, list, list]:
    page = page_of(domain)
    summary = domain_data.domain_summary(store, domain, page.kpis, now=period)
    tz = ZoneInfo(store.config.city.timezone)
    cards = [kpi_card(k, lang, tz) for k in summary.kpis]
    panels = page.panels(summary, store.config, lang)
    overlay = page.overlay(summary) if page.overlay else []
    return cards, panels, overlay


def trend_figures(domain: str, lang: str, since, until) -> list:
    store = current_store()
    page = page_of(domain)
    if not page.trends:
        return []
    tz = store.config.city.timezone
    names = store.devices().set_index("id")[name_column(lang)]
    series = domain_data.trend_series(store, domain, page.trends, since, until)
    charts = []
    for i, trend in enumerate(page.trends):
        frame = series[i]
        fig = go.Figure()
        for j, (key, rows) in enumerate(frame.groupby("series", sort=True)):
            fig.add_trace(go.Scatter(
                x=rows["bucket"].dt.tz_convert(tz), y=rows["value"].round(3),
                name=names.get(key, key) if key else text(trend.label, lang),
                mode="lines+markers" if len(rows) < 40 else "lines",
                line={"width": 2.5, "color": LINE_COLOURS[j % len(LINE_COLOURS)]}))
        title = text(trend.label, lang) + (f" ({trend.unit})" if trend.unit else "")
        fig.update_layout(title=title, showlegend=trend.per_device, **CHART)
        if trend.per_device:  # the legend goes under the time axis: give it room
            fig.update_layout(margin=LEGEND_MARGIN, height=CHART["height"] + 100)
        if frame.empty:
            fig.add_annotation(text=t("no_data", lang), showarrow=False, font={"size": 18})
        # responsive: the width follows the screen; the height is set here, or a resize
        # would squash the chart to its empty container's height.
        charts.append(dcc.Graph(figure=fig, className="trend-chart",
                                style={"height": f"{fig.layout.height}px"},
                                config=graph_config(lang, responsive=True)))
    return charts


def device_rows(domain: str, lang: str) -> tuple[list[dict], list[dict]]:
    """Rows and columns of the device table: the most urgent first, values with units."""
    store = current_store()
    config = store.config
    frame = domain_data.domain_devices(store, domain)
    frame = frame.assign(_rank=frame["status"].map(STATUS_ORDER)).sort_values(
        ["_rank", "id"]).head(TABLE_LIMIT)
    metrics = _table_metrics(config, domain, page_of(domain).table_metrics)
    tz = ZoneInfo(config.city.timezone)
    rows = []
    for r in frame.itertuples():
        row = {"device": f"[{getattr(r, name_column(lang))}](/devices/{r.id}?lang={lang})",
               "kind": text(config.kinds[r.kind].name, lang),
               "unit": text(config.unit_by_id[r.unit].name, lang) if r.unit in
               config.unit_by_id else r.unit,
               "status": t(f"status_{r.status}", lang),
               "last_seen": (r.last_seen.tz_convert(tz).strftime("%d/%m %H:%M")
                             if pd.notna(r.last_seen) else "—"),
               "battery": None if pd.isna(r.battery) else round(float(r.battery)),
               "rssi": None if pd.isna(r.rssi) else round(float(r.rssi))}
        for metric, _unit in metrics:
            value = (r.latest or {}).get(metric)
            row[metric] = None if value is None else round(float(value), 2)
        rows.append(row)
    columns = [
        {"field": "device", "headerName": t("device", lang), "cellRenderer": "markdown",
         "minWidth": 200, "pinned": "left"},
        {"field": "status", "headerName": t("state", lang)},
        {"field": "kind", "headerName": t("kind", lang), "minWidth": 160},
        {"field": "unit", "headerName": t("unit", lang)},
        *[{"field": m, "headerName": config.metric_label(m, u, lang), "type": "numericColumn"}
          for m, u in metrics],
        {"field": "last_seen", "headerName": t("last_seen", lang)},
        {"field": "battery", "headerName": f"{t('battery', lang)} (%)", "type": "numericColumn"},
        {"field": "rssi", "headerName": "RSSI (dBm)", "type": "numericColumn"},
    ]
    return rows, columns


def _table_metrics(config: CityConfig, domain: str,
                   chosen: tuple[str, ...]) -> list[tuple[str, str]]:
    units = domain_metrics(config, domain)
    return [(m, units[m]) for m in chosen if m in units]


def register(app) -> None:
    @app.callback(
        Output("domain-kpis", "children"),
        Output("domain-panels", "children"),
        Output("domain-overlay", "children"),
        Input("live-tick", "n_intervals"),
        State("domain-id", "data"),
        State("page-lang", "data"),
    )
    def refresh_summary(_n, domain, lang):
        return summary_view(domain, lang)

    @app.callback(
        Output("domain-trends", "children"),
        Output("domain-range-error", "children"),
        Output("domain-dates", "style"),
        Input("domain-range", "value"),
        Input("domain-dates", "start_date"),
        Input("domain-dates", "end_date"),
        Input("trend-tick", "n_intervals"),
        State("domain-id", "data"),
        State("page-lang", "data"),
    )
    def draw_trends(range_key, start, end, _n, domain, lang):
        shown = {} if range_key == "custom" else {"display": "none"}
        try:
            tz = ZoneInfo(current_store().config.city.timezone)
            since, until = domain_data.range_bounds(range_key, start, end, tz)
        except ValueError as err:
            return no_update, t(str(err), lang), shown
        extra = page_of(domain).range_panels
        charts = trend_figures(domain, lang, since, until)
        return charts + (extra(since, until, lang) if extra else []), "", shown

    @app.callback(
        Output("domain-devices", "rowData"),
        Output("domain-devices", "columnDefs"),
        Output("domain-table-note", "children"),
        Output("domain-devices", "style"),
        Input("table-tick", "n_intervals"),
        State("domain-id", "data"),
        State("page-lang", "data"),
    )
    def refresh_table(_n, domain, lang):
        rows, columns = device_rows(domain, lang)
        note = (t("dom_table_limited", lang, n=TABLE_LIMIT)
                if len(rows) >= TABLE_LIMIT else "")
        # A few devices: the table is as tall as its rows; many: a scrolling window.
        height = 44 * (min(len(rows), 12) + 1) + 20
        return rows, columns, html.Span(note) if note else "", {"height": f"{height}px",
                                                                "width": "100%"}
