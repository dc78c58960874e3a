"""The reports page in a real browser: a report picked in the form shows a chart and a
table, and its XLSX and CSV downloads hold exactly the table's rows; a report too big says
so on the form; the page at the five sizes and in every display mode, readable."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, SIZES
from tests.browser.contrast import contrast_failures

pytestmark = pytest.mark.browser

GRID_ROWS = """async () => {
  const api = await dash_ag_grid.getApiAsync('report-grid');
  const rows = [];
  api.forEachNodeAfterFilterAndSort(n => rows.push(n.data));
  return {rows, headers: api.getColumnDefs().map(c => [c.field, c.headerName])};
}"""


def reports(open_page, live_app, width=1440, height=900, mode="laptop", lang="en"):
    page = open_page(f"{live_app['url']}/reports?lang={lang}&mode={mode}", width, height)
    # The page opens with a report of the first domain's first metric.
    ready = {"en": "Report ready", "el": "Η αναφορά είναι έτοιμη"}[lang]
    expect(page.locator("#report-msg")).to_contain_text(ready, timeout=20_000)
    expect(page.locator(".report-grid .ag-row").first).to_be_visible()
    return page


def pick(page, dropdown: str, option: str) -> None:
    page.locator(f"#{dropdown}").click()
    page.locator("input.dash-dropdown-search").fill(option.split(" ")[0])
    page.get_by_role("option", name=option).click()
    page.keyboard.press("Escape")


def choose(page, group: str, label: str) -> None:
    page.locator(f"#{group} label", has_text=label).click()


def shown(page) -> tuple[list[dict], list[list[str]]]:
    got = page.evaluate(GRID_ROWS)
    return got["rows"], got["headers"]


def download(page, button: str, path):
    with page.expect_download() as done:
        page.locator(f"#{button}").click()
    done.value.save_as(path)
    return done.value.suggested_filename


def test_a_report_and_its_downloads_hold_the_rows_shown(live_app, open_page, tmp_path):
    page = reports(open_page, live_app)
    pick(page, "report-domain", "E · Energy & lighting")
    pick(page, "report-metric", "Energy (kWh)")
    # A meter's counter: its increase per period is offered first.
    expect(page.locator("#report-stat input[value=increase]")).to_be_checked()
    choose(page, "report-bucket", "Hour")
    choose(page, "report-scope", "Each device")
    choose(page, "report-range", "Last 24 h")
    pick(page, "report-units", "Chalkida")
    page.locator("#report-run").click()
    caption = page.locator("#report-caption")
    expect(caption).to_contain_text("Counter increase Energy (kWh), per hour",
                                    timeout=20_000)
    expect(caption).to_contain_text("Europe/Athens")
    expect(page.locator(".report-chart .main-svg").first).to_be_visible()
    rows, headers = shown(page)
    assert len(rows) >= 4 * 20  # four meters in Chalkida, an hour each, for 24 h
    assert {r["unit"] for r in rows} == {"Chalkida"}
    assert all(isinstance(r["value"], int | float) and r["value"] >= 0 for r in rows)
    page.screenshot(path=str(ARTIFACTS / "reports-energy-report.png"))

    name = download(page, "report-xlsx", tmp_path / "report.xlsx")
    assert name.endswith(".xlsx") and "energy_kwh" in name
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    sheet = list(book["report"].iter_rows(values_only=True))
    header = [h for _, h in headers]
    assert sheet[0] == (header[0], "UTC offset", *header[1:])
    assert "(kWh)" in sheet[0][5]
    as_shown = [(f"{t:%Y-%m-%d %H:%M} {off}", *rest) for t, off, *rest in sheet[1:]]
    assert as_shown == [tuple(r[f] for f, _ in headers) for r in rows]
    about = dict(book["about"].iter_rows(values_only=True))
    assert about["Metric"] == "energy_kwh" and about["Unit of measure"] == "kWh"
    assert about["Domain"] == "Energy & lighting"
    assert about["Devices / municipal units"] == "Chalkida"
    assert "Europe/Athens" in about["Range (local time)"]
    assert datetime.fromisoformat(about["Generated at"]).utcoffset() is not None

    download(page, "report-csv", tmp_path / "report.csv")
    with (tmp_path / "report.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == header
    in_file = [(datetime.fromisoformat(t), d, i, u, float(v), int(n))
               for t, d, i, u, v, n in table[1:]]
    assert in_file == [(datetime.strptime(r["time"], "%Y-%m-%d %H:%M %z"), r["device"],
                        r["device_id"], r["unit"], r["value"], r["n"]) for r in rows]
    assert all(t.utcoffset() is not None for t, *_ in in_file)
    assert page.errors == []


def test_a_report_too_big_says_what_to_change(live_app, open_page):
    page = reports(open_page, live_app)
    before, _ = shown(page)
    choose(page, "report-bucket", "15 min")
    choose(page, "report-scope", "Each device")
    choose(page, "report-range", "Last 30 days")
    page.locator("#report-run").click()
    message = page.locator("#report-msg.form-error")
    expect(message).to_contain_text("rows (at most 25,000)", timeout=10_000)
    assert shown(page)[0] == before  # the table shown (and its downloads) stay as they were
    page.screenshot(path=str(ARTIFACTS / "reports-too-big.png"))
    assert contrast_failures(page) == []
    assert page.errors == []


# Department heads' laptops go down to 1366x768: the smallest of them is checked too.
SCREENS = {**SIZES, "laptop-small": (1366, 768)}
def type_dates(page, first: str, last: str) -> None:
    for cls, value in (("start", first), ("end", last)):
        box = page.locator(f".dash-datepicker-{cls}-date")
        box.fill(value)
        box.press("Tab")


def test_custom_dates_and_an_end_before_the_start(live_app, open_page):
    today = datetime.now(ZoneInfo("Europe/Athens")).date()
    first, last = today - timedelta(days=2), today - timedelta(days=1)
    page = reports(open_page, live_app)
    type_dates(page, f"{first:%d/%m/%Y}", f"{last:%d/%m/%Y}")
    expect(page.locator("#report-range input[value=custom]")).to_be_checked()  # dates = custom
    page.locator("#report-run").click()
    caption = page.locator("#report-caption")
    whole_days = f"{first:%d/%m/%Y} 00:00 – {today:%d/%m/%Y} 00:00"  # the last day included
    expect(caption).to_contain_text(whole_days, timeout=20_000)
    type_dates(page, f"{last:%d/%m/%Y}", f"{first:%d/%m/%Y}")
    page.locator("#report-run").click()
    expect(page.locator("#report-msg.form-error")).to_have_text(
        "The end date is before the start date.")
    expect(caption).to_contain_text(whole_days)  # the report shown stays as it was
    assert page.errors == []


def test_in_greek(live_app, open_page):
    page = reports(open_page, live_app, lang="el")
    expect(page.locator(".page-title")).to_have_text("Αναφορές")
    expect(page.locator("#report-caption")).to_contain_text("Μέση τιμή Κατειλημμένη, ανά 15 λεπτά")
    expect(page.locator(".report-caption-whole")).to_contain_text("Για όλο το διάστημα: 0,")
    header = page.locator(".report-grid .ag-header-cell-text").first
    expect(header).to_have_text("Έναρξη περιόδου (Europe/Athens)")
    expect(page.locator(".report-grid .ag-cell[col-id=value]").first).to_contain_text("0,")
    page.screenshot(path=str(ARTIFACTS / "reports-el.png"))
    assert contrast_failures(page) == []
    assert page.errors == []


CASES = [(size, "laptop") for size in SCREENS] + [("wall-4k", "wall"),
                                                   ("tablet-portrait", "tablet")]


@pytest.mark.parametrize(("size", "mode"), CASES)
def test_the_page_at_every_size(live_app, open_page, size, mode):
    width, height = SCREENS[size]
    page = reports(open_page, live_app, width, height, mode=mode)
    if width > 1100:  # side by side: the button and the form's message are in sight
        box = page.locator("#report-msg").bounding_box()
        assert box["y"] + box["height"] <= height
    expect(page.locator(f".shell.mode-{mode}")).to_be_visible()
    expect(page.locator("#report-caption")).to_contain_text("per")
    expect(page.locator(".report-chart .main-svg").first).to_be_visible()
    for button in ("#report-run", "#report-csv", "#report-xlsx"):
        box = page.locator(button).bounding_box()
        assert box["height"] >= (44 if mode == "tablet" else 24)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / f"reports-{mode}-{size}.png"), full_page=width <= 1100)
    assert contrast_failures(page) == []
    assert page.errors == []





