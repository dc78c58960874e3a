"""The check before every request: who is asking (g.principal), and may they have it?

Pages, the Dash callback endpoint and every other route are checked here, in one place,
before any view or callback runs. What is not declared (access/rules.py) is refused.
Refusals carry no data: a page sends the signed-out to the sign-in form and the signed-in
to a 403 page; callbacks and APIs answer 401 (sign in) or 403 (not for your role).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import dash
from flask import Flask, Response, current_app, g, jsonify, redirect, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from access import login
from access.policy import DEVICE_VIEW, PUBLIC, SCOPED, SIGNED_IN, Principal, allowed
from access.rules import Rule, rules_of
from data_access.app_context import current_store

# Dash's own files and the app's empty frame: no data in them, needed to draw the sign-in.
STATIC_ENDPOINTS = frozenset({
    "static", "_dash_assets.static", "/_dash-layout", "/_dash-dependencies", "/_reload-hash",
    "/_favicon.ico", "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"})
PAGE_ENDPOINTS = frozenset({"/", "/<path:path>"})
DASH_UPDATE = "/_dash-update-component"
PAGES_LOCATION = "_pages_location"  # Dash pages' router: its callback draws the page asked for
PAGES_ROUTER = ".._pages_content.children..._pages_store.data.."  # the router's output key
OWN_ROUTES = {"access.login": Rule(PUBLIC), "access.display_sign_in": Rule(PUBLIC),
              "access.logout": Rule(SIGNED_IN)}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_COOKIE = "_csrf_token"  # dash-renderer sends it back as the X-CSRFToken header


def install(server: Flask) -> None:
    server.before_request(check)
    server.after_request(_csrf_cookie)


def principal_of_request() -> Principal | None:
    if current_user.is_authenticated:
        return current_user.principal
    if not request.cookies.get(login.DISPLAY_COOKIE):
        return None
    who = login.redeem_display_cookie()
    g.display_revoked = who is None  # the screen is told why it is at the sign-in form
    return who


def check() -> Response | tuple | None:
    endpoint = request.endpoint
    if endpoint is None or endpoint in STATIC_ENDPOINTS:
        return None  # unknown URLs get Flask's 404; Dash's files need nobody's identity
    g.principal = who = principal_of_request()
    if who is not None and request.method in UNSAFE_METHODS and not _csrf_ok(endpoint):
        return jsonify(error="csrf", detail="missing or stale CSRF token; reload the page"), 403
    if endpoint in PAGE_ENDPOINTS:
        return None if page_allowed(who, request.path) else _refuse_page(who)
    if endpoint == DASH_UPDATE:
        return None if callback_allowed(who, request.get_json(silent=True) or {}) \
            else _refuse(who)
    rule = OWN_ROUTES.get(endpoint) or rules_of(current_app).routes.get(endpoint)
    if rule is None:
        return _refuse(who)
    domain = _route_domain(rule, request.view_args or {})
    return None if allowed(who, rule.permission, domain) else _refuse(who)


def _csrf_ok(endpoint: str) -> bool:
    """Signed-in requests that change state carry the session's CSRF token (a form field or
    the X-CSRFToken header); the sign-in form checks its own, machine routes need none."""
    if endpoint == "access.login" or endpoint in rules_of(current_app).no_csrf:
        return True
    try:
        current_app.extensions["csrf"].protect()
    except CSRFError:
        return False
    return True


# -- pages ---------------------------------------------------------------------------------


def find_page(path: str) -> tuple[dict | None, dict[str, str]]:
    """The registered page drawn at `path`, and the variables of its path template."""
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if template:
            pattern = re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", re.escape(template).replace(
                r"\<", "<").replace(r"\>", ">"))
            found = re.fullmatch(pattern, path)
            if found:
                return page, found.groupdict()
        elif page["path"] == path:
            return page, {}
    return None, {}


def page_allowed(who: Principal | None, path: str) -> bool:
    page, variables = find_page(path or "/")
    if page is None:
        return who is not None  # Dash's own "not found" page, for the signed-in
    access = page.get("access")
    if access is None:
        return False  # a page that does not say who may open it opens for nobody
    domain = page.get("domain")
    if access == DEVICE_VIEW:
        domain = device_domain(variables.get("device_id", ""))
    return allowed(who, access, domain)


def device_domain(device_id: str) -> str:
    row = current_store().device_row(device_id) if device_id else None
    return "" if row is None else str(row["domain"])


# -- callbacks -----------------------------------------------------------------------------


def _values(body: dict) -> dict[tuple[str, str], list]:
    """(component id, property) -> every value a callback request gives it (a crafted
    request may repeat an input; each occurrence must pass)."""
    found: dict[tuple[str, str], list] = {}
    for group in (body.get("inputs") or [], body.get("state") or []):
        for item in group if isinstance(group, list) else []:
            for entry in item if isinstance(item, list) else [item]:
                if isinstance(entry, dict) and "id" in entry:
                    key = (str(entry["id"]), str(entry.get("property")))
                    found.setdefault(key, []).append(entry.get("value"))
    return found


def callback_allowed(who: Principal | None, body: dict) -> bool:
    """The callback named by the request's `output` (what Dash will run) against its rule;
    Dash's page router against the page it is asked to draw."""
    output = str(body.get("output", ""))
    values = _values(body)
    if output == PAGES_ROUTER:
        paths = values.get((PAGES_LOCATION, "pathname")) or ["/"]
        return all(page_allowed(who, str(p or "/")) for p in paths)
    rule = rules_of(current_app).callbacks.get(output)
    if rule is None:
        return False
    if rule.scope is None:
        return allowed(who, rule.permission)
    asked = values.get(rule.scope) or [None]
    return all(allowed(who, rule.permission, _scope_domain(rule, v)) for v in asked)


def _scope_domain(rule: Rule, value: object) -> str:
    """The domain a scoped callback is about; "" (refused to the domain-bound) if unknown."""
    for key in rule.scope_path:
        value = value.get(key) if isinstance(value, dict) else None
    if rule.scope_kind == "device":
        return device_domain(str(value or ""))
    return str(value or "") if isinstance(value, str) else ""


def _route_domain(rule: Rule, view_args: dict) -> str | None:
    """A scoped route finds its domain in the URL: <device_id> or <domain>."""
    if rule.permission not in SCOPED:
        return None
    if "device_id" in view_args:
        return device_domain(str(view_args["device_id"]))
    return str(view_args.get("domain") or "")


# -- refusals and the CSRF cookie ---------------------------------------------------------


def _refuse(who: Principal | None) -> tuple[Response, int]:
    if who is None:
        return jsonify(error="unauthenticated", detail="sign in first"), 401
    return jsonify(error="forbidden", detail=f"not allowed for role {who.role}"), 403


def _refuse_page(who: Principal | None) -> Response | tuple[str, int]:
    if who is None:
        if g.get("display_revoked"):
            return redirect("/login?revoked=1")  # which also forgets the stale token
        target = request.full_path.rstrip("?")
        return redirect(f"/login?next={quote(target, safe='/')}")
    from access.pages import forbidden_page

    return forbidden_page(who), 403


def _csrf_cookie(response: Response) -> Response:
    """Give signed-in pages the CSRF token for dash-renderer to send with every callback.
    Not for the signed-out: the public view must not open a session per visitor."""
    if g.get("principal") is not None and response.mimetype == "text/html":
        response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Strict",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
