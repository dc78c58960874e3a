"""SQL time buckets give the same figures on SQLite and PostgreSQL as a hand count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from data_access.aggregates import Selection, bucket_size, overall, per_device
from data_access.models import Device, Reading

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _devices(engine, kind: str, n: int) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(Device.id).where(Device.kind == kind)
                                 .order_by(Device.id).limit(n)).scalars())


def _write(engine, rows) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Reading), [{"device_id": d, "metric": m, "ts": ts, "value": v}
                                       for d, m, ts, v in rows])


def test_buckets_per_device_and_overall(backend):
    a, b = _devices(backend.engine, "bin_sensor", 2)
    _write(backend.engine, [
        (a, "fill_level", T0 + timedelta(minutes=1), 10.0),
        (a, "fill_level", T0 + timedelta(minutes=14), 20.0),   # same 15-min bucket
        (a, "fill_level", T0 + timedelta(minutes=16), 40.0),   # next bucket
        (b, "fill_level", T0 + timedelta(minutes=5), 70.0),
        (b, "temperature", T0 + timedelta(minutes=5), 18.0),   # another metric: not asked
        (b, "fill_level", T0 + timedelta(hours=2), 99.0),      # outside the range
    ])
    sel = Selection(metrics=["fill_level"], since=T0, until=T0 + timedelta(hours=1),
                    kinds=["bin_sensor"])
    rows = per_device(backend.engine, sel, 900)
    got = {(r.device_id, r.bucket.to_pydatetime()): (r.mean, r.min, r.max, r.n)
           for r in rows.itertuples()}
    assert got == {
        (a, T0): (15.0, 10.0, 20.0, 2),
        (a, T0 + timedelta(minutes=15)): (40.0, 40.0, 40.0, 1),
        (b, T0): (70.0, 70.0, 70.0, 1),
    }
    total = overall(backend.engine, sel, 900)
    first = total[total["bucket"] == T0].iloc[0]
    assert (first["mean"], first["min"], first["max"], first["n"], first["devices"]) == (
        pytest.approx(100 / 3), 10.0, 70.0, 3, 2)


def test_selection_by_unit_and_device(backend):
    a, b = _devices(backend.engine, "bin_sensor", 2)
    _write(backend.engine, [(a, "fill_level", T0, 5.0), (b, "fill_level", T0, 7.0)])
    sel = Selection(metrics=["fill_level"], since=T0, until=T0 + timedelta(hours=1),
                    device_ids=[b])
    assert per_device(backend.engine, sel, 3600)["device_id"].tolist() == [b]
    elsewhere = Selection(metrics=["fill_level"], since=T0, until=T0 + timedelta(hours=1),
                          units=["nea_artaki"])  # the demo's bins are all in Chalkida
    assert per_device(backend.engine, elsewhere, 3600).empty


def test_bucket_size_keeps_charts_readable():
    assert bucket_size(T0, T0 + timedelta(hours=1)) == 60
    assert bucket_size(T0, T0 + timedelta(hours=24)) == 900
    assert bucket_size(T0, T0 + timedelta(days=7)) == 3600
    assert bucket_size(T0, T0 + timedelta(days=30)) == 6 * 3600
