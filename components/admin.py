"""Builders of the admin page (pages/admin.py): the users and screens tables, the forms, and
the box that shows a new password or sign-in address once. Data comes in ready;
callbacks/admin.py fetches it and acts."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

import dash_ag_grid as dag
from dash import dcc, html

from access.policy import DOMAIN_BOUND_ROLES
from access.users import USER_ROLES, TokenView, UserView
from components.alarm_console import GRID_THEME
from components.alarm_list import local_time
from components.i18n import grid_locale, t
from data_access.city_config import CityConfig, text

DATE_TIME = "%Y-%m-%d %H:%M"
ACTIVE, DISABLED = "active", "disabled"


# -- words -----------------------------------------------------------------------------------
def role_label(role: str, lang: str) -> str:
    """The role's name as a label (the catalogue keeps it lower-case for use in sentences)."""
    name = t(f"role_{role}", lang)
    return name[:1].upper() + name[1:]


def role_options(lang: str) -> list[dict]:
    return [{"label": role_label(r, lang), "value": r} for r in USER_ROLES]


def domain_names(config: CityConfig, lang: str) -> dict[str, str]:
    return {d.id: text(d.name, lang) for d in config.domains}


def domain_options(config: CityConfig, lang: str) -> list[dict]:
    return [{"label": f"{d.glyph} · {text(d.name, lang)}", "value": d.id}
            for d in config.domains]


def domains_needed(role: str | None) -> bool:
    return role in DOMAIN_BOUND_ROLES


def role_hint(role: str | None, lang: str) -> str:
    return t(f"role_{role}_hint", lang) if role in USER_ROLES else ""


def domains_hint(role: str | None, lang: str) -> str:
    if role not in USER_ROLES:
        return ""
    return t("admin_domains_needed" if domains_needed(role) else "admin_domains_unused", lang)


# -- rows ------------------------------------------------------------------------------------
def user_rows(users: Iterable[UserView], config: CityConfig, lang: str) -> list[dict]:
    """One row per user, in the reader's words; the codes ride along for the edit form."""
    tz = ZoneInfo(config.city.timezone)
    names = domain_names(config, lang)
    return [{
        "name": u.name,
        "full_name": u.full_name,
        "role": role_label(u.role, lang), "role_code": u.role,
        # Roles not bound to domains see all of them: say so rather than leave it blank.
        "domains": ", ".join(names.get(d, d) for d in u.domains) if u.domains
        else t("all_domains", lang),
        "active": f"✓ {t('admin_active', lang)}" if u.active else f"✖ {t('admin_disabled', lang)}",
        "active_code": ACTIVE if u.active else DISABLED,
        "last_login": local_time(u.last_login_at, tz, DATE_TIME) or t("admin_never", lang),
    } for u in users]


def token_rows(tokens: Iterable[TokenView], config: CityConfig, lang: str) -> list[dict]:
    tz = ZoneInfo(config.city.timezone)
    return [{
        "id": str(k.id),
        "name": k.name,
        "created_by": k.created_by or "—",
        "created": local_time(k.created_at, tz, DATE_TIME),
        "last_used": local_time(k.last_used_at, tz, DATE_TIME) or t("admin_never", lang),
        "revoked": local_time(k.revoked_at, tz, DATE_TIME) if k.revoked_at
        else f"✓ {t('admin_token_live', lang)}",
        "live": k.revoked_at is None,
    } for k in tokens]


# -- tables ----------------------------------------------------------------------------------
# Rows grow with the type (a wall's is larger) and stay a 44 px touch target at the least.
ROW_THEME = GRID_THEME + (".withParams({rowHeight: 'max(44px, 2.4em)', headerHeight: '2.6em',"
                          " cellHorizontalPadding: 10})")


NAME_FIELDS = {"name", "full_name", "created_by"}


def grid(id_: str, columns: list[tuple[str, str, int]], rows: list[dict], row_id: str,
         empty: str, lang: str, **options) -> dag.AgGrid:
    """A single-pick table in the control room's dark theme; a click picks a row. Columns
    share the width by the characters they usually hold, and a cell too narrow wraps rather
    than cut a name or a time (a portrait tablet has little room for six columns). Sorting,
    no filters: an admin's list is short, and the filter buttons would take that room."""
    return dag.AgGrid(
        id=id_, className=f"admin-grid {id_}", rowData=rows,
        columnDefs=[{"field": f, "headerName": h, "flex": chars, "minWidth": chars * 6 + 20,
                     # People's and screens' names are theirs, in any script
                     # (class "notranslate": translators and tools leave them as they are).
                     **({"cellClass": "notranslate"} if f in NAME_FIELDS else {})}
                    for f, h, chars in columns],
        # Text as given: the grid would otherwise guess "2026-05-04 14:03" is a date and
        # blank a "never" below it.
        defaultColDef={"sortable": True, "resizable": True, "wrapText": True,
                       "autoHeight": True, "wrapHeaderText": True, "autoHeaderHeight": True,
                       "cellDataType": "text"},
        getRowId=row_id,
        dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                          "enableClickSelection": True},
                         "theme": {"function": ROW_THEME}, "animateRows": False,
                         "localeText": {**grid_locale(lang), "noRowsToShow": empty},
                         "suppressColumnVirtualisation": True, **options},
        style={"height": "100%", "width": "100%"},
    )


def user_grid(rows: list[dict], lang: str) -> dag.AgGrid:
    return grid("admin-user-grid", [
        ("name", t("admin_col_name", lang), 12),
        ("full_name", t("admin_col_full_name", lang), 16),
        ("role", t("admin_col_role", lang), 13),
        ("domains", t("admin_col_domains", lang), 16),
        ("active", t("admin_col_active", lang), 11),
        ("last_login", t("admin_col_last_login", lang), 16),
    ], rows, "params.data.name", t("admin_no_users", lang), lang,
        rowClassRules={"admin-row-off": "params.data.active_code === 'disabled'"})


def token_grid(rows: list[dict], lang: str) -> dag.AgGrid:
    return grid("admin-token-grid", [
        ("name", t("admin_col_token", lang), 20),
        ("created_by", t("admin_col_created_by", lang), 12),
        ("created", t("admin_col_created", lang), 16),
        ("last_used", t("admin_col_last_used", lang), 16),
        ("revoked", t("admin_col_revoked", lang), 16),
    ], rows, "params.data.id", t("admin_no_tokens", lang), lang,
        rowClassRules={"admin-row-off": "!params.data.live"})


# -- forms -----------------------------------------------------------------------------------
def field(label: str, control, for_id: str, hint: str | None = None) -> html.Div:
    """A labelled control; its hint (id `<control>-hint`) may be rewritten by a callback."""
    parts = [html.Label(label, htmlFor=for_id, className="admin-label"), control]
    if hint is not None:
        parts.append(html.Div(hint, id=f"{for_id}-hint", className="admin-hint"))
    return html.Div(parts, className="admin-field")


def text_input(id_: str, max_length: int, type_: str = "text", **kw) -> dcc.Input:
    return dcc.Input(id=id_, type=type_, maxLength=max_length, className="text-input",
                     autoComplete="off", spellCheck=False, **kw)


def _role_and_domains(prefix: str, config: CityConfig, lang: str, role: str | None) -> list:
    """The role, what it may do, and its domains (asked only of a department head)."""
    return [
        field(t("admin_role", lang), dcc.Dropdown(
            id=f"admin-{prefix}-role", options=role_options(lang), value=role, clearable=False,
            searchable=False), f"admin-{prefix}-role", hint=role_hint(role, lang)),
        field(t("admin_domains", lang), dcc.Dropdown(
            id=f"admin-{prefix}-domains", options=domain_options(config, lang), value=[],
            multi=True, searchable=False, disabled=not domains_needed(role)),
            f"admin-{prefix}-domains", hint=domains_hint(role, lang)),
    ]


def message(id_: str) -> html.Div:
    """Where a form says what went wrong (read out at once) or what was done."""
    return html.Div(id=id_, className="form-msg", role="alert")


def secret_box(prefix: str, lang: str, once_key: str = "admin_secret_once") -> html.Div:
    """A new password or sign-in address, shown once: copy button, warning, and a button that
    takes it off the screen when it has been copied."""
    value_id = f"admin-{prefix}-secret-value"
    return html.Div(id=f"admin-{prefix}-secret", className="admin-secret", hidden=True,
                    role="status", children=[
        html.Div(id=f"admin-{prefix}-secret-title", className="admin-secret-title"),
        html.Div(className="admin-secret-row", children=[
            html.Code(id=value_id, className="admin-secret-value"),
            dcc.Clipboard(target_id=value_id, title=t("admin_copy", lang),
                          className="admin-copy"),
        ]),
        html.Div(t(once_key, lang), className="admin-secret-once"),
        html.Button(t("admin_secret_hide", lang), id=f"admin-{prefix}-secret-hide",
                    className="btn"),
    ])


def new_user_form(config: CityConfig, lang: str) -> html.Section:
    return html.Section(className="admin-card", **{"aria-labelledby": "admin-new-title"},
                        children=[
        html.H2(t("admin_new_user", lang), id="admin-new-title", className="admin-card-title"),
        field(t("admin_name", lang), text_input("admin-new-name", 40), "admin-new-name",
               hint=t("admin_name_hint", lang)),
        field(t("admin_full_name", lang), text_input("admin-new-fullname", 200),
               "admin-new-fullname"),
        *_role_and_domains("new", config, lang, "operator"),
        html.Button(t("admin_create", lang), id="admin-new-create", className="btn btn-primary"),
        message("admin-new-msg"),
        secret_box("new", lang),
    ])


def edit_user_form(config: CityConfig, lang: str) -> html.Section:
    """Static, so its controls exist for the callbacks; its fields show once a user is picked."""
    return html.Section(className="admin-card", **{"aria-labelledby": "admin-edit-title"},
                        children=[
        html.H2(t("admin_edit_user", lang), id="admin-edit-title", className="admin-card-title"),
        html.Div(t("admin_edit_none", lang), id="admin-edit-who", className="admin-who"),
        html.Div(id="admin-edit-fields", className="admin-edit-fields", hidden=True, children=[
            field(t("admin_full_name", lang), text_input("admin-edit-fullname", 200),
                   "admin-edit-fullname"),
            *_role_and_domains("edit", config, lang, None),
            html.Fieldset(className="admin-field admin-choice", children=[
                html.Legend(t("admin_account", lang), className="admin-label"),
                dcc.RadioItems(id="admin-edit-active", className="range-picker", inline=True,
                               options=[{"label": t("admin_active", lang), "value": ACTIVE},
                                        {"label": t("admin_disabled", lang), "value": DISABLED}],
                               value=ACTIVE),
            ]),
            html.Div(className="admin-buttons", children=[
                html.Button(t("admin_save", lang), id="admin-edit-save",
                            className="btn btn-primary"),
                html.Button(t("admin_reset", lang), id="admin-edit-reset", className="btn"),
            ]),
        ]),
        message("admin-edit-msg"),
        secret_box("edit", lang),
        dcc.ConfirmDialog(id="admin-reset-confirm"),
    ])


def token_form(lang: str) -> html.Section:
    return html.Section(className="admin-card", **{"aria-labelledby": "admin-token-title"},
                        children=[
        html.H2(t("admin_new_token", lang), id="admin-token-title", className="admin-card-title"),
        field(t("admin_token_name", lang), text_input("admin-token-name", 120), "admin-token-name"),
        html.Div(className="admin-buttons", children=[
            html.Button(t("admin_token_create", lang), id="admin-token-create",
                        className="btn btn-primary"),
            html.Button(t("admin_token_revoke", lang), id="admin-token-revoke", className="btn",
                        disabled=True, title=t("admin_token_pick", lang)),
        ]),
        message("admin-token-msg"),
        secret_box("token", lang, "admin_secret_url_once"),
        dcc.ConfirmDialog(id="admin-revoke-confirm"),
    ])
