"""History for the demo city: the simulator's readings for the past days, written straight to
the readings table so trend charts, KPIs and reports have weeks to show on a first run.

Only readings are written (no device state, no rules): the past is history, the live
simulator takes over from now. A real installation never runs this; its history comes in.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access.city_config import CityConfig
from data_access.models import Reading
from ingest.simulator import SimDevice, Simulator

RECENT = timedelta(days=2)  # drawn at 15 minutes: the 24 h and 1 h charts look alive
RECENT_STEP = timedelta(minutes=15)
OLDER_STEP = timedelta(hours=1)  # enough for 7- and 30-day charts and daily figures
CHUNK = 20_000
MAX_DEVICES = 5_000  # a scaled city (CITYOPS_DEVICES) gets live data only


def _times(days: int, now: datetime) -> Iterator[datetime]:
    start = (now - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    t = start
    while t < now - RECENT:
        yield t
        t += OLDER_STEP
    while t < now - RECENT_STEP:
        yield t
        t += RECENT_STEP


def _rows(sim: Simulator, devices: list[SimDevice], times: list[datetime]) -> Iterator[dict]:
    for t in times:
        for d in devices:
            rng = random.Random(f"{sim.seed}:{d.id}:{int(t.timestamp())}")
            for metric, value in sim.values(d, t, rng).items():
                yield {"device_id": d.id, "metric": metric, "ts": t, "value": value}


def has_history(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(
            select(Reading.device_id).limit(1).subquery())).scalar_one() > 0


def backfill(engine: Engine, config: CityConfig, devices: list[SimDevice], seed: int,
             days: int, now: datetime | None = None) -> int:
    """Write `days` of simulated history ending now; returns the number of readings.
    Idempotent: a reading already there is kept (the key ignores the repeat)."""
    if days <= 0 or not devices or len(devices) > MAX_DEVICES:
        return 0
    now = now or datetime.now(UTC)
    times = list(_times(days, now))
    # The storms of the past follow the same 4-hour rhythm, counted from the first hour.
    sim = Simulator(devices, config, seed, times[0] if times else now)
    written = 0
    batch: list[dict] = []
    with engine.begin() as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(Reading.__table__).on_conflict_do_nothing()
        for row in _rows(sim, devices, times):
            batch.append(row)
            if len(batch) >= CHUNK:
                conn.execute(stmt, batch)
                written += len(batch)
                batch = []
        if batch:
            conn.execute(stmt, batch)
            written += len(batch)
    return written
