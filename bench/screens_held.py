"""Many wall screens on the README's recommended setup: each screen holds its live-alarm event
stream and refreshes the overview's KPI strip every 2 s, as an open overview page does.
Two setups, one after the other, same machine, same data, same load:

- before: the README's setup until issue 19 (gunicorn -w 4 -k gthread --threads 64), on the
  code of `--baseline-ref` (taken with `git archive`), whose event route held a thread per
  screen;
- now: the README's setup today (gunicorn -w 4 -k serving.worker.Worker, app:asgi): the
  streams are coroutines of the ASGI front, the Dash requests run in its thread pool.

    .venv/bin/python -m bench.screens_held                      # 500 screens, 30 s of refresh
    .venv/bin/python -m bench.screens_held --screens 200 --seconds 15

Errors, counted per setup: a stream not answered 200 with its first line within 10 s; a KPI
refresh not answered 200 within 10 s; an "alarms changed" (published on Redis, 5 times, 3 s
apart) that did not reach an open stream within 10 s. Fan-out is the time from the publish
to the event on each stream. The city is the demo city with two days of history and its
simulator and ingest workers running; SQLite and the embedded Redis (REDIS_URL points every
gunicorn worker at it). Memory: resident set of gunicorn's master and workers, summed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import requests

from bench.access_overhead import KPI_CALLBACK
from bench.kpi_load import Connection, free_port, prepare, start_gunicorn
from bench.signin import signed_in_headers
from data_access import streams
from data_access.redis_conn import connect, redis_url, shutdown_embedded
from data_access.settings import ROOT, Settings

TIMEOUT_S = 10.0
PERIOD_S = 2.0
PUBLISHES = 5
PUBLISH_GAP_S = 3.0
WORKERS = 4
BASELINE_REF = "b7fc616"  # main before the event streams left the threads (issue 19)
SETUPS = {  # name -> gunicorn arguments after the worker count
    "before": ["-k", "gthread", "--threads", "64", "app:server"],
    "now": ["-k", "serving.worker.Worker", "app:asgi"],
}


@dataclass
class Figures:
    setup: str
    screens: int
    opened: int = 0
    kpi_ms: list[float] = field(default_factory=list)
    kpi_errors: int = 0
    fanout_ms: list[float] = field(default_factory=list)
    missed: int = 0
    rss_mb: float = 0.0

    @property
    def errors(self) -> int:
        return (self.screens - self.opened) + self.kpi_errors + self.missed


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100)[q - 1]


class Stream:
    """One screen's event stream; notes when each `data:` event arrives."""

    def __init__(self) -> None:
        self.events: list[float] = []
        self.open = False
        self.task: asyncio.Task | None = None

    async def run(self, port: int, cookie: str, opened: asyncio.Event) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write((f"GET /api/v1/alarms/events?lang=en HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          f"Accept: text/event-stream\r\nCookie: {cookie}\r\n\r\n").encode())
            await writer.drain()
            status = int((await reader.readuntil(b"\r\n")).split()[1])
            buffered = await reader.readuntil(b"\r\n\r\n")
            while b"retry:" not in buffered:
                buffered += await reader.read(4096)
            self.open = status == 200
            opened.set()
            while chunk := await reader.read(65536):
                if b"data: " in chunk:
                    self.events.append(time.perf_counter())
        finally:
            writer.close()


async def kpi_screen(port: int, headers: dict[str, str], until: float, out: Figures) -> None:
    conn = Connection("127.0.0.1", port, headers)
    n = 0
    while time.perf_counter() < until:
        start = time.perf_counter()
        body = orjson.dumps({**KPI_CALLBACK, "inputs": [{**KPI_CALLBACK["inputs"][0],
                                                         "value": n}]})
        try:
            status, content = await asyncio.wait_for(
                conn.post("/_dash-update-component", body), TIMEOUT_S)
            ok = status == 200 and b"kpi-strip" in content
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            ok = False
            conn.close()
        elapsed = time.perf_counter() - start
        if ok:
            out.kpi_ms.append(elapsed * 1000)
        else:
            out.kpi_errors += 1
        n += 1
        await asyncio.sleep(max(0.0, PERIOD_S - elapsed))
    conn.close()


async def hold_screens(port: int, screens: list[dict[str, str]], seconds: float, redis_client,
                       out: Figures) -> None:
    streams_ = [Stream() for _ in screens]
    waits = []
    for stream, headers in zip(streams_, screens, strict=True):
        opened = asyncio.Event()
        stream.task = asyncio.ensure_future(stream.run(port, headers["Cookie"], opened))
        waits.append(asyncio.ensure_future(asyncio.wait_for(opened.wait(), TIMEOUT_S)))
        await asyncio.sleep(0.005)  # screens come up over a few seconds, not in one instant
    await asyncio.gather(*waits, return_exceptions=True)
    out.opened = sum(s.open for s in streams_)
    until = time.perf_counter() + seconds
    refresh = asyncio.gather(*(kpi_screen(port, h, until, out) for h in screens))
    await asyncio.sleep(min(5.0, seconds / 2))
    for _ in range(PUBLISHES):
        before = [len(s.events) for s in streams_]
        sent = time.perf_counter()
        redis_client.publish(streams.ALARMS_CHANGED, "bench")
        await asyncio.sleep(PUBLISH_GAP_S)
        deadline = sent + TIMEOUT_S
        while time.perf_counter() < deadline and any(
                s.open and len(s.events) == n for s, n in zip(streams_, before, strict=True)):
            await asyncio.sleep(0.1)
        for s, n in zip(streams_, before, strict=True):
            if not s.open:
                continue
            if len(s.events) > n:
                out.fanout_ms.append((s.events[n] - sent) * 1000)
            else:
                out.missed += 1
    await refresh
    for s in streams_:
        s.task.cancel()
    await asyncio.gather(*(s.task for s in streams_), return_exceptions=True)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn's master and workers)."""
    total = 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid, *map(int, children.read_text().split())] if children.exists() else [pid]
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def serve(setup: str, source: Path, env: dict, port: int) -> subprocess.Popen:
    return start_gunicorn(["-w", str(WORKERS), "--keep-alive", "10", "--backlog", "2048",
                           *SETUPS[setup]], port, {**env, "PYTHONPATH": str(source)}, source)


def run_setup(setup: str, source: Path, env: dict, engine, settings: Settings, screens: int,
              seconds: float) -> Figures:
    port = free_port()
    proc = serve(setup, source, env, port)
    url = f"http://127.0.0.1:{port}"
    out = Figures(setup, screens)
    try:
        signed = [signed_in_headers(engine, url) for _ in range(screens)]  # one session each
        for _ in range(WORKERS * 2):  # warm every worker: imports, first queries
            requests.post(f"{url}/_dash-update-component", json=KPI_CALLBACK,
                          headers=signed[0], timeout=60)
        asyncio.run(hold_screens(port, signed, seconds, connect(settings), out))
        out.rss_mb = rss_mb(proc.pid)
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def baseline_tree(ref: str):
    """The code of `ref`, exported (not checked out: the work tree stays as it is)."""
    with tempfile.TemporaryDirectory(prefix="cityops-baseline-") as tmp:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        yield Path(tmp)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.screens_held", description=__doc__)
    p.add_argument("--screens", type=int, default=500)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--baseline-ref", default=BASELINE_REF)
    p.add_argument("--only", choices=sorted(SETUPS), help="run one setup")
    args = p.parse_args(argv)
    print(f"command : {Path(sys.executable).name} -m bench.screens_held "
          f"{' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"machine : {os.cpu_count()} CPUs, {platform.platform()}; gunicorn {WORKERS} workers, "
          f"keep-alive 10 s; {args.screens} screens, each holding its event stream and "
          f"refreshing the KPI strip every {PERIOD_S:g} s for {args.seconds:g} s; "
          f"before = {args.baseline_ref}")
    results = []
    with tempfile.TemporaryDirectory(prefix="cityops-screens-bench-") as tmp, \
            baseline_tree(args.baseline_ref) as before_tree:
        settings = Settings(var_dir=Path(tmp) / "var")
        _, workers, engine = prepare(settings)
        env = {**os.environ, "CITYOPS_VAR_DIR": str(settings.var_dir),
               "DATABASE_URL": settings.sql_url, "REDIS_URL": redis_url(settings)}
        try:
            for setup in [args.only] if args.only else ["before", "now"]:
                source = before_tree if setup == "before" else ROOT
                result = run_setup(setup, source, env, engine, settings, args.screens,
                                   args.seconds)
                results.append(result)
                print(f"  {setup}: {result.errors} errors", file=sys.stderr)
        finally:
            workers.shutdown()
            shutdown_embedded(settings)
    print()
    print(f"{'setup':<7} {'screens':>7} {'streams':>8} {'KPI calls':>9} {'KPI p50':>8} "
          f"{'KPI p95':>8} {'KPI err':>7} {'fan-out p50':>11} {'max':>7} {'missed':>6} "
          f"{'errors':>6} {'RSS':>8}")
    for r in results:
        print(f"{r.setup:<7} {r.screens:>7} {r.opened:>8} {len(r.kpi_ms) + r.kpi_errors:>9} "
              f"{pct(r.kpi_ms, 50):>5.0f} ms {pct(r.kpi_ms, 95):>5.0f} ms {r.kpi_errors:>7} "
              f"{pct(r.fanout_ms, 50):>8.0f} ms {max(r.fanout_ms, default=float('nan')):>4.0f} ms"
              f" {r.missed:>6} {r.errors:>6} {r.rss_mb:>5.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
