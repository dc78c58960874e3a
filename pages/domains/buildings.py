"""Municipal buildings: visitors against capacity in the city's public spaces."""

from __future__ import annotations

import dash

from components.domain_page import DomainPage
from components.domain_panels import Column, band_bars, panel, table
from components.i18n import t
from data_access.domain_data import Trend
from data_access.domain_kpis import buildings

CHARTED = 10  # bars a chart holds and a wall still reads; the table below lists every space


def panels(summary, config, lang: str) -> list:
    spaces = summary.tables["spaces"].sort_values("pct", ascending=False)
    if spaces.empty:
        return []
    fullest = spaces.head(CHARTED)
    title = t("dom_spaces", lang) + (
        f" · {t('dom_fullest', lang, n=len(fullest), total=len(spaces))}"
        if len(spaces) > CHARTED else "")
    return [panel(title,
                  band_bars(fullest, fullest[f"name_{lang}"], "pct", lang, unit=" %"),
                  table(spaces, [Column("name", {"el": "Χώρος", "en": "Space"}, localised=True),
                                 Column("occupancy", {"el": "Παρόντες", "en": "Present"}),
                                 Column("capacity", {"el": "Χωρητικότητα", "en": "Capacity"}),
                                 Column("pct", {"el": "Πληρότητα", "en": "Full"}, unit="%")],
                        lang, band="band"))]


PAGE = DomainPage(
    domain="buildings", kpis=buildings, panels=panels,
    trends=(Trend("occupancy", {"el": "Επισκέπτες σε όλους τους χώρους",
                                "en": "Visitors in all spaces"}, "", stat="total"),
            Trend("entries", {"el": "Είσοδοι", "en": "Entries"}, "", stat="total")),
    table_metrics=("occupancy", "entries"),
)
dash.register_page(__name__, **PAGE.registration())
