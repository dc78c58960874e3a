"""ChirpStack v4 and The Things Stack v3 uplinks become telemetry entries."""

from __future__ import annotations

import orjson
import pytest

from ingest.lorawan import NotAnUplink, entry_for_topic

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
    assert orjson.loads(e["values"]) == {"fill_level": 64.0, "temperature": 17.5}
    assert (e["battery"], e["rssi"], e["snr"]) == ("71", "-98", "2.0")  # best gateway
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
