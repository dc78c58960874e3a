"""The city's departments (config/departments.yaml): who an alarm can be assigned to, and
who is told of it (the on-call list, notify/)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from data_access.city_config import Text
from data_access.streams import SEVERITIES


class Contact(BaseModel):
    """Someone on call, in the order they are escalated to; told in their own language."""

    model_config = ConfigDict(extra="forbid")
    name: str
    email: str | None = None
    phone: str | None = None  # passed to the department's webhook (an SMS gateway, say)
    lang: str = "el"


class Webhook(BaseModel):
    """A gateway (SMS, chat) that takes the department's notices, signed as Standard
    Webhooks sign them with the secret in the environment variable `secret_env`."""

    model_config = ConfigDict(extra="forbid")
    url: str
    secret_env: str


class NotifyPolicy(BaseModel):
    """Which alarms reach the on-call list, how often they are reminded and when the next
    contact is added. 0 minutes turns reminders (or escalation) off."""

    model_config = ConfigDict(extra="forbid")
    severities: list[str] = ["critical"]
    remind_every_min: float = Field(15, ge=0)
    escalate_after_min: float = Field(30, ge=0)
    webhook: Webhook | None = None

    @model_validator(mode="after")
    def _known_severities(self) -> NotifyPolicy:
        unknown = set(self.severities) - set(SEVERITIES)
        if unknown:
            raise ValueError(f"unknown severities {sorted(unknown)}: use {', '.join(SEVERITIES)}")
        return self


class Department(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt `on_cal:` must not go unnoticed
    id: str
    name: Text
    domains: list[str] = []
    on_call: list[Contact] = []
    notify: NotifyPolicy = NotifyPolicy()


@cache
def load_departments(config_dir: Path) -> tuple[Department, ...]:
    path = Path(config_dir) / "departments.yaml"
    if not path.exists():  # a city without the file simply cannot assign alarms
        return ()
    return tuple(Department.model_validate(d) for d in yaml.safe_load(path.read_text()) or [])


def department_for(domain: str | None, departments: tuple[Department, ...]) -> str | None:
    """The department that usually takes a domain's alarms."""
    return next((d.id for d in departments if domain in d.domains), None)
