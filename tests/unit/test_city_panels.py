"""What an official reads on the city page: figures written as their language writes them,
with units; a change as arrow + sign + unit (never colour alone); "—" when last week is
missing; every piece of UI text in Greek and English."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from components.catalogue import city as city_text
from components.city_panels import (
    change_line,
    day,
    figure,
    headline_card,
    moment,
    money,
    percent,
    programme_panel,
    strategy_panel,
)
from components.i18n import CORE
from data_access.city_config import load_config
from data_access.city_headlines import Headline
from data_access.programme import load_programme, load_strategy
from data_access.settings import ROOT

NOW = datetime(2026, 11, 22, 20, 13, tzinfo=UTC)  # 22:13 in Chalkida


def words(component) -> str:
    """Every piece of text in a component tree, in order."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(words(c) for c in component)
    return words(getattr(component, "children", None))


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "config")


def test_numbers_money_and_percent_as_each_language_writes_them():
    assert (money(2_970_000, "EUR", "el"), money(2_970_000, "EUR", "en")) == (
        "2.970.000\u00a0€", "€2,970,000")
    assert money(1000, "USD", "en") == "1,000\u00a0USD"
    assert (percent(48.92, "el"), percent(56.0, "en")) == ("48,9\u00a0%", "56\u00a0%")
    assert [figure(v, "en") for v in (None, 62.0, 30.64, 0.41, 1.2, 12_345.6, -1.123)] == [
        "—", "62", "30.6", "0.41", "1.2", "12,346", "\u22121.12"]
    assert figure(30.64, "el") == "30,6"


def test_dates_and_times_in_the_citys_time_zone():
    assert day(date(2026, 9, 30), "en") == "30 Sep 2026"
    assert day(date(2026, 5, 18), "el") == "18 Μαΐ 2026"
    assert moment(NOW, "Europe/Athens", "en") == "Sun 22 Nov, 22:13"
    assert moment(NOW, "Europe/Athens", "el") == "Κυρ 22 Νοε, 22:13"


@pytest.mark.parametrize(("delta", "unit", "lang", "arrow", "text"), [
    (8.2, "%", "en", "▲", "+8.2\u00a0points"),       # a % changes by percentage points
    (-1.4, "kW", "en", "▼", "\u22121.4\u00a0kW"),
    (-3.0, "", "el", "▼", "\u22123"),
    (0.0, "m", "en", "=", "unchanged"),
    (4.3, "%", "el", "▲", "+4,3\u00a0μονάδες"),
])
def test_a_change_is_an_arrow_a_sign_and_a_unit(delta, unit, lang, arrow, text):
    line = change_line(delta, unit, lang)
    assert words(line).split(" ", 1) == [arrow, text]


def headline(config, value, week_ago) -> Headline:
    traffic = config.domain_by_id["traffic"]
    return Headline("traffic", traffic.kpi.label, "%", value, 45, 49, NOW, week_ago,
                    NOW.replace(day=15))


def test_a_headline_says_now_the_change_and_the_figure_a_week_ago(config):
    card = headline_card(headline(config, 62.0, 57.5), config, "en")
    text = words(card)
    for part in ("Traffic & parking", "Spaces occupied", "62 %", "▲ +4.5\u00a0points",
                 "Same time last week: 57.5\u00a0%", "45 of 49 devices reporting"):
        assert part in text
    assert card.id == "city-hl-traffic"


def test_without_last_week_a_headline_shows_a_dash_and_says_why(config):
    text = words(headline_card(headline(config, 62.0, None), config, "en"))
    assert "— no data for last week" in text
    text = words(headline_card(headline(config, None, None), config, "el"))
    assert "— χωρίς τρέχουσα τιμή" in text
    assert "χωρίς δεδομένα για την περασμένη εβδομάδα" in text


def test_the_programme_panel_lists_seven_axes_with_budget_and_the_date():
    programme = load_programme(ROOT / "config" / "programme.yaml")
    panel = programme_panel(programme, "en")
    text = words(panel)
    assert "€2,970,000 in 7 axes · figures as of 30 Sep 2026" in text
    assert "Budget €300,000" in text and "Paid €168,000 · 56\u00a0%" in text
    assert "Illustrative demo figures, not real ones" in text  # demo: true in the file
    axes = panel[-1]
    assert [a.id for a in axes.children] == [f"city-axis-{a.id}" for a in programme.axes]


def test_the_strategy_panel_has_five_kpis_out_of_5_with_their_trend():
    strategy = load_strategy(ROOT / "config" / "strategy.yaml")
    panel = strategy_panel(strategy, "en")
    cards = panel[-1].children
    assert len(cards) == 5
    first = words(cards[0])
    assert "Growth of online services" in first and "3.4 out of 5" in first
    assert "▲ +0.4 since the 17 Nov 2025 survey" in first
    assert "Survey of 18 May 2026, 431 responses" in words(panel)


def test_every_city_text_is_in_greek_and_english_and_clashes_with_no_core_key():
    for key, entry in city_text.TEXT.items():
        assert key.startswith("city_")
        assert entry.get("el") and entry.get("en"), key
        assert key not in CORE


def test_a_broken_data_file_replaces_its_panel_with_what_is_wrong_and_where(tmp_path):
    from callbacks.city_page import programme_view, strategy_view

    (tmp_path / "programme.yaml").write_text(
        (ROOT / "config" / "programme.yaml").read_text(encoding="utf-8")
        .replace("spent: 168000", "spent: 999000"), encoding="utf-8")
    title, body = programme_view(tmp_path, "en")
    assert title == "Smart-city programme"
    assert body[0].role == "alert"
    assert "programme.yaml: axes[traffic].spent: 999,000 paid is more than the 255,000 " \
           "contracted" in words(body)
    assert "The data file cannot be read" in words(body)
    assert "strategy.yaml: file not found" in words(strategy_view(tmp_path, "el"))
    # The shipped files load: the panels themselves.
    title, body = programme_view(ROOT / "config", "el")
    assert title == "Πρόγραμμα Έξυπνης Πόλης" and len(body[-1].children) == 7
