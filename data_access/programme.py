"""The two data files the city edits by hand for its officials: config/programme.yaml (the
smart-city programme's axes, budgets and absorption) and config/strategy.yaml (the strategy
KPIs, scored on a Likert scale in survey rounds). Pure: files in, validated models out.

People, not programs, write these files, so a mistake must say where it is:
DataFileError names the file and the field (`axes[traffic].spent`), never a bare traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from data_access.rules_config import Text

LIKERT_MIN, LIKERT_MAX = 1.0, 5.0
LANGS = ("el", "en")  # both are shown to officials, so both are required


class DataFileError(ValueError):
    """A data file that cannot be used; the message names the file and the field."""


def _both_languages(value: Text) -> Text:
    missing = [lang for lang in LANGS if not str(value.get(lang, "")).strip()]
    if missing:
        raise ValueError(f"a name is needed in {', '.join(missing)}")
    return value


class Shares:
    """Absorption (paid) and contracted as shares of the budget, for an axis or the whole
    (each has `budget`, `spent` and `contracted`, as fields or as sums)."""

    @property
    def absorption_pct(self) -> float:
        return 100.0 * self.spent / self.budget

    @property
    def contracted_pct(self) -> float:
        return 100.0 * self.contracted / self.budget


class Axis(Shares, BaseModel):
    """One axis of the programme. Amounts in the programme's currency, as of `as_of`:
    contracted = signed contracts, spent = paid out (what EU programmes call absorption)."""

    id: str = Field(min_length=1)
    name: Text
    budget: float = Field(gt=0)
    contracted: float = Field(ge=0)
    spent: float = Field(ge=0)

    _name = field_validator("name")(_both_languages)

    @field_validator("contracted")
    @classmethod
    def _within_budget(cls, value: float, info) -> float:
        budget = info.data.get("budget")
        if budget is not None and value > budget:
            raise ValueError(f"{value:,.0f} is more than the budget {budget:,.0f}")
        return value

    @field_validator("spent")
    @classmethod
    def _within_contracts(cls, value: float, info) -> float:
        contracted = info.data.get("contracted")
        if contracted is not None and value > contracted:
            raise ValueError(f"{value:,.0f} paid is more than the {contracted:,.0f} contracted")
        return value


class Programme(Shares, BaseModel):
    """The whole programme. `total_budget` repeats the plan's headline figure so that a typo
    in one axis's budget is caught instead of silently changing the total."""

    name: Text
    demo: bool = False  # the page says "illustrative demo figures" while this is true
    currency: str = "EUR"
    total_budget: float = Field(gt=0)
    as_of: dt.date
    axes: list[Axis] = Field(min_length=1)

    _name = field_validator("name")(_both_languages)

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        ids = [a.id for a in self.axes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"axes: an id is used twice: {ids}")
        if abs(self.budget - self.total_budget) > 0.5:
            raise ValueError(f"total_budget: the axes' budgets add up to {self.budget:,.0f}, "
                             f"not {self.total_budget:,.0f}")
        return self

    @property
    def budget(self) -> float:
        return sum(a.budget for a in self.axes)

    @property
    def contracted(self) -> float:
        return sum(a.contracted for a in self.axes)

    @property
    def spent(self) -> float:
        return sum(a.spent for a in self.axes)


class StrategyKpi(BaseModel):
    id: str = Field(min_length=1)
    name: Text

    _name = field_validator("name")(_both_languages)


class SurveyRound(BaseModel):
    """One survey: its date, how many answered, and the mean score of each KPI."""

    date: dt.date
    respondents: int = Field(gt=0)
    scores: dict[str, float]

    @field_validator("scores")
    @classmethod
    def _on_the_scale(cls, scores: dict[str, float]) -> dict[str, float]:
        for kpi, score in scores.items():
            if not LIKERT_MIN <= score <= LIKERT_MAX:
                raise ValueError(f"{kpi}: {score} is outside the scale "
                                 f"{LIKERT_MIN:g}-{LIKERT_MAX:g}")
        return scores


class Trend(BaseModel):
    """A KPI's latest score and its change since the round before (None: only one round)."""

    latest: float
    latest_date: dt.date
    previous: float | None
    previous_date: dt.date | None

    @property
    def change(self) -> float | None:
        return None if self.previous is None else round(self.latest - self.previous, 2)


class Strategy(BaseModel):
    demo: bool = False
    kpis: list[StrategyKpi] = Field(min_length=1)
    rounds: list[SurveyRound] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Strategy:
        ids = [k.id for k in self.kpis]
        if len(set(ids)) != len(ids):
            raise ValueError(f"kpis: an id is used twice: {ids}")
        dates = [r.date for r in self.rounds]
        if dates != sorted(set(dates)):
            raise ValueError("rounds: list the rounds oldest first, one per date")
        for r in self.rounds:
            missing, unknown = set(ids) - r.scores.keys(), r.scores.keys() - set(ids)
            if missing or unknown:
                raise ValueError(f"rounds[{r.date}].scores: missing {sorted(missing)}, "
                                 f"unknown {sorted(unknown)}")
        return self

    def series(self, kpi_id: str) -> list[tuple[dt.date, float]]:
        return [(r.date, r.scores[kpi_id]) for r in self.rounds]

    def trend(self, kpi_id: str) -> Trend:
        points = self.series(kpi_id)
        (last_date, last), before = points[-1], points[-2] if len(points) > 1 else (None, None)
        return Trend(latest=last, latest_date=last_date, previous=before[1],
                     previous_date=before[0])


# -- reading -----------------------------------------------------------------------------
def _where(raw: object, loc: tuple) -> str:
    """`axes[traffic].spent` for pydantic's ('axes', 0, 'spent'): list items by their id (or
    date), which is what a person editing the file looks for."""
    out, node = "", raw
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            key = (item.get("id") or item.get("date")) if isinstance(item, dict) else None
            out += f"[{key if key is not None else part}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _message(path: Path, raw: object, errors: list[ErrorDetails]) -> str:
    lines = []
    for e in errors:
        where = _where(raw, tuple(p for p in e["loc"] if not str(p).startswith("function-")))
        msg = e["msg"].removeprefix("Value error, ")
        lines.append(f"{path.name}: {where + ': ' if where else ''}{msg}")
    return "\n".join(lines)


def _load(path: Path, model: type[BaseModel]):
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataFileError(f"{path.name}: file not found ({path})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise DataFileError(f"{path.name}: not valid YAML{where}: "
                            f"{getattr(exc, 'problem', exc)}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(_message(path, raw, exc.errors())) from exc


def load_programme(path: Path) -> Programme:
    return _load(path, Programme)


def load_strategy(path: Path) -> Strategy:
    return _load(path, Strategy)
