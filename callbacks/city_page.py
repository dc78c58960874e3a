"""Callbacks of the city page (pages/city.py): each panel is filled on load, the domain
headlines again every minute. Panels are separate callbacks so that a slow query or a broken
data file holds up only its own panel."""

from __future__ import annotations

from pathlib import Path

from dash import Input, Output

from components.city_panels import data_error, headline_cards, programme_panel, strategy_panel
from components.i18n import t
from data_access.app_context import current_store
from data_access.city_config import text
from data_access.city_headlines import headlines
from data_access.programme import DataFileError, load_programme, load_strategy

PROGRAMME_FILE = "programme.yaml"
STRATEGY_FILE = "strategy.yaml"


def programme_view(config_dir: Path, lang: str) -> tuple[str, list]:
    """(title, body) of the programme panel. Read on every visit: the city edits the file and
    sees the change without a restart; a mistake shows where it is instead of the panel."""
    try:
        programme = load_programme(config_dir / PROGRAMME_FILE)
    except DataFileError as exc:
        return t("city_programme", lang), [data_error(str(exc), lang)]
    return text(programme.name, lang), programme_panel(programme, lang)


def strategy_view(config_dir: Path, lang: str) -> list:
    try:
        strategy = load_strategy(config_dir / STRATEGY_FILE)
    except DataFileError as exc:
        return [data_error(str(exc), lang)]
    return strategy_panel(strategy, lang)


def register(app) -> None:
    @app.callback(
        Output("city-headlines", "children"),
        Input("city-tick", "n_intervals"),
        Input("city-lang", "data"),
    )
    def draw_headlines(_n, lang):
        store = current_store()
        return headline_cards(headlines(store), store.config, lang)

    @app.callback(
        Output("city-programme-title", "children"),
        Output("city-programme", "children"),
        Input("city-lang", "data"),
    )
    def draw_programme(lang):
        return programme_view(current_store().settings.config_dir, lang)

    @app.callback(
        Output("city-strategy", "children"),
        Input("city-lang", "data"),
    )
    def draw_strategy(lang):
        return strategy_view(current_store().settings.config_dir, lang)
