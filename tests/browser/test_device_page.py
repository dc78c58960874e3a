"""The device page: live values, history charts and its alarms, at every size."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from data_access import streams

pytestmark = pytest.mark.browser
DEVICE = "hydro_station-lilantio-00001"


def wait_for_first_report(store, device_id: str) -> None:
    """The simulator's first round takes a few seconds after the live app starts."""
    for _ in range(100):
        if store.redis.hexists(streams.LATEST, device_id):
            return
        time.sleep(0.2)
    raise AssertionError(f"{device_id} never reported")


def test_device_page_history_range_and_alarms(live_app, open_page):
    wait_for_first_report(live_app["store"], DEVICE)
    page = open_page(f"{live_app['url']}/devices/{DEVICE}?lang=en", 1440, 900)
    expect(page.locator(".page-title")).to_have_text("Lilas river - Vasiliko bridge")
    expect(page.locator(".history-chart").first).to_be_visible(timeout=10_000)
    expect(page.locator(".history-chart")).to_have_count(3)  # level, velocity, discharge
    # Named as a person says them, in the order of the value cards above the charts.
    expect(page.locator(".value-name")).to_have_text(["Water level", "Flow velocity",
                                                      "Discharge"])
    expect(page.locator(".history-chart .gtitle")).to_have_text(
        ["Water level (m)", "Flow velocity (m/s)", "Discharge (m³/s)"])
    page.get_by_text("7 days", exact=True).click()
    expect(page.locator(".history-chart").first).to_be_visible()
    expect(page.locator(".device-alarms")).to_be_visible()
    assert page.errors == []


def test_popup_leads_to_the_device_page(live_app, open_page):
    wait_for_first_report(live_app["store"], "air_station-chalkida-00001")
    page = open_page(live_app["url"] + "/?lang=en", 1440, 900)
    marker = page.locator('.dev-icon[data-device-id="air_station-chalkida-00001"]')
    expect(marker).to_be_attached(timeout=10_000)  # drawn; in the centre, gathered
    marker.dispatch_event("click")
    page.locator(".popup-link").click()
    expect(page).to_have_url(f"{live_app['url']}/devices/air_station-chalkida-00001?lang=en")
    expect(page.locator(".history-chart").first).to_be_visible(timeout=10_000)
    assert page.errors == []


def test_an_unknown_device_says_so(live_app, open_page):
    page = open_page(live_app["url"] + "/devices/nope?lang=en", 1440, 900)
    expect(page.locator(".page-title")).to_have_text("Unknown device")
    assert page.errors == []
