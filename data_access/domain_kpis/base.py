"""The shapes every domain module returns and the few computations they share.

Everything here is pure: frames in, numbers out. The helpers tolerate empty frames (a new
installation has no history and perhaps no devices yet), because a page must show "—",
never an error. A KPI without data has value None; in tables a missing number is NaN
(pandas' None for float columns), and every table keeps its columns even when empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from data_access.rules_config import Text

HISTORY_COLUMNS = ["device_id", "metric", "bucket", "mean", "min", "max", "n"]
NOW: Text = {"el": "τώρα", "en": "now"}
TODAY: Text = {"el": "σήμερα", "en": "today"}


def last_hours(hours: float) -> Text:
    return {"el": f"τελευταίες {hours:g} ώρες" if hours != 1 else "τελευταία ώρα",
            "en": f"last {hours:g} h"}


def last_minutes(minutes: float) -> Text:
    return {"el": f"τελευταία {minutes:g} λεπτά", "en": f"last {minutes:g} min"}


@dataclass(frozen=True)
class Kpi:
    key: str  # stable id, used as part of DOM ids
    label: Text
    value: float | None  # None: no data, shown as "—"
    unit: str
    at: datetime | None  # UTC time (or window end) the figure refers to
    window: Text | None = None
    band: str | None = None  # "ok" | "warning" | "alarm" | None
    note: Text | None = None


@dataclass(frozen=True)
class DomainSummary:
    kpis: list[Kpi]
    tables: dict[str, pd.DataFrame]

    def kpi(self, key: str) -> Kpi:
        """The KPI with `key` (pages and tests look figures up by their stable id)."""
        return next(k for k in self.kpis if k.key == key)


# -- devices ------------------------------------------------------------------------------
def of_kind(devices: pd.DataFrame, *kinds: str) -> pd.DataFrame:
    """Rows of the given kinds; an empty or column-less frame gives an empty frame."""
    if devices.empty or "kind" not in devices:
        return devices.iloc[0:0]
    return devices[devices["kind"].isin(kinds)]


def latest(devices: pd.DataFrame, metric: str) -> pd.Series:
    """Each device's newest value of `metric` (NaN if it never sent it), aligned to rows."""
    if devices.empty or "latest" not in devices:
        return pd.Series(np.nan, index=devices.index, dtype=float)
    values = devices["latest"].map(lambda v: (v or {}).get(metric) if isinstance(v, dict)
                                   else None)
    return pd.to_numeric(values, errors="coerce").astype(float)


def reporting(devices: pd.DataFrame) -> pd.Series:
    """The `reporting` column as booleans (False where missing)."""
    if devices.empty or "reporting" not in devices:
        return pd.Series(False, index=devices.index, dtype=bool)
    return devices["reporting"].fillna(False).astype(bool)


def attr(devices: pd.DataFrame, name: str, default: float | None = None) -> pd.Series:
    """A per-device attribute from `attrs` as floats; `default` where a device lacks it."""
    fill = np.nan if default is None else default
    if devices.empty or "attrs" not in devices:
        return pd.Series(fill, index=devices.index, dtype=float)
    values = devices["attrs"].map(lambda a: (a or {}).get(name) if isinstance(a, dict) else None)
    return pd.to_numeric(values, errors="coerce").astype(float).fillna(fill)


def newest_seen(devices: pd.DataFrame) -> datetime | None:
    """The newest last_seen of these devices: when a "now" figure was last true."""
    if devices.empty or "last_seen" not in devices:
        return None
    seen = pd.to_datetime(devices["last_seen"], utc=True).max()
    return None if pd.isna(seen) else seen.to_pydatetime(warn=False)


def name_columns(devices: pd.DataFrame) -> pd.DataFrame:
    """id, name_el, name_en of the rows, for the first columns of a table."""
    cols = ["id", "name_el", "name_en"]
    return devices.reindex(columns=cols).reset_index(drop=True)


# -- history ------------------------------------------------------------------------------
def empty_history() -> pd.DataFrame:
    """No buckets, but typed like real ones, so comparisons and merges still work."""
    return pd.DataFrame({
        "device_id": pd.Series(dtype=object), "metric": pd.Series(dtype=object),
        "bucket": pd.Series(dtype="datetime64[ns, UTC]"), "mean": pd.Series(dtype=float),
        "min": pd.Series(dtype=float), "max": pd.Series(dtype=float),
        "n": pd.Series(dtype="int64")})


def metric_rows(history: pd.DataFrame, metric: str, since: datetime | None = None) -> pd.DataFrame:
    """Buckets of one metric (starting at or after `since`), ordered by device and time."""
    if history.empty or "metric" not in history:
        return empty_history()
    rows = history[history["metric"] == metric]
    if since is not None:
        rows = rows[rows["bucket"] >= pd.Timestamp(since)]
    return rows.sort_values(["device_id", "bucket"])


def amounts(rows: pd.DataFrame, now: datetime, bucket_s: int) -> pd.Series:
    """mean x covered hours per bucket: a per-hour rate (mm/h, W) turned into an amount.

    The newest bucket may still be open; it covers only until `now`, so counting it whole
    would overstate the last minutes."""
    if rows.empty:
        return pd.Series(dtype=float)
    elapsed = (pd.Timestamp(now) - rows["bucket"]).dt.total_seconds()
    covered_h = elapsed.clip(lower=0, upper=bucket_s) / 3600.0
    return rows["mean"].astype(float) * covered_h


def reported_sum(rows: pd.DataFrame) -> pd.Series:
    """The sum of the reported values in each bucket (mean x count): per-report counts."""
    return rows["mean"].astype(float) * rows["n"].astype(float)


def counter_increase(history: pd.DataFrame, metric: str, since: datetime) -> pd.Series:
    """Consumption since `since` per device, from a cumulative counter (kWh, m³).

    The sum of the positive steps between consecutive bucket maxima, starting from the newest
    bucket before `since` (so the first hour of the day is not lost). A step down is a
    counter reset or a replaced meter: it adds nothing, and the next steps count again.
    Counting a reset's new reading as consumption (as Prometheus does) would book a swapped
    meter's whole reading; we prefer to miss at most one bucket's consumption."""
    rows = metric_rows(history, metric)
    if rows.empty:
        return pd.Series(dtype=float)
    start = pd.Timestamp(since)
    before = rows[rows["bucket"] < start].groupby("device_id").tail(1)
    rows = pd.concat([before, rows[rows["bucket"] >= start]]).sort_values(["device_id",
                                                                           "bucket"])
    steps = rows.groupby("device_id")["max"].diff().clip(lower=0)
    return steps.groupby(rows["device_id"]).sum().astype(float)


def slope_per_h(times: pd.Series, values: pd.Series) -> float | None:
    """Least-squares slope of `values` against `times`, in units per hour (None: < 2 points
    or all at one time)."""
    if len(values) < 2:
        return None
    t = (pd.to_datetime(times, utc=True) - pd.Timestamp(0, tz=UTC)).dt.total_seconds()
    x = t.to_numpy(dtype=float) / 3600.0
    y = values.to_numpy(dtype=float)
    x = x - x.mean()
    denom = float((x * x).sum())
    if denom == 0:
        return None
    return float((x * (y - y.mean())).sum() / denom)


# -- time and numbers ---------------------------------------------------------------------
def local_midnight(now: datetime, timezone: str) -> datetime:
    """The start of today on the city's clock, as a UTC time."""
    local = now.astimezone(ZoneInfo(timezone))
    midnight = datetime(local.year, local.month, local.day, tzinfo=ZoneInfo(timezone))
    return midnight.astimezone(UTC)


def rounded(value: float | None, digits: int = 1) -> float | None:
    """Round for display; None (and NaN) stay None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def total(series: pd.Series, digits: int = 1) -> float | None:
    """Sum of a series, None when it holds no number (no data is not zero)."""
    clean = series.dropna()
    return None if clean.empty else round(float(clean.sum()), digits)


def join_texts(parts: list[Text], sep: str = "; ") -> Text:
    """Several notes in one, language by language."""
    langs = ("el", "en")
    return {lang: sep.join(p.get(lang, p.get("en", "")) for p in parts) for lang in langs}
