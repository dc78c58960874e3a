"""Domain KPI views are computed once per period by one process, and screens never wait
while the next period's view is made: they keep the newest one meanwhile."""

from __future__ import annotations

import threading
import time

from flask import Flask

from data_access.cache import cache, cache_config, refreshed
from data_access.redis_conn import redis_url


def _app(backend, enabled: bool = True) -> Flask:
    app = Flask(__name__)
    app.config.update(cache_config(redis_url(backend.settings), enabled))
    cache.init_app(app)
    return app


def test_one_computation_per_period_and_no_wait_when_it_turns(sqlite_backend):
    app = _app(sqlite_backend)
    calls: list[int] = []
    done = threading.Event()

    def compute(value: int, slow: bool = False):
        def run():
            if slow:
                time.sleep(0.5)
            calls.append(value)
            done.set()
            return value
        return run

    with app.app_context():
        cache.clear()
        assert refreshed("view", 10, 10, compute(1)) == 1
        assert refreshed("view", 10, 10, compute(99)) == 1  # same period: not computed again
        assert calls == [1]
        done.clear()
        started = time.perf_counter()
        assert refreshed("view", 20, 10, compute(2, slow=True)) == 1  # the newest, at once
        assert time.perf_counter() - started < 0.4
        assert refreshed("view", 20, 10, compute(3)) == 1  # one claimant: no second compute
        assert done.wait(5)
        time.sleep(0.1)
        assert refreshed("view", 20, 10, compute(4)) == 2
        assert calls == [1, 2]


def test_screens_opening_together_wait_for_one_computation(sqlite_backend):
    app = _app(sqlite_backend)
    calls: list[int] = []

    def slow() -> int:
        time.sleep(0.3)
        calls.append(1)
        return 7

    results: list[int] = []

    def screen() -> None:
        with app.app_context():
            results.append(refreshed("first", 10, 10, slow))

    with app.app_context():
        cache.clear()
    screens = [threading.Thread(target=screen) for _ in range(8)]
    for s in screens:
        s.start()
    for s in screens:
        s.join(10)
    assert results == [7] * 8 and calls == [1]


def test_with_the_cache_off_every_call_computes(sqlite_backend):
    app = _app(sqlite_backend, enabled=False)
    calls: list[int] = []
    with app.app_context():
        for _ in range(3):
            refreshed("view", 10, 10, lambda: calls.append(1) or len(calls))
    assert len(calls) == 3
