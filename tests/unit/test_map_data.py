"""Map payloads: positions decode back in map order; statuses diff to small deltas."""

from __future__ import annotations

import gzip

import geobuf
import orjson
import pandas as pd

from data_access.map_data import MapFacets, diff_codes, map_ids, positions_geobuf, status_codes

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
