"""The city map on its own: every device, a layer per domain, filters by status, municipal
unit and connectivity. `?domain=` opens it on one domain; `&rotate=SECONDS` cycles a wall
screen through the domains."""

from __future__ import annotations

import dash
from dash import dcc, html

from access.policy import OPS_VIEW
from components.device_map import device_map, filter_panel, parse_rotate
from components.display_mode import resolve_mode
from components.i18n import resolve_language, t
from components.shell import page_shell
from data_access.app_context import current_store

dash.register_page(__name__, access=OPS_VIEW, path="/map", name="Map", order=1,
                   nav_label={"el": t("nav_map", "el"), "en": t("nav_map", "en")})


def layout(lang: str | None = None, mode: str | None = None, domain: str | None = None,
           rotate: str | None = None, **_query) -> html.Div:
    store = current_store()
    config = store.config
    lang = resolve_language(lang, config.city.default_language)
    only = domain if domain in config.domain_by_id else None
    body = [
        html.H1(t("nav_map", lang), className="visually-hidden"),  # for a screen reader
        html.Div(className="map-page", children=[
            device_map(config, store.settings, store.devices_version(), store.status_update(None),
                       lang, only_domain=only, rotate_s=parse_rotate(rotate)),
            filter_panel(config, lang),
        ]),
        dcc.Interval(id="live-tick", interval=store.settings.refresh_ms),
        dcc.Store(id="page-lang", data=lang),
    ]
    return page_shell(config, lang, "/map", body, resolve_mode(mode))
