"""Layout builders of the citizens' page (pages/public.py), from the documents the open-data
API also returns (data_access/public_status.py). Phone first: one figure per answer in
large type, a word with every colour (band and level names, never colour alone), and the
time each answer refers to. Every id starts with `public-`."""

from __future__ import annotations

from datetime import datetime

from dash import html

from components.i18n import t
from components.numbers import NBSP, figure, moment
from data_access.city_config import CityConfig, text
from data_access.open_data import Terms

API = "/api/v1/public"
DOWNLOADS = (  # (catalogue key, href, format shown beside it)
    ("public_dl_devices_csv", f"{API}/devices.csv", "CSV"),
    ("public_dl_devices_geojson", f"{API}/devices.geojson", "GeoJSON"),
    ("public_dl_hourly", f"{API}/aggregates.csv", "CSV"),
    ("public_dl_api", API, "JSON"),
)


def ink(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (WCAG relative luminance)."""
    h = colour.lstrip("#")
    if len(h) != 6:
        return "#000000"
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def badge(word: str, colour: str | None, cls: str = "") -> html.Span:
    """The band or level name on its colour: the word carries the meaning, the colour
    repeats it."""
    style = {"background": colour, "color": ink(colour)} if colour else {}
    return html.Span(word, className=f"public-badge {cls}".strip(), style=style)


def as_of(iso: str | None, tz: str, lang: str, key: str = "public_as_of") -> html.P:
    when = moment(datetime.fromisoformat(iso), tz, lang) if iso else "—"
    return html.P(t(key, lang, time=when), className="public-asof")


def unavailable(lang: str) -> list:
    return [html.P(t("public_unavailable", lang), className="public-unavailable")]


# -- parking -----------------------------------------------------------------------------------
def _zone_free(zone: dict, lang: str) -> list | str:
    """'12 free of 17' (of the sensors reporting), or 'no data'."""
    if zone["free"] is None:
        return t("public_no_data", lang)
    rest = f"{t('public_free_short', lang)} {t('public_zone_of', lang, n=zone['reporting'])}"
    return [html.Strong(figure(zone["free"], lang), className="public-row-figure"),
            f"{NBSP}{rest}"]


def parking_body(doc: dict | None, tz: str, lang: str) -> list:
    if not doc:
        return unavailable(lang)
    total = "—" if doc["free"] is None else figure(doc["free"], lang)
    zones = [html.Li([html.Span(text(z["name"], lang), className="public-row-name"),
                      html.Span(_zone_free(z, lang), className="public-row-value")],
                     className="public-row") for z in doc["zones"]]
    return [
        html.P([html.Span(total, className="public-big", id="public-parking-free"),
                html.Span(t("public_free_spaces", lang), className="public-big-unit")],
               className="public-figure"),
        html.P(t("public_reporting", lang, n=doc["reporting"]), className="public-sub"),
        html.H3(t("public_zones", lang), className="public-h3"),
        html.Ul(zones, className="public-rows"),
        as_of(doc["as_of"], tz, lang),
    ]


# -- air ---------------------------------------------------------------------------------------
def _mean(hours: int, lang: str) -> str:
    return t("public_mean_1h", lang) if hours == 1 else t("public_mean_h", lang, n=hours)


def air_body(doc: dict | None, tz: str, lang: str) -> list:
    if not doc:
        return unavailable(lang)
    index = doc["index"]
    if index is None:
        head = [html.P(t("public_air_none", lang), className="public-sub")]
    else:
        value = f"{figure(index['concentration'], lang)}{NBSP}{index['unit']}"
        head = [html.P(badge(text(index["name"], lang), index["colour"], "public-badge-big"),
                       className="public-figure", id="public-air-band"),
                html.P(t("public_air_set_by", lang, pollutant=index["pollutant_name"],
                         value=value), className="public-sub")]
    rows = [html.Li(className="public-row", children=[
        html.Span([p["name"], html.Small(f" · {_mean(p['averaging_h'], lang)}")],
                  className="public-row-name"),
        html.Span([html.Strong(f"{figure(p['concentration'], lang)}{NBSP}{p['unit']}",
                               className="public-row-figure"), " ",
                   badge(text(p["band_name"], lang), p["colour"])]
                  if p["band"] is not None else t("public_no_data", lang),
                  className="public-row-value")])
        for p in doc["pollutants"]]
    return [
        html.P(t("public_eaqi", lang), className="public-label"),
        *head,
        html.H3(t("public_pollutants", lang), className="public-h3"),
        html.Ul(rows, className="public-rows"),
        as_of(doc["as_of"], tz, lang, "public_air_measured") if doc["as_of"] else html.Span(),
    ]


# -- flood -------------------------------------------------------------------------------------
def _level_line(level: dict, lang: str, big: bool = False) -> list:
    """Badge with the level's name on its colour; the city's also with its number."""
    if level["level"] is None:
        return [badge(t("public_no_data", lang), None, "public-badge-none")]
    if not big:
        return [badge(text(level["name"], lang), level["colour"])]
    return [badge(text(level["name"], lang), level["colour"], "public-badge-big"),
            html.Span(t("public_flood_level", lang, n=level["level"]), className="public-level")]


def _why(level: dict, lang: str, calm: bool) -> list:
    """What drove the level; at green only the city says so (once is enough)."""
    if level["level"] is None or (not level["drivers"] and not calm):
        return []
    why = text(level["drivers"], lang) if level["drivers"] else t("public_flood_calm", lang)
    return [html.P(why, className="public-why")]


def flood_body(doc: dict | None, tz: str, lang: str) -> list:
    if not doc:
        return unavailable(lang)
    city = doc["city"]
    rows = [html.Li(className="public-unit", id=f"public-flood-{u['unit']}", children=[
        html.Div([html.Span(text(u["unit_name"], lang), className="public-unit-name"),
                  html.Span(_level_line(u, lang), className="public-unit-level")],
                 className="public-unit-head"), *_why(u, lang, calm=False)])
        for u in doc["units"]]
    return [
        html.P(t("public_flood_city", lang), className="public-label"),
        html.Div(_level_line(city, lang, big=True), className="public-figure",
                 id="public-flood-city"),
        *_why(city, lang, calm=True),
        html.H3(t("public_flood_units", lang), className="public-h3"),
        html.Ul(rows, className="public-units"),
        html.P(t("public_stations", lang, n=doc["stations_reporting"], total=doc["stations"]),
               className="public-sub"),
        as_of(doc["as_of"], tz, lang),
    ]


def bodies(status: dict, tz: str, lang: str) -> tuple[list, list, list]:
    """(parking, air, flood) bodies of a public_status document."""
    return (parking_body(status.get("parking"), tz, lang), air_body(status.get("air"), tz, lang),
            flood_body(status.get("flood"), tz, lang))


# -- downloads and terms -----------------------------------------------------------------------
def downloads(lang: str) -> list:
    links = [html.Li(html.A([html.Span(t(key, lang), className="public-dl-name"),
                             html.Span(fmt, className="public-dl-format")],
                            href=href, className="public-dl",
                            **({"download": ""} if fmt != "JSON" else {})))
             for key, href, fmt in DOWNLOADS]
    return [html.Ul(links, className="public-dl-list"),
            html.P(t("public_dl_note", lang), className="public-sub")]


def terms_lines(terms: Terms, config: CityConfig, lang: str) -> list:
    attribution = text(terms.attribution, lang) if terms.attribution else text(config.city.name,
                                                                               lang)
    licence = html.A(text(terms.licence.name, lang), href=terms.licence.url, rel="license",
                     className="public-licence-link")
    before, after = t("public_licence", lang, licence="\x00",
                      attribution=attribution).split("\x00")
    return [html.P([before, licence, after], className="public-licence"),
            html.P(t("public_no_personal", lang), className="public-privacy")]
