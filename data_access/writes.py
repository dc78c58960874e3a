"""Batched, idempotent writes of telemetry: readings and latest device state in one commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from data_access.models import DeviceState, Reading
from ingest.validation import Telemetry


def _insert(conn: Connection, table):
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def reading_rows(batch: Sequence[Telemetry]) -> list[dict]:
    return [
        {"device_id": t.device_id, "metric": m, "ts": t.ts, "value": v}
        for t in batch
        for m, v in t.values.items()
    ]


def newest_per_device(batch: Sequence[Telemetry]) -> dict[str, Telemetry]:
    newest: dict[str, Telemetry] = {}
    for t in batch:
        seen = newest.get(t.device_id)
        if seen is None or t.ts >= seen.ts:
            newest[t.device_id] = t
    return newest


def write_telemetry(conn: Connection, batch: Sequence[Telemetry]) -> int:
    """Insert readings (a replayed entry is ignored by the key) and move device state forward.

    Returns the number of reading rows offered. State only moves to a newer timestamp, so
    an old entry replayed after a crash cannot overwrite a fresher one.
    """
    rows = reading_rows(batch)
    if not rows:
        return 0
    conn.execute(_insert(conn, Reading.__table__).on_conflict_do_nothing(), rows)
    state_rows = [
        {"device_id": t.device_id, "last_seen": t.ts, "battery": t.battery, "rssi": t.rssi,
         "snr": t.snr, "source": t.source, "latest": t.values}
        for _, t in sorted(newest_per_device(batch).items())  # one lock order for all workers
    ]
    table = DeviceState.__table__
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.device_id],
        set_={c: stmt.excluded[c] for c in ("last_seen", "battery", "rssi", "snr", "source",
                                            "latest")},
        where=stmt.excluded.last_seen >= table.c.last_seen,
    )
    conn.execute(stmt, state_rows)
    return len(rows)
