"""Where the city map looks: the whole municipality when drawn, a device when searched."""

from __future__ import annotations

from dash import Input, Output, State, no_update

from data_access.app_context import current_store

FLY_ZOOM = 18  # past the clusters' maxZoom (17): the device stands alone


def register(app, map_id: str = "city-map") -> None:
    app.clientside_callback(
        # Room at the top for the name above the northernmost unit's outline, clear of the
        # device search.
        """function(bounds) {
            return {bounds: bounds, transition: 'fitBounds',
                    options: {paddingTopLeft: [24, 72], paddingBottomRight: [24, 24],
                              animate: false}};
        }""",
        Output(map_id, "viewport"),
        Input(f"{map_id}-bounds", "data"),
    )

    @app.callback(
        Output("device-search", "options"),
        Input("device-search", "search_value"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def find(query, lang):
        if not query or len(query.strip()) < 2:
            return no_update
        found = current_store().search_devices(query, lang)
        return [{"label": f"{row.name} · {row.id}", "value": row.id}
                for row in found.itertuples()]

    @app.callback(
        Output(map_id, "viewport", allow_duplicate=True),
        Input("device-search", "value"),
        prevent_initial_call=True,
    )
    def fly_to(device_id):
        if not device_id:
            return no_update
        row = current_store().device_row(device_id)
        if row is None:
            return no_update
        return {"center": [float(row["lat"]), float(row["lon"])],
                "zoom": FLY_ZOOM, "transition": "flyTo", "options": {"duration": 1.2}}
