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
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from data_access.city_config import load_config
from data_access.db import make_engine, upgrade_schema
from data_access.redis_conn import connect, redis_url, shutdown_embedded
from data_access.seed import seed_devices
from data_access.settings import ROOT, Settings

PERIOD_S = 2.0
TIMEOUT_S = 10.0
WORKERS = 2
THREADS = 16


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


def client(url: str, domain: str, lang: str, until: float, out: list, errors: list) -> None:
    session = requests.Session()
    time.sleep(random.uniform(0, PERIOD_S))  # screens do not all open in the same instant
    n = 0
    while time.time() < until:
        start = time.perf_counter()
        try:
            r = session.post(f"{url}/_dash-update-component", json=payload(domain, lang, n),
                             timeout=TIMEOUT_S)
            failure = None if r.status_code == 200 and b"domain-kpis" in r.content \
                else f"HTTP {r.status_code}"
        except requests.RequestException as exc:
            failure = type(exc).__name__
        elapsed = time.perf_counter() - start
        if failure:
            errors.append(failure)
        else:
            out.append(elapsed * 1000)
        n += 1
        time.sleep(max(0.0, PERIOD_S - elapsed))


def serve(env: dict, port: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    proc = subprocess.Popen(
        [gunicorn, "-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "app:server"],
        cwd=ROOT, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"http://127.0.0.1:{port}/domains/traffic", timeout=5).ok:
                return proc
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def run_mode(mode: str, env: dict, clients: int, seconds: float, domains: list[str]) -> Result:
    port = free_port()
    proc = serve({**env, "CITYOPS_CACHE": mode}, port)
    url = f"http://127.0.0.1:{port}"
    try:
        for d in domains:  # warm: imports, first queries
            for lang in ("el", "en"):
                requests.post(f"{url}/_dash-update-component", json=payload(d, lang, 0),
                              timeout=60)
        latencies: list[float] = []
        errors: list[str] = []
        until = time.time() + seconds
        threads = [threading.Thread(target=client, daemon=True, args=(
            url, domains[i % len(domains)], ("el", "en")[i // len(domains) % 2], until,
            latencies, errors)) for i in range(clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(seconds + TIMEOUT_S + 5)
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
    return config, workers


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.kpi_load", description=__doc__)
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--seconds", type=float, default=120)
    args = p.parse_args(argv)
    print(f"command : {Path(sys.executable).name} -m bench.kpi_load "
          f"{' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"machine : {os.cpu_count()} CPUs, {platform.platform()}; gunicorn {WORKERS} workers "
          f"(gthread, {THREADS} threads); SQLite + embedded Redis; {args.clients} clients, "
          f"one KPI refresh each every {PERIOD_S:g} s for {args.seconds:g} s per mode")
    with tempfile.TemporaryDirectory(prefix="cityops-kpi-bench-") as tmp:
        settings = Settings(var_dir=Path(tmp) / "var")
        config, workers = prepare(settings)
        env = {**os.environ, "CITYOPS_VAR_DIR": str(settings.var_dir),
               "DATABASE_URL": settings.sql_url, "REDIS_URL": redis_url(settings)}
        domains = [d.id for d in config.domains]
        results = []
        try:
            for mode in ("on", "off"):
                result = run_mode(mode, env, args.clients, args.seconds, domains)
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
