"""The live alarm list: unacknowledged first, then by severity and time; shape + word +
colour for severity, never colour alone. Under an alarm flood (EEMUA 191: more than 10 new
alarms in 10 minutes) repeats of one rule in one municipal unit stand as one row ("7 ×
Water rising fast · Lilantio") and the list says a flood is on. What the list leaves out
is counted by severity; on a wall, assets/alarm_fit.js shows what fits and counts the rest
the same way."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html import escape
from zoneinfo import ZoneInfo

import orjson
import pandas as pd
from dash import html

from components.i18n import t
from data_access.alarm_health import FLOOD_ABOVE, FLOOD_WINDOW
from data_access.streams import SEVERITIES

SEVERITY_ICON = {"critical": "◆", "major": "▲", "minor": "●", "warning": "■"}
LIMIT = 40  # rows sent to a screen; a 4K wall shows about 35


def local_time(value, tz: ZoneInfo, fmt: str = "%H:%M") -> str:
    """A stored time in the city's zone; "" for none."""
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:  # SQLite hands back naive UTC
        ts = ts.tz_localize("UTC")
    return ts.tz_convert(tz).strftime(fmt)


@dataclass(frozen=True)
class Row:
    """One line of the list: one alarm, or under a flood the repeats of one rule in one unit."""

    alarm_id: str
    severity: str
    state: str
    message: str
    where: str
    time: str
    repeats: int = 1  # alarms this row stands for
    count: int = 1  # the alarm's own repeat count


@dataclass(frozen=True)
class Panel:
    rows: list[Row]
    rest: dict[str, int] = field(default_factory=dict)  # alarms not in `rows`, by severity
    flood: tuple[int, str] | None = None  # new alarms in the window, and the window's end


def flood_of(alarms: pd.DataFrame, now: datetime, tz: ZoneInfo) -> tuple[int, str] | None:
    """(new alarms in the last 10 minutes, when those minutes end) if that is a flood."""
    if alarms.empty:
        return None
    raised = pd.to_datetime(alarms["raised_at"], utc=True)
    new = int((raised >= pd.Timestamp(now - FLOOD_WINDOW)).sum())
    return (new, local_time(now, tz)) if new > FLOOD_ABOVE else None


def panel(alarms: pd.DataFrame, names: dict[str, str], units: dict[str, str], tz: ZoneInfo,
          limit: int = LIMIT, now: datetime | None = None) -> Panel:
    """The rows a screen is sent, in the list's order, and what is left out."""
    flood = flood_of(alarms, now or datetime.now(UTC), tz)
    rows: list[Row] = []
    group_of: dict[tuple, int] = {}
    for a in alarms.itertuples():
        unit = units.get(a.device_id or "", "")
        key = (a.type, a.severity, unit)
        if flood and key in group_of:  # a repeat of a rule already listed in this unit
            i = group_of[key]
            rows[i] = replace(rows[i], repeats=rows[i].repeats + 1, where=unit)
            continue
        group_of[key] = len(rows)
        device = names.get(a.device_id or "", a.device_id or "")
        rows.append(Row(a.alarm_id, a.severity, a.state, a.message or a.type,
                        f"{device} · {unit}", local_time(a.updated_at, tz),
                        count=int(a.count) if a.count and a.count > 1 else 1))
    rest: dict[str, int] = {}
    for row in rows[limit:]:
        rest[row.severity] = rest.get(row.severity, 0) + row.repeats
    return Panel(rows[:limit], rest, flood)


def more_text(rest: dict[str, int], lang: str) -> str:
    """"and 460 more: ◆ 2 Critical · ▲ 5 Major" — most severe first."""
    parts = [f"{SEVERITY_ICON[s]} {rest[s]} {t(f'severity_{s}', lang)}"
             for s in SEVERITIES if rest.get(s)]
    return f"{t('more_alarms', lang, n=sum(rest.values()))}: {' · '.join(parts)}"


def list_words(lang: str) -> str:
    """What assets/alarm_fit.js needs to count the rows a wall has no room for."""
    return orjson.dumps({"more": t("more_alarms", lang, n="{n}"),
                         "sev": {s: f"{SEVERITY_ICON[s]} {{n}} {t(f'severity_{s}', lang)}"
                                 for s in SEVERITIES}}).decode()


def flood_text(flood: tuple[int, str], lang: str) -> str:
    return t("alarm_flood", lang, n=flood[0], until=flood[1])


def severity_counts(alarms: pd.DataFrame, lang: str) -> list[html.Span]:
    counts = alarms["severity"].value_counts() if not alarms.empty else {}
    return [
        html.Span([html.Span(SEVERITY_ICON[s], **{"aria-hidden": "true"}),
                   f" {int(counts.get(s, 0))} {t(f'severity_{s}', lang)}"],
                  className=f"sev-count sev-{s}" + (" zero" if not counts.get(s, 0) else ""))
        for s in SEVERITIES
    ]


def _first_line(row: Row) -> str:
    return f"{row.repeats} × {row.message}" if row.repeats > 1 else row.message


def _second_line(row: Row) -> str:
    return row.where + (f" ×{row.count}" if row.count > 1 else "")


def alarm_items(alarms: pd.DataFrame, names: dict[str, str], units: dict[str, str], lang: str,
                tz: ZoneInfo, limit: int = LIMIT, now: datetime | None = None) -> list:
    if alarms.empty:
        return [html.Li(t("no_alarms", lang), className="alarm-empty")]
    shown = panel(alarms, names, units, tz, limit, now)
    items = []
    if shown.flood:
        items.append(html.Li(flood_text(shown.flood, lang), className="alarm-flood",
                             key="flood"))
    for row in shown.rows:
        items.append(html.Li(
            key=row.alarm_id,  # a new alarm on top adds one row; React keeps the others
            className=f"alarm-item sev-{row.severity} state-{row.state}",
            **{"data-alarm-id": row.alarm_id, "data-sev": row.severity,
               "data-repeats": str(row.repeats)},
            children=[
                html.Span(SEVERITY_ICON.get(row.severity, "●"), className="alarm-icon",
                          **{"aria-hidden": "true"}),
                html.Div(className="alarm-body", children=[
                    html.Div([html.Span(t(f"severity_{row.severity}", lang),
                                        className="alarm-sev"),
                              html.Span(_first_line(row), className="alarm-msg")],
                             className="alarm-line1"),
                    html.Div(_second_line(row), className="alarm-device"),
                ]),
                html.Div([html.Span(row.time, className="alarm-time"),
                          html.Span(t(f"state_{row.state}", lang), className="alarm-state")],
                         className="alarm-meta"),
            ],
        ))
    if shown.rest:
        items.append(html.Li(more_text(shown.rest, lang), className="alarm-more", key="more",
                             **{"data-rest": orjson.dumps(shown.rest).decode()}))
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
                     lang: str, tz: ZoneInfo, limit: int = LIMIT,
                     now: datetime | None = None) -> str:
    if alarms.empty:
        return f'<li class="alarm-empty">{escape(t("no_alarms", lang))}</li>'
    shown = panel(alarms, names, units, tz, limit, now)
    out = []
    if shown.flood:
        out.append(f'<li class="alarm-flood">{escape(flood_text(shown.flood, lang))}</li>')
    for row in shown.rows:
        out.append(
            f'<li class="alarm-item sev-{escape(row.severity)} state-{escape(row.state)}" '
            f'data-alarm-id="{escape(row.alarm_id)}" data-sev="{escape(row.severity)}" '
            f'data-repeats="{row.repeats}">'
            f'<span class="alarm-icon" aria-hidden="true">'
            f'{SEVERITY_ICON.get(row.severity, "●")}</span>'
            f'<div class="alarm-body"><div class="alarm-line1">'
            f'<span class="alarm-sev">{escape(t(f"severity_{row.severity}", lang))}</span>'
            f'<span class="alarm-msg">{escape(_first_line(row))}</span></div>'
            f'<div class="alarm-device">{escape(_second_line(row))}</div></div>'
            f'<div class="alarm-meta">'
            f'<span class="alarm-time">{escape(row.time)}</span>'
            f'<span class="alarm-state">{escape(t(f"state_{row.state}", lang))}</span></div>'
            "</li>")
    if shown.rest:
        rest = escape(orjson.dumps(shown.rest).decode())
        out.append(f'<li class="alarm-more" data-rest="{rest}">'
                   f'{escape(more_text(shown.rest, lang))}</li>')
    return "".join(out)
