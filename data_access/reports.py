"""Reports for department heads: one metric of one domain, per device or over the selected
devices together, in time periods, as a tidy table; and that same table as CSV and XLSX.

The figures come from the SQL time buckets of data_access/aggregates.py (the database does
the grouping). Days and weeks are the city's local calendar days and weeks, not UTC ones,
so they are rolled up here from hourly buckets. A report is keyed by its frozen request
(range included), so it is cached for REPORT_TTL_S: the download a reader asks for after
looking at the table reads the very same rows, and a new run (a new range end) never gets
an older report's figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine

from data_access.aggregates import Selection, per_device
from data_access.cache import memoized

STATS = ("mean", "min", "max", "count", "increase")
# Cumulative counters (a meter's reading): only their increase per period means anything
# when summed; their mean or a sum of readings would not.
COUNTER_SUFFIXES = ("_kwh", "_m3")
# Aggregation periods: seconds for the ones SQL buckets directly (aligned with local time
# in every zone whose offset is whole quarter hours), names for local calendar periods.
BUCKETS: dict[str, int | str | None] = {"auto": None, "15min": 900, "1h": 3600,
                                        "1d": "day", "1w": "week"}
CALENDAR_BASE_S = 3600  # calendar periods are rolled up from hourly buckets
PERIOD_S = {"day": 86400, "week": 7 * 86400}
SCOPES = ("device", "overall")
REPORT_TTL_S = 300
DECIMALS = 3
EPOCH = pd.Timestamp(0, tz=UTC)
PER_DEVICE_COLUMNS = ["time", "device_id", "value", "n"]
OVERALL_COLUMNS = ["time", "value", "devices", "n"]


def is_counter(metric: str) -> bool:
    return metric.endswith(COUNTER_SUFFIXES)


@dataclass(frozen=True)
class ReportRequest:
    """Everything a report depends on, in hashable plain values: its repr is the cache key,
    and it round-trips through the page (dcc.Store) as a dict."""

    domain: str
    metric: str
    stat: str
    bucket: str
    scope: str
    since: str  # ISO 8601, UTC
    until: str  # ISO 8601, UTC, excluded
    tz: str
    units: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()

    def window(self) -> tuple[datetime, datetime]:
        return datetime.fromisoformat(self.since), datetime.fromisoformat(self.until)

    def as_dict(self) -> dict:
        return {**self.__dict__, "units": list(self.units), "devices": list(self.devices)}

    @classmethod
    def from_dict(cls, data: dict) -> ReportRequest:
        return cls(**{**data, "units": tuple(data.get("units") or ()),
                      "devices": tuple(data.get("devices") or ())})


def auto_bucket(since: datetime, until: datetime) -> str | int:
    """About 12-200 points per device whatever the range: 5 min up to 3 h, 15 min up to two
    days, hours up to ten days, then local days, then weeks."""
    span = until - since
    for limit, bucket in ((timedelta(hours=3), 300), (timedelta(days=2), 900),
                          (timedelta(days=10), 3600), (timedelta(days=200), "day")):
        if span <= limit:
            return bucket
    return "week"


def resolved_bucket(request: ReportRequest) -> int | str:
    """Seconds (SQL bucket) or "day" / "week" (local calendar)."""
    chosen = BUCKETS.get(request.bucket)
    return chosen if chosen is not None else auto_bucket(*request.window())


def bucket_seconds(bucket: int | str) -> int:
    return bucket if isinstance(bucket, int) else PERIOD_S[bucket]


def period_start(ts: pd.Series, bucket: int | str) -> pd.Series:
    """The start of the period holding each (tz-aware) time, in the same zone: SQL buckets
    count from 1970 UTC; days and weeks (from Monday) start at local midnight."""
    if isinstance(bucket, int):
        seconds = (ts - EPOCH) // pd.Timedelta(seconds=1) // bucket * bucket
        return (EPOCH + pd.to_timedelta(seconds, unit="s")).dt.tz_convert(ts.dt.tz)
    wall = ts.dt.tz_localize(None).dt.normalize()
    if bucket == "week":
        wall = wall - pd.to_timedelta(wall.dt.day_of_week, unit="D")
    return wall.dt.tz_localize(ts.dt.tz, ambiguous=np.ones(len(wall), dtype=bool),
                               nonexistent="shift_forward")


def roll_up(rows: pd.DataFrame, bucket: int | str) -> pd.DataFrame:
    """Per-device buckets merged into longer periods: mean weighted by readings, lowest
    low, highest high, readings added."""
    rows = rows.assign(bucket=period_start(rows["bucket"], bucket),
                       total=rows["mean"] * rows["n"])
    out = rows.groupby(["device_id", "bucket"], sort=True).agg(
        total=("total", "sum"), min=("min", "min"), max=("max", "max"), n=("n", "sum"),
    ).reset_index()
    out["mean"] = out["total"] / out["n"]
    return out.drop(columns="total")


def with_increase(rows: pd.DataFrame) -> pd.DataFrame:
    """A counter's rise per device and period: this period's highest reading minus the
    previous period's. A drop is a reset (a meter swapped or rolled over): the rise is
    counted from zero, as Prometheus' increase() does. With no previous period the rise
    seen inside the period is all there is."""
    rows = rows.sort_values(["device_id", "bucket"]).reset_index(drop=True)
    prev = rows.groupby("device_id")["max"].shift()
    rise = rows["max"] - prev
    rows["increase"] = np.where(prev.isna(), rows["max"] - rows["min"],
                                np.where(rise >= 0, rise, rows["max"]))
    return rows


def combine(rows: pd.DataFrame) -> pd.DataFrame:
    """Every selected device together, per period: the mean of all their readings (not a
    mean of means), extremes, readings, reporting devices and the sum of increases."""
    rows = rows.assign(total=rows["mean"] * rows["n"])
    aggs = {"total": ("total", "sum"), "min": ("min", "min"), "max": ("max", "max"),
            "n": ("n", "sum"), "devices": ("device_id", "nunique")}
    if "increase" in rows:
        aggs["increase"] = ("increase", "sum")
    out = rows.groupby("bucket", sort=True).agg(**aggs).reset_index()
    out["mean"] = out["total"] / out["n"]
    return out.drop(columns="total")


def shape(rows: pd.DataFrame, stat: str, scope: str) -> pd.DataFrame:
    """The tidy report: time (local period start), [device_id], value, [devices], n."""
    source = {"count": "n"}.get(stat, stat)
    frame = rows.rename(columns={"bucket": "time"}).assign(value=rows[source])
    frame["value"] = (frame["value"].astype("int64") if stat == "count"
                      else frame["value"].astype(float).round(DECIMALS))
    frame["n"] = frame["n"].astype("int64")
    if scope == "overall":
        frame["devices"] = frame["devices"].astype("int64")
        return frame[OVERALL_COLUMNS].sort_values("time").reset_index(drop=True)
    return frame[PER_DEVICE_COLUMNS].sort_values(["device_id", "time"]).reset_index(drop=True)


def _lead(bucket: int | str) -> timedelta:
    return timedelta(seconds=bucket_seconds(bucket))


def compute(engine: Engine, request: ReportRequest) -> pd.DataFrame:
    """The report from SQL aggregates (uncached; report_frame is the cached entry)."""
    since, until = request.window()
    bucket = resolved_bucket(request)
    counter = request.stat == "increase"
    # A counter's first period needs the period before it to know how much it rose.
    sel = Selection(metrics=(request.metric,), since=since - _lead(bucket) if counter else since,
                    until=until, domain=request.domain, units=request.units or None,
                    device_ids=request.devices or None)
    rows = per_device(engine, sel, bucket if isinstance(bucket, int) else CALENDAR_BASE_S)
    rows["bucket"] = rows["bucket"].dt.tz_convert(request.tz)
    if not isinstance(bucket, int):
        rows = roll_up(rows, bucket)
    if counter:
        rows = with_increase(rows)
        first = period_start(pd.Series([pd.Timestamp(since).tz_convert(request.tz)]), bucket)[0]
        rows = rows[rows["bucket"] >= first]
    if request.scope == "overall":
        rows = combine(rows)
    return shape(rows, request.stat, request.scope)


@memoized(timeout=REPORT_TTL_S)
def report_frame(engine: Engine, request: ReportRequest) -> pd.DataFrame:
    """The report, through flask-caching (Redis, shared by every web process): the table and
    its downloads read one query; outside the web app, always the database itself."""
    return compute(engine, request)


def summary(frame: pd.DataFrame, stat: str) -> float | None:
    """One figure for the whole range: the mean of every reading, the extreme, the readings
    or the total increase."""
    if frame.empty:
        return None
    if stat == "mean":
        return round(float((frame["value"] * frame["n"]).sum() / frame["n"].sum()), DECIMALS)
    if stat in ("min", "max"):
        return float(frame["value"].min() if stat == "min" else frame["value"].max())
    return round(float(frame["value"].sum()), DECIMALS)


# -- the table as files ----------------------------------------------------------------------
ColumnKind = Literal["time", "text", "number", "count"]
NUMBER_FORMATS = {"number": "#,##0.000", "count": "#,##0", "time": "yyyy-mm-dd hh:mm"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: ColumnKind


def safe_text(value: object) -> str:
    """Text a spreadsheet would run as a formula is kept as text (CSV/formula injection)."""
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def utc_offset(ts: pd.Timestamp) -> str:
    return ts.isoformat()[-6:]


def _csv_cell(value, kind: ColumnKind) -> str:
    if value is None or (kind != "text" and pd.isna(value)):
        return ""
    if kind == "time":
        return pd.Timestamp(value).isoformat()
    if kind == "count":
        return str(int(value))
    if kind == "number":
        return repr(float(value))
    return safe_text(value)


def to_csv(frame: pd.DataFrame, columns: Sequence[Column]) -> bytes:
    """UTF-8 with a byte-order mark (spreadsheets then read Greek right), a header row, times
    in ISO 8601 with their UTC offset, numbers with a decimal point."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for row in frame[[c.key for c in columns]].itertuples(index=False):
        writer.writerow([_csv_cell(v, c.kind) for v, c in zip(row, columns, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _width(column: Column, values: pd.Series) -> float:
    sample = {"time": 17, "count": 10, "number": 14}.get(column.kind)
    if sample is None:
        sample = int(values.head(500).astype(str).str.len().max()) if len(values) else 8
    return min(max(len(column.header), sample) + 2, 50)


def _header(ws, texts: Sequence[str]) -> list[WriteOnlyCell]:
    cells = []
    for text in texts:
        cell = WriteOnlyCell(ws, value=safe_text(text))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2B3038")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def _xlsx_columns(frame: pd.DataFrame, columns: Sequence[Column]) -> list[tuple[list, str]]:
    """Each column as its cells' plain values and number format, a whole column at a time
    (a cell at a time costs seconds on a big report). A time becomes two cells: its local
    wall time (Excel has no time zones) and its UTC offset."""
    out: list[tuple[list, str]] = []
    for c in columns:
        values = frame[c.key]
        if c.kind == "time":
            wall = values.dt.tz_localize(None).dt.to_pydatetime()
            out.append(([None if pd.isna(v) else v for v in wall], NUMBER_FORMATS["time"]))
            out.append(([None if pd.isna(v) else utc_offset(v) for v in values], ""))
        elif c.kind == "text":
            out.append(([safe_text(v) for v in values], ""))
        else:
            cast = int if c.kind == "count" else float
            out.append(([None if pd.isna(v) else cast(v) for v in values],
                        NUMBER_FORMATS[c.kind]))
    return out


def _rows(ws, cols: list[tuple[list, str]]):
    formatted = [(i, fmt) for i, (_, fmt) in enumerate(cols) if fmt]
    for values in zip(*(v for v, _ in cols), strict=True):
        row = list(values)
        for i, fmt in formatted:
            if row[i] is not None:
                row[i] = WriteOnlyCell(ws, value=row[i])
                row[i].number_format = fmt
        yield row


def to_xlsx(frame: pd.DataFrame, columns: Sequence[Column], about: Sequence[tuple[str, str]],
            offset_header: str = "UTC offset", sheet: str = "report") -> bytes:
    """A "report" sheet (header row with the units, number formats, header frozen, columns
    wide enough, a filter on the header) and an "about" sheet saying what the figures are."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    headers: list[str] = []
    widths: list[float] = []
    for c in columns:
        headers.append(c.header)
        widths.append(_width(c, frame[c.key]))
        if c.kind == "time":
            headers.append(offset_header)
            widths.append(max(len(offset_header), 7) + 2)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(frame) + 1}"
    ws.append(_header(ws, headers))
    for row in _rows(ws, _xlsx_columns(frame, columns)):
        ws.append(row)
    info = wb.create_sheet("about")
    info.column_dimensions["A"].width = 30
    info.column_dimensions["B"].width = 70
    for label, value in about:
        key = WriteOnlyCell(info, value=safe_text(label))
        key.font = Font(bold=True)
        text = WriteOnlyCell(info, value=safe_text(value))
        text.data_type = "s"
        info.append([key, text])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
