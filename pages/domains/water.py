"""Water in municipal buildings and parks: consumption today, the night minimum flow as a
leak cue, pressure."""

from __future__ import annotations

import dash

from components.domain_page import DomainPage
from components.domain_panels import Column, panel, table
from components.i18n import t
from data_access.domain_data import Trend
from data_access.domain_kpis import water


def panels(summary, config, lang: str) -> list:
    meters = summary.tables["meters"]
    if meters.empty:
        return []
    shown = meters.assign(band=[
        "warning" if leak or band == "warning" else "ok"
        for leak, band in zip(meters["leak_suspect"], meters["pressure_band"], strict=True)])
    return [panel(t("dom_water_meters", lang), table(shown, [
        Column("name", {"el": "Σημείο", "en": "Site"}, localised=True),
        Column("consumption_m3", {"el": "Σήμερα", "en": "Today"}, unit="m³"),
        Column("night_min_flow_m3h", {"el": "Ελάχιστη νυχτερινή ροή", "en": "Night minimum"},
               unit="m³/h"),
        Column("leak_suspect", {"el": "Πιθανή διαρροή", "en": "Leak suspected"}),
        Column("pressure_bar", {"el": "Πίεση", "en": "Pressure"}, unit="bar")], lang,
        band="band"))]


PAGE = DomainPage(
    domain="water", kpis=water, panels=panels,
    trends=(Trend("flow_m3h", {"el": "Συνολική παροχή", "en": "Total flow"}, "m³/h",
                  kinds=("water_meter",), stat="total"),
            Trend("pressure_bar", {"el": "Πίεση (μέση)", "en": "Pressure (mean)"}, "bar",
                  kinds=("water_meter",))),
    table_metrics=("flow_m3h", "volume_m3", "pressure_bar"),
)
dash.register_page(__name__, **PAGE.registration())
