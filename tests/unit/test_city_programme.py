"""The city's data files for officials: the plan's figures load, absorption is paid / budget,
and a mistake in a hand-edited file is reported with the file and the field it is in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from data_access.programme import DataFileError, load_programme, load_strategy
from data_access.settings import ROOT

PROGRAMME = ROOT / "config" / "programme.yaml"
STRATEGY = ROOT / "config" / "strategy.yaml"
PLAN_BUDGETS = {"traffic": 300_000, "environment": 700_000, "social_care": 350_000,
                "citizens_business": 500_000, "wireless": 300_000, "central_systems": 800_000,
                "technical_advisor": 20_000}


def _edited(tmp_path: Path, source: Path, edit) -> Path:
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_the_plans_seven_axes_add_up_to_2_970_000_eur():
    programme = load_programme(PROGRAMME)
    assert {a.id: a.budget for a in programme.axes} == PLAN_BUDGETS
    assert programme.budget == programme.total_budget == 2_970_000
    assert programme.currency == "EUR"
    assert all(a.name["el"] and a.name["en"] for a in programme.axes)


def test_absorption_is_paid_over_budget_per_axis_and_overall():
    programme = load_programme(PROGRAMME)
    by_id = {a.id: a for a in programme.axes}
    # Hand figures from the seeded (demo) amounts in config/programme.yaml.
    assert by_id["traffic"].absorption_pct == pytest.approx(168_000 / 300_000 * 100)  # 56 %
    assert by_id["traffic"].absorption_pct == pytest.approx(56.0)
    assert by_id["social_care"].absorption_pct == pytest.approx(25.0)
    assert by_id["wireless"].contracted_pct == pytest.approx(100.0)
    assert programme.spent == 1_453_000
    assert programme.absorption_pct == pytest.approx(48.92, abs=0.01)
    assert programme.as_of == date(2026, 9, 30)


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda r: r["axes"][0].update(spent=300_000),
     "programme.yaml: axes[traffic].spent: 300,000 paid is more than the 255,000 contracted"),
    (lambda r: r["axes"][2].update(contracted=400_000),
     "programme.yaml: axes[social_care].contracted: 400,000 is more than the budget 350,000"),
    (lambda r: r["axes"][6].update(budget=200_000),  # a zero too many
     "programme.yaml: total_budget: the axes' budgets add up to 3,150,000, not 2,970,000"),
    (lambda r: r["axes"][3]["name"].pop("en"),
     "programme.yaml: axes[citizens_business].name: a name is needed in en"),
    (lambda r: r["axes"][4].update(budget="three hundred"),
     "programme.yaml: axes[wireless].budget: Input should be a valid number"),
    (lambda r: r.pop("as_of"), "programme.yaml: as_of: Field required"),
])
def test_a_bad_programme_file_names_the_field(tmp_path, edit, expected):
    with pytest.raises(DataFileError) as err:
        load_programme(_edited(tmp_path, PROGRAMME, edit))
    assert expected in str(err.value)


def test_broken_yaml_and_a_missing_file_say_so(tmp_path):
    bad = tmp_path / "programme.yaml"
    bad.write_text("name: {el: Πρόγραμμα\naxes: [\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"programme.yaml: not valid YAML at line \d+"):
        load_programme(bad)
    with pytest.raises(DataFileError, match="strategy.yaml: file not found"):
        load_strategy(tmp_path / "strategy.yaml")


def test_the_five_strategy_kpis_and_their_trend():
    strategy = load_strategy(STRATEGY)
    assert [k.id for k in strategy.kpis] == ["online_services", "quality_open_data",
                                             "interoperability", "ease_of_use",
                                             "attractive_place"]
    trend = strategy.trend("online_services")
    assert (trend.latest, trend.previous, trend.change) == (3.4, 3.0, 0.4)
    assert trend.latest_date == strategy.rounds[-1].date
    assert trend.previous_date == strategy.rounds[-2].date
    assert all(1 <= s <= 5 for r in strategy.rounds for s in r.scores.values())


def test_a_single_round_has_no_change_yet(tmp_path):
    first_only = _edited(tmp_path, STRATEGY, lambda r: r.update(rounds=r["rounds"][:1]))
    strategy = load_strategy(first_only)
    trend = strategy.trend("ease_of_use")
    assert trend.previous is None and trend.change is None


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda r: r["rounds"][-1]["scores"].update(ease_of_use=7),
     "strategy.yaml: rounds[2026-05-18].scores: ease_of_use: 7.0 is outside the scale 1-5"),
    (lambda r: r["rounds"][0]["scores"].pop("interoperability"),
     "strategy.yaml: rounds[2024-05-20].scores: missing ['interoperability'], unknown []"),
    (lambda r: r["rounds"].reverse(),
     "strategy.yaml: rounds: list the rounds oldest first, one per date"),
    (lambda r: r["rounds"][1].update(respondents=0),
     "strategy.yaml: rounds[2025-05-19].respondents: Input should be greater than 0"),
])
def test_a_bad_strategy_file_names_the_field(tmp_path, edit, expected):
    with pytest.raises(DataFileError) as err:
        load_strategy(_edited(tmp_path, STRATEGY, edit))
    assert expected in str(err.value)
