"""HTTP POST source: any device or gateway that speaks HTTP can send telemetry.

It only shapes the request into stream entries; the ingest consumer validates them, so one
set of rules decides what is good. A body that is not JSON at all, or an item too large to
be a reading, cannot become an entry: it goes to the dead-letter stream itself (cut to a
few kB, with its size and hash), and the caller gets the reason. `202` means the readings
are in the stream; when Redis cannot take them the answer is `503` with `Retry-After`, and
nothing of the request was accepted.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

import orjson
import redis
from flask import Blueprint, Response, current_app, jsonify, request

from data_access import streams
from ingest.lorawan import Refused, uplink_entry
from ingest.validation import MAX_ENTRY_BYTES

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


RETRY_AFTER_S = 5


def _deadletter(r, raw: bytes, reason: str, detail: str) -> None:
    pipe = r.pipeline(transaction=True)
    streams.deadletter(pipe, {"body": raw}, reason, detail, "http")
    pipe.execute()


def _unavailable(exc: Exception) -> tuple[Response, int]:
    answer = jsonify(error="backlog" if isinstance(exc, streams.Backlogged) else "unavailable",
                     detail=f"telemetry cannot be taken now ({exc}); nothing was accepted, "
                     f"send it again in {RETRY_AFTER_S} s")
    answer.headers["Retry-After"] = str(RETRY_AFTER_S)
    return answer, 503


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
    return _received(_accept)


def _received(accept: Callable[[redis.Redis, bytes], Any]):
    """A sender's request, as every telemetry route admits it (its key, its size) and
    answers when Redis cannot take it; `accept` turns the body into stream entries."""
    store = current_app.extensions["cityops"]
    if (why := refusal(store.settings)) is not None:
        return jsonify(error="unauthorized", detail=why), 401
    if (request.content_length or 0) > MAX_BODY:
        return jsonify(error="oversized", detail=f"body over {MAX_BODY} bytes"), 413
    try:
        return accept(store.redis, request.get_data(cache=False))
    except (redis.RedisError, streams.Backlogged) as exc:
        return _unavailable(exc)


def _accept(r, raw: bytes):
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
    envelopes = [i for i, item in enumerate(items) if _network_server(item)]
    if envelopes:
        name = _network_server(items[envelopes[0]])
        detail = (f"items {envelopes[:10]} are {name} messages, not readings: let the network "
                  f"server post them to {WEBHOOKS[name]} (its HTTP integration / webhook)")
        _deadletter(r, raw, "bad_values", detail)
        return jsonify(error="bad_values", detail=detail), 400
    entries = [to_entry(item) for item in items]
    large = [i for i, e in enumerate(entries) if streams.entry_bytes(e) > MAX_ENTRY_BYTES]
    if large:
        detail = (f"items {large[:10]} are over {MAX_ENTRY_BYTES} bytes each; a reading "
                  "is a few hundred; nothing of this request was accepted")
        _deadletter(r, orjson.dumps(items[large[0]]), "oversized", detail)
        return jsonify(error="oversized", detail=detail), 413
    return _add(r, entries)


def _add(r, entries: list[dict[str, str]]):
    streams.check_room(r, streams.TELEMETRY, len(entries))
    pipe = r.pipeline(transaction=True)  # all of the request or none of it
    for entry in entries:
        pipe.xadd(streams.TELEMETRY, entry)
    ids = [i.decode() for i in pipe.execute()]
    return jsonify(accepted=len(ids), ids=ids), 202


# -- the network servers' own HTTP integrations (webhooks) ---------------------------------

WEBHOOKS = {"ChirpStack": "/api/v1/lorawan/chirpstack", "The Things Stack": "/api/v1/lorawan/tts"}
CHIRPSTACK_EVENTS = {"up": "/event/up", "status": "/event/status"}  # others: nothing to keep


def _network_server(item: dict) -> str | None:
    if "deviceInfo" in item or "applicationID" in item:
        return "ChirpStack"
    if "end_device_ids" in item or "uplink_message" in item:
        return "The Things Stack"
    return None


@blueprint.post("/api/v1/lorawan/chirpstack")
def chirpstack_webhook():
    """ChirpStack v4's HTTP integration: `?event=up|status`, JSON or protobuf as its
    marshaler says; other events (join, ack, log, ...) are answered 204 and not kept."""
    event = request.args.get("event", "")
    if event not in CHIRPSTACK_EVENTS:
        return Response(status=204)
    topic = f"application/-/device/-{CHIRPSTACK_EVENTS[event]}"
    return _received(lambda r, raw: _uplink(r, raw, topic, "chirpstack"))


@blueprint.post("/api/v1/lorawan/tts")
def tts_webhook():
    """The Things Stack v3 webhook, uplink messages (JSON)."""
    return _received(lambda r, raw: _uplink(r, raw, "v3/-/devices/-/up", "tts"))


def _uplink(r, raw: bytes, topic: str, origin: str):
    """A network server's message, read as the MQTT bridge reads it (ingest/lorawan.py)."""
    entry = uplink_entry(topic, raw)
    if isinstance(entry, Refused):
        _deadletter(r, raw, entry.reason, f"{origin}: {entry.detail}")
        return jsonify(error=entry.reason, detail=entry.detail), (
            413 if entry.reason == "oversized" else 400)
    if entry is None:
        return Response(status=204)  # nothing to keep (a status without battery level)
    return _add(r, [entry])
