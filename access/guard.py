"""The check before every request: who is asking (g.principal), and may they have it?

Pages, the Dash callback endpoint and every other route are checked here, in one place,
before any view or callback runs. What is not declared (access/rules.py) is refused.
Refusals carry no data: a page sends the signed-out to the sign-in form and the signed-in
to a 403 page; callbacks and APIs answer 401 (sign in) or 403 (not for your role).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Flask, Response, current_app, g, jsonify, redirect, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from access import login
from access.callback_shape import shaped_as_declared, values_of
from access.page_paths import canonical_path, page_target
from access.policy import DEVICE_VIEW, PUBLIC, SCOPED, SIGNED_IN, Principal, allowed
from access.rules import Rule, rules_of
from data_access.app_context import current_store

# Dash's own files and the app's empty frame: no data in them, needed to draw the sign-in.
STATIC_ENDPOINTS = frozenset({
    "static", "_dash_assets.static", "/_dash-layout", "/_reload-hash",
    "/_favicon.ico", "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"})
PAGE_ENDPOINTS = frozenset({"/", "/<path:path>"})
DASH_UPDATE = "/_dash-update-component"
DEPENDENCIES = "/_dash-dependencies"  # the callbacks a page may call: each reader sees theirs
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
        return _page_load(who)
    if endpoint == DASH_UPDATE:
        return None if callback_allowed(who, request.get_json(silent=True) or {}) \
            else _refuse(who)
    if endpoint == DEPENDENCIES:
        return _dependencies_for(who)
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


def page_allowed(who: Principal | None, path: str, search: str = "") -> bool:
    """May `who` see what the router draws at this path (and query string)?"""
    target = page_target(path or "/", search)
    if target.page is None:
        return who is not None  # Dash's own "not found" page, for the signed-in
    access = target.page.get("access")
    if access is None:
        return False  # a page that does not say who may open it opens for nobody
    domain = target.page.get("domain")
    if access == DEVICE_VIEW:
        device_id = target.arguments.get("device_id")
        domain = device_domain(device_id) if isinstance(device_id, str) else ""
    return allowed(who, access, domain)


def _page_load(who: Principal | None) -> Response | tuple | None:
    """A page is served under its canonical path only: another spelling is sent there first
    (and judged there), so the address bar, the guard and the router agree."""
    query = request.query_string.decode("latin-1")
    search = f"?{query}" if query else ""
    canonical = canonical_path(request.path)
    if canonical != request.path:
        return redirect(canonical + search, code=308)
    return None if page_allowed(who, request.path, search) else _refuse_page(who)


def device_domain(device_id: str) -> str:
    row = current_store().device_row(device_id) if device_id else None
    return "" if row is None else str(row["domain"])


# -- callbacks -----------------------------------------------------------------------------


def callback_allowed(who: Principal | None, body: dict) -> bool:
    """The callback named by the request's `output` (what Dash will run), asked exactly as it
    was declared, against its rule; Dash's page router against the page it will draw."""
    rules = rules_of(current_app)
    output = str(body.get("output", ""))
    spec = rules.specs.get(output)
    if spec is None or not shaped_as_declared(spec, body):
        return False
    if output == PAGES_ROUTER:
        path = (values_of(body, PAGES_LOCATION, "pathname") or ["/"])[0]
        search = (values_of(body, PAGES_LOCATION, "search") or [""])[0]
        if not isinstance(path, str) or not isinstance(search, str | None):
            return False
        return canonical_path(path) == path and page_allowed(who, path, search or "")
    rule = rules.callbacks.get(output)
    if rule is None:
        return False
    if rule.scope is None:
        return allowed(who, rule.permission)
    asked = values_of(body, *rule.scope) or [None]
    return all(allowed(who, rule.permission, _scope_domain(rule, v)) for v in asked)


def _dependencies_for(who: Principal | None) -> Response:
    """Dash's list of callbacks, cut to those `who` may call: the signed-out learn only the
    public page's (and the page frame's), nobody learns the admin page's."""
    listed = json.loads(current_app.view_functions[DEPENDENCIES]().get_data())
    rules = rules_of(current_app)
    kept = [c for c in listed if _listed_for(who, c, rules.callbacks.get(c.get("output", "")))]
    return current_app.response_class(json.dumps(kept), mimetype="application/json")


def _listed_for(who: Principal | None, callback: dict, rule: Rule | None) -> bool:
    if callback.get("output") == PAGES_ROUTER:
        return True
    if callback.get("clientside_function"):  # runs in the browser: code it already has
        return who is not None or all(str(i.get("id", "")).startswith("_pages_")
                                      for i in callback.get("inputs") or [])
    return rule is not None and allowed(who, rule.permission)


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
