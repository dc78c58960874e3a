"""A city's own installation: its devices imported from its inventory file, given DevEUIs and
profiles, retired; nothing invented outside the demo; a first admin to sign in."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from data_access.models import Device, Reading
from tests.integration.helpers import send, telemetry

CSV = (
    "id,kind,unit,lat,lon,name_el,name_en,profile,dev_eui,depth_m\n"
    "bin-agora-1,bin_sensor,chalkida,38.4636,23.5942,Κάδος Αγοράς,Market bin,"
    "milesight-em500-udl,24-E1-24-71-3B-42-01-01,1.1\n"
    "gauge-vasiliko,hydro_station,lilantio,38.4201,23.6507,Βασιλικό,Vasiliko gauge,,,\n")


@pytest.fixture
def city(backend, tmp_path):
    """The app of a city's installation (no demo) on an empty device table."""
    from app import create_app

    with backend.engine.begin() as conn:
        conn.execute(Device.__table__.delete())
    app = create_app(replace(backend.settings, demo=False))
    return app.server, backend, tmp_path


def run(server, *args: str):
    return server.test_cli_runner().invoke(args=list(args))


def devices(engine) -> dict[str, Device]:
    with engine.connect() as conn:
        return {r.id: r for r in conn.execute(select(Device)).all()}


def test_the_inventory_file_becomes_the_citys_devices(city):
    server, backend, tmp = city
    (tmp / "devices.csv").write_text(CSV, encoding="utf-8")
    result = run(server, "devices", "import", str(tmp / "devices.csv"))
    assert result.exit_code == 0, result.output
    found = devices(backend.engine)
    assert set(found) == {"bin-agora-1", "gauge-vasiliko"}
    agora = found["bin-agora-1"]
    assert (agora.domain, agora.connectivity, agora.profile) == (
        "waste", "cellular", "milesight-em500-udl")
    assert agora.dev_eui == "24E124713B420101"  # as stored, however it was written
    assert agora.attrs == {"depth_m": 1.1} and (agora.lat, agora.lon) == (38.4636, 23.5942)
    assert found["gauge-vasiliko"].attrs == {} and found["gauge-vasiliko"].profile is None
    listing = run(server, "devices", "list")
    assert "24E124713B420101" in listing.output and "milesight-em500-udl" in listing.output


def test_a_file_with_any_bad_row_imports_nothing_and_names_the_rows(city):
    server, backend, tmp = city
    bad = CSV + "x-1,drone,chalkida,38.4,23.6,,,,,\nx-2,bin_sensor,atlantis,38.4,23.6,,,,12,\n"
    (tmp / "bad.csv").write_text(bad, encoding="utf-8")
    result = run(server, "devices", "import", str(tmp / "bad.csv"))
    assert result.exit_code != 0
    assert "x-1: unknown kind 'drone'" in result.output
    assert "x-2: unknown municipal unit 'atlantis'" in result.output
    assert "not 16 hex digits" in result.output
    assert devices(backend.engine) == {}


def test_euis_and_profiles_are_checked_and_a_retired_device_keeps_its_history(city):
    server, backend, tmp = city
    (tmp / "devices.csv").write_text(CSV, encoding="utf-8")
    run(server, "devices", "import", str(tmp / "devices.csv"))
    taken = run(server, "devices", "set-eui", "gauge-vasiliko", "24e124713b420101")
    assert taken.exit_code != 0 and "already another device's" in taken.output
    assert run(server, "devices", "set-eui", "gauge-vasiliko", "a84041000181c0de").exit_code == 0
    wrong = run(server, "devices", "set-profile", "gauge-vasiliko", "bosch-tps110")
    assert wrong.exit_code != 0 and "not for a hydro_station" in wrong.output
    assert run(server, "devices", "set-profile", "gauge-vasiliko",
               "milesight-em500-swl").exit_code == 0
    assert devices(backend.engine)["gauge-vasiliko"].profile == "milesight-em500-swl"
    from ingest.telemetry_consumer import TelemetryConsumer

    send(backend.redis, telemetry("gauge-vasiliko", {"level": 35}))  # 35 cm, as the model says
    TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10).step()
    assert run(server, "devices", "retire", "gauge-vasiliko").exit_code == 0
    assert "gauge-vasiliko" not in devices(backend.engine)
    with backend.engine.connect() as conn:
        kept = conn.execute(select(Reading.metric, Reading.value).where(
            Reading.device_id == "gauge-vasiliko")).all()
    assert [tuple(r) for r in kept] == [("water_level", 0.35)]


def test_a_citys_installation_invents_nothing_and_starts_with_one_admin(city):
    from access import cli as access_cli
    from access import users
    from components.shell import header

    server, backend, _ = city
    with server.app_context():
        lines = access_cli.first_admin()
        assert any("admin" in line for line in lines)
        assert access_cli.first_admin() == []  # once
        assert "demo-badge" not in str(header(backend.config, "en", "/"))
    assert [u.name for u in users.list_users(backend.engine)] == ["admin"]
    for invents in (["seed"], ["backfill", "--days", "1"], ["simulate"]):
        refused = run(server, *invents)
        assert refused.exit_code != 0 and "CITYOPS_DEMO is off" in refused.output
    with backend.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Device)).scalar_one() == 0


def test_the_demo_says_so_on_every_page(backend):
    from app import create_app
    from components.shell import header

    server = create_app(backend.settings).server
    with server.app_context():
        assert "Demo" in str(header(backend.config, "en", "/"))
        assert "Επίδειξη" in str(header(backend.config, "el", "/"))
