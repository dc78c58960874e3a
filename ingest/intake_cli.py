"""`flask deadletter ...`: what the ingest refused, searched by reason and device, and sent
again once its cause is fixed (ingest/resend.py)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from data_access.app_context import current_store
from data_access.dead_letters import matching
from ingest import resend


def register(server: Flask) -> None:
    group = AppGroup("deadletter", help="Refused telemetry: look, and send again.")
    reason_option = click.option("--reason", default=None, help="e.g. unknown_device")
    device_option = click.option("--device", default=None, help="device id or DevEUI")

    @group.command("list")
    @reason_option
    @device_option
    @click.option("--limit", default=50, show_default=True)
    def list_refused(reason: str | None, device: str | None, limit: int) -> None:
        """The refused entries, oldest first, with why."""
        for n, (entry_id, dead) in enumerate(matching(current_store().redis, reason,
                                                             device)):
            if n >= limit:
                click.echo("... (more; --limit)")
                break
            who = dead.get("device_id") or dead.get("topic") or "?"
            click.echo(f"{entry_id}  {dead.get('reason', '?'):16} {who[:40]:40} "
                       f"{dead.get('detail', '')[:100]}")

    @group.command("resend")
    @reason_option
    @device_option
    def resend_refused(reason: str | None, device: str | None) -> None:
        """Put the matching refused entries back on the telemetry stream, to be judged
        again (after registering a device, completing a profile, ...)."""
        if reason is None and device is None:
            raise click.ClickException("say which: --reason and/or --device")
        sent, left = resend.resend(current_store().redis, reason, device)
        click.echo(f"sent again: {sent}; left (not whole, or never an entry): {left}")

    server.cli.add_command(group)
