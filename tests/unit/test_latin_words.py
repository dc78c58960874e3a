"""The reader of English left on Greek pages (tests/browser/latin.py) reports words, not
names, units, ids or addresses."""

from tests.browser.latin import latin_words


def test_english_words_are_found_and_names_units_and_ids_are_not():
    found = latin_words([
        "Ισχύς φόρτισης EV (kW)", "Download plot as a PNG", "hydro_station-lilantio-00001",
        "efimeria@chalkida.example", "21,8 mm", "7d", "24h", "NB-IoT / LTE-M", "test-admin",
        "P · Κυκλοφορία"], names={"P"})
    assert found == {"EV": "Ισχύς φόρτισης EV (kW)", "Download": "Download plot as a PNG",
                     "plot": "Download plot as a PNG", "as": "Download plot as a PNG",
                     "a": "Download plot as a PNG", "d": "7d"}
