"""Static bundles are compressed once per process; replies that change are never kept."""

from __future__ import annotations

import re

import brotli

from tests.integration.helpers import signed_in


def test_a_bundle_is_compressed_once_and_stays_the_same_file(sqlite_backend):
    from app import create_app

    app = create_app(sqlite_backend.settings)
    client = signed_in(app.server.test_client(), sqlite_backend)
    page = client.get("/?lang=en").get_data(as_text=True)
    bundle = next(u for u in re.findall(r'<script[^>]*src="([^"]+)"', page)
                  if "dash_leaflet" in u)
    replies = [client.get(bundle, headers={"Accept-Encoding": "br"}) for _ in range(2)]
    assert all(r.headers["Content-Encoding"] == "br" for r in replies)
    plain = client.get(bundle, headers={"Accept-Encoding": "identity"}).data
    assert len(plain) > 100_000
    assert [brotli.decompress(r.data) for r in replies] == [plain, plain]
    compress = next(f.__self__ for f in app.server.after_request_funcs[None]
                    if type(getattr(f, "__self__", None)).__name__ == "Compress")
    kept = compress.cache
    assert any(k.startswith(f"br;{bundle}") for k in kept._bodies)
    # A reply that changes (here the status of the map) is compressed afresh, never kept.
    client.get("/api/v1/map/first-view.json", headers={"Accept-Encoding": "br"})
    assert all(k.split(";", 1)[1].startswith(("/_dash-component-suites/", "/assets/"))
               for k in kept._bodies)
