"""The admin page's actions on real SQL (SQLite, and PostgreSQL when running), judged as an
admin would judge them: the password shown signs the new user in; a refused form says why and
creates nothing; a disabled user cannot sign in; a reset password works and the old one does
not; an admin cannot demote or disable themself; a new screen's address signs it in until it
is revoked."""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dash import no_update
from flask import Flask, g
from sqlalchemy import text

from access import users
from access.policy import Principal
from callbacks import admin
from components.admin import ACTIVE, DISABLED, user_rows
from components.i18n import CATALOGUE, t
from data_access.app_context import EXTENSION
from data_access.settings import ROOT
from data_access.store import Store

HOST = "http://ops.example:8050/"


def _forget_accounts(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM display_tokens"))
        conn.execute(text("DELETE FROM users"))


@pytest.fixture
def site(backend):
    """A request to the app, as a callback sees it: the store of the running app, the host
    the admin's browser used, and (set per test) who is signed in."""
    _forget_accounts(backend.engine)  # the PostgreSQL database lives for the whole session
    server = Flask(__name__)
    server.extensions[EXTENSION] = Store(backend.settings, backend.config, backend.engine,
                                         backend.redis)
    with server.test_request_context("/_dash-update-component", base_url=HOST):
        g.principal = None
        yield backend
    _forget_accounts(backend.engine)


def known(site) -> list[str]:
    return [d.id for d in site.config.domains]


def new_user_form(name="maria", full_name="Maria Papadopoulou", role="operator",
                  domains=None, lang="en") -> dict:
    return {"name": name, "full_name": full_name, "role": role, "domains": domains or [],
            "lang": lang}


def edit_form(target, role="operator", domains=None, active=ACTIVE, full_name=None) -> dict:
    return {"target": target, "edit_role": role, "edit_domains": domains or [],
            "edit_active": active, "edit_full_name": full_name, "lang": "en"}


def make(site, name: str, role: str = "operator", domains=()) -> str:
    """A user made through the page's own action; returns the password it showed."""
    done = admin.create_user(site.engine, known(site), name, "", role, list(domains))
    assert done.ok, done.key
    return done.secret


def test_a_created_user_signs_in_with_the_password_shown_once(site):
    out = admin.on_user_action("admin-new-create", new_user_form(
        name="  Eleni.K ", role="department_head", domains=["waste", "water"]))
    assert out["new_msg"] == "User eleni.k created." and out["new_cls"].endswith("form-ok")
    assert out["new_hidden"] is False and out["new_title"] == "Password of eleni.k"
    password = out["new_value"]
    who = users.authenticate(site.engine, "eleni.k", password)
    assert who is not None and who.role == "department_head"
    assert who.domains == ("waste", "water")
    assert out["new_name"] == out["new_fullname"] == ""  # the form is ready for the next one
    row = next(r for r in out["rows"] if r["name"] == "eleni.k")
    assert row["role"] == "Department head" and row["full_name"] == "Maria Papadopoulou"
    assert row["domains"] == "Waste, Water" and row["active"] == "✓ Active"
    # The next click, whatever it is, takes the password off the screen.
    after = admin.on_user_action("admin-new-secret-hide", new_user_form())
    assert after["new_hidden"] is True and after["new_value"] == ""
    assert after["rows"] is no_update


@pytest.mark.parametrize(("form", "key"), [
    (new_user_form(name="m"), "user_bad_name"),
    (new_user_form(name="maria papadopoulou"), "user_bad_name"),
    (new_user_form(role=None), "user_bad_role"),
    (new_user_form(role="display"), "user_bad_role"),
    (new_user_form(role="department_head"), "user_need_domains"),
    (new_user_form(role="department_head", domains=["waste", "casino"]), "user_bad_domains"),
])
def test_a_form_error_names_the_problem_and_creates_nothing(site, form, key):
    out = admin.on_user_action("admin-new-create", form)
    assert out["new_msg"] == t(key, "en") and out["new_cls"].endswith("form-error")
    assert out["new_hidden"] is True and out["new_value"] == ""
    assert out["new_name"] is no_update and out["new_fullname"] is no_update  # nothing lost
    assert out["rows"] is no_update
    assert users.count_users(site.engine) == 0


def test_a_taken_name_is_refused_and_the_first_account_is_untouched(site):
    first = make(site, "nikos")
    out = admin.on_user_action("admin-new-create", new_user_form(name="Nikos", role="admin"))
    assert out["new_msg"] == "A user with this name already exists."
    assert users.count_users(site.engine) == 1
    assert users.authenticate(site.engine, "nikos", first).role == "operator"


def test_a_disabled_user_cannot_sign_in_until_enabled_again(site):
    password = make(site, "kostas")
    out = admin.on_user_action("admin-edit-save", edit_form("kostas", active=DISABLED))
    assert out["edit_msg"] == "Changes to kostas saved."
    assert users.authenticate(site.engine, "kostas", password) is None
    assert next(r for r in out["rows"] if r["name"] == "kostas")["active"] == "✖ Disabled"
    admin.on_user_action("admin-edit-save", edit_form("kostas", active=ACTIVE))
    assert users.authenticate(site.engine, "kostas", password) is not None


def test_a_role_change_takes_domains_only_for_a_department_head(site):
    make(site, "anna")
    out = admin.on_user_action("admin-edit-save", edit_form("anna", role="department_head"))
    assert out["edit_msg"] == t("user_need_domains", "en")
    assert users.find_user(site.engine, "anna").role == "operator"  # nothing half-saved
    admin.on_user_action("admin-edit-save", edit_form(
        "anna", role="department_head", domains=["flood"], full_name=" Anna S. "))
    anna = users.find_user(site.engine, "anna")
    assert (anna.role, anna.domains, anna.full_name) == ("department_head", ("flood",), "Anna S.")
    admin.on_user_action("admin-edit-save", edit_form("anna", role="official",
                                                      domains=["flood"]))
    assert users.find_user(site.engine, "anna").domains == ()  # the others see every domain


def test_a_reset_password_works_and_the_old_one_does_not(site):
    old = make(site, "giorgos")
    out = admin.on_user_action("admin-reset-confirm", edit_form("giorgos"))
    assert out["edit_msg"] == "New password set for giorgos."
    assert out["edit_hidden"] is False and out["edit_title"] == "Password of giorgos"
    new = out["edit_value"]
    assert new != old
    assert users.authenticate(site.engine, "giorgos", old) is None
    assert users.authenticate(site.engine, "giorgos", new) is not None


def test_a_change_without_a_picked_user_says_so(site):
    out = admin.on_user_action("admin-edit-save", edit_form(None))
    assert out["edit_msg"] == "Pick a user in the table first."
    out = admin.on_user_action("admin-reset-confirm", edit_form("nobody"))
    assert out["edit_msg"] == t("user_unknown", "en") and out["edit_hidden"] is True


def test_an_admin_cannot_demote_or_disable_themself(site):
    make(site, "root", role="admin")
    password = make(site, "second", role="admin")
    me = users.find_user(site.engine, "second")
    g.principal = me.principal()
    out = admin.on_user_action("admin-edit-save", edit_form("second", role="operator"))
    assert out["edit_msg"].startswith("You cannot take the administrator role from yourself")
    out = admin.on_user_action("admin-edit-save", edit_form("second", role="admin",
                                                            active=DISABLED))
    assert out["edit_msg"] == "You cannot disable your own account."
    assert out["rows"] is no_update
    assert users.authenticate(site.engine, "second", password).role == "admin"
    # Another admin they may demote: they themself stay an admin.
    out = admin.on_user_action("admin-edit-save", edit_form("root", role="operator"))
    assert out["edit_msg"] == "Changes to root saved."


def test_the_last_active_admin_stays_one(site):
    make(site, "only", role="admin")
    make(site, "other", role="admin")
    admin.on_user_action("admin-edit-save", edit_form("other", role="admin", active=DISABLED))
    out = admin.on_user_action("admin-edit-save", edit_form("only", role="official"))
    assert out["edit_msg"] == t("admin_last_admin", "en")
    assert users.find_user(site.engine, "only").role == "admin"


def test_a_new_screen_signs_in_with_its_address_until_revoked(site):
    g.principal = Principal("maria", "admin", user_id=1)
    out = admin.on_token_action("admin-token-create", {"name": " Control room, left ",
                                                       "token_id": None, "lang": "en"})
    assert out["msg"] == "Screen “Control room, left” created."
    assert out["hidden"] is False and out["name"] == ""
    address = out["value"]
    found = re.fullmatch(r"http://ops\.example:8050/display/([\w-]+)\?mode=wall", address)
    assert found, address
    token = users.redeem_display_token(site.engine, found[1])
    assert token is not None and token.name == "Control room, left"
    row = next(r for r in out["rows"] if r["name"] == "Control room, left")
    assert row["created_by"] == "maria" and row["revoked"] == "✓ in use"
    assert row["last_used"] == "never"  # the rows were read before the screen used it

    out = admin.on_token_action("admin-revoke-confirm", {"name": "", "token_id": token.id,
                                                         "lang": "en"})
    assert out["msg"] == "Screen “Control room, left” revoked."
    assert out["hidden"] is True and out["value"] == ""  # the address is not shown again
    assert users.redeem_display_token(site.engine, found[1]) is None
    assert not next(r for r in out["rows"] if r["name"] == "Control room, left")["live"]
    again = admin.on_token_action("admin-revoke-confirm", {"name": "", "token_id": token.id,
                                                           "lang": "en"})
    assert again["msg"] == "That screen is already revoked." and again["rows"] is no_update


def test_a_screen_needs_a_name(site):
    out = admin.on_token_action("admin-token-create", {"name": "   ", "token_id": None,
                                                       "lang": "el"})
    assert out["msg"] == t("token_bad_name", "el") and out["cls"].endswith("form-error")
    assert out["hidden"] is True and out["name"] is no_update
    assert users.list_display_tokens(site.engine) == []


def test_the_table_in_greek_with_the_last_sign_in_in_city_time(site):
    password = make(site, "eleni", role="department_head", domains=["air"])
    users.authenticate(site.engine, "eleni", password)
    (row,) = user_rows(users.list_users(site.engine), site.config, "el")
    signed = users.find_user(site.engine, "eleni").last_login_at
    if signed.tzinfo is None:  # SQLite hands back naive UTC
        signed = signed.replace(tzinfo=UTC)
    local = signed.astimezone(ZoneInfo(site.config.city.timezone))
    assert local.utcoffset() != signed.utcoffset()  # Athens is never on UTC
    assert row["last_login"] == f"{local:%Y-%m-%d %H:%M}"
    assert row["role"] == "Προϊστάμενος τμήματος" and row["active"] == "✓ Ενεργός"
    assert row["domains"] == "Ποιότητα αέρα"


def test_every_refusal_of_the_account_code_has_text_in_both_languages():
    sources = [ROOT / "access" / "users.py", ROOT / "access" / "passwords.py"]
    keys = set()
    for path in sources:
        code = Path(path).read_text(encoding="utf-8")
        keys |= set(re.findall(r'UserError\("(\w+)"\)', code))
        keys |= set(re.findall(r'return "(password_\w+)"', code))
    assert {"user_bad_name", "user_exists", "token_bad_name", "password_too_short"} <= keys
    for key in keys | {f"role_{r}" for r in users.USER_ROLES}:
        assert set(CATALOGUE[key]) == {"el", "en"}, key
