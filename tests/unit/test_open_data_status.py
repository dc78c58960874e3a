"""The citizens' three answers (parking, air, flood) from the domain KPI summaries, against
hand-computed figures; only the listed fields; and how the page words them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from components.catalogue.public import TEXT
from components.i18n import CATALOGUE
from components.public_panels import air_body, flood_body, ink, parking_body
from data_access.city_config import load_config
from data_access.domain_kpis import air, flood, traffic
from data_access.public_status import (
    AIR_FIELDS,
    AIR_INDEX_FIELDS,
    FLOOD_FIELDS,
    FLOOD_UNIT_FIELDS,
    LEVEL_FIELDS,
    PARKING_FIELDS,
    POLLUTANT_FIELDS,
    ZONE_FIELDS,
    air_doc,
    flood_doc,
    parking_doc,
)
from data_access.settings import ROOT
from tests.unit import test_domain_kpis_air as air_case
from tests.unit import test_domain_kpis_flood as flood_case
from tests.unit import test_domain_kpis_traffic as traffic_case
from tests.unit.domain_kpis_frames import NOW, bucket, devices, history, no_history

CONFIG = load_config(ROOT / "config")
ATHENS = ZoneInfo("Europe/Athens")
TZ = "Europe/Athens"


def words(component) -> str:
    """Every string in a component tree, joined: what the reader sees."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(words(c) for c in component)
    children = getattr(component, "children", None)
    return "" if children is None else words(children)


# -- parking ------------------------------------------------------------------------------------
def parking():
    summary = traffic.summary(traffic_case.city(), no_history(), NOW, traffic_case.CFG)
    return parking_doc(summary, ATHENS)


def test_free_spaces_per_zone_and_in_total():
    doc = parking()
    assert tuple(doc) == PARKING_FIELDS
    assert all(tuple(z) == ZONE_FIELDS for z in doc["zones"])
    # centre 3 taken 1 free, seafront 9 / 1, market 0 / 1 and one silent sensor.
    assert [(z["zone"], z["free"], z["reporting"], z["spaces"]) for z in doc["zones"]] == [
        ("centre", 1, 4, 4), ("seafront", 1, 10, 10), ("market", 1, 1, 2)]
    assert (doc["free"], doc["reporting"], doc["spaces"]) == (3, 15, 16)
    assert doc["zones"][0]["name"] == {"el": "Κέντρο", "en": "Centre"}
    assert doc["as_of"] == "2026-03-10T13:59:00+02:00"  # the newest report, Athens time


def test_a_zone_nobody_reports_from_has_no_figure_not_zero():
    summary = traffic.summary(devices(*traffic_case.spaces(1, 2, 0, "a")), no_history(), NOW,
                              traffic_case.CFG)
    doc = parking_doc(summary, ATHENS)
    assert [z["free"] for z in doc["zones"]] == [0, None, None]
    nobody = parking_doc(traffic.summary(devices(), no_history(), NOW, traffic_case.CFG), ATHENS)
    assert nobody["free"] is None and nobody["as_of"] is None
    assert "no data" in words(parking_body(nobody, TZ, "en"))


def test_the_parking_panel_in_both_languages():
    en, el = words(parking_body(parking(), TZ, "en")), words(parking_body(parking(), TZ, "el"))
    assert "3 free spaces" in en.replace("\u00a0", " ")
    assert "of 15 spaces with a sensor reporting now" in en
    assert "As of Tue 10 Mar, 13:59" in en
    assert "ελεύθερες θέσεις" in el and "Ενημέρωση: Τρί 10 Μαρ, 13:59" in el


# -- air -------------------------------------------------------------------------------------------
def test_the_air_quality_index_names_its_band_colour_and_pollutant():
    summary = air.summary(devices(), air_case.readings(), air_case.LATER, air_case.CFG)
    doc = air_doc(summary, ATHENS)
    assert tuple(doc) == AIR_FIELDS and tuple(doc["index"]) == AIR_INDEX_FIELDS
    assert all(tuple(p) == POLLUTANT_FIELDS for p in doc["pollutants"])
    # PM2.5 and NO2 are both moderate: the first in config order names it.
    assert doc["index"] == {"band": 2, "name": {"el": "Μέτρια", "en": "Moderate"},
                            "colour": "#F0E641", "pollutant": "pm25", "pollutant_name": "PM2.5",
                            "concentration": 22.0, "unit": "µg/m³"}
    assert doc["as_of"] == "2026-03-10T14:00:00+02:00"  # end of the last complete hour
    so2 = next(p for p in doc["pollutants"] if p["pollutant"] == "so2")
    assert so2["concentration"] is None and so2["band"] is None
    text = words(air_body(doc, TZ, "en")).replace("\u00a0", " ")
    assert "Moderate" in text and "Set by PM2.5: 22 µg/m³" in text
    assert "· 24-hour mean" in text and "Measured up to Tue 10 Mar, 14:00" in text


def test_no_recent_measurement_is_said_so():
    doc = air_doc(air.summary(devices(), no_history(), NOW, air_case.CFG), ATHENS)
    assert doc["index"] is None and doc["as_of"] is None
    assert "No recent measurement." in words(air_body(doc, TZ, "en"))


# -- flood -----------------------------------------------------------------------------------------
def test_the_flood_level_per_unit_and_what_drove_it():
    h = history(bucket("h2", "water_level", flood_case.ago(5), 0.8))
    summary = flood.summary(flood_case.city(lilas_level=2.3), h, NOW, flood_case.CFG)
    doc = flood_doc(summary, CONFIG, ATHENS)
    assert tuple(doc) == FLOOD_FIELDS and tuple(doc["city"]) == LEVEL_FIELDS
    assert all(tuple(u) == FLOOD_UNIT_FIELDS for u in doc["units"])
    assert doc["city"]["level"] == 2 and doc["city"]["colour"] == "#FF9900"
    units = {u["unit"]: u for u in doc["units"]}
    assert units["lilantio"]["name"] == {"el": "Πορτοκαλί", "en": "Orange"}
    assert units["lilantio"]["drivers"]["en"] == "h1 en at warning level"
    assert units["lilantio"]["unit_name"] == {"el": "Ληλάντιο", "en": "Lilantio"}
    assert units["chalkida"]["level"] == 0 and units["chalkida"]["drivers"] is None
    assert (doc["stations"], doc["stations_reporting"]) == (4, 4)
    text = words(flood_body(doc, TZ, "en"))
    assert "Whole municipality Orange level 2 of 3 h1 en at warning level" in text
    assert "Lilantio Orange h1 en at warning level" in text
    assert "Chalkida Green Lilantio" in text  # green: nothing drove it
    assert "Πορτοκαλί" in words(flood_body(doc, TZ, "el"))


def test_a_calm_city_says_so_once():
    summary = flood.summary(flood_case.city(), no_history(), NOW, flood_case.CFG)
    text = words(flood_body(flood_doc(summary, CONFIG, ATHENS), TZ, "en"))
    assert "Whole municipality Green level 0 of 3 No sign of danger at the stations." in text
    assert text.count("No sign of danger") == 1


def test_no_station_data_is_no_data_not_green():
    doc = flood_doc(flood.summary(devices(), no_history(), NOW, flood_case.CFG), CONFIG, ATHENS)
    assert doc["city"] == dict.fromkeys(LEVEL_FIELDS) and doc["as_of"] is None
    assert all(u["level"] is None for u in doc["units"])
    text = words(flood_body(doc, TZ, "en"))
    assert "Green" not in text and "no data" in text


# -- wording ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [parking_body, air_body, flood_body])
def test_a_missing_section_says_it_is_not_available(body):
    assert words(body(None, TZ, "el")) == "Τα στοιχεία δεν είναι διαθέσιμα αυτή τη στιγμή."


@pytest.mark.parametrize(("colour", "expected"), [
    ("#50F0E6", "#000000"), ("#FFE600", "#000000"), ("#FF5050", "#000000"),
    ("#960032", "#ffffff"), ("#7D2181", "#ffffff"), ("#E3000F", "#ffffff"),
    ("#2E9E44", "#000000")])
def test_badge_text_is_black_or_white_whichever_reads_better(colour, expected):
    assert ink(colour) == expected


def test_every_public_text_is_in_greek_and_english():
    for key, entry in TEXT.items():
        assert key.startswith("public_") and entry.get("el") and entry.get("en"), key
        assert key in CATALOGUE
