"""Map at city scale in headless Chromium: CityOps' data path against a naive baseline.

For each city size it measures, in one run and on the same data:
  first render   navigation -> the first frame with every domain on the map (clusters or
                 markers carrying its glyph), in a new browser context (nothing cached)
  map ready      navigation -> the first frame with, for CityOps, every domain's own layer
                 drawn (the first view from the server's grid gone) and the device ids in
  return visit   first render after leaving the page and coming back in that context (what
                 the browser cached kept)
  map bytes      bytes as sent (compression included) of the map's data: positions, device
                 ids and statuses, and the page layout / callback replies that carry them
  refresh        1 % of devices change status -> request start of the reply that carries the
                 change -> the last change of the map's DOM it causes
CityOps sends positions once (cached gzipped geobuf per domain) and statuses as deltas applied
in the browser. The baseline embeds the device list as clustered GeoJSON with a status per
feature and re-sends all of it on every refresh (what a plain Dash map does). The machine is
noisy: CityOps is measured `--rounds` times per size and the medians are reported.

    .venv/bin/python -m bench.map_render                 # 10k, 100k, 250k devices
    .venv/bin/python -m bench.map_render --sizes 10000   # quicker
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import dash_leaflet as dl
from dash import Dash, Input, Output, dcc, html

from bench.signin import sign_in_browser
from callbacks.alarm_push import stop_push
from data_access import streams
from data_access.db import make_engine, upgrade_schema
from data_access.redis_conn import shutdown_embedded
from data_access.seed import seed_devices
from data_access.settings import ROOT, Settings
from serving.server import ServerThread

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         # Map tiles cannot load here: refuse them at once. Not with Playwright's page.route,
         # which turns the HTTP cache off (the return visit measures what it keeps).
         "--host-resolver-rules=MAP tile.openstreetmap.org ~NOTFOUND", "--no-proxy-server"]
CHROMIUM = os.environ.get("CITYOPS_CHROMIUM", "/usr/bin/chromium")
REFRESH_MS = 1000
VIEWPORT = {"width": 1920, "height": 1080}
TIMEOUT_S = 120
OURS = "CityOps (geobuf once + status deltas)"
NAIVE = "naive (GeoJSON re-sent every refresh)"


@dataclass
class Figures:
    approach: str
    devices: int
    first_render_s: float | None
    map_ready_s: float | None
    return_visit_s: float | None
    map_bytes: int
    refresh_ms: float | None
    refresh_bytes: int


# -- the baseline -----------------------------------------------------------------------
def naive_app(store) -> Dash:
    """A plain Dash map: full clustered GeoJSON with statuses, re-sent every refresh."""
    app = Dash(__name__, assets_folder=str(Path(__file__).parent / "naive_assets"),
               compress=True, update_title=None)
    app.css.config.serve_locally = True
    domains = store.config.domains

    def collections() -> list[dict]:
        frame = store.status_frame()
        out = []
        for d in domains:
            rows = frame[frame["domain"] == d.id]
            out.append({"type": "FeatureCollection", "features": [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": {"id": i, "status": s}}
                for i, lat, lon, s in zip(rows["id"], rows["lat"], rows["lon"], rows["status"],
                                          strict=True)]})
        return out

    def layout():
        layers = [dl.GeoJSON(id=f"naive-{d.id}", data=fc, cluster=True,
                             pointToLayer={"variable": "naive.point"},
                             clusterToLayer={"variable": "naive.cluster"},
                             hideout={"color": d.color, "glyph": d.glyph},
                             superClusterOptions={"radius": 56, "maxZoom": 17})
                  for d, fc in zip(domains, collections(), strict=True)]
        return html.Div([
            html.Link(rel="stylesheet", href="/cityops-css"),
            dl.Map(layers, center=list(store.config.city.center), zoom=12,
                   style={"height": "100vh"}, zoomSnap=0.25),
            dcc.Interval(id="tick", interval=REFRESH_MS),
        ])

    app.layout = layout
    app.server.add_url_rule("/cityops-css", "css", lambda: (
        (ROOT / "assets" / "cityops.css").read_text(), 200, {"Content-Type": "text/css"}))

    @app.callback([Output(f"naive-{d.id}", "data") for d in domains], Input("tick", "n_intervals"),
                  prevent_initial_call=True)
    def refresh(_n):
        return collections()

    return app


# -- the city ---------------------------------------------------------------------------
def build_city(n: int, var_dir: Path):
    from app import create_app

    settings = Settings(var_dir=var_dir, devices=n, refresh_ms=REFRESH_MS)
    engine = make_engine(settings)
    upgrade_schema(engine)
    dash_app = create_app(settings)
    store = dash_app.server.extensions["cityops"]
    seed_devices(engine, store.config, n, settings.seed)
    ids = list(store.devices()["id"])
    now = time.time()
    for i in range(0, len(ids), 20_000):
        streams.write_last_seen(store.redis, {d: now for d in ids[i:i + 20_000]})
    return dash_app, store, ids


def make_offline(store, ids: list[str], share: float, seed: int) -> None:
    """1 % of devices fall silent: their last report moves an hour back."""
    rng = random.Random(seed)
    chosen = rng.sample(ids, max(1, int(len(ids) * share)))
    streams.write_last_seen(store.redis, {d: time.time() - 3600 for d in chosen})


# -- measuring in the browser -----------------------------------------------------------
OBSERVE = """() => {
  window.__muts = [];
  const pane = document.querySelector('.leaflet-marker-pane');
  new MutationObserver(() => window.__muts.push(performance.timeOrigin + performance.now()))
    .observe(pane, {subtree: true, childList: true, attributes: true});
}"""
# Installed in every page before its own scripts: the times, from navigation, of the first
# frame showing every domain's glyph (first render) and of the first frame with, for CityOps,
# every domain's own layer drawn and the device ids in (map ready; the baseline: the same
# frame). Asked at most once per frame in which the page changed, right after that frame is
# painted (a task queued from requestAnimationFrame): no polling lag.
FRAMES = """(glyphs) => {
  window.__drawnAt = null; window.__readyAt = null;
  const shown = () => {
    const seen = new Set([...document.querySelectorAll('.dev > span, .cluster-glyph')]
                         .map(e => e.textContent.trim()));
    [...document.querySelectorAll('.dev, .cluster')]
      .forEach(e => seen.add(e.textContent.trim()[0]));
    return glyphs.every(g => seen.has(g));
  };
  const ready = () => {
    const map = window.cityops && window.cityops.map;
    return !map || !map.named || (map.named() && map.layersDrawn() >= glyphs.length);
  };
  let asked = false;
  const ask = () => {
    if (asked || window.__readyAt !== null) { return; }
    asked = true;
    requestAnimationFrame(() => setTimeout(() => {  // after that frame is painted
      asked = false;
      const now = performance.now();
      if (window.__drawnAt === null && shown()) { window.__drawnAt = now; }
      if (window.__drawnAt !== null && ready()) { window.__readyAt = now; }
    }));
  };
  new MutationObserver(ask).observe(document, {subtree: true, childList: true, attributes: true});
  setInterval(ask, 100);  // the ids arriving change nothing on screen when no marker is alone
}"""


def measure(browser, url: str, glyphs: list[str], is_map_data, is_refresh, change,
            sign_in=None) -> tuple:
    context = browser.new_context(viewport=VIEWPORT)
    if sign_in is not None:
        sign_in(context)  # before the clock starts: a screen is signed in once, not per view
    watch_frames(context, glyphs)
    page = context.new_page()
    # Every response the map's data arrives in; sizes as sent (compressed, headers included).
    finished: list = []
    page.on("requestfinished", lambda r: finished.append(r) if is_map_data(r.url) else None)
    first, ready = time_to_drawn(page, url)
    page.wait_for_timeout(1500)
    map_bytes = 0
    for request in finished:
        sizes = request.sizes()
        map_bytes += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    refresh_ms, refresh_bytes = None, 0
    if first is not None:
        page.evaluate(OBSERVE)
        changed_at = time.time() * 1000
        change()
        try:
            with page.expect_response(lambda r: is_refresh(r, changed_at),
                                      timeout=TIMEOUT_S * 1000) as info:
                pass
            response = info.value
            response.finished()  # the timing's responseEnd is known only once the body is in
            timing = response.request.timing
            begin = timing["startTime"] + max(timing["requestStart"], 0)
            end = timing["startTime"] + timing["responseEnd"]
            refresh_bytes = int(response.headers.get("content-length") or len(response.body()))
            page.wait_for_timeout(REFRESH_MS * 0.9)
            muts = [m for m in page.evaluate("window.__muts") if end <= m <= end + REFRESH_MS * 0.9]
            refresh_ms = (max(muts) if muts else end) - begin
        except Exception as exc:
            print(f"  refresh not measured: {exc!r}"[:200], file=sys.stderr)
    again = None
    if first is not None:
        page.goto("about:blank")  # away and back: a navigation, not a reload
        again, _ready = time_to_drawn(page, url)
    context.close()
    return first, ready, again, map_bytes, refresh_ms, refresh_bytes


def watch_frames(context, glyphs: list[str]) -> None:
    context.add_init_script(f"({FRAMES})({json.dumps(glyphs)})")


def time_to_drawn(page, url: str) -> tuple[float | None, float | None]:
    """Seconds from navigation to the first render and to the map ready (None: timed out)."""
    page.goto(url, wait_until="commit")
    with contextlib.suppress(Exception):  # timed out: what was reached is reported
        page.wait_for_function("() => window.__readyAt !== null", timeout=TIMEOUT_S * 1000,
                               polling=100)
    times = page.evaluate("[window.__drawnAt, window.__readyAt]")
    return tuple(None if t is None else t / 1000 for t in times)


def ours_refresh(response, changed_at: float) -> bool:
    if "_dash-update-component" not in response.url:
        return False
    body = response.request.post_data or ""
    if '"map-status"' not in body.split('"inputs"')[0]:
        return False
    if response.request.timing["startTime"] < changed_at:
        return False
    reply = response.text()
    return '"delta"' in reply and '"delta": {}' not in reply and '"delta":{}' not in reply


def naive_refresh(response, changed_at: float) -> bool:
    return ("_dash-update-component" in response.url
            and response.request.timing["startTime"] > changed_at + 50)


def run_size(browser, n: int, rounds: int) -> list[Figures]:
    with tempfile.TemporaryDirectory(prefix="cityops-map-bench-") as tmp:
        t0 = time.perf_counter()
        dash_app, store, ids = build_city(n, Path(tmp) / "var")
        glyphs = [d.glyph for d in store.config.domains]
        print(f"  {n:,} devices seeded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        ours = ServerThread(dash_app.server)
        ours.start()
        base = ServerThread(naive_app(store).server)  # reads the same Store, without its cache
        base.start()
        # Screens visit a running server: warm it (caches, imports) with one visit each first.
        def sign_in(context) -> None:
            sign_in_browser(context, store.engine, ours.url)

        for url in (ours.url + "/?lang=en", base.url + "/"):
            warm_context = browser.new_context()
            sign_in(warm_context)
            watch_frames(warm_context, glyphs)
            time_to_drawn(warm_context.new_page(), url)  # a page too slow to warm: measured so
            warm_context.close()
        def dash_replies(u: str) -> bool:
            return "_dash-update-component" in u or "_dash-layout" in u

        def ours_data(u: str) -> bool:
            return "/api/v1/map/" in u or dash_replies(u)

        ours_run = (OURS, ours.url + "/?lang=en", ours_data, ours_refresh, 1, sign_in)
        naive = (NAIVE, base.url + "/", dash_replies, naive_refresh, 2, None)
        runs: dict[str, list[Figures]] = {}
        # CityOps `rounds` times (medians reported: the machine is noisy), then the baseline,
        # several times slower, once: last, as the browser is slower for a while after it.
        for k, (name, url, is_data, is_refresh, seed, signer) in enumerate(
                [ours_run] * rounds + [naive]):
            first, ready, again, size, refresh, refresh_bytes = measure(
                browser, url, glyphs, is_data, is_refresh,
                lambda seed=seed + 10 * k: make_offline(store, ids, 0.01, seed), signer)
            runs.setdefault(name, []).append(
                Figures(name, n, first, ready, again, size, refresh, refresh_bytes))
            print(f"  {n:,} {name}: first {first}, ready {ready}, again {again}, {size:,} B, "
                  f"refresh {refresh} ms", file=sys.stderr)
        out = [median_of(figures) for figures in runs.values()]
        stop_push(dash_app.server)
        ours.stop()
        base.stop()
        shutdown_embedded()
        return out


def median_of(figures: list[Figures]) -> Figures:
    """Each figure's median over the rounds (a timeout counts as slower than any time)."""
    def mid(values: list) -> float | None:
        ranked = sorted(values, key=lambda v: math.inf if v is None else v)
        return ranked[(len(ranked) - 1) // 2]

    first = figures[0]
    return Figures(first.approach, first.devices,
                   mid([f.first_render_s for f in figures]),
                   mid([f.map_ready_s for f in figures]),
                   mid([f.return_visit_s for f in figures]),
                   int(mid([f.map_bytes for f in figures])),
                   mid([f.refresh_ms for f in figures]),
                   int(mid([f.refresh_bytes for f in figures])))


def ratio_of(slow: float | None, fast: float | None) -> str:
    return f"{slow / fast:.2f}x" if slow and fast else "n/a"


def fmt(x, unit: str, scale: float = 1.0, digits: int = 2) -> str:
    return "timeout" if x is None else f"{x * scale:,.{digits}f} {unit}"


def main(argv: list[str] | None = None) -> int:

    p = argparse.ArgumentParser(prog="python -m bench.map_render", description=__doc__)
    p.add_argument("--sizes", default="10000,100000,250000")
    p.add_argument("--rounds", type=int, default=3,
                   help="measurements of CityOps per size (medians reported)")
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print("command : " + shlex.join([".venv/bin/python", "-m", "bench.map_render",
                                     *(sys.argv[1:] if argv is None else argv)]))
    print(f"machine : {os.cpu_count()} CPUs, {platform.platform()}, Chromium headless "
          f"{VIEWPORT['width']}x{VIEWPORT['height']}, refresh every {REFRESH_MS} ms")
    from playwright.sync_api import sync_playwright

    rows: list[Figures] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for n in sizes:
            rows += run_size(browser, n, args.rounds)
        browser.close()
    print()
    print(f"{'devices':>8}  {'approach':<40} {'first render':>13} {'map ready':>10} "
          f"{'return visit':>13} "
          f"{'map bytes':>12} {'refresh (1 %)':>14} {'refresh bytes':>14}")
    for r in rows:
        print(f"{r.devices:>8,}  {r.approach:<40} {fmt(r.first_render_s, 's'):>13} "
              f"{fmt(r.map_ready_s, 's'):>10} {fmt(r.return_visit_s, 's'):>13} "
              f"{r.map_bytes / 1e6:>9.2f} MB "
              f"{fmt(r.refresh_ms, 'ms', digits=0):>14} "
              f"{r.refresh_bytes / 1e3:>11.1f} kB")
    print()
    for n in sizes:
        by = {r.approach: r for r in rows if r.devices == n}
        ours, naive = by[OURS], by[NAIVE]
        ratio = (f"{naive.refresh_ms / ours.refresh_ms:.1f}x faster"
                 if ours.refresh_ms and naive.refresh_ms else "n/a")
        print(f"{n:>8,}  refresh: {ratio}; map bytes: "
              f"{naive.map_bytes / max(ours.map_bytes, 1):.1f}x fewer; first render: "
              f"{fmt(ours.first_render_s, 's')} vs {fmt(naive.first_render_s, 's')} "
              f"({ratio_of(naive.first_render_s, ours.first_render_s)}); map ready: "
              f"{fmt(ours.map_ready_s, 's')} vs {fmt(naive.map_ready_s, 's')} "
              f"({ratio_of(naive.map_ready_s, ours.map_ready_s)}); return visit: "
              f"{fmt(ours.return_visit_s, 's')} vs {fmt(naive.return_visit_s, 's')} "
              f"({ratio_of(naive.return_visit_s, ours.return_visit_s)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
