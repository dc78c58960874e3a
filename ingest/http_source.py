"""HTTP POST source: any device or gateway that speaks HTTP can send telemetry.

It only shapes the request into stream entries; the ingest consumer validates them, so one
set of rules decides what is good. A body that is not JSON at all cannot become an entry:
it goes to the dead-letter stream itself, and the caller gets the reason.
"""

from __future__ import annotations

import hmac

import orjson
from flask import Blueprint, current_app, jsonify, request

from data_access import streams

MAX_BODY = 1024 * 1024
MAX_ITEMS = 5000
FIELDS = ("device_id", "ts", "values", "battery", "rssi", "snr", "source")

blueprint = Blueprint("telemetry_http", __name__)


def to_entry(item: dict) -> dict[str, str]:
    """One JSON object -> stream fields; `values` stays JSON, numbers become text."""
    entry = {}
    for field in FIELDS:
        value = item.get(field)
        if value is None:
            continue
        entry[field] = orjson.dumps(value).decode() if field == "values" else str(value)
    entry.setdefault("source", "http")
    return entry


def _deadletter(r, raw: bytes, reason: str, detail: str) -> None:
    pipe = r.pipeline(transaction=True)
    streams.deadletter(pipe, {"body": raw[:8192]}, reason, detail, "http")
    pipe.execute()


def refusal(settings) -> str | None:
    """Why this request may not post telemetry, or None. Devices and gateways present one of
    CITYOPS_INGEST_KEYS as `Authorization: Bearer <key>`; with no keys set, only the demo
    accepts posts without one (a city's installation must not take readings from anyone)."""
    if not settings.ingest_keys:
        return None if settings.demo else "no ingest keys are set (CITYOPS_INGEST_KEYS)"
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not any(
            hmac.compare_digest(key.encode(), k.encode()) for k in settings.ingest_keys):
        return "missing or unknown ingest key (Authorization: Bearer <key>)"
    return None


@blueprint.post("/api/v1/telemetry")
def post_telemetry():
    store = current_app.extensions["cityops"]
    if (why := refusal(store.settings)) is not None:
        return jsonify(error="unauthorized", detail=why), 401
    r = store.redis
    if (request.content_length or 0) > MAX_BODY:
        return jsonify(error="oversized", detail=f"body over {MAX_BODY} bytes"), 413
    raw = request.get_data(cache=False)
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        _deadletter(r, raw, "not_json", str(exc))
        return jsonify(error="not_json", detail=f"body is not JSON: {exc}"), 400
    items = body if isinstance(body, list) else [body]
    bad = [i for i, item in enumerate(items) if not isinstance(item, dict)]
    if bad or not items or len(items) > MAX_ITEMS:
        detail = (f"items {bad[:10]} are not JSON objects" if bad
                  else f"send 1 to {MAX_ITEMS} readings per request")
        _deadletter(r, raw, "bad_values", detail)
        return jsonify(error="bad_values", detail=detail), 400
    pipe = r.pipeline(transaction=False)
    for item in items:
        pipe.xadd(streams.TELEMETRY, to_entry(item), maxlen=streams.TELEMETRY_MAXLEN,
                  approximate=True)
    ids = [i.decode() for i in pipe.execute()]
    return jsonify(accepted=len(ids), ids=ids), 202
