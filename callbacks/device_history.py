"""History charts of the device page, one per metric, for the chosen time range."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

from components.i18n import graph_config, t
from components.time_range import range_start
from data_access.app_context import current_store

CHART_LAYOUT = {"template": "plotly_dark", "paper_bgcolor": "#22262c",
                "plot_bgcolor": "#22262c", "margin": {"l": 50, "r": 16, "t": 36, "b": 36},
                "height": 240, "font": {"size": 14}}


def history_figures(frame, titles: dict[str, str], tz: str, lang: str) -> list:
    """One chart per metric, titled with what a person calls it (`titles`: metric -> title),
    in the order of `titles` (the kind's own order, as the value cards above the charts)."""
    charts = []
    groups = dict(tuple(frame.groupby("metric", sort=True)))
    order = [m for m in titles if m in groups] + [m for m in groups if m not in titles]
    for metric in order:
        rows = groups[metric]
        mode = "lines+markers" if len(rows) < 60 else "lines"  # a few points must show
        # SVG, not WebGL: plotly's WebGL traces compile their shaders with `Function`, which
        # the pages' Content-Security-Policy forbids (no 'unsafe-eval').
        fig = go.Figure(go.Scatter(x=rows["ts"].dt.tz_convert(tz), y=rows["value"],
                                   mode=mode, line={"width": 2, "color": "#8cc8ff"},
                                   marker={"size": 7}))
        fig.update_layout(title=titles.get(metric, metric), **CHART_LAYOUT)
        charts.append(dcc.Graph(figure=fig, config=graph_config(lang),
                                className="history-chart", id={"type": "history", "m": metric}))
    return charts


def register(app) -> None:
    @app.callback(
        Output("device-charts", "children"),
        Input("device-range", "value"),
        State("device-id", "data"),
        State("page-lang", "data"),
    )
    def draw(range_key, device_id, lang):
        store = current_store()
        frame = store.device_history(device_id, range_start(range_key))
        if frame.empty:
            return html.P(t("no_data", lang), className="muted")
        config = store.config
        units = config.kinds[store.device_row(device_id)["kind"]].metrics
        titles = {m: config.metric_label(m, u, lang) for m, u in units.items()}
        return history_figures(frame, titles, config.city.timezone, lang)
