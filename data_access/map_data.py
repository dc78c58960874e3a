"""The map's two payloads: device positions (sent once, geobuf, cached) and statuses (one
character per device, in the same order, so a change travels as [index, code] pairs).

Pure functions over the device frame; the Store caches them and callbacks/map_data.py
serves them.
"""

from __future__ import annotations

import gzip

import geobuf
import pandas as pd

# One character per status, so a domain's statuses are a short string that diffs cheaply.
STATUS_CODE = {"ok": "o", "warning": "w", "alarm": "a", "offline": "x", "unknown": "u"}


def domain_rows(devices: pd.DataFrame, domain: str) -> pd.DataFrame:
    """The domain's devices in map order (by id): positions and statuses share it."""
    rows = devices[devices["domain"] == domain]
    if not rows["id"].is_monotonic_increasing:  # the Store hands them over sorted already
        rows = rows.sort_values("id", kind="stable")
    return rows


def positions_geobuf(devices: pd.DataFrame, domain: str) -> bytes:
    """Gzipped geobuf of the domain's devices: property `i` is the index in map order."""
    rows = domain_rows(devices, domain)
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"i": i, "id": dev_id}}
        for i, (dev_id, lat, lon) in enumerate(zip(rows["id"], rows["lat"], rows["lon"],
                                                   strict=True))
    ]
    pbf = geobuf.encode({"type": "FeatureCollection", "features": features}, 6)
    return gzip.compress(pbf, compresslevel=6)


def status_codes(frame: pd.DataFrame, domain: str) -> str:
    rows = domain_rows(frame, domain)
    return "".join(rows["status"].map(STATUS_CODE).fillna("u"))


def diff_codes(old: str, new: str) -> list[list] | None:
    """[[index, code], ...] turning `old` into `new`; None if they cannot be compared."""
    if len(old) != len(new):
        return None
    return [[i, c] for i, (a, c) in enumerate(zip(old, new, strict=True)) if a != c]
