"""The city config: the plan's real inventory, placed on land inside its municipal units."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
import yaml
from pydantic import ValidationError

from data_access.city_config import load_config
from data_access.inventory import build_inventory, point_in_polygon
from data_access.settings import ROOT


def test_inventory_matches_the_municipal_plan(config):
    kinds = Counter(d.kind for d in build_inventory(config))
    assert kinds["parking_space"] + kinds["parking_deterrent"] == 69
    assert kinds["parking_deterrent"] == 20
    assert kinds["luminaire"] == 25
    assert kinds["air_station"] == 1
    assert kinds["bin_sensor"] == 5
    assert kinds["hydro_station"] == 3 and kinds["meteo_station"] == 2
    assert kinds["people_counter"] == 20
    crossing_units = {d.unit for d in build_inventory(config) if d.kind == "smart_crossing"}
    assert crossing_units == {u.id for u in config.city.units}  # a crossing in every unit


def test_every_device_stands_inside_its_unit(config):
    units = config.unit_by_id
    for device in build_inventory(config, 2000):
        assert point_in_polygon(device.lat, device.lon, units[device.unit].polygon), device.id


def test_scaling_keeps_the_mix_and_is_deterministic(config):
    base = Counter(d.kind for d in build_inventory(config))
    scaled = build_inventory(config, 10_000, seed=7)
    assert len(scaled) == 10_000
    assert len({d.id for d in scaled}) == 10_000
    counts = Counter(d.kind for d in scaled)
    total = sum(base.values())
    for kind, n in base.items():
        assert abs(counts[kind] / 10_000 - n / total) < 0.01
    assert scaled == build_inventory(config, 10_000, seed=7)


def test_hydro_stations_carry_their_flood_levels(config):
    for d in build_inventory(config):
        if d.kind == "hydro_station":
            assert d.attrs["alert_level"] < d.attrs["warning_level"] < d.attrs["danger_level"]


def _copy_config(tmp_path):
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)
    return target


def test_a_rule_on_a_metric_the_kind_lacks_is_refused(tmp_path):
    target = _copy_config(tmp_path)
    rules = yaml.safe_load((target / "rules.yaml").read_text())
    rules["thresholds"][0]["metric"] = "colour"
    (target / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True))
    with pytest.raises(ValidationError, match="has no metric colour"):
        load_config(target)


def test_a_name_for_a_metric_no_kind_measures_is_refused(tmp_path):
    target = _copy_config(tmp_path)
    (target / "metrics.yaml").write_text("water_levle: {en: Water level}\n")
    with pytest.raises(ValidationError, match="no device kind measures water_levle"):
        load_config(target)


def test_metrics_are_shown_by_name_in_the_readers_language(tmp_path):
    config = load_config(ROOT / "config")
    assert config.metric_label("water_level", "m", "el") == "Στάθμη νερού (m)"
    assert config.metric_label("pm25", "µg/m³", "en") == "PM2.5 (µg/m³)"
    assert config.metric_label("occupancy", "", "en") == "Occupancy"
    target = _copy_config(tmp_path)
    (target / "metrics.yaml").unlink()  # a city without names still reads, not as raw ids
    assert load_config(target).metric_label("flow_velocity", "m/s", "en") == "Flow velocity (m/s)"


def test_a_device_in_an_unknown_unit_is_refused(tmp_path):
    target = _copy_config(tmp_path)
    inventory = yaml.safe_load((target / "inventory.yaml").read_text())
    inventory[0]["per_unit"] = {"atlantis": 3}
    (target / "inventory.yaml").write_text(yaml.safe_dump(inventory, allow_unicode=True))
    with pytest.raises(ValidationError, match="unknown unit atlantis"):
        load_config(target)


def _with_rules(config, change):
    raw = yaml.safe_load((ROOT / "config" / "rules.yaml").read_text(encoding="utf-8"))
    change(raw)
    return config.with_rules(raw)


@pytest.mark.parametrize(("change", "reason"), [
    (lambda r: r["cross_domain"][0]["all_of"][0].update(kind="submarine"),
     "submarine has no metric"),
    (lambda r: r["cross_domain"][0]["all_of"][1].pop("window_s"), "window_s goes with"),
    (lambda r: r["cross_domain"][0].update(domain="space"), "unknown domain space"),
    (lambda r: r["cross_domain"][1]["near"].update(kind="tree"), "unknown kind tree"),
    (lambda r: r["cross_domain"][1]["when"].update(hours=["8-9h"]), "hours"),
    (lambda r: r["rates"][0].update(id="offline"), "reserved for the built-in"),
    (lambda r: r["rates"][0].update(id="bin_collect"), "duplicate rule ids"),
    (lambda r: r["device_health"]["offline_after_s"].update(yacht=60), "unknown kind yacht"),
    (lambda r: r["thresholds"][0].update(deadband=-1), "greater than or equal to 0"),
])
def test_a_wrong_rule_is_refused_with_its_reason(config, change, reason):
    with pytest.raises(ValidationError, match=reason):
        _with_rules(config, change)


def test_every_rule_kind_in_rules_yaml_is_understood(config):
    rules = config.rules
    assert rules.engine.repeat_interval_s == 600
    assert {r.id for r in rules.rates} == {"water_rising_fast"}
    assert {r.scope for r in rules.cross_domain} == {"unit", "near"}
    assert config.rule_index.windows["meteo_station"]["precipitation"] == 3600 + 300
    assert rules.device_health.weak_signal.rssi_below == -115
    assert rules.device_health.weak_signal.snr_below == -10
    for type_ in ("flood_warning", "weak_signal", "water_rising_fast"):
        assert config.alarm_messages[type_]["el"]  # the alarm list speaks Greek too
