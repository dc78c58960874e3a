"""Callbacks of the reports page: form choices that follow one another, the report (caption,
chart, table) and its CSV / XLSX download.

The download runs the same cached query as the table (data_access.reports.report_frame, the
frozen request kept in the page), so the file holds the table's rows in the table's order.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, ctx, dcc, html, no_update

from access.policy import REPORTS
from access.rules import Rule, callbacks_need
from components.i18n import LANGUAGES, t
from components.numbers import precise
from components.report_form import (
    FormError,
    FormValues,
    check_request,
    device_options,
    domain_metrics,
    matching_devices,
    metric_options,
    read_form,
    stat_options,
)
from data_access.app_context import current_store
from data_access.city_config import CityConfig, text
from data_access.reports import (
    Column,
    ReportRequest,
    is_counter,
    report_frame,
    resolved_bucket,
    summary,
    to_csv,
    to_xlsx,
    utc_offset,
)
from data_access.store import Store, name_column

REPORT_CHART = {"template": "plotly_dark", "paper_bgcolor": "#22262c", "plot_bgcolor": "#22262c",
                "margin": {"l": 60, "r": 16, "t": 16, "b": 40}}
# The chart's height comes from the page (assets/reports.css); its text grows on a wall.
FONT_PX = {"wall": 24, "tablet": 16, "laptop": 14}
# Dates as numbers, the same in Greek and English (plotly's month names are English only).
TICKS = [{"dtickrange": [None, 86_400_000], "value": "%H:%M\n%d/%m"},
         {"dtickrange": [86_400_000, None], "value": "%d/%m/%Y"}]
LEGEND_MAX = 12  # more devices than this: the table names them, the legend would not fit
LOCALES = {"el": "el-GR", "en": "en-GB"}
SHORT = "%d/%m/%Y %H:%M"


# -- presentation ----------------------------------------------------------------------------
def measure(request: ReportRequest, config: CityConfig) -> str:
    """The unit the report's values are in (a count of readings has none)."""
    return "" if request.stat == "count" else domain_metrics(config, request.domain).get(
        request.metric, "")


def period_label(request: ReportRequest, lang: str) -> str:
    return t(f"report_period_{resolved_bucket(request)}", lang)


def range_text(request: ReportRequest) -> str:
    tz = ZoneInfo(request.tz)
    since, until = (d.astimezone(tz) for d in request.window())
    return f"{since:{SHORT}} – {until:{SHORT}} ({request.tz}, UTC{until.isoformat()[-6:]})"


def table(frame: pd.DataFrame, request: ReportRequest, store: Store, lang: str) -> pd.DataFrame:
    """The report with the names a reader knows: device and municipal unit."""
    if request.scope != "device":
        return frame
    devices = store.devices().set_index("id")
    units = {u.id: text(u.name, lang) for u in store.config.city.units}
    return frame.assign(device=frame["device_id"].map(devices[name_column(lang)]),
                        unit=frame["device_id"].map(devices["unit"]).map(units))


def columns(request: ReportRequest, config: CityConfig, lang: str) -> list[Column]:
    unit = measure(request, config)
    value = t("report_col_value", lang, stat=t(f"report_stat_{request.stat}", lang),
              metric=config.metric_label(request.metric, unit, lang))
    cols = [Column("time", t("report_col_time", lang, tz=request.tz), "time")]
    if request.scope == "device":
        cols += [Column("device", t("device", lang), "text"),
                 Column("device_id", t("report_col_device_id", lang), "text"),
                 Column("unit", t("unit", lang), "text")]
    cols.append(Column("value", value, "count" if request.stat == "count" else "number"))
    if request.scope == "overall":
        cols.append(Column("devices", t("report_col_devices", lang), "count"))
    if request.stat != "count":
        cols.append(Column("n", t("report_col_readings", lang), "count"))
    return cols


# Characters a column's cells usually take: its share of the grid's width. The page's font
# grows with the screen, so shares (flex) fit every size where pixel widths would not.
COLUMN_CHARS = {"time": 23, "device": 30, "device_id": 27, "unit": 11, "value": 11,
                "devices": 9, "n": 9}


def column_defs(cols: list[Column], lang: str) -> list[dict]:
    fmt = ("params.value == null ? '' : params.value.toLocaleString("
           f"'{LOCALES.get(lang, 'en-GB')}', {{maximumFractionDigits: 3}})")
    defs = []
    for c in cols:
        chars = COLUMN_CHARS.get(c.key, 12)
        d: dict = {"field": c.key, "headerName": c.header, "flex": chars,
                   "minWidth": chars * 6 + 20}
        if c.kind in ("number", "count"):
            d.update(type="numericColumn", valueFormatter={"function": fmt})
        defs.append(d)
    return defs


def grid_rows(tbl: pd.DataFrame, cols: list[Column]) -> list[dict]:
    """Rows for the grid: numbers stay numbers; a time reads as local time with its offset."""
    out = tbl[[c.key for c in cols]].copy()
    out["time"] = [f"{ts:%Y-%m-%d %H:%M} {utc_offset(ts)}" for ts in out["time"]]
    return out.to_dict("records")


def figure(tbl: pd.DataFrame, request: ReportRequest, config: CityConfig, lang: str,
           mode: str = "laptop") -> go.Figure:
    unit = measure(request, config)
    bars = request.stat in ("count", "increase")  # amounts per period, stacked per device
    groups = [("", tbl)] if request.scope == "overall" else list(tbl.groupby("device",
                                                                            sort=False))
    fig = go.Figure()
    for name, rows in groups:
        kw = {"x": rows["time"], "y": rows["value"], "name": name,
              "hovertemplate": f"%{{y}} {unit}<extra>{name}</extra>"}
        fig.add_trace(go.Bar(**kw) if bars else go.Scatter(
            mode="lines+markers" if len(rows) <= 60 else "lines", **kw))
    few = len(groups) <= LEGEND_MAX
    fig.update_layout(**REPORT_CHART, font={"size": FONT_PX.get(mode, 14)}, barmode="stack",
                      showlegend=len(groups) > 1 and few,
                      hovermode="x unified" if few else "closest",
                      xaxis={"tickformatstops": TICKS},
                      legend={"orientation": "h", "y": -0.2},
                      yaxis_title=config.metric_label(request.metric, unit, lang)
                      if request.stat != "count" else t("report_stat_count", lang))
    if tbl.empty:
        fig.add_annotation(text=t("report_empty", lang), showarrow=False, font={"size": 16},
                           xref="paper", yref="paper", x=0.5, y=0.5)
    return fig


def caption(tbl: pd.DataFrame, request: ReportRequest, config: CityConfig, lang: str,
            n_devices: int) -> list:
    """What the numbers are, in which unit, over which time: read before the chart."""
    unit = measure(request, config)
    head = t("report_caption", lang, stat=t(f"report_stat_{request.stat}", lang),
             metric=config.metric_label(request.metric, unit, lang),
             period=period_label(request, lang))
    whole = summary(tbl, request.stat)
    facts = [range_text(request), t("report_n_devices", lang, n=n_devices),
             t("report_n_rows", lang, n=len(tbl))]
    out = [html.Div(head, className="report-caption-head"),
           html.Div(" · ".join(facts), className="report-caption-facts")]
    if whole is not None:
        out.append(html.Div([f"{t('report_whole', lang)}: ",
                             html.Strong(f"{precise(whole, lang)} {unit}".strip())],
                            className="report-caption-whole"))
    return out


def about(request: ReportRequest, store: Store, lang: str, rows: int,
          now: datetime) -> list[tuple[str, str]]:
    """The "about" sheet: enough to read the file months later without the app."""
    config = store.config
    tz = ZoneInfo(request.tz)
    domains = {d.id: text(d.name, lang) for d in config.domains}
    unit_names = {u.id: text(u.name, lang) for u in config.city.units}
    places = ", ".join(unit_names.get(u, u) for u in request.units) or t("report_units_all", lang)
    names = store.devices().set_index("id")[name_column(lang)]
    chosen = "; ".join(f"{names.get(d, d)} ({d})" for d in request.devices)
    scope = t(f"report_scope_{request.scope}", lang)
    out = [
        (t("domain", lang), domains.get(request.domain, request.domain)),
        (t("report_about_metric", lang), request.metric),
        (t("report_stat", lang), t(f"report_stat_{request.stat}", lang)),
        (t("report_about_measure", lang), measure(request, config) or "—"),
        (t("report_about_agg", lang), f"{t('report_bucket', lang)} {period_label(request, lang)}"
                                      f" · {scope}"),
        (t("report_about_devices", lang), f"{places} · {chosen}" if chosen else places),
        (t("report_about_range", lang), range_text(request)),
        (t("report_about_tz", lang), request.tz),
        (t("report_about_generated", lang), now.astimezone(tz).isoformat(timespec="seconds")),
        (t("report_about_rows", lang), str(rows)),
        (t("report_about_source", lang), t("report_about_source_text", lang)),
    ]
    if request.stat == "increase":
        out.append((t("report_stat_increase", lang), t("report_note_increase", lang)))
    return out


def file_name(request: ReportRequest, ext: str) -> str:
    tz = ZoneInfo(request.tz)
    since, until = (d.astimezone(tz) for d in request.window())
    return (f"cityops-{request.domain}-{request.metric}-{request.stat}-"
            f"{since:%Y%m%d%H%M}-{until:%Y%m%d%H%M}.{ext}")


# -- wiring ----------------------------------------------------------------------------------
FORM = [State("report-domain", "value"), State("report-metric", "value"),
        State("report-stat", "value"), State("report-bucket", "value"),
        State("report-scope", "value"), State("report-units", "value"),
        State("report-devices", "value"), State("report-range", "value"),
        State("report-dates", "start_date"), State("report-dates", "end_date")]


def _run(values: FormValues, lang: str, mode: str) -> tuple:
    store = current_store()
    try:
        request = read_form(values, store.config, store.devices(), datetime.now(UTC))
    except FormError as err:
        return (err.message(lang), "form-msg form-error",
                *[no_update] * 7)
    tbl = table(report_frame(store.engine, request), request, store, lang)
    cols = columns(request, store.config, lang)
    n_devices = len(matching_devices(store.devices(), store.config, request.domain,
                                     request.metric, request.units, request.devices))
    msg = t("report_done", lang, n=len(tbl)) if len(tbl) else t("report_empty", lang)
    return (msg, "form-msg form-ok" if len(tbl) else "form-msg",
            caption(tbl, request, store.config, lang, n_devices),
            figure(tbl, request, store.config, lang, mode), column_defs(cols, lang),
            grid_rows(tbl, cols), {"request": request.as_dict(), "lang": lang},
            tbl.empty, tbl.empty)


def _download(kind: str, kept: dict) -> dict | None:
    """The file of the report shown; None if what the page handed back is not a report
    this form could have made."""
    store = current_store()
    try:
        request = check_request(ReportRequest.from_dict(kept["request"]), store.config,
                                store.devices())
    except (FormError, KeyError, TypeError, ValueError):
        return None
    lang = kept.get("lang") if kept.get("lang") in LANGUAGES else "en"
    tbl = table(report_frame(store.engine, request), request, store, lang)
    cols = columns(request, store.config, lang)
    if kind == "csv":
        return dcc.send_bytes(to_csv(tbl, cols), file_name(request, "csv"))
    sheet = to_xlsx(tbl, cols, about(request, store, lang, len(tbl), datetime.now(UTC)),
                    offset_header=t("report_col_offset", lang))
    return dcc.send_bytes(sheet, file_name(request, "xlsx"))


def register(app) -> None:
    """Callbacks that read the form's domain are checked against it (the app's rule); the
    others declare their own."""
    _register_scoped(app)
    with callbacks_need(app, Rule(REPORTS)):  # no domain in them: lists of statistics, dates
        _register_unscoped(app)
    with callbacks_need(app, Rule(REPORTS, scope=("report-kept", "data"),
                                  scope_path=("request", "domain"))):
        _register_download(app)


def _register_metrics(app) -> None:
    @app.callback(
        Output("report-metric", "options"), Output("report-metric", "value"),
        Input("report-domain", "value"), State("report-metric", "value"),
        State("page-lang", "data"),
    )
    def metrics(domain, current, lang):
        options = metric_options(current_store().config, domain, lang)
        values = [o["value"] for o in options]
        return options, current if current in values else (values[0] if values else None)


def _register_unscoped(app) -> None:
    @app.callback(
        Output("report-stat", "options"), Output("report-stat", "value"),
        Input("report-metric", "value"), State("report-stat", "value"),
        State("page-lang", "data"),
    )
    def stats(metric, current, lang):
        """A meter's reading means little per period; its increase is what is asked for."""
        options = stat_options(metric, lang)
        if metric and is_counter(metric):
            return options, "increase"
        usable = [o["value"] for o in options if not o["disabled"]]
        return options, current if current in usable else "mean"

    @app.callback(
        Output("report-range", "value"),
        Input("report-dates", "start_date"), Input("report-dates", "end_date"),
        prevent_initial_call=True,
    )
    def dates_mean_custom(_start, _end):
        return "custom"


def _register_scoped(app) -> None:
    _register_metrics(app)

    @app.callback(
        Output("report-devices", "options"),
        Input("report-domain", "value"), Input("report-metric", "value"),
        Input("report-units", "value"), Input("report-devices", "search_value"),
        State("report-devices", "value"), State("page-lang", "data"),
    )
    def devices(domain, metric, units, search, selected, lang):
        store = current_store()
        found = matching_devices(store.devices(), store.config, domain, metric, units)
        return device_options(found, store.config, lang, search, selected)

    @app.callback(
        Output("report-devices", "value"),
        Input("report-domain", "value"), Input("report-metric", "value"),
        Input("report-units", "value"), State("report-devices", "value"),
        prevent_initial_call=True,
    )
    def keep_devices(domain, metric, units, selected):
        """Chosen devices that no longer fit the domain, metric or units are let go."""
        if not selected:
            return no_update
        store = current_store()
        found = matching_devices(store.devices(), store.config, domain, metric, units)
        kept = [d for d in selected if d in set(found["id"])]
        return kept if kept != selected else no_update

    @app.callback(
        Output("report-msg", "children"), Output("report-msg", "className"),
        Output("report-caption", "children"), Output("report-chart", "figure"),
        Output("report-grid", "columnDefs"), Output("report-grid", "rowData"),
        Output("report-kept", "data"),
        Output("report-csv", "disabled"), Output("report-xlsx", "disabled"),
        Input("report-run", "n_clicks"), *FORM, State("page-lang", "data"),
        State("report-mode", "data"),
        running=[(Output("report-run", "disabled"), True, False)],  # no second run meanwhile
    )
    def run(_n, *args):
        *form, lang, mode = args
        return _run(FormValues(*form), lang, mode)


def _register_download(app) -> None:
    @app.callback(
        Output("report-download", "data"),
        Input("report-csv", "n_clicks"), Input("report-xlsx", "n_clicks"),
        State("report-kept", "data"),
        prevent_initial_call=True,
        # A big spreadsheet takes seconds: the buttons say so meanwhile.
        running=[(Output("report-actions", "className"), "report-actions busy",
                  "report-actions")],
    )
    def download(_csv, _xlsx, kept):
        if not kept:
            return no_update
        sent = _download("csv" if ctx.triggered_id == "report-csv" else "xlsx", kept)
        return no_update if sent is None else sent
