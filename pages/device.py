"""One device: where it is, what it reports now, its history per metric, and its alarms."""

from __future__ import annotations

import dash
from dash import dcc, html

from access.policy import DEVICE_VIEW
from components.alarm_list import alarm_items
from components.display_mode import resolve_mode
from components.i18n import resolve_language, t
from components.numbers import figure
from components.shell import page_shell
from components.time_range import DEFAULT_RANGE, RANGES
from data_access.app_context import current_store

dash.register_page(__name__, access=DEVICE_VIEW, path_template="/devices/<device_id>",
                   name="Device", nav_label=None)

def layout(device_id: str = "", lang: str | None = None, mode: str | None = None,
           range: str | None = None, **_query) -> html.Div:  # noqa: A002 - the URL's name
    store = current_store()
    config = store.config
    lang = resolve_language(lang, config.city.default_language)
    detail = store.device_detail(device_id, lang)
    if detail is None:
        body = [html.H1(t("device_unknown", lang), className="page-title"),
                dcc.Link(t("nav_overview", lang), href=f"/?lang={lang}")]
        return page_shell(config, lang, "/devices", body, resolve_mode(mode))
    alarms = store.device_alarms(device_id)
    view = store.alarm_view(alarms, lang)
    values = [html.Div([html.Span(v["name"], className="value-name", **{"data-metric": m}),
                        html.Span(figure(v["value"], lang), className="value-figure"),
                        html.Span(v["unit"], className="value-unit")], className="value-card")
              for m, v in detail["values"].items()]
    facts = [(t("kind", lang), detail["kind"]), (t("unit", lang), detail["unit"]),
             (t("last_seen", lang), detail["last_seen"] or "—"),
             (t("battery", lang),
              "—" if detail["battery"] is None else f"{figure(detail['battery'], lang)} %"),
             ("RSSI / SNR", "—" if detail["rssi"] is None
              else f"{figure(detail['rssi'], lang)} dBm / {figure(detail['snr'], lang)} dB")]
    body = [
        html.Div(className="device-head", children=[
            html.H1(detail["name"], className="page-title"),
            html.Code(device_id, className="device-id"),
        ]),
        html.Dl([x for k, v in facts for x in (html.Dt(k), html.Dd(v))], className="facts"),
        html.Div(values, className="value-cards"),
        html.Div(className="history-head", children=[
            html.H2(t("history", lang), className="panel-title"),
            dcc.RadioItems(id="device-range", value=range if range in RANGES else DEFAULT_RANGE,
                           options=[{"label": t(f"dom_range_{k}", lang), "value": k}
                                    for k in RANGES], inline=True, className="range-picker"),
        ]),
        dcc.Loading(html.Div(id="device-charts", className="device-charts"), type="dot"),
        html.H2(t("device_alarms", lang), className="panel-title"),
        html.Ul(alarm_items(**view), className="alarm-list device-alarms"),
        dcc.Store(id="device-id", data=device_id),
        dcc.Store(id="page-lang", data=lang),
    ]
    return page_shell(config, lang, "/devices", body, resolve_mode(mode))
