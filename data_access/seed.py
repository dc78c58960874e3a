"""Put the demo city's devices into SQL; re-seeding with another size replaces the set."""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access.city_config import CityConfig
from data_access.inventory import DeviceSpec, build_inventory
from data_access.models import Device, DeviceState


def device_row(d: DeviceSpec) -> dict:
    return {"id": d.id, "name_el": d.name.get("el", d.name.get("en", d.id)),
            "name_en": d.name.get("en", d.id), "kind": d.kind, "domain": d.domain,
            "unit": d.unit, "lat": d.lat, "lon": d.lon, "connectivity": d.connectivity,
            "attrs": d.attrs, "profile": d.profile}


def seed_devices(engine: Engine, config: CityConfig, total: int | None, seed: int) -> int:
    """Upsert the inventory; devices no longer in it are removed. Returns the device count."""
    rows = [device_row(d) for d in build_inventory(config, total, seed)]
    wanted = {r["id"] for r in rows}
    with engine.begin() as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        existing = set(conn.execute(select(Device.id)).scalars())
        stale = list(existing - wanted)
        for i in range(0, len(stale), 5000):
            chunk = stale[i:i + 5000]
            conn.execute(delete(DeviceState).where(DeviceState.device_id.in_(chunk)))
            conn.execute(delete(Device).where(Device.id.in_(chunk)))
        stmt = dialect.insert(Device.__table__)
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={c: stmt.excluded[c] for c in rows[0] if c != "id"},
        )
        for i in range(0, len(rows), 5000):
            conn.execute(stmt, rows[i:i + 5000])
    return len(rows)


def device_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Device)).scalar_one()
