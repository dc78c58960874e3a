"""CityOps Dash app factory, the WSGI `server`, and the Flask CLI (`flask --app app:server`).

    create_app(settings) -> Dash    build an app (tests pass their own Settings)
    server                          WSGI callable, built on first access (gunicorn app:server)
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading

import click
from dash import Dash
from flask import Flask, request

from access import cli as access_cli
from access import setup as access_setup
from access.policy import CITY_VIEW, DEVICE_VIEW, DOMAIN_VIEW, OPS_VIEW, PUBLIC, REPORTS
from access.rules import Rule, callbacks_need, protect_route
from callbacks import (
    admin,
    admin_devices,
    alarm_console,
    alarm_push,
    city_page,
    device_history,
    domain_page,
    intake,
    live,
    map_data,
    map_view,
    open_data,
    public_page,
    reports,
)
from components.display_mode import MODE_COOKIE, MODES
from components.i18n import LANG_COOKIE, LANGUAGES, request_language
from data_access import device_cli
from data_access.app_context import EXTENSION, current_store
from data_access.cache import cache, cache_config, compression_config
from data_access.city_config import load_config, text
from data_access.db import make_engine, upgrade_schema
from data_access.redis_conn import connect, redis_url, shutdown_embedded
from data_access.seed import device_count
from data_access.settings import ROOT, Settings
from data_access.store import Store
from ingest import http_source, intake_cli

log = logging.getLogger("cityops")


class CityOpsDash(Dash):
    """Dash whose pages say their language on <html>, as a screen reader needs to read them
    (the page's own text says it too, on the shell)."""

    def interpolate_index(self, **kwargs) -> str:
        page = super().interpolate_index(**kwargs)
        return page.replace("<html>", f'<html lang="{request_language()}">', 1)


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    config = load_config(settings.config_dir)
    server = Flask(__name__)
    server.config.update(cache_config(redis_url(settings), settings.cache))
    server.config.update(compression_config())
    cache.init_app(server)
    store = Store(settings, config, make_engine(settings), connect(settings))
    server.extensions[EXTENSION] = store
    server.after_request(_remember_choices)
    server.config["MAX_CONTENT_LENGTH"] = http_source.MAX_BODY  # also bounds chunked bodies
    access_setup.install(server, store)
    server.register_blueprint(http_source.blueprint)
    for endpoint in ("post_telemetry", "chirpstack_webhook", "tts_webhook"):  # ingest keys
        protect_route(server, f"telemetry_http.{endpoint}", Rule(PUBLIC), csrf=False)

    app = CityOpsDash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
        assets_folder=str(ROOT / "assets"),
        title=f"CityOps · {text(config.city.short_name, config.city.default_language)}",
        update_title=None,
        compress=True,  # gzip layouts and callback replies (flask-compress)
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    from dash import page_container

    app.layout = page_container
    access_setup.install_guard(app, settings)
    # What each feature's callbacks need (access/policy.py says which roles hold what);
    # a module with finer needs declares them inside, and the innermost declaration wins.
    with callbacks_need(app, Rule(OPS_VIEW)):
        for feature in (live, alarm_push, alarm_console, map_view, map_data):
            feature.register(app)
    with callbacks_need(app, Rule(DEVICE_VIEW, scope=("device-id", "data"), scope_kind="device")):
        device_history.register(app)
    with callbacks_need(app, Rule(DOMAIN_VIEW, scope=("domain-id", "data"))):
        domain_page.register(app)
    with callbacks_need(app, Rule(CITY_VIEW)):
        city_page.register(app)
    with callbacks_need(app, Rule(REPORTS, scope=("report-domain", "value"))):
        reports.register(app)
    admin.register(app)  # users and wall screens: USERS_ADMIN, declared inside
    admin_devices.register(app)  # the city's devices: USERS_ADMIN, declared inside
    intake.register(app)  # refused entries, sent again: USERS_ADMIN, declared inside
    public_page.register(app)  # the citizens' view: public, declared inside
    open_data.register(app)  # open-data files and API: public, rate-limited, declared inside
    _register_cli(server)
    return app


def _remember_choices(response):
    """?lang= and ?mode= on a page load are remembered: a wall screen reopens as a wall."""
    if request.method != "GET":
        return response
    for arg, allowed, cookie in (("lang", LANGUAGES, LANG_COOKIE), ("mode", MODES, MODE_COOKIE)):
        value = request.args.get(arg)
        if value in allowed:
            response.set_cookie(cookie, value, max_age=365 * 86400, samesite="Lax",
                                httponly=True)
    return response


def _seed(store: Store, total: int | None) -> int:
    """Seed the demo city and drop what was cached about the previous device set."""
    from data_access.seed import seed_devices

    n = seed_devices(store.engine, store.config, total, store.settings.seed)
    store.forget_devices()
    return n


def _backfill(store: Store, days: int) -> int:
    """The demo city's simulated history for the past `days`."""
    from ingest.backfill import backfill
    from ingest.workers import load_sim_devices

    return backfill(store.engine, store.config, load_sim_devices(store.engine),
                    store.settings.seed, days)


def _demo_only(command: str) -> Store:
    """The store, if this is the demo: a city's installation invents no devices or values."""
    store = current_store()
    if not store.settings.demo:
        raise click.ClickException(
            f"`{command}` invents the demo city's devices or readings, and CITYOPS_DEMO is "
            "off: this installation's devices are its own (`flask devices import FILE`)")
    return store


def _register_cli(server: Flask) -> None:
    access_cli.register(server)
    device_cli.register(server)
    intake_cli.register(server)

    @server.cli.command("db-upgrade")
    def db_upgrade() -> None:
        """Create or upgrade the SQL schema (Alembic)."""
        upgrade_schema(current_store().engine)
        click.echo(f"schema up to date on {current_store().engine.url.render_as_string()}")

    @server.cli.command("seed")
    @click.option("--devices", type=int, default=None, help="Scale the demo city to N devices.")
    def seed(devices: int | None) -> None:
        """Put the demo city's devices into SQL (the plan's inventory, or N with its mix)."""
        store = _demo_only("seed")
        n = _seed(store, devices or store.settings.devices)
        click.echo(f"seeded {n} devices")

    @server.cli.command("backfill")
    @click.option("--days", type=int, default=None, help="Days of history (default 30).")
    def backfill_history(days: int | None) -> None:
        """Write the demo city's simulated history for the past days (demo only)."""
        store = _demo_only("backfill")
        n = _backfill(store, store.settings.history_days if days is None else days)
        click.echo(f"wrote {n} readings of history")

    @server.cli.command("ingest")
    @click.option("--simulate/--no-simulate", default=False, help="Also run the simulator.")
    def ingest(simulate: bool) -> None:
        """Run the ingest workers (telemetry consumer, alarm store, health sweep)."""
        _run_workers(simulate=simulate, serve=False)

    @server.cli.command("mqtt")
    @click.option("--host", default=None, help="Instead of CITYOPS_MQTT_URL (no sign-in).")
    @click.option("--port", default=1883, show_default=True)
    def mqtt(host: str | None, port: int) -> None:
        """Bridge LoRaWAN uplinks (ChirpStack v4, The Things Stack v3) from MQTT to telemetry."""
        from ingest import mqtt_source
        from ingest.workers import consumer_name

        broker = (mqtt_source.Broker(host, port) if host
                  else _broker(current_store().settings) or mqtt_source.Broker())
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        click.echo(f"CityOps: bridging MQTT uplinks from {broker.host}:{broker.port}"
                   f"{' (TLS)' if broker.tls else ''}")
        with contextlib.suppress(KeyboardInterrupt):
            mqtt_source.run(current_store().redis, broker, stop=stop,
                            client_id=consumer_name("mqtt"))

    @server.cli.command("simulate")
    def simulate() -> None:
        """Run only the demo-city simulator, writing to the telemetry stream."""
        from ingest.workers import new_simulator

        store = _demo_only("simulate")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        sim = new_simulator(store.engine, store.config, store.settings.seed)
        with contextlib.suppress(KeyboardInterrupt):
            sim.run(store.redis, stop)

    @server.cli.command("run-all")
    def run_all() -> None:
        """Everything in one process tree: schema, seed, workers, simulator and the web app."""
        from ingest.backfill import has_history

        store = current_store()
        upgrade_schema(store.engine)
        demo = store.settings.demo
        if demo:  # a city's own installation invents nothing: its devices are its own
            n = _seed(store, store.settings.devices)
            days = store.settings.history_days
            if days and not has_history(store.engine):  # once: a restart adds no history
                click.echo(f"CityOps: writing {days} days of demo history "
                           "(once; 30 days take about 15 s)")
                written = _backfill(store, days)
                click.echo(f"CityOps: wrote {written} readings of demo history")
            lines = access_cli.seed_demo_users()
        else:
            n = device_count(store.engine)
            lines = access_cli.first_admin()
        for line in lines:
            click.echo(line)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        click.echo(f"CityOps: {'demo city, simulated' if demo else 'no demo'}; {n} devices; "
                   f"redis {redis_url(store.settings)}; sql "
                   f"{store.engine.url.render_as_string()}")
        _run_workers(simulate=demo, serve=True)


def _broker(settings: Settings):
    """The MQTT broker of the settings, if one is set."""
    from ingest.mqtt_source import Broker

    if not settings.mqtt_url:
        return None
    return Broker.from_url(settings.mqtt_url, settings.mqtt_ca, settings.mqtt_prefix)


def _run_workers(simulate: bool, serve: bool) -> None:
    from flask import current_app

    from ingest.workers import Workers
    from notify.worker import notifier_for

    store = current_store()
    settings = store.settings
    workers = Workers(store.redis, store.engine, store.config, seed=settings.seed,
                      simulate=simulate, rules_path=settings.config_dir / "rules.yaml",
                      notifier=notifier_for(store.redis, store.engine, store.config, settings),
                      notify_every_s=settings.notify_every_s).start()
    broker = _broker(store.settings)
    if broker is not None:  # the network servers' uplinks, in this process tree too
        from ingest import mqtt_source
        from ingest.workers import consumer_name

        threading.Thread(target=mqtt_source.run, daemon=True, name="mqtt-bridge",
                         args=(store.redis, broker), kwargs={
                             "stop": workers.stop, "client_id": consumer_name("mqtt")}).start()
        click.echo(f"CityOps: bridging MQTT uplinks from {broker.host}:{broker.port}")
    # Ctrl-C and SIGTERM both end in the `finally` below, which stops workers and Redis;
    # SIGINT is re-armed because a shell starts background jobs with it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        if serve:
            port = store.settings.port
            click.echo(f"CityOps serving http://127.0.0.1:{port}/  (Ctrl-C stops everything)")
            # As in production: uvicorn and the ASGI front (event streams on the loop).
            from serving.server import serve

            serve(current_app._get_current_object(), os.environ.get("CITYOPS_HOST", "127.0.0.1"),
                  port)
        else:
            workers.stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        click.echo("CityOps: stopping workers")
        alarm_push.stop_push(current_app)  # before Redis goes: the end is not an outage
        workers.shutdown()
        shutdown_embedded()
        sys.stdout.flush()


def __getattr__(name: str):
    """`app:server`, `app:app` and `app:asgi` (gunicorn's, with serving.worker.Worker) are
    built on first use, not at import (tests import freely)."""
    if name in ("server", "app", "asgi"):
        dash_app = globals().get("_app") or create_app()
        globals()["_app"] = dash_app
        if name == "asgi":
            from serving.asgi import CityOpsAsgi

            return CityOpsAsgi(dash_app.server)
        return dash_app.server if name == "server" else dash_app
    raise AttributeError(name)
