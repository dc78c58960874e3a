"""Data intake as the admin sees it: what each source sent and what was refused, refused
entries found newest first by reason and device, and a profile fixed while the ingest runs
used from its next batch, so the refused uplinks can be sent again at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson

from data_access import dead_letters, streams
from ingest import resend
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import send, telemetry

BIN = "bin_sensor-chalkida-00002"
METER = "water_meter-chalkida-00001"


def drain(consumer: TelemetryConsumer, r) -> None:
    while consumer.step() or r.xpending(streams.TELEMETRY, streams.INGEST_GROUP)["pending"]:
        pass


def test_each_source_is_counted_and_refusals_are_found_newest_first(backend):
    r = backend.redis
    consumer = TelemetryConsumer(r, backend.engine, backend.config, block_ms=10)
    at = datetime.now(UTC) - timedelta(minutes=5)
    send(r, telemetry(BIN, {"fill_level": 40.0}, at, source="gw-north"),
         telemetry(METER, {"flow_m3h": 1.0}, at, source="gw-north"),
         telemetry(BIN, {"fill_level": 41.0}, at + timedelta(seconds=1)),  # nobody said
         {"device_id": "nobody", "dev_eui": "A8404100018100AA", "source": "tts",
          "ts": at.isoformat(), "values": '{"fill_level": 1}'},
         {"device_id": "nobody", "dev_eui": "a8404100018100aa", "source": "tts",
          "ts": (at + timedelta(seconds=2)).isoformat(), "values": '{"fill_level": 2}'},
         {"device_id": BIN, "source": "gw-north", "ts": at.isoformat(), "values": "{oops"})
    drain(consumer, r)

    sources = {s["source"]: s for s in streams.intake_sources(r)}
    assert {k: (v["accepted"], v["refused"]) for k, v in sources.items()} == {
        "gw-north": (2, 1), "tts": (0, 2), "": (1, 0)}
    assert all(s["last"] is not None for s in sources.values())

    rows, more = dead_letters.search(r, device="a8-40-41-00-01-81-00-AA")
    assert [row["reason"] for row in rows] == ["unknown_device", "unknown_device"]
    assert rows[0]["at"] >= rows[1]["at"] and not more  # newest first
    assert rows[0]["dev_eui"] == "A8404100018100AA" and rows[0]["source"] == "tts"
    rows, more = dead_letters.search(r, reason="not_json")
    assert [(row["device"], row["source"]) for row in rows] == [(BIN, "gw-north")]
    rows, more = dead_letters.search(r, limit=2)
    assert len(rows) == 2 and more


def test_a_profile_fixed_while_the_ingest_runs_reads_the_uplinks_sent_again(backend):
    """A Milesight EM500-UDL's `distance` means nothing to a bin without its profile; once
    the admin gives the bin the profile (here through `flask devices set-profile`), the
    running consumer reads with it from its next batch: the refused uplink, sent again,
    becomes a fill level. Before, a worker kept a known device's old profile until a
    stranger made it reload."""
    from app import create_app

    r = backend.redis
    consumer = TelemetryConsumer(r, backend.engine, backend.config, block_ms=10)
    send(r, {"device_id": BIN, "ts": datetime.now(UTC).isoformat(), "source": "tts",
             "values": orjson.dumps({"distance": 30}).decode()})
    drain(consumer, r)
    assert [row["reason"] for row in dead_letters.search(r, device=BIN)[0]] == [
        "unknown_metric"]

    runner = create_app(backend.settings).server.test_cli_runner()
    done = runner.invoke(args=["devices", "set-profile", BIN, "milesight-em500-udl"])
    assert done.exit_code == 0, done.output
    assert resend.resend(r, reason="unknown_metric", device=BIN) == (1, 0)
    drain(consumer, r)
    assert dead_letters.search(r, device=BIN) == ([], False)
    latest = orjson.loads(r.hget(streams.LATEST, BIN))
    assert latest["values"] == {"fill_level": 97.5}  # 30 mm below the top of a 1.2 m bin


def test_a_long_dead_letter_stream_is_read_page_by_page_both_ways(backend):
    from data_access.dead_letters import PAGE, matching

    r = backend.redis
    total = PAGE * 2 + 7
    pipe = r.pipeline(transaction=False)
    for n in range(total):
        streams.deadletter(pipe, {"device_id": f"d{n % 3}", "n": str(n)},
                           "unknown_device" if n % 2 else "not_json", "test", "http")
    pipe.execute()
    oldest_first = [int(dead["n"]) for _, dead in matching(r)]
    assert oldest_first == list(range(total))
    newest_first = [int(dead["n"]) for _, dead in matching(r, newest_first=True)]
    assert newest_first == list(reversed(range(total)))
    picked = [int(d["n"]) for _, d in matching(r, "not_json", "d1", newest_first=True)]
    assert picked == [n for n in reversed(range(total)) if n % 2 == 0 and n % 3 == 1]
