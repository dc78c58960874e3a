"""Domain pages in Chromium: every domain at the five sizes (the department head's laptop
mode), once on the wall and the tablet; the trend range picker; the device table."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from components.domain_page import PAGES
from tests.browser.conftest import ARTIFACTS, SIZES
from tests.browser.contrast import contrast_failures
from tests.browser.test_device_page import DEVICE, wait_for_first_report

pytestmark = pytest.mark.browser
DOMAINS = ("traffic", "waste", "energy", "water", "flood", "air", "buildings", "network")


def open_domain(live_app, open_page, domain: str, size: str, mode: str = "laptop"):
    wait_for_first_report(live_app["store"], DEVICE)
    page = open_page(f"{live_app['url']}/domains/{domain}?lang=en&mode={mode}", *SIZES[size])
    expect(page.locator(f".shell.mode-{mode}")).to_be_visible()
    return page


def check_domain(page, store, domain: str, mode: str = "laptop") -> None:
    config = store.config
    title = config.domain_by_id[domain].name["en"]
    expect(page.locator(".page-title")).to_have_text(f"{config.domain_by_id[domain].glyph}{title}")
    expect(page.locator(".dom-kpi").first).to_be_visible(timeout=15_000)
    # Every KPI card says what span and time its figure refers to.
    for foot in page.locator(".dom-kpi .kpi-foot").all_text_contents():
        assert ":" in foot, foot
    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator(".town-icon, .dev-icon:not(.town-gathered), "
                        ".cluster-icon:not(.town-gathered)").first).to_be_visible(timeout=10_000)
    if mode == "wall":  # the domain now, on one screen: trends and table are for a desk
        expect(page.locator(".dom-panel").first).to_be_visible(timeout=15_000)
        expect(page.locator(".domain-trends-wrap")).to_be_hidden()
        expect(page.locator("#domain-devices")).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
        return
    page.locator(".domain-trends-wrap").scroll_into_view_if_needed()
    expect(page.locator(".trend-chart")).to_have_count(len(PAGES[domain].trends),
                                                       timeout=15_000)
    grid = page.locator("#domain-devices")
    grid.scroll_into_view_if_needed()
    devices = store.devices()
    scope = len(devices[devices["domain"] == domain])
    rows = grid.locator(".ag-center-cols-container .ag-row")
    expect(rows.first).to_be_visible(timeout=15_000)
    if scope <= 12:  # a taller table scrolls: only part of it is drawn
        expect(rows).to_have_count(scope)


@pytest.mark.parametrize("domain", DOMAINS)
def test_domain_page_at_every_size(live_app, open_page, domain):
    """Loaded once, then seen at each of the five sizes (the layout is responsive CSS)."""
    page = open_domain(live_app, open_page, domain, "laptop")
    check_domain(page, live_app["store"], domain)
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        for part in (".dom-kpi", ".leaflet-container", ".trend-chart", "#domain-devices"):
            expect(page.locator(part).first).to_be_attached()
        expect(page.locator(".dom-kpi").first).to_be_in_viewport()
        # The whole page once, at the laptop size it is made for; the screen's worth at others.
        page.screenshot(path=str(ARTIFACTS / f"domain-{domain}-laptop-{size}.png"),
                        full_page=size == "laptop")
        assert contrast_failures(page) == [], size
    assert page.errors == []


@pytest.mark.parametrize("mode,size", [("wall", "wall-4k"), ("tablet", "tablet-portrait")])
@pytest.mark.parametrize("domain", ("flood", "traffic"))
def test_domain_page_on_the_wall_and_tablet(live_app, open_page, domain, mode, size):
    page = open_domain(live_app, open_page, domain, size, mode)
    check_domain(page, live_app["store"], domain, mode)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"domain-{domain}-{mode}-{size}.png"))
    assert contrast_failures(page) == []
    assert page.errors == []


def test_range_picker_redraws_and_asks_for_custom_dates(live_app, open_page):
    page = open_domain(live_app, open_page, "flood", "laptop")
    chart = page.locator(".trend-chart").first
    expect(chart).to_be_visible(timeout=15_000)
    page.get_by_text("7 days", exact=True).click()
    expect(chart.locator(".xtick").first).to_be_visible()
    page.get_by_text("Custom", exact=True).click()
    error = page.locator("#domain-range-error")
    expect(error).to_contain_text("Pick a start and an end date")
    for field, day in (("start", "18/11/2026"), ("end", "21/11/2026")):
        box = page.locator(f".domain-trends-wrap .dash-datepicker-{field}-date")
        box.fill(day)
        box.press("Tab")
    expect(error).to_be_empty()
    expect(page.locator(".trend-chart")).to_have_count(len(PAGES["flood"].trends))
    assert page.errors == []


def test_every_domain_tab_opens_its_page(live_app, open_page):
    page = open_domain(live_app, open_page, "traffic", "tablet-landscape", "tablet")
    page.locator(".domain-tab", has_text="Air quality").click()
    expect(page.locator(".page-title")).to_contain_text("Air quality")
    box = page.locator(".domain-tab").first.bounding_box()
    assert box["height"] >= 44  # a finger, not a mouse
    assert page.errors == []


def test_an_overview_figure_opens_its_domain_page(live_app, open_page):
    wait_for_first_report(live_app["store"], DEVICE)
    page = open_page(f"{live_app['url']}/?lang=en&mode=tablet", *SIZES["tablet-landscape"])
    page.locator("#kpi-waste").click()
    expect(page.locator(".page-title")).to_contain_text("Waste")
    expect(page.locator(".dom-kpi").first).to_be_visible(timeout=15_000)
    assert page.errors == []
