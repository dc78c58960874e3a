"""MQTT source: subscribe to LoRaWAN network servers' uplinks and XADD them as telemetry.

Messages that cannot be read go to the dead-letter stream with the topic and the reason.
"""

from __future__ import annotations

import logging
import threading

import paho.mqtt.client as mqtt
import redis

from data_access import streams
from ingest.lorawan import CHIRPSTACK_TOPIC, TTS_TOPIC, entry_for_topic

log = logging.getLogger(__name__)


def handle_message(r: redis.Redis, topic: str, payload: bytes) -> bool:
    """True if the uplink became a telemetry entry; False if it was dead-lettered."""
    try:
        entry = entry_for_topic(topic, payload)
    except Exception as exc:  # NotAnUplink, or a shape nobody foresaw: never kill the loop
        pipe = r.pipeline(transaction=True)
        streams.deadletter(pipe, {"topic": topic, "body": payload[:8192]}, "bad_uplink",
                           str(exc), "mqtt")
        pipe.execute()
        return False
    r.xadd(streams.TELEMETRY, entry, maxlen=streams.TELEMETRY_MAXLEN, approximate=True)
    return True


def run(r: redis.Redis, host: str, port: int, stop: threading.Event,
        topics: tuple[str, ...] = (CHIRPSTACK_TOPIC, TTS_TOPIC),
        ready: threading.Event | None = None, client_id: str = "cityops-mqtt-1") -> None:
    """Subscribe (QoS 1, persistent session, so uplinks sent while we were down are kept by
    the broker) until `stop`; reconnects by itself. Give each bridge its own client_id."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         clean_session=False)

    def on_connect(c, _userdata, _flags, reason, _props):
        if reason.is_failure:
            log.warning("mqtt: connect refused: %s", reason)
            return
        c.subscribe([(t, 1) for t in topics])

    def on_subscribe(*_args):
        if ready:
            ready.set()

    client.suppress_exceptions = True  # a failing callback must not end the network loop
    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = lambda _c, _u, msg: handle_message(r, msg.topic, msg.payload)
    client.reconnect_delay_set(1, 30)
    client.connect_async(host, port)
    client.loop_start()
    stop.wait()
    client.loop_stop()
    client.disconnect()
