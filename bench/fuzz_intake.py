"""Bad telemetry in bulk: what it costs Redis, and that none of it is lost or stuck.

10,000 entries of junk (seeded, so every run sends the same): wrong and missing fields,
values that are not numbers or not of this world (1e308, NaN, negative fill), times of
year 1 or in epoch seconds, unknown devices and metrics, fields of up to 1 MB, hundreds of
fields. They are put on `cityops:telemetry` and the real ingest consumer drains them; then
every entry must be accounted for (stored, or dead-lettered with a reason), none pending,
and the stream trimmed. Redis memory is read before the junk, with it waiting, and after:
shipped (dead-letter entries cut to 2 kB a field, 32 fields, with size and hash; the
stream trimmed by the consumer) beside the baseline of keeping each refused entry whole,
as before issue 19 (the bench writes those copies itself, to measure what they would cost).

    .venv/bin/python -m bench.fuzz_intake                  # 10,000 entries
    .venv/bin/python -m bench.fuzz_intake --entries 2000   # quicker
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from data_access import streams
from data_access.city_config import load_config
from data_access.db import make_engine, upgrade_schema
from data_access.redis_conn import connect, shutdown_embedded
from data_access.seed import seed_devices
from data_access.settings import ROOT, Settings
from ingest.telemetry_consumer import TelemetryConsumer
from ingest.validation import Rejected, validate

DEVICE = "bin_sensor-chalkida-00001"


def junk(rng: random.Random, now: datetime) -> dict[str, str]:
    """One entry, bad in one of many ways (some are good, as in a real stream)."""
    ts = (now - timedelta(seconds=rng.randint(1, 3000))).isoformat()
    good = {"device_id": DEVICE, "ts": ts, "values": orjson.dumps({"fill_level": 50}).decode()}
    kind = rng.randrange(14)
    if kind == 0:
        return good
    if kind == 1:
        return {**good, "values": '{"fill_level": 1e308}'}
    if kind == 2:
        return {**good, "values": '{"fill_level": -3}'}
    if kind == 3:
        return {**good, "ts": "0001-01-01T00:00:00+00:00"}
    if kind == 4:
        return {**good, "ts": str(int(now.timestamp()))}  # epoch seconds
    if kind == 5:
        return {**good, "device_id": f"ghost-{rng.randrange(10**6)}"}
    if kind == 6:
        return {**good, "values": orjson.dumps({"speed": 3}).decode()}
    if kind == 7:
        return {**good, "values": '{"fill_level": "NaN"}'}
    if kind == 8:
        missing = rng.choice(list(good))
        return {k: v for k, v in good.items() if k != missing}
    if kind == 9:
        return {**good, "source": "x" * rng.choice((10_000, 100_000, 1_000_000))}
    if kind == 10:
        return {**good, **{f"extra{i}": "y" * 50 for i in range(rng.randint(100, 400))}}
    if kind == 11:
        return {**good, "values": rng.randbytes(rng.randint(1, 300)).decode("latin-1")}
    if kind == 12:
        return {**good, "battery": rng.choice(("140", "-1", "loud"))}
    return {**good, "ts": "yesterday"}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fuzz_intake", description=__doc__)
    p.add_argument("--entries", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=19)
    args = p.parse_args(argv)
    given = " ".join(argv if argv is not None else sys.argv[1:])
    print(f"command : .venv/bin/python -m bench.fuzz_intake {given}".rstrip())
    print(f"machine : {os.cpu_count()} CPUs, {platform.platform()}, Python "
          f"{platform.python_version()}")
    config = load_config(ROOT / "config")
    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    entries = [junk(rng, now) for _ in range(args.entries)]
    sent = sum(streams.entry_bytes(e) for e in entries)
    known = {DEVICE: frozenset(config.kinds["bin_sensor"].metrics)}
    with tempfile.TemporaryDirectory(prefix="cityops-fuzz-") as tmp:
        settings = Settings(var_dir=Path(tmp) / "var")
        engine = make_engine(settings)
        upgrade_schema(engine)
        seed_devices(engine, config, None, settings.seed)
        r = connect(settings)
        try:
            consumer = TelemetryConsumer(r, engine, config, name="fuzz", block_ms=10)
            before = r.info("memory")["used_memory"]
            pipe = r.pipeline(transaction=False)
            for e in entries:
                pipe.xadd(streams.TELEMETRY, e)
            pipe.execute()
            waiting = r.info("memory")["used_memory"]
            start = time.perf_counter()
            while r.xpending(streams.TELEMETRY, streams.INGEST_GROUP)["pending"] or \
                    r.xlen(streams.TELEMETRY) > 0:
                consumer.step()
                consumer.trim()
            drained_s = time.perf_counter() - start
            after = r.info("memory")["used_memory"]
            refused = sum(int(v) for v in r.hgetall(streams.DEADLETTER_COUNT).values())
            deadletter_bytes = r.memory_usage(streams.DEADLETTER) or 0
            whole = sum(streams.entry_bytes(f) for _, f in r.xrange(streams.DEADLETTER))
            kept_whole = sum(streams.entry_bytes(e) for e in entries  # the baseline's copies
                             if isinstance(validate(e, known, now, config.metric_ranges),
                                           Rejected))
            stored_entries = args.entries - refused
            reasons = {k.decode(): int(v) for k, v in r.hgetall(streams.DEADLETTER_COUNT).items()}
        finally:
            shutdown_embedded(settings)
            engine.dispose()
    if stored_entries < 0:
        print("ERROR: more refusals than entries")
        return 1
    mib = 1024 * 1024
    print(f"entries : {args.entries:,} sent ({sent / mib:.1f} MiB), {refused:,} refused with a "
          f"reason, {stored_entries:,} stored; none pending, stream empty after "
          f"{drained_s:.1f} s")
    print("reasons : " + ", ".join(f"{k} {v:,}" for k, v in sorted(reasons.items())))
    print(f"redis   : used_memory {before / mib:.1f} MiB before, {waiting / mib:.1f} MiB with "
          f"the junk waiting, {after / mib:.1f} MiB after")
    print(f"kept    : shipped dead-letter stream {deadletter_bytes / mib:.1f} MiB in Redis "
          f"({whole / mib:.1f} MiB of fields); baseline (each refused entry whole) would "
          f"keep {kept_whole / mib:.1f} MiB of fields: {kept_whole / max(whole, 1):.0f}x more")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
