"""LoRaWAN uplinks per second, from the broker to committed readings, beside the same entries
put on the stream straight (XADD), in one run.

N ChirpStack v4 uplinks (the published envelope, tests/fixtures/lorawan/chirpstack_v4_up.json,
carrying the Bosch TPS110 codec's decoded example, each for one of the demo city's parking
sensors found by its DevEUI, each at its own time) are published with QoS 1, by a process of
their own, to a Mosquitto of the bench's own (a free port, no persistence), bridged by the
real `ingest.mqtt_source` (acks after XADD) and drained by the real `TelemetryConsumer`
(profile, validation, one SQL transaction per batch, latest state, rules). Timed: from the
first publish to the last reading committed. Baseline: the bridge's own entries for the same
uplinks, XADDed in pipelines of 500 and drained by the same consumer. Mosquitto is run twice:
with its default `max_inflight_messages` (20 unacknowledged messages per client) and 1,000.

    .venv/bin/python -m bench.uplink_throughput                  # 20,000 uplinks
    .venv/bin/python -m bench.uplink_throughput --uplinks 5000   # quicker

SQLite and the embedded Redis in a temp dir (the default run's own).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
from sqlalchemy import func, select

from data_access import device_registry as registry
from data_access import streams
from data_access.city_config import load_config
from data_access.db import make_engine, upgrade_schema
from data_access.models import Reading
from data_access.redis_conn import connect, shutdown_embedded
from data_access.seed import seed_devices
from data_access.settings import ROOT, Settings
from ingest import mqtt_source
from ingest.lorawan import chirpstack_entry
from ingest.telemetry_consumer import TelemetryConsumer

ENVELOPE = orjson.loads((ROOT / "tests/fixtures/lorawan/chirpstack_v4_up.json").read_bytes())
DECODED = {"type": "parking status", "occupied": True}  # the TPS110 codec's first example


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uplinks(devices: list[tuple[str, str]], n: int, start: datetime) -> list[bytes]:
    """n uplinks, round robin over (device_id, dev_eui), each at its own time."""
    out = []
    for i in range(n):
        _, eui = devices[i % len(devices)]
        info = {**ENVELOPE["deviceInfo"], "devEui": eui.lower(), "deviceName": f"ns-{i}"}
        out.append(orjson.dumps({**ENVELOPE, "deviceInfo": info, "object": DECODED,
                                 "time": (start + timedelta(milliseconds=i)).isoformat()}))
    return out


def readings(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Reading)).scalar_one()


def start_consumer(r, engine, config) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    consumer = TelemetryConsumer(r, engine, config, batch_size=1000, block_ms=100)
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    return stop, thread


def wait_committed(engine, target: int, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while readings(engine) < target:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {readings(engine)} of {target} readings committed")
        time.sleep(0.05)


def reset(r, engine) -> None:
    with engine.begin() as conn:
        conn.execute(Reading.__table__.delete())
    r.delete(streams.LATEST, streams.LAST_SEEN)


def via_xadd(r, engine, config, bodies: list[bytes]) -> float:
    entries = [chirpstack_entry(b) for b in bodies]
    stop, thread = start_consumer(r, engine, config)
    try:
        began = time.perf_counter()
        for i in range(0, len(entries), 500):
            pipe = r.pipeline(transaction=False)
            for e in entries[i:i + 500]:
                pipe.xadd(streams.TELEMETRY, e)
            pipe.execute()
        wait_committed(engine, len(entries))
        return time.perf_counter() - began
    finally:
        stop.set()
        thread.join(10)


@contextlib.contextmanager
def mosquitto(tmp: Path, inflight: int | None):
    port = free_port()
    conf = tmp / f"mosquitto-{port}.conf"
    lines = [f"listener {port} 127.0.0.1", "allow_anonymous true", "persistence false",
             "max_queued_messages 0"]  # 0: no limit, so the broker holds the whole run
    if inflight is not None:
        lines.append(f"max_inflight_messages {inflight}")
    conf.write_text("\n".join(lines) + "\n")
    proc = subprocess.Popen([shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c",
                             str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            if time.monotonic() > deadline:
                raise RuntimeError("mosquitto did not start")
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def publish_all(port: int, bodies: list[bytes], go, done) -> None:
    """The network server: a process of its own (it must not share the bridge's GIL)."""
    sender = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-ns-{port}")
    sender.max_inflight_messages_set(1000)
    sender.max_queued_messages_set(0)
    sender.connect("127.0.0.1", port)
    sender.loop_start()
    go.wait()
    last = None
    for body in bodies:
        last = sender.publish("application/17c82e96/device/0/event/up", body, qos=1)
    last.wait_for_publish(600)
    done.set()
    sender.loop_stop()
    sender.disconnect()


def via_mqtt(r, engine, config, bodies: list[bytes], port: int) -> float:
    stop_bridge, ready = threading.Event(), threading.Event()
    bridge = threading.Thread(target=mqtt_source.run, daemon=True, args=(r, "127.0.0.1", port),
                              kwargs={"stop": stop_bridge, "ready": ready,
                                      "client_id": f"bench-bridge-{port}"})
    bridge.start()
    if not ready.wait(30):
        raise RuntimeError("bridge did not subscribe")
    stop, thread = start_consumer(r, engine, config)
    spawn = multiprocessing.get_context("spawn")
    go, done = spawn.Event(), spawn.Event()
    sender = spawn.Process(target=publish_all, args=(port, bodies, go, done))
    sender.start()
    try:
        time.sleep(2)  # the sender connected (its start is not what is measured)
        began = time.perf_counter()
        go.set()
        wait_committed(engine, len(bodies))
        return time.perf_counter() - began
    finally:
        done.wait(60)
        sender.join(30)
        stop.set()
        stop_bridge.set()
        thread.join(10)
        bridge.join(15)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.uplink_throughput", description=__doc__)
    p.add_argument("--uplinks", type=int, default=20_000)
    args = p.parse_args(argv)
    print(f"command : {Path(sys.executable).name} -m bench.uplink_throughput "
          f"{' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"machine : {os.cpu_count()} CPUs, {platform.platform()}; SQLite + embedded Redis; "
          f"{args.uplinks} ChirpStack v4 uplinks, QoS 1, one reading each")
    results = []
    with tempfile.TemporaryDirectory(prefix="cityops-uplink-bench-") as tmp:
        settings = Settings(var_dir=Path(tmp) / "var")
        config = load_config(settings.config_dir)
        engine = make_engine(settings)
        upgrade_schema(engine)
        seed_devices(engine, config, None, settings.seed)
        r = connect(settings)
        parking = [f"parking_space-chalkida-{i:05d}" for i in range(1, 50)]
        devices = []
        for i, device_id in enumerate(parking):
            eui = f"70B3D5{i:010X}"
            registry.set_dev_eui(engine, device_id, eui)
            devices.append((device_id, eui))
        start = datetime.now(UTC) - timedelta(hours=1)
        try:
            for label, inflight in (("XADD straight to the stream", -1),
                                    ("MQTT, mosquitto default inflight 20", None),
                                    ("MQTT, mosquitto inflight 1,000", 1000)):
                reset(r, engine)
                bodies = uplinks(devices, args.uplinks, start)
                start += timedelta(milliseconds=args.uplinks + 1)
                if inflight == -1:
                    seconds = via_xadd(r, engine, config, bodies)
                else:
                    with mosquitto(Path(tmp), inflight) as port:
                        seconds = via_mqtt(r, engine, config, bodies, port)
                results.append((label, seconds))
                print(f"  {label}: {args.uplinks / seconds:,.0f} uplinks/s", file=sys.stderr)
        finally:
            engine.dispose()
            shutdown_embedded(settings)
    print()
    print(f"{'path':<38} {'seconds':>8} {'uplinks/s':>10} {'vs XADD':>8}")
    base = results[0][1]
    for label, seconds in results:
        print(f"{label:<38} {seconds:>8.2f} {args.uplinks / seconds:>10,.0f} "
              f"{base / seconds:>7.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
