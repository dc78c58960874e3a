"""Every page, in every display mode, at the five sizes: key content visible, no console
errors, WCAG AA text contrast. Screenshots land in test-artifacts/ to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, SIZES
from tests.browser.contrast import contrast_failures
from tests.browser.test_device_page import DEVICE, wait_for_first_report

pytestmark = pytest.mark.browser
MODES = ("wall", "tablet", "laptop")


def check_overview(page, config) -> None:
    expect(page.locator(".kpi-card")).to_have_count(len(config.domains))
    expect(page.locator("#kpi-traffic .kpi-value")).to_be_visible()
    check_map(page)
    expect(page.locator("#alarm-title")).to_have_text("Active alarms")
    # Every domain's devices reach the map, as markers or clusters carrying its glyph.
    glyphs = set(page.locator(".dev > span, .cluster-glyph, .town-glyph").all_inner_texts())
    assert glyphs >= {d.glyph for d in config.domains}
    page.locator(".alarm-panel").scroll_into_view_if_needed()
    expect(page.locator(".alarm-panel")).to_be_visible()


def check_map(page, config=None) -> None:
    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator(".leaflet-control-layers")).to_be_visible()
    expect(page.locator(".map-legend")).to_be_visible()
    expect(page.locator(".town-icon, .dev-icon:not(.town-gathered), "
                        ".cluster-icon:not(.town-gathered)").first).to_be_visible(timeout=10_000)
    expect(page.locator(".unit-label", has_text="Lilantio")).to_be_visible()


def check_map_page(page, config) -> None:
    check_map(page)
    side = page.locator(".map-side")
    side.scroll_into_view_if_needed()
    expect(side.locator(".filter-group")).to_have_count(2)
    expect(side.get_by_text("LoRaWAN")).to_be_visible()


def check_device(page, config) -> None:
    expect(page.locator(".page-title")).to_have_text("Lilas river - Vasiliko bridge")
    expect(page.locator(".value-card", has_text="Water level")).to_be_visible(timeout=10_000)
    expect(page.locator(".history-chart").first).to_be_visible(timeout=10_000)
    page.locator(".device-alarms").scroll_into_view_if_needed()
    expect(page.locator(".device-alarms")).to_be_visible()


def check_alarms(page, config) -> None:
    expect(page.locator(".alarm-grid .ag-header")).to_be_visible(timeout=10_000)
    expect(page.locator("#ack-selected")).to_be_visible()
    expect(page.locator(".alarm-detail")).to_be_visible()
    page.locator(".alarm-health").scroll_into_view_if_needed()
    expect(page.locator(".health-card")).to_have_count(5)


PAGES = {"overview": ("/", check_overview), "map": ("/map", check_map_page),
         "device": (f"/devices/{DEVICE}", check_device), "alarms": ("/alarms", check_alarms)}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_in_every_mode_and_size(live_app, open_page, name, mode):
    """The page opened afresh at each size (it lays itself out for the screen it opens on),
    in one browser context per page and mode: after the first size its scripts come from
    the browser's cache, as on a screen that has seen the page before."""
    path, check = PAGES[name]
    wait_for_first_report(live_app["store"], DEVICE)
    url = f"{live_app['url']}{path}?lang=en&mode={mode}"
    page = None
    for size, (width, height) in SIZES.items():
        if page is None:
            page = open_page(url, width, height)
        else:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(url)
        expect(page.locator(f".shell.mode-{mode}")).to_be_visible()
        check(page, live_app["store"].config)
        if size == next(iter(SIZES)):
            page.wait_for_timeout(1200)  # at least one live refresh runs before we judge
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{mode}-{size}.png"))
        assert contrast_failures(page) == [], size
        assert page.errors == [], size


def test_the_contrast_check_catches_low_contrast_text(live_app, open_page):
    page = open_page(f"{live_app['url']}/map?lang=en", 1440, 900)
    expect(page.locator(".map-side")).to_be_visible()
    assert contrast_failures(page) == []
    page.evaluate("""() => { const p = document.createElement('p');
        p.textContent = 'grey on grey'; p.style.color = '#555'; p.style.background = '#333';
        document.querySelector('.map-side').appendChild(p); }""")
    assert [f for f in contrast_failures(page) if "grey on grey" in f]
