"""Air quality: the European Air Quality Index per pollutant and overall, in the EEA band
colours (with the band's name, never colour alone), and hours above each band."""

from __future__ import annotations

from datetime import datetime

import dash
import pandas as pd
from dash import html

from components.domain_page import DomainPage
from components.domain_panels import panel
from components.i18n import t
from components.numbers import short
from data_access import domain_data
from data_access.app_context import current_store
from data_access.domain_data import Trend
from data_access.domain_kpis import air


def ink_for(colour: str) -> str:
    """Dark text on the light EEA colours, white on the dark ones (very / extremely poor):
    whichever keeps the band's name readable (WCAG relative luminance)."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#111111" if luminance > 0.18 else "#ffffff"


def band_chip(name: str, colour: str) -> html.Span:
    return html.Span(name, className="eaqi-chip", style={"--band": colour,
                                                         "color": ink_for(colour)})


def panels(summary, config, lang: str) -> list:
    table = summary.tables["pollutants"]
    if table.empty:
        return []
    rows = [html.Tr([html.Th(r["name"]),
                     html.Td(f"{short(r['concentration'], lang)} µg/m³"
                             if pd.notna(r["concentration"]) else "—"),
                     html.Td(r["averaging"]),
                     html.Td(band_chip(r[f"band_name_{lang}"], r["colour"])
                             if pd.notna(r["band_index"]) else "—")])
            for _, r in table.iterrows()]
    head = html.Tr([html.Th(t("dom_pollutant", lang)), html.Th(t("dom_concentration", lang)),
                    html.Th(t("dom_averaging", lang)), html.Th(t("dom_band", lang))])
    return [panel(t("dom_eaqi", lang), html.Table([html.Thead(head), html.Tbody(rows)],
                                                  className="dom-table"))]


def hours_panel(since: datetime, until: datetime, lang: str) -> list:
    """Hours at or above each band over the reader's range (band 0 = hours with data)."""
    store = current_store()
    settings = domain_data.kpi_settings(store)
    history = domain_data.range_history(store, "air", tuple(settings.air.pollutants), since,
                                        until, 3600)
    hours = air.hours_above_bands(history, settings)
    if hours.empty:
        return []
    bands = settings.air.bands
    grid = hours.pivot(index="pollutant", columns="band", values="hours")
    head = html.Tr([html.Th(t("dom_pollutant", lang)),
                    *[html.Th(band_chip(b.name.get(lang, b.name["en"]), b.colour))
                      for b in bands[1:]]])
    body = [html.Tr([html.Th(settings.air.pollutants[key].name),
                     *[html.Td(f"{int(grid.loc[key, i])} h") for i in range(1, len(bands))]])
            for key in settings.air.pollutants if key in grid.index]
    return [panel(t("dom_hours_above", lang), html.Table([html.Thead(head), html.Tbody(body)],
                                                         className="dom-table eaqi-hours"),
                  class_name="dom-range-panel")]


PAGE = DomainPage(
    domain="air", kpis=air, panels=panels, range_panels=hours_panel,
    trends=(Trend("no2", {"el": "NO₂", "en": "NO₂"}, "µg/m³", per_device=True),
            Trend("pm10", {"el": "PM10", "en": "PM10"}, "µg/m³", per_device=True),
            Trend("pm25", {"el": "PM2.5", "en": "PM2.5"}, "µg/m³", per_device=True),
            Trend("o3", {"el": "O₃", "en": "O₃"}, "µg/m³", per_device=True)),
    table_metrics=("no2", "pm10", "pm25", "o3", "so2", "co"),
)
dash.register_page(__name__, **PAGE.registration())
