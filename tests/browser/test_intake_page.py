"""The data intake page in a real browser, as an integrator uses it: uplinks of a device not
yet registered are refused; found on the page by reason and by DevEUI; the device is given
its DevEUI; the entries are sent again after a confirmation and become the device's
readings. The page at the five sizes, in both languages, readable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from data_access import device_registry, streams
from data_access.models import Reading
from tests.browser.conftest import ARTIFACTS, SIZES
from tests.browser.contrast import contrast_failures
from tests.browser.test_admin_page import fits

pytestmark = pytest.mark.browser

DEVICE = "bin_sensor-chalkida-00002"
EUI = "a84041000181c0de"  # in the dash-separated spelling below, as an integrator may type it
TITLE = {"en": "Data intake", "el": "Εισροή δεδομένων"}


def open_intake(open_page, app, width=1440, height=900, lang="en", mode="laptop"):
    page = open_page(f"{app['url']}/admin/intake?lang={lang}&mode={mode}", width, height)
    expect(page.locator(".page-title")).to_have_text(TITLE[lang], timeout=20_000)
    expect(page.locator("#intake-shown")).not_to_be_empty(timeout=20_000)  # first search done
    return page


def wait_until(check, timeout_s: float = 60.0) -> None:
    """Poll a condition the running ingest will make true (no fixed sleeps)."""
    import time

    end = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.1)


def readings_of(app, times: list[datetime]) -> int:
    """The device's fill-level readings at the refused uplinks' times."""
    with app["store"].engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Reading).where(
            Reading.device_id == DEVICE, Reading.metric == "fill_level",
            Reading.value == 61.5, Reading.ts.in_(times))).scalar_one()


def test_refused_uplinks_are_found_by_devEUI_and_sent_again_once_registered(live_app,
                                                                           open_page):
    r = live_app["store"].redis
    at = datetime.now(UTC) - timedelta(minutes=1)
    times = [at + timedelta(seconds=i) for i in range(3)]
    uplinks = [{"dev_eui": EUI, "device_id": "lorawan-bin-7", "source": "chirpstack",
                "ts": ts.isoformat(), "values": orjson.dumps({"fill_level": 61.5}).decode()}
               for ts in times]
    for u in uplinks:
        r.xadd(streams.TELEMETRY, u)
    wait_until(lambda: sum(1 for _, f in r.xrevrange(streams.DEADLETTER, count=500)
                           if f.get(b"dev_eui") == EUI.encode()) == 3)

    page = open_intake(open_page, live_app)
    sources = page.locator("#intake-sources")
    expect(sources.locator("tr", has_text="chirpstack")).to_be_visible()
    expect(sources.locator("tr", has_text="Simulator")).to_be_visible()
    page.locator("#intake-device").fill("A8-40-41-00-01-81-C0-DE")
    page.locator("#intake-device").press("Enter")
    grid = page.locator(".intake-dead-grid")
    expect(grid.locator(".ag-center-cols-container .ag-row")).to_have_count(3)
    first = grid.locator(".ag-center-cols-container .ag-row").first
    expect(first).to_be_visible()
    expect(first).to_contain_text("Unknown device (unknown_device)")
    expect(page.locator("#intake-shown")).to_have_text("3 entries.")
    page.screenshot(path=str(ARTIFACTS / "intake-refused.png"), full_page=True)

    store = live_app["store"]
    device_registry.set_dev_eui(store.engine, DEVICE, EUI)
    store.forget_devices()  # as the admin page and `flask devices set-eui` do
    try:
        page.once("dialog", lambda dialog: dialog.accept())  # "Send every refused entry…?"
        page.locator("#intake-resend").click()
        expect(page.locator("#intake-msg")).to_have_text("Sent again: 3. Left (not whole): 0.")
        wait_until(lambda: readings_of(live_app, times) == 3)  # the ingest took them this time
        expect(page.locator("#intake-shown")).to_have_text("0 entries.")
        expect(grid.get_by_text("No refused entry matches.", exact=True)).to_be_visible()
        assert page.errors == []
    finally:
        device_registry.set_dev_eui(store.engine, DEVICE, None)
        store.forget_devices()


def test_sending_again_needs_a_reason_or_a_device(live_app, open_page):
    page = open_intake(open_page, live_app)
    expect(page.locator("#intake-resend")).to_be_disabled()
    page.locator("#intake-reason").click()
    page.get_by_role("option", name="Unknown device (unknown_device)").click()
    expect(page.locator("#intake-resend")).to_be_enabled()
    assert page.errors == []


@pytest.mark.parametrize("lang", ["en", "el"])
def test_the_page_at_every_size(live_app, open_page, lang):
    r = live_app["store"].redis
    r.hincrby(streams.UNMAPPED_COUNT, DEVICE, 4)
    r.hset(streams.UNMAPPED_SAMPLE, DEVICE, orjson.dumps({"Bat_V": "3.1", "light": 12}))
    page = None
    try:
        for size, (width, height) in SIZES.items():
            mode = "wall" if size.startswith("wall") else (
                "tablet" if size.startswith("tablet") else "laptop")
            if page is None:
                page = open_intake(open_page, live_app, width, height, lang, mode)
            else:
                page.set_viewport_size({"width": width, "height": height})
                page.goto(f"{live_app['url']}/admin/intake?lang={lang}&mode={mode}")
                expect(page.locator(".page-title")).to_have_text(TITLE[lang])
            expect(page.locator("#intake-table tbody tr")).to_have_count(2)
            unmapped = page.locator(".intake-unmapped-grid")
            unmapped.scroll_into_view_if_needed()
            row = unmapped.locator(".ag-row", has_text=DEVICE)
            expect(row).to_be_visible()
            expect(row).to_contain_text("Bat_V, light")
            button = page.locator("#intake-resend").bounding_box()
            assert button["height"] >= (44 if mode == "tablet" else 24)
            fits(page, width)
            page.screenshot(path=str(ARTIFACTS / f"intake-{lang}-{size}.png"), full_page=True)
            assert contrast_failures(page) == []
        assert page.errors == []
    finally:
        r.hdel(streams.UNMAPPED_COUNT, DEVICE)
        r.hdel(streams.UNMAPPED_SAMPLE, DEVICE)
