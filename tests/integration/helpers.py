"""Small helpers shared by the integration tests."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy import func, select

from data_access import streams
from data_access.models import Reading


def telemetry(device_id: str, values: dict, at: datetime | None = None, **extra) -> dict:
    at = at or datetime.now(UTC) - timedelta(seconds=5)
    return {"device_id": device_id, "ts": at.isoformat(), "values": orjson.dumps(values).decode(),
            **{k: str(v) for k, v in extra.items()}}


def send(r, *entries: dict) -> list[bytes]:
    return [r.xadd(streams.TELEMETRY, e) for e in entries]


def reading_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Reading)).scalar_one()


def pending(r, stream: str, group: str) -> int:
    return r.xpending(stream, group)["pending"]


def alarm_held(engine, alarm_id: str, within_s: float = 60.0) -> None:
    """Wait until the alarm store holds the alarm (a condition, not a fixed sleep: the
    deadline is only there so a broken store fails the test instead of hanging it)."""
    import time

    from data_access.models import Alarm

    deadline = time.monotonic() + within_s
    while True:
        with engine.connect() as conn:
            if conn.execute(select(Alarm.alarm_id).where(Alarm.alarm_id == alarm_id)).first():
                return
        assert time.monotonic() < deadline, f"the alarm store never stored {alarm_id}"
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisProcess:
    """A real Redis server of this test's own (Debian's redis-server), with an append-only
    file, that the test can take away and bring back on the same port."""

    def __init__(self, directory) -> None:
        self.port, self.dir = free_port(), directory
        self.process = None

    def start(self) -> None:
        import subprocess
        import time

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.dir), "--appendonly", "yes", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                import redis

                redis.Redis(port=self.port).ping()
                return
            except Exception:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()  # SIGTERM: the AOF is flushed, the port closes
        self.process.wait(60)


TEST_PASSWORD = "a test password, long enough"


def signed_in(client, store, role: str = "operator", domains: tuple[str, ...] = ()):
    """Sign the Flask test client in through the real form as a user of `role` (created on
    first use); the client then carries the session cookie like a browser would."""
    import re

    from access import users

    name = f"test-{role.replace('_', '-')}" + ("-" + "-".join(domains) if domains else "")
    if users.find_user(store.engine, name) is None:
        users.create_user(store.engine, name, role, TEST_PASSWORD, domains,
                          [d.id for d in store.config.domains])
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post("/login", data={"name": name, "password": TEST_PASSWORD,
                                         "csrf_token": token})
    assert answer.status_code == 302, answer.text
    return client


def broker_up() -> bool:
    """Is the machine's MQTT broker (Mosquitto on 127.0.0.1:1883) there?"""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=0.5).close()
        return True
    except OSError:
        return False
