""""The alarms changed": heard once per web process from Redis pub/sub, handed to every
open screen's event stream. One Redis subscription per process, however many screens: the
async fan-out (serving/alarm_events.py) listens here, and threads may wait here too."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis

from data_access import streams

log = logging.getLogger(__name__)


class AlarmSignal:
    def __init__(self, r: redis.Redis) -> None:
        self.r = r
        self.version = 0  # bumped on every announcement this process hears
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._pubsub = None
        self._listeners: list[Callable[[], None]] = []

    def listen(self, callback: Callable[[], None]) -> None:
        """Call `callback` (from the listener's thread) on every announcement."""
        with self._changed:
            self._listeners.append(callback)

    def unlisten(self, callback: Callable[[], None]) -> None:
        with self._changed:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def start(self) -> None:
        """Idempotent: the listener starts with the first screen that asks for it."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._listen, daemon=True,
                                                name="alarm-signal")
                self._thread.start()

    def stop(self) -> None:
        """End the listener and every stream waiting on it: for a server shutting down
        before its Redis does, which would otherwise read as an outage in the log."""
        self._stopped.set()
        if self._pubsub is not None:
            self._pubsub.close()
        self._bump()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def wait_newer(self, seen: int, timeout: float) -> int | None:
        """The version once it is past `seen`, or None after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.version > seen, timeout)
            return self.version if self.version > seen else None

    def _listen(self) -> None:
        failures = 0
        while not self.stopped:  # Redis restarts and network cuts are survived: subscribe again
            try:
                self._pubsub = pubsub = self.r.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(streams.ALARMS_CHANGED)
                failures = 0
                for message in pubsub.listen():
                    if message.get("type") == "message":
                        self._bump()
            except Exception as exc:
                if self.stopped:
                    return
                # The whole story once, then a line a minute while Redis stays away: an
                # outage must not bury the log under a traceback per second.
                if failures == 0:
                    log.warning("alarm signal lost its subscription; resubscribing",
                                exc_info=True)
                elif failures % 60 == 0:
                    log.warning("alarm signal still cannot subscribe (%s)", exc)
                failures += 1
                self._bump()  # something may have changed meanwhile: screens look again
                time.sleep(1.0)

    def _bump(self) -> None:
        with self._changed:
            self.version += 1
            self._changed.notify_all()
            listeners = list(self._listeners)
        for callback in listeners:
            try:
                callback()
            except Exception:  # a listener gone (its event loop closed) must not stop the rest
                log.debug("alarm signal listener failed; dropped", exc_info=True)
                self.unlisten(callback)
