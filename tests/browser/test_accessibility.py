"""The accessibility gate: axe-core on every page, at a tablet and a laptop, in both
languages, signed in as who would see it (the wall's pages are checked in wall mode as the
wall walks them: tests/browser/test_wall_flood.py). No critical or serious violation may
remain. On the Greek walk, every page is also read for English left on it (tests/browser/
latin.py): Latin-script words other than names and units.

One page object per view (size, mode, language) walks every page: axe reads the DOM as it
stands, so the page is given its key content first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.conftest import SIZES
from tests.browser.latin import city_names, english_on
from tests.browser.test_device_page import DEVICE

pytestmark = pytest.mark.browser

# Every page at a laptop in English and at a portrait tablet in Greek (the rules read the
# markup, which the sizes change little: the modes and the language do).
VIEWS = [("laptop", "laptop", "en"), ("tablet-portrait", "tablet", "el")]
STAFF_PAGES = ["/", "/map", "/alarms", "/city", "/reports", "/admin", "/admin/intake",
               f"/devices/{DEVICE}"]
READY = "main h1, main h2, main .leaflet-container, main .kpi-card"


def pages(config) -> list[str]:
    return STAFF_PAGES + [f"/domains/{d.id}" for d in config.domains]


def drawn(page, path: str) -> None:
    """The page's own content is there (a domain's figures come by callback)."""
    expect(page.locator(READY).locator("visible=true").first).to_be_visible(timeout=20_000)
    if path.startswith("/domains/"):
        expect(page.locator(".dom-kpi").first).to_be_visible(timeout=20_000)
    # AG Grid draws in two steps; axe reads the grid once it is whole.
    page.wait_for_function("() => !document.querySelector('.ag-delay-render')")


@pytest.mark.parametrize(("size", "mode", "lang"), VIEWS)
def test_no_serious_violation_on_any_staff_page(live_app, open_page, size, mode, lang):
    width, height = SIZES[size]
    found: dict[str, list[str]] = {}
    english: dict[str, dict[str, str]] = {}
    page = None
    for path in pages(live_app["store"].config):
        url = f"{live_app['url']}{path}?lang={lang}&mode={mode}"
        if page is None:
            page = open_page(url, width, height)  # as an administrator: every page
        else:
            page.goto(url)
        drawn(page, path)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
        if lang == "el" and (words := english_on(page, city_names(live_app["store"].config))):
            english[path] = words
    assert not found, "\n".join(f"{path}: {v}" for path, vs in found.items() for v in vs)
    assert not english, "English on Greek pages:\n" + "\n".join(
        f"{path}: {word!r} in {where!r}" for path, ws in english.items()
        for word, where in ws.items())


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
        if lang == "el" and (words := english_on(page)):
            found.setdefault(path, []).append(f"English left: {words}")
    assert not found, "\n".join(f"{path}: {v}" for path, vs in found.items() for v in vs)
