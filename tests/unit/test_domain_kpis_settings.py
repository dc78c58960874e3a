"""config/kpis.yaml loads, agrees with the model's defaults, and fits the demo city."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from data_access.daylight import day_length_h, is_dark
from data_access.domain_kpis import MODULES
from data_access.domain_kpis.settings import KpiSettings, load_kpi_settings
from data_access.inventory import build_inventory
from data_access.settings import ROOT
from ingest.simulator import SimDevice, Simulator


def test_kpis_yaml_is_the_documented_defaults_plus_the_city():
    cfg = load_kpi_settings(ROOT / "config")
    assert cfg.timezone == "Europe/Athens"
    assert cfg.units == ["chalkida", "lilantio", "avlida", "anthidona", "nea_artaki"]
    defaults = KpiSettings().model_dump(exclude={"timezone", "units", "traffic"})
    assert cfg.model_dump(exclude={"timezone", "units", "traffic"}) == defaults
    assert [z.key for z in cfg.traffic.zones] == ["centre", "seafront", "market"]


def test_every_domain_module_has_the_same_shape():
    for domain, module in MODULES.items():
        assert isinstance(module.METRICS, tuple), domain
        assert isinstance(module.WINDOW, timedelta) and module.BUCKET_S > 0, domain
        assert callable(module.summary), domain
    assert timedelta(hours=6) <= MODULES["flood"].WINDOW  # the 6 h rain ladder


def test_inventory_zones_and_rated_power_are_known(config):
    cfg = load_kpi_settings(ROOT / "config")
    zone_ids = {z.id for z in cfg.traffic.zones}
    devices = build_inventory(config)
    spaces = [d for d in devices if d.kind == "parking_space"]
    assert {d.attrs["zone"] for d in spaces} == zone_ids
    assert all(d.attrs["rated_w"] == 60 for d in devices if d.kind == "luminaire")


def test_demo_water_meters_raise_no_false_leak(config):
    """kpis.yaml says the demo's night flows stay under the leak threshold: check it."""
    cfg = load_kpi_settings(ROOT / "config")
    meters = [SimDevice(d.id, d.kind, d.attrs) for d in build_inventory(config)
              if d.kind == "water_meter"]
    start = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)  # 02:00 in Athens
    sim = Simulator(meters, config, 2026, start)
    for m in meters:
        flows = [sim.values(m, start + timedelta(minutes=5 * i), random.Random(i))["flow_m3h"]
                 for i in range(24)]  # 02:00-04:00 local
        assert min(flows) < cfg.water.leak_night_flow_m3h, m.id


def test_daylight_matches_the_season():
    assert 9 < day_length_h(datetime(2026, 12, 21)) < 10
    assert 14 < day_length_h(datetime(2026, 6, 21)) < 15
    assert is_dark(datetime(2026, 6, 21, 4, 0)) and not is_dark(datetime(2026, 6, 21, 7, 0))
