"""The map's two payloads: device positions (sent once, geobuf, cached) and statuses (one
character per device, in the same order, so a change travels as [index, code] pairs).

Pure functions over the device frame; the Store caches them and callbacks/map_data.py
serves them.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

import geobuf
import numpy as np
import orjson
import pandas as pd

from data_access.city_config import CityConfig

# One character per status, so a domain's statuses are a short string that diffs cheaply.
STATUS_CODE = {"ok": "o", "warning": "w", "alarm": "a", "offline": "x", "unknown": "u"}


def domain_rows(devices: pd.DataFrame, domain: str) -> pd.DataFrame:
    """The domain's devices in map order (by id): positions and statuses share it."""
    rows = devices[devices["domain"] == domain]
    if not rows["id"].is_monotonic_increasing:  # the Store hands them over sorted already
        rows = rows.sort_values("id", kind="stable")
    return rows


@dataclass(frozen=True)
class MapFacets:
    """What the map can filter on besides status, as small integers in each feature: the
    municipal unit (`u`) and the connectivity (`c`), indexes into these lists."""

    units: tuple[str, ...]
    connectivities: tuple[str, ...]

    @classmethod
    def of(cls, config: CityConfig) -> MapFacets:
        return cls(tuple(u.id for u in config.city.units),
                   tuple(sorted({k.connectivity for k in config.kinds.values()})))

    def codes(self, values: pd.Series, order: tuple[str, ...]) -> list[int]:
        """Index of each value in `order`; -1 for a value the config does not know."""
        index = {v: i for i, v in enumerate(order)}
        return [index.get(v, -1) for v in values]


def positions_url(domain: str, devices_version: str) -> str:
    """Where a domain's positions are: the version in the URL makes it cacheable forever."""
    return f"/api/v1/map/{domain}.pbf?v={devices_version}"


FIRST_VIEW_URL = "/api/v1/map/first-view.json"  # assets/map.js asks for it by this name
CLUSTER_RADIUS_PX = 56  # how near, on screen, devices gather into one cluster


def ids_url(devices_version: str) -> str:
    """Where every domain's device ids are, in map order (see map_ids)."""
    return f"/api/v1/map/ids.json?v={devices_version}"


def positions_geobuf(devices: pd.DataFrame, domain: str, facets: MapFacets) -> bytes:
    """Gzipped geobuf of the domain's devices: property `i` is the index in map order,
    `u` and `c` the unit and connectivity codes the filters compare. Numbers only: the
    browser decodes every feature before the first cluster is drawn, and a string per
    feature (the device id) made that decoding take about 40 % longer; ids travel apart."""
    rows = domain_rows(devices, domain)
    units = facets.codes(rows["unit"], facets.units)
    conns = facets.codes(rows["connectivity"], facets.connectivities)
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"i": i, "u": u, "c": c}}
        for i, (lat, lon, u, c) in enumerate(zip(rows["lat"], rows["lon"], units, conns,
                                                 strict=True))
    ]
    pbf = geobuf.encode({"type": "FeatureCollection", "features": features}, 6)
    return gzip.compress(pbf, compresslevel=6)


def map_ids(devices: pd.DataFrame, domains: list[str]) -> bytes:
    """Gzipped JSON {domain: [device id, ...]} with the ids in map order, so feature `i` of a
    domain's positions is device ids[domain][i]: what marker titles, popups and alarm
    highlights need, parsed by the browser's native JSON parser in one go."""
    body = {d: domain_rows(devices, d)["id"].tolist() for d in domains}
    return gzip.compress(orjson.dumps(body), compresslevel=6)


# Worst first, as the map ranks a cluster: alarm, warning, offline, not yet reported, normal.
WORST_FIRST = "awxuo"
FIRST_VIEW_CELLS = 64  # per side of the box around every device: cells well under a cluster


@dataclass(frozen=True)
class GridCells:
    """A domain's devices gathered into a fine grid over the city: each occupied cell's mean
    position and device count, and the cell of each device (in map order)."""

    lat: np.ndarray
    lon: np.ndarray
    devices: np.ndarray
    cell_of: np.ndarray


def first_view_grid(devices: pd.DataFrame, domains: list[str]) -> dict[str, GridCells]:
    """Per domain, its GridCells: the part of the first view that changes only with the
    device set (first_view adds the statuses)."""
    if devices.empty:
        return {}
    south, north = devices["lat"].min(), devices["lat"].max()
    west, east = devices["lon"].min(), devices["lon"].max()
    grid = {}
    for domain in domains:
        rows = domain_rows(devices, domain)
        if rows.empty:
            continue
        lat, lon = rows["lat"].to_numpy(float), rows["lon"].to_numpy(float)
        key = _cell(lat, south, north) * FIRST_VIEW_CELLS + _cell(lon, west, east)
        cells, cell_of = np.unique(key, return_inverse=True)
        n = np.bincount(cell_of, minlength=len(cells))
        grid[domain] = GridCells(np.bincount(cell_of, weights=lat) / n,
                                 np.bincount(cell_of, weights=lon) / n, n, cell_of)
    return grid


def first_view(grid: dict[str, GridCells], codes: dict[str, str]) -> dict[str, list[list]]:
    """Per domain, [lat, lon, devices, worst status code] per occupied cell of the grid.

    What the map draws the moment it exists, merged into clusters for its zoom, while the
    browser still decodes and indexes the positions (at 100,000 devices that takes longer
    than Dash's start): every device counted, with the worst status near it, in a few
    hundred numbers per domain. `codes` are the status codes in map order (status_codes)."""
    rank = np.full(128, len(WORST_FIRST) - 1, dtype=np.int8)
    rank[[ord(c) for c in WORST_FIRST]] = np.arange(len(WORST_FIRST))
    out = {}
    for domain, cells in grid.items():
        domain_codes = codes.get(domain, "")
        if len(domain_codes) != len(cells.cell_of):
            continue  # statuses of another device set: the map's own layers will do
        worst = np.full(len(cells.devices), len(WORST_FIRST) - 1, dtype=np.int8)
        np.minimum.at(worst, cells.cell_of,
                      rank[np.frombuffer(domain_codes.encode(), np.uint8)])
        out[domain] = [[round(float(a), 5), round(float(o), 5), int(k), WORST_FIRST[w]]
                       for a, o, k, w in zip(cells.lat, cells.lon, cells.devices, worst,
                                             strict=True)]
    return out


def _cell(values: np.ndarray, low: float, high: float) -> np.ndarray:
    span = (high - low) or 1.0
    return np.clip(((values - low) / span * FIRST_VIEW_CELLS).astype(int), 0,
                   FIRST_VIEW_CELLS - 1)


def map_order(devices: pd.DataFrame, domains: list[str]) -> dict[str, np.ndarray]:
    """Per domain, the row positions of its devices in map order (domain_rows). Made once
    per device set: a status snapshot then takes each domain's statuses by position
    instead of comparing every device's domain name again (at 100,000 devices, eight such
    comparisons took longer than deciding every status)."""
    positions = pd.Series(np.arange(len(devices)), index=devices.index)
    return {d: positions[domain_rows(devices, d).index].to_numpy() for d in domains}


def codes_by_domain(status: np.ndarray, order: dict[str, np.ndarray]) -> dict[str, str]:
    """Each domain's status codes in map order, from one status per device row."""
    status = np.asarray(status)
    chars = np.full(len(status), ord("u"), dtype=np.uint8)
    for name, code in STATUS_CODE.items():
        chars[status == name] = ord(code)
    return {d: chars[rows].tobytes().decode("ascii") for d, rows in order.items()}


def status_codes(frame: pd.DataFrame, domain: str) -> str:
    """One domain's status codes in map order (codes_by_domain for a single domain)."""
    return codes_by_domain(frame["status"].to_numpy(), map_order(frame, [domain]))[domain]


def diff_codes(old: str, new: str) -> list[list] | None:
    """[[index, code], ...] turning `old` into `new`; None if they cannot be compared."""
    if len(old) != len(new):
        return None
    return [[i, c] for i, (a, c) in enumerate(zip(old, new, strict=True)) if a != c]
