"""Building blocks the domain page modules compose their panels from: a titled panel, a bar
chart against a band, a compact table. Dark, large enough for a wall, tappable on a tablet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from dash import dcc, html

from components.i18n import graph_config
from components.numbers import short
from data_access.city_config import text

# Plain plotly.js layout (a dict figure gets no Python-side template): dark, AA contrast.
AXIS = {"gridcolor": "#3a404a", "zerolinecolor": "#5a6270", "linecolor": "#5a6270",
        "automargin": True}
CHART = {"paper_bgcolor": "#22262c", "plot_bgcolor": "#22262c",
         "margin": {"l": 8, "r": 16, "t": 8, "b": 36}, "showlegend": False,
         "font": {"size": 15, "color": "#eef1f4", "family": "DejaVu Sans, sans-serif"}}
BAND_COLOUR = {"ok": "#7d8a99", "warning": "#e0a030", "alarm": "#ff6b6b", None: "#7d8a99"}
BAND_MARK = {"ok": "", "warning": "▲", "alarm": "■"}


@dataclass(frozen=True)
class Column:
    """A table column: the frame's field, its header in both languages, how to show it."""

    field: str
    header: dict[str, str]
    unit: str = ""
    localised: bool = False  # field_el / field_en columns, one per language

    def value(self, row: pd.Series, lang: str) -> str:
        raw = row.get(f"{self.field}_{lang}") if self.localised else row.get(self.field)
        if isinstance(raw, bool):
            return "✓" if raw else ""
        if raw is None or (isinstance(raw, float) and pd.isna(raw)):
            return "—"
        if isinstance(raw, int | float):
            return f"{short(float(raw), lang)}{' ' + self.unit if self.unit else ''}"
        return str(raw)


def panel(title: str, *children, class_name: str = "") -> html.Section:
    return html.Section(className=f"dom-panel {class_name}".strip(), children=[
        html.H3(title, className="dom-panel-title"), *children])


def name_of(row: pd.Series, lang: str) -> str:
    return str(row.get(f"name_{lang}") or row.get("name_en") or row.get("id") or "")


def band_bars(frame: pd.DataFrame, label: pd.Series, value: str, lang: str, unit: str = "",
              band: str | None = "band", low: float | None = None, high: float | None = None,
              height: int | None = None) -> dcc.Graph:
    """Horizontal bars (names are long), coloured AND marked by band, with the healthy
    range drawn as a shaded strip when given."""
    bands = frame[band] if band and band in frame else pd.Series([None] * len(frame))
    values = pd.to_numeric(frame[value], errors="coerce")
    marks = [f"{short(v, lang)}{unit} {BAND_MARK.get(b, '')}".strip() if pd.notna(v) else "—"
             for v, b in zip(values, bands, strict=True)]
    # A plain figure dict: plotly's validating Figure objects cost milliseconds per chart,
    # and a KPI refresh goes out to every screen every few seconds.
    layout = {**CHART, "height": height or max(160, 44 * len(frame) + 60),
              "yaxis": {**AXIS, "autorange": "reversed"},
              "xaxis": {**AXIS, "rangemode": "tozero"}}
    if low is not None and high is not None:
        layout["shapes"] = [{"type": "rect", "xref": "x", "yref": "paper", "x0": low, "x1": high,
                             "y0": 0, "y1": 1, "fillcolor": "#9ee6a0", "opacity": 0.12,
                             "line": {"width": 0}, "layer": "below"}]
    fig = {"data": [{"type": "bar", "orientation": "h", "y": list(label),
                     "x": [float(v) for v in values.fillna(0)], "text": marks,
                     "textposition": "auto", "hoverinfo": "skip",
                     "marker": {"color": [BAND_COLOUR.get(b, BAND_COLOUR[None])
                                          for b in bands]}}],
           "layout": layout}
    return dcc.Graph(figure=fig, className="dom-chart", style={"height": f"{layout['height']}px"},
                     config=graph_config(lang, displayModeBar=False, responsive=True))


def table(frame: pd.DataFrame, columns: Sequence[Column], lang: str,
          band: str | None = None) -> html.Table:
    """A plain table (a few dozen rows at most): readable without a grid's machinery."""
    head = html.Thead(html.Tr([html.Th(text(c.header, lang) + (f" ({c.unit})" if c.unit else ""))
                               for c in columns]))
    rows = []
    for _, row in frame.iterrows():
        state = row.get(band) if band else None
        cells = [html.Td(c.value(row, lang).removesuffix(f" {c.unit}") if c.unit
                         else c.value(row, lang)) for c in columns]
        if state in ("warning", "alarm"):
            cells[0].children = [html.Span(BAND_MARK[state] + " ", className="band-mark"),
                                 cells[0].children]
        rows.append(html.Tr(cells, className=f"band-{state}" if state else None))
    return html.Table([head, html.Tbody(rows)], className="dom-table")
