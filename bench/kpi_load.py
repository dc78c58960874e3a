"""Many screens on the domain pages: N clients on loopback, each refreshing a domain page's KPI
callback (the cards, the domain's panels, the map overlay) every 2 s, against gunicorn with 2
workers, with flask-caching on (Redis) and off (CITYOPS_CACHE=off: NullCache, every request
computes from SQL and Redis). Same data, same run, side by side.

    .venv/bin/python -m bench.kpi_load                               # 200 clients, 120 s each
    .venv/bin/python -m bench.kpi_load --clients 50 --seconds 20     # quicker

The city is the demo city with two days of history, its simulator and ingest workers running
(statuses and values change under the clients, as in a control room). Clients spread over the
eight domain pages and both languages. A request is an error when it does not answer 200
within 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import orjson
import requests

from bench.signin import signed_in_headers
from data_access.city_config import load_config
from data_access.db import make_engine, upgrade_schema
from data_access.redis_conn import connect, redis_url, shutdown_embedded
from data_access.seed import seed_devices
from data_access.settings import ROOT, Settings

PERIOD_S = 2.0
TIMEOUT_S = 10.0
WORKERS = 2
THREADS = 16
KEEP_ALIVE_S = 10  # longer than the screens' refresh period, so their connections stay open


@dataclass
class Result:
    mode: str
    latencies_ms: list[float]
    errors: int

    def pct(self, q: int) -> float:
        values = self.latencies_ms
        if len(values) < 2:
            return values[0] if values else float("nan")
        return statistics.quantiles(values, n=100)[q - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def payload(domain: str, lang: str, n: int) -> dict:
    """What the browser posts each tick for refresh_summary (callbacks/domain_page.py)."""
    outputs = [{"id": "domain-kpis", "property": "children"},
               {"id": "domain-panels", "property": "children"},
               {"id": "domain-overlay", "property": "children"}]
    return {
        "output": "..domain-kpis.children...domain-panels.children...domain-overlay.children..",
        "outputs": outputs,
        "inputs": [{"id": "live-tick", "property": "n_intervals", "value": n}],
        "changedPropIds": ["live-tick.n_intervals"],
        "state": [{"id": "domain-id", "property": "data", "value": domain},
                  {"id": "page-lang", "property": "data", "value": lang}],
    }


class Connection:
    """A minimal keep-alive HTTP/1.1 client on asyncio: 200 screens in one process cost
    little CPU, so the figures measure the server, not the load generator. Like a browser, a
    request on a kept-alive connection the server has just closed is retried once on a new
    one."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())  # signed-in screen
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                return await self._exchange(path, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, path: str, body: bytes) -> tuple[int, bytes]:
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"{self.extra}\r\n")
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                self.writer = None
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def client(port: int, headers: dict[str, str], domain: str, lang: str, until: float,
                 out: list, errors: list) -> None:
    conn = Connection("127.0.0.1", port, headers)
    await asyncio.sleep(random.uniform(0, PERIOD_S))  # screens do not all open at once
    n = 0
    while time.time() < until:
        start = time.perf_counter()
        body = orjson.dumps(payload(domain, lang, n))
        try:
            status, content = await asyncio.wait_for(
                conn.post("/_dash-update-component", body), TIMEOUT_S)
            failure = None if status == 200 and b"domain-kpis" in content else f"HTTP {status}"
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
            failure = type(exc).__name__
            conn.close()
        elapsed = time.perf_counter() - start
        if failure:
            errors.append(failure)
        else:
            out.append(elapsed * 1000)
        n += 1
        await asyncio.sleep(max(0.0, PERIOD_S - elapsed))
    conn.close()


async def load(port: int, headers: dict[str, str], clients: int, seconds: float,
               domains: list[str]) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    until = time.time() + seconds
    await asyncio.gather(*(client(port, headers, domains[i % len(domains)],
                                  ("el", "en")[i // len(domains) % 2], until, latencies, errors)
                           for i in range(clients)))
    return latencies, errors


def serve(env: dict, port: int) -> subprocess.Popen:
    return start_gunicorn(["-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS),
                           "--keep-alive", str(KEEP_ALIVE_S), "app:server"], port, env)


def start_gunicorn(arguments: list[str], port: int, env: dict, cwd: Path = ROOT,
                   wait_s: float = 90) -> subprocess.Popen:
    """gunicorn with `arguments` on 127.0.0.1:`port`, once it answers its sign-in page."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    proc = subprocess.Popen([gunicorn, "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                             *arguments], cwd=cwd, env=env)
    deadline = time.time() + wait_s
    while time.time() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"http://127.0.0.1:{port}/login", timeout=5).ok:
                return proc
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"gunicorn {' '.join(arguments)} did not start")


def run_mode(mode: str, env: dict, engine, clients: int, seconds: float,
             domains: list[str]) -> Result:
    port = free_port()
    proc = serve({**env, "CITYOPS_CACHE": mode}, port)
    url = f"http://127.0.0.1:{port}"
    try:
        headers = signed_in_headers(engine, url)  # the screens are signed-in wall displays
        for d in domains:  # warm: imports, first queries
            for lang in ("el", "en"):
                requests.post(f"{url}/_dash-update-component", json=payload(d, lang, 0),
                              headers=headers, timeout=60)
        latencies, errors = asyncio.run(load(port, headers, clients, seconds, domains))
        if errors:
            kinds = {e: errors.count(e) for e in sorted(set(errors))}
            print(f"  cache {mode} errors: {kinds}", file=sys.stderr)
        return Result(mode, latencies, len(errors))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def prepare(settings: Settings):
    """The demo city with two days of history, and its workers running."""
    from ingest.backfill import backfill
    from ingest.workers import Workers, load_sim_devices

    config = load_config(settings.config_dir)
    engine = make_engine(settings)
    upgrade_schema(engine)
    seed_devices(engine, config, None, settings.seed)
    backfill(engine, config, load_sim_devices(engine), settings.seed, days=2)
    workers = Workers(connect(settings), engine, config, seed=settings.seed).start()
    time.sleep(5)  # every device reports once
    return config, workers, engine


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.kpi_load", description=__doc__)
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--seconds", type=float, default=120)
    args = p.parse_args(argv)
    print(f"command : {Path(sys.executable).name} -m bench.kpi_load "
          f"{' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"machine : {os.cpu_count()} CPUs, {platform.platform()}; gunicorn {WORKERS} workers "
          f"(gthread, {THREADS} threads, keep-alive {KEEP_ALIVE_S} s); SQLite + embedded Redis; "
          f"{args.clients} clients, "
          f"one KPI refresh each every {PERIOD_S:g} s for {args.seconds:g} s per mode")
    with tempfile.TemporaryDirectory(prefix="cityops-kpi-bench-") as tmp:
        settings = Settings(var_dir=Path(tmp) / "var")
        config, workers, engine = prepare(settings)
        env = {**os.environ, "CITYOPS_VAR_DIR": str(settings.var_dir),
               "DATABASE_URL": settings.sql_url, "REDIS_URL": redis_url(settings)}
        domains = [d.id for d in config.domains]
        results = []
        try:
            for mode in ("on", "off"):
                result = run_mode(mode, env, engine, args.clients, args.seconds, domains)
                results.append(result)
                print(f"  cache {mode}: {len(result.latencies_ms)} answers, "
                      f"{result.errors} errors", file=sys.stderr)
        finally:
            workers.shutdown()
            shutdown_embedded(settings)
    print()
    print(f"{'cache':<6} {'requests':>9} {'p50':>9} {'p95':>9} {'max':>9} {'errors':>7}")
    for r in results:
        print(f"{r.mode:<6} {len(r.latencies_ms) + r.errors:>9} {r.pct(50):>6.0f} ms "
              f"{r.pct(95):>6.0f} ms {max(r.latencies_ms, default=float('nan')):>6.0f} ms "
              f"{r.errors:>7}")
    on, off = results
    print(f"\ncache on vs off: p50 {off.pct(50) / on.pct(50):.1f}x lower, "
          f"p95 {off.pct(95) / on.pct(95):.1f}x lower")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
