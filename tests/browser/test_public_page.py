"""The citizens' page in Chromium, signed out: on a phone (390 x 844) and at the five sizes,
parking, air and flood with their times, the downloads and the licence; no operators'
menu or alarm feed; one column on the phone, 44 px targets, WCAG AA contrast, no console
errors. Loaded once per language and resized. Screenshots: test-artifacts/public-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, SIZES
from tests.browser.contrast import contrast_failures
from tests.browser.test_city_page import SMALL_TARGETS_JS
from tests.browser.test_device_page import DEVICE, wait_for_first_report

pytestmark = pytest.mark.browser
PHONE = (390, 844)
EAQI_BANDS = re.compile(r"^(Good|Fair|Moderate|Poor|Very poor|Extremely poor)$")
LEVELS = re.compile(r"^(Green|Yellow|Orange|Red)$")

# Ids inside the page that do not start with public- (the page's own rule).
FOREIGN_IDS_JS = """() => [...document.querySelectorAll('#public-root [id]')]
  .map(e => e.id).filter(id => !id.startsWith('public-'))"""
# Horizontal overflow: a phone reader must never scroll sideways.
OVERFLOW_JS = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(scope="module")
def public_url(live_app):
    """The live app's URL once app.py registers the public callbacks and routes; until
    then the same installation served by a second app that registers them."""
    if "public_index" in live_app["flask"].view_functions:
        yield live_app["url"]
        return
    from app import create_app
    from callbacks import open_data, public_page
    from serving.server import ServerThread

    dash_app = create_app(live_app["settings"])
    public_page.register(dash_app)
    open_data.register(dash_app)
    server = ServerThread(dash_app.server)
    server.start()
    yield server.url
    server.stop()


def wait_for_city(store) -> None:
    for device in (DEVICE, "parking_space-chalkida-00001", "air_station-chalkida-00001"):
        wait_for_first_report(store, device)


def check_public(page, config) -> None:
    expect(page.locator(".public-city")).to_have_text("Chalkida")
    expect(page.locator("#public-title")).to_have_text("The city right now")
    expect(page.locator("#public-parking-free")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("#public-parking")).to_contain_text("free spaces")
    expect(page.locator("#public-air-band")).to_have_text(EAQI_BANDS)
    expect(page.locator("#public-air")).to_contain_text("Set by ")
    expect(page.locator("#public-flood-city .public-badge")).to_have_text(LEVELS)
    for unit in config.city.units:
        expect(page.locator(f"#public-flood-{unit.id}")).to_contain_text(unit.name["en"])
    for part in ("parking", "air", "flood"):
        expect(page.locator(f"#public-{part} .public-asof")).to_have_text(
            re.compile(r"^(As of|Measured up to) \w{3} \d+ \w{3}, \d\d:\d\d$"))
    links = page.locator(".public-dl")
    expect(links).to_have_count(4)
    assert links.evaluate_all("ls => ls.map(l => l.getAttribute('href'))") == [
        "/api/v1/public/devices.csv", "/api/v1/public/devices.geojson",
        "/api/v1/public/aggregates.csv", "/api/v1/public"]
    expect(page.locator(".public-licence")).to_contain_text("Licence chosen by the city: CC BY 4.0")
    expect(page.locator(".public-privacy")).to_contain_text("No personal data")
    # The citizens' frame, not the operators': no menu, no alarms, no sign-in prompt.
    for internal in (".shell-header", ".nav", "#shell-alarms", ".alarm-panel", "#alarm-flash"):
        expect(page.locator(internal)).to_have_count(0)
    assert page.evaluate(FOREIGN_IDS_JS) == []


def test_public_page_on_a_phone_and_at_every_size(live_app, public_url, open_page):
    store = live_app["store"]
    wait_for_city(store)
    page = open_page(f"{public_url}/public?lang=en", *PHONE)
    check_public(page, store.config)
    assert page.title() == "Chalkida · Open data"
    # One column on the phone: the three answers stacked, nothing to scroll sideways.
    boxes = [page.locator(f"#public-{p}-section").bounding_box()
             for p in ("parking", "air", "flood")]
    assert len({round(b["x"]) for b in boxes}) == 1
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    assert page.evaluate(OVERFLOW_JS) <= 0
    # Readable at arm's length: body text at least 18 px, the free spaces at least 48 px.
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector("
                         "'.public-intro')).fontSize)") >= 18
    assert page.locator("#public-parking-free").bounding_box()["height"] >= 48
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "public-phone.png"), full_page=True)
    assert contrast_failures(page) == []
    assert page.evaluate(SMALL_TARGETS_JS) == []
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        expect(page.locator("#public-parking-section")).to_be_in_viewport()
        for part in ("#public-air-band", "#public-flood-city", ".public-dl", ".public-licence"):
            expect(page.locator(part).first).to_be_visible()
        assert page.evaluate(OVERFLOW_JS) <= 0, size
        page.screenshot(path=str(ARTIFACTS / f"public-{size}.png"),
                        full_page=not size.startswith("wall"))
        assert contrast_failures(page) == [], size
        assert page.evaluate(SMALL_TARGETS_JS) == [], size
    assert page.errors == []


def test_public_page_speaks_the_citys_language_and_switches(live_app, public_url, open_page):
    store = live_app["store"]
    wait_for_city(store)
    page = open_page(f"{public_url}/public", *PHONE)  # no ?lang=, no cookie: Greek
    expect(page.locator("#public-title")).to_have_text("Η πόλη τώρα")
    expect(page.locator("#public-parking")).to_contain_text("ελεύθερες θέσεις")
    expect(page.locator("#public-flood-lilantio")).to_contain_text("Ληλάντιο")
    expect(page.locator(".public-privacy")).to_contain_text("Χωρίς προσωπικά δεδομένα")
    page.screenshot(path=str(ARTIFACTS / "public-phone-greek.png"), full_page=True)
    assert contrast_failures(page) == []
    page.get_by_role("link", name="EN").click()
    expect(page.locator("#public-title")).to_have_text("The city right now")
    # A citizen downloads the devices file: a CSV named for the city.
    with page.expect_download() as download:
        page.locator(".public-dl").first.click()
    assert download.value.suggested_filename == "chalkida-devices-latest.csv"
    assert page.errors == []
