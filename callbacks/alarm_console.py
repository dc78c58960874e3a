"""The alarm console's callbacks: rows under the filters (refreshed when alarms change),
operator actions with clear errors, the detail panel, CSV export and the health panel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from dash import Input, Output, State, ctx, no_update

from access.identity import current_principal
from access.policy import ALARM_ACT, may_act_on
from access.rules import Rule, callbacks_need
from components.alarm_console import (
    detail_view,
    fold_repeats,
    grid_rows,
    health_panel,
    member_ids,
    newest_id,
)
from components.i18n import t
from data_access.alarm_actions import ActionError, act
from data_access.alarm_health import health
from data_access.alarm_queries import (
    AlarmFilter,
    alarm_domains,
    alarm_rows,
    alarm_trail,
    open_alarms_since,
    raised_events,
    utc,
)
from data_access.app_context import current_store
from data_access.city_config import text
from data_access.departments import department_for, load_departments
from data_access.store import name_column

HEALTH_WINDOW = timedelta(days=7)
AROUND = timedelta(hours=1)  # values shown before and after the alarm


def _departments(store) -> tuple:
    return load_departments(store.settings.config_dir)


def _rows(store, f: AlarmFilter, lang: str) -> list[dict]:
    frame = alarm_rows(store.engine, f)
    names = store.alarm_view(frame, lang)["names"]
    departments = {d.id: text(d.name, lang) for d in _departments(store)}
    rows = grid_rows(frame, store.config, names, departments, lang,
                     ZoneInfo(store.config.city.timezone))
    for row, raised in zip(rows, frame["raised_at"], strict=True):
        raised_utc = utc(raised)
        row["raised_ts"] = raised_utc.isoformat() if raised_utc else None
    return rows


def _message(result, lang: str) -> str:
    if result.applied < result.sent:
        return t("action_queued", lang)
    return t("action_done", lang, n=result.applied)


def _act(event: str, ids: list[str], lang: str, **kw) -> tuple[str, str]:
    """(message, css class): what the operator reads under the buttons. The event records
    the signed-in user; a department head acts only on their own domains' alarms."""
    store = current_store()
    who = current_principal()
    held = alarm_domains(store.engine, ids)  # an id not held: act() refuses it
    if not may_act_on(who, list(held.values())):
        return t("action_not_your_domain", lang), "form-msg form-error"
    try:
        result = act(store.redis, store.engine, event, ids, who.name if who else "",
                     departments=tuple(d.id for d in _departments(store)), held=held, **kw)
    except ActionError as err:
        return t(str(err), lang), "form-msg form-error"
    return _message(result, lang), "form-msg form-ok"


def register(app) -> None:
    with callbacks_need(app, Rule(ALARM_ACT)):  # each alarm's domain: checked in _act
        _register_actions(app)

    @app.callback(
        Output("alarm-grid", "rowData"),
        Input("f-domain", "value"), Input("f-severity", "value"), Input("f-state", "value"),
        Input("f-unit", "value"), Input("f-window", "value"), Input("f-group", "value"),
        Input("alarm-signal", "data"), Input("console-msg", "children"),
        Input("detail-msg", "children"),
        State("page-lang", "data"),
    )
    def rows(domains, severities, states, units, window, group, _signal, _msg, _msg2, lang):
        f = AlarmFilter(domains or [], severities or [], states or [], units or [],
                        window or "open")
        found = _rows(current_store(), f, lang)
        return fold_repeats(found, lang) if "on" in (group or []) else found

    @app.callback(
        Output("alarm-grid", "exportDataAsCsv"),
        Input("export-csv", "n_clicks"),
        prevent_initial_call=True,
    )
    def export(_n):
        return True

    @app.callback(
        Output("detail-id", "data"),
        Input("alarm-grid", "cellClicked"),
        prevent_initial_call=True,
    )
    def pick(cell):
        if not cell or cell.get("rowId") is None:
            return no_update
        return cell["rowId"]  # a folded row's "group:<newest>": detail() opens the newest

    @app.callback(
        Output("alarm-detail", "children"), Output("detail-actions", "hidden"),
        Output("act-department", "value"),
        Input("detail-id", "data"), Input("alarm-grid", "rowData"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def detail(alarm_id, row_data, lang):
        row = next((r for r in row_data or [] if r["alarm_id"] == alarm_id), None)
        if row is None:
            return t("pick_alarm", lang), True, None
        if row.get("newest"):  # a folded row: the details (and actions) of its newest alarm
            row = row["newest"]
            alarm_id = row["alarm_id"]
        store = current_store()
        device = store.device_row(row["device_id"]) if row.get("device_id") else None
        history = store.device_history(row["device_id"], datetime.fromisoformat(
            row["raised_ts"]) - AROUND) if device is not None else None
        if history is not None and not history.empty:
            until = datetime.fromisoformat(row["raised_ts"]) + AROUND
            history = history[history["ts"] <= until]
        return detail_view(row, None if device is None else dict(device),
                           alarm_trail(store.engine, alarm_id),
                           history if history is not None else pd.DataFrame(),
                           lang, ZoneInfo(store.config.city.timezone),
                           store.settings.tile_url), not may_act_on(
            current_principal(), [row.get("domain_id")]), (
            row.get("assigned_id") or department_for(row.get("domain_id"), _departments(store)))

    @app.callback(
        Output("alarm-health", "children"),
        Input("alarm-signal", "data"), Input("page-lang", "data"),
    )
    def health_view(_signal, lang):
        store = current_store()
        end = datetime.now(UTC)
        start = end - HEALTH_WINDOW
        h = health(raised_events(store.engine, start), open_alarms_since(store.engine),
                   start, end)
        names = store.devices().set_index("id")[name_column(lang)]
        config = store.config
        return health_panel(h, lang, ZoneInfo(config.city.timezone), lambda device, typ: (
            names.get(device, device), config.alarm_message(typ, typ, lang)))


def _register_actions(app) -> None:
    @app.callback(
        Output("console-msg", "children"), Output("console-msg", "className"),
        Input("ack-selected", "n_clicks"),
        State("alarm-grid", "selectedRows"), State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def acknowledge_selected(_n, selected, lang):
        return _act("acknowledged", member_ids(selected or []), lang)

    @app.callback(
        Output("detail-msg", "children"), Output("detail-msg", "className"),
        Input("act-ack", "n_clicks"), Input("act-shelve", "n_clicks"),
        Input("act-unshelve", "n_clicks"), Input("act-assign", "n_clicks"),
        Input("act-comment", "n_clicks"),
        State("detail-id", "data"),
        State("act-shelve-min", "value"), State("act-department", "value"),
        State("act-note", "value"), State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def detail_action(_a, _s, _u, _g, _c, alarm_id, minutes, department, note, lang):
        ids = [newest_id(alarm_id)] if alarm_id else []
        match ctx.triggered_id:
            case "act-ack":
                return _act("acknowledged", ids, lang)
            case "act-shelve":
                return _act("shelved", ids, lang, shelve_min=minutes)
            case "act-unshelve":
                return _act("unshelved", ids, lang)
            case "act-assign":
                return _act("assigned", ids, lang, department=department)
            case "act-comment":
                return _act("commented", ids, lang, note=note)
        return no_update, no_update
