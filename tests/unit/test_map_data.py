"""Map payloads: positions decode back in map order; statuses diff to small deltas."""

from __future__ import annotations

import gzip

import geobuf
import orjson
import pandas as pd

from data_access.map_data import (
    MapFacets,
    diff_codes,
    first_view,
    first_view_grid,
    map_ids,
    positions_geobuf,
    status_codes,
)

FACETS = MapFacets(units=("chalkida", "nea_artaki"), connectivities=("cellular", "lorawan"))


def devices():
    return pd.DataFrame({
        "id": ["b-2", "a-1", "c-3", "x-9"],
        "domain": ["waste", "waste", "waste", "air"],
        "lat": [38.46, 38.47, 38.48, 38.49],
        "lon": [23.60, 23.61, 23.62, 23.63],
        "status": ["alarm", "ok", "offline", "warning"],
        "unit": ["nea_artaki", "chalkida", "elsewhere", "chalkida"],
        "connectivity": ["lorawan", "cellular", "lorawan", "cellular"],
    })


def test_positions_are_one_domain_in_id_order_with_their_index():
    fc = geobuf.decode(gzip.decompress(positions_geobuf(devices(), "waste", FACETS)))
    assert [f["properties"]["i"] for f in fc["features"]] == [0, 1, 2]
    assert [f["geometry"]["coordinates"] for f in fc["features"]] == [
        [23.61, 38.47], [23.60, 38.46], [23.62, 38.48]]  # a-1, b-2, c-3


def test_positions_carry_no_strings_and_ids_travel_apart_in_the_same_order():
    fc = geobuf.decode(gzip.decompress(positions_geobuf(devices(), "waste", FACETS)))
    assert all(isinstance(v, int) for f in fc["features"] for v in f["properties"].values())
    ids = orjson.loads(gzip.decompress(map_ids(devices(), ["waste", "air"])))
    assert ids == {"waste": ["a-1", "b-2", "c-3"], "air": ["x-9"]}


def test_each_position_carries_its_unit_and_connectivity_for_the_filters():
    fc = geobuf.decode(gzip.decompress(positions_geobuf(devices(), "waste", FACETS)))
    assert [(f["properties"]["u"], f["properties"]["c"]) for f in fc["features"]] == [
        (0, 0), (1, 1), (-1, 1)]  # an unknown unit is -1: no unit filter will show it


def test_status_codes_follow_the_same_order():
    assert status_codes(devices(), "waste") == "oax"
    assert status_codes(devices(), "air") == "w"


def test_a_change_travels_as_index_and_code():
    assert diff_codes("ooxo", "oaxo") == [[1, "a"]]
    assert diff_codes("oo", "oo") == []
    assert diff_codes("oo", "ooo") is None  # the device set changed: send everything


def test_the_first_view_counts_every_device_with_the_worst_status_near_it():
    frame = pd.DataFrame({
        "id": ["p-1", "p-2", "p-3", "p-4", "q-1"],
        "domain": ["parking", "parking", "parking", "parking", "air"],
        "lat": [38.400, 38.4001, 38.4002, 38.500, 38.450],
        "lon": [23.500, 23.5001, 23.5002, 23.600, 23.550],
    })
    grid = first_view_grid(frame, ["parking", "air"])
    # Statuses in map order (by id): p-1 offline, p-2 alarm, p-3 normal, p-4 normal.
    view = first_view(grid, {"parking": "xaoo", "air": "w"})
    near, far = sorted(view["parking"], key=lambda c: c[0])
    assert near[2:] == [3, "a"]  # three sensors a few metres apart, one in alarm
    assert near[0] == round((38.400 + 38.4001 + 38.4002) / 3, 5)
    assert far == [38.5, 23.6, 1, "o"]
    assert view["air"] == [[38.45, 23.55, 1, "w"]]
    # Statuses of another device set (a re-seed under way) give no first view, not a wrong one.
    assert "parking" not in first_view(grid, {"parking": "xao", "air": "w"})
