"""`flask devices ...`: a city's own devices from a shell — import the inventory file, give
a device its DevEUI or vendor profile, retire it, list them (with what their payloads carry
that no profile maps)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from data_access import device_registry as registry
from data_access import streams
from data_access.app_context import current_store
from data_access.models import Device


def register(server: Flask) -> None:
    group = AppGroup("devices", help="The city's own devices.")

    @group.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_file(path: Path) -> None:
        """Add or update devices from a CSV or YAML inventory (id, kind, unit, lat, lon,
        name_el, name_en, profile, dev_eui; other numeric columns are attributes)."""
        store = current_store()
        try:
            n = registry.import_inventory(store.engine, store.config, path)
        except registry.RegistryError as err:
            raise click.ClickException(f"nothing imported: {err}") from err
        current_store().forget_devices()  # ingest workers reload at their next batch
        click.echo(f"imported {n} devices from {path}")

    @group.command("set-eui")
    @click.argument("device_id")
    @click.argument("dev_eui")
    def set_eui(device_id: str, dev_eui: str) -> None:
        """Register a device's LoRaWAN DevEUI ('-' for none): the bridges find it by it."""
        try:
            eui = registry.set_dev_eui(current_store().engine, device_id,
                                       None if dev_eui == "-" else dev_eui)
        except registry.RegistryError as err:
            raise click.ClickException(str(err)) from err
        current_store().forget_devices()  # ingest workers reload at their next batch
        click.echo(f"{device_id}: DevEUI {eui or 'none'}")

    @group.command("set-profile")
    @click.argument("device_id")
    @click.argument("profile")
    def set_profile(device_id: str, profile: str) -> None:
        """Say which vendor model a device is ('-': its kind's)."""
        store = current_store()
        try:
            registry.set_profile(store.engine, store.config, device_id,
                                 None if profile == "-" else profile)
        except registry.RegistryError as err:
            raise click.ClickException(str(err)) from err
        store.forget_devices()  # ingest workers reload at their next batch
        click.echo(f"{device_id}: profile {profile}")

    @group.command("retire")
    @click.argument("device_id")
    def retire(device_id: str) -> None:
        """Take a device off the map and out of ingest; its readings stay as history."""
        try:
            registry.retire(current_store().engine, device_id)
        except registry.RegistryError as err:
            raise click.ClickException(str(err)) from err
        current_store().forget_devices()  # ingest workers reload at their next batch
        click.echo(f"retired {device_id}")

    @group.command("list")
    @click.option("--unmapped", "only_unmapped", is_flag=True,
                  help="Only devices sending unmapped keys.")
    def list_devices(only_unmapped: bool) -> None:
        """Each device with its kind, profile and DevEUI, and unmapped payload keys."""
        store = current_store()
        unmapped = {u["device_id"]: u for u in streams.unmapped_keys(store.redis, limit=None)}
        with store.engine.connect() as conn:
            rows = conn.execute(select(Device.id, Device.kind, Device.profile,
                                       Device.dev_eui).order_by(Device.id)).all()
        for r in rows:
            sent = unmapped.get(r.id)
            if only_unmapped and sent is None:
                continue
            profile = r.profile or store.config.kinds[r.kind].profile or "-"
            line = f"{r.id:34} {r.kind:18} {profile:22} {r.dev_eui or '-':16}"
            if sent is not None:
                line += f"  unmapped in {sent['uplinks']} uplinks: {', '.join(sent['keys'])}"
            click.echo(line)

    server.cli.add_command(group)
