"""Readings aggregated in SQL time buckets: what charts, domain KPIs and reports read.

The database does the grouping (one row per device, metric and bucket leaves it, never the raw
readings), on SQLite and PostgreSQL alike: `epoch_bucket` compiles to each dialect's own way
of turning a timestamp into seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import BigInteger, Engine, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from data_access.db import frame_of
from data_access.models import Device, Reading

COLUMNS = ["device_id", "metric", "bucket", "mean", "min", "max", "n"]
OVERALL_COLUMNS = ["metric", "bucket", "mean", "min", "max", "n", "devices"]
# Bucket sizes a reader's range is drawn with: about 50-200 points per chart.
NICE_BUCKETS_S = (60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)
MAX_POINTS = 200


class epoch_bucket(FunctionElement):  # noqa: N801 - reads as the SQL function it becomes
    """Start of the `seconds`-wide bucket holding a timestamp, as seconds since 1970 (UTC)."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_bucket, "postgresql")
def _pg_bucket(element, compiler, **kw) -> str:
    column, seconds = list(element.clauses)
    return (f"(floor(extract(epoch from {compiler.process(column, **kw)}) / "
            f"{compiler.process(seconds, **kw)}) * {compiler.process(seconds, **kw)})::bigint")


@compiles(epoch_bucket, "sqlite")
def _sqlite_bucket(element, compiler, **kw) -> str:
    # SQLite keeps UTC timestamps as text; strftime('%s') reads them back as epoch seconds.
    column, seconds = list(element.clauses)
    size = compiler.process(seconds, **kw)
    return f"(CAST(strftime('%s', {compiler.process(column, **kw)}) AS INTEGER) / {size}) * {size}"


def bucket_size(since: datetime, until: datetime) -> int:
    """The smallest nice bucket that keeps a range within MAX_POINTS points."""
    span = (until - since).total_seconds()
    for size in NICE_BUCKETS_S:
        if span / size <= MAX_POINTS:
            return size
    return NICE_BUCKETS_S[-1]


@dataclass(frozen=True)
class Selection:
    """Which readings: metrics, a time range [since, until) and optionally which devices
    (explicit ids, or all of a domain / kinds / municipal units)."""

    metrics: Sequence[str]
    since: datetime
    until: datetime
    device_ids: Sequence[str] | None = None
    domain: str | None = None
    kinds: Sequence[str] | None = None
    units: Sequence[str] | None = None

    @classmethod
    def last(cls, window: timedelta, metrics: Sequence[str], now: datetime | None = None,
             **devices) -> Selection:
        until = now or datetime.now(UTC)
        return cls(metrics=metrics, since=until - window, until=until, **devices)

    def where(self, stmt):
        stmt = stmt.where(Reading.ts >= self.since, Reading.ts < self.until,
                          Reading.metric.in_(list(self.metrics)))
        if self.device_ids is not None:
            stmt = stmt.where(Reading.device_id.in_(list(self.device_ids)))
        if self.domain or self.kinds or self.units:
            stmt = stmt.join(Device, Device.id == Reading.device_id)
            if self.domain:
                stmt = stmt.where(Device.domain == self.domain)
            if self.kinds:
                stmt = stmt.where(Device.kind.in_(list(self.kinds)))
            if self.units:
                stmt = stmt.where(Device.unit.in_(list(self.units)))
        return stmt


def _bucket(bucket_s: int) -> ColumnElement:
    return epoch_bucket(Reading.ts, bucket_s).label("bucket")


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    frame = frame_of(rows, columns)
    frame["bucket"] = pd.to_datetime(frame["bucket"].astype("int64"), unit="s", utc=True)
    return frame


def per_device(engine: Engine, sel: Selection, bucket_s: int) -> pd.DataFrame:
    """One row per device, metric and bucket: device_id, metric, bucket (UTC start), mean,
    min, max, n."""
    if not sel.metrics:
        return _frame([], COLUMNS)
    bucket = _bucket(bucket_s)
    stmt = sel.where(select(Reading.device_id, Reading.metric, bucket, func.avg(Reading.value),
                            func.min(Reading.value), func.max(Reading.value),
                            func.count()))
    stmt = stmt.group_by(Reading.device_id, Reading.metric, bucket.element).order_by(
        Reading.device_id, Reading.metric, bucket.element)
    with engine.connect() as conn:
        return _frame(conn.execute(stmt).all(), COLUMNS)


def overall(engine: Engine, sel: Selection, bucket_s: int) -> pd.DataFrame:
    """One row per metric and bucket over every selected device: metric, bucket, mean, min,
    max, n (readings) and devices (how many reported in the bucket)."""
    if not sel.metrics:
        return _frame([], OVERALL_COLUMNS)
    bucket = _bucket(bucket_s)
    stmt = sel.where(select(Reading.metric, bucket, func.avg(Reading.value),
                            func.min(Reading.value), func.max(Reading.value), func.count(),
                            func.count(Reading.device_id.distinct())))
    stmt = stmt.group_by(Reading.metric, bucket.element).order_by(Reading.metric,
                                                                  bucket.element)
    with engine.connect() as conn:
        return _frame(conn.execute(stmt).all(), OVERALL_COLUMNS)
