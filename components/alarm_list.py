"""The live alarm list: unacknowledged first, then by severity and time; shape + word +
colour for severity, never colour alone."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

import pandas as pd
from dash import html

from components.i18n import t
from data_access.streams import SEVERITIES

SEVERITY_ICON = {"critical": "◆", "major": "▲", "minor": "●", "warning": "■"}


def local_time(value, tz: ZoneInfo, fmt: str = "%H:%M") -> str:
    """A stored time in the city's zone; "" for none."""
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:  # SQLite hands back naive UTC
        ts = ts.tz_localize("UTC")
    return ts.tz_convert(tz).strftime(fmt)


def severity_counts(alarms: pd.DataFrame, lang: str) -> list[html.Span]:
    counts = alarms["severity"].value_counts() if not alarms.empty else {}
    return [
        html.Span([html.Span(SEVERITY_ICON[s], **{"aria-hidden": "true"}),
                   f" {int(counts.get(s, 0))} {t(f'severity_{s}', lang)}"],
                  className=f"sev-count sev-{s}" + (" zero" if not counts.get(s, 0) else ""))
        for s in SEVERITIES
    ]


def alarm_items(alarms: pd.DataFrame, names: dict[str, str], units: dict[str, str], lang: str,
                tz: ZoneInfo, limit: int = 40) -> list:
    if alarms.empty:
        return [html.Li(t("no_alarms", lang), className="alarm-empty")]
    items = []
    for row in alarms.head(limit).itertuples():
        device = names.get(row.device_id or "", row.device_id or "")
        count = f" ×{row.count}" if row.count and row.count > 1 else ""
        items.append(html.Li(
            key=row.alarm_id,  # a new alarm on top adds one row; React keeps the others
            className=f"alarm-item sev-{row.severity} state-{row.state}",
            **{"data-alarm-id": row.alarm_id},
            children=[
                html.Span(SEVERITY_ICON.get(row.severity, "●"), className="alarm-icon",
                          **{"aria-hidden": "true"}),
                html.Div(className="alarm-body", children=[
                    html.Div([html.Span(t(f"severity_{row.severity}", lang),
                                        className="alarm-sev"),
                              html.Span(row.message or row.type, className="alarm-msg")],
                             className="alarm-line1"),
                    html.Div(f"{device} · {units.get(row.device_id or '', '')}{count}",
                             className="alarm-device"),
                ]),
                html.Div([html.Span(local_time(row.updated_at, tz), className="alarm-time"),
                          html.Span(t(f"state_{row.state}", lang), className="alarm-state")],
                         className="alarm-meta"),
            ],
        ))
    if len(alarms) > limit:
        items.append(html.Li(t("more_alarms", lang, n=len(alarms) - limit), className="alarm-more"))
    return items


# -- the same list as HTML: what the pushed events carry (callbacks/alarm_push.py), so a
# screen puts it in place without a Dash round (a wall of screens on one machine pays it
# once per screen per alarm). Same structure and classes as the components above.
def severity_counts_html(alarms: pd.DataFrame, lang: str) -> str:
    counts = alarms["severity"].value_counts() if not alarms.empty else {}
    return "".join(
        f'<span class="sev-count sev-{s}{"" if counts.get(s, 0) else " zero"}">'
        f'<span aria-hidden="true">{SEVERITY_ICON[s]}</span> {int(counts.get(s, 0))} '
        f"{escape(t(f'severity_{s}', lang))}</span>"
        for s in SEVERITIES)


def alarm_items_html(alarms: pd.DataFrame, names: dict[str, str], units: dict[str, str],
                     lang: str, tz: ZoneInfo, limit: int = 40) -> str:
    if alarms.empty:
        return f'<li class="alarm-empty">{escape(t("no_alarms", lang))}</li>'
    out = []
    for row in alarms.head(limit).itertuples():
        device = names.get(row.device_id or "", row.device_id or "")
        count = f" ×{row.count}" if row.count and row.count > 1 else ""
        out.append(
            f'<li class="alarm-item sev-{escape(row.severity)} state-{escape(row.state)}" '
            f'data-alarm-id="{escape(row.alarm_id)}">'
            f'<span class="alarm-icon" aria-hidden="true">'
            f'{SEVERITY_ICON.get(row.severity, "●")}</span>'
            f'<div class="alarm-body"><div class="alarm-line1">'
            f'<span class="alarm-sev">{escape(t(f"severity_{row.severity}", lang))}</span>'
            f'<span class="alarm-msg">{escape(row.message or row.type)}</span></div>'
            f'<div class="alarm-device">{escape(device)} · '
            f'{escape(units.get(row.device_id or "", ""))}{count}</div></div>'
            f'<div class="alarm-meta">'
            f'<span class="alarm-time">{local_time(row.updated_at, tz)}</span>'
            f'<span class="alarm-state">{escape(t(f"state_{row.state}", lang))}</span></div>'
            "</li>")
    if len(alarms) > limit:
        out.append(f'<li class="alarm-more">'
                   f'{escape(t("more_alarms", lang, n=len(alarms) - limit))}</li>')
    return "".join(out)
