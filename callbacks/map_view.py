"""Fit the city map to the municipality once it is drawn, at whatever size the screen is."""

from __future__ import annotations

from dash import Input, Output


def register(app, map_id: str = "city-map") -> None:
    app.clientside_callback(
        """function(bounds) {
            return {bounds: bounds, transition: 'fitBounds',
                    options: {padding: [24, 24], animate: false}};
        }""",
        Output(map_id, "viewport"),
        Input(f"{map_id}-bounds", "data"),
    )
