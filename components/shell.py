"""The frame around every page: city name, clock, language switch, navigation."""

from __future__ import annotations

import dash
import orjson
from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from access.guard import page_allowed
from access.identity import current_principal
from access.policy import DOMAIN_VIEW, domains_for
from components.i18n import LANGUAGES, library_words, t
from data_access.app_context import current_store
from data_access.city_config import CityConfig, text


def nav_links(lang: str, active_path: str, config: CityConfig | None = None) -> list:
    """The menu: pages with a nav_label, and one entry per nav_group (the domain pages
    share "Domains", which opens the city's first domain)."""
    links = []
    groups_seen = set()
    who = current_principal()
    for page in dash.page_registry.values():
        group = page.get("nav_group")
        if group in groups_seen or (not group and page.get("nav_label") is None):
            continue  # one entry per group; pages reached by a link, not from the menu
        if not page_allowed(who, page["path"]):
            continue  # the menu offers only what the reader's role opens
        if group:
            groups_seen.add(group)
            label, path = t(f"nav_{group}", lang), f"/{group}"
            href = page["path"]
            if config and group == "domains":  # the city's first domain this reader may open
                mine = domains_for(who, DOMAIN_VIEW, [d.id for d in config.domains])
                href = f"/domains/{mine[0]}"
        else:
            label = page.get("nav_label", {}).get(lang) or page["name"]
            path = href = page["path"]
        cls = "nav-link active" if path == active_path else "nav-link"
        links.append(dcc.Link(label, href=f"{href}?lang={lang}", className=cls))
    return links


def header(config: CityConfig, lang: str, active_path: str) -> html.Header:
    switch = [
        html.A(code.upper(), href=f"?lang={code}", lang=code,
               className="lang-link active" if code == lang else "lang-link",
               **{"aria-current": "true" if code == lang else "false"})
        for code in LANGUAGES
    ]
    return html.Header(
        className="shell-header",
        children=[
            html.Div(className="brand", children=[
                html.Span(text(config.city.short_name, lang), className="city-name"),
                html.Span(t("app_title", lang), className="app-title"),
                *demo_badge(lang),
            ]),
            html.Nav(nav_links(lang, active_path, config), className="nav",
                     **{"aria-label": t("main_nav", lang)}),
            html.Div(className="header-right", children=[
                # Counts by severity on every page, pushed live; a tap opens the console.
                dcc.Link(id="shell-alarms", className="shell-alarms", href=f"/alarms?lang={lang}",
                         children=[], title=t("alarms", lang)),
                html.Time(id="clock", className="clock", **{"data-tz": config.city.timezone}),
                html.Div(switch, className="lang-switch", role="group",
                         **{"aria-label": t("language", lang)}),
                user_box(lang),
            ]),
        ],
    )


def demo_badge(lang: str) -> list:
    """The demo says so on every page: its devices and values are invented."""
    if not current_store().settings.demo:
        return []
    return [html.Span(t("demo_badge", lang), className="demo-badge",
                      title=t("demo_badge_title", lang))]


def user_box(lang: str) -> html.Div:
    """Who is signed in, and sign-out (a form: it must POST with the CSRF token)."""
    who = current_principal()
    if who is None:
        return html.Div()
    return html.Div(className="user-box", children=[
        html.Span(who.name, className="user-name", title=t(f"role_{who.role}", lang)),
        html.Form(method="post", action="/logout", className="logout-form", children=[
            dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
            html.Button(t("logout", lang), type="submit", className="logout-button",
                        title=t("signed_in_as", lang, name=who.name)),
        ]),
    ])


PUSH_FALLBACK_MS = 15_000


def alarm_feed(lang: str) -> list:
    """What every page needs to hear of alarms: the pushed signal (assets/alarm_push.js), a
    slower periodic refresh as the fallback, and the alerts to flash."""
    settings = current_store().settings
    return [
        dcc.Store(id="alarm-signal"),
        dcc.Store(id="push-enabled", data={"lang": lang, "poll_ms": settings.refresh_ms}
                  if settings.push else None),
        dcc.Store(id="push-state"),
        # With push, the periodic alarm refresh is only the fallback: much slower.
        dcc.Interval(id="alarm-tick", interval=PUSH_FALLBACK_MS if settings.push
                     else settings.refresh_ms),
        dcc.Store(id="alarm-alert"),
        dcc.Store(id="shell-lang", data=lang),
    ]


PAGE_CLASS = {"/": " page-overview", "/domains": " page-domain"}


def page_shell(config: CityConfig, lang: str, active_path: str, children: list,
               mode: str = "laptop") -> html.Div:
    return html.Div(
        # page-overview: its alarm panel already shows the counts the header shows elsewhere;
        # page-overview and page-domain fit a wall screen whole (assets/*.css)
        className=f"shell mode-{mode}" + PAGE_CLASS.get(active_path, ""),
        id="shell",
        lang=lang,
        children=[
            header(config, lang, active_path),
            # Shown while the server does not answer (assets/connection.js).
            html.Div(id="conn-banner", className="conn-banner", role="alert", hidden=True,
                     **{"data-template": t("connection_lost", lang)}),
            # A new critical alarm: flashed over every page, with a sound (assets/alert.js).
            html.Div(id="alarm-flash", className="alarm-flash", role="alert", hidden=True),
            html.Main(children, className="shell-main"),
            *alarm_feed(lang),
            # The page's words for what the libraries title in English (assets/a11y_repair.js).
            html.Div(id="library-words", hidden=True,
                     **{"data-words": orjson.dumps(library_words(lang)).decode()}),
        ],
    )
