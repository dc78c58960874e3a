"""Callbacks of the admin page: create and change users, reset a password, create and revoke
wall-screen tokens. Every one of them needs USERS_ADMIN (declared in `register`).

What is done is decided in plain functions over the engine (create_user, change_user, ...):
they return an Outcome, the tests call them directly, and the callbacks only turn an Outcome
into what the page shows. A new password or sign-in address leaves the server once, in the
reply to the click that made it; it is kept nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import Input, Output, State, ctx, no_update
from flask import request
from sqlalchemy import Engine

from access import users
from access.identity import current_principal
from access.login import forget_principals
from access.passwords import generate_password, weakness
from access.policy import USERS_ADMIN, Principal
from access.rules import Rule, callbacks_need
from components.admin import (
    ACTIVE,
    DISABLED,
    domains_hint,
    domains_needed,
    role_hint,
    token_rows,
    user_rows,
)
from components.i18n import t
from data_access.app_context import current_store

ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class Outcome:
    """What an action did: the catalogue key of its message, whom it concerned, and the
    secret to show once (a password or a sign-in address)."""

    key: str
    ok: bool
    name: str = ""
    secret: str | None = None


def refused(key: str, name: str = "") -> Outcome:
    return Outcome(key, False, name)


# -- actions (plain functions: the tests call these) ------------------------------------------
def new_password(name: str) -> str:
    """A generated password the account will accept: a random one may, rarely, hold a short
    user name, which the password rules refuse."""
    while True:
        password = generate_password()
        if weakness(password, name) is None:
            return password


def create_user(engine: Engine, known_domains: Sequence[str], name: str | None,
                full_name: str | None, role: str | None,
                domains: Sequence[str] | None) -> Outcome:
    """A new, active user with a generated password (shown to the admin once)."""
    try:
        clean, _ = users.check_user(name or "", role or "", domains or (), known_domains)
        password = new_password(clean)
        made = users.create_user(engine, clean, role or "", password, domains or (),
                                 known_domains, full_name or "")
    except users.UserError as err:
        return refused(str(err))
    return Outcome("admin_user_created", True, made.name, password)


def _admins_left(engine: Engine, name: str) -> int:
    """Active administrators other than `name`."""
    return sum(1 for u in users.list_users(engine)
               if u.role == ADMIN_ROLE and u.active and u.name != name)


def change_user(engine: Engine, known_domains: Sequence[str], who: Principal | None,
                name: str | None, full_name: str | None, role: str | None,
                domains: Sequence[str] | None, active: bool) -> Outcome:
    """Role, domains, full name, active. Nobody takes the admin role from themself or disables
    their own account, and the last active admin stays one: there is always someone who can
    undo a mistake here."""
    current = users.find_user(engine, name) if name else None
    if current is None:
        return refused("admin_pick_user" if not name else "user_unknown")
    stays_admin = role == ADMIN_ROLE and active
    if who is not None and who.name == current.name:
        if role != ADMIN_ROLE:
            return refused("admin_not_self_demote", current.name)
        if not active:
            return refused("admin_not_self_disable", current.name)
    if current.role == ADMIN_ROLE and current.active and not stays_admin \
            and _admins_left(engine, current.name) == 0:
        return refused("admin_last_admin", current.name)
    try:
        users.update_user(engine, current.name, role or "", domains or (), known_domains,
                          active=active, full_name=full_name)
    except users.UserError as err:
        return refused(str(err), current.name)
    return Outcome("admin_user_saved", True, current.name)


def reset_password(engine: Engine, name: str | None) -> Outcome:
    """A new generated password; the old one stops working at once."""
    current = users.find_user(engine, name) if name else None
    if current is None:
        return refused("admin_pick_user" if not name else "user_unknown")
    password = new_password(current.name)
    try:
        users.set_password(engine, current.name, password)
    except users.UserError as err:
        return refused(str(err), current.name)
    return Outcome("admin_password_reset", True, current.name, password)


def sign_in_url(base_url: str, raw_token: str) -> str:
    """The address a wall screen opens once: it signs the screen in and opens it as a wall."""
    return f"{base_url.rstrip('/')}/display/{raw_token}?mode=wall"


def create_token(engine: Engine, name: str | None, created_by: str, base_url: str) -> Outcome:
    try:
        made, raw = users.create_display_token(engine, name or "", created_by)
    except users.UserError as err:
        return refused(str(err))
    return Outcome("admin_token_created", True, made.name, sign_in_url(base_url, raw))


def revoke_token(engine: Engine, token_id: int | str | None) -> Outcome:
    live = users.display_token(engine, int(token_id)) if str(token_id or "").isdigit() else None
    if live is None:
        return refused("admin_token_gone" if token_id else "admin_token_pick")
    if not users.revoke_display_token(engine, live.id):
        return refused("admin_token_gone", live.name)
    return Outcome("admin_token_revoked", True, live.name)


# -- what the page shows ---------------------------------------------------------------------
def _message(outcome: Outcome, lang: str) -> tuple[str, str]:
    text = t(outcome.key, lang, name=outcome.name)
    return text, "form-msg form-ok" if outcome.ok else "form-msg form-error"


def _secret(box: tuple[str, str, str], outcome: Outcome | None, lang: str,
            title_key: str = "admin_secret_password") -> dict:
    """A secret box's (hidden, title, value) outputs: shown with this outcome's secret, else
    hidden and empty."""
    hidden, title, value = box
    if outcome is None or outcome.secret is None:
        return {hidden: True, title: "", value: ""}
    return {hidden: False, title: t(title_key, lang, name=outcome.name), value: outcome.secret}


NEW_BOX = ("new_hidden", "new_title", "new_value")
EDIT_BOX = ("edit_hidden", "edit_title", "edit_value")
TOKEN_BOX = ("hidden", "title", "value")


USER_OUT = {
    "new_msg": Output("admin-new-msg", "children"),
    "new_cls": Output("admin-new-msg", "className"),
    "edit_msg": Output("admin-edit-msg", "children"),
    "edit_cls": Output("admin-edit-msg", "className"),
    "new_hidden": Output("admin-new-secret", "hidden"),
    "new_title": Output("admin-new-secret-title", "children"),
    "new_value": Output("admin-new-secret-value", "children"),
    "edit_hidden": Output("admin-edit-secret", "hidden"),
    "edit_title": Output("admin-edit-secret-title", "children"),
    "edit_value": Output("admin-edit-secret-value", "children"),
    "rows": Output("admin-user-grid", "rowData"),
    "new_name": Output("admin-new-name", "value"),
    "new_fullname": Output("admin-new-fullname", "value"),
}
USER_IN = {
    "create": Input("admin-new-create", "n_clicks"),
    "save": Input("admin-edit-save", "n_clicks"),
    "reset": Input("admin-reset-confirm", "submit_n_clicks"),
    "hide_new": Input("admin-new-secret-hide", "n_clicks"),
    "hide_edit": Input("admin-edit-secret-hide", "n_clicks"),
}
USER_STATE = {
    "name": State("admin-new-name", "value"),
    "full_name": State("admin-new-fullname", "value"),
    "role": State("admin-new-role", "value"),
    "domains": State("admin-new-domains", "value"),
    "target": State("admin-edit-target", "data"),
    "edit_full_name": State("admin-edit-fullname", "value"),
    "edit_role": State("admin-edit-role", "value"),
    "edit_domains": State("admin-edit-domains", "value"),
    "edit_active": State("admin-edit-active", "value"),
    "lang": State("page-lang", "data"),
}


def on_user_action(trigger: str | None, form: dict) -> dict:
    """The page's answer to a click in the user forms. Both secret boxes empty on every
    click: a password is on screen only right after the action that made it. A refused form
    keeps what was typed."""
    store = current_store()
    engine, known = store.engine, [d.id for d in store.config.domains]
    lang = form.get("lang") or "en"
    out = dict.fromkeys(USER_OUT, no_update)
    out |= _secret(NEW_BOX, None, lang) | _secret(EDIT_BOX, None, lang)
    if trigger == "admin-new-create":
        done = create_user(engine, known, form["name"], form["full_name"], form["role"],
                           form["domains"])
        out["new_msg"], out["new_cls"] = _message(done, lang)
        out |= _secret(NEW_BOX, done, lang)
        if done.ok:
            out["new_name"] = out["new_fullname"] = ""
    elif trigger in ("admin-edit-save", "admin-reset-confirm"):
        if trigger == "admin-edit-save":
            done = change_user(engine, known, current_principal(), form["target"],
                               form["edit_full_name"], form["edit_role"], form["edit_domains"],
                               form["edit_active"] == ACTIVE)
        else:
            done = reset_password(engine, form["target"])
        out["edit_msg"], out["edit_cls"] = _message(done, lang)
        out |= _secret(EDIT_BOX, done, lang)
        if done.ok:  # this process lets a disabled user go at once, not after its cache time
            forget_principals()
    else:  # a "hide it" button: the boxes are emptied above, the table stays as it is
        return out
    if done.ok:
        out["rows"] = user_rows(users.list_users(engine), store.config, lang)
    return out


TOKEN_OUT = {
    "msg": Output("admin-token-msg", "children"),
    "cls": Output("admin-token-msg", "className"),
    "hidden": Output("admin-token-secret", "hidden"),
    "title": Output("admin-token-secret-title", "children"),
    "value": Output("admin-token-secret-value", "children"),
    "rows": Output("admin-token-grid", "rowData"),
    "name": Output("admin-token-name", "value"),
}
TOKEN_IN = {
    "create": Input("admin-token-create", "n_clicks"),
    "revoke": Input("admin-revoke-confirm", "submit_n_clicks"),
    "hide": Input("admin-token-secret-hide", "n_clicks"),
}
TOKEN_STATE = {
    "name": State("admin-token-name", "value"),
    "token_id": State("admin-token-id", "data"),
    "lang": State("page-lang", "data"),
}


def on_token_action(trigger: str | None, form: dict) -> dict:
    """The page's answer to a click in the screens form: the sign-in address of a new screen
    (once), or a revoked one."""
    store = current_store()
    lang = form.get("lang") or "en"
    out = dict.fromkeys(TOKEN_OUT, no_update)
    out |= _secret(TOKEN_BOX, None, lang)
    if trigger == "admin-token-create":
        who = current_principal()
        done = create_token(store.engine, form["name"], who.name if who else "",
                            request.url_root)
        out |= _secret(TOKEN_BOX, done, lang, "admin_secret_url")
        if done.ok:
            out["name"] = ""
    elif trigger == "admin-revoke-confirm":
        done = revoke_token(store.engine, form["token_id"])
        if done.ok:  # this process lets the screen go at once, not after its cache time
            forget_principals()
    else:
        return out
    out["msg"], out["cls"] = _message(done, lang)
    if done.ok:
        out["rows"] = token_rows(users.list_display_tokens(store.engine), store.config, lang)
    return out


def picked_user(engine: Engine, name: str | None) -> users.UserView | None:
    return users.find_user(engine, name) if name else None


# -- wiring ----------------------------------------------------------------------------------
def _register_forms(app) -> None:
    for prefix in ("new", "edit"):
        @app.callback(
            Output(f"admin-{prefix}-domains", "disabled"),
            Output(f"admin-{prefix}-role-hint", "children"),
            Output(f"admin-{prefix}-domains-hint", "children"),
            Input(f"admin-{prefix}-role", "value"), State("page-lang", "data"),
        )
        def role_changed(role, lang):
            """Domains are asked only of a department head; the others see every domain."""
            return not domains_needed(role), role_hint(role, lang), domains_hint(role, lang)

    @app.callback(
        Output("admin-edit-target", "data"), Output("admin-edit-who", "children"),
        Output("admin-edit-fields", "hidden"), Output("admin-edit-fullname", "value"),
        Output("admin-edit-role", "value"), Output("admin-edit-domains", "value"),
        Output("admin-edit-active", "value"),
        Input("admin-user-grid", "selectedRows"), State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def pick_user(selected, lang):
        """The edit form shows the picked user as stored now (not as the table last showed)."""
        user = picked_user(current_store().engine, (selected or [{}])[0].get("name"))
        if user is None:
            return (no_update,) * 7
        return (user.name, t("admin_edit_who", lang, name=user.name), False, user.full_name,
                user.role, list(user.domains), ACTIVE if user.active else DISABLED)

    @app.callback(
        Output("admin-reset-confirm", "displayed"), Output("admin-reset-confirm", "message"),
        Input("admin-edit-reset", "n_clicks"), State("admin-edit-target", "data"),
        State("page-lang", "data"), prevent_initial_call=True,
    )
    def ask_reset(_n, target, lang):
        if not target:
            return no_update, no_update
        return True, t("admin_reset_confirm", lang, name=target)

    @app.callback(output=USER_OUT, inputs=USER_IN, state=USER_STATE, prevent_initial_call=True)
    def user_action(create, save, reset, hide_new, hide_edit, **form):
        return on_user_action(ctx.triggered_id, form)


def _register_tokens(app) -> None:
    @app.callback(
        Output("admin-token-id", "data"), Output("admin-token-revoke", "disabled"),
        Input("admin-token-grid", "selectedRows"), Input("admin-token-grid", "rowData"),
        prevent_initial_call=True,
    )
    def pick_token(selected, _rows):
        """Only a screen still in use can be revoked (read again after every change)."""
        token_id = (selected or [{}])[0].get("id")
        live = users.display_token(current_store().engine, int(token_id)) \
            if str(token_id or "").isdigit() else None
        return (live.id, False) if live else (None, True)

    @app.callback(
        Output("admin-revoke-confirm", "displayed"), Output("admin-revoke-confirm", "message"),
        Input("admin-token-revoke", "n_clicks"), State("admin-token-id", "data"),
        State("page-lang", "data"), prevent_initial_call=True,
    )
    def ask_revoke(_n, token_id, lang):
        live = users.display_token(current_store().engine, int(token_id)) if token_id else None
        if live is None:
            return no_update, no_update
        return True, t("admin_token_revoke_confirm", lang, name=live.name)

    @app.callback(output=TOKEN_OUT, inputs=TOKEN_IN, state=TOKEN_STATE,
                  prevent_initial_call=True)
    def token_action(create, revoke, hide, **form):
        return on_token_action(ctx.triggered_id, form)


def register(app) -> None:
    with callbacks_need(app, Rule(USERS_ADMIN)):
        _register_forms(app)
        _register_tokens(app)
