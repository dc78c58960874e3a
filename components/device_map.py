"""The city map: one clustered layer per domain, unit outlines, a legend and a scale.

Positions are sent once with the layout; statuses travel in each layer's `hideout` and
the browser restyles the markers (assets/map.js), so no device list is re-sent per tick.
"""

from __future__ import annotations

import dash_leaflet as dl
import pandas as pd
from dash import dcc, html

from components.i18n import t
from data_access.city_config import CityConfig, text
from data_access.settings import Settings
from data_access.status import STATUSES

JS = "cityops.map."


def domain_geojson(devices: pd.DataFrame, domain: str, lang: str,
                   kind_names: dict[str, str]) -> dict:
    rows = devices[devices["domain"] == domain]
    name_col = "name_el" if lang == "el" else "name_en"
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"id": dev_id, "name": name, "kind": kind_names.get(kind, kind)}}
        for dev_id, name, kind, lat, lon in zip(rows["id"], rows[name_col], rows["kind"],
                                               rows["lat"], rows["lon"], strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def status_hideout(frame: pd.DataFrame, domain: str, color: str, glyph: str) -> dict:
    rows = frame[frame["domain"] == domain]
    return {"status": dict(zip(rows["id"], rows["status"], strict=True)),
            "color": color, "glyph": glyph}


def city_bounds(config: CityConfig) -> list[list[float]]:
    """South-west and north-east corners around every municipal unit: the map opens on them."""
    points = [p for u in config.city.units for p in u.polygon]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def legend(lang: str) -> html.Div:
    return html.Div(
        className="map-legend",
        children=[html.Span(t("legend", lang), className="legend-title")] + [
            html.Span([html.Span(className=f"legend-mark dev dev-{s}"),
                       t(f"status_{s}", lang)], className="legend-item")
            for s in STATUSES
        ],
    )


def device_map(config: CityConfig, settings: Settings, devices: pd.DataFrame,
               frame: pd.DataFrame, lang: str, map_id: str = "city-map") -> html.Div:
    kind_names = {k: text(v.name, lang) for k, v in config.kinds.items()}
    overlays = [
        dl.Overlay(
            dl.GeoJSON(
                id={"type": "domain-layer", "domain": d.id},
                data=domain_geojson(devices, d.id, lang, kind_names),
                cluster=True,
                zoomToBoundsOnClick=True,
                superClusterOptions={"radius": 56, "maxZoom": 17},
                pointToLayer={"variable": JS + "pointToLayer"},
                clusterToLayer={"variable": JS + "clusterToLayer"},
                onEachFeature={"variable": JS + "onEachFeature"},
                hideout=status_hideout(frame, d.id, d.color, d.glyph),
            ),
            name=f"{d.glyph} · {text(d.name, lang)}",
            checked=True,
        )
        for d in config.domains
    ]
    outlines = [
        dl.Polygon(positions=[list(p) for p in u.polygon],
                   pathOptions={"color": "#9aa5b1", "weight": 2, "fill": False,
                                "dashArray": "6 4"},
                   children=dl.Tooltip(text(u.name, lang), permanent=True,
                                       direction="center", className="unit-label"))
        for u in config.city.units
    ]
    base = []
    if settings.tile_url and settings.tile_url.lower() != "none":
        base = [dl.TileLayer(url=settings.tile_url, attribution=settings.tile_attribution,
                             className="tiles")]
    return html.Div(
        className="map-wrap",
        role="region",
        **{"aria-label": t("map_label", lang)},
        children=[
            dl.Map(
                id=map_id,
                center=list(config.city.center),
                zoom=config.city.zoom,
                zoomSnap=0.25,  # lets fitBounds fill the screen instead of snapping out a level
                zoomDelta=0.5,
                className="city-map",
                children=[*base, *outlines, dl.LayersControl(overlays, collapsed=False),
                          dl.ScaleControl(position="bottomleft", imperial=False)],
            ),
            legend(lang),
            # Read once by a clientside callback that fits the map to the whole municipality
            # for whatever screen it is on (callbacks/map_view.py).
            dcc.Store(id=f"{map_id}-bounds", data=city_bounds(config)),
        ],
    )
