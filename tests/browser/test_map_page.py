"""The map page's filters, a domain view, wall rotation, and a wall screen that carries on
by itself after the server restarts."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from data_access import streams
from tests.browser.axe import axe_rule
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
AIR_STATION = "air_station-chalkida-00001"  # cellular, in the Chalkida unit
HYDRO = "hydro_station-lilantio-00001"  # cellular, in Lilantio


GLYPHS = ".cluster-glyph, .dev > span, .town-glyph"  # a domain's mark, wherever it is shown


def marker(page, device_id: str):
    return page.locator(f'.dev-icon[data-device-id="{device_id}"]')


def test_the_unit_filter_hides_other_units_devices(live_app, open_page):
    page = open_page(live_app["url"] + "/map?lang=en", 1440, 900)
    expect(marker(page, AIR_STATION)).to_be_attached(timeout=10_000)
    chalkida = page.locator("#unit-filter label", has_text="Chalkida").locator("input")
    chalkida.uncheck()
    expect(marker(page, AIR_STATION)).to_have_count(0)
    expect(marker(page, HYDRO)).to_be_attached()  # Lilantio stays
    chalkida.check()
    expect(marker(page, AIR_STATION)).to_be_attached()
    assert page.errors == []


def test_the_connectivity_filter_hides_cellular_devices(live_app, open_page):
    page = open_page(live_app["url"] + "/map?lang=en", 1440, 900)
    expect(marker(page, AIR_STATION)).to_be_attached(timeout=10_000)
    page.locator("#conn-filter label", has_text="NB-IoT").locator("input").uncheck()
    expect(marker(page, AIR_STATION)).to_have_count(0)
    expect(marker(page, HYDRO)).to_have_count(0)
    # LoRaWAN devices stay: the parking sensors' clusters still carry their glyph.
    expect(page.locator(GLYPHS, has_text="P").locator("visible=true").first).to_be_visible()
    assert page.errors == []


def test_a_domain_view_opens_with_that_domain_only(live_app, open_page):
    page = open_page(live_app["url"] + "/map?lang=en&domain=flood", 1440, 900)
    expect(marker(page, HYDRO)).to_be_visible(timeout=10_000)
    expect(marker(page, AIR_STATION)).to_have_count(0)
    layers = page.locator(".leaflet-control-layers label")
    expect(layers.filter(has_text="Flood").locator("input")).to_be_checked()
    expect(layers.filter(has_text="Air quality").locator("input")).not_to_be_checked()
    assert page.errors == []


def test_a_wall_screen_rotates_through_the_domains(live_app, open_page):
    page = open_page(live_app["url"] + "/?lang=en&mode=wall&rotate=5", 1920, 1080)
    caption = page.locator("#rotate-caption")
    expect(caption).to_have_text("All domains")
    expect(marker(page, AIR_STATION)).to_be_attached(timeout=10_000)
    expect(caption).to_contain_text("Traffic", timeout=8_000)  # the first domain view
    expect(marker(page, AIR_STATION)).to_have_count(0)
    expect(page.locator(GLYPHS, has_text="P").locator("visible=true").first).to_be_visible()
    # Read from across the room, over nothing: a wall has no keyboard, so no search box.
    expect(page.locator("#device-search")).to_be_hidden()
    box = caption.bounding_box()
    for control in page.locator(".leaflet-control, .map-legend").all():
        other = control.bounding_box()
        if other is None:
            continue
        apart = (box["x"] + box["width"] <= other["x"] or other["x"] + other["width"] <= box["x"]
                 or box["y"] + box["height"] <= other["y"]
                 or other["y"] + other["height"] <= box["y"])
        assert apart, f"the caption lies over {control.get_attribute('class')}"
    page.screenshot(path=str(ARTIFACTS / "overview-wall-rotating.png"))
    assert page.errors == []


def test_a_wall_screen_recovers_by_itself_after_a_server_restart(live_app, open_page):
    from serving.server import ServerThread

    store = live_app["store"]
    flask_app = live_app["flask"]  # the live app, served again on a port of this test's own
    server = ServerThread(flask_app)
    server.start()
    port = server.port
    page = open_page(f"{server.url}/?lang=en&mode=wall", 1920, 1080)
    expect(page.locator(".kpi-card").first).to_be_visible()
    banner = page.locator("#conn-banner")
    expect(banner).to_be_hidden()
    server.stop()
    expect(banner).to_be_visible(timeout=10_000)  # the screen says its figures are stale
    expect(banner).to_contain_text("Connection to the server lost")
    alarm_id = f"restart-{int(time.time() * 1000)}"
    store.redis.xadd(streams.ALARMS, {
        "event": "raised", "alarm_id": alarm_id, "device_id": HYDRO, "domain": "flood",
        "severity": "major", "type": "gauge_fault", "message": "Gauge restarted",
        "ts": datetime.now(UTC).isoformat()})
    server = ServerThread(flask_app, port=port)
    server.start()
    try:
        expect(banner).to_be_hidden(timeout=10_000)  # no click, no reload
        expect(page.locator(f'[data-alarm-id="{alarm_id}"]')).to_be_visible(timeout=10_000)
    finally:
        server.stop()
        store.redis.xadd(streams.ALARMS, {"event": "cleared", "alarm_id": alarm_id})
        store.redis.xadd(streams.ALARMS, {"event": "acknowledged", "alarm_id": alarm_id})
    # Requests refused while the server was down are expected errors; nothing else is.
    expected = ("Failed to load resource", "Failed to fetch", "server did not respond")
    assert [e for e in page.errors if not any(x in e for x in expected)] == []


SHOWN = """() => [...document.querySelectorAll('.cluster-n')].reduce(
    (sum, c) => sum + Number(c.textContent), document.querySelectorAll('.dev-icon').length)"""


def expect_shown(page, expected: int) -> None:
    """The map comes to show `expected` devices: each cluster's count plus the lone markers."""
    try:
        # A function, not an expression: Playwright evaluates an expression with eval(),
        # which the page's Content-Security-Policy refuses.
        page.wait_for_function(f"n => ({SHOWN})() === n", arg=expected, timeout=10_000)
    except Exception as exc:
        shown = page.evaluate(SHOWN)
        raise AssertionError(f"the map shows {shown} devices, not {expected}") from exc


def raise_tamper_alarm(store, severity: str) -> str:
    """One parking sensor among dozens in Chalkida's centre goes into alarm; its alarm id."""
    alarm_id = f"tamper-{int(time.time() * 1000)}"
    store.redis.xadd(streams.ALARMS, {
        "event": "raised", "alarm_id": alarm_id, "device_id": "parking_space-chalkida-00001",
        "domain": "traffic", "severity": severity, "type": "tamper",
        "message": "Sensor tampered with", "ts": datetime.now(UTC).isoformat()})
    return alarm_id


def end_alarm(store, alarm_id: str) -> None:
    store.redis.xadd(streams.ALARMS, {"event": "cleared", "alarm_id": alarm_id})
    store.redis.xadd(streams.ALARMS, {"event": "acknowledged", "alarm_id": alarm_id})


def test_clusters_count_their_devices_and_take_the_worst_status(live_app, open_page):
    store = live_app["store"]
    traffic = store.devices().query("domain == 'traffic'")
    page = open_page(live_app["url"] + "/map?lang=en&domain=traffic", 1440, 900)
    expect_shown(page, len(traffic))
    chalkida = page.locator("#unit-filter label", has_text="Chalkida").locator("input")
    chalkida.uncheck()  # a cluster counts only the devices that pass the filters
    expect_shown(page, len(traffic.query("unit != 'chalkida'")))
    chalkida.check()
    expect_shown(page, len(traffic))
    # One parking sensor among dozens in the centre goes into alarm: its cluster says so.
    alarmed = page.locator(".cluster.cluster-alarm")
    expect(alarmed).to_have_count(0)
    alarm_id = raise_tamper_alarm(store, "critical")
    try:
        expect(alarmed).to_have_count(1, timeout=10_000)
        expect(alarmed.locator(".dev-flag")).to_have_text("!")
        # A critical alarm is announced: the cluster holding its device pulses, and goes on
        # pulsing once it has turned red (a new icon).
        expect(page.locator(".cluster-icon.dev-highlight .cluster-alarm")).to_have_count(1)
    finally:
        end_alarm(store, alarm_id)
    expect(alarmed).to_have_count(0, timeout=10_000)
    assert page.errors == []


def test_before_its_positions_arrive_the_map_shows_every_device_counted(live_app, open_page):
    """The first view (the server's grid of the devices and their statuses) is drawn while
    the browser still waits for the positions; here they never come."""
    store = live_app["store"]
    page = open_page("about:blank", 1920, 1080)
    page.route("**/api/v1/map/*.pbf*", lambda route: route.abort())
    alarm_id = raise_tamper_alarm(store, "major")
    try:
        # Statuses are snapshotted once a second: open the page once the alarm is in one.
        deadline = time.time() + 10
        with live_app["flask"].app_context():
            while "a" not in store.status_snapshot()[1]["traffic"] and time.time() < deadline:
                time.sleep(0.2)
        page.goto(live_app["url"] + "/?lang=en")
        expect_shown(page, len(store.devices()))
        glyphs = set(page.locator(".dev > span, .cluster-glyph").all_inner_texts())
        assert glyphs >= {d.glyph for d in store.config.domains}
        traffic = live_app["store"].config.domain_by_id["traffic"].glyph
        expect(page.locator(".cluster.cluster-alarm .cluster-glyph", has_text=traffic)
               ).to_have_count(1)
    finally:
        end_alarm(store, alarm_id)
    refused = ("Failed to load resource", "Failed to fetch")  # positions held back, on purpose
    assert [e for e in page.errors if not any(r in e for r in refused)] == []


OVERLAPS = """() => {
  const els = [...document.querySelectorAll(
      '.leaflet-marker-pane :is(.dev-icon, .cluster-icon, .town-icon):not(.town-gathered)')]
    .filter(el => el.getBoundingClientRect().width > 0);
  const boxes = els.map(el => el.getBoundingClientRect());
  const pairs = [];
  const small = boxes.filter(b => b.width < 24 || b.height < 24).length;
  let touching = 0;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) { touching += 1; pairs.push([els[i].innerText, els[j].innerText]); }
    }
  }
  const glyphs = els.flatMap(el => [...el.querySelectorAll(
      '.dev > span, .cluster-glyph, .town-glyph')].map(g => g.textContent));
  return {n: boxes.length, small, touching, pairs, glyphs: [...new Set(glyphs)].sort()};
}"""


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1920, 1080)])
def test_the_town_centre_has_no_two_targets_on_top_of_each_other(live_app, open_page, width,
                                                                  height):
    """At city zoom, where the domains' markers and clusters would lie on one another, they
    are gathered into one cluster that says what is inside (a few are set on a ring): every
    domain still shown, no target over another, each at least 24 px (WCAG 2.2 target size,
    checked by axe too); tapping the gathering zooms in and spreads what it holds."""
    page = open_page(live_app["url"] + "/?lang=en", width, height)
    page.wait_for_function("() => window.cityops && window.cityops.map"
                           " && window.cityops.map.layersDrawn() === 8", timeout=20_000)
    try:
        page.wait_for_function(f"() => ({OVERLAPS})().touching === 0", timeout=10_000)
    finally:
        found = page.evaluate(OVERLAPS)
        page.screenshot(path=str(ARTIFACTS / f"map-town-centre-{width}.png"))
    glyphs = {d.glyph for d in live_app["store"].config.domains}
    assert found["small"] == 0 and found["touching"] == 0, found
    assert set(found["glyphs"]) >= glyphs, found  # every domain still said, none lost
    assert axe_rule(page, "target-size", ".leaflet-marker-pane") == []
    hidden = "document.querySelectorAll('.leaflet-marker-pane .town-gathered').length"
    before = page.evaluate(f"() => {hidden}")
    page.locator(".town-icon").first.click()  # opens: zooms in on what it gathered
    page.wait_for_function(f"() => {hidden} < {before} && ({OVERLAPS})().touching === 0",
                           timeout=15_000)
    assert page.errors == []
