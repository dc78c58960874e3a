"""Vendors' payloads, as their own codecs decode them (the published test vectors of the TTN
device repository, tests/fixtures/lorawan/, sources in SOURCES.md), read through the shipped
profiles (config/profiles/) into our metrics, units and battery %."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
import yaml

from data_access.city_config import load_config
from ingest.profiles import PayloadReader
from ingest.validation import Rejected, Telemetry, validate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "lorawan"
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def examples(codec_file: str) -> list[dict]:
    """The decoded outputs of a codec's published examples (errors left out)."""
    doc = yaml.safe_load((FIXTURES / codec_file).read_text(encoding="utf-8"))
    return [e["output"]["data"] for e in doc["uplinkDecoder"]["examples"]
            if "data" in e["output"]]


def reader(config, profile: str, kind: str, **attrs: float) -> PayloadReader:
    return PayloadReader(config.kinds[kind].metrics, config.profiles[profile], attrs)


@pytest.mark.parametrize(("codec", "profile", "kind", "attrs", "values", "battery"), [
    ("milesight-iot-em300-th.codec.yaml", "milesight-em300-th", "meteo_station", {},
     {"temperature": 20.0, "humidity": 30.0}, 50.0),
    # 30 mm down to the waste in a 1.2 m bin (the profile's depth): 97.5 % full.
    ("milesight-iot-em500-udl.codec.yaml", "milesight-em500-udl", "bin_sensor", {},
     {"fill_level": 97.5}, 100.0),
    ("milesight-iot-em500-swl.codec.yaml", "milesight-em500-swl", "hydro_station", {},
     {"water_level": 0.02}, 92.0),  # 2 cm
    ("milesight-iot-em500-swl.codec.0e61ae3.yaml", "milesight-em500-swl", "hydro_station",
     {}, {"water_level": 0.02}, 92.0),  # the older codec's `level`
    # "2799 mm" as text in a 3 m deep container; Bat 3.387 V on a 3.0-3.6 V cell: 64.5 %.
    ("dragino-ldds75-114.codec.yaml", "dragino-ldds75", "bin_sensor", {"depth_m": 3.0},
     {"fill_level": pytest.approx(6.7, abs=0.01)}, pytest.approx(64.5)),
    # Browan's battery is in volts: 3.6 V is a full cell, not 3.6 %.
    ("browan-tbhh100.codec.yaml", "browan-tbhh100", "meteo_station", {},
     {"temperature": 21.0, "humidity": 34.0}, 100.0),
    ("elsys-ers.codec.yaml", "elsys-ers", "air_station", {},
     {"temperature": 22.6, "humidity": 41.0}, None),
])
def test_each_vendors_published_example_reads_as_our_metrics(
        config, codec, profile, kind, attrs, values, battery):
    for data in examples(codec):
        read = reader(config, profile, kind, **attrs).read(data)
        assert read.values == values
        assert read.battery == battery
        assert read.unmapped == {}  # every key is mapped or knowingly ignored


def test_the_parking_sensor_says_occupied_as_true(config):
    outputs = examples("bosch-tps110.codec.yaml")
    assert len(outputs) == 3  # status, heartbeat, startup: each carries `occupied`
    for data in outputs:
        read = reader(config, "bosch-tps110", "parking_space").read(data)
        assert read.values == {"occupied": 1.0} and read.unmapped == {}


def _entry(values: dict, device_id: str = "dev-1", **extra: str) -> dict:
    return {"device_id": device_id, "ts": (NOW - timedelta(seconds=5)).isoformat(),
            "values": orjson.dumps(values).decode(), **extra}


def test_a_sensor_with_no_reading_is_refused_with_what_it_said(config):
    readers = {"dev-1": reader(config, "dragino-ldds75", "bin_sensor")}
    (data,) = examples("dragino-ldds75.codec.yaml")  # {'distance': 'No Sensor'}
    result = validate(_entry(data), readers, NOW)
    assert isinstance(result, Rejected) and result.code == "no_reading"
    assert "No Sensor" in result.detail


def test_unmapped_keys_are_reported_and_cost_nothing_of_the_rest(config):
    readers = {"dev-1": reader(config, "milesight-em300-th", "meteo_station")}
    result = validate(_entry({"temperature": 18.0, "co2": 612, "board": "v2"}), readers, NOW)
    assert isinstance(result, Telemetry)
    assert result.values == {"temperature": 18.0}
    assert result.unmapped == {"co2": 612, "board": "v2"}


def test_an_uplink_is_found_by_its_dev_eui_whatever_the_network_server_calls_it(config):
    readers = {"bin_sensor-chalkida-00001": reader(config, "milesight-em500-udl", "bin_sensor")}
    entry = _entry({"distance": 600}, device_id="eui-24e124713b420101",
                   dev_eui="24e124713b420101")
    result = validate(entry, readers, NOW, by_eui={"24E124713B420101":
                                                   "bin_sensor-chalkida-00001"})
    assert isinstance(result, Telemetry)
    assert result.device_id == "bin_sensor-chalkida-00001"
    assert result.values == {"fill_level": 50.0}
    stranger = validate(entry, readers, NOW, by_eui={})
    assert isinstance(stranger, Rejected) and stranger.code == "unknown_device"
    assert "24e124713b420101" in stranger.detail


def test_a_unit_that_cannot_be_ours_is_refused_by_name(config):
    readers = {"dev-1": reader(config, "milesight-em500-swl", "hydro_station")}
    result = validate(_entry({"level": "3 kg"}), readers, NOW)
    assert isinstance(result, Rejected) and result.code == "bad_unit"
    assert "'kg'" in result.detail and "'m'" in result.detail


def test_a_model_nobody_shipped_is_one_yaml_file(tmp_path):
    """An integrator's own model: a file in config/profiles/, no code."""
    config_dir = tmp_path / "config"
    shutil.copytree(ROOT / "config", config_dir)
    (config_dir / "profiles" / "acme-level-9.yaml").write_text(
        "vendor: Acme\nmodel: Level 9\nkinds: [hydro_station]\n"
        "source: Acme's payload sheet\n"
        "fields:\n  lvl_ft: {metric: water_level, unit: ft}\n"
        "  batt_mv: {health: battery, unit: mV, volts: [2.7, 3.3]}\n"
        "  state: {metric: flow_velocity, states: {still: 0, flowing: 0.5}}\n",
        encoding="utf-8")
    config = load_config(config_dir)
    read = reader(config, "acme-level-9", "hydro_station").read(
        {"lvl_ft": "10 ft", "batt_mv": 3000, "state": "Flowing"})
    assert read.values == {"water_level": pytest.approx(3.048), "flow_velocity": 0.5}
    assert read.battery == pytest.approx(50.0)


def test_a_profile_naming_a_metric_its_kind_lacks_is_refused_at_start(tmp_path):
    config_dir = tmp_path / "config"
    shutil.copytree(ROOT / "config", config_dir)
    (config_dir / "profiles" / "bad.yaml").write_text(
        "vendor: X\nmodel: Y\nkinds: [parking_space]\nsource: s\n"
        "fields:\n  t: {metric: temperature}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="parking_space does not measure"):
        load_config(config_dir)
    (config_dir / "profiles" / "bad.yaml").write_text(
        "vendor: X\nmodel: Y\nkinds: [parking_space]\nsource: s\n"
        "fields:\n  o: {metric: occupied, unti: '%'}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unti"):  # a typo is not a silent default
        load_config(config_dir)
