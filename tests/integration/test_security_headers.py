"""Security headers on every answer: the pages' Content-Security-Policy allows exactly the
inline scripts they carry, nothing may frame them (unless the city names who may), and
HSTS goes with Secure cookies over HTTPS."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace

import pytest

from tests.integration.helpers import signed_in

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)


@pytest.fixture
def app(sqlite_backend):
    from app import create_app

    return create_app(sqlite_backend.settings)


def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def _executable_inline_scripts(html: str) -> list[str]:
    """Inline scripts a browser runs (not JSON data, not inside <!--[if IE]> comments)."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    return [body for attrs, body in INLINE_SCRIPT.findall(html)
            if "application/json" not in attrs]


def test_a_page_allows_exactly_its_own_inline_scripts(app, sqlite_backend):
    client = signed_in(app.server.test_client(), sqlite_backend, "operator")
    page = client.get("/alarms")
    assert page.status_code == 200
    csp = _directives(page.headers["Content-Security-Policy"])
    scripts = _executable_inline_scripts(page.get_data(as_text=True))
    assert scripts, "Dash's page has inline scripts to allow"
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
              for s in scripts}
    allowed = set(csp["script-src"])
    assert hashes <= allowed
    assert allowed - hashes == {"'self'"}  # nothing else: no 'unsafe-inline', no 'unsafe-eval'
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert "https://tile.openstreetmap.org" in csp["img-src"]
    assert page.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/login", "/public", "/api/v1/public/parking",
                                  "/_dash-layout", "/assets/cityops.css", "/nowhere"])
def test_every_answer_carries_the_headers(app, path):
    answer = app.server.test_client().get(path)
    headers = answer.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    if answer.mimetype != "text/html":
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "Strict-Transport-Security" not in headers  # plain HTTP, cookies not Secure


def test_hsts_goes_with_secure_cookies_over_https(sqlite_backend):
    from app import create_app

    secure = create_app(replace(sqlite_backend.settings, secure_cookies=True))
    over_https = secure.server.test_client().get("/login", base_url="https://cityops.example")
    assert over_https.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in secure.server.test_client().get(
        "/login").headers  # HSTS over plain HTTP means nothing and is not sent


def test_a_city_may_name_the_origins_that_frame_it(sqlite_backend):
    from app import create_app

    portal = create_app(replace(sqlite_backend.settings, frame_ancestors=(
        "https://intranet.chalkida.gr",)))
    answer = portal.server.test_client().get("/login")
    assert "frame-ancestors https://intranet.chalkida.gr" in answer.headers[
        "Content-Security-Policy"]
    assert "X-Frame-Options" not in answer.headers  # it cannot name an origin


def test_no_tiles_no_tile_origin(sqlite_backend):
    from access.headers import tile_source
    from app import create_app

    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == \
        "https://*.tile.example.org"
    assert tile_source("none") is None and tile_source("/tiles/{z}/{x}/{y}.png") is None
    dark = create_app(replace(sqlite_backend.settings, tile_url="none"))
    policy = dark.server.test_client().get("/login").headers["Content-Security-Policy"]
    assert _directives(policy)["img-src"] == ["'self'", "data:", "blob:"]
