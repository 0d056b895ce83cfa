"""The grid a large map is counted in, and what a map of many events shows: plain numbers and boxes,
no folium, so the queries behind a map (`mapview`) can run before folium is even imported."""
from __future__ import annotations

import math

from dashboard.geotypes import Box

MAX_ARROWS_LARGE = 100  # a large store's most travelled pairs only
AGGREGATE_ABOVE = 2000  # above this many events the map shows grid cells, not single events
POINTS_IN_VIEW = 1000  # single events again once the visible window holds no more than this
CELLS_ACROSS = 48  # grid cells across the map's width
CELL_LADDER = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)  # cell sides in degrees
MAP_WIDTH_PX, MAP_HEIGHT_PX = 1000, 560  # the map's usual size: its shape sets how many cells fit across


def cell_for(box: Box, across: int = CELLS_ACROSS) -> float:
    """The smallest cell side on the ladder that keeps the box's width to about `across` cells."""
    south, west, north, east = box
    span = max(east - west, (north - south) * MAP_WIDTH_PX / MAP_HEIGHT_PX, 1e-6)
    return next((c for c in CELL_LADDER if span / c <= across), CELL_LADDER[-1])


def snap_box(box: Box, cell: float) -> Box:
    """The box grown to whole cells, so small pans give the same cells (and cache hits)."""
    south, west, north, east = box
    return (math.floor(south / cell) * cell, math.floor(west / cell) * cell,
            math.ceil(north / cell) * cell, math.ceil(east / cell) * cell)


def contains(outer: Box, inner: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def box_of(bounds: dict | None) -> Box | None:
    """A Leaflet bounds object as st_folium returns it, as a box (None when absent or malformed)."""
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        return (float(sw["lat"]), float(sw["lng"]), float(ne["lat"]), float(ne["lng"]))
    except (KeyError, TypeError, ValueError):
        return None
