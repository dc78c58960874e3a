"""The process's one alarm subscription: heard by every waiting screen, and ended quietly
when the server stops before its Redis does (a shutdown is not an outage)."""

from __future__ import annotations

import logging
import time

from data_access import streams
from data_access.alarm_signal import AlarmSignal
from data_access.redis_conn import shutdown_embedded


def heard(signal: AlarmSignal, r, seen: int) -> int | None:
    """Announce until the listener (subscribing in its own thread) hears it."""
    for _ in range(50):
        r.publish(streams.ALARMS_CHANGED, "1")
        version = signal.wait_newer(seen, 0.1)
        if version is not None:
            return version
    return None


def test_an_announcement_wakes_a_waiting_screen(sqlite_backend):
    signal = AlarmSignal(sqlite_backend.redis)
    signal.start()
    try:
        assert heard(signal, sqlite_backend.redis, signal.version) is not None
    finally:
        signal.stop()


def test_stopping_ends_listener_and_streams_without_an_outage_in_the_log(sqlite_backend,
                                                                          caplog):
    signal = AlarmSignal(sqlite_backend.redis)
    signal.start()
    seen = heard(signal, sqlite_backend.redis, signal.version)
    assert seen is not None
    signal.stop()
    assert signal.wait_newer(seen, 1.0) is not None  # a waiting stream wakes, sees `stopped`
    assert signal.stopped
    deadline = time.monotonic() + 5
    while signal._thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not signal._thread.is_alive()
    with caplog.at_level(logging.WARNING, logger="data_access.alarm_signal"):
        shutdown_embedded(sqlite_backend.settings)
        time.sleep(1.5)
    assert [r for r in caplog.records if r.name == "data_access.alarm_signal"] == []
