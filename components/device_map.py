"""The city map: one clustered layer per domain, unit outlines, a legend and a scale.

Positions are sent once with the layout; statuses travel in each layer's `hideout` and
the browser restyles the markers (assets/map.js), so no device list is re-sent per tick.
"""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

from components.i18n import t
from data_access.city_config import CityConfig, text
from data_access.settings import Settings
from data_access.status import STATUSES

JS = "cityops.map."


def city_bounds(config: CityConfig) -> list[list[float]]:
    """South-west and north-east corners around every municipal unit: the map opens on them."""
    points = [p for u in config.city.units for p in u.polygon]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def legend(lang: str) -> html.Div:
    """The legend is also the status filter: untick a status to hide its devices."""
    return html.Div(
        className="map-legend",
        children=[
            html.Span(t("legend", lang), className="legend-title"),
            dcc.Checklist(
                id="status-filter", value=list(STATUSES), className="legend-filter",
                options=[{"label": html.Span([html.Span(className=f"legend-mark dev dev-{s}"),
                                              t(f"status_{s}", lang)], className="legend-item"),
                          "value": s} for s in STATUSES],
            ),
        ],
    )


def device_map(config: CityConfig, settings: Settings, devices_version: str,
               status: dict, lang: str, map_id: str = "city-map") -> html.Div:
    """`status` is the Store's status_update(None): the first full snapshot, embedded so
    the first drawing already has every colour."""
    overlays = [
        dl.Overlay(
            dl.GeoJSON(
                id={"type": "domain-layer", "domain": d.id},
                url=f"/api/v1/map/{d.id}.pbf?v={devices_version}",
                format="geobuf",
                cluster=True,
                zoomToBoundsOnClick=True,
                superClusterOptions={"radius": 56, "maxZoom": 17},
                pointToLayer={"variable": JS + "pointToLayer"},
                clusterToLayer={"variable": JS + "clusterToLayer"},
                onEachFeature={"variable": JS + "onEachFeature"},
                filter={"variable": JS + "filter"},
                hideout={"domain": d.id, "color": d.color, "glyph": d.glyph,
                         "show": list(STATUSES)},
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
                children=[*base, *outlines, dl.LayersControl(
                    overlays, collapsed=False, id=f"{map_id}-layers",
                    # Given, so dash-leaflet can track toggles (it fails on an absent list).
                    overlays=[o.name for o in overlays]),
                          dl.ScaleControl(position="bottomleft", imperial=False)],
            ),
            legend(lang),
            dcc.Dropdown(id="device-search", className="device-search", options=[],
                         searchable=True, clearable=True,
                         placeholder=t("search_device", lang)),
            # Read once by a clientside callback that fits the map to the whole municipality
            # for whatever screen it is on (callbacks/map_view.py).
            dcc.Store(id=f"{map_id}-bounds", data=city_bounds(config)),
            dcc.Store(id="map-status", data=status),
            dcc.Store(id="map-status-applied"),
        ],
    )
