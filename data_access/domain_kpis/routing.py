"""A collection route through a few dozen stops: nearest neighbour, then 2-opt.

Both are textbook heuristics for the travelling-salesman problem. Nearest neighbour gives a
reasonable tour at once; 2-opt then reverses any stretch of it whose reversal shortens the
tour, until none does. For the handful of bins a truck empties per round this is within a
few per cent of optimal and runs in milliseconds; a depot fixes both ends of the tour.
Distances are great-circle (haversine) kilometres: streets are longer, but the order of the
stops is what the route is for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
Point = tuple[float, float]  # (lat, lon) in degrees
TWO_OPT_MAX_STOPS = 150


def haversine_km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_matrix(points: Sequence[Point]) -> list[list[float]]:
    """haversine_km between every pair, on whole arrays (plain lists out: the heuristics
    index single entries, which lists do fastest)."""
    lat, lon = (np.radians(np.array([p[i] for p in points], dtype=float)) for i in (0, 1))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return (2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))).tolist()


def tour_length(tour: Sequence[int], dist: list[list[float]]) -> float:
    return sum(dist[a][b] for a, b in zip(tour, tour[1:], strict=False))


def nearest_neighbour(dist: list[list[float]], start: int = 0) -> list[int]:
    """A closed tour from `start`: always on to the nearest stop not yet visited."""
    left = set(range(len(dist))) - {start}
    tour = [start]
    while left:
        here = tour[-1]
        nxt = min(left, key=lambda j: (dist[here][j], j))
        tour.append(nxt)
        left.remove(nxt)
    return [*tour, start]


def two_opt(tour: list[int], dist: list[list[float]]) -> list[int]:
    """Reverse stretches of a closed tour while that shortens it; both ends stay put.

    Swapping edges (a,b),(c,d) for (a,c),(b,d) reverses b..c; it never lengthens the tour,
    so the result is at most as long as the input."""
    best = list(tour)
    improved = True
    while improved:
        improved = False
        for i in range(1, len(best) - 2):
            for j in range(i + 1, len(best) - 1):
                a, b, c, d = best[i - 1], best[i], best[j], best[j + 1]
                if dist[a][c] + dist[b][d] < dist[a][b] + dist[c][d] - 1e-12:
                    best[i:j + 1] = reversed(best[i:j + 1])
                    improved = True
    return best


def plan_route(depot: Point, stops: Sequence[Point]) -> list[int]:
    """The order to visit `stops` (indices into it), starting and ending at the depot.

    Above TWO_OPT_MAX_STOPS the nearest-neighbour order is kept: no truck round holds that
    many bins (the list is then for splitting into rounds), and 2-opt's cost grows with the
    square of the stops on every pass."""
    if not stops:
        return []
    dist = distance_matrix([depot, *stops])
    tour = nearest_neighbour(dist, 0)
    if len(stops) <= TWO_OPT_MAX_STOPS:
        tour = two_opt(tour, dist)
    return [i - 1 for i in tour[1:-1]]
