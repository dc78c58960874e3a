"""Turn the inventory config into concrete devices placed on the city's land, deterministically."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from data_access.city_config import CityConfig, Text, Unit


@dataclass(frozen=True)
class DeviceSpec:
    id: str
    name: Text
    kind: str
    domain: str
    unit: str
    lat: float
    lon: float
    connectivity: str
    attrs: dict[str, float] = field(default_factory=dict)
    profile: str | None = None  # the vendor model, when not the kind's


@dataclass(frozen=True)
class _Slot:
    """One device-to-be before placement: which kind, which unit, its name and attributes."""

    kind: str
    unit: str
    name: Text | None
    attrs: dict[str, float]
    profile: str | None = None


def point_in_polygon(lat: float, lon: float, polygon: list[tuple[float, float]]) -> bool:
    """Ray casting; good enough for small municipal outlines in degrees."""
    inside = False
    j = len(polygon) - 1
    for i, (yi, xi) in enumerate(polygon):
        yj, xj = polygon[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def random_point(unit: Unit, rng: random.Random) -> tuple[float, float]:
    lats = [p[0] for p in unit.polygon]
    lons = [p[1] for p in unit.polygon]
    while True:
        lat = rng.uniform(min(lats), max(lats))
        lon = rng.uniform(min(lons), max(lons))
        if point_in_polygon(lat, lon, unit.polygon):
            return round(lat, 6), round(lon, 6)


def _base_slots(config: CityConfig) -> list[_Slot]:
    slots: list[_Slot] = []
    for line in config.inventory:
        for site in line.sites:
            slots.append(_Slot(line.kind, site.unit, site.name, dict(site.attrs),
                               site.profile))
        index = 0
        for unit, count in line.per_unit.items():
            for _ in range(count):
                attrs = {k: v[index % len(v)] for k, v in line.attrs.items()}
                slots.append(_Slot(line.kind, unit, None, attrs))
                index += 1
    return slots


def _scaled(slots: list[_Slot], total: int) -> list[_Slot]:
    """Repeat the real inventory's mix until `total` devices; the first ones are the real ones."""
    if total <= len(slots):
        # Keep the mix when shrinking: take every k-th slot rather than a prefix.
        step = len(slots) / max(total, 1)
        return [slots[math.floor(i * step)] for i in range(total)]
    return [slots[i % len(slots)] for i in range(total)]


def build_inventory(
    config: CityConfig, total: int | None = None, seed: int = 2026
) -> list[DeviceSpec]:
    """The devices of the demo city: the plan's inventory, or `total` devices with its mix."""
    rng = random.Random(seed)
    slots = _base_slots(config)
    repeated = total is not None and total > len(slots)
    if total is not None:
        slots = _scaled(slots, total)
    counters: dict[tuple[str, str], int] = {}
    devices = []
    for slot in slots:
        kind = config.kinds[slot.kind]
        seq = counters[(slot.kind, slot.unit)] = counters.get((slot.kind, slot.unit), 0) + 1
        lat, lon = random_point(config.unit_by_id[slot.unit], rng)
        unit_name = config.unit_by_id[slot.unit].name
        name = slot.name or {
            lang: f"{label} {unit_name.get(lang, '')} {seq}" for lang, label in kind.name.items()
        }
        if slot.name and repeated and seq > 1:
            name = {lang: f"{label} #{seq}" for lang, label in slot.name.items()}
        devices.append(
            DeviceSpec(
                id=f"{slot.kind}-{slot.unit}-{seq:05d}",
                name=name,
                kind=slot.kind,
                domain=kind.domain,
                unit=slot.unit,
                lat=lat,
                lon=lon,
                connectivity=kind.connectivity,
                attrs=slot.attrs,
                profile=slot.profile,
            )
        )
    return devices
