"""From XADD of a raised alarm on `cityops:alarms` to that alarm drawn on open overview pages.

CityOps pushes "alarms changed" to every screen (server-sent events, one Redis subscription
per web process) after the alarm store has committed; the baseline is plain polling every
5 seconds (the same app with push off). Both run here, one after the other, on the same
machine, with 1 and with 20 pages open at once in headless Chromium. Latency is measured
per alarm and per page: the browser notes when the alarm's list item appears (a
MutationObserver, wall-clock ms), the bench notes when it sent the XADD.

    .venv/bin/python -m bench.alarm_latency               # 100 alarms, 1 and 20 pages
    .venv/bin/python -m bench.alarm_latency --alarms 30   # quicker
    .venv/bin/python -m bench.alarm_latency --flood 3000 --pages 1,20

With `--flood N`, N critical alarms are put on the stream at once (one pipeline, as an
alarm flood arrives) instead, and what is measured per page is the time from the first XADD
until the page's critical count includes all N: the whole flood stored by the alarm store
and shown, on every page.

With `--active 5,500` the wall's bad day: before the measured alarms arrive, 5 (then 500)
major alarms are already active (raised 20 minutes earlier, over the city's devices), and
the pages are wall screens with the defaults' flash and sound on; push only, the same
measure, and the time until the flash band says the alarm, side by side. The work per alarm
per screen should not grow with the alarms already active.

    .venv/bin/python -m bench.alarm_latency --active 5,500 --alarms 30 --pages 1,20
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.signin import sign_in_browser
from callbacks.alarm_push import stop_push
from data_access import streams
from data_access.db import make_engine, upgrade_schema
from data_access.redis_conn import connect, shutdown_embedded
from data_access.seed import seed_devices
from data_access.settings import Settings
from serving.server import ServerThread

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
CHROMIUM = os.environ.get("CITYOPS_CHROMIUM", "/usr/bin/chromium")
DEVICE = "water_meter-avlida-00001"
SPACING_S = 1.0  # between two alarms (--spacing); even 1 a second is a flood by EEMUA's measure

WATCH = """() => {
  window.__seen = {};
  window.__announced = {};  // message -> when the flash band first said it
  const note = () => {
    for (const el of document.querySelectorAll('[data-alarm-id^="bench-"]')) {
      const id = el.dataset.alarmId;
      if (!(id in window.__seen)) { window.__seen[id] = Date.now(); }
    }
    const flash = document.getElementById('alarm-flash');
    const said = flash && !flash.hidden && flash.textContent.match(/Bench alarm \\d+/);
    if (said && !(said[0] in window.__announced)) { window.__announced[said[0]] = Date.now(); }
  };
  new MutationObserver(note).observe(document.body,
    {childList: true, subtree: true, characterData: true, attributes: true,
     attributeFilter: ['hidden']});
}"""


@contextlib.contextmanager
def served(settings: Settings):
    """The app, its workers (no simulator) and its server on `settings`, seeded; all stopped
    on the way out (push before Redis: the end is not an outage). Yields (store, server)."""
    from app import create_app
    from ingest.workers import Workers

    engine = make_engine(settings)
    upgrade_schema(engine)
    dash_app = create_app(settings)
    store = dash_app.server.extensions["cityops"]
    seed_devices(engine, store.config, None, settings.seed)
    workers = Workers(connect(settings), engine, store.config, simulate=False).start()
    server = ServerThread(dash_app.server)
    server.start()
    try:
        yield store, server
    finally:
        server.stop()
        stop_push(server.asgi.flask_app)
        workers.shutdown()
        with contextlib.suppress(Exception):
            shutdown_embedded(settings)


WATCH_FLOOD = """(target) => {
  window.__floodDone = null;
  const check = () => {
    const el = document.querySelector('#alarm-counts .sev-critical');
    const n = el ? parseInt(el.textContent.replace(/[^0-9]/g, ''), 10) : 0;
    if (n >= target && window.__floodDone === null) { window.__floodDone = Date.now(); }
  };
  new MutationObserver(check).observe(document.body,
    {childList: true, subtree: true, characterData: true});
  check();
}"""


def critical_count(page) -> int:
    text = page.inner_text("#alarm-counts .sev-critical")
    return int("".join(ch for ch in text if ch.isdigit()) or 0)


def open_pages(browser, url: str, store, pages: int, query: str = "") -> tuple[list, list]:
    contexts = [browser.new_context(viewport={"width": 1920, "height": 1080})
                for _ in range(pages)]
    opened = []
    for context in contexts:
        sign_in_browser(context, store.engine, url)
        page = context.new_page()
        page.goto(url + "/?lang=en" + query)
        page.wait_for_selector("#alarm-counts .sev-critical", timeout=60_000)
        opened.append(page)
    time.sleep(3)  # every page settled (first callbacks, event stream connected)
    return contexts, opened


def run_flood(browser, url: str, store, pages: int, alarms: int, tag: str) -> list[float]:
    """Per page, ms from the first XADD of the flood until its count shows all of it."""
    contexts, opened = open_pages(browser, url, store, pages)
    for page in opened:
        page.evaluate(WATCH_FLOOD, critical_count(page) + alarms)
    ids = [f"bench-{tag}-{k}" for k in range(alarms)]
    now = datetime.now(UTC).isoformat()
    sent = time.time() * 1000
    with store.redis.pipeline(transaction=False) as pipe:
        for k, alarm_id in enumerate(ids):
            pipe.xadd(streams.ALARMS, {
                "event": "raised", "alarm_id": alarm_id, "device_id": DEVICE,
                "domain": "water", "severity": "critical", "type": "bench",
                "message": f"Bench flood alarm {k}", "ts": now})
        pipe.execute()
    deadline = time.time() + 120
    done: list = [None] * pages
    while time.time() < deadline and None in done:
        done = [p.evaluate("window.__floodDone") for p in opened]
        time.sleep(0.2)
    if None in done:
        print(f"  {done.count(None)} pages did not show the whole flood within 120 s",
              file=sys.stderr)
    with store.redis.pipeline(transaction=False) as pipe:  # leave the list as it was
        for alarm_id in ids:
            pipe.xadd(streams.ALARMS, {"event": "cleared", "alarm_id": alarm_id})
            pipe.xadd(streams.ALARMS, {"event": "acknowledged", "alarm_id": alarm_id})
        pipe.execute()
    for context in contexts:
        context.close()
    time.sleep(3)
    return [d - sent for d in done if d is not None]


def raise_background(store, count: int) -> None:
    """`count` major alarms already active, raised 20 minutes ago over the city's devices,
    before anything is measured; waits until the alarm store holds them."""
    devices = store.devices()["id"].tolist()
    raised = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    before = len(store.active_alarms())
    with store.redis.pipeline(transaction=False) as pipe:
        for k in range(count):
            pipe.xadd(streams.ALARMS, {
                "event": "raised", "alarm_id": f"active-{k}",
                "device_id": devices[k % len(devices)], "severity": "major",
                "type": f"storm-{k % 4}", "message": f"Already active {k}", "ts": raised})
        pipe.execute()
    deadline = time.time() + 120
    while len(store.active_alarms()) < before + count and time.time() < deadline:
        time.sleep(0.2)


def run(browser, url: str, store, pages: int, alarms: int, tag: str,
        spacing_s: float = SPACING_S, query: str = "",
        announced: list[float] | None = None) -> list[float]:
    """ms from each XADD to the alarm's row on each page; with `announced` (a list to fill),
    also to the flash band saying it (alerts on)."""
    contexts, opened = open_pages(browser, url, store, pages, query)
    for page in opened:
        page.evaluate(WATCH)
    sent: dict[str, float] = {}
    for k in range(alarms):
        alarm_id = f"bench-{tag}-{k}"
        sent[alarm_id] = time.time() * 1000
        store.redis.xadd(streams.ALARMS, {  # a type each: a flood folds repeats of one type
            "event": "raised", "alarm_id": alarm_id, "device_id": DEVICE, "domain": "water",
            "severity": "critical", "type": f"bench-{k}", "message": f"Bench alarm {k}",
            "ts": datetime.now(UTC).isoformat()})
        time.sleep(spacing_s)
    deadline = time.time() + 20
    latencies: list[float] = []
    while time.time() < deadline:
        seen = [p.evaluate("window.__seen") for p in opened]
        if all(len(s) >= alarms for s in seen):
            break
        time.sleep(0.5)
    for s in seen:
        latencies += [s[a] - t for a, t in sent.items() if a in s]
    if announced is not None:  # the flash band: each alarm's words, once it says them
        for said in (p.evaluate("window.__announced") for p in opened):
            announced += [said[f"Bench alarm {k}"] - sent[f"bench-{tag}-{k}"]
                          for k in range(alarms) if f"Bench alarm {k}" in said]
    missing = alarms * pages - len(latencies)
    if missing:
        print(f"  {missing} alarm sightings missing after 20 s", file=sys.stderr)
    for alarm_id in sent:  # leave the list as it was
        store.redis.xadd(streams.ALARMS, {"event": "cleared", "alarm_id": alarm_id})
        store.redis.xadd(streams.ALARMS, {"event": "acknowledged", "alarm_id": alarm_id})
    for context in contexts:
        context.close()
    time.sleep(2)
    return latencies


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:

    from playwright.sync_api import sync_playwright

    p = argparse.ArgumentParser(prog="python -m bench.alarm_latency", description=__doc__)
    p.add_argument("--alarms", type=int, default=100)
    p.add_argument("--pages", default="1,20")
    p.add_argument("--spacing", type=float, default=SPACING_S, help="seconds between alarms")
    p.add_argument("--flood", type=int, default=0, help="N alarms at once instead")
    p.add_argument("--active", default="",
                   help="e.g. 5,500: alarms already active, wall screens, push only")
    args = p.parse_args(argv)
    if args.active:
        return main_active(args, [int(x) for x in args.active.split(",")], argv)
    page_counts = [int(x) for x in args.pages.split(",")]
    print(f"command : {sys.executable.split('/')[-1]} -m bench.alarm_latency "
          f"{' '.join(argv or sys.argv[1:])}")
    load = (f"a flood of {args.flood} alarms at once" if args.flood
            else f"{args.alarms} alarms {args.spacing * 1000:.0f} ms apart")
    print(f"machine : {os.cpu_count()} CPUs, {platform.platform()}, Chromium headless, {load}")
    results = []
    approaches = [("CityOps push (server-sent events)", True, 2000),
                  ("baseline: polling every 5 s", False, 5000)]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name, push, refresh in approaches:
            with tempfile.TemporaryDirectory(prefix="cityops-alarm-bench-") as tmp:
                settings = Settings(var_dir=Path(tmp) / "var", push=push, refresh_ms=refresh,
                                    alert_severities=())
                with served(settings) as (store, server):
                    for n in page_counts:
                        lat = (run_flood(browser, server.url, store, n, args.flood,
                                         f"{int(push)}-{n}") if args.flood else
                               run(browser, server.url, store, n, args.alarms,
                                   f"{int(push)}-{n}", args.spacing))
                        results.append((name, n, pct(lat, 50), pct(lat, 95), len(lat)))
                        print(f"  {name}, {n} pages: p50 {pct(lat, 50):.0f} ms, "
                              f"p95 {pct(lat, 95):.0f} ms", file=sys.stderr)
        browser.close()
    print()
    print(f"{'approach':<36} {'pages':>5} {'p50':>9} {'p95':>9} {'sightings':>10}")
    for name, n, p50, p95, count in results:
        print(f"{name:<36} {n:>5} {p50:>6.0f} ms {p95:>6.0f} ms {count:>10}")
    print()
    for n in page_counts:
        ours = next(r for r in results if r[1] == n and r[0].startswith("CityOps"))
        base = next(r for r in results if r[1] == n and r[0].startswith("baseline"))
        print(f"{n:>3} pages: p95 {base[3] / ours[3]:.1f}x lower, p50 {base[2] / ours[2]:.1f}x "
              f"lower than polling")
    return 0


def main_active(args: argparse.Namespace, counts: list[int], argv: list[str] | None) -> int:
    """The same alarms on wall screens with few and with many alarms already active."""
    from playwright.sync_api import sync_playwright

    page_counts = [int(x) for x in args.pages.split(",")]
    print(f"command : {sys.executable.split('/')[-1]} -m bench.alarm_latency "
          f"{' '.join(argv or sys.argv[1:])}")
    print(f"machine : {os.cpu_count()} CPUs, {platform.platform()}, Chromium headless, wall "
          f"screens (1920x1080, ?mode=wall), push; {args.alarms} critical alarms "
          f"{args.spacing * 1000:.0f} ms apart on top of {' or '.join(map(str, counts))} "
          "active major alarms")
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for active in counts:
            with tempfile.TemporaryDirectory(prefix="cityops-alarm-bench-") as tmp:
                # The defaults: a critical alarm flashes and sounds on every screen.
                settings = Settings(var_dir=Path(tmp) / "var", push=True, refresh_ms=2000)
                with served(settings) as (store, server):
                    raise_background(store, active)
                    for n in page_counts:
                        said: list[float] = []
                        lat = run(browser, server.url, store, n, args.alarms,
                                  f"a{active}-{n}", args.spacing, "&mode=wall", said)
                        results.append((active, n, pct(lat, 50), pct(lat, 95), len(lat),
                                        pct(said, 50), pct(said, 95)))
                        print(f"  {active} active, {n} pages: p50 {pct(lat, 50):.0f} ms, "
                              f"p95 {pct(lat, 95):.0f} ms; announced p95 "
                              f"{pct(said, 95):.0f} ms", file=sys.stderr)
        browser.close()
    print()
    print(f"{'':>19} {'in the list':^21} {'':>10} {'announced (flash)':^21}")
    print(f"{'active alarms':>13} {'pages':>5} {'p50':>9} {'p95':>9} {'sightings':>10} "
          f"{'p50':>9} {'p95':>9}")
    for active, n, p50, p95, count, a50, a95 in results:
        print(f"{active:>13} {n:>5} {p50:>6.0f} ms {p95:>6.0f} ms {count:>10} "
              f"{a50:>6.0f} ms {a95:>6.0f} ms")
    print()
    few, many = counts[0], counts[-1]
    for n in page_counts:
        a = next(r for r in results if r[0] == few and r[1] == n)
        b = next(r for r in results if r[0] == many and r[1] == n)
        print(f"{n:>3} pages: p95 with {many} active / with {few} active: {b[3] / a[3]:.2f}x "
              f"in the list, {b[6] / a[6]:.2f}x announced")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
