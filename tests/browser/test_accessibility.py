"""The accessibility gate: axe-core on every page, at a wall, a tablet and a laptop, in both
languages, signed in as who would see it. No critical or serious violation may remain.

One page object per view (size, mode, language) walks every page: axe reads the DOM as it
stands, so the page is given its key content first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.conftest import SIZES
from tests.browser.test_device_page import DEVICE

pytestmark = pytest.mark.browser

# Every page at a laptop in English and at a portrait tablet in Greek; at a wall, the pages
# a wall shows (the rules read the markup, which the sizes change little: the modes do).
VIEWS = [("laptop", "laptop", "en", "all"), ("tablet-portrait", "tablet", "el", "all"),
         ("wall-fhd", "wall", "en", "wall")]
WALL_PAGES = ["/", "/map", "/city", "/domains/flood", "/domains/traffic"]
STAFF_PAGES = ["/", "/map", "/alarms", "/city", "/reports", "/admin", "/admin/intake",
               f"/devices/{DEVICE}"]
READY = "main h1, main h2, main .leaflet-container, main .kpi-card"


def pages(config, which: str) -> list[str]:
    if which == "wall":
        return WALL_PAGES
    return STAFF_PAGES + [f"/domains/{d.id}" for d in config.domains]


@pytest.mark.parametrize(("size", "mode", "lang", "which"), VIEWS)
def test_no_serious_violation_on_any_staff_page(live_app, open_page, size, mode, lang, which):
    width, height = SIZES[size]
    found: dict[str, list[str]] = {}
    page = None
    for path in pages(live_app["store"].config, which):
        url = f"{live_app['url']}{path}?lang={lang}&mode={mode}"
        if page is None:
            page = open_page(url, width, height)  # as an administrator: every page
        else:
            page.goto(url)
        expect(page.locator(READY).locator("visible=true").first).to_be_visible(timeout=20_000)
        page.wait_for_load_state("networkidle")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, "\n".join(f"{path}: {v}" for path, vs in found.items() for v in vs)


@pytest.mark.parametrize("lang", ["en", "el"])
def test_no_serious_violation_on_the_public_pages(live_app, open_page, lang):
    found: dict[str, list[str]] = {}
    page = None
    for path in ("/public", "/login"):
        url = f"{live_app['url']}{path}?lang={lang}"
        if page is None:
            page = open_page(url, *SIZES["laptop"], role=None)
        else:
            page.goto(url)
        expect(page.locator("h1, h2").first).to_be_visible(timeout=20_000)
        page.wait_for_load_state("networkidle")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, "\n".join(f"{path}: {v}" for path, vs in found.items() for v in vs)
