"""Real vendors' payloads in the network servers' real envelopes (tests/fixtures/lorawan/,
published examples, sources in SOURCES.md), through the real Mosquitto and through the
webhooks, to stored readings in our metrics and units: devices found by DevEUI, read through
their profiles. The envelopes' times are set to now (the published ones are years old, and
a reading older than 30 days is no live reading); their decoded payloads are the vendors'
codec examples, the rest is as published."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import orjson
import paho.mqtt.publish as publish
import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import device_registry as registry
from data_access import streams
from data_access.models import DeviceState, Reading
from ingest import mqtt_source
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import broker_up

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lorawan"
PARKING = "parking_space-chalkida-00001"  # kind default profile: Bosch TPS110
BIN = "bin_sensor-chalkida-00002"  # given a Milesight EM500-UDL below
CHIRPSTACK_EUI = "0101010101010101"  # the published ChirpStack examples' device
TTS_EUI = "0004A30B001C0530"  # the published The Things Stack example's device


def published(name: str) -> dict:
    return orjson.loads((FIXTURES / name).read_bytes())


def codec_example(name: str, index: int = -1) -> dict:
    doc = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return doc["uplinkDecoder"]["examples"][index]["output"]["data"]


def now() -> str:
    return datetime.now(UTC).isoformat()


def chirpstack_up() -> dict:
    return {**published("chirpstack_v4_up.json"), "time": now(),
            "object": codec_example("bosch-tps110.codec.yaml", 0)}


def chirpstack_status() -> dict:
    return {**published("chirpstack_v4_status.json"), "time": now()}


def tts_up() -> dict:
    message = published("tts_v3_up.json")
    uplink = {**message["uplink_message"],
              "decoded_payload": codec_example("milesight-iot-em500-udl.codec.yaml")}
    return {**message, "received_at": now(), "uplink_message": uplink}


@pytest.fixture
def registered(backend):
    """The two devices known by the network servers' DevEUIs, the bin as a Milesight."""
    registry.set_dev_eui(backend.engine, PARKING, CHIRPSTACK_EUI.lower())
    registry.set_dev_eui(backend.engine, BIN, TTS_EUI)
    registry.set_profile(backend.engine, backend.config, BIN, "milesight-em500-udl")
    return backend


def drain(backend) -> None:
    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=50)
    while consumer.step() or backend.redis.xpending(streams.TELEMETRY,
                                                    streams.INGEST_GROUP)["pending"]:
        pass


def stored(backend, device_id: str) -> dict[str, float]:
    with backend.engine.connect() as conn:
        return dict(conn.execute(select(Reading.metric, Reading.value)
                                 .where(Reading.device_id == device_id)).all())


def state(backend, device_id: str) -> DeviceState:
    with Session(backend.engine) as session:
        return session.get(DeviceState, device_id)


def check_stored(backend) -> None:
    assert stored(backend, PARKING) == {"occupied": 1.0}  # `occupied: true`
    assert stored(backend, BIN) == {"fill_level": 97.5}  # 30 mm below the top of a 1.2 m bin
    assert state(backend, BIN).battery == 100.0
    assert state(backend, PARKING).battery == 88.3  # from the status event
    assert state(backend, PARKING).latest == {"occupied": 1.0}  # the status blanked nothing


@pytest.mark.skipif(not broker_up(), reason="no MQTT broker on 127.0.0.1:1883 (server-only)")
def test_published_uplinks_through_mosquitto_become_our_readings(registered):
    backend = registered
    prefix = f"cityops-test-{uuid.uuid4().hex[:8]}/"  # this test's own corner of the broker
    stop, ready = threading.Event(), threading.Event()
    broker = mqtt_source.Broker("127.0.0.1", 1883, prefix=prefix)
    thread = threading.Thread(target=mqtt_source.run, args=(backend.redis, broker),
                              kwargs={"stop": stop, "ready": ready,
                                      "client_id": f"cityops-test-{uuid.uuid4().hex[:8]}"},
                              daemon=True)
    thread.start()
    assert ready.wait(30)
    app = f"{prefix}application/17c82e96/device/{CHIRPSTACK_EUI}/event"
    messages = [(f"{app}/up", chirpstack_up()), (f"{app}/status", chirpstack_status()),
                (f"{prefix}v3/app1@ttn/devices/dev1/up", tts_up()),
                (f"{prefix}application/123/device/0202/rx", published("chirpstack_v3_up.json"))]
    for topic, body in messages:
        publish.single(topic, orjson.dumps(body), qos=1, hostname="127.0.0.1")
    try:
        deadline = datetime.now(UTC).timestamp() + 60
        while (backend.redis.xlen(streams.TELEMETRY) < 3
               or not backend.redis.xlen(streams.DEADLETTER)):
            assert datetime.now(UTC).timestamp() < deadline, "uplinks did not arrive"
            stop.wait(0.1)
    finally:
        stop.set()
        thread.join(10)
    drain(backend)
    check_stored(backend)
    (_, refused), = backend.redis.xrange(streams.DEADLETTER)
    assert refused[b"reason"] == b"bad_uplink" and b"v3" in refused[b"detail"]


def test_the_network_servers_webhooks_with_their_own_key(registered):
    from dataclasses import replace

    from app import create_app

    backend = registered
    client = create_app(replace(backend.settings, ingest_keys=("ns-key",))).server.test_client()
    key = {"Authorization": "Bearer ns-key"}
    assert client.post("/api/v1/lorawan/tts", json=tts_up()).status_code == 401
    assert client.post("/api/v1/lorawan/chirpstack?event=up", json=chirpstack_up(),
                       headers=key).status_code == 202
    assert client.post("/api/v1/lorawan/chirpstack?event=status", json=chirpstack_status(),
                       headers=key).status_code == 202
    assert client.post("/api/v1/lorawan/chirpstack?event=join", json={"x": 1},
                       headers=key).status_code == 204  # nothing to keep
    assert client.post("/api/v1/lorawan/tts", json=tts_up(), headers=key).status_code == 202
    no_codec = {**published("chirpstack_v4_up.json"), "time": now()}
    refused = client.post("/api/v1/lorawan/chirpstack?event=up", json=no_codec, headers=key)
    assert refused.status_code == 400 and "codec" in refused.json["detail"]
    # An uplink posted as if it were readings is told where it belongs, not taken and lost.
    wrong_door = client.post("/api/v1/telemetry", json=tts_up(), headers=key)
    assert wrong_door.status_code == 400 and "/api/v1/lorawan/tts" in wrong_door.json["detail"]
    drain(backend)
    check_stored(backend)


def test_unmapped_keys_are_counted_per_device_and_the_rest_stored(registered):
    backend = registered
    uplink = tts_up()
    uplink["uplink_message"]["decoded_payload"] = {"distance": 600, "battery": 90,
                                                   "tilt_alarm": "on"}
    from ingest.lorawan import tts_entry

    backend.redis.xadd(streams.TELEMETRY, tts_entry(orjson.dumps(uplink)))
    drain(backend)
    assert stored(backend, BIN) == {"fill_level": 50.0}
    assert backend.redis.hget(streams.UNMAPPED_COUNT, BIN) == b"1"
    assert orjson.loads(backend.redis.hget(streams.UNMAPPED_SAMPLE, BIN)) == {
        "tilt_alarm": "on"}
    # ... and shown to the admin (the Data intake card).
    assert streams.intake_health(backend.redis)["unmapped"] == [
        {"device_id": BIN, "uplinks": 1, "keys": ["tilt_alarm"]}]
    from app import create_app

    listed = create_app(backend.settings).server.test_cli_runner().invoke(
        args=["devices", "list", "--unmapped"])
    assert listed.output.splitlines() == [line for line in listed.output.splitlines()
                                          if line.startswith(BIN)]
    assert "unmapped in 1 uplinks: tilt_alarm" in listed.output


def test_refused_uplinks_are_sent_again_once_the_device_is_registered(backend):
    """An uplink from a DevEUI nobody registered is refused (unknown_device, naming it);
    once the integrator registers it, `flask deadletter resend` stores it: nothing lost,
    nothing twice."""
    from app import create_app
    from ingest.lorawan import tts_entry

    runner = create_app(backend.settings).server.test_cli_runner()
    backend.redis.xadd(streams.TELEMETRY, tts_entry(orjson.dumps(tts_up())))
    backend.redis.xadd(streams.TELEMETRY, {"device_id": BIN, "ts": now(), "values": "{oops"})
    drain(backend)
    assert stored(backend, BIN) == {}
    listing = runner.invoke(args=["deadletter", "list", "--device", TTS_EUI])
    assert "unknown_device" in listing.output and TTS_EUI in listing.output
    assert "not_json" not in listing.output  # the search found only what was asked
    registry.set_dev_eui(backend.engine, BIN, TTS_EUI)
    registry.set_profile(backend.engine, backend.config, BIN, "milesight-em500-udl")
    result = runner.invoke(args=["deadletter", "resend", "--reason", "unknown_device"])
    assert "sent again: 1" in result.output, result.output
    drain(backend)
    assert stored(backend, BIN) == {"fill_level": 97.5}
    reasons = [f[b"reason"] for _, f in backend.redis.xrange(streams.DEADLETTER)]
    assert reasons == [b"not_json"]  # the other refusal stays where it was
    again = runner.invoke(args=["deadletter", "resend", "--reason", "unknown_device"])
    assert "sent again: 0" in again.output
