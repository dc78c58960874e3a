"""ChirpStack v4 and The Things Stack v3 uplinks become telemetry entries."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from ingest.lorawan import NotAnUplink, entry_for_topic, topics

CHIRPSTACK = {
    "time": "2026-11-22T10:00:00.123Z",
    "deviceInfo": {"deviceName": "bin_sensor-chalkida-00001", "devEui": "a84041000181c0de"},
    "object": {"fill_level": 64.0, "temperature": 17.5, "battery": 71},
    "rxInfo": [{"rssi": -109, "snr": -3.5}, {"rssi": -98, "snr": 2.0}],
}
TTS = {
    "end_device_ids": {"device_id": "parking_space-chalkida-00003", "dev_eui": "70B3D57ED0000001"},
    "received_at": "2026-11-22T10:00:01Z",
    "uplink_message": {"decoded_payload": {"occupied": 1}, "rx_metadata": [{"rssi": -117,
                                                                            "snr": -11}]},
}


def test_chirpstack_uplink():
    e = entry_for_topic("application/7f/device/a84041000181c0de/event/up",
                        orjson.dumps(CHIRPSTACK))
    assert e["device_id"] == "bin_sensor-chalkida-00001"
    # The payload goes on whole, as the codec made it: the device's profile reads it.
    assert orjson.loads(e["values"]) == {"fill_level": 64.0, "temperature": 17.5, "battery": 71}
    assert (e["rssi"], e["snr"]) == ("-98", "2.0")  # best gateway
    assert e["dev_eui"] == "a84041000181c0de"
    assert e["source"] == "chirpstack" and e["ts"] == "2026-11-22T10:00:00.123Z"


def test_tts_uplink():
    e = entry_for_topic("v3/city@ttn/devices/p3/up", orjson.dumps(TTS))
    assert e["device_id"] == "parking_space-chalkida-00003"
    assert orjson.loads(e["values"]) == {"occupied": 1}
    assert e["rssi"] == "-117" and e["source"] == "tts"


@pytest.mark.parametrize("payload", [b"not json", b"[]", orjson.dumps({"deviceInfo": {}}),
                                     orjson.dumps({**CHIRPSTACK, "object": None}),
                                     orjson.dumps({**CHIRPSTACK, "deviceInfo": "x"})])
def test_unreadable_uplinks_say_why(payload):
    with pytest.raises(NotAnUplink):
        entry_for_topic("application/1/device/x/event/up", payload)


def test_odd_radio_metadata_is_ignored_not_fatal():
    e = entry_for_topic("application/1/device/x/event/up",
                        orjson.dumps({**CHIRPSTACK, "rxInfo": 5}))
    assert "rssi" not in e and e["device_id"] == "bin_sensor-chalkida-00001"


# -- the network servers' own published examples (tests/fixtures/lorawan/SOURCES.md) ------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lorawan"
BOSCH_STATUS = {"type": "parking status", "occupied": True}  # TTN codec example


def published(name: str) -> dict:
    return orjson.loads((FIXTURES / name).read_bytes())


def test_chirpstack_v4s_published_uplink_without_a_codec_says_so():
    with pytest.raises(NotAnUplink, match="codec"):
        entry_for_topic("application/17c8/device/0101010101010101/event/up",
                        (FIXTURES / "chirpstack_v4_up.json").read_bytes())


def test_chirpstack_v4s_published_uplink_in_json_and_in_protobuf_read_the_same():
    from chirpstack_api import integration
    from google.protobuf import json_format

    event = {**published("chirpstack_v4_up.json"), "object": BOSCH_STATUS}
    topic = "application/17c8/device/0101010101010101/event/up"
    from_json = entry_for_topic(topic, orjson.dumps(event))
    proto = json_format.ParseDict(event, integration.UplinkEvent(), ignore_unknown_fields=True)
    from_protobuf = entry_for_topic(topic, proto.SerializeToString())
    assert from_json["dev_eui"] == "0101010101010101"
    assert from_json["device_id"] == "Test device"  # the network server's name: the EUI finds us
    assert orjson.loads(from_json["values"]) == BOSCH_STATUS
    assert (from_json["rssi"], from_json["snr"]) == ("-36", "10.5")
    assert orjson.loads(from_protobuf.pop("values")) == orjson.loads(from_json.pop("values"))
    # protobuf's time has a Z and 9 digits cut to its own; the instant is the same
    assert from_protobuf.pop("ts")[:19] == from_json.pop("ts")[:19]
    assert from_protobuf == from_json


def test_chirpstack_v4s_published_status_event_gives_the_battery():
    e = entry_for_topic("application/17c8/device/0101010101010101/event/status",
                        (FIXTURES / "chirpstack_v4_status.json").read_bytes())
    assert e["battery"] == "88.3" and e["values"] == "{}" and e["dev_eui"] == "0101010101010101"
    mains = {**published("chirpstack_v4_status.json"), "externalPowerSource": True}
    assert entry_for_topic("application/1/device/1/event/status", orjson.dumps(mains)) is None


@pytest.mark.parametrize("topic", ["application/123/device/0202020202020202/rx",
                                   "application/123/device/0202020202020202/event/up"])
def test_a_chirpstack_v3_message_is_refused_saying_v3(topic):
    with pytest.raises(NotAnUplink, match="v3"):
        entry_for_topic(topic, (FIXTURES / "chirpstack_v3_up.json").read_bytes())


@pytest.mark.parametrize("name", ["tts_v3_up.json", "tts_v3_up.starter_kit.json"])
def test_the_things_stacks_published_uplinks(name):
    message = published(name)
    e = entry_for_topic("v3/app1@ttn/devices/dev1/up", orjson.dumps(message))
    ids = message["end_device_ids"]
    assert e["dev_eui"] == ids["dev_eui"] and e["device_id"] == ids["device_id"]
    assert orjson.loads(e["values"]) == message["uplink_message"]["decoded_payload"]
    assert e["source"] == "tts"


def test_topics_under_a_prefix():
    payload = orjson.dumps(CHIRPSTACK)
    e = entry_for_topic("city/application/7f/device/a8/event/up", payload, prefix="city/")
    assert e["device_id"] == "bin_sensor-chalkida-00001"
    with pytest.raises(NotAnUplink, match="prefix"):
        entry_for_topic("application/7f/device/a8/event/up", payload, prefix="city/")
    assert all(t.startswith("city/") for t in topics("city/"))
