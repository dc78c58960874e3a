"""The rules engine on real Redis and SQL: state shared through Redis, alarms through both
consumers into the alarms table, rules.yaml reloaded without a restart."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from data_access import streams
from data_access.models import Alarm, AlarmEvent, Device
from data_access.settings import ROOT
from ingest.alarm_store import AlarmStoreConsumer
from ingest.rules.cross_domain import distance_m
from ingest.rules.state import pending_key, samples_key
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import send, telemetry
from tests.rule_memory import raw_rules, rule_entry

BIN = "bin_sensor-chalkida-00002"
FAR_BIN = "bin_sensor-chalkida-00005"
CROSSING = "smart_crossing-chalkida-00001"
RIVER = "hydro_station-lilantio-00001"  # alert level 1.5 m
METEO = "meteo_station-lilantio-00001"
METEO_CHALKIDA = "meteo_station-chalkida-00001"
RIVER_AVLIDA = "hydro_station-avlida-00001"
SPOT = "parking_space-chalkida-00001"


def consumers(backend, config=None, **kw):
    ingest = TelemetryConsumer(backend.redis, backend.engine, config or backend.config,
                               block_ms=10, **kw)
    return ingest, AlarmStoreConsumer(backend.redis, backend.engine, block_ms=10)


def report(backend, ingest, device_id, at, values, **extra):
    send(backend.redis, telemetry(device_id, values, at, **extra))
    ingest.step()


def alarms(backend, type_: str) -> list[Alarm]:
    with Session(backend.engine) as session:
        return list(session.scalars(select(Alarm).where(Alarm.type == type_)
                                    .order_by(Alarm.raised_at)))


def test_a_repeat_counts_on_the_one_alarm_and_a_return_to_normal_clears_it(backend):
    ingest, store = consumers(backend)
    t0 = datetime.now(UTC) - timedelta(minutes=20)
    report(backend, ingest, BIN, t0, {"fill_level": 85.0})
    report(backend, ingest, BIN, t0 + timedelta(seconds=300), {"fill_level": 86.0})  # too soon
    report(backend, ingest, BIN, t0 + timedelta(seconds=610), {"fill_level": 87.0})  # refresh
    store.step()
    [alarm] = alarms(backend, "bin_collect")
    assert (alarm.count, alarm.state, alarm.value) == (2, "active_unack", 87.0)
    with Session(backend.engine) as session:
        raised = session.scalars(select(AlarmEvent.event)
                                 .where(AlarmEvent.alarm_id == alarm.alarm_id)).all()
    assert raised == ["raised", "raised"]
    report(backend, ingest, BIN, t0 + timedelta(seconds=700), {"fill_level": 3.0})
    store.step()
    [alarm] = alarms(backend, "bin_collect")
    assert alarm.state == "cleared_unack" and alarm.count == 2
    assert not backend.redis.hexists(streams.ACTIVE_RULE_ALARMS, f"{BIN}|bin_collect")


def test_inside_the_deadband_the_alarm_stays_and_past_it_clears(backend):
    ingest, store = consumers(backend)
    t0 = datetime.now(UTC) - timedelta(minutes=30)
    report(backend, ingest, RIVER, t0, {"water_level": 1.52})
    report(backend, ingest, RIVER, t0 + timedelta(minutes=5), {"water_level": 1.47})
    store.step()
    assert [a.state for a in alarms(backend, "water_level_alert")] == ["active_unack"]
    report(backend, ingest, RIVER, t0 + timedelta(minutes=10), {"water_level": 1.40})
    store.step()
    assert [a.state for a in alarms(backend, "water_level_alert")] == ["cleared_unack"]


def test_delays_run_in_redis_so_two_consumers_agree(backend):
    raw = raw_rules()
    rule_entry(raw, "bin_collect").update(on_delay_s=600, off_delay_s=600)
    config = backend.config.with_rules(raw)
    a, store = consumers(backend, config, name="ingest-a")
    b, _ = consumers(backend, config, name="ingest-b")
    t0 = datetime.now(UTC) - timedelta(minutes=40)
    report(backend, a, BIN, t0, {"fill_level": 85.0})
    assert backend.redis.ttl(pending_key(f"{BIN}|bin_collect")) > 600  # bounded: it expires
    report(backend, b, BIN, t0 + timedelta(seconds=300), {"fill_level": 85.0})
    store.step()
    assert alarms(backend, "bin_collect") == []  # held 5 min of the 10 the rule asks
    report(backend, a, BIN, t0 + timedelta(seconds=600), {"fill_level": 86.0})
    store.step()
    assert [x.state for x in alarms(backend, "bin_collect")] == ["active_unack"]
    report(backend, b, BIN, t0 + timedelta(seconds=900), {"fill_level": 2.0})
    report(backend, a, BIN, t0 + timedelta(seconds=1200), {"fill_level": 2.0})
    store.step()
    assert [x.state for x in alarms(backend, "bin_collect")] == ["active_unack"]  # off-delay
    report(backend, b, BIN, t0 + timedelta(seconds=1500), {"fill_level": 2.0})
    store.step()
    assert [x.state for x in alarms(backend, "bin_collect")] == ["cleared_unack"]
    assert not backend.redis.exists(pending_key(f"{BIN}|bin_collect"))


def test_a_river_rising_fast_raises_from_samples_kept_in_redis(backend):
    ingest, store = consumers(backend)
    t0 = datetime.now(UTC) - timedelta(hours=2)
    # An hour of slow drift, then 0.35 m within 20 minutes.
    levels = [0.40 + 0.005 * i for i in range(12)] + [0.50, 0.62, 0.74, 0.85]
    for i, level in enumerate(levels):
        report(backend, ingest, RIVER, t0 + timedelta(minutes=5 * i), {"water_level": level})
        if i == 11:
            store.step()
            assert alarms(backend, "water_rising_fast") == []
    store.step()
    [alarm] = alarms(backend, "water_rising_fast")
    assert alarm.state == "active_unack" and alarm.severity == "major"
    assert 0.3 <= alarm.value <= 0.45
    key = samples_key(RIVER, "water_level")
    kept = backend.redis.zcard(key)
    assert kept < len(levels)  # trimmed to the window (30 min + one interval)
    assert 0 < backend.redis.ttl(key) <= 2100 + 300


def test_a_weak_lorawan_link_raises_after_its_on_delay_and_clears(backend):
    ingest, store = consumers(backend)
    t0 = datetime.now(UTC) - timedelta(hours=1)
    for minute in (0, 2, 4, 6, 8, 10, 12, 14):
        report(backend, ingest, SPOT, t0 + timedelta(minutes=minute), {"occupied": 0.0},
               rssi=-119, snr=-4)
    store.step()
    assert alarms(backend, "weak_signal") == []  # 14 min < 15 min on-delay
    report(backend, ingest, SPOT, t0 + timedelta(minutes=16), {"occupied": 1.0}, rssi=-121,
           snr=-4)
    store.step()
    [alarm] = alarms(backend, "weak_signal")
    assert alarm.state == "active_unack" and alarm.value == -121 and alarm.domain == "traffic"
    for minute in range(18, 36, 2):
        report(backend, ingest, SPOT, t0 + timedelta(minutes=minute), {"occupied": 1.0},
               rssi=-95, snr=6)
    store.step()
    assert [a.state for a in alarms(backend, "weak_signal")] == ["cleared_unack"]


def _storm(backend, ingest, meteo: str, river: str, start: datetime) -> None:
    for step in range(13):
        t = start + timedelta(minutes=5 * step)
        report(backend, ingest, meteo, t, {"precipitation": 20.0})
        report(backend, ingest, river, t + timedelta(seconds=20),
               {"water_level": 0.4 + 0.05 * step})


def test_rain_and_a_rising_river_in_one_unit_raise_the_units_flood_warning(backend):
    ingest, store = consumers(backend)
    _storm(backend, ingest, METEO, RIVER, datetime.now(UTC) - timedelta(hours=2))
    store.step()
    [alarm] = alarms(backend, "flood_warning")
    assert (alarm.device_id, alarm.domain, alarm.state) == ("unit:lilantio", "flood",
                                                            "active_unack")
    assert alarm.count >= 1 and alarm.value >= 10


def test_rain_and_a_rising_river_in_different_units_raise_nothing(backend):
    ingest, store = consumers(backend)
    _storm(backend, ingest, METEO_CHALKIDA, RIVER_AVLIDA, datetime.now(UTC) - timedelta(hours=2))
    store.step()
    assert alarms(backend, "flood_warning") == []
    assert alarms(backend, "heavy_rain") != []  # the rain itself was seen


def _place_near_crossing(backend) -> None:
    """Put BIN 100 m from CROSSING; FAR_BIN must have no crossing within 300 m."""
    with Session(backend.engine) as session:
        crossings = session.execute(select(Device.id, Device.lat, Device.lon)
                                    .where(Device.kind == "smart_crossing")).all()
        far = session.get(Device, FAR_BIN)
        assert all(distance_m(far.lat, far.lon, c.lat, c.lon) > 300 for c in crossings)
        lat, lon = next((c.lat, c.lon) for c in crossings if c.id == CROSSING)
        session.execute(update(Device).where(Device.id == BIN)
                        .values(lat=lat + 0.0009, lon=lon))
        session.commit()


def test_a_full_bin_near_a_school_crossing_raises_only_in_school_hours(backend):
    _place_near_crossing(backend)
    ingest, store = consumers(backend)
    monday = datetime(2026, 11, 16, 8, 15, tzinfo=ZoneInfo("Europe/Athens"))
    report(backend, ingest, FAR_BIN, monday, {"fill_level": 90.0})
    report(backend, ingest, BIN, monday - timedelta(hours=1), {"fill_level": 90.0})  # 07:15
    store.step()
    assert alarms(backend, "bin_full_near_school") == []  # before school; far bin: never
    report(backend, ingest, BIN, monday, {"fill_level": 91.0})
    store.step()
    [alarm] = alarms(backend, "bin_full_near_school")
    assert (alarm.device_id, alarm.domain, alarm.state) == (BIN, "waste", "active_unack")
    report(backend, ingest, BIN, monday + timedelta(minutes=50), {"fill_level": 92.0})  # 09:05
    store.step()
    assert [a.state for a in alarms(backend, "bin_full_near_school")] == ["cleared_unack"]
    saturday = monday + timedelta(days=5)
    report(backend, ingest, BIN, saturday, {"fill_level": 93.0})
    store.step()
    assert len(alarms(backend, "bin_full_near_school")) == 1  # nothing new on a Saturday


def test_rules_yaml_is_reloaded_without_restart_and_a_bad_file_keeps_the_rules(
        backend, tmp_path, caplog):
    rules_path = tmp_path / "rules.yaml"
    shutil.copy(ROOT / "config" / "rules.yaml", rules_path)
    ingest, store = consumers(backend, rules_path=rules_path, reload_every_s=0)
    now = datetime.now(UTC) - timedelta(minutes=10)
    report(backend, ingest, BIN, now, {"fill_level": 70.0})
    store.step()
    assert alarms(backend, "bin_collect") == []

    raw = yaml.safe_load(rules_path.read_text(encoding="utf-8"))
    rule_entry(raw, "bin_collect")["limit"] = 60
    rules_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    report(backend, ingest, BIN, now + timedelta(minutes=1), {"fill_level": 71.0})
    store.step()
    assert [a.state for a in alarms(backend, "bin_collect")] == ["active_unack"]

    rule_entry(raw, "bin_collect")["op"] = "=>"
    with caplog.at_level(logging.ERROR, logger="ingest.rules.reload"):
        rules_path.write_text(yaml.safe_dump(raw, allow_unicode=True) + "\n",
                              encoding="utf-8")
        report(backend, ingest, FAR_BIN, now + timedelta(minutes=2), {"fill_level": 65.0})
    store.step()
    assert "thresholds.0.op" in ingest.rules.last_error
    assert any("rules in force stay" in r.getMessage() for r in caplog.records)
    # still the reloaded rules (limit 60): the far bin at 65 % is due for collection
    assert {a.device_id for a in alarms(backend, "bin_collect")} == {BIN, FAR_BIN}

    raw["thresholds"] = [r for r in raw["thresholds"] if r["id"] != "bin_collect"]
    rules_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    report(backend, ingest, RIVER, now + timedelta(minutes=3), {"water_level": 0.5})
    store.step()
    # a removed rule leaves no alarm behind that nothing could ever clear
    assert {a.state for a in alarms(backend, "bin_collect")} == {"cleared_unack"}
    assert not backend.redis.hexists(streams.ACTIVE_RULE_ALARMS, f"{BIN}|bin_collect")


def test_the_publisher_refreshes_an_active_key_once_per_repeat_interval(backend):
    """Two consumers that both decide a refresh at once (a race) publish it once: the claim
    and the repeat check are one Lua script."""
    from ingest.alarm_publisher import publish
    from ingest.rules.core import Decision

    def raised(at: float) -> Decision:
        return Decision("raised", "x|rule", "x", "waste", "minor", "rule", "m", 1.0, at)

    r = backend.redis
    assert publish(r, [raised(1000.0), raised(1000.0)], repeat_s=600) == 1  # one new alarm
    assert publish(r, [raised(1500.0)], repeat_s=600) == 0  # too soon
    assert publish(r, [raised(1600.0), raised(1600.0)], repeat_s=600) == 1  # one refresh
    assert publish(r, [raised(9000.0)], repeat_s=0) == 0  # repeats switched off
    ids = {f[b"alarm_id"] for _, f in r.xrange(streams.ALARMS)}
    assert r.xlen(streams.ALARMS) == 2 and len(ids) == 1  # both entries: the same alarm
    r.hset(streams.ACTIVE_RULE_ALARMS, "y|rule", "legacy-id")  # written by an older version
    legacy = Decision("raised", "y|rule", "y", "waste", "minor", "rule", "m", 1.0, 5000.0)
    assert publish(r, [legacy], repeat_s=600) == 1  # refreshed, keeping its id
    assert r.xrange(streams.ALARMS)[-1][1][b"alarm_id"] == b"legacy-id"
    cleared = Decision("cleared", "y|rule", "y", "waste", "minor", "rule", "m", 1.0, 5001.0)
    assert publish(r, [cleared, cleared]) == 1
