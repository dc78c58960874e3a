"""The report as files: an XLSX export opens with openpyxl and holds the rows shown (issue
5), with units in the header, number formats, a frozen header and an "about" sheet; the
CSV holds the same rows with times in ISO 8601 and their UTC offset."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pandas as pd

from data_access.reports import Column, to_csv, to_xlsx

TZ = "Europe/Athens"
COLUMNS = [Column("time", "Period start (Europe/Athens)", "time"),
           Column("device", "Device", "text"),
           Column("value", "Counter increase energy_kwh (kWh)", "number"),
           Column("n", "Readings", "count")]
ABOUT = [("Domain", "Energy & lighting"), ("Metric", "energy_kwh"),
         ("Unit of measure", "kWh"), ("Range (local time)", "20/11/2026 00:00 – 21/11/2026 00:00")]


def table() -> pd.DataFrame:
    return pd.DataFrame({
        # The last one is in summer time: each row keeps its own offset.
        "time": pd.to_datetime(["2026-11-20 00:00", "2026-11-20 01:00", "2026-07-01 12:00"])
        .tz_localize(TZ),
        "device": ["Δημαρχείο", "=HYPERLINK(\"x\")", "Κολυμβητήριο"],
        "value": [12.5, 0.333, 1234.0],
        "n": [4, 4, 1]})


def test_xlsx_opens_with_openpyxl_and_holds_the_rows_shown():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(table(), COLUMNS, ABOUT)))
    assert book.sheetnames == ["report", "about"]
    sheet = book["report"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Period start (Europe/Athens)", "UTC offset", "Device",
                       "Counter increase energy_kwh (kWh)", "Readings")
    assert rows[1:] == [
        (datetime(2026, 11, 20, 0, 0), "+02:00", "Δημαρχείο", 12.5, 4),
        (datetime(2026, 11, 20, 1, 0), "+02:00", "'=HYPERLINK(\"x\")", 0.333, 4),
        (datetime(2026, 7, 1, 12, 0), "+03:00", "Κολυμβητήριο", 1234.0, 1),
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["D2"].number_format == "#,##0.000" and sheet["E2"].number_format == "#,##0"
    assert sheet["C3"].data_type == "s"  # a formula-looking name stays text
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["D"].width >= len("Counter increase energy_kwh (kWh)")
    assert sheet.auto_filter.ref == "A1:E4"
    assert [tuple(r) for r in book["about"].iter_rows(values_only=True)] == ABOUT


def test_an_empty_report_is_still_a_workbook_with_its_header():
    empty = table().iloc[0:0]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(empty, COLUMNS, ABOUT)))
    assert list(book["report"].iter_rows(values_only=True)) == [
        ("Period start (Europe/Athens)", "UTC offset", "Device",
         "Counter increase energy_kwh (kWh)", "Readings")]


def test_csv_holds_the_same_rows_with_times_and_offsets():
    raw = to_csv(table(), COLUMNS)
    assert raw.startswith("\ufeff".encode())  # spreadsheets then read Greek as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [
        ["Period start (Europe/Athens)", "Device", "Counter increase energy_kwh (kWh)",
         "Readings"],
        ["2026-11-20T00:00:00+02:00", "Δημαρχείο", "12.5", "4"],
        ["2026-11-20T01:00:00+02:00", "'=HYPERLINK(\"x\")", "0.333", "4"],
        ["2026-07-01T12:00:00+03:00", "Κολυμβητήριο", "1234.0", "1"],
    ]
