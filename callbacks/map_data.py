"""The map's data path: positions once (a cached geobuf per domain over HTTP), then only
status changes (a small delta per tick, applied in the browser by assets/map.js)."""

from __future__ import annotations

from dash import ALL, Input, Output, State
from flask import Response, abort, jsonify, request

from components.i18n import resolve_language, t
from data_access.app_context import current_store


def positions_response(domain: str) -> Response:
    store = current_store()
    if domain not in store.config.domain_by_id:
        abort(404)
    version = store.devices_version()
    etag = f'"{domain}-{version}"'
    if request.if_none_match.contains(etag.strip('"')):
        return Response(status=304, headers={"ETag": etag})
    body = store.map_positions(domain, version)
    # The body is stored gzipped; every browser accepts that, and a client that does not
    # can follow the URL's `?v=` to tell it changed. It never changes for a given version.
    return Response(body, mimetype="application/octet-stream", headers={
        "Content-Encoding": "gzip", "ETag": etag,
        "Cache-Control": "public, max-age=86400, immutable",
    })


def device_response(device_id: str) -> Response:
    """What a marker's popup shows, in the reader's language."""
    store = current_store()
    lang = resolve_language(request.args.get("lang"), store.config.city.default_language)
    detail = store.device_detail(device_id, lang)
    if detail is None:
        abort(404)
    detail["labels"] = {"last_seen": t("last_seen", lang), "battery": t("battery", lang),
                        "open": t("open_device", lang)}
    detail["href"] = f"/devices/{device_id}?lang={lang}"
    return jsonify(detail)


def register(app) -> None:
    app.server.add_url_rule("/api/v1/map/<domain>.pbf", "map_positions", positions_response)
    app.server.add_url_rule("/api/v1/devices/<device_id>", "device_detail", device_response)

    @app.callback(
        Output("map-status", "data"),
        Input("live-tick", "n_intervals"),
        State("map-status", "data"),
        prevent_initial_call=True,
    )
    def status_update(_n, current):
        return current_store().status_update((current or {}).get("version"))

    # A status filter rebuilds each layer with only the devices whose status is shown.
    app.clientside_callback(
        """function(show, hideouts) {
            return hideouts.map(h => Object.assign({}, h, {show: show}));
        }""",
        Output({"type": "domain-layer", "domain": ALL}, "hideout"),
        Input("status-filter", "value"),
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
