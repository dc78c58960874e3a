"""Sign-in, sign-out and a wall screen's token in a real browser: the form at the five sizes,
the menu a department head gets, and a revoked screen falling back to the sign-in form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from access import users
from tests.browser.conftest import ARTIFACTS, SIZES
from tests.browser.contrast import contrast_failures
from tests.integration.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_sign_in_form_at_every_size_then_sign_in_and_out(live_app, open_page):
    store = live_app["store"]
    if users.find_user(store.engine, "browser-op") is None:
        users.create_user(store.engine, "browser-op", "operator", TEST_PASSWORD)
    page = open_page(live_app["url"] + "/map?lang=en", *SIZES["laptop"], role=None)
    expect(page).to_have_url(re.compile(r"/login\?next="))  # signed out: the form, not data
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        expect(page.locator(".login-form")).to_be_visible()
        expect(page.get_by_label("User name")).to_be_visible()
        box = page.locator(".login-form button").bounding_box()
        assert box["height"] >= 44  # a tap on the tablet
        assert contrast_failures(page) == [], name
        page.screenshot(path=str(ARTIFACTS / f"login-{name}.png"))
    page.set_viewport_size({"width": 1440, "height": 900})
    page.get_by_label("User name").fill("browser-op")
    page.get_by_label("Password").fill("wrong password, sorry")
    page.locator(".login-form button").click()
    expect(page.locator(".login-msg.error")).to_have_text("Wrong user name or password.")
    expect(page.get_by_label("User name")).to_have_value("browser-op")  # nothing to retype
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.locator(".login-form button").click()
    expect(page).to_have_url(re.compile(r"/map\?lang=en$"))  # back where they were going
    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator(".user-name")).to_have_text("browser-op")
    page.locator(".logout-button").click()
    expect(page.locator(".login-msg")).to_have_text("You are signed out.")
    page.goto(live_app["url"] + "/map")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert page.errors == []


def test_a_department_head_is_offered_only_their_domains(live_app, open_page):
    page = open_page(live_app["url"] + "/domains/flood?lang=en", 1440, 900,
                     role="department_head")
    expect(page.locator(".domain-tab")).to_have_count(2)  # flood and air
    expect(page.locator(".nav-link", has_text="Reports")).to_be_visible()
    expect(page.locator(".nav-link", has_text="Admin")).to_have_count(0)
    page.goto(live_app["url"] + "/?lang=en")  # the overview: every figure, links to own only
    expect(page.locator("#kpi-water .kpi-value")).to_be_visible(timeout=10_000)
    expect(page.locator("#kpi-flood a.kpi-link")).to_have_count(1)
    expect(page.locator("#kpi-water a.kpi-link")).to_have_count(0)
    page.goto(live_app["url"] + "/domains/water?lang=en")  # typed by hand: refused, no data
    expect(page.get_by_text("No access")).to_be_visible()
    assert [e for e in page.errors if "403" not in e] == []


def test_a_wall_screen_signs_in_by_token_and_leaves_when_revoked(live_app, open_page):
    store = live_app["store"]
    token, raw = users.create_display_token(store.engine, "Browser wall", "test")
    page = open_page(f"{live_app['url']}/display/{raw}?mode=wall&lang=en", 1920, 1080,
                     role=None)
    expect(page.locator(".shell.mode-wall")).to_be_visible()
    expect(page.locator("#kpi-traffic .kpi-value")).to_be_visible(timeout=10_000)
    expect(page.locator(".user-box")).to_be_hidden()  # no one to sign out at a wall
    users.revoke_display_token(store.engine, token.id)
    # Within the principal cache (5 s) and the next refresh, the screen is out.
    expect(page.locator(".login-msg")).to_have_text(
        "This screen's sign-in link is no longer valid.", timeout=20_000)
    page.screenshot(path=str(ARTIFACTS / "display-revoked.png"))


FRAMING_PAGE = """<!doctype html><html lang="en"><head><title>framing</title></head><body>
<h1>Another page</h1><iframe id="victim" src="{url}" width="1200" height="700"></iframe>
</body></html>"""


@pytest.mark.parametrize("framer", ["same origin", "another origin"])
def test_a_signed_in_console_refuses_to_be_framed(live_app, open_page, framer):
    """Another page (of the same host, or elsewhere) that frames the signed-in alarm console:
    the browser refuses to draw it (frame-ancestors 'none'), so no live button is clickable
    under someone else's page."""
    page = open_page(live_app["url"] + "/alarms?lang=en", 1440, 900, role="operator")
    expect(page.locator("#ack-selected")).to_be_visible()  # the console itself works
    page.errors.clear()
    origin = live_app["url"] if framer == "same origin" else "http://framer.example"
    page.route(f"{origin}/framing-test", lambda route: route.fulfill(
        body=FRAMING_PAGE.format(url=live_app["url"] + "/alarms?lang=en"),
        content_type="text/html"))
    page.goto(f"{origin}/framing-test")
    expect(page.locator("h1")).to_have_text("Another page")
    page.wait_for_load_state("load")  # the page's load waits for its frame's answer
    frame = next(f for f in page.frames if f != page.main_frame)
    # Chromium draws its own error page in a frame it refused: nothing of CityOps in it.
    assert frame.url.startswith("chrome-error://"), frame.url
    victim = page.frame_locator("#victim")
    expect(victim.locator("#ack-selected")).to_have_count(0)
    expect(victim.locator(".shell")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / f"framing-refused-{framer.replace(' ', '-')}.png"))
