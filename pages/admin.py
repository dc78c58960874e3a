"""Users, wall screens and devices, for administrators: who may sign in with which role
(and, for a department head, which domains), the sign-in addresses of the control room's
screens, the city's devices (position, kind, vendor profile, DevEUI) and the data intake.

Laptop first (the admin's desk): the table of users beside the forms that change them,
then the screens. A new password or screen address is shown once, in the form that made it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dash
from dash import dcc, html

from access.policy import USERS_ADMIN
from access.users import list_display_tokens, list_users
from components.admin import (
    edit_user_form,
    new_user_form,
    token_form,
    token_grid,
    token_rows,
    user_grid,
    user_rows,
)
from components.admin_devices import device_form, device_grid, device_search, device_table_rows
from components.admin_notify import notify_card
from components.display_mode import resolve_mode
from components.i18n import resolve_language, t
from components.intake import admin_glance
from components.shell import page_shell
from data_access import streams
from data_access.app_context import current_store
from data_access.departments import load_departments
from data_access.device_registry import device_rows
from notify import outbox

dash.register_page(__name__, path="/admin", name="Admin", order=9,
                   nav_label={"el": t("nav_admin", "el"), "en": t("nav_admin", "en")},
                   access=USERS_ADMIN)


def times(store, lang: str) -> str:
    """The tables' times are the city's: said once, not in every column's header."""
    return t("admin_times", lang, tz=store.config.city.timezone)


def users_section(store, lang: str) -> html.Div:
    config = store.config
    return html.Div(className="admin-block", children=[
        html.Section(className="admin-table", **{"aria-labelledby": "admin-users-title"},
                     children=[
            html.H2(t("admin_users", lang), id="admin-users-title", className="admin-card-title"),
            html.P(f'{t("admin_users_hint", lang)} {times(store, lang)}', className="admin-hint"),
            html.Div(user_grid(user_rows(list_users(store.engine), config, lang), lang),
                     className="admin-grid-wrap"),
        ]),
        html.Div(className="admin-side", children=[new_user_form(config, lang),
                                                   edit_user_form(config, lang)]),
    ])


def tokens_section(store, lang: str) -> html.Div:
    config = store.config
    rows = token_rows(list_display_tokens(store.engine), config, lang)
    return html.Div(className="admin-block", children=[
        html.Section(className="admin-table", **{"aria-labelledby": "admin-tokens-title"},
                     children=[
            html.H2(t("admin_tokens", lang), id="admin-tokens-title",
                    className="admin-card-title"),
            html.P(f'{t("admin_tokens_hint", lang)} {times(store, lang)}',
                   className="admin-hint"),
            html.Div(token_grid(rows, lang),
                     className="admin-grid-wrap admin-token-wrap"),
        ]),
        html.Div(className="admin-side", children=[token_form(lang)]),
    ])


def devices_section(store, lang: str) -> html.Div:
    rows = device_table_rows(device_rows(store.engine), store.config, lang)
    return html.Div(className="admin-block", children=[
        html.Section(className="admin-table", **{"aria-labelledby": "admin-devices-title"},
                     children=[
            html.H2(t("admin_devices", lang), id="admin-devices-title",
                    className="admin-card-title"),
            html.P(t("admin_devices_hint", lang), className="admin-hint"),
            device_search(lang),
            html.Div(device_grid(rows, lang), className="admin-grid-wrap admin-device-wrap"),
        ]),
        html.Div(className="admin-side", children=[device_form(store.config, lang)]),
    ])


def notify_glance(store, lang: str) -> html.Section:
    with store.engine.connect() as conn:
        summary = outbox.summary(conn, datetime.now(UTC) - timedelta(hours=24))
    settings = store.settings
    relay = f"{settings.smtp_host}:{settings.smtp_port}" if settings.smtp_host else ""
    return notify_card(load_departments(settings.config_dir), summary, relay, lang)


def layout(lang: str | None = None, mode: str | None = None, **_query) -> html.Div:
    store = current_store()
    config = store.config
    lang = resolve_language(lang, config.city.default_language)
    body = [
        html.H1(t("admin_title", lang), className="page-title"),
        html.Div(className="admin-page", children=[
            users_section(store, lang), tokens_section(store, lang),
            devices_section(store, lang),
            admin_glance(streams.intake_health(store.redis), lang),
            notify_glance(store, lang)]),
        dcc.Store(id="admin-edit-target"),
        dcc.Store(id="admin-token-id"),
        dcc.Store(id="page-lang", data=lang),
    ]
    return page_shell(config, lang, "/admin", body, resolve_mode(mode))
