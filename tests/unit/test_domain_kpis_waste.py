"""Waste KPIs and the collection route against hand-computed figures."""

from __future__ import annotations

import math
import random
from datetime import timedelta

import pandas as pd
import pytest

from data_access.domain_kpis import waste
from data_access.domain_kpis.routing import (
    EARTH_RADIUS_KM,
    haversine_km,
    nearest_neighbour,
    tour_length,
    two_opt,
)
from data_access.domain_kpis.settings import KpiSettings
from tests.unit.domain_kpis_frames import NOW, device, devices, history, no_history, series

CFG = KpiSettings.model_validate(
    {"waste": {"depot": {"lat": 38.47, "lon": 23.60, "name": {"el": "Αμαξοστάσιο",
                                                                "en": "Depot"}}}})
KM_PER_CENTIDEGREE = EARTH_RADIUS_KM * math.radians(0.01)  # 1.11195 km along a meridian


def ago(minutes: int):
    return NOW - timedelta(minutes=minutes)


def fill_history():
    return history(
        # b1: +1 point per 15 min = 4 %/h over the last 2 h; an old 0 % (10 h ago) is outside
        # the 6 h window and must not flatten the slope.
        series("b1", "fill_level", ago(600), 900, [0.0]),
        series("b1", "fill_level", ago(120), 900, [52, 53, 54, 55, 56, 57, 58, 59, 60]),
        # b2: emptied after 94 %; since then +3 per 15 min = 12 %/h
        series("b2", "fill_level", ago(105), 900, [90, 92, 94, 5, 8, 11, 14]),
        # b3: settling (compaction), not filling
        series("b3", "fill_level", ago(30), 900, [55, 54, 53]),
        # b4: only two points since its emptying: no rate yet
        series("b4", "fill_level", ago(45), 900, [88, 92, 2, 3]),
    )


def fill_bins():
    return devices(device("b1", "bin_sensor", {"fill_level": 60}),
                   device("b2", "bin_sensor", {"fill_level": 14}),
                   device("b3", "bin_sensor", {"fill_level": 53}),
                   device("b4", "bin_sensor", {"fill_level": 3}))


def test_time_to_full_from_the_slope_and_after_an_emptying():
    s = waste.summary(fill_bins(), fill_history(), NOW, CFG)
    bins = s.tables["bins"].set_index("id")
    assert bins.loc["b1", "fill_rate_pct_h"] == pytest.approx(4.0)
    assert bins.loc["b1", "hours_to_full"] == 10.0  # (100 - 60) / 4
    assert bins.loc["b2", "fill_rate_pct_h"] == pytest.approx(12.0)
    assert bins.loc["b2", "hours_to_full"] == 7.2  # (100 - 14) / 12 = 7.17
    assert pd.isna(bins.loc["b3", "hours_to_full"])  # not filling
    assert bins.loc["b3", "fill_rate_pct_h"] == pytest.approx(-4.0)  # -1 per 15 min
    assert pd.isna(bins.loc["b4", "fill_rate_pct_h"]) and pd.isna(bins.loc["b4", "hours_to_full"])
    soonest = s.kpi("soonest_full_h")
    assert soonest.value == 7.2 and soonest.note["en"] == "b2 en"
    assert soonest.band == "ok"  # not within the 6 h of one shift
    tight = CFG.model_copy(update={"waste": CFG.waste.model_copy(update={"soon_full_h": 8})})
    assert waste.summary(fill_bins(), fill_history(), NOW, tight).kpi("soonest_full_h").band == (
        "warning")


def route_bins():
    return devices(
        device("n1", "bin_sensor", {"fill_level": 85}, lat=38.48, lon=23.60),
        device("n2", "bin_sensor", {"fill_level": 95}, lat=38.49, lon=23.60, reporting=False),
        device("n3", "bin_sensor", {"fill_level": 79.9}, lat=38.475, lon=23.60),
        device("n4", "bin_sensor", {}, lat=38.475, lon=23.61),  # never reported
    )


def test_bins_over_level_and_a_hand_computed_route():
    s = waste.summary(route_bins(), no_history(), NOW, CFG)
    bins = s.tables["bins"].set_index("id")
    assert bins["over_level"].tolist() == [True, True, False, False]
    assert s.kpi("bins_over_level").value == 2.0  # the silent full bin is still full
    assert s.kpi("bins_over_level").band == "warning"
    assert s.kpi("bins_over_level").note["en"] == "collection level 80 %; 1 not reporting"
    route = s.tables["route"]
    assert route["id"].tolist() == ["depot", "n1", "n2", "depot"]
    assert route["order"].tolist() == [0, 1, 2, 3]
    legs = [0.0, KM_PER_CENTIDEGREE, KM_PER_CENTIDEGREE, 2 * KM_PER_CENTIDEGREE]
    assert route["leg_km"].tolist() == pytest.approx(legs, abs=1e-3)
    assert route["cum_km"].iloc[-1] == pytest.approx(4.4478, abs=1e-3)
    assert s.kpi("route_km").value == 4.4


def test_route_visits_every_full_bin_once_and_totals_its_legs():
    rng = random.Random(5)
    rows = [device(f"r{i}", "bin_sensor", {"fill_level": rng.uniform(50, 100)},
                   lat=rng.uniform(38.455, 38.48), lon=rng.uniform(23.59, 23.63))
            for i in range(25)]
    frame = devices(*rows)
    s = waste.summary(frame, no_history(), NOW, CFG)
    over = set(s.tables["bins"].query("over_level")["id"])
    route = s.tables["route"]
    assert len(over) > 5
    assert route["id"].iloc[0] == route["id"].iloc[-1] == "depot"
    visited = route["id"].iloc[1:-1].tolist()
    assert sorted(visited) == sorted(over)  # each exactly once
    assert route["cum_km"].iloc[-1] == pytest.approx(route["leg_km"].sum(), abs=1e-2)
    assert s.kpi("route_km").value == round(route["cum_km"].iloc[-1], 1)
    # The suggested order is 2-opt optimal: no swap of two legs shortens it.
    points = list(zip(route["lat"], route["lon"], strict=True))
    d = [[haversine_km(a, b) for b in points] for a in points]
    n = len(points)
    for i in range(1, n - 2):
        for j in range(i + 1, n - 1):
            assert d[i - 1][j] + d[i][j + 1] >= d[i - 1][i] + d[j][j + 1] - 1e-9


def test_two_opt_never_lengthens_and_undoes_a_crossing():
    rng = random.Random(11)
    strictly_better = 0
    for _ in range(40):
        points = [(rng.uniform(38.45, 38.5), rng.uniform(23.55, 23.65)) for _ in range(12)]
        dist = [[haversine_km(a, b) for b in points] for a in points]
        nn = nearest_neighbour(dist)
        opt = two_opt(nn, dist)
        assert sorted(opt[1:-1]) == list(range(1, 12)) and opt[0] == opt[-1] == 0
        assert tour_length(opt, dist) <= tour_length(nn, dist) + 1e-9
        strictly_better += tour_length(opt, dist) < tour_length(nn, dist) - 1e-9
    assert strictly_better > 0
    # A crossed square 0 -> 2 -> 1 -> 3 -> 0 (unit sides): 2-opt uncrosses it to perimeter 4.
    square = [(0, 0), (0, 1), (1, 1), (1, 0)]
    dist = [[math.dist(a, b) for b in square] for a in square]
    fixed = two_opt([0, 2, 1, 3, 0], dist)
    assert tour_length(fixed, dist) == pytest.approx(4.0)


def test_no_bin_over_level_is_an_empty_route_of_zero_km():
    frame = devices(device("n3", "bin_sensor", {"fill_level": 10}))
    s = waste.summary(frame, no_history(), NOW, CFG)
    assert s.tables["route"].empty and list(s.tables["route"].columns) == waste.ROUTE_COLUMNS
    assert s.kpi("route_km").value == 0.0 and s.kpi("bins_over_level").value == 0.0


def test_empty_history_and_no_devices_give_no_values():
    s = waste.summary(devices(), no_history(), NOW, CFG)
    assert all(k.value is None for k in s.kpis)
    assert list(s.tables["bins"].columns) == waste.BIN_COLUMNS
    s = waste.summary(fill_bins(), no_history(), NOW, CFG)
    assert s.kpi("soonest_full_h").value is None
    assert s.tables["bins"]["hours_to_full"].isna().all()
