"""The wall on a bad day: the overview at both wall sizes with a few, 30 and 500 active alarms
never scrolls; the map keeps its place; the alarm list shows what fits, most urgent first,
and counts the rest by severity; past 10 new alarms in 10 minutes it says a flood is on and
folds repeats of one rule in one municipal unit into one row."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from data_access import streams
from tests.browser.axe import axe_violations
from tests.browser.conftest import ARTIFACTS, SIZES

pytestmark = pytest.mark.browser
WALLS = ("wall-fhd", "wall-4k")
RULES = (("critical", "water_rising_fast", "Water rising fast"),
         ("major", "bin_overflow", "Bin overflowing"),
         ("minor", "weak_signal", "Weak radio signal"),
         ("warning", "battery_low", "Battery low"))


def active(store) -> int:
    return len(store.active_alarms())


def wait_for(check, timeout_s: float = 90.0) -> None:
    end = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.1)


def raise_alarms(store, n: int, tag: str) -> list[str]:
    """n alarms from outside producers' stream, spread over the city's devices and four
    rules, as a storm raises them."""
    devices = store.devices()["id"].tolist()
    before = active(store)
    ids = []
    pipe = store.redis.pipeline(transaction=False)
    for i in range(n):
        severity, kind, message = RULES[i % len(RULES)]
        alarm_id = f"flood-{tag}-{i}"
        ids.append(alarm_id)
        pipe.xadd(streams.ALARMS, {
            "event": "raised", "alarm_id": alarm_id, "device_id": devices[i % len(devices)],
            "severity": severity, "type": kind, "message": message,
            "ts": datetime.now(UTC).isoformat(), "source": "test"})
    pipe.execute()
    wait_for(lambda: active(store) >= before + n)
    return ids


def clear(store, ids: list[str]) -> None:
    pipe = store.redis.pipeline(transaction=False)
    for alarm_id in ids:
        for event in ("acknowledged", "cleared"):
            pipe.xadd(streams.ALARMS, {"event": event, "alarm_id": alarm_id, "user": "test"})
    pipe.execute()
    wanted = set(ids)
    wait_for(lambda: not wanted & set(store.active_alarms()["alarm_id"]))


def on_screen_total(page) -> int:
    """Active alarms as the panel's counts by severity say (the same event as the list)."""
    texts = page.locator("#alarm-counts .sev-count").all_inner_texts()
    return sum(int(t.split()[1]) for t in texts)


def check_wall(page, width: int, height: int) -> None:
    """Nothing scrolls; the map and the panel are on screen; the rows shown and the count of
    the rest add up to every active alarm the panel counts."""
    expect(page.locator(".alarm-item, .alarm-empty").first).to_be_visible(timeout=20_000)
    page.wait_for_function("() => document.fonts.ready.then(() => true)")
    size = page.evaluate("[document.documentElement.scrollWidth,"
                         " document.documentElement.scrollHeight]")
    assert size[0] <= width and size[1] <= height, size
    for region in (".map-wrap", ".alarm-panel", "#kpi-strip"):
        box = page.locator(region).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, region
    panel = page.locator(".alarm-panel").bounding_box()
    rows = page.locator(".alarm-item:visible")
    last = rows.last.bounding_box()
    assert last["y"] + last["height"] <= panel["y"] + panel["height"] + 1  # not cut
    total = on_screen_total(page)
    shown = sum(int(r) for r in rows.evaluate_all("els => els.map(e => e.dataset.repeats)"))
    more = page.locator(".alarm-more")
    counted = 0
    if more.count():
        text = more.inner_text()
        counted = int(text.split("and ", 1)[1].split(" more", 1)[0])
    assert shown + counted == total, (shown, counted, total)


@pytest.mark.parametrize("size", WALLS)
def test_the_wall_overview_never_scrolls_with_few_30_and_500_alarms(live_app, open_page, size):
    width, height = SIZES[size]
    store = live_app["store"]
    page = open_page(f"{live_app['url']}/?lang=en&mode=wall", width, height)
    check_wall(page, width, height)
    page.screenshot(path=str(ARTIFACTS / f"wall-alarms-few-{size}.png"))
    raised: list[str] = []
    try:
        for n in (30, 470):
            raised += raise_alarms(store, n, f"{size}-{len(raised)}")
            page.wait_for_function(f"() => [...document.querySelectorAll("
                                   f"'#alarm-counts .sev-count')].reduce((n, e) => n + "
                                   f"parseInt(e.textContent.trim().split(/\\s+/)[1]), 0)"
                                   f" >= {len(raised)}", timeout=20_000)
            check_wall(page, width, height)
            flood = page.locator(".alarm-flood")
            expect(flood).to_be_visible()
            expect(flood).to_contain_text("Alarm flood:")
            # Repeats of one rule in one unit are one row: "12 × Water level rising fast".
            expect(page.locator(".alarm-item .alarm-msg", has_text=re.compile(r"^\d+ × "))
                   .first).to_be_visible()
            expect(page.locator(".alarm-item").first).to_have_attribute("data-sev", "critical")
            page.screenshot(path=str(ARTIFACTS / f"wall-alarms-{len(raised)}-{size}.png"))
        page.reload()  # a wall screen restarted in the middle of it: the same, from the server
        check_wall(page, width, height)
        assert page.errors == []
    finally:
        clear(store, raised)


CUT = """() => [...document.querySelectorAll('.kpi-domain, .kpi-label, th')]
  .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent.trim())"""


@pytest.mark.parametrize(("size", "lang"), [("wall-fhd", "en"), ("wall-4k", "el")])
def test_every_page_a_wall_shows_fits_its_screen(live_app, open_page, size, lang):
    """The overview, the map, the city page and every domain page, as a wall screen shows or
    rotates through them (here signed in as an operator): no scrolling either way, no KPI
    title and no table heading cut, and no critical or serious axe-core violation."""
    width, height = SIZES[size]
    config = live_app["store"].config
    paths = ["/", "/map", "/city", *(f"/domains/{d.id}" for d in config.domains)]
    failures = []
    page = None
    for path in paths:
        url = f"{live_app['url']}{path}?lang={lang}&mode=wall"
        if page is None:
            page = open_page(url, width, height, role="operator")
        else:
            page.goto(url)
        expect(page.locator(".shell.mode-wall")).to_be_visible(timeout=20_000)
        expect(page.locator("main h2, main .kpi-card, main .leaflet-container").first
               ).to_be_visible(timeout=20_000)
        if path.startswith("/domains/"):  # figures and panels come by callback
            expect(page.locator(".dom-kpi").first).to_be_visible(timeout=20_000)
            expect(page.locator(".dom-panel").first).to_be_attached(timeout=20_000)
        page.wait_for_load_state("networkidle")
        size_now = page.evaluate("[document.documentElement.scrollWidth,"
                                 " document.documentElement.scrollHeight]")
        name = path.strip("/").replace("/", "-") or "overview"
        page.screenshot(path=str(ARTIFACTS / f"wall-fit-{name}-{lang}-{size}.png"))
        problems = []
        if not (size_now[0] <= width and size_now[1] <= height):
            problems.append(f"scrolls: {size_now}")
        if page.evaluate(CUT):
            problems.append(f"cut: {page.evaluate(CUT)}")
        if path.startswith("/domains/"):  # the map has its share, the panels show whole
            if page.locator(".domain-body .map-wrap").bounding_box()["height"] <= 300:
                problems.append("map too small")
            if not page.evaluate("""() => { const p = document.querySelector('.domain-panels');
                const shown = [...p.querySelectorAll('.dom-panel:not([hidden])')];
                return shown.length > 0 && p.scrollHeight <= p.clientHeight + 1
                  && shown.every(e => e.getBoundingClientRect().bottom
                                      <= p.getBoundingClientRect().bottom + 1); }"""):
                problems.append("panels do not fit, or none is shown")
            left_out = page.locator(".dom-panel[hidden]").count()
            if left_out and not page.locator(".panels-left-out").is_visible():
                problems.append("panels left out without a word")
        if size == "wall-fhd":  # the accessibility gate, in wall mode (once: the markup is
            problems += axe_violations(page)  # the same at 4K)
        if problems:
            failures.append((path, problems))
    assert not failures, "; ".join(f"{p}: {' + '.join(why)}" for p, why in failures)
    assert page.errors == []
