"""MQTT source: subscribe to LoRaWAN network servers' uplinks and XADD them as telemetry.

An uplink is acknowledged to the broker (PUBACK) only once it is in a Redis stream: as
telemetry, or in the dead-letter stream with the topic and the reason when it cannot be
read. While Redis cannot take it, nothing is acknowledged: the uplinks wait in this bridge
(up to MAX_WAITING), then in the broker, which keeps them for our persistent session and
sends again whatever was not acknowledged when we reconnect (a long outage stalls our
network loop until the broker drops the connection; the session keeps them). The broker
keeps a bounded number per session (Mosquitto's `max_queued_messages`, 1,000 by default):
size it for the longest outage to ride out. A resent uplink that had
reached the stream is harmless: a reading's key is its device, metric and time.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
import redis

from data_access import streams
from ingest.lorawan import Refused, uplink_entry
from ingest.lorawan import topics as lorawan_topics

log = logging.getLogger(__name__)
MAX_WAITING = 1000  # received, not yet in the stream; beyond this the broker holds them
BATCH = 500  # uplinks written to Redis in one round trip
RETRY_S = (0.2, 0.5, 1.0, 2.0, 5.0)  # waits between tries while Redis is away


def queue_entry(pipe, topic: str, payload: bytes, prefix: str = "") -> bool:
    """Queue on `pipe` the stream entry of one uplink: True for telemetry, False when it
    goes to the dead-letter stream (it could not be read) or carries nothing to keep."""
    entry = uplink_entry(topic, payload, prefix)
    if isinstance(entry, Refused):  # kept out of the stream, with why
        streams.deadletter(pipe, {"topic": topic, "body": payload}, entry.reason, entry.detail,
                           "mqtt")
        return False
    if entry is None:
        return False
    pipe.xadd(streams.TELEMETRY, entry)
    return True


def store(r: redis.Redis, messages: Sequence[mqtt.MQTTMessage], prefix: str = "") -> int:
    """Write the uplinks to Redis in one transaction; raises redis.RedisError when Redis
    cannot take them, streams.Backlogged when the stream is full of unstored work (then
    none of them counts as stored). Returns how many were telemetry."""
    streams.check_room(r, streams.TELEMETRY, len(messages))
    pipe = r.pipeline(transaction=True)
    telemetry = sum(queue_entry(pipe, m.topic, m.payload, prefix) for m in messages)
    pipe.execute()
    return telemetry


@dataclass
class Bridge:
    """Received uplinks wait in a bounded queue for one writer, which stores them and only
    then acknowledges them, in the order they came (as MQTT asks of QoS 1)."""

    r: redis.Redis
    stop: threading.Event
    prefix: str = ""
    waiting: queue.Queue = field(default_factory=lambda: queue.Queue(MAX_WAITING))

    def on_message(self, _client, _userdata, msg: mqtt.MQTTMessage) -> None:
        while not self.stop.is_set():  # full: hold the network loop (the broker holds more)
            try:
                self.waiting.put(msg, timeout=0.5)
                return
            except queue.Full:
                continue

    def write(self, client: mqtt.Client) -> None:
        while not self.stop.is_set():
            batch = self._take()
            if batch and self._store(batch):
                for msg in batch:
                    client.ack(msg.mid, msg.qos)

    def _take(self) -> list[mqtt.MQTTMessage]:
        try:
            batch = [self.waiting.get(timeout=0.5)]
        except queue.Empty:
            return []
        while len(batch) < BATCH:
            try:
                batch.append(self.waiting.get_nowait())
            except queue.Empty:
                break
        return batch

    def _store(self, batch: list[mqtt.MQTTMessage]) -> bool:
        """Store the batch, trying again while Redis is away; False if stopped first (the
        batch stays unacknowledged, so the broker sends it again at the next session)."""
        tries = 0
        while not self.stop.is_set():
            try:
                store(self.r, batch, self.prefix)
                if tries:
                    log.warning("mqtt: Redis is back; %d uplinks stored", len(batch))
                return True
            except (redis.RedisError, streams.Backlogged) as exc:
                if tries == 0:
                    log.warning("mqtt: Redis cannot take uplinks (%s); holding %d, not "
                                "acknowledged, until it can", exc, len(batch))
                self.stop.wait(RETRY_S[min(tries, len(RETRY_S) - 1)])
                tries += 1
        return False


@dataclass(frozen=True)
class Broker:
    """Where the network server publishes, and how to sign in there (CITYOPS_MQTT_URL:
    mqtt://user:password@host:1883, mqtts://... for TLS with CITYOPS_MQTT_CA as the CA
    file; CITYOPS_MQTT_PREFIX before the network servers' own topics)."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    tls: bool = False
    ca_file: str | None = None
    prefix: str = ""

    @classmethod
    def from_url(cls, url: str, ca_file: str | None = None, prefix: str = "") -> Broker:
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise ValueError(f"CITYOPS_MQTT_URL must be mqtt:// or mqtts://, not {url!r}")
        tls = parts.scheme == "mqtts"
        return cls(parts.hostname or "127.0.0.1", parts.port or (8883 if tls else 1883),
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None, tls,
                   ca_file or None, prefix)


def run(r: redis.Redis, broker: Broker | str, port: int | None = None,
        stop: threading.Event | None = None, topics: tuple[str, ...] | None = None,
        ready: threading.Event | None = None, client_id: str = "cityops-mqtt-1") -> None:
    """Subscribe (QoS 1, persistent session, so uplinks sent while we were down are kept by
    the broker) until `stop`; reconnects by itself. Give each bridge its own client_id.
    `broker` may be a host name (then `port`), for a broker without sign-in."""
    if isinstance(broker, str):
        broker = Broker(broker, port or 1883)
    stop = stop or threading.Event()
    topics = topics or lorawan_topics(broker.prefix)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         clean_session=False, manual_ack=True)
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    if broker.tls:
        client.tls_set(ca_certs=broker.ca_file)
    bridge = Bridge(r, stop, broker.prefix)

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
    client.on_message = bridge.on_message
    client.reconnect_delay_set(1, 30)
    writer = threading.Thread(target=bridge.write, args=(client,), name="mqtt-writer",
                              daemon=True)
    writer.start()
    client.connect_async(broker.host, broker.port)
    client.loop_start()
    stop.wait()
    writer.join(10)
    client.loop_stop()
    client.disconnect()
