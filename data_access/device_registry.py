"""A city's own devices: imported from its inventory file (CSV or YAML), given a DevEUI and a
vendor profile, retired. Where a real installation's devices come from (the demo's are
invented by data_access/seed.py). Checks are made against the city's config before anything
is written, and a file with any bad row writes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from data_access.city_config import CityConfig
from data_access.device_eui import normalise_eui
from data_access.models import Device, DeviceState

KNOWN_COLUMNS = {"id", "kind", "unit", "lat", "lon", "name_el", "name_en", "profile",
                 "dev_eui"}


class RegistryError(ValueError):
    """What is wrong, said so that the person fixing the file knows where."""


class DeviceRecord(BaseModel):
    """One device of the city's inventory file."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    kind: str
    unit: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    name_el: str = ""
    name_en: str = ""
    profile: str | None = None
    dev_eui: str | None = None
    attrs: dict[str, float] = {}

    @field_validator("profile", "dev_eui", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value


def parse_inventory(text: str, suffix: str) -> list[DeviceRecord]:
    """The records of a CSV (a header row; numeric columns beyond the known ones become
    attributes, such as depth_m) or YAML (a list of mappings) inventory file."""
    if suffix.lower() in (".yaml", ".yml"):
        rows = yaml.safe_load(text) or []
        if not isinstance(rows, list):
            raise RegistryError("a YAML inventory is a list of devices")
    else:
        rows = [_csv_row(r) for r in csv.DictReader(io.StringIO(text))]
    records, problems = [], []
    for number, row in enumerate(rows, start=1):
        try:
            records.append(DeviceRecord.model_validate(row))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "row"
            problems.append(f"device {number}: {where}: {first['msg']}")
    if problems:
        raise RegistryError("; ".join(problems[:10]))
    return records


def _csv_row(row: dict[str, str]) -> dict:
    known = {k: v for k, v in row.items() if k in KNOWN_COLUMNS}
    extra = {k: v for k, v in row.items() if k not in KNOWN_COLUMNS and v not in ("", None)}
    try:
        known["attrs"] = {k: float(v) for k, v in extra.items()}
    except ValueError as exc:
        raise RegistryError(f"device {row.get('id')!r}: an attribute is not a number: "
                            f"{exc}") from exc
    return known


def check(records: list[DeviceRecord], config: CityConfig) -> None:
    """Every record names a kind, a unit and a profile the city's config knows, and no
    DevEUI or id twice."""
    problems = []
    seen_ids: set[str] = set()
    seen_euis: set[str] = set()
    for r in records:
        if r.kind not in config.kinds:
            problems.append(f"{r.id}: unknown kind {r.kind!r}")
        if r.unit not in config.unit_by_id:
            problems.append(f"{r.id}: unknown municipal unit {r.unit!r}")
        if (why := profile_problem(config, r.kind, r.profile)) is not None:
            problems.append(f"{r.id}: {why}")
        if r.dev_eui is not None:
            eui = normalise_eui(r.dev_eui)
            if eui is None:
                problems.append(f"{r.id}: DevEUI {r.dev_eui!r} is not 16 hex digits")
            elif eui in seen_euis:
                problems.append(f"{r.id}: DevEUI {eui} given twice")
            seen_euis.add(eui or "")
        if r.id in seen_ids:
            problems.append(f"{r.id}: given twice")
        seen_ids.add(r.id)
    if problems:
        raise RegistryError("; ".join(problems[:10]))


def profile_problem(config: CityConfig, kind: str, profile: str | None) -> str | None:
    """Why a device of `kind` cannot be of the vendor model `profile` (None: it can)."""
    if profile is None:
        return None
    if profile not in config.profiles:
        return (f"unknown profile {profile!r} (config/profiles/: "
                f"{', '.join(sorted(config.profiles))})")
    if kind not in config.profiles[profile].kinds:
        return f"profile {profile} is not for a {kind}"
    return None


def import_inventory(engine: Engine, config: CityConfig, path: Path) -> int:
    """Add or update the file's devices (by id); returns how many."""
    records = parse_inventory(path.read_text(encoding="utf-8-sig"), path.suffix)
    check(records, config)
    _upsert(engine, [_row(r, config) for r in records])
    return len(records)


def save_device(engine: Engine, config: CityConfig, fields: dict) -> DeviceRecord:
    """Add a device, or change the one with this id (the admin page's form)."""
    try:
        record = DeviceRecord.model_validate(
            {k: v for k, v in fields.items() if v not in (None, "")})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "device"
        raise RegistryError(f"{where}: {first['msg']}") from exc
    check([record], config)
    _upsert(engine, [_row(record, config)])
    return record


def _upsert(engine: Engine, rows: list[dict]) -> None:
    if not rows:
        return
    try:
        with engine.begin() as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(Device.__table__)
            stmt = stmt.on_conflict_do_update(
                index_elements=["id"], set_={c: stmt.excluded[c] for c in rows[0] if c != "id"})
            conn.execute(stmt, rows)
    except IntegrityError as exc:
        raise RegistryError("a DevEUI given is already another device's") from exc


def _row(r: DeviceRecord, config: CityConfig) -> dict:
    kind = config.kinds[r.kind]
    return {"id": r.id, "name_el": r.name_el or r.name_en or r.id,
            "name_en": r.name_en or r.name_el or r.id, "kind": r.kind, "domain": kind.domain,
            "unit": r.unit, "lat": r.lat, "lon": r.lon, "connectivity": kind.connectivity,
            "attrs": r.attrs, "profile": r.profile, "dev_eui": normalise_eui(r.dev_eui)}


def set_dev_eui(engine: Engine, device_id: str, raw: str | None) -> str | None:
    """Give a device its DevEUI (or none); returns it as stored."""
    eui = normalise_eui(raw) if raw else None
    if raw and eui is None:
        raise RegistryError(f"DevEUI {raw!r} is not 16 hex digits")
    try:
        with engine.begin() as conn:
            done = conn.execute(update(Device).where(Device.id == device_id)
                                .values(dev_eui=eui)).rowcount
    except IntegrityError as exc:
        raise RegistryError(f"DevEUI {eui} is already another device's") from exc
    if not done:
        raise RegistryError(f"no device {device_id!r}")
    return eui


def set_profile(engine: Engine, config: CityConfig, device_id: str,
                profile: str | None) -> None:
    """Say which vendor model a device is (none: its kind's)."""
    with engine.begin() as conn:
        kind = conn.execute(select(Device.kind).where(Device.id == device_id)).scalar()
        if kind is None:
            raise RegistryError(f"no device {device_id!r}")
        if (why := profile_problem(config, kind, profile)) is not None:
            raise RegistryError(why)
        conn.execute(update(Device).where(Device.id == device_id).values(profile=profile))


def retire(engine: Engine, device_id: str) -> None:
    """The device leaves the city's map and ingest; its readings stay as history."""
    with engine.begin() as conn:
        conn.execute(delete(DeviceState).where(DeviceState.device_id == device_id))
        if not conn.execute(delete(Device).where(Device.id == device_id)).rowcount:
            raise RegistryError(f"no device {device_id!r}")


def device_rows(engine: Engine) -> list[dict]:
    """Every device as the admin's table shows it, by id."""
    with engine.connect() as conn:
        rows = conn.execute(select(Device.id, Device.name_el, Device.name_en, Device.kind,
                                   Device.unit, Device.lat, Device.lon, Device.profile,
                                   Device.dev_eui).order_by(Device.id)).all()
    return [dict(r._mapping) for r in rows]
