"""The report form: what a department head picks (domain, metric, statistic, period, devices
or municipal units, time range), and the one pure function that turns those picks into a
ReportRequest or says, in the reader's language, what is wrong with them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from dash import dcc, html

from components.i18n import t
from components.numbers import count
from components.time_range import RANGES
from data_access.city_config import CityConfig, text
from data_access.reports import (
    BUCKETS,
    SCOPES,
    STATS,
    ReportRequest,
    bucket_seconds,
    is_counter,
    resolved_bucket,
)

CUSTOM = "custom"
DEFAULT_RANGE = "24h"
MAX_SPAN_DAYS = 366
MAX_ROWS = 25_000  # a grid and a spreadsheet stay quick to read and to scroll
MAX_DEVICE_OPTIONS = 300  # the rest are found by typing


class FormError(ValueError):
    """A pick that cannot make a report: `key` names the catalogue text that says why."""

    def __init__(self, key: str, **fmt: object) -> None:
        super().__init__(key)
        self.key = key
        self.fmt = fmt

    def message(self, lang: str) -> str:
        """Why, in the reader's language, its counts written as that language writes them."""
        return t(self.key, lang, **{k: count(v, lang) if isinstance(v, int) else v
                                    for k, v in self.fmt.items()})


@dataclass(frozen=True)
class FormValues:
    domain: str | None
    metric: str | None
    stat: str | None
    bucket: str | None
    scope: str | None
    units: Sequence[str] | None
    devices: Sequence[str] | None
    range_key: str | None
    start_date: str | None
    end_date: str | None


# -- what the city offers ----------------------------------------------------------------
def domain_metrics(config: CityConfig, domain: str | None) -> dict[str, str]:
    """Metric -> unit of measure for every kind of the domain, in config order."""
    metrics: dict[str, str] = {}
    for kind in config.kinds.values():
        if kind.domain == domain:
            for metric, unit in kind.metrics.items():
                metrics.setdefault(metric, unit)
    return metrics


def matching_devices(devices: pd.DataFrame, config: CityConfig, domain: str | None,
                     metric: str | None, units: Sequence[str] | None = None,
                     ids: Sequence[str] | None = None) -> pd.DataFrame:
    """The devices a report reads: of the domain, of a kind measuring the metric, in the
    chosen municipal units, and among the chosen devices when any are chosen."""
    kinds = [k.id for k in config.kinds.values() if k.domain == domain and metric in k.metrics]
    hit = devices["kind"].isin(kinds)
    if units:
        hit &= devices["unit"].isin(list(units))
    if ids:
        hit &= devices["id"].isin(list(ids))
    return devices[hit]


def metric_options(config: CityConfig, domain: str | None, lang: str) -> list[dict]:
    return [{"label": config.metric_label(m, u, lang), "value": m}
            for m, u in domain_metrics(config, domain).items()]


def stat_options(metric: str | None, lang: str) -> list[dict]:
    counter = bool(metric) and is_counter(metric)
    return [{"label": t(f"report_stat_{s}", lang), "value": s,
             "disabled": s == "increase" and not counter} for s in STATS]


def device_options(found: pd.DataFrame, config: CityConfig, lang: str, search: str | None,
                   selected: Sequence[str] | None) -> list[dict]:
    """Up to MAX_DEVICE_OPTIONS devices whose name or id holds the search text, plus the
    ones already chosen (a dropdown drops a value it has no option for)."""
    name_col = "name_el" if lang == "el" else "name_en"
    units = {u.id: text(u.name, lang) for u in config.city.units}
    shown = found
    if search:
        q = search.strip().lower()
        shown = found[found[name_col].str.lower().str.contains(q, regex=False)
                      | found["id"].str.lower().str.contains(q, regex=False)]
    shown = shown.head(MAX_DEVICE_OPTIONS)
    kept = found["id"].isin(list(selected or [])) & ~found["id"].isin(shown["id"])
    rows = pd.concat([shown, found[kept]])
    return [{"label": f"{r[name_col]} · {units.get(r['unit'], r['unit'])}", "value": r["id"]}
            for _, r in rows.iterrows()]


# -- picks -> request ---------------------------------------------------------------------
def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def time_window(values: FormValues, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[since, until) in UTC: a fixed range ends at this minute (so a report run twice in a
    minute is the same cached report); custom dates are whole local days, both included,
    up to this minute when they reach it (a cached report never stands for a later one)."""
    minute = now.astimezone(UTC).replace(second=0, microsecond=0)
    if values.range_key in RANGES:
        return minute - RANGES[values.range_key], minute
    if values.range_key != CUSTOM:
        raise FormError("report_err_dates")
    first, last = _parse_day(values.start_date), _parse_day(values.end_date)
    if first is None or last is None:
        raise FormError("report_err_dates")
    if last < first:
        raise FormError("report_err_order")
    if (last - first).days + 1 > MAX_SPAN_DAYS:
        raise FormError("report_err_span", days=MAX_SPAN_DAYS)
    since, until = _local_midnight(first, tz), _local_midnight(last + timedelta(days=1), tz)
    return since, min(until, minute) if since < minute else until


def estimated_rows(request: ReportRequest, devices: int) -> int:
    since, until = request.window()
    periods = math.ceil((until - since).total_seconds() / bucket_seconds(resolved_bucket(request)))
    return (periods + 1) * (devices if request.scope == "device" else 1)


def _check_choice(domain: str | None, metric: str | None, stat: str | None,
                  config: CityConfig) -> None:
    if domain not in {d.id for d in config.domains}:
        raise FormError("report_err_domain")
    if not metric or metric not in domain_metrics(config, domain):
        raise FormError("report_err_metric")
    if stat not in STATS:
        raise FormError("report_err_stat")
    if stat == "increase" and not is_counter(metric):
        raise FormError("report_err_increase")


def check_request(request: ReportRequest, config: CityConfig,
                  devices: pd.DataFrame) -> ReportRequest:
    """A request within the limits, whatever its source: the form, or the page handing back
    the report it shows for a download (which a browser could have altered)."""
    _check_choice(request.domain, request.metric, request.stat, config)
    if (request.bucket not in BUCKETS or request.scope not in SCOPES
            or request.tz != config.city.timezone):
        raise FormError("report_err_expired")
    try:
        since, until = request.window()
    except (TypeError, ValueError) as err:
        raise FormError("report_err_dates") from err
    if since.tzinfo is None or until.tzinfo is None:
        raise FormError("report_err_dates")
    if until <= since:
        raise FormError("report_err_order")
    if until - since > timedelta(days=MAX_SPAN_DAYS, hours=1):  # an hour of clock change
        raise FormError("report_err_span", days=MAX_SPAN_DAYS)
    found = matching_devices(devices, config, request.domain, request.metric, request.units,
                             request.devices)
    if found.empty:
        raise FormError("report_err_devices")
    rows = estimated_rows(request, len(found))
    if rows > MAX_ROWS:
        raise FormError("report_err_rows", n=rows, max=MAX_ROWS)
    return request


def read_form(values: FormValues, config: CityConfig, devices: pd.DataFrame,
              now: datetime) -> ReportRequest:
    """The report the picks ask for, or FormError saying what to change."""
    _check_choice(values.domain, values.metric, values.stat, config)
    since, until = time_window(values, now, ZoneInfo(config.city.timezone))
    fitting = set(matching_devices(devices, config, values.domain, values.metric,
                                   values.units)["id"])
    chosen = tuple(sorted(set(values.devices or []) & fitting))
    if values.devices and not chosen:  # none of the chosen fits: never "all" instead
        raise FormError("report_err_devices")
    request = ReportRequest(
        domain=str(values.domain), metric=str(values.metric), stat=str(values.stat),
        bucket=values.bucket if values.bucket in BUCKETS else "auto",
        scope=values.scope if values.scope in SCOPES else "overall",
        since=since.isoformat(), until=until.isoformat(), tz=config.city.timezone,
        units=tuple(sorted(set(values.units or []))), devices=chosen,
    )
    return check_request(request, config, devices)


# -- layout -------------------------------------------------------------------------------
def _field(label: str, control, for_id: str, wide: bool = False) -> html.Div:
    return html.Div([html.Label(label, htmlFor=for_id, className="report-label"), control],
                    className="report-field" + (" report-wide" if wide else ""))


def _choice(legend: str, id_: str, options: list[dict], value: str) -> html.Fieldset:
    return html.Fieldset(className="report-field report-choice", children=[
        html.Legend(legend, className="report-label"),
        dcc.RadioItems(id=id_, options=options, value=value, className="range-picker",
                       inline=True),
    ])


def _options(keys, prefix: str, lang: str) -> list[dict]:
    return [{"label": t(f"{prefix}{k}", lang), "value": k} for k in keys]


def report_form(config: CityConfig, lang: str, today: date,
                domains: list[str] | None = None) -> html.Section:
    """`domains`: those the reader may report on (all when None)."""
    offered = [d for d in config.domains if domains is None or d.id in domains]
    domain = offered[0].id if offered else None
    metrics = metric_options(config, domain, lang)
    ranges = [{"label": t(f"window_{k}", lang), "value": k} for k in RANGES]
    return html.Section(className="report-form", **{"aria-label": t("report_form", lang)},
                        children=[
        _field(t("domain", lang), dcc.Dropdown(
            id="report-domain", clearable=False, value=domain,
            options=[{"label": f"{d.glyph} · {text(d.name, lang)}", "value": d.id}
                     for d in offered]), "report-domain"),
        _field(t("report_metric", lang), dcc.Dropdown(
            id="report-metric", clearable=False, options=metrics,
            value=metrics[0]["value"] if metrics else None), "report-metric"),
        _choice(t("report_stat", lang), "report-stat",
                stat_options(metrics[0]["value"] if metrics else None, lang), "mean"),
        _choice(t("report_bucket", lang), "report-bucket",
                _options(BUCKETS, "report_bucket_", lang), "auto"),
        _field(t("unit", lang), dcc.Dropdown(
            id="report-units", multi=True, placeholder=t("report_units_all", lang),
            options=[{"label": text(u.name, lang), "value": u.id} for u in config.city.units]),
            "report-units"),
        _field(t("report_devices", lang), dcc.Dropdown(
            id="report-devices", multi=True, placeholder=t("report_devices_all", lang),
            options=[]), "report-devices", wide=True),
        _choice(t("report_scope", lang), "report-scope",
                _options(("overall", "device"), "report_scope_", lang), "overall"),
        _choice(t("report_range", lang), "report-range",
                [*ranges, {"label": t("report_range_custom", lang), "value": CUSTOM}],
                DEFAULT_RANGE),
        _field(t("report_dates", lang), dcc.DatePickerRange(
            id="report-dates", display_format="DD/MM/YYYY", first_day_of_week=1,
            start_date=(today - timedelta(days=6)).isoformat(), end_date=today.isoformat(),
            start_date_placeholder_text=t("report_date_from", lang),
            end_date_placeholder_text=t("report_date_to", lang),
            number_of_months_shown=1, className="report-dates"), "report-dates"),
        # Kept in sight at the foot of the form (assets/reports.css): the button and what is
        # wrong with the picks are never below the fold of a laptop screen.
        html.Div(className="report-actions-bar", children=[
            html.Div(id="report-actions", className="report-actions", children=[
                html.Button(t("report_run", lang), id="report-run",
                            className="btn btn-primary"),
                html.Button(t("report_csv", lang), id="report-csv", className="btn",
                            disabled=True),
                html.Button(t("report_xlsx", lang), id="report-xlsx", className="btn",
                            disabled=True),
            ]),
            html.Div(id="report-msg", className="form-msg", role="status",
                     **{"aria-live": "polite"}),
        ]),
    ])
