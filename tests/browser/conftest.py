"""A live CityOps (SQLite + embedded Redis, workers and simulator running) and headless
Chromium from Debian, driven by Playwright."""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from callbacks.alarm_push import stop_push
from data_access.db import make_engine, upgrade_schema
from data_access.redis_conn import connect, shutdown_embedded
from data_access.seed import seed_devices
from data_access.settings import ROOT, Settings

CHROMIUM = os.environ.get("CITYOPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
# The five sizes every page must work at: wall (2), tablet (2), laptop.
SIZES = {
    "wall-fhd": (1920, 1080),
    "wall-4k": (3840, 2160),
    "tablet-landscape": (1024, 768),
    "tablet-portrait": (768, 1024),
    "laptop": (1440, 900),
}
ARTIFACTS = ROOT / "test-artifacts"
CSP_WATCH = """document.addEventListener('securitypolicyviolation', (e) => console.error(
    'CSP violation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline')
    + ' at ' + e.sourceFile + ':' + e.lineNumber));"""
# A 1x1 transparent PNG: map tiles cannot load on these machines, so tests serve a blank
# tile instead of letting every tile request fail (which the browser logs as an error).
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="
)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[dict]:
    from app import create_app
    from ingest.backfill import backfill
    from ingest.workers import Workers, load_sim_devices
    from serving.server import ServerThread

    var = tmp_path_factory.mktemp("live") / "var"
    # The map's first view from the first device: the demo city is small, and the browser
    # tests must see the path a large city takes.
    settings = Settings(var_dir=var, refresh_ms=1000, first_view_devices=0)
    engine = make_engine(settings)
    upgrade_schema(engine)
    dash_app = create_app(settings)
    store = dash_app.server.extensions["cityops"]
    seed_devices(engine, store.config, None, settings.seed)
    # A few days of history, so trend charts, KPIs over time and reports have data to show.
    backfill(engine, store.config, load_sim_devices(engine), settings.seed, days=3)
    workers = Workers(connect(settings), engine, store.config, seed=settings.seed).start()
    server = ServerThread(dash_app.server)
    server.start()
    yield {"url": server.url, "store": store, "settings": settings, "flask": dash_app.server,
           "sessions": {}}
    stop_push(dash_app.server)  # before its Redis goes: the end is not an outage to log
    server.stop()
    workers.shutdown()
    shutdown_embedded(settings)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (make test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


def session_cookie(app: dict, role: str) -> dict:
    """A signed-in session of a user with `role` (made and signed in through the real form
    once per test run), as a cookie for a browser context."""
    if role not in app["sessions"]:
        from tests.integration.helpers import signed_in

        domains = ("flood", "air") if role == "department_head" else ()
        client = signed_in(app["flask"].test_client(), app["store"], role, domains)
        cookie = client.get_cookie("cityops_session")
        app["sessions"][role] = {"name": cookie.key, "value": cookie.value, "url": app["url"]}
    return app["sessions"][role]


@pytest.fixture
def open_page(browser, live_app):
    """Open a page at a size, signed in as `role` (None: nobody); collects console errors
    and page errors into page.errors."""
    contexts = []

    def _open(url: str, width: int, height: int, role: str | None = "admin"):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        if role is not None:
            context.add_cookies([session_cookie(live_app, role)])
        # Every page runs under the app's Content-Security-Policy: a violation is an error.
        context.add_init_script(CSP_WATCH)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.route("**/tile.openstreetmap.org/**",
                   lambda route: route.fulfill(body=BLANK_TILE, content_type="image/png"))
        page.goto(url)
        return page

    yield _open
    for context in contexts:
        context.close()
