"""A ChirpStack uplink published on the real Mosquitto broker ends up as readings in SQL."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime

import orjson
import paho.mqtt.publish as publish
import pytest

from data_access import streams
from ingest import mqtt_source
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import reading_count


def _broker_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _broker_up(), reason="no MQTT broker on 127.0.0.1:1883 (server-only)")
def test_uplink_over_mqtt_becomes_readings(sqlite_backend):
    b = sqlite_backend
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(target=mqtt_source.run, daemon=True,
                              args=(b.redis, "127.0.0.1", 1883, stop),
                              kwargs={"topics": ("application/test-cityops/device/+/event/up",),
                                      "ready": ready, "client_id": "cityops-test"})
    thread.start()
    assert ready.wait(10)
    uplink = {"time": datetime.now(UTC).isoformat(),
              "deviceInfo": {"deviceName": "bin_sensor-chalkida-00004", "devEui": "01"},
              "object": {"fill_level": 55.5}, "rxInfo": [{"rssi": -90, "snr": 7}]}
    topic = "application/test-cityops/device/01/event/up"
    publish.single(topic, orjson.dumps(uplink), qos=1, hostname="127.0.0.1")
    publish.single(topic, b"\x00garbage", qos=1, hostname="127.0.0.1")
    consumer = TelemetryConsumer(b.redis, b.engine, b.config, block_ms=200)
    for _ in range(50):
        consumer.step()
        if reading_count(b.engine) and b.redis.xlen(streams.DEADLETTER):
            break
    stop.set()
    thread.join(5)
    assert reading_count(b.engine) == 1
    assert b.redis.xrange(streams.DEADLETTER)[0][1][b"reason"] == b"bad_uplink"
