"""The admin page in a real browser, signed in as an administrator: a user made through the
form (after the form said what was missing) appears in the table and its password is shown
once and signs in; a wall screen's address is shown once, and after a confirmed revoke it no
longer signs in; the page at the five sizes and in the wall and tablet modes, readable."""

from __future__ import annotations

import dash
import pytest
from playwright.sync_api import expect

from access import users
from access.rules import rules_of
from callbacks import admin
from tests.browser.conftest import ARTIFACTS, SIZES
from tests.browser.contrast import contrast_failures

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin_page(live_app):
    """The live app with the admin callbacks: app.py registers them; until it does, they are
    registered here on the live app, with the same declaration (USERS_ADMIN)."""
    if not any("admin-new-msg.children" in key for key in rules_of(live_app["flask"]).callbacks):
        app = dash.get_app()
        assert app.server is live_app["flask"], "app.py does not register callbacks/admin.py"
        admin.register(app)
    return live_app


TITLE = {"en": "Users and screens", "el": "Διαχείριση χρηστών και οθονών"}


def open_admin(open_page, app, width=1440, height=900, mode="laptop", lang="en"):
    page = open_page(f"{app['url']}/admin?lang={lang}&mode={mode}", width, height)
    expect(page.locator(".page-title")).to_have_text(TITLE[lang], timeout=20_000)
    expect(page.locator(".admin-user-grid .ag-header")).to_be_visible()
    expect(page.locator(".admin-user-grid .ag-row").first).to_be_visible()  # the admin self
    return page


def pick(page, dropdown: str, option: str) -> None:
    page.locator(f"#{dropdown}").click()
    page.get_by_role("option", name=option).click()
    page.keyboard.press("Escape")


def fits(page, width: int) -> None:
    """Nothing wider than the window: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_create_a_user_then_the_page_at_every_size(admin_page, open_page):
    page = open_admin(open_page, admin_page)
    page.locator("#admin-new-name").fill("test.editor")
    page.locator("#admin-new-fullname").fill("Test Editor")
    pick(page, "admin-new-role", "Department head")
    expect(page.locator("#admin-new-domains-hint")).to_have_text(
        "Pick their domains (one at least).")
    page.locator("#admin-new-create").click()
    error = page.locator("#admin-new-msg[role=alert].form-error")
    expect(error).to_have_text("A department head needs at least one domain.")
    expect(page.locator("#admin-new-name")).to_have_value("test.editor")  # nothing lost
    assert users.find_user(admin_page["store"].engine, "test.editor") is None

    pick(page, "admin-new-domains", "H · Water")
    page.locator("#admin-new-create").click()
    expect(page.locator("#admin-new-msg")).to_have_text("User test.editor created.")
    box = page.locator("#admin-new-secret")
    expect(box).to_be_visible()
    expect(box).to_contain_text("Copy it now; it is not shown again.")
    password = page.locator("#admin-new-secret-value").inner_text()
    made = users.authenticate(admin_page["store"].engine, "test.editor", password)
    assert made is not None and made.domains == ("water",)
    row = page.locator(".admin-user-grid .ag-row", has_text="test.editor")
    expect(row).to_contain_text("Department head")
    expect(row).to_contain_text("Water")
    expect(page.locator("#admin-new-name")).to_have_value("")

    page.locator("#admin-token-name").fill("Control room, left")
    page.locator("#admin-token-create").click()
    expect(page.locator("#admin-token-msg")).to_have_text("Screen “Control room, left” created.")
    address = page.locator("#admin-token-secret-value").inner_text()
    assert address.startswith(f"{admin_page['url']}/display/") and address.endswith("?mode=wall")
    token = address.split("/display/")[1].split("?")[0]
    expect(page.locator(".admin-token-grid .ag-row", has_text="Control room, left")).to_be_visible()

    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # the grid re-lays its columns
        expect(page.locator(".admin-user-grid .ag-header")).to_be_visible()
        page.locator("#admin-token-create").scroll_into_view_if_needed()
        expect(page.locator("#admin-token-create")).to_be_visible()
        fits(page, width)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / f"admin-laptop-{size}.png"), full_page=True)
        assert contrast_failures(page) == [], size
    page.locator("#admin-new-secret-hide").click()
    expect(box).to_be_hidden()
    expect(page.locator("#admin-new-secret-value")).to_have_text("")

    # Revoking asks first; once confirmed, the address signs no screen in.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator(".admin-token-grid .ag-row", has_text="Control room, left").click()
    expect(page.locator("#admin-token-revoke")).to_be_enabled()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("#admin-token-revoke").click()
    expect(page.locator("#admin-token-msg")).to_have_text("Screen “Control room, left” revoked.")
    assert asked and "Control room, left" in asked[0]
    assert users.redeem_display_token(admin_page["store"].engine, token) is None
    expect(page.locator("#admin-token-secret")).to_be_hidden()
    expect(page.locator("#admin-token-revoke")).to_be_disabled()
    assert page.errors == []


def test_a_device_added_changed_and_retired_in_the_form(admin_page, open_page):
    """An integrator's path in the browser: a real device with its position, model and
    DevEUI; a wrong DevEUI refused, saying why, with what was typed kept; the device picked
    in the table fills the form; retiring asks first."""
    from data_access.models import Device

    engine = admin_page["store"].engine
    page = open_admin(open_page, admin_page)
    form = page.locator("#admin-dev-title")
    form.scroll_into_view_if_needed()
    page.locator("#admin-dev-id").fill("test-gauge-1")
    page.locator("#admin-dev-name-en").fill("Lilas gauge, new bridge")
    pick(page, "admin-dev-kind", "Hydro-meteorological station")
    pick(page, "admin-dev-unit", "Lilantio")
    page.locator("#admin-dev-lat").fill("38.4201")
    page.locator("#admin-dev-lon").fill("23.6507")
    pick(page, "admin-dev-profile", "Milesight EM500-SWL")
    page.locator("#admin-dev-eui").fill("24E1-2471-3B42-0199x")
    page.locator("#admin-dev-save").click()
    error = page.locator("#admin-dev-msg[role=alert].form-error")
    expect(error).to_contain_text("not 16 hex digits")
    expect(page.locator("#admin-dev-name-en")).to_have_value("Lilas gauge, new bridge")
    page.locator("#admin-dev-eui").fill("24E1-2471-3B42-0199")
    page.locator("#admin-dev-save").click()
    expect(page.locator("#admin-dev-msg")).to_have_text("Device test-gauge-1 saved.")
    row = page.locator(".admin-device-grid .ag-row", has_text="test-gauge-1")
    with engine.connect() as conn:
        stored = conn.execute(Device.__table__.select().where(
            Device.id == "test-gauge-1")).one()
    assert (stored.kind, stored.unit, stored.profile, stored.dev_eui) == (
        "hydro_station", "lilantio", "milesight-em500-swl", "24E124713B420199")
    assert (stored.lat, stored.lon) == (38.4201, 23.6507)
    page.locator("#admin-dev-id").fill("")  # the table fills the form again
    page.locator("#admin-dev-search").fill("gauge-1")
    page.locator("#admin-dev-search").press("Enter")
    expect(page.locator(".admin-device-grid .ag-row")).to_have_count(1)
    page.locator(".admin-device-grid .ag-row", has_text="test-gauge-1").click()
    expect(page.locator("#admin-dev-id")).to_have_value("test-gauge-1")
    expect(page.locator("#admin-dev-eui")).to_have_value("24E124713B420199")
    expect(row).to_contain_text("Milesight EM500-SWL")  # the model, by its name
    page.screenshot(path=str(ARTIFACTS / "admin-devices.png"), full_page=True)
    assert contrast_failures(page) == []
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("#admin-dev-retire").click()
    expect(page.locator("#admin-dev-msg")).to_have_text("Device test-gauge-1 retired.")
    assert asked and "test-gauge-1" in asked[0]
    expect(page.locator(".admin-device-grid .ag-row", has_text="test-gauge-1")).to_have_count(0)
    assert page.errors == []


@pytest.mark.parametrize(("size", "mode", "lang"), [("wall-4k", "wall", "en"),
                                                    ("tablet-portrait", "tablet", "el")])
def test_the_page_in_the_wall_and_tablet_modes(admin_page, open_page, size, mode, lang):
    width, height = SIZES[size]
    page = open_admin(open_page, admin_page, width, height, mode, lang)
    expect(page.locator(f".shell.mode-{mode}")).to_be_visible()
    page.locator(".admin-user-grid .ag-row").first.click()  # picks a user to change
    expect(page.locator("#admin-edit-fields")).to_be_visible()
    for button in ("#admin-new-create", "#admin-edit-save", "#admin-edit-reset",
                   "#admin-token-create"):
        target = page.locator(button).bounding_box()
        assert target["height"] >= (44 if mode == "tablet" else 24), button
    fits(page, width)
    page.screenshot(path=str(ARTIFACTS / f"admin-{mode}-{size}.png"), full_page=True)
    assert contrast_failures(page) == []
    assert page.errors == []


def test_the_admin_sees_what_waits_what_was_lost_and_what_was_refused(admin_page, open_page):
    from data_access import streams

    r = admin_page["store"].redis
    r.hincrby(streams.LOST, streams.TELEMETRY, 7)  # as a consumer counts entries trimmed unread
    r.hincrby(streams.DEADLETTER_COUNT, "unknown_metric", 3)
    try:
        page = open_admin(open_page, admin_page)
        table = page.locator("#intake-table")
        table.scroll_into_view_if_needed()
        expect(table.locator("tbody tr")).to_have_count(2)
        telemetry = table.locator("tbody tr", has_text="Telemetry")
        lost = int(r.hget(streams.LOST, streams.TELEMETRY))
        expect(telemetry.locator("td.intake-bad").first).to_have_text(f"{lost:,}")
        refused = sum(int(v) for v in r.hvals(streams.DEADLETTER_COUNT))
        expect(page.locator("#admin-intake-title ~ .admin-hint").last).to_have_text(
            f"Refused: {refused:,}")
        page.screenshot(path=str(ARTIFACTS / "admin-intake.png"), full_page=True)
        assert contrast_failures(page) == []
        page.locator("#intake-open").click()  # on to the intake page, for the details
        expect(page.locator(".page-title")).to_have_text("Data intake")
        expect(page.locator("#intake-reasons")).to_contain_text("No known metric (unknown_metric)")
        assert page.errors == []
    finally:
        r.hincrby(streams.LOST, streams.TELEMETRY, -7)
        r.hincrby(streams.DEADLETTER_COUNT, "unknown_metric", -3)


def test_the_admin_sees_who_is_on_call_and_a_notification_that_keeps_failing(admin_page,
                                                                           open_page):
    from datetime import UTC, datetime

    from sqlalchemy import delete, insert

    from data_access.models import Notification

    engine, now = admin_page["store"].engine, datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(insert(Notification), [{
            "alarm_id": "river|x", "raised_at": now, "department": "civil_protection",
            "contact": "A", "lang": "el", "channel": "email", "address": "a@chalkida.example",
            "round": 0, "kind": "first", "status": "pending", "created_at": now,
            "next_attempt_at": now, "attempts": 3,
            "last_error": "ConnectionRefusedError: [Errno 111] Connection refused"}])
    try:
        page = open_admin(open_page, admin_page)
        on_call = page.locator("#notify-departments")
        on_call.scroll_into_view_if_needed()
        expect(on_call.locator("tbody tr", has_text="Civil protection")).to_contain_text(
            "3Critical10 min20 min")
        expect(page.locator("#notify-outbox tbody tr", has_text="Failed")).to_contain_text("1")
        expect(page.locator("#admin-notify-title ~ .intake-bad")).to_contain_text(
            "Connection refused")
        expect(page.locator("#admin-notify-title ~ .admin-hint", has_text="Mail relay")
               ).to_contain_text("webhooks only")
        assert contrast_failures(page) == []
        assert page.errors == []
    finally:
        with engine.begin() as conn:
            conn.execute(delete(Notification))
