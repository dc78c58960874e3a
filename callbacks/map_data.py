"""The map's data path: positions once (a cached geobuf per domain over HTTP), then only
status changes (a small delta per tick, applied in the browser by assets/map.js)."""

from __future__ import annotations

import orjson
from dash import ALL, Input, Output, State
from flask import Response, abort, jsonify, request

from access.policy import OPS_VIEW
from access.rules import Rule, protect_route
from components.i18n import request_language, t
from data_access.app_context import current_store
from data_access.map_data import FIRST_VIEW_URL, ids_url, positions_url


def positions_response(domain: str) -> Response:
    store = current_store()
    if domain not in store.config.domain_by_id:
        abort(404)
    version = store.devices_version()
    return _immutable(f"{domain}-{version}", "application/octet-stream",
                      lambda: store.map_positions(domain, version))


def ids_response() -> Response:
    store = current_store()
    version = store.devices_version()
    return _immutable(f"ids-{version}", "application/json",
                      lambda: store.map_device_ids(version))


def _immutable(tag: str, mimetype: str, body) -> Response:
    """A gzipped body that never changes for a given device set (its URL carries `?v=`)."""
    etag = f'"{tag}"'
    if request.if_none_match.contains(tag):
        return Response(status=304, headers={"ETag": etag})
    # Stored gzipped; every browser accepts that, and a client that does not can follow the
    # URL's `?v=` to tell it changed.
    return Response(body(), mimetype=mimetype, headers={
        "Content-Encoding": "gzip", "ETag": etag,
        "Cache-Control": "public, max-age=86400, immutable",
    })


def first_view_response() -> Response:
    """What the map draws the moment it exists (Store.map_first_view); statuses change, so
    the browser asks again every time."""
    return Response(orjson.dumps(current_store().map_first_view()), mimetype="application/json",
                    headers={"Cache-Control": "no-cache"})


def device_response(device_id: str) -> Response:
    """What a marker's popup shows, in the reader's language."""
    store = current_store()
    lang = request_language()
    detail = store.device_detail(device_id, lang)
    if detail is None:
        abort(404)
    detail["labels"] = {"last_seen": t("last_seen", lang), "battery": t("battery", lang),
                        "open": t("open_device", lang)}
    detail["href"] = f"/devices/{device_id}?lang={lang}"
    return jsonify(detail)


MAP_PAGES = ("/", "/map")
# Chunks dash-leaflet loads only once the map is in the page: fetch them with the page.
MAP_CHUNKS = ("/_dash-component-suites/dash_leaflet/async-GeoJSON.js",
              "/_dash-component-suites/dash_leaflet/async-geobuf.js")


def preload_hints(response: Response) -> Response:
    """On a page with the map, tell the browser at once what the map will ask for (the
    positions and the chunks that draw them), so those downloads overlap Dash's start-up
    instead of waiting for the layout to render."""
    if (request.method != "GET" or request.path not in MAP_PAGES
            or response.status_code != 200 or response.mimetype != "text/html"):
        return response
    store = current_store()
    version = store.devices_version()
    first = [FIRST_VIEW_URL] if store.wants_first_view() else []
    links = [f"<{url}>; rel=preload; as=fetch; crossorigin"
             for url in [*first, *(positions_url(d.id, version) for d in store.config.domains),
                         ids_url(version)]]
    links += [f"<{chunk}>; rel=preload; as=script" for chunk in MAP_CHUNKS]
    response.headers["Link"] = ", ".join(links)
    return response


def register(app) -> None:
    app.server.after_request(preload_hints)
    app.server.add_url_rule("/api/v1/map/ids.json", "map_ids", ids_response)
    app.server.add_url_rule(FIRST_VIEW_URL, "map_first_view", first_view_response)
    app.server.add_url_rule("/api/v1/map/<domain>.pbf", "map_positions", positions_response)
    app.server.add_url_rule("/api/v1/devices/<device_id>", "device_detail", device_response)
    # The map's positions and popups: for every role that sees the map.
    protect_route(app.server, "map_positions", Rule(OPS_VIEW))
    protect_route(app.server, "map_ids", Rule(OPS_VIEW))
    protect_route(app.server, "map_first_view", Rule(OPS_VIEW))
    protect_route(app.server, "device_detail", Rule(OPS_VIEW))

    @app.callback(
        Output("map-status", "data"),
        Input("live-tick", "n_intervals"),
        State("map-status", "data"),
        prevent_initial_call=True,
    )
    def status_update(_n, current):
        return current_store().status_update((current or {}).get("version"))

    # Every filter writes its own part of `map-filter`; the layers' hideouts follow it, and
    # each layer rebuilds with only the devices that pass (assets/map.js `filter`).
    for source, key in (("status-filter", "show"), ("unit-filter", "units"),
                        ("conn-filter", "conns")):
        app.clientside_callback(
            f"""function(value, options, current) {{
                return window.cityops.map.setFilter(current, "{key}", value, options);
            }}""",
            Output("map-filter", "data", allow_duplicate=True),
            Input(source, "value"),
            State(source, "options"),
            State("map-filter", "data"),
            prevent_initial_call=True,
        )

    # A wall screen with `&rotate=SECONDS` cycles: the whole city, then each domain alone.
    app.clientside_callback(
        """function(n, views, current) {
            const view = views[(n || 0) % views.length];
            return [Object.assign({}, current, {only: view.domain}), view.label];
        }""",
        Output("map-filter", "data", allow_duplicate=True),
        Output("rotate-caption", "children"),
        Input("rotate-tick", "n_intervals"),
        State("rotate-views", "data"),
        State("map-filter", "data"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        """function(filter, hideouts) {
            return hideouts.map(h => Object.assign({}, h, filter));
        }""",
        Output({"type": "domain-layer", "domain": ALL}, "hideout"),
        Input("map-filter", "data"),
        State({"type": "domain-layer", "domain": ALL}, "hideout"),
        prevent_initial_call=True,
    )

    # Patch the browser's status arrays and restyle, in place, what is on screen.
    app.clientside_callback(
        """function(update) {
            window.cityops.map.applyStatus(update);
            return window.cityops.lastApply || null;
        }""",
        Output("map-status-applied", "data"),
        Input("map-status", "data"),
    )
