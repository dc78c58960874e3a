"""Fixtures: real Redis and real SQL for every integration test.

`backend` runs each test on SQLite + embedded Redis (always) and on PostgreSQL + the Redis
server (when this machine has them; otherwise those cases are skipped, saying why).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine, create_engine, text

from data_access.cache import cache, cache_config
from data_access.city_config import CityConfig, load_config
from data_access.db import make_engine, upgrade_schema
from data_access.redis_conn import connect, redis_url, shutdown_embedded
from data_access.seed import seed_devices
from data_access.settings import ROOT, Settings
from tests.fault_report import fault_report, print_table  # noqa: F401 (a fixture)

PG_ADMIN_URL = os.environ.get("CITYOPS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_SERVER = os.environ.get("CITYOPS_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def config() -> CityConfig:
    return load_config(ROOT / "config")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    if not _reachable("127.0.0.1", 5432):
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432; server-only case skipped")
    name = f"cityops_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def redis_server_url() -> Iterator[str]:
    """A database of the Redis server that no other test run on this machine is using:
    claimed with SET NX in db 0, so two suites at once do not flush each other's streams."""
    if not _reachable("127.0.0.1", 6379):
        pytest.skip("Redis server is not running on 127.0.0.1:6379; server-only case skipped")
    admin = redis.Redis.from_url(REDIS_SERVER + "/0")
    token = uuid.uuid4().hex
    for db in range(15, 0, -1):
        if admin.set(f"cityops:test-db:{db}", token, nx=True, ex=3600):
            break
    else:
        pytest.skip("every Redis database is claimed by another test run")
    yield f"{REDIS_SERVER}/{db}"
    if admin.get(f"cityops:test-db:{db}") == token.encode():
        admin.delete(f"cityops:test-db:{db}")


@dataclass
class Backend:
    """One real SQL database and one real Redis, migrated and seeded with the demo city."""

    name: str
    settings: Settings
    engine: Engine
    redis: redis.Redis
    config: CityConfig


def _clean(engine: Engine, r: redis.Redis) -> None:
    with engine.begin() as conn:
        for table in ("readings", "reading_conflicts", "device_state", "alarm_events",
                      "alarms", "users", "display_tokens", "notifications"):
            conn.execute(text(f"DELETE FROM {table}"))
        # The seed (every test) keeps what a device was given since; a test's are its own.
        conn.execute(text("UPDATE devices SET dev_eui = NULL, profile = NULL"))
    r.flushdb()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path: Path, config: CityConfig) -> Iterator[Backend]:
    if request.param == "sqlite":
        settings = Settings(var_dir=tmp_path / "var")
    else:
        settings = Settings(var_dir=tmp_path / "var",
                            database_url=request.getfixturevalue("pg_database"),
                            redis_url=request.getfixturevalue("redis_server_url"))
    engine = make_engine(settings)
    upgrade_schema(engine)
    r = connect(settings)
    _clean(engine, r)
    seed_devices(engine, config, None, settings.seed)
    yield Backend(request.param, settings, engine, r, config)
    _clean(engine, r)
    engine.dispose()
    shutdown_embedded(settings)


@pytest.fixture
def sqlite_backend(tmp_path: Path, config: CityConfig) -> Iterator[Backend]:
    settings = Settings(var_dir=tmp_path / "var")
    engine = make_engine(settings)
    upgrade_schema(engine)
    seed_devices(engine, config, None, settings.seed)
    yield Backend("sqlite", settings, engine, connect(settings), config)
    engine.dispose()
    shutdown_embedded(settings)


@pytest.fixture
def running_store(backend) -> Iterator:
    """The alarm store consuming the alarms stream on a thread, for the test's duration."""
    import threading

    from ingest.alarm_store import AlarmStoreConsumer

    consumer = AlarmStoreConsumer(backend.redis, backend.engine, block_ms=20)
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    yield consumer
    stop.set()
    thread.join(5)


@pytest.fixture
def web_cache(backend):
    """The app's flask-caching on the backend's Redis, as the web app binds it."""
    app = Flask(__name__)
    cache.init_app(app, config=cache_config(redis_url(backend.settings)))
    with app.app_context():
        cache.clear()
        yield
        cache.clear()


def pytest_terminal_summary(terminalreporter) -> None:
    print_table(terminalreporter)
