"""What access control costs per request: the shipped app (signed in; guard, CSRF header,
server-side session in Redis re-saved each request) against the same app with the access
layer taken out, in the same run, on the same server, in alternating rounds. Also what a
sign-in costs (Argon2id), and that a refused one costs the same (no user enumeration by
timing), and how many Redis commands the access layer adds per request.

    .venv/bin/python -m bench.access_overhead                     # 2000 requests per figure
    .venv/bin/python -m bench.access_overhead --requests 500      # quicker

And a burst of wrong sign-ins at once from one address, as shipped (claimed before the
hash, a bounded number of Argon2 checks at once) beside the behaviour before issue 18
(every attempt hashed at once): answers, passwords checked, the server's peak memory.

The app is served by uvicorn (serving.server.ServerThread, as in production) in this
process, on SQLite + embedded Redis with the demo city seeded and no telemetry flowing; the
load comes from a separate process (asyncio, keep-alive HTTP/1.1, gzip accepted like a
browser), so the client does not share the server's GIL. A request is an error when it does
not answer 200 within 10 s; a sign-in must redirect (302), a refused one must show the form
again with its error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import orjson

TIMEOUT_S = 10.0
USER, PASSWORD = "bench-operator", "a bench password, long enough"
# The overview's KPI strip, as dash-renderer posts it every refresh (tests/integration/
# test_access.py KPI_CALLBACK).
KPI_CALLBACK = {"output": "kpi-strip.children",
                "outputs": {"id": "kpi-strip", "property": "children"},
                "inputs": [{"id": "live-tick", "property": "n_intervals", "value": 1}],
                "state": [{"id": "page-lang", "property": "data", "value": "en"}],
                "changedPropIds": ["live-tick.n_intervals"]}
ENDPOINTS = (  # label, method, path, JSON body
    ("KPI callback  POST /_dash-update-component", "POST", "/_dash-update-component",
     KPI_CALLBACK),
    ("page          GET /map", "GET", "/map", None),
    ("API           GET /api/v1/alarms/panel", "GET", "/api/v1/alarms/panel", None),
)
SHIPPED, BASELINE = "shipped", "baseline"
BASELINE_SAYS = (
    "the same app and server, access layer taken out between rounds: guard.check replaced by "
    "a before_request that only sets g.principal to the same operator (pages render the "
    "same), the CSRF-cookie after_request removed, Flask's default signed-cookie session "
    "(SecureCookieSessionInterface, no Redis) instead of Flask-Session, no cookies and no "
    "CSRF header sent, no security headers (CSP made per page, X-Frame-Options, ...); "
    "Flask-Login's and Flask-Limiter's hooks stay (no limits on these routes)")


# -- the load, run in a separate process -----------------------------------------------------


class Connection:
    """A minimal keep-alive HTTP/1.1 client (Content-Length or chunked replies): cheap enough
    that the figures measure the server. A request on a kept-alive connection the server has
    just closed is retried once on a new one, as a browser does."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, raw: bytes) -> tuple[int, int]:
        """(status, body bytes as sent) of one request."""
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                return await self._exchange(raw)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, raw: bytes) -> tuple[int, int]:
        self.writer.write(raw)
        await self.writer.drain()
        status = int((await self.reader.readuntil(b"\r\n")).split()[1])
        length, chunked, close = 0, False, False
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            length = 0
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                length += len(await self.reader.readexactly(size + 2)) - 2
            while await self.reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailers
        else:
            await self.reader.readexactly(length)
        if close:
            self.close()
        return status, length

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _load(port: int, raw: bytes, total: int, clients: int) -> tuple[list[float],
                                                                          list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    left = [total]

    async def one_client() -> None:
        conn = Connection(port)
        while left[0] > 0:
            left[0] -= 1
            start = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(conn.send(raw), TIMEOUT_S)
                failure = None if status == 200 else f"HTTP {status}"
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                failure = type(exc).__name__
                conn.close()
            if failure:
                errors.append(failure)
            else:
                latencies.append((time.perf_counter() - start) * 1000)
        conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - start


def run_load(port: int, raw: bytes, total: int, clients: int) -> tuple[list[float], list[str],
                                                                       float]:
    """`total` requests over `clients` keep-alive connections: latencies (ms), errors, wall s."""
    return asyncio.run(_load(port, raw, total, clients))


def time_sign_ins(port: int, rounds: int) -> dict[str, tuple[list[float], set[int]]]:
    """POST /login through the real form (its csrf_token, on the session the form opened):
    the right password, a wrong one, and a name that does not exist, interleaved so drift
    hits all three alike. Only the POST is timed; each attempt opens its own connection.
    Per kind: the times (ms) and the HTTP statuses seen."""
    import http.client
    from urllib.parse import urlencode

    attempts = (("right password", USER, PASSWORD, True),
                ("wrong password", USER, PASSWORD + "!", False),
                ("unknown name", "bench-nobody", PASSWORD, False))
    timings: dict[str, tuple[list[float], set[int]]] = {kind: ([], set())
                                                        for kind, *_ in attempts}
    for i in range(rounds):
        for kind, name, password, accepted in attempts[::1 if i % 2 == 0 else -1]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
            conn.request("GET", "/login")
            form = conn.getresponse()
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.read().decode())
            cookies = "; ".join(c.split(";", 1)[0] for c in form.headers.get_all("Set-Cookie"))
            body = urlencode({"name": name, "password": password, "csrf_token": token.group(1)})
            start = time.perf_counter()
            conn.request("POST", "/login", body, {
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
            answer = conn.getresponse()
            page = answer.read()
            elapsed = (time.perf_counter() - start) * 1000
            conn.close()
            # Signed in: a redirect. Refused: the form again, saying so (not the throttle's
            # 429 nor the expired form's 400, which skip the password check).
            ok = (answer.status == 302) if accepted else (
                answer.status in (200, 401, 403) and b"login-msg error" in page)
            if not ok:
                raise RuntimeError(f"{kind}: unexpected HTTP {answer.status}")
            timings[kind][0].append(elapsed)
            timings[kind][1].add(answer.status)
    return timings


def burst_sign_ins(port: int, n: int) -> list[tuple[int, float]]:
    """`n` wrong sign-ins from one address at once (each with its own form and session,
    all released together): (HTTP status, ms) of each."""
    import http.client
    import threading
    from urllib.parse import urlencode

    prepared = []
    for i in range(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", "/login")
        form = conn.getresponse()
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.read().decode()).group(1)
        cookies = "; ".join(c.split(";", 1)[0] for c in form.headers.get_all("Set-Cookie"))
        prepared.append((conn, urlencode({"name": f"guess{i}", "password": "wrong wrong",
                                          "csrf_token": token}), cookies))
    start_line = threading.Barrier(n)
    results: list[tuple[int, float]] = [(0, 0.0)] * n

    def attempt(i: int) -> None:
        conn, body, cookies = prepared[i]
        start_line.wait()
        start = time.perf_counter()
        conn.request("POST", "/login", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
        answer = conn.getresponse()
        answer.read()
        results[i] = (answer.status, (time.perf_counter() - start) * 1000)
        conn.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@dataclass
class Burst:
    side: str
    statuses: dict[int, int]
    checks: int
    peak_mib: float
    p50_ms: float
    max_ms: float


def _rss_kib(field_name: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field_name + ":"))


def measure_burst(pool: ProcessPoolExecutor, port: int, store: Any, throttle: Any,
                  side: str, n: int) -> Burst:
    """One burst against the server in this process. Shipped: the limits and the bound as
    they ship. Baseline, as before issue 18: every attempt checked (no claim before the
    hash) and no bound on checks at once. Peak memory: this process's high-water mark, reset
    before the burst (/proc/self/clear_refs), above its size before it."""
    import threading

    from access import passwords
    from access import throttle as throttle_module

    for key in store.redis.scan_iter(f"{throttle_module.KEY_PREFIX}*"):
        store.redis.delete(key)
    shipped = side == SHIPPED
    throttle.per_account = throttle_module.PER_ACCOUNT if shipped else 100_000
    throttle.per_address = throttle_module.PER_ADDRESS if shipped else 100_000
    passwords._checks = threading.BoundedSemaphore(passwords.CHECKS_AT_ONCE if shipped else n)
    counted = {"n": 0}
    real_hasher = passwords._hasher

    class Counting:
        def verify(self, *a: Any) -> Any:
            counted["n"] += 1
            return real_hasher.verify(*a)

        def __getattr__(self, name: str) -> Any:
            return getattr(real_hasher, name)

    passwords._hasher = Counting()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current size
        before = _rss_kib("VmRSS")
        results = pool.submit(burst_sign_ins, port, n).result()
        peak = _rss_kib("VmHWM")
    finally:
        passwords._hasher = real_hasher
        passwords._checks = threading.BoundedSemaphore(passwords.CHECKS_AT_ONCE)
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    times = [ms for _, ms in results]
    return Burst(side, statuses, counted["n"], (peak - before) / 1024, pct(times, 50),
                 max(times))


# -- the server, in this process -----------------------------------------------------------


@dataclass
class AccessSwitch:
    """Takes the access layer out of the running app and puts it back, between rounds (no
    request in flight), so both sides run on the same server, data, caches and warm-up."""

    server: Any
    principal: Any
    port: int
    shipped: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from flask import g
        from flask.sessions import SecureCookieSessionInterface

        from access import guard

        before = self.server.before_request_funcs[None]
        after = self.server.after_request_funcs[None]
        if guard.check not in before or guard._csrf_cookie not in after:
            raise RuntimeError("access.guard is not installed as this bench expects")
        principal = self.principal

        def fixed_principal() -> None:
            """What the views read (access.identity), without deciding anything."""
            g.principal = principal

        self.shipped = {"before": list(before), "after": list(after),
                        "session": self.server.session_interface}
        self.baseline = {
            "before": [fixed_principal if f is guard.check else f for f in before],
            "after": [f for f in after if f is not guard._csrf_cookie
                      and getattr(f, "__module__", "") != "access.headers"],
            "session": SecureCookieSessionInterface()}

    def use(self, mode: str) -> None:
        chosen = self.shipped if mode == SHIPPED else self.baseline
        self.server.before_request_funcs[None] = list(chosen["before"])
        self.server.after_request_funcs[None] = list(chosen["after"])
        self.server.session_interface = chosen["session"]


def start_app(settings: Any) -> tuple[Any, Any, Any]:
    """The app on SQLite + embedded Redis with the demo city and one operator."""

    from access import users
    from app import create_app
    from data_access.db import make_engine, upgrade_schema
    from data_access.seed import seed_devices
    from serving.server import ServerThread

    engine = make_engine(settings)
    upgrade_schema(engine)
    dash_app = create_app(settings)
    store = dash_app.server.extensions["cityops"]
    seed_devices(engine, store.config, None, settings.seed)
    users.create_user(store.engine, USER, "operator", PASSWORD, (),
                      [d.id for d in store.config.domains])
    server = ServerThread(dash_app.server)
    server.start()
    engine.dispose()
    return dash_app, store, server


def sign_in(url: str) -> dict[str, str]:
    """Cookies of a browser signed in through /login that has opened a page (which gives it
    the CSRF cookie dash-renderer sends back as X-CSRFToken)."""
    import requests

    browser = requests.Session()
    form = browser.get(f"{url}/login", timeout=TIMEOUT_S)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    answer = browser.post(f"{url}/login", data={"name": USER, "password": PASSWORD,
                                                "csrf_token": token},
                          allow_redirects=False, timeout=TIMEOUT_S)
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in failed: HTTP {answer.status_code}")
    browser.get(f"{url}/", timeout=TIMEOUT_S)
    return {"cityops_session": browser.cookies["cityops_session"],
            "_csrf_token": browser.cookies["_csrf_token"]}


def raw_request(port: int, method: str, path: str, body: dict | None,
                cookies: dict[str, str] | None) -> bytes:
    """The bytes a browser would send: the signed-in one with its cookies (and the CSRF
    header on a callback), the baseline with none."""
    data = orjson.dumps(body) if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}",
             "Accept-Encoding: gzip, deflate",
             "Accept: " + ("application/json" if body is not None else "text/html,*/*")]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if method == "POST":
            lines.append(f"X-CSRFToken: {cookies['_csrf_token']}")
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def check_answers(url: str, switch: AccessSwitch, cookies: dict[str, str]) -> list[str]:
    """Both sides answer every endpoint (their decoded sizes, to compare), and the shipped
    side still refuses the same request without its session or CSRF header: the bench
    measures the access layer at work, not one it has switched off by mistake."""
    import requests

    notes = []
    for label, method, path, body in ENDPOINTS:
        sizes = {}
        for mode in (SHIPPED, BASELINE):
            switch.use(mode)
            signed = mode == SHIPPED
            answer = requests.request(
                method, url + path, json=body, allow_redirects=False, timeout=TIMEOUT_S,
                cookies=cookies if signed else None,
                headers={"X-CSRFToken": cookies["_csrf_token"]} if signed and body else {})
            if answer.status_code != 200 or (body and b"kpi-card" not in answer.content):
                raise RuntimeError(f"{mode} {path}: HTTP {answer.status_code}")
            sizes[mode] = len(answer.content)
        switch.use(SHIPPED)
        bare = requests.request(method, url + path, json=body, allow_redirects=False,
                                cookies=cookies if body else None, timeout=TIMEOUT_S)
        if bare.status_code not in (302, 401, 403):
            raise RuntimeError(f"shipped {path} without session/CSRF: HTTP {bare.status_code}")
        notes.append(f"{label.split()[0]} {sizes[SHIPPED]:,} / {sizes[BASELINE]:,} bytes "
                     f"(refused {bare.status_code} without {'CSRF' if body else 'session'})")
    return notes


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    # "inclusive": a percentile of a few sign-ins stays within the times seen
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


@dataclass
class Figure:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def rps(self) -> float:
        return (len(self.latencies_ms) + len(self.errors)) / self.wall_s if self.wall_s else 0.0


def measure(pool: ProcessPoolExecutor, switch: AccessSwitch, raws: dict[str, bytes],
            total: int, clients: int, rounds: int) -> dict[str, Figure]:
    """`total` requests per side in `rounds` alternating chunks (shipped first, then
    baseline first, ...), so a slow patch of the machine hits both sides alike."""
    figures = {SHIPPED: Figure(), BASELINE: Figure()}
    chunk = -(-total // rounds)
    for r in range(rounds):
        for mode in (SHIPPED, BASELINE) if r % 2 == 0 else (BASELINE, SHIPPED):
            switch.use(mode)
            n = min(chunk, total - r * chunk)
            latencies, errors, wall = pool.submit(run_load, switch.port, raws[mode], n,
                                                  clients).result()
            figures[mode].latencies_ms += latencies
            figures[mode].errors += errors
            figures[mode].wall_s += wall
    switch.use(SHIPPED)
    return figures


def redis_calls(redis: Any) -> dict[str, int]:
    stats = redis.info("commandstats")
    return {k.removeprefix("cmdstat_"): int(v["calls"]) for k, v in stats.items()
            if k != "cmdstat_info"}


def redis_per_request(pool: ProcessPoolExecutor, switch: AccessSwitch, redis: Any,
                      raw: bytes, n: int) -> dict[str, float]:
    """Redis commands per request (INFO commandstats before/after n sequential requests)."""
    before = redis_calls(redis)
    pool.submit(run_load, switch.port, raw, n, 1).result()
    after = redis_calls(redis)
    return {k: (v - before.get(k, 0)) / n for k, v in after.items() if v != before.get(k, 0)}


def fmt_ms(value: float) -> str:
    return f"{value:7.2f} ms" if value < 100 else f"{value:7.0f} ms"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.access_overhead", description=__doc__)
    p.add_argument("--requests", type=int, default=2000, help="per endpoint, side and run")
    p.add_argument("--clients", type=int, default=16, help="connections of the concurrent run")
    p.add_argument("--rounds", type=int, default=8, help="alternating chunks per figure")
    p.add_argument("--sign-ins", type=int, default=20, help="of each kind")
    p.add_argument("--redis-requests", type=int, default=300)
    p.add_argument("--burst", type=int, default=40, help="wrong sign-ins at once")
    args = p.parse_args(argv)
    given = " ".join(argv if argv is not None else sys.argv[1:])
    print(f"command : .venv/bin/python -m bench.access_overhead {given}".rstrip())
    print(f"machine : {os.cpu_count()} CPUs, {platform.platform()}, Python "
          f"{platform.python_version()}")
    print("server  : uvicorn (serving.server.ServerThread) in the bench process; load from a "
          "separate process (asyncio, keep-alive HTTP/1.1, Accept-Encoding gzip); SQLite + "
          "embedded Redis; demo city seeded, no telemetry flowing")
    print("shipped : signed in as an operator through /login (Argon2id); every request passes "
          "access.guard.check, Flask-Login loads the user from the Redis session (5 s user "
          "cache), the callback carries X-CSRFToken (Flask-WTF), the session is re-saved to "
          "Redis each request")
    print(f"baseline: {BASELINE_SAYS}")
    print(f"runs    : {args.requests} requests per endpoint and side, sequential (1 client) "
          f"and concurrent ({args.clients} clients), in {args.rounds} alternating rounds")
    print(f"load    : {_load_average()} at start (other work on this machine shows here)")
    sys.stdout.flush()

    from access import passwords, users
    from data_access.redis_conn import shutdown_embedded
    from data_access.settings import Settings

    results: list[tuple[str, int, dict[str, Figure]]] = []
    with tempfile.TemporaryDirectory(prefix="cityops-access-bench-") as tmp, \
            ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        settings = Settings(var_dir=Path(tmp) / "var")
        started = time.perf_counter()
        dash_app, store, server = start_app(settings)
        try:
            port = server.httpd.server_port
            throttle = dash_app.server.extensions["cityops_login_throttle"]
            # 40 refused sign-ins from one address in a row must be answered, not throttled
            # (429 skips the password check this bench times).
            throttle.per_account = throttle.per_address = 100_000
            cookies = sign_in(server.url)
            principal = users.find_user(store.engine, USER).principal()
            switch = AccessSwitch(dash_app.server, principal, port)
            notes = check_answers(server.url, switch, cookies)
            print("answers : 200 on both sides; decoded size shipped / baseline: "
                  + "; ".join(notes))
            print(f"setup   : {time.perf_counter() - started:.1f} s", file=sys.stderr)

            for label, method, path, body in ENDPOINTS:
                raws = {SHIPPED: raw_request(port, method, path, body, cookies),
                        BASELINE: raw_request(port, method, path, body, None)}
                measure(pool, switch, raws, 100, 4, 2)  # warm: imports, caches, threads
                for clients in (1, args.clients):
                    figures = measure(pool, switch, raws, args.requests, clients, args.rounds)
                    results.append((label, clients, figures))
                    s, b = figures[SHIPPED], figures[BASELINE]
                    print(f"  {label.split()[0]} x{clients}: p50 {pct(s.latencies_ms, 50):.2f} "
                          f"vs {pct(b.latencies_ms, 50):.2f} ms, {s.rps:.0f} vs {b.rps:.0f} "
                          f"req/s", file=sys.stderr)

            redis_rows = []
            for label, method, path, body in ENDPOINTS:
                per = {}
                for mode in (SHIPPED, BASELINE):
                    switch.use(mode)
                    raw = raw_request(port, method, path, body,
                                      cookies if mode == SHIPPED else None)
                    per[mode] = redis_per_request(pool, switch, store.redis, raw,
                                                  args.redis_requests)
                switch.use(SHIPPED)
                redis_rows.append((label, per))

            sign_in_times = pool.submit(time_sign_ins, port, args.sign_ins).result()
            bursts = [measure_burst(pool, port, store, throttle, side, args.burst)
                      for side in (SHIPPED, BASELINE, BASELINE, SHIPPED)]
            stored_hash = _stored_hash(store.engine)
            verify_ms = []
            for _ in range(10):
                start = time.perf_counter()
                passwords.verify(stored_hash, PASSWORD + "!")
                verify_ms.append((time.perf_counter() - start) * 1000)
        finally:
            server.stop()
            store.engine.dispose()
            with contextlib.suppress(Exception):
                shutdown_embedded(settings)

    _print_latency(results)
    _print_redis(redis_rows, args.redis_requests)
    _print_sign_ins(sign_in_times, verify_ms)
    _print_bursts(bursts, args.burst)
    print(f"\nload average {_load_average()} at the end; wall time "
          f"{time.perf_counter() - started:.0f} s")
    return 0


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _stored_hash(engine: Any) -> str:
    from sqlalchemy import select

    from data_access.models import User

    with engine.connect() as conn:
        return conn.execute(select(User.password_hash).where(User.name == USER)).scalar_one()


def _print_latency(results: list[tuple[str, int, dict[str, Figure]]]) -> None:
    print()
    print(f"{'endpoint':<44} {'clients':>7} {'side':<9} {'p50':>10} {'p95':>10} "
          f"{'req/s':>7} {'errors':>6}   shipped/baseline")
    for label, clients, figures in results:
        s, b = figures[SHIPPED], figures[BASELINE]
        for mode, f in ((SHIPPED, s), (BASELINE, b)):
            ratio = ""
            if mode == SHIPPED:
                ratio = (f"p50 {pct(s.latencies_ms, 50) / pct(b.latencies_ms, 50):.2f}x "
                         f"({pct(s.latencies_ms, 50) - pct(b.latencies_ms, 50):+.2f} ms), "
                         f"p95 {pct(s.latencies_ms, 95) / pct(b.latencies_ms, 95):.2f}x, "
                         f"req/s {s.rps / b.rps:.2f}x")
            print(f"{label if mode == SHIPPED else '':<44} "
                  f"{clients if mode == SHIPPED else '':>7} {mode:<9} "
                  f"{fmt_ms(pct(f.latencies_ms, 50))} {fmt_ms(pct(f.latencies_ms, 95))} "
                  f"{f.rps:>7.0f} {len(f.errors):>6}   {ratio}")


def _print_redis(rows: list[tuple[str, dict[str, dict[str, float]]]], n: int) -> None:
    print()
    print(f"Redis commands per request (INFO commandstats, before/after {n} sequential "
          "requests; server-wide, so background work of the app counts on both sides)")
    print(f"{'endpoint':<44} {'shipped':>8} {'baseline':>9} {'added':>7}   added by command")
    for label, per in rows:
        s, b = per[SHIPPED], per[BASELINE]
        added = {k: s.get(k, 0) - b.get(k, 0) for k in sorted(set(s) | set(b))}
        added = {k: v for k, v in added.items() if abs(v) >= 0.005}
        detail = ", ".join(f"{k} {v:+.2f}" for k, v in added.items()) or "none"
        print(f"{label:<44} {sum(s.values()):>8.2f} {sum(b.values()):>9.2f} "
              f"{sum(s.values()) - sum(b.values()):>+7.2f}   {detail}")


def _print_sign_ins(times: dict[str, tuple[list[float], set[int]]],
                    verify_ms: list[float]) -> None:
    print()
    n = len(next(iter(times.values()))[0])
    print(f"sign-in: POST /login through the form, {n} of each kind, interleaved")
    print(f"{'attempt (HTTP status)':<44} {'p50':>10} {'p95':>10} {'min':>10} {'max':>10}")
    rows = [(f"{kind} ({', '.join(map(str, sorted(codes)))})", values)
            for kind, (values, codes) in times.items()]
    rows.append(("Argon2id verify alone (in process, 10x)", verify_ms))
    for name, values in rows:
        print(f"{name:<44} {fmt_ms(pct(values, 50))} {fmt_ms(pct(values, 95))} "
              f"{fmt_ms(min(values))} {fmt_ms(max(values))}")
    right = pct(times["right password"][0], 50)
    print(f"p50 wrong/right {pct(times['wrong password'][0], 50) / right:.2f}x, "
          f"unknown/right {pct(times['unknown name'][0], 50) / right:.2f}x")


def _print_bursts(bursts: list[Burst], n: int) -> None:
    from access.passwords import CHECKS_AT_ONCE
    from access.throttle import PER_ADDRESS

    print()
    print(f"a burst of {n} wrong sign-ins at once from one address (rounds: shipped, "
          "baseline, baseline, shipped)")
    print(f"  shipped : claimed in Redis before the hash ({PER_ADDRESS} per address), at most "
          f"{CHECKS_AT_ONCE} Argon2id checks at once")
    print("  baseline: as before issue 18: every attempt hashed (checked, then counted), no "
          "bound on checks at once")
    print(f"{'side':<9} {'answers':<20} {'checked':>7} {'peak +MiB':>10} {'p50':>10} "
          f"{'max':>10}")
    for b in bursts:
        answers = ", ".join(f"{n} x {s}" for s, n in sorted(b.statuses.items()))
        print(f"{b.side:<9} {answers:<20} {b.checks:>7} {b.peak_mib:>10.0f} "
              f"{fmt_ms(b.p50_ms)} {fmt_ms(b.max_ms)}")
    s = statistics.median(b.peak_mib for b in bursts if b.side == SHIPPED)
    base = statistics.median(b.peak_mib for b in bursts if b.side == BASELINE)
    print(f"peak memory added, median: shipped {s:.0f} MiB, baseline {base:.0f} MiB "
          f"({base / s if s > 0 else float('inf'):.1f}x)")


if __name__ == "__main__":
    raise SystemExit(main())
