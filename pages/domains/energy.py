"""Energy & street lighting: luminaires on / dimmed / off / faulty, lighting energy today
against the no-dimming baseline, building meters and fuel tanks."""

from __future__ import annotations

import dash

from components.domain_page import DomainPage
from components.domain_panels import Column, panel, table
from components.i18n import t
from data_access.domain_data import Trend
from data_access.domain_kpis import energy


def panels(summary, config, lang: str) -> list:
    meters, tanks = summary.tables["meters"], summary.tables["tanks"]
    out = []
    if not meters.empty:
        out.append(panel(t("dom_meters", lang), table(meters, [
            Column("name", {"el": "Κτίριο", "en": "Building"}, localised=True),
            Column("power_kw", {"el": "Ισχύς τώρα", "en": "Power now"}, unit="kW"),
            Column("energy_today_kwh", {"el": "Σήμερα", "en": "Today"}, unit="kWh")], lang)))
    if not tanks.empty:
        shown = tanks.assign(band=tanks["low"].map(lambda low: "warning" if low else "ok"))
        out.append(panel(t("dom_tanks", lang), table(shown, [
            Column("name", {"el": "Δεξαμενή", "en": "Tank"}, localised=True),
            Column("fuel_level", {"el": "Στάθμη", "en": "Level"}, unit="%")], lang,
            band="band")))
    return out


PAGE = DomainPage(
    domain="energy", kpis=energy, panels=panels,
    trends=(Trend("power_w", {"el": "Ισχύς φωτισμού", "en": "Street-lighting power"}, "W",
                  kinds=("luminaire",), stat="total"),
            Trend("power_kw", {"el": "Ισχύς κτιρίων", "en": "Building power"}, "kW",
                  kinds=("energy_meter",), stat="total"),
            Trend("fuel_level", {"el": "Στάθμη καυσίμου", "en": "Fuel level"}, "%",
                  kinds=("fuel_tank",), per_device=True)),
    table_metrics=("power_state", "illuminance_level", "power_w", "fault", "power_kw",
                   "fuel_level"),
)
dash.register_page(__name__, **PAGE.registration())
