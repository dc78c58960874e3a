"""Report figures from per-device buckets, by hand: local days, counter increases with a
reset, all devices together (a mean of readings, not of means)."""

from __future__ import annotations

import pandas as pd
import pytest

from data_access.reports import combine, period_start, roll_up, shape, summary, with_increase

TZ = "Europe/Athens"


def buckets(rows: list[tuple[str, str, float, float, float, int]]) -> pd.DataFrame:
    """rows: (device, local time, mean, min, max, n), as per_device hands them over."""
    return pd.DataFrame({
        "device_id": [r[0] for r in rows],
        "metric": "m",
        "bucket": pd.to_datetime([r[1] for r in rows]).tz_localize(TZ),
        "mean": [r[2] for r in rows], "min": [r[3] for r in rows],
        "max": [r[4] for r in rows], "n": [r[5] for r in rows]})


def local(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def test_days_are_local_days_and_weeks_start_on_monday():
    times = pd.Series([local("2026-11-20 01:30"), local("2026-11-19 23:59")])
    assert period_start(times, "day").tolist() == [local("2026-11-20"), local("2026-11-19")]
    assert period_start(times, "week").tolist() == [local("2026-11-16")] * 2
    # 00:30 in Athens is 22:30 UTC the day before: an hourly SQL bucket still starts on the hour
    assert period_start(pd.Series([local("2026-11-20 00:30")]), 3600)[0] == local("2026-11-20")


def test_a_day_across_the_autumn_clock_change_keeps_its_local_midnight():
    times = pd.Series([local("2026-10-25 12:00")])  # 25 hours long in Athens
    assert period_start(times, "day")[0].isoformat() == "2026-10-25T00:00:00+03:00"


def test_roll_up_weights_the_mean_by_readings():
    rows = buckets([("a", "2026-11-20 10:00", 10.0, 8.0, 12.0, 1),
                    ("a", "2026-11-20 11:00", 40.0, 30.0, 50.0, 3),
                    ("a", "2026-11-21 00:00", 5.0, 5.0, 5.0, 1)])
    day = roll_up(rows, "day")
    first = day.iloc[0]
    assert (first["bucket"], first["mean"], first["min"], first["max"], first["n"]) == (
        local("2026-11-20"), 32.5, 8.0, 50.0, 4)  # (10 + 3 * 40) / 4
    assert day["bucket"].tolist() == [local("2026-11-20"), local("2026-11-21")]


def test_increase_of_a_counter_with_a_reset():
    rows = buckets([("a", "2026-11-20 10:00", 101.0, 100.0, 102.0, 3),   # first: 2 inside
                    ("a", "2026-11-20 11:00", 106.0, 104.0, 110.0, 3),   # +8
                    ("a", "2026-11-20 12:00", 4.0, 3.0, 5.0, 2),         # reset: 0 -> 5
                    ("a", "2026-11-20 13:00", 9.0, 9.0, 9.0, 1),         # +4
                    ("b", "2026-11-20 11:00", 50.0, 50.0, 51.0, 2)])     # first: 1
    got = with_increase(rows)
    assert got.loc[got["device_id"] == "a", "increase"].tolist() == [2.0, 8.0, 5.0, 4.0]
    assert got.loc[got["device_id"] == "b", "increase"].tolist() == [1.0]


def test_all_devices_together():
    rows = with_increase(buckets([("a", "2026-11-20 10:00", 10.0, 10.0, 10.0, 1),
                                  ("b", "2026-11-20 10:00", 40.0, 20.0, 60.0, 3)]))
    one = combine(rows).iloc[0]
    assert (one["mean"], one["min"], one["max"], one["n"], one["devices"], one["increase"]) == (
        32.5, 10.0, 60.0, 4, 2, 40.0)


def test_shape_per_device_and_overall():
    rows = buckets([("b", "2026-11-20 10:00", 1 / 3, 0.0, 1.0, 3),
                    ("a", "2026-11-20 11:00", 2.0, 2.0, 2.0, 1),
                    ("a", "2026-11-20 10:00", 4.0, 4.0, 4.0, 2)])
    per = shape(rows, "mean", "device")
    assert list(per.columns) == ["time", "device_id", "value", "n"]
    assert per["device_id"].tolist() == ["a", "a", "b"]  # by device, then time
    assert per["value"].tolist() == [4.0, 2.0, 0.333]
    counted = shape(combine(rows), "count", "overall")
    assert list(counted.columns) == ["time", "value", "devices", "n"]
    assert counted["value"].tolist() == [5, 1] and counted["value"].dtype == "int64"


@pytest.mark.parametrize(("stat", "values", "expected"), [
    ("mean", [1.0, 4.0], 3.25),  # weighted by readings: (1 * 1 + 4 * 3) / 4
    ("min", [1.0, 4.0], 1.0),
    ("max", [1.0, 4.0], 4.0),
    ("count", [1, 3], 4.0),
    ("increase", [2.5, 4.0], 6.5),
])
def test_one_figure_for_the_whole_range(stat, values, expected):
    assert summary(pd.DataFrame({"value": values, "n": [1, 3]}), stat) == expected


def test_no_rows_no_figure():
    assert summary(pd.DataFrame({"value": [], "n": []}), "mean") is None
