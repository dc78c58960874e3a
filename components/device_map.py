"""The city map: one clustered layer per domain, unit outlines, a legend and a scale.

Positions are sent once with the layout; statuses travel in each layer's `hideout` and
the browser restyles the markers (assets/map.js), so no device list is re-sent per tick.
"""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

from components.i18n import t
from data_access.city_config import CityConfig, text
from data_access.map_data import CLUSTER_RADIUS_PX, MapFacets, ids_url, positions_url
from data_access.settings import DEFAULT_TILE_ATTRIBUTION, Settings
from data_access.status import STATUSES

JS = "cityops.map."
MIN_ROTATE_S = 5  # a wall view changing faster than this cannot be read
CONNECTIVITY_LABELS = {"lorawan": "LoRaWAN", "cellular": "NB-IoT / LTE-M", "ethernet": "Ethernet",
                       "wifi": "Wi-Fi"}


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


def rotation_views(config: CityConfig, lang: str, rotate_s: int | None) -> list[dict]:
    """The views a wall screen cycles through with `&rotate=SECONDS`: the whole city, then
    each domain alone. Empty when there is no rotation."""
    if not rotate_s:
        return []
    return [{"domain": None, "label": t("all_domains", lang)}] + [
        {"domain": d.id, "label": f"{d.glyph} · {text(d.name, lang)}"} for d in config.domains]


def parse_rotate(value: str | None) -> int | None:
    """`?rotate=` in seconds; nonsense or nothing means no rotation, too fast is slowed."""
    try:
        seconds = int(value) if value else 0
    except ValueError:
        return None
    return max(seconds, MIN_ROTATE_S) if seconds > 0 else None


def _checklist(id_: str, title: str, options: list[tuple[str | int, str]]) -> html.Fieldset:
    return html.Fieldset(className="filter-group", children=[
        html.Legend(title),
        dcc.Checklist(id=id_, className="filter-list", value=[v for v, _ in options],
                      options=[{"label": label, "value": v} for v, label in options]),
    ])


def filter_panel(config: CityConfig, lang: str) -> html.Aside:
    """Filters beyond domain (layers control) and status (legend): municipal unit and
    connectivity. Values are the small codes each map feature carries (map_data.MapFacets)."""
    facets = MapFacets.of(config)
    units = [(i, text(config.unit_by_id[u].name, lang)) for i, u in enumerate(facets.units)]
    conns = [(i, CONNECTIVITY_LABELS.get(c, c)) for i, c in enumerate(facets.connectivities)]
    return html.Aside(className="map-side", **{"aria-label": t("filters", lang)}, children=[
        html.H2(t("filters", lang), className="panel-title"),
        _checklist("unit-filter", t("unit", lang), units),
        _checklist("conn-filter", t("connectivity", lang), conns),
        html.P(t("filter_hint", lang), className="muted filter-hint"),
    ])


def device_map(config: CityConfig, settings: Settings, devices_version: str,
               status: dict, lang: str, map_id: str = "city-map",
               only_domain: str | None = None, rotate_s: int | None = None,
               domains: list[str] | None = None, extras: list | None = None) -> html.Div:
    """`status` is the Store's status_update(None): the first full snapshot, embedded so
    the first drawing already has every colour. `only_domain` opens the map on one domain
    (the others stay in the layers control); `rotate_s` cycles the wall through domains.
    `domains` limits the map to those layers (a domain page); `extras` are more layers
    drawn above the devices (a collection route)."""
    overlays = [
        dl.Overlay(
            dl.GeoJSON(
                id={"type": "domain-layer", "domain": d.id},
                url=positions_url(d.id, devices_version),
                format="geobuf",
                cluster=True,
                zoomToBoundsOnClick=True,
                superClusterOptions={"radius": CLUSTER_RADIUS_PX, "maxZoom": 17},
                pointToLayer={"variable": JS + "pointToLayer"},
                clusterToLayer={"variable": JS + "clusterToLayer"},
                onEachFeature={"variable": JS + "onEachFeature"},
                filter={"variable": JS + "filter"},
                hideout={"domain": d.id, "color": d.color, "glyph": d.glyph,
                         "show": list(STATUSES), "ids": ids_url(devices_version)},
            ),
            name=f"{d.glyph} · {text(d.name, lang)}",
            checked=only_domain in (None, d.id),
        )
        for d in config.domains if domains is None or d.id in domains
    ]
    outlines = [
        dl.Polygon(positions=[list(p) for p in u.polygon], interactive=False,
                   pathOptions={"color": "#9aa5b1", "weight": 2, "fill": False,
                                "dashArray": "6 4"})
        for u in config.city.units
    ] + [unit_label(u.polygon, text(u.name, lang)) for u in config.city.units]
    base = []
    if settings.tile_url and settings.tile_url.lower() != "none":
        credit = settings.tile_attribution  # OpenStreetMap's, in the reader's language
        if credit == DEFAULT_TILE_ATTRIBUTION:
            credit = t("osm_attribution", lang)
        base = [dl.TileLayer(url=settings.tile_url, attribution=credit,
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
                children=[*base, *outlines, *(extras or []), dl.LayersControl(
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
            # Every filter writes its part here; one clientside callback turns it into the
            # layers' hideouts (callbacks/map_data.py).
            dcc.Store(id="map-filter", data={"show": list(STATUSES), "units": None,
                                             "conns": None, "only": None}),
            *rotation(config, lang, rotate_s),
        ],
    )


def rotation(config: CityConfig, lang: str, rotate_s: int | None) -> list:
    views = rotation_views(config, lang, rotate_s)
    if not views:
        return []
    return [
        dcc.Interval(id="rotate-tick", interval=rotate_s * 1000),
        dcc.Store(id="rotate-views", data=views),
        html.Div(views[0]["label"], id="rotate-caption", className="rotate-caption",
                 role="status", **{"aria-live": "polite"}),
    ]


def unit_label(polygon: list[tuple[float, float]], name: str) -> dl.Polyline:
    """A unit's name just above its outline: the devices are inside the outline, so their
    clusters neither hide the name nor get hidden by it (centred, the city's own clusters
    covered "Chalkida"). An invisible line along the outline's top carries the label."""
    top = max(lat for lat, _ in polygon)
    west, east = min(lon for _, lon in polygon), max(lon for _, lon in polygon)
    return dl.Polyline(
        positions=[[top, west], [top, east]], interactive=False,
        pathOptions={"opacity": 0, "weight": 0},
        # The overlay pane, under the markers: a name never hides a cluster's count.
        # The name as the tooltip's content: never a tooltip without a name, even a moment.
        children=dl.Tooltip(content=name, permanent=True, pane="overlayPane", direction="top",
                            offset=[0, -6], className="unit-label"))
