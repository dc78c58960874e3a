"""The overview in a real browser at the five sizes, and live alarms arriving without reload."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from data_access import streams
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def test_greek_is_the_default_and_english_is_remembered(live_app, open_page):
    page = open_page(live_app["url"] + "/", 1440, 900)
    expect(page.locator(".city-name")).to_have_text("Χαλκίδα")
    expect(page.locator("#alarm-title")).to_have_text("Ενεργοί συναγερμοί")
    page.get_by_role("link", name="EN").click()
    expect(page.locator("#alarm-title")).to_have_text("Active alarms")
    page.goto(live_app["url"] + "/")
    expect(page.locator("#alarm-title")).to_have_text("Active alarms")
    assert page.errors == []


def test_alarm_from_an_outside_producer_appears_without_reload(live_app, open_page):
    page = open_page(live_app["url"] + "/?lang=en", 1920, 1080)
    expect(page.locator(".kpi-card").first).to_be_visible()
    store = live_app["store"]
    alarm_id = f"scada-analyser-{int(time.time() * 1000)}"
    # The city's only air station: alone in its layer, so it is a marker, never a cluster.
    station = "air_station-chalkida-00001"
    marker = page.locator(f'.dev-icon[data-device-id="{station}"] .dev')
    expect(marker).to_be_attached(timeout=10_000)
    expect(marker).not_to_have_class("dev dev-alarm")
    store.redis.xadd(streams.ALARMS, {
        "event": "raised", "alarm_id": alarm_id, "device_id": station,
        "domain": "air", "severity": "critical", "type": "analyser_fault",
        "message": "NOx analyser failed", "ts": datetime.now(UTC).isoformat(),
        "source": "scada",
    })
    item = page.locator(f'[data-alarm-id="{alarm_id}"]')
    expect(item).to_be_visible(timeout=10_000)
    expect(item).to_contain_text("NOx analyser failed")
    expect(item).to_contain_text("Critical")
    expect(page.locator("#alarm-counts .sev-critical")).not_to_have_class("zero")
    # Its marker turns to alarm without a reload.
    expect(page.locator(f'.dev-icon[data-device-id="{station}"] .dev-alarm')).to_be_attached(
        timeout=10_000)
    for event in ("acknowledged", "cleared"):  # leave the station normal for the next tests
        store.redis.xadd(streams.ALARMS, {"event": event, "alarm_id": alarm_id, "user": "test"})
    expect(item).to_have_count(0, timeout=10_000)
    assert page.errors == []


AIR_STATION = "air_station-chalkida-00001"
# What the map shows: markers and clusters, and the town centre's gatherings of them (a
# device gathered is drawn, and counted in its gathering, but not shown by itself).
SHOWN = ".town-icon, .dev-icon:not(.town-gathered), .cluster-icon:not(.town-gathered)"


def test_a_domain_toggle_hides_and_shows_its_devices(live_app, open_page):
    page = open_page(live_app["url"] + "/?lang=en", 1440, 900)
    marker = page.locator(f'.dev-icon[data-device-id="{AIR_STATION}"]')
    expect(marker).to_be_attached(timeout=10_000)
    toggle = page.locator(".leaflet-control-layers label", has_text="Air quality")
    toggle.locator("input").uncheck()
    expect(marker).to_have_count(0)
    expect(page.locator(SHOWN).first).to_be_visible()  # the rest stays
    toggle.locator("input").check()
    expect(marker).to_be_attached()
    assert page.errors == []


def test_a_marker_popup_shows_live_values_with_units(live_app, open_page):
    page = open_page(live_app["url"] + "/?lang=en", 1440, 900)
    marker = page.locator(f'.dev-icon[data-device-id="{AIR_STATION}"]')
    expect(marker).to_be_attached(timeout=10_000)
    marker.dispatch_event("click")  # another domain's cluster may overlap it on screen
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("City-centre air station")
    expect(popup).to_contain_text("µg/m³", timeout=10_000)
    expect(popup).to_contain_text("PM2.5")  # metrics by name, not by id (pm25)
    expect(popup).not_to_contain_text("pm25")
    expect(popup).to_contain_text("Last seen")
    assert page.errors == []


def font_px(page, selector: str) -> float:
    """The element's computed font size once it is drawn: a live refresh may replace the
    element between finding and reading it, and a detached one has no style."""
    return page.wait_for_function(
        """s => { const e = document.querySelector(s);
                  const px = e && e.isConnected ? parseFloat(getComputedStyle(e).fontSize) : 0;
                  return px > 0 ? px : null; }""", arg=selector).json_value()


def test_wall_mode_drops_navigation_and_is_remembered(live_app, open_page):
    page = open_page(live_app["url"] + "/?lang=en&mode=wall", 1920, 1080)
    expect(page.locator(".shell.mode-wall")).to_be_visible()
    expect(page.locator(".nav")).to_be_hidden()
    expect(page.locator("#alarm-title")).to_be_visible()
    wall_size = font_px(page, "#kpi-traffic .kpi-value")
    page.goto(live_app["url"] + "/")  # a restarted wall screen opens as a wall again
    expect(page.locator(".shell.mode-wall")).to_be_visible()
    page.goto(live_app["url"] + "/?mode=laptop")
    expect(page.locator(".nav")).to_be_visible()
    laptop_size = font_px(page, "#kpi-traffic .kpi-value")
    assert wall_size > 1.2 * laptop_size  # read from the back of the room
    assert page.errors == []


def test_tablet_mode_targets_are_big_enough_to_tap(live_app, open_page):
    page = open_page(live_app["url"] + "/?lang=en&mode=tablet", 768, 1024)
    expect(page.locator(".shell.mode-tablet")).to_be_visible()
    targets = page.locator(".nav-link, .lang-link, .leaflet-control-layers label, "
                           ".leaflet-control-zoom a")
    expect(targets.first).to_be_visible()
    for box in [targets.nth(i).bounding_box() for i in range(targets.count())]:
        assert box["height"] >= 44, box
    page.screenshot(path=str(ARTIFACTS / "overview-tablet-mode.png"))
    assert page.errors == []


def test_a_reading_over_threshold_recolours_its_marker_without_reload(live_app, open_page):
    """Telemetry in -> rule -> alarms stream -> alarm store -> status delta -> marker."""
    page = open_page(live_app["url"] + "/?lang=en", 1440, 900)
    marker = page.locator(f'.dev-icon[data-device-id="{AIR_STATION}"]')
    expect(marker).to_be_attached(timeout=10_000)
    in_alarm = page.locator(f'.dev-icon[data-device-id="{AIR_STATION}"] .dev-alarm')
    expect(in_alarm).to_have_count(0, timeout=10_000)  # normal before the reading
    store = live_app["store"]
    store.redis.xadd(streams.TELEMETRY, {
        "device_id": AIR_STATION, "ts": datetime.now(UTC).isoformat(),
        "values": '{"no2": 260.0, "pm10": 20.0}', "source": "test"})
    expect(in_alarm).to_be_attached(timeout=10_000)
    expect(page.locator(".alarm-item", has_text="NO₂ very poor")).to_be_visible()
    store.redis.xadd(streams.TELEMETRY, {  # back to normal: the alarm clears, the marker too
        "device_id": AIR_STATION, "ts": datetime.now(UTC).isoformat(),
        "values": '{"no2": 40.0, "pm10": 20.0}', "source": "test"})
    expect(in_alarm).to_have_count(0, timeout=10_000)
    assert page.errors == []


def test_device_search_flies_to_the_device(live_app, open_page):
    page = open_page(live_app["url"] + "/?lang=en", 1440, 900)
    expect(page.locator(SHOWN).first).to_be_visible(timeout=10_000)
    page.locator("#device-search").click()
    page.locator("input.dash-dropdown-search").fill("Vasiliko")
    page.get_by_role("option", name="Lilas river - Vasiliko bridge").click()
    marker = page.locator('.dev-icon[data-device-id="hydro_station-lilantio-00001"]')
    expect(marker).to_be_visible(timeout=10_000)
    page.wait_for_timeout(1500)  # the flight ends
    box = marker.bounding_box()
    map_box = page.locator(".leaflet-container").bounding_box()
    centre = (map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2)
    # Where the device stands: its icon less the nudge that keeps it off its neighbours.
    dx, dy = marker.evaluate("el => (el.style.translate || '0px 0px').split(' ')"
                             ".concat(['0px']).slice(0, 2).map(parseFloat)")
    assert abs(box["x"] + box["width"] / 2 - dx - centre[0]) < 40
    assert abs(box["y"] + box["height"] / 2 - dy - centre[1]) < 40
    # Panned, still close in, to another device of the same domain: the layer has markers
    # drawn and must draw the new place's as well.
    upstream = live_app["store"].device_row("hydro_station-lilantio-00002")
    page.evaluate("""([lat, lon]) => window.dash_clientside.set_props("city-map", {viewport:
        {center: [lat, lon], zoom: 18, transition: "panTo"}})""",
                  [float(upstream["lat"]), float(upstream["lon"])])
    expect(page.locator('.dev-icon[data-device-id="hydro_station-lilantio-00002"]')
           ).to_be_visible(timeout=10_000)
    assert page.errors == []


def test_the_legend_filters_devices_by_status(live_app, open_page):
    page = open_page(live_app["url"] + "/?lang=en", 1440, 900)
    marker = page.locator(f'.dev-icon[data-device-id="{AIR_STATION}"]')
    expect(marker).to_be_attached(timeout=10_000)
    expect(marker).to_have_attribute("data-status", "ok", timeout=10_000)
    page.locator(".legend-filter label", has_text="Normal").locator("input").uncheck()
    expect(marker).to_have_count(0)  # a normal device is hidden ...
    page.locator(".legend-filter label", has_text="Normal").locator("input").check()
    expect(marker).to_be_attached()  # ... and back
    assert page.errors == []
