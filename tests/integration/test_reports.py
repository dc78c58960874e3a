"""Reports from known readings equal the hand figures, on SQLite and on PostgreSQL: the mean
per hour, the increase of a counter that was reset, a municipal-unit filter, local days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, insert, select

from data_access.models import Device, Reading
from data_access.reports import ReportRequest, compute, report_frame

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # 12:00 in Athens
TZ = "Europe/Athens"


def meters(engine, unit: str, n: int) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(Device.id).where(
            Device.kind == "energy_meter", Device.unit == unit).order_by(Device.id).limit(n))
            .scalars())


def write(engine, rows) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Reading), [{"device_id": d, "metric": m, "ts": T0 + offset,
                                        "value": v} for d, m, offset, v in rows])


def ask(stat: str, scope: str, metric: str = "power_kw", bucket: str = "1h",
        since: datetime = T0, until: datetime = T0 + timedelta(hours=3), **kw) -> ReportRequest:
    return ReportRequest(domain="energy", metric=metric, stat=stat, bucket=bucket, scope=scope,
                         since=since.isoformat(), until=until.isoformat(), tz=TZ, **kw)


def minutes(m: int) -> timedelta:
    return timedelta(minutes=m)


def test_mean_per_hour_per_device_and_all_together(backend):
    a, b = meters(backend.engine, "chalkida", 2)
    write(backend.engine, [
        (a, "power_kw", minutes(5), 10.0), (a, "power_kw", minutes(35), 20.0),
        (a, "power_kw", minutes(65), 40.0),
        (b, "power_kw", minutes(10), 60.0),
        (b, "energy_kwh", minutes(10), 999.0),        # another metric: not in the report
        (b, "power_kw", minutes(-5), 77.0),           # before the range
        (b, "power_kw", timedelta(hours=3), 77.0),    # the end is excluded
    ])
    per = compute(backend.engine, ask("mean", "device"))
    got = [(r.device_id, r.time.isoformat(), r.value, r.n) for r in per.itertuples()]
    assert got == [(a, "2026-11-20T12:00:00+02:00", 15.0, 2),
                   (a, "2026-11-20T13:00:00+02:00", 40.0, 1),
                   (b, "2026-11-20T12:00:00+02:00", 60.0, 1)]
    together = compute(backend.engine, ask("mean", "overall"))
    assert [(r.value, r.devices, r.n) for r in together.itertuples()] == [
        (30.0, 2, 3),  # (10 + 20 + 60) / 3: every reading counts once
        (40.0, 1, 1)]
    highest = compute(backend.engine, ask("max", "overall"))
    assert highest["value"].tolist() == [60.0, 40.0]
    counted = compute(backend.engine, ask("count", "device"))
    assert counted["value"].tolist() == [2, 1, 1]


def test_increase_of_a_counter_with_a_reset(backend):
    a, b = meters(backend.engine, "chalkida", 2)
    write(backend.engine, [
        (a, "energy_kwh", minutes(-20), 95.0),   # the hour before: the first hour's base
        (a, "energy_kwh", minutes(10), 100.0), (a, "energy_kwh", minutes(50), 103.0),
        (a, "energy_kwh", minutes(70), 110.0),
        (a, "energy_kwh", minutes(130), 2.0),    # meter replaced: counts again from zero
        (a, "energy_kwh", minutes(170), 6.0),
        (b, "energy_kwh", minutes(15), 50.0), (b, "energy_kwh", minutes(45), 51.5),
    ])
    per = compute(backend.engine, ask("increase", "device", metric="energy_kwh"))
    got = [(r.device_id, r.time.strftime("%H:%M"), r.value) for r in per.itertuples()]
    assert got == [(a, "12:00", 8.0),   # 103 - 95
                   (a, "13:00", 7.0),   # 110 - 103
                   (a, "14:00", 6.0),   # reset: 0 -> 6
                   (b, "12:00", 1.5)]   # no earlier reading: the rise inside the hour
    together = compute(backend.engine, ask("increase", "overall", metric="energy_kwh"))
    assert together["value"].tolist() == [9.5, 7.0, 6.0]
    assert together["devices"].tolist() == [2, 1, 1]


def test_municipal_unit_and_device_filters(backend):
    (town,), (village,) = meters(backend.engine, "chalkida", 1), meters(backend.engine,
                                                                        "avlida", 1)
    write(backend.engine, [(town, "power_kw", minutes(5), 10.0),
                           (village, "power_kw", minutes(5), 30.0)])
    only = compute(backend.engine, ask("mean", "overall", units=("avlida",)))
    assert (only["value"].tolist(), only["devices"].tolist()) == ([30.0], [1])
    chosen = compute(backend.engine, ask("mean", "device", devices=(town,)))
    assert chosen["device_id"].tolist() == [town]
    both = compute(backend.engine, ask("mean", "overall", units=("avlida", "chalkida")))
    assert both["value"].tolist() == [20.0]


def test_days_are_the_city_s_local_days(backend):
    (a,) = meters(backend.engine, "chalkida", 1)
    # 21:30 and 22:30 UTC on 19/11 are 23:30 on the 19th and 00:30 on the 20th in Athens.
    write(backend.engine, [(a, "power_kw", timedelta(hours=-12, minutes=-30), 4.0),
                           (a, "power_kw", timedelta(hours=-11, minutes=-30), 8.0),
                           (a, "power_kw", timedelta(hours=1), 10.0)])
    since, until = T0 - timedelta(days=2), T0 + timedelta(days=1)
    days = compute(backend.engine, ask("mean", "device", bucket="1d", since=since, until=until))
    assert [(r.time.isoformat(), r.value, r.n) for r in days.itertuples()] == [
        ("2026-11-19T00:00:00+02:00", 4.0, 1), ("2026-11-20T00:00:00+02:00", 9.0, 2)]


def test_outside_a_web_app_the_report_is_not_cached(backend):
    (a,) = meters(backend.engine, "chalkida", 1)
    request = ask("mean", "device")
    assert report_frame(backend.engine, request).empty
    write(backend.engine, [(a, "power_kw", minutes(5), 10.0)])
    assert report_frame(backend.engine, request)["value"].tolist() == [10.0]




def test_in_the_web_app_a_report_is_read_once_and_downloaded_from_the_cache(backend, web_cache):
    (a,) = meters(backend.engine, "chalkida", 1)
    write(backend.engine, [(a, "power_kw", minutes(5), 10.0)])
    request = ask("mean", "device")
    shown = report_frame(backend.engine, request)
    with backend.engine.begin() as conn:  # what the table showed is what the file gets
        conn.execute(delete(Reading))
    again = report_frame(backend.engine, request)
    assert again.equals(shown) and again["value"].tolist() == [10.0]
    assert str(again["time"].dt.tz) == TZ
    later = ask("mean", "device", until=T0 + timedelta(hours=3, minutes=1))  # a new run
    assert report_frame(backend.engine, later).empty


@pytest.mark.parametrize("scope", ["device", "overall"])
def test_nothing_in_range_is_an_empty_table_with_its_columns(backend, scope):
    frame = compute(backend.engine, ask("increase", scope, metric="energy_kwh"))
    assert frame.empty and "value" in frame.columns and "time" in frame.columns
