"""Translate LoRaWAN network-server messages (ChirpStack v4 uplinks and status events, in
JSON or protobuf; The Things Stack v3 uplinks) into telemetry stream entries. Pure
functions; ingest/mqtt_source.py does the MQTT part, ingest/http_source.py the webhooks.

A device is found by its DevEUI (devices.dev_eui) when it is registered with one; else the
network server's name for it (ChirpStack deviceName / TTS device_id) must be its CityOps id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from data_access.streams import entry_bytes
from ingest.validation import MAX_ENTRY_BYTES

CHIRPSTACK_TOPIC = "application/+/device/+/event/up"
CHIRPSTACK_STATUS_TOPIC = "application/+/device/+/event/status"  # battery level
CHIRPSTACK_V3_TOPIC = "application/+/device/+/rx"  # heard only to say why it is refused
TTS_TOPIC = "v3/+/devices/+/up"
TOPICS = (CHIRPSTACK_TOPIC, CHIRPSTACK_STATUS_TOPIC, CHIRPSTACK_V3_TOPIC, TTS_TOPIC)
V3_REFUSED = ("a ChirpStack v3 message (applicationID/devEUI at the top): CityOps reads "
              "ChirpStack v4's events (deviceInfo, object); upgrade the network server or "
              "send through its v4 MQTT integration")


def topics(prefix: str = "") -> tuple[str, ...]:
    """The topics to subscribe to, under the broker's prefix if it has one."""
    return tuple(prefix + t for t in TOPICS)


class NotAnUplink(ValueError):
    """The message cannot be read as an uplink; its text says why."""


def _best_radio(rx: Any) -> dict[str, str]:
    rx = [g for g in rx if isinstance(g, dict)] if isinstance(rx, list) else []
    out = {}
    rssi = [g["rssi"] for g in rx if isinstance(g.get("rssi"), int | float)]
    snr = [g["snr"] for g in rx if isinstance(g.get("snr"), int | float)]
    if rssi:
        out["rssi"] = str(max(rssi))  # the best gateway is the one that matters for health
    if snr:
        out["snr"] = str(max(snr))
    return out


def _entry(device_id: Any, ts: Any, decoded: Any, rx: Any, source: str, dev_eui: Any) -> dict:
    if not isinstance(device_id, str) or not device_id:
        if not dev_eui:
            raise NotAnUplink("no device name/id and no DevEUI in the uplink")
        device_id = str(dev_eui)  # found by its DevEUI, or refused as unknown, naming it
    if not isinstance(decoded, dict) or not decoded:
        raise NotAnUplink("uplink has no decoded payload (is a codec configured?)")
    # The decoded payload goes on as the vendor's codec made it: the ingest reads it through
    # the device's profile (ingest/profiles.py), which knows the model's keys and units.
    entry = {"device_id": device_id, "ts": str(ts or ""), "values": orjson.dumps(decoded).decode(),
             "source": source, **_best_radio(rx)}
    if dev_eui:
        entry["dev_eui"] = str(dev_eui)
    return entry


def chirpstack_entry(payload: bytes) -> dict[str, str]:
    msg = _chirpstack_message(payload, "UplinkEvent")
    info = _object(msg.get("deviceInfo"))
    return _entry(info.get("deviceName"), msg.get("time"), msg.get("object"), msg.get("rxInfo"),
                  "chirpstack", info.get("devEui"))


def chirpstack_status_entry(payload: bytes) -> dict[str, str] | None:
    """A ChirpStack v4 `status` event: the battery level (%) the device last told the
    network server. None when it has none to tell (external power, level unavailable)."""
    msg = _chirpstack_message(payload, "StatusEvent")
    info = _object(msg.get("deviceInfo"))
    level = msg.get("batteryLevel")
    if msg.get("externalPowerSource") or msg.get("batteryLevelUnavailable") or not isinstance(
            level, int | float):
        return None
    device_id, dev_eui = info.get("deviceName"), info.get("devEui")
    if not device_id and not dev_eui:
        raise NotAnUplink("no device name and no DevEUI in the status event")
    entry = {"device_id": str(device_id or dev_eui), "ts": str(msg.get("time") or ""),
             "values": "{}", "battery": str(level), "source": "chirpstack"}
    if dev_eui:
        entry["dev_eui"] = str(dev_eui)
    return entry


def _chirpstack_message(payload: bytes, event: str) -> dict:
    """ChirpStack v4's JSON, or its protobuf (`json=false` in its MQTT integration), read
    with ChirpStack's own published definitions into the same shape as the JSON."""
    try:
        msg = orjson.loads(payload)
    except orjson.JSONDecodeError:
        msg = _from_protobuf(payload, event)
    if not isinstance(msg, dict):
        raise NotAnUplink("uplink is not a JSON object")
    if "applicationID" in msg or "devEUI" in msg:
        raise NotAnUplink(V3_REFUSED)
    return msg


def _from_protobuf(payload: bytes, event: str) -> dict:
    from chirpstack_api import integration
    from google.protobuf import json_format
    from google.protobuf.message import DecodeError

    message = getattr(integration, event)()
    try:
        message.ParseFromString(payload)
    except DecodeError as exc:
        raise NotAnUplink(f"neither JSON nor a ChirpStack v4 {event} in protobuf: "
                          f"{exc}") from exc
    found = json_format.MessageToDict(message)
    if not found.get("deviceInfo"):
        raise NotAnUplink(f"neither JSON nor a ChirpStack v4 {event} in protobuf")
    return found


def tts_entry(payload: bytes) -> dict[str, str]:
    msg = _json(payload)
    ids = _object(msg.get("end_device_ids"))
    up = _object(msg.get("uplink_message"))
    return _entry(ids.get("device_id"), msg.get("received_at"), up.get("decoded_payload"),
                  up.get("rx_metadata"), "tts", ids.get("dev_eui"))


def _object(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _json(payload: bytes) -> dict:
    try:
        msg = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise NotAnUplink(f"not JSON: {exc}") from exc
    if not isinstance(msg, dict):
        raise NotAnUplink("uplink is not a JSON object")
    return msg


@dataclass(frozen=True)
class Refused:
    """Why a network server's message cannot become a stream entry: the dead-letter reason
    and a sentence."""

    reason: str
    detail: str


def uplink_entry(topic: str, payload: bytes, prefix: str = "") -> dict[str, str] | Refused | None:
    """One message as the MQTT bridge and the webhooks take it: its stream entry, Refused,
    or None when it carries nothing to keep."""
    try:
        entry = entry_for_topic(topic, payload, prefix)
    except Exception as exc:  # NotAnUplink, or a shape nobody foresaw: never kill a source
        return Refused("bad_uplink", str(exc))
    if entry is not None and (size := entry_bytes(entry)) > MAX_ENTRY_BYTES:
        return Refused("oversized", f"uplink makes an entry of {size} bytes, limit "
                       f"{MAX_ENTRY_BYTES}")
    return entry


def entry_for_topic(topic: str, payload: bytes, prefix: str = "") -> dict[str, str] | None:
    """The stream entry for one message, or None when it carries nothing to keep."""
    if not topic.startswith(prefix):
        raise NotAnUplink(f"topic {topic!r} is not under the prefix {prefix!r}")
    topic = topic[len(prefix):]
    if topic.startswith("application/"):
        if topic.endswith("/event/up"):
            return chirpstack_entry(payload)
        if topic.endswith("/event/status"):
            return chirpstack_status_entry(payload)
        if topic.endswith("/rx"):
            raise NotAnUplink(V3_REFUSED)
    if topic.startswith("v3/") and topic.endswith("/up"):
        return tts_entry(payload)
    raise NotAnUplink(f"not an uplink topic: {topic}")
