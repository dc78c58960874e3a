"""Headline per domain against the same time last week: the week-ago figure from aggregated
readings equals the hand figure for every kind of KPI, and a missing week is None, not 0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from data_access import city_headlines
from data_access.city_config import Kpi, load_config
from data_access.city_headlines import (
    Past,
    change,
    device_means,
    headlines,
    window_figure,
    window_selection,
)
from data_access.kpis import KpiFigure
from data_access.settings import ROOT

T0 = datetime(2026, 11, 15, 9, 30, tzinfo=UTC)
H1 = T0.replace(minute=0)


def rows(*readings: tuple[str, datetime, float, int]) -> pd.DataFrame:
    """per_device()-shaped rows: (device, bucket, mean, n); min/max are not used."""
    return pd.DataFrame([{"device_id": d, "metric": "m", "bucket": b, "mean": mean, "min": mean,
                          "max": mean, "n": n} for d, b, mean, n in readings])


def kpi(agg: str, **kw) -> Kpi:
    return Kpi(label={"el": "x", "en": "x"}, agg=agg, metric="m", **kw)


def test_a_device_mean_weighs_each_bucket_by_its_readings():
    # The centred hour spans two clock-hour buckets: 2 readings of 10, then 6 of 30.
    means = device_means(rows(("a", H1, 10.0, 2), ("a", H1 + timedelta(hours=1), 30.0, 6)))
    assert means["a"] == pytest.approx((2 * 10 + 6 * 30) / 8)  # 25, not the buckets' 20


def test_share_on_is_the_mean_share_of_the_hour_each_device_was_on():
    # a: occupied half the hour (1,1 then 0,0); b: all of it; c: none of it -> 50 %.
    frame = rows(("a", H1, 1.0, 2), ("a", H1 + timedelta(hours=1), 0.0, 2),
                 ("b", H1, 1.0, 3), ("c", H1, 0.0, 1))
    assert window_figure(frame, kpi("share_on"), 49) == 50.0


def test_count_above_counts_devices_whose_hour_reached_the_level():
    frame = rows(("a", H1, 70.0, 1), ("a", H1 + timedelta(hours=1), 90.0, 3),  # mean 85
                 ("b", H1, 80.0, 2),   # exactly the level: counts, as the live KPI does (>=)
                 ("c", H1, 79.9, 4))
    assert window_figure(frame, kpi("count_above", above=80), 5) == 2.0


def test_sum_mean_and_max_apply_to_each_devices_mean():
    frame = rows(("a", H1, 2.0, 1), ("a", H1 + timedelta(hours=1), 4.0, 3),  # mean 3.5
                 ("b", H1, 1.2, 2))
    assert window_figure(frame, kpi("sum"), 8) == 4.7
    assert window_figure(frame, kpi("mean"), 8) == 2.4  # (3.5 + 1.2) / 2 = 2.35 -> 2.4
    assert window_figure(frame, kpi("max"), 8) == 3.5


def test_online_is_the_share_of_devices_in_scope_that_reported_in_the_hour():
    frame = rows(("a", H1, 1.0, 1), ("a", H1, 7.0, 1), ("b", H1, 2.0, 5), ("c", H1, 0.0, 1))
    assert window_figure(frame, kpi("online"), 4) == 75.0
    assert window_figure(frame, kpi("online"), 0) is None


@pytest.mark.parametrize("agg", ["share_on", "count_above", "sum", "mean", "max", "online"])
def test_no_readings_that_week_is_no_figure_not_zero(agg):
    assert window_figure(rows(), kpi(agg), 10) is None


def test_change_is_signed_in_the_kpis_unit_and_unknown_without_both_figures():
    assert change(62.0, 57.5) == 4.5
    assert change(0.4, 1.52) == pytest.approx(-1.12)
    assert change(3.0, 3.0) == 0.0
    assert change(None, 57.5) is None
    assert change(62.0, None) is None


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "config")


def test_each_domain_reads_its_own_metric_and_network_reads_every_device(config):
    traffic = window_selection(config, config.domain_by_id["traffic"], T0, T0)
    assert (list(traffic.metrics), list(traffic.kinds), traffic.domain) == (
        ["occupied"], ["parking_space"], "traffic")
    network = window_selection(config, config.domain_by_id["network"], T0, T0)
    assert network.domain is None and network.kinds is None  # city-wide: every device
    assert {"occupied", "fill_level", "water_level"} <= set(network.metrics)
    waste = window_selection(config, config.domain_by_id["waste"], T0, T0)
    assert list(waste.kinds) == ["bin_sensor"]


class StubStore:
    def __init__(self, config, figures):
        self.config, self._figures = config, figures

    def kpi_figures(self):
        return self._figures


def test_headlines_pair_the_live_figure_with_the_same_minute_a_week_before(config, monkeypatch):
    asked = []

    def past(store, domain_id, at_iso):
        asked.append((domain_id, at_iso))
        return Past(value=57.5, reporting=40) if domain_id == "traffic" else Past(None, 0)

    monkeypatch.setattr(city_headlines, "figure_around", past)
    figures = [KpiFigure(d.id, d.kpi.label, 62.0 if d.id == "traffic" else 1.0, d.kpi.unit,
                         devices=10, reporting=9) for d in config.domains]
    out = headlines(StubStore(config, figures), now=T0 + timedelta(seconds=42))
    assert [h.domain for h in out] == [d.id for d in config.domains]
    traffic = out[0]
    assert (traffic.value, traffic.week_ago, traffic.change) == (62.0, 57.5, 4.5)
    assert traffic.at == T0 and traffic.week_ago_at == T0 - timedelta(days=7)
    assert asked[0] == ("traffic", (T0 - timedelta(days=7)).isoformat())  # the cache key
    waste = out[1]
    assert waste.week_ago is None and waste.change is None
    network = next(h for h in out if h.domain == "network")  # city-wide: every device counted
    assert (network.reporting, network.devices) == (9 * len(figures), 10 * len(figures))
