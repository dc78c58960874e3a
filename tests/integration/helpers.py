"""Small helpers shared by the integration tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy import func, select

from data_access import streams
from data_access.models import Reading


def telemetry(device_id: str, values: dict, at: datetime | None = None, **extra) -> dict:
    at = at or datetime.now(UTC) - timedelta(seconds=5)
    return {"device_id": device_id, "ts": at.isoformat(), "values": orjson.dumps(values).decode(),
            **{k: str(v) for k, v in extra.items()}}


def send(r, *entries: dict) -> list[bytes]:
    return [r.xadd(streams.TELEMETRY, e) for e in entries]


def reading_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Reading)).scalar_one()


def pending(r, stream: str, group: str) -> int:
    return r.xpending(stream, group)["pending"]
