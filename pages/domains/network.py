"""Network: gateways up, devices online, radio and battery health across the whole city, and
the devices a technician should visit first."""

from __future__ import annotations

import dash
import pandas as pd

from components.domain_page import DomainPage
from components.domain_panels import CHART, Column, panel, table
from components.i18n import graph_config, t
from components.numbers import figure
from data_access.domain_data import Trend
from data_access.domain_kpis import network


def histogram(frame: pd.DataFrame, unit: str, lang: str) -> dash.dcc.Graph:
    labels = [f"{figure(a, lang)}…{figure(b, lang)}"
              for a, b in zip(frame["bin_start"], frame["bin_end"], strict=True)]
    fig = {"data": [{"type": "bar", "x": labels, "y": [int(v) for v in frame["devices"]],
                     "marker": {"color": "#8cc8ff"}, "hoverinfo": "skip",
                     "text": [str(int(v)) if v else "" for v in frame["devices"]],
                     "textposition": "outside"}],
           "layout": {**CHART, "height": 220, "margin": {"l": 40, "r": 8, "t": 8, "b": 60},
                      "xaxis": {"title": {"text": unit}, "automargin": True,
                                "gridcolor": "#3a404a"},
                      "yaxis": {"gridcolor": "#3a404a", "automargin": True}}}
    return dash.dcc.Graph(figure=fig, className="dom-chart", style={"height": "220px"},
                          config=graph_config(lang, displayModeBar=False, responsive=True))


def panels(summary, config, lang: str) -> list:
    tables = summary.tables
    out = [panel(t("dom_visit_first", lang), table(tables["visit"], [
        Column("name", {"el": "Συσκευή", "en": "Device"}, localised=True),
        Column("reason", {"el": "Γιατί", "en": "Why"}, localised=True)], lang))
        if not tables["visit"].empty else
        panel(t("dom_visit_first", lang), dash.html.P(t("dom_visit_none", lang),
                                                      className="muted"))]
    for key, unit in (("rssi", "RSSI (dBm)"), ("snr", "SNR (dB)"),
                      ("battery", f"{t('battery', lang)} (%)")):
        if not tables[key].empty:
            out.append(panel(t(f"dom_dist_{key}", lang), histogram(tables[key], unit, lang)))
    return out


PAGE = DomainPage(
    domain="network", kpis=network, panels=panels,
    trends=(Trend("uplinks", {"el": "Μηνύματα μέσω πυλών", "en": "Uplinks through gateways"},
                  "", kinds=("lorawan_gateway",), stat="total"),
            Trend("connected_devices", {"el": "Συνδεδεμένες συσκευές ανά πύλη",
                                        "en": "Devices per gateway"}, "",
                  kinds=("lorawan_gateway",), per_device=True)),
    table_metrics=("uplinks", "connected_devices"),
)
dash.register_page(__name__, **PAGE.registration())
