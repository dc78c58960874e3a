"""Settings read from the environment once; tests build their own Settings instead."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = "© OpenStreetMap contributors"


@dataclass(frozen=True)
class Settings:
    """One object with every setting; `from_env` is the only place that reads os.environ."""

    var_dir: Path = ROOT / "var"
    config_dir: Path = ROOT / "config"
    database_url: str = ""
    redis_url: str = ""
    port: int = 8050
    devices: int | None = None
    tile_url: str = DEFAULT_TILE_URL
    tile_attribution: str = DEFAULT_TILE_ATTRIBUTION
    seed: int = 2026
    refresh_ms: int = 2000
    push: bool = True  # alarms pushed to screens (server-sent events); off = polling only
    alert_severities: tuple[str, ...] = ("critical",)  # flash and sound on every screen
    history_days: int = 30  # demo history written by `make run` on an empty database
    cache: bool = True  # flask-caching of aggregates; off only to measure what it saves
    demo: bool = True  # the demo city: seeded devices, history and (first start) demo users
    secret_key: str = ""  # signs CSRF tokens; empty: one made on first start under var/
    secure_cookies: bool = False  # on behind HTTPS: cookies only travel encrypted
    session_hours: int = 12  # a shift; each request renews it
    ingest_keys: tuple[str, ...] = ()  # bearer keys for HTTP telemetry (none: demo only)
    proxy_hops: int = 0  # reverse proxies in front: trust that many X-Forwarded-* hops
    # Origins that may show CityOps in a frame (an intranet portal, say); none: no framing.
    frame_ancestors: tuple[str, ...] = ()
    # The map's first view (the server's grid, drawn while the browser indexes positions)
    # from this many devices; below, the map's own layers draw about as soon without it.
    first_view_devices: int = 20_000
    # Dash callbacks served at once per web process (threads); the alarm event streams
    # take none (serving/alarm_events.py).
    web_threads: int = 32
    # The LoRaWAN network servers' MQTT broker (mqtt://user:password@host:1883, mqtts://
    # for TLS); when set, `make run` bridges their uplinks too.
    mqtt_url: str = ""
    mqtt_ca: str = ""  # CA file for mqtts:// (empty: the system's)
    mqtt_prefix: str = ""  # put before the network servers' own topics on that broker
    # Alarm notifications by e-mail (notify/): the relay, STARTTLS on unless turned off, and
    # the account; no host: no e-mail (the webhooks still go). Links in them start with
    # base_url (default: this machine's own address and port).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "CityOps <cityops@localhost>"
    smtp_ca_file: str = ""
    base_url: str = ""
    notify_every_s: float = 5.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        var_dir = Path(env.get("CITYOPS_VAR_DIR", ROOT / "var"))
        devices = env.get("CITYOPS_DEVICES", "").strip()
        return cls(
            var_dir=var_dir,
            config_dir=Path(env.get("CITYOPS_CONFIG_DIR", ROOT / "config")),
            database_url=env.get("DATABASE_URL", "").strip(),
            redis_url=env.get("REDIS_URL", "").strip(),
            port=int(env.get("CITYOPS_PORT", "8050")),
            devices=int(devices) if devices else None,
            tile_url=env.get("CITYOPS_TILE_URL", DEFAULT_TILE_URL).strip(),
            tile_attribution=env.get("CITYOPS_TILE_ATTRIBUTION", DEFAULT_TILE_ATTRIBUTION),
            seed=int(env.get("CITYOPS_SEED", "2026")),
            refresh_ms=int(env.get("CITYOPS_REFRESH_MS", "2000")),
            push=_on(env, "CITYOPS_PUSH", "on"),
            alert_severities=tuple(s.strip() for s in env.get(
                "CITYOPS_ALERT_SEVERITIES", "critical").split(",") if s.strip()),
            history_days=int(env.get("CITYOPS_HISTORY_DAYS", "30")),
            cache=_on(env, "CITYOPS_CACHE", "on"),
            demo=_on(env, "CITYOPS_DEMO", "on"),
            secret_key=env.get("CITYOPS_SECRET_KEY", "").strip(),
            secure_cookies=_on(env, "CITYOPS_SECURE_COOKIES", "off"),
            session_hours=int(env.get("CITYOPS_SESSION_HOURS", "12")),
            proxy_hops=int(env.get("CITYOPS_PROXY_HOPS", "0")),
            frame_ancestors=tuple(env.get("CITYOPS_FRAME_ANCESTORS", "").split()),
            first_view_devices=int(env.get("CITYOPS_FIRST_VIEW_DEVICES", "20000")),
            web_threads=int(env.get("CITYOPS_WEB_THREADS", "32")),
            mqtt_url=env.get("CITYOPS_MQTT_URL", "").strip(),
            mqtt_ca=env.get("CITYOPS_MQTT_CA", "").strip(),
            mqtt_prefix=env.get("CITYOPS_MQTT_PREFIX", "").strip(),
            smtp_host=env.get("CITYOPS_SMTP_HOST", "").strip(),
            smtp_port=int(env.get("CITYOPS_SMTP_PORT", "587")),
            smtp_starttls=_on(env, "CITYOPS_SMTP_STARTTLS", "on"),
            smtp_user=env.get("CITYOPS_SMTP_USER", "").strip(),
            smtp_password=env.get("CITYOPS_SMTP_PASSWORD", ""),
            smtp_from=env.get("CITYOPS_SMTP_FROM", "CityOps <cityops@localhost>").strip(),
            smtp_ca_file=env.get("CITYOPS_SMTP_CA_FILE", "").strip(),
            base_url=env.get("CITYOPS_BASE_URL", "").strip(),
            notify_every_s=float(env.get("CITYOPS_NOTIFY_EVERY_S", "5")),
            ingest_keys=tuple(k.strip() for k in env.get("CITYOPS_INGEST_KEYS", "").split(",")
                              if k.strip()),
        )

    @property
    def sql_url(self) -> str:
        """DATABASE_URL, or a SQLite file under var/ for the embedded default."""
        if self.database_url:
            url = self.database_url
            # Plain postgresql:// would pick psycopg2, which we do not install.
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        return f"sqlite:///{self.var_dir / 'cityops.sqlite'}"

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url


def _on(env, name: str, default: str) -> bool:
    return env.get(name, default).strip().lower() not in ("off", "0", "no", "false", "")
