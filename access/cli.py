"""`flask users ...` and `flask displays ...`: accounts and wall-screen tokens from a shell,
for the first admin and for scripts; the admin page does the same in the browser."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from access import users
from access.passwords import generate_password
from data_access.app_context import current_store

DEMO_USERS = (  # name, role, domains: one of each role, as `make run` seeds them
    ("admin", "admin", ()),
    ("operator", "operator", ()),
    ("civilprotection", "department_head", ("flood", "air")),
    ("mayor", "official", ()),
)


def _known_domains() -> list[str]:
    return [d.id for d in current_store().config.domains]


def register(server: Flask) -> None:
    group = AppGroup("users", help="Users who sign in.")
    displays = AppGroup("displays", help="Wall screens that sign in by token.")

    @group.command("create")
    @click.argument("name")
    @click.option("--role", type=click.Choice(users.USER_ROLES), required=True)
    @click.option("--domains", default="", help="Comma-separated, for department heads.")
    @click.option("--full-name", default="")
    def create(name: str, role: str, domains: str, full_name: str) -> None:
        """Create a user; their generated password is printed once."""
        password = generate_password()
        try:
            user = users.create_user(current_store().engine, name, role, password,
                                     [d for d in domains.split(",") if d], _known_domains(),
                                     full_name)
        except users.UserError as err:
            raise click.ClickException(f"cannot create {name!r}: {err}") from err
        click.echo(f"created {user.name} ({user.role}); password (shown once): {password}")

    @group.command("reset-password")
    @click.argument("name")
    def reset_password(name: str) -> None:
        """Give a user a new generated password, printed once."""
        password = generate_password()
        try:
            users.set_password(current_store().engine, name, password)
        except users.UserError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"new password for {name} (shown once): {password}")

    @group.command("list")
    def list_users() -> None:
        for u in users.list_users(current_store().engine):
            state = "active" if u.active else "disabled"
            click.echo(f"{u.name:20} {u.role:16} {','.join(u.domains):20} {state}")

    @displays.command("create")
    @click.argument("name")
    @click.option("--base-url", default=None, help="Where the screen reaches CityOps.")
    def create_display(name: str, base_url: str | None) -> None:
        """A sign-in URL for a wall screen, printed once."""
        store = current_store()
        token, raw = users.create_display_token(store.engine, name, "cli")
        base = base_url or f"http://127.0.0.1:{store.settings.port}"
        click.echo(f"display {token.id} {token.name!r}: {base}/display/{raw}?mode=wall")

    @displays.command("revoke")
    @click.argument("token_id", type=int)
    def revoke(token_id: int) -> None:
        if not users.revoke_display_token(current_store().engine, token_id):
            raise click.ClickException(f"no live display token {token_id}")
        click.echo(f"revoked display {token_id}")

    @displays.command("list")
    def list_displays() -> None:
        for tk in users.list_display_tokens(current_store().engine):
            state = f"revoked {tk.revoked_at:%Y-%m-%d}" if tk.revoked_at else "live"
            click.echo(f"{tk.id:4} {tk.name:30} {state}")

    server.cli.add_command(group)
    server.cli.add_command(displays)


def seed_demo_users() -> list[str]:
    """Demo mode, first start only: one user of each role and a wall screen; the lines to
    print (passwords and the screen's URL are kept nowhere else)."""
    store = current_store()
    if users.count_users(store.engine):
        return []
    lines = ["CityOps demo users (passwords shown once; `flask users reset-password NAME`):"]
    for name, role, domains in DEMO_USERS:
        password = generate_password()
        users.create_user(store.engine, name, role, password, domains, _known_domains())
        lines.append(f"  {name:16} {role:16} {password}")
    _, raw = users.create_display_token(store.engine, "Control room wall (demo)", "demo")
    lines.append(f"  wall screen: http://127.0.0.1:{store.settings.port}/display/{raw}?mode=wall")
    return lines


FIRST_ADMIN = "admin"


def first_admin() -> list[str]:
    """A city's own installation, first start: one admin, so the sign-in page has someone
    to let in; the lines to print (the password is kept nowhere else). Nothing once any
    user exists."""
    store = current_store()
    if users.count_users(store.engine):
        return []
    password = generate_password()
    users.create_user(store.engine, FIRST_ADMIN, "admin", password, (), _known_domains())
    return [f"CityOps first admin (password shown once; `flask users reset-password "
            f"{FIRST_ADMIN}`):", f"  {FIRST_ADMIN:16} admin            {password}"]
