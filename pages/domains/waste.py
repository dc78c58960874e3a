"""Waste: fill per bin, bins over the collection level, time to full, and the suggested
collection route drawn on the map."""

from __future__ import annotations

import dash
import dash_leaflet as dl

from components.domain_page import DomainPage
from components.domain_panels import Column, band_bars, panel, table
from components.i18n import t
from data_access.domain_data import Trend
from data_access.domain_kpis import waste

ROUTE_COLOUR = "#ffd54a"


def panels(summary, config, lang: str) -> list:
    bins = summary.tables["bins"].sort_values("fill", ascending=False)
    route = summary.tables["route"]
    out = []
    if not bins.empty:
        shown = bins.assign(band=bins["over_level"].map(lambda over: "warning" if over else "ok"))
        out.append(panel(t("dom_bin_fill", lang),
                         band_bars(shown, shown[f"name_{lang}"], "fill", lang, unit=" %"),
                         table(shown, [
                             Column("name", {"el": "Κάδος", "en": "Bin"}, localised=True),
                             Column("fill", {"el": "Πλήρωση", "en": "Fill"}, unit="%"),
                             Column("fill_rate_pct_h", {"el": "Ρυθμός", "en": "Rate"},
                                    unit="%/h"),
                             Column("hours_to_full", {"el": "Γεμίζει σε", "en": "Full in"},
                                    unit="h")], lang, band="band")))
    if len(route) > 2:
        out.append(panel(t("dom_route", lang), table(route, [
            Column("order", {"el": "Στάση", "en": "Stop"}),
            Column("name", {"el": "Σημείο", "en": "Place"}, localised=True),
            Column("leg_km", {"el": "Απόσταση", "en": "Leg"}, unit="km"),
            Column("cum_km", {"el": "Σύνολο", "en": "Total"}, unit="km")], lang)))
    else:
        out.append(panel(t("dom_route", lang), dash.html.P(t("dom_route_none", lang),
                                                           className="muted")))
    return out


def route_overlay(summary) -> list:
    """The collection route: a dashed line through the stops, each stop numbered."""
    route = summary.tables["route"]
    if len(route) <= 2:
        return []
    points = route[["lat", "lon"]].values.tolist()
    # The stop's number as the tooltip's content, set with the tooltip itself (as children
    # it is drawn a moment later, and a screen reader meets a tooltip with no name).
    stops = [dl.CircleMarker(center=[r.lat, r.lon], radius=14, children=dl.Tooltip(
        content=str(r.order), permanent=True, direction="center", className="route-stop"),
        pathOptions={"color": ROUTE_COLOUR, "weight": 3, "fillOpacity": 0.2})
        for r in route.iloc[1:-1].itertuples()]
    return [dl.Polyline(positions=points, pathOptions={"color": ROUTE_COLOUR, "weight": 4,
                                                       "dashArray": "10 6"}), *stops]


PAGE = DomainPage(
    domain="waste", kpis=waste, panels=panels, overlay=route_overlay,
    trends=(Trend("fill_level", {"el": "Μέση πλήρωση κάδων", "en": "Average bin fill"}, "%",
                  kinds=("bin_sensor",)),
            Trend("fill_level", {"el": "Πλήρωση ανά κάδο", "en": "Fill per bin"}, "%",
                  kinds=("bin_sensor",), per_device=True)),
    table_metrics=("fill_level", "temperature"),
)
dash.register_page(__name__, **PAGE.registration())
