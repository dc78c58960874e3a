"""Translate LoRaWAN network-server uplinks (ChirpStack v4, The Things Stack v3) into
telemetry stream entries. Pure functions; ingest/mqtt_source.py does the MQTT part.

Convention: a device is registered in the network server under its CityOps device id
(ChirpStack deviceName / TTS device_id); the DevEUI travels along as `dev_eui`.
"""

from __future__ import annotations

from typing import Any

import orjson

CHIRPSTACK_TOPIC = "application/+/device/+/event/up"
TTS_TOPIC = "v3/+/devices/+/up"


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
        raise NotAnUplink("no device name/id in the uplink")
    if not isinstance(decoded, dict) or not decoded:
        raise NotAnUplink("uplink has no decoded payload (is a codec configured?)")
    values = dict(decoded)
    battery = values.pop("battery", None)
    entry = {"device_id": device_id, "ts": str(ts or ""), "values": orjson.dumps(values).decode(),
             "source": source, **_best_radio(rx)}
    if battery is not None:
        entry["battery"] = str(battery)
    if dev_eui:
        entry["dev_eui"] = str(dev_eui)
    return entry


def chirpstack_entry(payload: bytes) -> dict[str, str]:
    msg = _json(payload)
    info = _object(msg.get("deviceInfo"))
    return _entry(info.get("deviceName"), msg.get("time"), msg.get("object"), msg.get("rxInfo"),
                  "chirpstack", info.get("devEui"))


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


def entry_for_topic(topic: str, payload: bytes) -> dict[str, str]:
    if topic.startswith("application/") and topic.endswith("/event/up"):
        return chirpstack_entry(payload)
    if topic.startswith("v3/") and topic.endswith("/up"):
        return tts_entry(payload)
    raise NotAnUplink(f"not an uplink topic: {topic}")
