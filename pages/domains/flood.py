"""Flood & weather: each river gauge against its own levels and its rate of rise, rain over
1 / 3 / 24 h, wind, lightning, and one city warning level with what drove it."""

from __future__ import annotations

import dash
from dash import html

from components.domain_page import DomainPage
from components.domain_panels import Column, panel, table
from components.i18n import t
from data_access.domain_data import Trend
from data_access.domain_kpis import flood

STAGE_BAND = {"normal": "ok", "alert": "warning", "warning": "warning", "danger": "alarm"}


def warning_banner(row, lang: str) -> html.Div:
    """The city's level as a word, a colour and a number (never colour alone), with why."""
    drivers = row.get(f"drivers_{lang}") or ""
    return html.Div(className=f"flood-level flood-{row['key']}",
                    style={"--level-colour": row["colour"]}, children=[
        html.Span(str(int(row["level"])), className="flood-level-n"),
        html.Div([html.Strong(row[f"name_{lang}"]),
                  html.Div(drivers or t("dom_no_drivers", lang), className="kpi-note")])])


def panels(summary, config, lang: str) -> list:
    stations, meteo = summary.tables["stations"], summary.tables["meteo"]
    warning, units = summary.tables["warning"], summary.tables["units"]
    out = []
    if not warning.empty:
        out.append(panel(t("dom_city_warning", lang), warning_banner(warning.iloc[0], lang)))
    if not units.empty:
        named = units.assign(**{f"unit_{lang}": [
            config.unit_by_id[u].name.get(lang, u) if u in config.unit_by_id else u
            for u in units["unit"]]})
        out.append(panel(t("dom_unit_warnings", lang), table(named, [
            Column("unit", {"el": "Ενότητα", "en": "Unit"}, localised=True),
            Column("name", {"el": "Επίπεδο", "en": "Level"}, localised=True),
            Column("drivers", {"el": "Αιτία", "en": "Why"}, localised=True)], lang)))
    if not stations.empty:
        shown = stations.assign(band=stations["stage"].map(STAGE_BAND))
        out.append(panel(t("dom_river_levels", lang), table(shown, [
            Column("name", {"el": "Σταθμός", "en": "Station"}, localised=True),
            Column("level", {"el": "Στάθμη", "en": "Level"}, unit="m"),
            Column("alert_level", {"el": "Επιφυλακή", "en": "Alert"}, unit="m"),
            Column("warning_level", {"el": "Προειδοποίηση", "en": "Warning"}, unit="m"),
            Column("danger_level", {"el": "Κίνδυνος", "en": "Danger"}, unit="m"),
            Column("rise_m_per_h", {"el": "Άνοδος", "en": "Rise"}, unit="m/h")], lang,
            band="band")))
    if not meteo.empty:
        out.append(panel(t("dom_weather", lang), table(meteo, [
            Column("name", {"el": "Σταθμός", "en": "Station"}, localised=True),
            Column("rain_1h_mm", {"el": "Βροχή 1 ώρα", "en": "Rain 1 h"}, unit="mm"),
            Column("rain_3h_mm", {"el": "3 ώρες", "en": "3 h"}, unit="mm"),
            Column("rain_24h_mm", {"el": "24 ώρες", "en": "24 h"}, unit="mm"),
            Column("wind_speed", {"el": "Άνεμος", "en": "Wind"}, unit="m/s"),
            Column("lightning_count", {"el": "Κεραυνοί 30′", "en": "Strikes 30 min"}),
            Column("lightning_nearest_km", {"el": "Πλησιέστερος", "en": "Nearest"},
                   unit="km")], lang)))
    return out


PAGE = DomainPage(
    domain="flood", kpis=flood, panels=panels,
    trends=(Trend("water_level", {"el": "Στάθμη ποταμών", "en": "River levels"}, "m",
                  kinds=("hydro_station",), per_device=True),
            Trend("precipitation", {"el": "Ένταση βροχής", "en": "Rain intensity"}, "mm/h",
                  kinds=("meteo_station",), per_device=True),
            Trend("wind_speed", {"el": "Ταχύτητα ανέμου", "en": "Wind speed"}, "m/s",
                  kinds=("meteo_station",), per_device=True)),
    table_metrics=("water_level", "discharge", "precipitation", "wind_speed",
                   "lightning_count"),
)
dash.register_page(__name__, **PAGE.registration())
