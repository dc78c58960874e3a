"""Which page a path really opens, found the way Dash's page router finds it.

The guard must judge the page the router will draw, not the path as typed: the router strips
slashes (`/admin/` draws /admin) and merges the query string into the layout's arguments
(`/devices/a?device_id=b` draws device b). So both the page and its arguments come from
Dash's own functions here, and every path has one canonical spelling that pages are served
under; any other spelling is redirected to it (a page load) or refused (the router).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

import dash
from dash._pages import _parse_query_string, _path_to_page  # the router's own matching

SLASHES = re.compile(r"/{2,}")


@dataclass(frozen=True)
class PageTarget:
    """The registered page a path draws (None: Dash's "not found" page) and the arguments
    its layout will be called with (path variables, then the query string over them)."""

    page: dict | None
    arguments: dict = field(default_factory=dict)


def canonical_path(path: str) -> str:
    """The one spelling of `path`: percent-decoded, slashes merged, dot segments resolved, no
    trailing slash, and a fixed page's own case (`/Admin/` -> `/admin`)."""
    clean = posixpath.normpath(SLASHES.sub("/", "/" + unquote(path or "/")))
    clean = SLASHES.sub("/", clean)  # normpath keeps a leading "//"
    lowered = clean.lower()
    for page in dash.page_registry.values():
        if not page.get("path_template") and page["path"].lower() == lowered:
            return page["path"]
    return clean


def page_target(pathname: str, search: str = "") -> PageTarget:
    """What Dash's router draws for this pathname and query string (`search` with its "?")."""
    page, variables = _path_to_page(dash.strip_relative_path(pathname or "/") or "")
    arguments = {**(variables or {}), **_parse_query_string(search or "")}
    return PageTarget(page or None, arguments)
