"""The alarm store under an alarm flood: how fast a burst on `cityops:alarms` reaches SQL.

A flood of raised alarms (default 3,000 events: 600 alarms raised 5 times each, as a storm
that keeps re-raising its rules) is put on the stream, then the alarm store drains it; the
figure is events stored per second and the time until the last one is in SQL (what the
console waits for). The shipped store (a batch in one transaction and a handful of
statements) runs beside the store as it was before issue 19 (the same transaction per
batch, but an audit insert, a select and an insert or update per event), kept here as the
baseline; in alternating rounds, on SQLite and on PostgreSQL (skipped when unreachable).
Each round starts from empty alarm tables and a fresh stream; afterwards every event must
be in the audit table exactly once and every alarm counted, or the bench exits non-zero.

    .venv/bin/python -m bench.alarm_store_throughput               # 3,000 events, 3 rounds
    .venv/bin/python -m bench.alarm_store_throughput --events 600  # quicker
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, func, select, text

from bench.ingest_throughput import postgres_backend, sqlite_backend
from data_access import streams
from data_access.models import Alarm, AlarmEvent
from data_access.redis_conn import connect, shutdown_embedded
from data_access.settings import Settings
from ingest import alarm_store
from ingest.alarm_lifecycle import AlarmEntry, apply_event
from ingest.alarm_store import AlarmStoreConsumer

PG_URL = os.environ.get("CITYOPS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REPEATS = 5


def flood(r, events: int) -> None:
    alarms = max(1, events // REPEATS)
    t0 = datetime.now(UTC) - timedelta(minutes=30)
    pipe = r.pipeline(transaction=False)
    for i in range(events):
        n = i % alarms
        pipe.xadd(streams.ALARMS, {
            "event": "raised", "alarm_id": f"flood-{n}", "device_id": f"dev-{n}",
            "domain": "flood", "severity": "major", "type": "rise_fast",
            "message": "Water rising fast", "ts": (t0 + timedelta(seconds=i)).isoformat(),
            "value": str(1.0 + i / 1000)})
    pipe.execute()


# -- the baseline: the per-event store as it was before issue 19 --------------------------


def _store_one(conn: Connection, stream_id: str, e: AlarmEntry) -> bool:
    audit = alarm_store._insert(conn, AlarmEvent.__table__).on_conflict_do_nothing().values(
        stream_id=stream_id, alarm_id=e.alarm_id, event=e.event, ts=e.ts, user=e.user,
        note=e.note, payload={"severity": e.severity, "value": e.value, "type": e.type,
                              "device_id": e.device_id, "message": e.message,
                              "until": None, "department": e.department})
    if conn.execute(audit).rowcount == 0:
        return False
    table = Alarm.__table__
    current = conn.execute(select(table).where(table.c.alarm_id == e.alarm_id)
                           ).mappings().first()
    row = apply_event(dict(current) if current else None, e)
    if row is None:
        return True
    if current is None:
        conn.execute(table.insert().values(**row))
    else:
        conn.execute(table.update().where(table.c.alarm_id == e.alarm_id).values(**row))
    return True


class PerEventStore(AlarmStoreConsumer):
    def process(self, entries):
        real = alarm_store._store_all
        alarm_store._store_all = lambda conn, items: sum(
            _store_one(conn, i.decode(), e) for i, _, e in items)
        try:
            return super().process(entries)
        finally:
            alarm_store._store_all = real


# -- one round ------------------------------------------------------------------------------


def reset(r, engine) -> None:
    r.delete(streams.ALARMS)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alarm_events"))
        conn.execute(text("DELETE FROM alarms"))


def drain(kind: str, r, engine, events: int) -> float:
    """Events stored per second, from the flood on the stream to the last one in SQL."""
    reset(r, engine)
    flood(r, events)
    consumer = (AlarmStoreConsumer if kind == "shipped" else PerEventStore)(
        r, engine, name=f"bench-{kind}", block_ms=10)
    start = time.perf_counter()
    stored = 0
    while stored < events:
        stored += consumer.step()
        if time.perf_counter() - start > 900:
            sys.exit(f"ERROR: {kind}: {stored} of {events} stored after 15 minutes")
    seconds = time.perf_counter() - start
    check(engine, events)
    return seconds


def check(engine, events: int) -> None:
    alarms = max(1, events // REPEATS)
    with engine.connect() as conn:
        audited = conn.execute(select(func.count()).select_from(AlarmEvent)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(AlarmEvent.stream_id)))
                                ).scalar_one()
        counted = conn.execute(select(func.sum(Alarm.count))).scalar_one()
        rows = conn.execute(select(func.count()).select_from(Alarm)).scalar_one()
    if not (audited == distinct == events and counted == events and rows == alarms):
        sys.exit(f"ERROR: {audited} audited ({distinct} distinct), {counted} counted, "
                 f"{rows} alarms; expected {events}, {events}, {alarms}")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.alarm_store_throughput",
                                description=__doc__)
    p.add_argument("--events", type=int, default=3000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--pg-url", default=PG_URL)
    args = p.parse_args(argv)
    given = " ".join(argv if argv is not None else sys.argv[1:])
    print(f"command : .venv/bin/python -m bench.alarm_store_throughput {given}".rstrip())
    print(f"machine : {os.cpu_count()} CPUs, {platform.platform()}, Python "
          f"{platform.python_version()}, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"flood   : {args.events:,} raised events, {max(1, args.events // REPEATS):,} alarms "
          f"x {REPEATS}; batches of 200; {args.rounds} rounds, sides alternating")
    results = []
    with tempfile.TemporaryDirectory(prefix="cityops-alarm-bench-") as tmp:
        settings = Settings(var_dir=Path(tmp) / "redis")
        r = connect(settings)
        try:
            for backend in (sqlite_backend(Path(tmp) / "sqlite"), postgres_backend(args.pg_url)):
                if isinstance(backend, str):
                    print(f"NOTE    : {backend}")
                    continue
                times = {"shipped": [], "baseline": []}
                for i in range(args.rounds):
                    for kind in ("shipped", "baseline") if i % 2 == 0 else ("baseline",
                                                                             "shipped"):
                        times[kind].append(drain(kind, r, backend.engine, args.events))
                results.append((backend.name, backend.detail, times))
                backend.engine.dispose()
        finally:
            shutdown_embedded(settings)
    print()
    print(f"{'database':<11} {'side':<9} {'events/s (median)':>18} {'flood in SQL after':>19}"
          "   rounds (s)")
    for name, note, times in results:
        for kind in ("shipped", "baseline"):
            median = statistics.median(times[kind])
            print(f"{name:<11} {kind:<9} {args.events / median:>18,.0f} {median:>17.2f} s"
                  f"   {', '.join(f'{t:.2f}' for t in times[kind])}")
        ratio = statistics.median(times["baseline"]) / statistics.median(times["shipped"])
        print(f"{'':<11} shipped/baseline: {ratio:.1f}x the events per second  ({note})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
