"""Plain geometric types shared by the query layer and the map, so drawing never imports the queries."""
from __future__ import annotations

Box = tuple[float, float, float, float]  # south, west, north, east in degrees
