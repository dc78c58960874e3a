"""Builders for the alarm console: the filter bar, the grid, the detail panel and the
alarm-system health panel. Data comes in ready; callbacks/alarm_console.py fetches it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import dash_ag_grid as dag
import dash_leaflet as dl
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.alarm_list import SEVERITY_ICON, local_time
from components.i18n import CATALOGUE, graph_config, grid_locale, t
from components.numbers import figure
from data_access.alarm_actions import SHELVE_CHOICES_MIN
from data_access.alarm_health import PRIORITY_TARGET, AlarmHealth
from data_access.alarm_queries import STATE_ORDER, WINDOWS
from data_access.city_config import CityConfig, text
from data_access.departments import Department
from data_access.streams import SEVERITIES

GRID_THEME = ("themeQuartz.withParams({backgroundColor: '#22262c', foregroundColor: '#eef1f4',"
              " headerBackgroundColor: '#2b3038', accentColor: '#8cc8ff',"
              " borderColor: '#3a404a', fontSize: 'inherit', browserColorScheme: 'dark'})")
CHART = {"template": "plotly_dark", "paper_bgcolor": "#22262c", "plot_bgcolor": "#22262c",
         "margin": {"l": 50, "r": 16, "t": 30, "b": 36}, "font": {"size": 14}}


DATE_TIME = "%Y-%m-%d %H:%M"
GROUP_PREFIX = "group:"  # the id of a row that folds repeats (fold_repeats)


def _multi(id_: str, label: str, options: list[tuple[str, str]], value=None) -> html.Div:
    return html.Div(className="console-filter", children=[
        html.Label(label, htmlFor=id_),
        dcc.Dropdown(id=id_, multi=True, value=value or [], placeholder=label,
                     options=[{"label": lab, "value": v} for v, lab in options]),
    ])


def filter_bar(config: CityConfig, lang: str, user: str) -> html.Div:
    return html.Div(className="console-filters", children=[
        _multi("f-domain", t("domain", lang),
               [(d.id, f"{d.glyph} · {text(d.name, lang)}") for d in config.domains]),
        _multi("f-severity", t("severity", lang),
               [(s, f"{SEVERITY_ICON[s]} {t(f'severity_{s}', lang)}") for s in SEVERITIES]),
        _multi("f-state", t("state", lang), [(s, t(f"state_{s}", lang)) for s in STATE_ORDER]),
        _multi("f-unit", t("unit", lang), [(u.id, text(u.name, lang)) for u in config.city.units]),
        html.Div(className="console-filter", children=[
            html.Label(t("time", lang), htmlFor="f-window"),
            dcc.Dropdown(id="f-window", value="open", clearable=False,
                         options=[{"label": t(f"window_{w}", lang), "value": w}
                                  for w in ("open", *WINDOWS)]),
        ]),
        html.Div(className="console-filter", children=[
            # Under a flood, one row per rule, severity and unit (as the wall's panel).
            dcc.Checklist(id="f-group", value=[], className="console-group",
                          options=[{"label": t("group_repeats", lang), "value": "on"}]),
        ]),
        html.Div(className="console-filter", children=[
            # Actions are recorded under the signed-in user; no name to type.
            html.Span(t("signed_in_as", lang, name=user), className="console-user"),
        ]),
    ])


def grid(lang: str) -> dag.AgGrid:
    def col(field: str, header: str, **kw) -> dict:
        return {"field": field, "headerName": header, **kw}

    return dag.AgGrid(
        id="alarm-grid",
        className="alarm-grid",
        columnDefs=[
            col("state", t("state", lang), minWidth=150),
            col("severity", t("severity", lang), minWidth=120,
                cellClass={"function": "'sev-cell sev-' + params.data.severity_code"}),
            col("raised", t("raised", lang), minWidth=175),
            col("domain", t("domain", lang), minWidth=130),
            col("device", t("device", lang), minWidth=200),
            col("unit", t("unit", lang), minWidth=120),
            col("message", t("message", lang), minWidth=220, flex=2),
            col("count", t("count", lang), maxWidth=100, type="numericColumn"),
            col("assigned", t("assigned", lang), minWidth=140),
            col("ack_by", t("ack_by", lang), minWidth=130, cellClass="notranslate"),
        ],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1},
        rowData=[],
        getRowId="params.data.alarm_id",
        dashGridOptions={"rowSelection": {"mode": "multiRow", "enableClickSelection": False},
                         # The control room's dark neutral theme; text kept above 4.5:1.
                         "theme": {"function": GRID_THEME},
                         "animateRows": False, "rowHeight": 44, "headerHeight": 44,
                         "suppressColumnVirtualisation": True, "localeText": grid_locale(lang)},
        csvExportParams={"fileName": "cityops-alarms.csv"},
        style={"height": "100%", "width": "100%"},
    )


def grid_rows(frame: pd.DataFrame, config: CityConfig, names: dict[str, str],
              departments: dict[str, str], lang: str, tz: ZoneInfo) -> list[dict]:
    units = {u.id: text(u.name, lang) for u in config.city.units}
    domains = {d.id: text(d.name, lang) for d in config.domains}
    return [{
        "alarm_id": r.alarm_id,
        "state": t(f"state_{r.state}", lang), "state_code": r.state,
        "severity": f"{SEVERITY_ICON.get(r.severity, '●')} {t(f'severity_{r.severity}', lang)}",
        "severity_code": r.severity,
        "raised": local_time(r.raised_at, tz, DATE_TIME),
        "domain": domains.get(r.domain, r.domain or ""), "domain_id": r.domain,
        "device": names.get(r.device_id or "", r.device_id or ""),
        "device_id": r.device_id,
        "unit": units.get(r.unit, r.unit or ""),
        "message": config.alarm_message(r.type, r.message, lang),
        "count": int(r.count or 1),
        "assigned": departments.get(r.assigned_to or "", ""), "assigned_id": r.assigned_to,
        "ack_by": r.acknowledged_by or "",
        "repeat_of": f"{r.type}|{r.severity}|{r.unit}",
    } for r in frame.itertuples()]


def fold_repeats(rows: list[dict], lang: str) -> list[dict]:
    """One row per rule, severity and municipal unit, in the list's order, as the wall's
    panel folds them under a flood ("7 × Water level rising fast"); the row stands for all
    its alarms (`members`): acknowledging it acknowledges them all. Its details are those
    of its newest alarm (`newest`)."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["repeat_of"], []).append(row)
    folded = []
    for members in groups.values():
        first = members[0]
        if len(members) == 1:
            folded.append(first)
            continue
        folded.append({**first, "alarm_id": GROUP_PREFIX + first["alarm_id"],
                       "members": [m["alarm_id"] for m in members], "newest": first,
                       "message": f"{len(members)} × {first['message']}",
                       "device": _devices(members, lang),
                       "count": sum(m["count"] for m in members)})
    return folded


def _devices(members: list[dict], lang: str) -> str:
    """One device by its name; several by how many."""
    devices = {m["device_id"] for m in members}
    return members[0]["device"] if len(devices) == 1 else t("group_devices", lang,
                                                              n=len(devices))


def newest_id(row_id: str) -> str:
    """The alarm a row's details and actions are about: a folded row's newest alarm."""
    return row_id.removeprefix(GROUP_PREFIX)


def member_ids(selected: list[dict]) -> list[str]:
    """The alarms behind the rows picked: a folded row's every member."""
    return [i for row in selected for i in row.get("members") or [row["alarm_id"]]]


def action_panel(departments: tuple[Department, ...], lang: str) -> html.Div:
    """Static, so its buttons exist for the callbacks; shown once an alarm is picked."""
    shelve = [{"label": f"{m} {t('minutes', lang)}" if m < 60 else f"{m // 60} {t('hours', lang)}",
               "value": m} for m in SHELVE_CHOICES_MIN]
    return html.Div(id="detail-actions", className="detail-actions", hidden=True, children=[
        html.Button(t("acknowledge", lang), id="act-ack", className="btn btn-primary"),
        html.Div(className="action-row", children=[
            dcc.Dropdown(id="act-shelve-min", options=shelve, value=60, clearable=False,
                         className="action-select"),
            html.Button(t("shelve", lang), id="act-shelve", className="btn"),
            html.Button(t("unshelve", lang), id="act-unshelve", className="btn"),
        ]),
        html.Div(className="action-row", children=[
            dcc.Dropdown(id="act-department", clearable=False, className="action-select",
                         options=[{"label": text(d.name, lang), "value": d.id}
                                  for d in departments]),
            html.Button(t("assign", lang), id="act-assign", className="btn"),
        ]),
        dcc.Textarea(id="act-note", className="text-input action-note", maxLength=4000,
                     placeholder=t("comment", lang)),
        html.Button(t("add_comment", lang), id="act-comment", className="btn"),
        html.Div(id="detail-msg", className="form-msg", role="status"),
    ])


def event_name(event: str, lang: str) -> str:
    """An audit event in the reader's language (an outside producer's own event as it is)."""
    return t(f"event_{event}", lang) if f"event_{event}" in CATALOGUE else event


def detail_view(alarm: dict, device: dict | None, trail: pd.DataFrame, history: pd.DataFrame,
                lang: str, tz: ZoneInfo, tile_url: str | None) -> list:
    facts = [(t("state", lang), t(f"state_{alarm['state_code']}", lang)),
             (t("severity", lang), alarm["severity"]), (t("raised", lang), alarm["raised"]),
             (t("device", lang), alarm["device"]), (t("unit", lang), alarm["unit"]),
             (t("count", lang), str(alarm["count"]))]
    out = [
        html.H2(alarm["message"], className="panel-title"),
        html.Dl([x for k, v in facts for x in (html.Dt(k), html.Dd(v))], className="facts"),
    ]
    if alarm.get("device_id"):
        out.append(dcc.Link(t("open_device", lang) + " →",
                            href=f"/devices/{alarm['device_id']}?lang={lang}"))
    if device is not None:
        base = [dl.TileLayer(url=tile_url)] if tile_url and tile_url.lower() != "none" else []
        out.append(html.Div(className="detail-map", children=dl.Map(
            center=[device["lat"], device["lon"]], zoom=16, zoomControl=False,
            style={"height": "100%"}, children=[*base, dl.CircleMarker(
                center=[device["lat"], device["lon"]], radius=12,
                pathOptions={"color": "#ff5c5c", "weight": 4, "fillOpacity": 0.5})])))
    out.append(html.H3(t("values_around", lang), className="sub-title"))
    if history.empty:
        out.append(html.P(t("no_data", lang), className="muted"))
    else:
        fig = go.Figure([go.Scatter(x=rows["ts"].dt.tz_convert(tz), y=rows["value"], name=m,
                                    mode="lines+markers")
                         for m, rows in history.groupby("metric")])
        fig.add_vline(x=alarm["raised_ts"], line={"color": "#ff5c5c", "dash": "dash"})
        fig.update_layout(height=230, legend={"orientation": "h"}, **CHART)
        out.append(dcc.Graph(figure=fig, config=graph_config(lang), className="detail-chart"))
    out.append(html.H3(t("audit_trail", lang), className="sub-title"))
    out.append(html.Ol(className="audit-trail", children=[
        html.Li([html.Span(local_time(r.ts, tz, "%d/%m %H:%M:%S"), className="audit-time"),
                 html.B(event_name(r.event, lang)), f" · {r.user}" if r.user else "",
                 html.Div(r.note, className="audit-note") if r.note else None])
        for r in trail.itertuples()]))
    return out


def health_panel(h: AlarmHealth, lang: str, tz: ZoneInfo,
                 name_of=lambda device, alarm_type: (device, alarm_type)) -> list:
    """`name_of(device id, alarm type)`: the device's name and the alarm's words for the
    reader (the ids, without it)."""
    prio = " / ".join(figure(h.priority_pct[p], lang) for p in PRIORITY_TARGET)
    cards = [
        (t("h_rate", lang), f"{figure(h.per_10min_avg, lang)} / {h.per_10min_max}",
         h.per_10min_avg > 1),
        (t("h_flood", lang), f"{figure(h.flood_share_pct, lang)} %", h.flood_share_pct > 1),
        (t("h_standing", lang), str(h.standing), h.standing > 0),
        (t("h_chatter", lang), str(h.chattering), h.chattering > 0),
        (t("h_priorities", lang), f"{prio} %", False),
    ]
    fig = go.Figure(go.Bar(x=h.per_period.index.tz_convert(tz), y=h.per_period.values,
                           marker_color=["#ff5c5c" if v > 10 else "#8cc8ff"
                                         for v in h.per_period.values]))
    fig.add_hline(y=10, line={"color": "#ffc53d", "dash": "dot"})
    fig.update_layout(height=220, **CHART)
    return [
        html.H2(t("health_title", lang), className="panel-title"),
        html.Div(className="health-cards", children=[
            html.Div([html.Span(label, className="health-label"),
                      html.Span(value, className="health-value")],
                     className="health-card" + (" health-bad" if bad else ""))
            for label, value, bad in cards]),
        dcc.Graph(figure=fig, config=graph_config(lang), className="health-chart"),
        html.H3(t("h_bad_actors", lang), className="sub-title"),
        html.Ol([html.Li(" · ".join((*name_of(d, typ), f"{n} {t('times', lang)}")))
                 for d, typ, n in h.bad_actors], className="bad-actors"),
    ]
