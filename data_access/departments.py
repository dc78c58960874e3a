"""The city's departments: who an alarm can be assigned to (config/departments.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from data_access.city_config import Text


class Department(BaseModel):
    id: str
    name: Text
    domains: list[str] = []


@cache
def load_departments(config_dir: Path) -> tuple[Department, ...]:
    path = Path(config_dir) / "departments.yaml"
    if not path.exists():  # a city without the file simply cannot assign alarms
        return ()
    return tuple(Department.model_validate(d) for d in yaml.safe_load(path.read_text()) or [])


def department_for(domain: str | None, departments: tuple[Department, ...]) -> str | None:
    """The department that usually takes a domain's alarms."""
    return next((d.id for d in departments if domain in d.domains), None)
