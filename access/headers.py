"""Security headers on every response: what a page may load and run, who may frame it.

The pages run under a Content-Security-Policy with no inline script except Dash's own,
allowed by hash (Dash.csp_hashes). Dash adds its page router's inline script at the first
request, so the policy of a page is made from the hashes of that moment, not fixed at start.
Answers that are not pages (JSON, files, the event stream) get a policy that runs nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from flask import Flask, Response, request

HSTS = "max-age=31536000"  # a year; only over HTTPS, and only when cookies are Secure
REFERRER = "strict-origin-when-cross-origin"  # tile servers still learn the site, not the page
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
NOT_A_PAGE = "default-src 'none'; frame-ancestors {ancestors}"


def tile_source(tile_url: str) -> str | None:
    """The origin map tiles come from, as a CSP source ({s}.tile.example -> *.tile.example)."""
    if not tile_url or tile_url.lower() == "none":
        return None
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return None  # a path on this site: 'self' covers it
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    return f"{parts.scheme}://{host}"


def page_policy(script_hashes: Sequence[str], tile_url: str, ancestors: str) -> str:
    """The policy of a page: scripts from this site and Dash's hashed inline ones; styles may
    be inline (plotly and Leaflet set them); images from here, data/blob URLs and tiles."""
    images = " ".join(filter(None, ["'self' data: blob:", tile_source(tile_url)]))
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_hashes),
        "style-src 'self' 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ])


def install(server: Flask, script_hashes: Callable[[], Sequence[str]], tile_url: str,
            frame_ancestors: Sequence[str], secure_cookies: bool) -> None:
    """`script_hashes`: the CSP hashes of the app's inline scripts as they are now."""
    ancestors = " ".join(frame_ancestors) or "'none'"

    @functools.lru_cache(maxsize=4)  # one policy per set of inline scripts (thread-safe)
    def policy_of(hashes: tuple[str, ...]) -> str:
        return page_policy(hashes, tile_url, ancestors)

    def add_headers(response: Response) -> Response:
        headers = response.headers
        if response.mimetype == "text/html":
            headers["Content-Security-Policy"] = policy_of(tuple(script_hashes()))
        else:
            headers.setdefault("Content-Security-Policy", NOT_A_PAGE.format(ancestors=ancestors))
        if not frame_ancestors:
            headers["X-Frame-Options"] = "DENY"  # for browsers without frame-ancestors
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = REFERRER
        headers["Permissions-Policy"] = PERMISSIONS
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if secure_cookies and request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        return response

    server.after_request(add_headers)
