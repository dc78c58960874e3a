"""Traffic & parking: occupancy per zone against the healthy band, free spaces, illegal
parking, school crossings by day and night, EV charging."""

from __future__ import annotations

import dash

from components.domain_page import DomainPage
from components.domain_panels import Column, band_bars, panel, table
from components.i18n import t
from data_access.app_context import current_store
from data_access.domain_data import Trend, kpi_settings
from data_access.domain_kpis import traffic


def panels(summary, config, lang: str) -> list:
    zones = summary.tables["zones"]
    if zones.empty:
        return []
    healthy = kpi_settings(current_store()).traffic.healthy_occupancy
    return [panel(t("dom_zone_occupancy", lang),
                  band_bars(zones, zones[f"name_{lang}"], "occupancy_pct", lang, unit=" %",
                            low=healthy.low, high=healthy.high),
                  table(zones, [Column("name", {"el": "Ζώνη", "en": "Zone"}, localised=True),
                                Column("spaces", {"el": "Θέσεις", "en": "Spaces"}),
                                Column("occupied", {"el": "Κατειλημμένες", "en": "Occupied"}),
                                Column("free", {"el": "Ελεύθερες", "en": "Free"}),
                                Column("occupancy_pct", {"el": "Πληρότητα", "en": "Occupancy"},
                                       unit="%")], lang, band="band"))]


PAGE = DomainPage(
    domain="traffic", kpis=traffic, panels=panels,
    trends=(Trend("occupied", {"el": "Πληρότητα στάθμευσης", "en": "Parking occupancy"}, "%",
                  kinds=("parking_space",), scale=100),
            Trend("activations", {"el": "Ενεργοποιήσεις διαβάσεων", "en": "Crossing activations"},
                  "", kinds=("smart_crossing",), stat="total"),
            Trend("power_kw", {"el": "Ισχύς φόρτισης ηλεκτρικών οχημάτων",
                               "en": "EV charging power"}, "kW",
                  kinds=("ev_charger",), stat="total")),
    table_metrics=("occupied", "illegal_parking", "activations", "in_use", "power_kw"),
)
dash.register_page(__name__, **PAGE.registration())
