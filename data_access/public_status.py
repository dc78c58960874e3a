"""The citizens' three answers, parking, air and flood, as plain JSON-able documents built
from the domain pages' KPI summaries: the public page draws them and the API returns them,
so the two can never disagree, and a figure means what it means for the operators.

Each builder is pure and lists what it copies, field by field (the allow-list of that
output): nothing of a summary reaches a citizen unless named here. Times are ISO 8601 in the
city's time with its offset; names are {"el": ..., "en": ...}; a figure nobody measured is
None, never 0.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

from data_access.city_config import CityConfig
from data_access.domain_kpis.base import DomainSummary
from data_access.open_data import iso_local

PARKING_FIELDS = ("as_of", "free", "reporting", "spaces", "zones")
ZONE_FIELDS = ("zone", "name", "free", "reporting", "spaces")
AIR_FIELDS = ("as_of", "index", "pollutants")
AIR_INDEX_FIELDS = ("band", "name", "colour", "pollutant", "pollutant_name", "concentration",
                    "unit")
POLLUTANT_FIELDS = ("pollutant", "name", "concentration", "unit", "averaging_h", "band",
                    "band_name", "colour")
FLOOD_FIELDS = ("as_of", "stations", "stations_reporting", "city", "units")
LEVEL_FIELDS = ("level", "key", "name", "colour", "drivers")
FLOOD_UNIT_FIELDS = ("unit", "unit_name", *LEVEL_FIELDS)
CONCENTRATION_UNIT = "µg/m³"


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _names(row, prefix: str) -> dict[str, str] | None:
    el, en = getattr(row, f"{prefix}_el"), getattr(row, f"{prefix}_en")
    return None if el is None or pd.isna(el) else {"el": str(el), "en": str(en)}


def parking_doc(summary: DomainSummary, tz: ZoneInfo) -> dict:
    """Free spaces now, per zone and in total, counting only sensors reporting now; a zone
    where none reports has `free` None."""
    zones = []
    for z in summary.tables["zones"].itertuples(index=False):
        reporting = int(z.occupied) + int(z.free)
        zones.append(dict(zip(ZONE_FIELDS, (
            str(z.zone), {"el": str(z.name_el), "en": str(z.name_en)},
            int(z.free) if reporting else None, reporting, int(z.spaces)), strict=True)))
    reporting = sum(z["reporting"] for z in zones)
    free = sum(z["free"] or 0 for z in zones)
    return dict(zip(PARKING_FIELDS, (
        iso_local(summary.kpi("free_spaces").at, tz), free if reporting else None, reporting,
        sum(z["spaces"] for z in zones), zones), strict=True))


def air_doc(summary: DomainSummary, tz: ZoneInfo) -> dict:
    """The European Air Quality Index: its band (name and EEA colour) and the pollutant
    that sets it (the worst; the first listed of equals), and each pollutant's own band."""
    pollutants = []
    for p in summary.tables["pollutants"].itertuples(index=False):
        pollutants.append(dict(zip(POLLUTANT_FIELDS, (
            str(p.pollutant), str(p.name), _float(p.concentration), CONCENTRATION_UNIT,
            int(str(p.averaging).split()[0]), _int(p.band_index), _names(p, "band_name"),
            None if pd.isna(p.colour) else str(p.colour)), strict=True)))
    known = [p for p in pollutants if p["band"] is not None]
    index = None
    if known:
        worst = max(known, key=lambda p: p["band"])  # max keeps the first of equals
        index = dict(zip(AIR_INDEX_FIELDS, (
            worst["band"], worst["band_name"], worst["colour"], worst["pollutant"],
            worst["name"], worst["concentration"], CONCENTRATION_UNIT), strict=True))
    at = summary.kpi("eaqi").at if index else None
    return dict(zip(AIR_FIELDS, (iso_local(at, tz), index, pollutants), strict=True))


def _level(row, known: bool) -> dict:
    if not known:
        return dict.fromkeys(LEVEL_FIELDS)
    drivers = {"el": str(row.drivers_el), "en": str(row.drivers_en)} if row.level else None
    return dict(zip(LEVEL_FIELDS, (int(row.level), str(row.key), _names(row, "name"),
                                   str(row.colour), drivers), strict=True))


def flood_doc(summary: DomainSummary, config: CityConfig, tz: ZoneInfo) -> dict:
    """The warning level (0 green .. 3 red) for the city and each municipal unit, and what
    drove it (None at green). With no station data at all every level is None: "no data"
    must not read as "green"."""
    kpi = summary.kpi("warning_level")
    known = kpi.value is not None
    city = _level(summary.tables["warning"].iloc[0], known)
    units = []
    for u in summary.tables["units"].itertuples(index=False):
        unit = config.unit_by_id.get(u.unit)
        name = dict(unit.name) if unit else {"el": str(u.unit), "en": str(u.unit)}
        units.append({"unit": str(u.unit), "unit_name": name, **_level(u, known)})
    stations = pd.concat([summary.tables["stations"]["reporting"],
                          summary.tables["meteo"]["reporting"]])
    live = int(stations.fillna(False).astype(bool).sum())
    return dict(zip(FLOOD_FIELDS, (
        iso_local(kpi.at, tz) if known else None, len(stations), live, city,
        [{f: u[f] for f in FLOOD_UNIT_FIELDS} for u in units]), strict=True))
