"""Sign-in, sign-out and wall-screen sign-in by display token (Flask-Login on server-side
sessions in Redis, so a session can really end: logout deletes it, sign-in replaces it).

    GET/POST /login     the form (CSRF token; attempts limited per account and address, and
                        claimed before the password is checked)
    POST     /logout    ends the session
    GET /display/<t>    signs a wall screen in; a cookie keeps the token so the screen signs
                        itself in again after its session is lost (restart, expiry)
"""

from __future__ import annotations

import time
from urllib.parse import quote, urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template_string,
    request,
    session,
)
from flask_login import LoginManager, UserMixin, login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

from access import passwords, users
from access.policy import Principal, first_page
from access.throttle import Claim
from components.i18n import request_language, t
from data_access.app_context import current_store
from data_access.city_config import text

DISPLAY_COOKIE = "cityops_display"
DISPLAY_COOKIE_DAYS = 400  # browsers cap cookies at 400 days; a screen's visit renews it
PRINCIPAL_TTL_S = 5.0  # a disabled user or revoked token is out within this many seconds

blueprint = Blueprint("access", __name__)
login_manager = LoginManager()
login_manager.session_protection = "basic"  # "strong" would sign out screens whose address moves
PRINCIPALS = "cityops_principals"  # per installation: ids are small numbers every database reuses


class Account(UserMixin):
    """Flask-Login's view of a principal: `u:<id>:<password stamp>` for users, `d:<id>` for
    display tokens."""

    def __init__(self, key: str, principal: Principal) -> None:
        self.key, self.principal = key, principal

    def get_id(self) -> str:
        return self.key


def _principals() -> dict[str, tuple[float, Principal | None]]:
    """This installation's cache of who each session key is (two apps in one process, as
    in the tests, must not answer for each other's "d:1")."""
    return current_app.extensions.setdefault(PRINCIPALS, {})


@login_manager.user_loader
def load_account(key: str) -> Account | None:
    now = time.monotonic()
    cache = _principals()
    cached = cache.get(key)
    if cached is None or cached[0] < now:
        cached = cache[key] = (now + PRINCIPAL_TTL_S, _lookup(key))
    return Account(key, cached[1]) if cached[1] else None


def _lookup(key: str) -> Principal | None:
    kind, _, rest = key.partition(":")
    number, _, stamp = rest.partition(":")
    if not number.isdigit():
        return None
    engine = current_store().engine
    if kind == "u":  # the stamp must match: a password reset ends older sessions
        user = users.active_user(engine, int(number))
        return user.principal() if user and user.stamp == stamp else None
    if kind == "d":
        token = users.display_token(engine, int(number))
        return token.principal() if token else None
    return None


def forget_principals() -> None:
    """Drop this process's cached users and tokens (after a change made here)."""
    _principals().clear()


def sign_in(key: str, principal: Principal) -> None:
    """A new session id for the signed-in user: a session id seen before sign-in is useless."""
    session.clear()
    _principals()[key] = (time.monotonic() + PRINCIPAL_TTL_S, principal)
    login_user(Account(key, principal))
    current_app.session_interface.regenerate(session)  # deletes the old id from Redis


def redeem_display_cookie() -> Principal | None:
    """A wall screen whose session was lost signs itself in again with its stored token."""
    raw = request.cookies.get(DISPLAY_COOKIE)
    token = users.redeem_display_token(current_store().engine, raw) if raw else None
    if token is None:
        return None
    sign_in(f"d:{token.id}", token.principal())
    return token.principal()


def _safe_next(target: str | None) -> str:
    """Only a path on this site: `next` must not send anyone to another host."""
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return "/"  # "//host" and "/\\host" both lead off the site in a browser
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _client_address() -> str:
    return request.remote_addr or "unknown"


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    lang = request_language()
    if request.method == "GET":
        message = t("logged_out", lang) if request.args.get("out") else ""
        if not request.args.get("revoked"):
            return _login_page(lang, message, "info" if message else "")
        # The screen's stale token is forgotten here, once it has been told why: a second
        # reload racing the first still finds the cookie and lands here too.
        response = make_response(_login_page(lang, t("display_revoked", lang), "info"))
        response.delete_cookie(DISPLAY_COOKIE)
        return response
    typed = request.form.get("name", "")
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return _login_page(lang, t("login_expired", lang), "error", typed), 400
    name = users.normalise_name(typed)  # the same name for the lookup and for the limits
    throttle = current_app.extensions["cityops_login_throttle"]
    claim = throttle.claim(name, _client_address())
    if not isinstance(claim, Claim):
        return _login_page(lang, t("login_blocked", lang, minutes=-(-claim // 60)), "error",
                           typed), 429
    try:
        user = users.authenticate(current_store().engine, name, request.form.get("password", ""))
    except passwords.Busy:
        throttle.release(claim)  # nothing was checked: not an attempt
        response = make_response(_login_page(lang, t("login_busy", lang), "error", typed), 429)
        response.headers["Retry-After"] = "5"
        return response
    except Exception:  # the database failed us, not the password: not a guess
        throttle.release(claim)
        raise
    if user is None:  # the claim stays: a failure counts for the whole window
        # 200, as any form that asks again (a 401 would need an HTTP auth challenge).
        return _login_page(lang, t("login_failed", lang), "error", typed)
    throttle.release(claim)
    who = user.principal()
    sign_in(user.session_key, who)
    target = _safe_next(request.args.get("next"))
    if urlsplit(target).path == "/":  # no page asked for: the role's own first page
        domains = [d.id for d in current_store().config.domains]
        target = first_page(who, domains) + (f"?{urlsplit(target).query}"
                                             if urlsplit(target).query else "")
    return redirect(target)


@blueprint.post("/logout")
def logout() -> Response:
    """Ends the session (deleted from Redis, so its cookie is worthless) and forgets a
    screen's token cookie. CSRF-checked by the guard like every state-changing request."""
    lang = request_language()
    logout_user()
    session.clear()
    response = redirect(f"/login?out=1&lang={lang}")
    response.delete_cookie(DISPLAY_COOKIE)
    return response


@blueprint.get("/display/<token>")
def display_sign_in(token: str) -> Response:
    found = users.redeem_display_token(current_store().engine, token)
    if found is None:
        response = redirect("/login?revoked=1")
        response.delete_cookie(DISPLAY_COOKIE)
        return response
    sign_in(f"d:{found.id}", found.principal())
    query = request.query_string.decode()
    response = redirect("/" + (f"?{query}" if query else "?mode=wall"))
    response.set_cookie(DISPLAY_COOKIE, token, max_age=DISPLAY_COOKIE_DAYS * 86400,
                        httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


LOGIN_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · CityOps</title>
<link rel="stylesheet" href="/assets/login.css"></head>
<body class="login-body"><main class="login-page">
<h1 class="login-city">{{ city }}<span class="login-app">CityOps</span></h1>
<form class="login-form" method="post" action="/login{{ next_query }}" novalidate>
  <h2>{{ title }}</h2>
  {% if message %}<p class="login-msg {{ kind }}" role="{{ 'alert' if kind == 'error'
    else 'status' }}">{{ message }}</p>{% endif %}
  <input type="hidden" name="csrf_token" value="{{ csrf }}">
  <label for="name">{{ name_label }}</label>
  <input id="name" name="name" autocomplete="username" autocapitalize="none" required
         value="{{ name }}" {{ '' if name else 'autofocus' }}>
  <label for="password">{{ password_label }}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required
         {{ 'autofocus' if name else '' }}>
  <button type="submit">{{ submit }}</button>
</form>
<nav class="login-links">
  {% for code in languages %}<a href="?lang={{ code }}{{ next_amp }}" lang="{{ code }}"
    {% if code == lang %}aria-current="true"{% endif %}>{{ code|upper }}</a>{% endfor %}
  <a href="/public?lang={{ lang }}">{{ public }}</a>
</nav></main></body></html>"""


def _login_page(lang: str, message: str = "", kind: str = "", name: str = "") -> str:
    from components.i18n import LANGUAGES

    nxt = request.args.get("next")
    nxt = quote(_safe_next(nxt), safe="/") if nxt else ""
    return render_template_string(
        LOGIN_PAGE, lang=lang, title=t("login_title", lang), message=message, kind=kind,
        city=text(current_store().config.city.short_name, lang), csrf=generate_csrf(), name=name,
        name_label=t("login_name", lang), password_label=t("login_password", lang),
        submit=t("login_submit", lang), public=t("login_public", lang), languages=LANGUAGES,
        next_query=f"?next={nxt}" if nxt else "", next_amp=f"&next={nxt}" if nxt else "")
