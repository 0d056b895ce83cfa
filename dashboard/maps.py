"""The map (folium): events sized by sources and coloured by type, movement arrows, areas for vague
places, a heat layer, an offline basemap, and every asset served by the app itself.

Offline first: folium's CDN links are rewritten to the vendored copies under `static/vendor`
(served by Streamlit at /app/static/...), the basemap is Natural Earth country outlines from
`static/basemap`, and online OpenStreetMap tiles are only an optional layer.

Untrusted text never reaches folium's Popup/Tooltip (they put it in JS template literals): events
are drawn by `EventLayer`, which passes html-escaped strings as JSON to Leaflet's bindPopup.
"""
from __future__ import annotations

import base64
import functools
import math
import re
from pathlib import Path
from typing import Any, Iterable

import folium
import folium.plugins
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from dashboard.dates import event_date_label
from dashboard.geotypes import Box
from dashboard.grid import AGGREGATE_ABOVE
from dashboard.safe import css_token, escape_html
from dashboard.style import type_colour

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_URL = "/app/static"
BASEMAP = "basemap/countries-50m.geojson"
ATTRIBUTION = ("Basemap: Natural Earth (public domain) | Places: "
               "<a href='https://www.geonames.org/'>GeoNames</a> (CC BY 4.0)")

# folium asset name -> vendored file under static/ ; None: not needed by anything the map uses.
ASSETS: dict[str, str | None] = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "leaflet-heat.js": "vendor/leaflet.heat/leaflet-heat.js",
    # jQuery, Bootstrap and awesome-markers serve folium's Popup and Icon, which this map never uses.
    "jquery": None, "bootstrap": None, "awesome_markers": None, "bootstrap_css": None,
    "glyphicons_css": None, "awesome_markers_font_css": None, "awesome_markers_css": None,
    "awesome_rotate_css": None,
}

# Radius in metres for places that are regions or whole countries (ACLED geo_precision 3 and 4).
AREA_RADIUS_M = {3: 60_000, 4: 250_000}
SEA = "#d6e4ee"
CLUSTER_ABOVE = 300
MAX_ARROWS = 300
MAX_LABELS = 40  # place names drawn at once: the most reported places
DENSITY = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")  # light = few, dark = many


class _Script(MacroElement):
    """A MacroElement whose script is a Jinja template over `this`."""

    script_template = ""

    def __init__(self) -> None:
        super().__init__()
        self._template = _compiled(self.script_template)


@functools.lru_cache(maxsize=None)
def _compiled(script_template: str) -> Template:
    """A script template compiled once per process, not once per map drawn."""
    return Template("{% macro script(this, kwargs) %}" + script_template + "{% endmacro %}")


class OfflineBasemap(_Script):
    """Country outlines under every other layer: fetched from the app, or inlined for a standalone file."""

    script_template = """
    (function() {
        var target = {{ this._parent.get_name() }};
        function draw(data) {
            var layer = L.geoJSON(data, {interactive: false, attribution: {{ this.attribution|tojson }},
                style: {color: '#8a8f98', weight: 0.8, fillColor: '#f4f1ea', fillOpacity: 1}});
            target.addLayer(layer);
            layer.bringToBack();  // under the events even when it arrives after them
        }
        {% if this.data is not none %}draw({{ this.data|tojson }});
        {% else %}fetch({{ this.url|tojson }}).then(function(r) { return r.json(); }).then(draw);{% endif %}
    })();
    """

    def __init__(self, url: str | None = None, data: dict | None = None) -> None:
        super().__init__()
        self.url, self.data, self.attribution = url, data, ATTRIBUTION


class EventLayer(_Script):
    """Circle markers (or areas) from JSON rows; popup and tooltip HTML is escaped before it is sent."""

    script_template = """
    (function() {
        var target = {{ this._parent.get_name() }};
        var layers = {{ this.rows|tojson }}.map(function(r) {
            var options = {color: r.colour, fillColor: r.colour, weight: 1.5, className: r.cls};
            var layer = r.area
                ? L.circle([r.lat, r.lon], Object.assign(options, {radius: r.area, dashArray: '6 4', fillOpacity: 0.12}))
                : L.circleMarker([r.lat, r.lon], Object.assign(options, {radius: r.radius, fillOpacity: r.fill}));
            layer.bindPopup(r.popup, {maxWidth: 380});
            layer.bindTooltip(r.tooltip);
            return layer;
        });
        // A marker cluster takes them all at once (one clustering pass instead of one per marker).
        if (target.addLayers) { target.addLayers(layers); } else { layers.forEach(function(l) { target.addLayer(l); }); }
    })();
    """

    def __init__(self, rows: list[dict]) -> None:
        super().__init__()
        self.rows = rows


class ArrowLayer(_Script):
    """Lines from origin to destination with an arrow head turned along the line."""

    script_template = """
    (function() {
        var target = {{ this._parent.get_name() }};
        {{ this.rows|tojson }}.forEach(function(r) {
            var line = L.polyline([[r.lat1, r.lon1], [r.lat2, r.lon2]],
                {color: r.colour, weight: r.weight, opacity: 0.85, dashArray: '8 6', className: r.cls});
            line.bindTooltip(r.tooltip);
            target.addLayer(line);
            var head = L.divIcon({className: 'tl-arrowhead ' + r.cls, iconSize: [18, 18], iconAnchor: [9, 9],
                html: '<div style="width:0;height:0;margin:2px 0 0 2px;border-top:7px solid transparent;'
                    + 'border-bottom:7px solid transparent;border-left:14px solid ' + r.colour
                    + ';transform:rotate(' + r.angle + 'deg);transform-origin:7px 7px"></div>'});
            target.addLayer(L.marker([r.lat2, r.lon2], {icon: head, interactive: false, keyboard: false}));
        });
    })();
    """

    def __init__(self, rows: list[dict]) -> None:
        super().__init__()
        self.rows = rows


class LabelLayer(_Script):
    """Place names beside their markers: the offline basemap has none, and a reader (or a room) must
    see where things happened without hovering. Names are escaped before they are sent."""

    script_template = """
    (function() {
        var target = {{ this._parent.get_name() }};
        var markers = {{ this.rows|tojson }}.map(function(r) {
            var icon = L.divIcon({className: 'tl-label', html: '<span>' + r.text + '</span>', iconSize: null, iconAnchor: [-9, 0]});
            var marker = L.marker([r.lat, r.lon], {icon: icon, interactive: false, keyboard: false});
            target.addLayer(marker);
            return marker;
        });
        // Rows come most reported first: a name that would overlap one already shown is hidden at this zoom.
        function declutter() {
            var shown = [];
            markers.forEach(function(marker) {
                var element = marker.getElement();
                if (!element) { return; }
                var label = element.firstChild;
                label.style.visibility = 'visible';
                var box = label.getBoundingClientRect();
                var clash = shown.some(function(other) {
                    return box.left < other.right + 4 && other.left < box.right + 4
                        && box.top < other.bottom && other.top < box.bottom;
                });
                if (clash) { label.style.visibility = 'hidden'; } else { shown.push(box); }
            });
        }
        // Also once the frame has its final size (the page may size and move the map after drawing it).
        function attach(m) { m.on('zoomend moveend resize viewreset', declutter); [0, 300, 1000].forEach(function(t) { setTimeout(declutter, t); }); }
        if (target._map) { attach(target._map); } else { target.on('add', function() { attach(target._map); }); }
    })();
    """

    def __init__(self, rows: list[dict]) -> None:
        super().__init__()
        self.rows = rows


class GridLayer(_Script):
    """Grid cells as rectangles shaded by how many events they hold, with an escaped tooltip."""

    script_template = """
    (function() {
        var target = {{ this._parent.get_name() }};
        {{ this.rows|tojson }}.forEach(function(r) {
            var cell = L.rectangle(r.bounds, {color: r.colour, weight: 0.6, fillColor: r.colour,
                                              fillOpacity: 0.55, className: 'tl-bin'});
            cell.bindTooltip(r.tooltip);
            target.addLayer(cell);
        });
    })();
    """

    def __init__(self, rows: list[dict]) -> None:
        super().__init__()
        self.rows = rows


# Moves after the map's own opening zoom: Leaflet starts animating a zoom on the next frame and, when the
# animation ends, restores the zoom it was animating to, undoing any move made meanwhile.
SETTLED = """function settled(map, move) {
            L.Util.requestAnimFrame(function() { if (map._animatingZoom) { map.once('zoomend', move); } else { move(); } });
        }"""


class HighlightLayer(_Script):
    """The analyst's selected event over everything else: a ring where it happened, and a line to each
    place it names with a role (origin, destination, target), each named. In a pane of its own above
    the events (and below their labels), passing clicks through to the markers under it. `frame`
    moves the map to show it all, with Leaflet's own fitBounds on the map's real size."""

    script_template = """
    (function() {
        var target = {{ this._parent.get_name() }};
        var h = {{ this.row|tojson }};
        function draw(map) {
            if (!map.getPane('tl-selected')) {
                var pane = map.createPane('tl-selected');
                pane.style.zIndex = 450;
                pane.style.pointerEvents = 'none';
            }
            var base = {pane: 'tl-selected', interactive: false};
            var at = h.lat === null ? null : [h.lat, h.lon];
            h.places.forEach(function(p) {
                if (at) {
                    target.addLayer(L.polyline([at, [p.lat, p.lon]], Object.assign({}, base,
                        {color: '#111', weight: 3, opacity: 0.85, className: 'tl-selected-link tl-role-' + p.role})));
                }
                var place = L.circleMarker([p.lat, p.lon], Object.assign({}, base, {radius: 6, color: '#111',
                    weight: 2.5, fillColor: '#fff', fillOpacity: 1, className: 'tl-selected-place tl-role-' + p.role}));
                place.bindTooltip(p.label, {permanent: true, direction: 'right', className: 'tl-selected-label'});
                target.addLayer(place);
            });
            if (at) {
                target.addLayer(L.circleMarker(at, Object.assign({}, base, {radius: h.radius, color: '#fff', weight: 8,
                    opacity: 0.9, fill: false, className: 'tl-selected-halo'})));
                target.addLayer(L.circleMarker(at, Object.assign({}, base, {radius: h.radius, color: '#111', weight: 3.5,
                    fill: false, className: 'tl-selected'})));
            }
            {% if this.frame %}settled(map, function() {
                map.fitBounds(h.bounds, {maxZoom: {{ this.max_zoom }}, padding: [40, 40]});
            });{% endif %}
        }
        {{ this.settled }}
        if (target._map) { draw(target._map); } else { target.once('add', function() { draw(target._map); }); }
    })();
    """

    def __init__(self, row: dict, frame: bool, max_zoom: int = 9) -> None:
        super().__init__()
        self.row, self.frame, self.max_zoom, self.settled = row, frame, max_zoom, SETTLED


class FrameView(_Script):
    """Moves the map to a box once (when a selection is cleared, the view it opened on)."""

    script_template = """
    (function() {
        var target = {{ this._parent.get_name() }};
        function frame(map) { settled(map, function() { map.fitBounds({{ this.bounds|tojson }}, {maxZoom: 8}); }); }
        {{ this.settled }}
        if (target._map) { frame(target._map); } else { target.once('add', function() { frame(target._map); }); }
    })();
    """

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self.bounds, self.settled = bounds, SETTLED


# ---------------------------------------------------------------- rows (pure, testable)

def marker_radius(n_sources: Any) -> float:
    n = int(n_sources) if n_sources is not None and not pd.isna(n_sources) else 1
    return round(5 + 4 * math.sqrt(max(n, 1)), 1)


def popup_html(event: dict, quotes: Iterable[str] = ()) -> str:
    """The popup of one event, every value escaped (the caller's text is untrusted)."""
    sources = event.get("sources")
    sources_text = ", ".join(sources) if sources is not None and len(sources) else ""
    parts = [
        f"<b>{escape_html(event.get('summary'))}</b>",
        f"<div>{escape_html(_date_label(event))} &middot; {escape_html(event.get('event_type'))}</div>",
        f"<div>{escape_html(event.get('place_name') or '')}</div>",
    ]
    parts += [f"<blockquote style='margin:4px 0;color:#444'>&ldquo;{escape_html(q)}&rdquo;</blockquote>" for q in quotes]
    parts.append(f"<div><i>sources ({escape_html(event.get('n_sources'))}):</i> {escape_html(sources_text)}</div>")
    if event.get("disputed"):
        parts.append(f"<div style='color:#a33'>disputed: {escape_html(event['disputed'])}</div>")
    return "".join(parts)


def _date_label(event: dict) -> str:
    """The date at the precision the sources gave, and the words they used."""
    reported = event.get("date_text")
    reported = reported if isinstance(reported, str) else ""
    return event_date_label(event) + (f" (\u201c{reported}\u201d)" if reported else "")


def event_rows(events: pd.DataFrame, quotes: dict[str, list[str]] | None = None) -> list[dict]:
    """One JSON row per located event: where, how big, which colour, its escaped popup and tooltip."""
    rows = []
    for event in events.to_dict("records"):
        lat, lon = event.get("latitude"), event.get("longitude")
        if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
            continue
        precision = event.get("geo_precision")
        area = AREA_RADIUS_M.get(int(precision)) if precision is not None and not pd.isna(precision) else None
        place_token = css_token(event.get("place_id") or "none")
        rows.append({
            "id": event["event_id"], "lat": float(lat), "lon": float(lon),
            "radius": marker_radius(event.get("n_sources")), "area": area, "fill": 0.75,
            "colour": type_colour(event.get("event_type")),
            "cls": f"tl-event tl-place-{place_token} tl-ev-{css_token(event['event_id'])}" + (" tl-area" if area else ""),
            "popup": popup_html(event, (quotes or {}).get(event["event_id"], ())),
            "tooltip": escape_html(f"{event.get('summary') or ''} ({_date_label(event)})"),
        })
    # Drawn in order: areas first, then big circles, so nothing small hides under something large.
    return sorted(rows, key=lambda r: (r["area"] is None, -(r["area"] or 0), -r["radius"]))


def place_rows(events: pd.DataFrame, per_place: int = 8) -> list[dict]:
    """One marker per place for a dense map: sized by all its sources, coloured by its commonest type,
    its popup listing the place's most reported events. What the screen can show, not 10,000 circles."""
    located = events.dropna(subset=["latitude", "longitude"])
    if located.empty:
        return []
    located = located.assign(
        lat_key=located["latitude"].round(3), lon_key=located["longitude"].round(3),
        n_sources=located["n_sources"].fillna(1), event_type=located["event_type"].fillna(""),
    ).sort_values(["n_sources", "date_start"], ascending=[False, True], kind="stable")
    keys = ["lat_key", "lon_key"]
    grouped = located.groupby(keys, sort=False)
    stats = grouped.agg(n=("event_id", "size"), sources=("n_sources", "sum"), place_id=("place_id", "first"),
                        place_name=("place_name", "first"), event_id=("event_id", "first"))
    type_counts = located.groupby(keys + ["event_type"], sort=False).size().reset_index(name="k")
    commonest = type_counts.sort_values("k", ascending=False, kind="stable").drop_duplicates(keys).set_index(keys)
    items: dict[tuple, list[str]] = {}
    for e in located[grouped.cumcount() < per_place].to_dict("records"):
        items.setdefault((e["lat_key"], e["lon_key"]), []).append(
            f"<li>{escape_html(_date_label(e))}: {escape_html(e.get('summary'))}</li>")
    rows = []
    for (lat, lon), stat in stats.iterrows():
        name = stat["place_name"] if isinstance(stat["place_name"], str) else ""
        more = f"<div><i>and {stat['n'] - per_place} more</i></div>" if stat["n"] > per_place else ""
        rows.append({
            "id": stat["event_id"], "lat": float(lat), "lon": float(lon),
            "radius": marker_radius(stat["sources"] ** 0.5), "area": None, "fill": 0.75,
            "colour": type_colour(commonest.loc[(lat, lon), "event_type"]),
            "cls": f"tl-event tl-place-{css_token(stat['place_id'] or 'none')}",
            "popup": f"<b>{escape_html(name)}</b><div>{stat['n']} events</div><ul>{''.join(items[(lat, lon)])}</ul>{more}",
            "tooltip": escape_html(f"{name}: {stat['n']} events"),
        })
    return rows


def marker_rows(events: pd.DataFrame, quotes: dict[str, list[str]] | None = None) -> list[dict]:
    """Event markers, or one marker per place when there are too many events to show one by one."""
    return place_rows(events) if len(events) > AGGREGATE_ABOVE else event_rows(events, quotes)


def density_colour(n: int, most: int) -> str:
    """A shade per cell on a log scale up to the busiest cell, so sparse cells stay visible."""
    if most <= 1:
        return DENSITY[0]
    step = math.log(max(n, 1)) / math.log(most) * (len(DENSITY) - 1)
    return DENSITY[int(round(step))]


def bin_rows(bins: pd.DataFrame, cell: float) -> list[dict]:
    """One rectangle per grid cell: its bounds, shade, and an escaped summary of what it holds."""
    if bins.empty:
        return []
    most = int(bins["n_events"].max())
    rows = []
    for b in bins.to_dict("records"):
        south, west = b["cell_row"] * cell, b["cell_col"] * cell
        n = int(b["n_events"])
        dates = f"{b['first_date']} to {b['last_date']}" if b["first_date"] is not None else "undated"
        summary = f"{n} events, {int(b['n_sources'])} source reports; mostly {b['event_type'] or 'untyped'}; {dates}"
        rows.append({
            "bounds": [[round(south, 6), round(west, 6)], [round(south + cell, 6), round(west + cell, 6)]],
            "colour": density_colour(n, most), "n": n,
            "tooltip": escape_html(summary),
        })
    return rows


def destination_rows(moves: pd.DataFrame) -> list[dict]:
    """Hollow markers where movements end, so the destinations themselves are on the map."""
    rows, seen = [], set()
    for move in moves.to_dict("records"):
        if move["destination_id"] in seen:
            continue
        seen.add(move["destination_id"])
        rows.append({
            "id": move["event_id"], "lat": float(move["destination_lat"]), "lon": float(move["destination_lon"]),
            "radius": 6, "area": None, "fill": 0.15, "colour": type_colour(move.get("event_type")),
            "cls": f"tl-destination tl-place-{css_token(move['destination_id'])}",
            "popup": f"<b>{escape_html(move['destination_name'])}</b><div>destination</div>",
            "tooltip": escape_html(move["destination_name"]),
        })
    return rows


def label_rows(events: pd.DataFrame, moves: pd.DataFrame | None = None, limit: int = MAX_LABELS) -> list[dict]:
    """One name per place on the map: the places of most sources, then the places movements reach."""
    names: dict[tuple[float, float], tuple[float, str]] = {}
    located = events.dropna(subset=["latitude", "longitude"]) if not events.empty else events
    for event in located.to_dict("records"):
        name = event.get("place_name")
        if not isinstance(name, str) or not name:
            continue
        key = (round(float(event["latitude"]), 3), round(float(event["longitude"]), 3))
        weight = float(event["n_sources"]) if event.get("n_sources") is not None and not pd.isna(event["n_sources"]) else 1.0
        names[key] = (names.get(key, (0.0, name))[0] + weight, name)
    for move in (moves if moves is not None else pd.DataFrame()).to_dict("records"):
        key = (round(float(move["destination_lat"]), 3), round(float(move["destination_lon"]), 3))
        names.setdefault(key, (0.5, move["destination_name"]))
    ranked = sorted(names.items(), key=lambda item: (-item[1][0], item[1][1]))[:limit]
    return [{"lat": lat, "lon": lon, "text": escape_html(name)} for (lat, lon), (_, name) in ranked]


def cell_label_rows(bins: pd.DataFrame, limit: int = MAX_LABELS) -> list[dict]:
    """Names for a map of grid cells (`queries.map_bins`): the busiest place of each of the `limit`
    busiest cells, busiest first, so the overlap-hiding labels keep the names that matter most."""
    named = bins[bins["place_name"].fillna("") != ""] if "place_name" in bins else bins.iloc[0:0]
    busiest = named.sort_values("n_events", ascending=False, kind="stable").head(limit)
    return [{"lat": float(b["place_lat"]), "lon": float(b["place_lon"]), "text": escape_html(b["place_name"])}
            for b in busiest.to_dict("records")]


SELECTED_ROLES = ("origin", "destination", "target")  # the places a selected event links to


def highlight(event: dict, places: pd.DataFrame) -> dict | None:
    """What the map draws for the selected event: where it happened (None when unknown), the places it
    names with a role in SELECTED_ROLES, and the box that frames them. None when nothing has coordinates."""
    lat, lon = event.get("latitude"), event.get("longitude")
    located = not (lat is None or lon is None or pd.isna(lat) or pd.isna(lon))
    related = []
    for place in places.to_dict("records"):
        if place.get("role") not in SELECTED_ROLES or place.get("lat") is None or pd.isna(place.get("lat")):
            continue
        if located and (round(float(place["lat"]), 4), round(float(place["lon"]), 4)) == (round(float(lat), 4), round(float(lon), 4)):
            continue  # its own place: the ring shows it
        name = place.get("name") if isinstance(place.get("name"), str) and place.get("name") else place.get("text") or ""
        related.append({"lat": float(place["lat"]), "lon": float(place["lon"]), "role": css_token(place["role"]),
                        "label": escape_html(f"{place['role']}: {name}")})
    if not located and not related:
        return None
    lats = [p["lat"] for p in related] + ([float(lat)] if located else [])
    lons = [p["lon"] for p in related] + ([float(lon)] if located else [])
    pad = 0.05
    return {
        "lat": float(lat) if located else None, "lon": float(lon) if located else None,
        "radius": marker_radius(event.get("n_sources")) + 6, "places": related,
        "bounds": [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]],
    }


def frame_to(selected: str | None, framed: str | None, chosen: dict | None,
             home: list[list[float]] | None) -> list[list[float]] | None:
    """Where the map moves on this run: to a newly selected event, back home when the selection was
    cleared, nowhere otherwise (the analyst may have moved the map since)."""
    if selected == framed:
        return None
    if selected:
        return chosen["bounds"] if chosen else None
    return home


def overlay(chosen: dict | None, frame: list[list[float]] | None) -> folium.FeatureGroup | None:
    """The layer st_folium adds to (and swaps on) a map already drawn, so a selection neither
    rebuilds nor resets the map: the highlight, or the move home once a selection is cleared."""
    if chosen is None and frame is None:
        return None
    group = folium.FeatureGroup(name="Selected event", control=False)
    if chosen is not None:
        HighlightLayer(chosen, frame=frame is not None).add_to(group)
    else:
        FrameView(frame).add_to(group)
    return group


def bearing_degrees(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Screen angle (clockwise from east, as CSS rotate wants) of the line from 1 to 2 in Web Mercator."""
    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = math.radians(lon2 - lon1)
    dy = mercator_y(lat2) - mercator_y(lat1)
    return round(-math.degrees(math.atan2(dy, dx)), 1)


def arrow_rows(moves: pd.DataFrame, limit: int = MAX_ARROWS) -> list[dict]:
    """One arrow per origin -> destination pair, thicker when more events made that move; the most
    travelled `limit` pairs only, so a dense store does not bury the map in lines."""
    if moves.empty:
        return []
    if "n" in moves:  # already counted per pair (queries.movement_pairs)
        return _arrows(moves.head(limit))
    pairs = (moves.groupby(["origin_id", "destination_id"], sort=False)
             .agg(n=("event_id", "size"), event_id=("event_id", "first"), event_type=("event_type", "first"),
                  origin_name=("origin_name", "first"), origin_lat=("origin_lat", "first"),
                  origin_lon=("origin_lon", "first"), destination_name=("destination_name", "first"),
                  destination_lat=("destination_lat", "first"), destination_lon=("destination_lon", "first"))
             .reset_index().sort_values("n", ascending=False, kind="stable").head(limit))
    return _arrows(pairs)


def _arrows(pairs: pd.DataFrame) -> list[dict]:
    return [{
        "lat1": float(m["origin_lat"]), "lon1": float(m["origin_lon"]),
        "lat2": float(m["destination_lat"]), "lon2": float(m["destination_lon"]),
        "angle": bearing_degrees(m["origin_lat"], m["origin_lon"], m["destination_lat"], m["destination_lon"]),
        "colour": type_colour(m.get("event_type")), "weight": round(2 + math.log2(m["n"]), 1),
        "cls": f"tl-move tl-ev-{css_token(m['event_id'])} tl-to-{css_token(m['destination_id'])}",
        "tooltip": escape_html(f"{m['origin_name']} \u2192 {m['destination_name']}"
                               + (f" ({m['n']} events)" if m["n"] > 1 else "")),
    } for m in pairs.to_dict("records")]


# ---------------------------------------------------------------- the map

def localize_assets(root: folium.Element, base_url: str = STATIC_URL) -> None:
    """Point every JS/CSS link of every element at the vendored copies; fail loudly on an unknown one."""
    for element in _walk(root):
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            local = []
            for name, url in links:
                if name not in ASSETS:
                    raise ValueError(f"no vendored copy of {name} ({url}); add it to static/vendor and ASSETS")
                if ASSETS[name]:
                    local.append((name, f"{base_url}/{ASSETS[name]}"))
            setattr(element, attr, local)


def _walk(element: folium.Element) -> Iterable[folium.Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def bounds_of(events: pd.DataFrame, moves: pd.DataFrame | None = None) -> list[list[float]] | None:
    lats = events["latitude"].dropna().tolist()
    lons = events["longitude"].dropna().tolist()
    if moves is not None and not moves.empty:
        lats += moves["destination_lat"].tolist()
        lons += moves["destination_lon"].tolist()
    if not lats:
        return None
    pad = 0.5
    return [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]


def build_map(events: pd.DataFrame, moves: pd.DataFrame | None = None, *,
              quotes: dict[str, list[str]] | None = None, center: tuple[float, float] | None = None,
              zoom: int | None = None, cluster: bool | None = None, heat: bool = True,
              standalone: bool = False, base_url: str = STATIC_URL, rows: list[dict] | None = None,
              fill_frame: bool = False) -> folium.Map:
    """The event map. `standalone` inlines the basemap (see `standalone_html` for the assets);
    `rows` are `marker_rows(events, quotes)` when the caller has them cached; `fill_frame` makes the map
    as tall as its frame, so a page can size it with CSS (the presentation mode fills the screen)."""
    moves = moves if moves is not None else pd.DataFrame()
    fmap = _base_map(center, zoom, standalone, base_url)
    located = events.dropna(subset=["latitude", "longitude"]) if not events.empty else events
    if heat and not located.empty:
        weights = located["n_sources"].fillna(1).astype(float).tolist()
        folium.plugins.HeatMap(
            [[float(a), float(b), w] for a, b, w in zip(located["latitude"], located["longitude"], weights)],
            name="Heat (sources)", show=False, radius=22).add_to(fmap)
    if not moves.empty:
        movement = folium.FeatureGroup(name="Movements").add_to(fmap)
        ArrowLayer(arrow_rows(moves)).add_to(movement)
        EventLayer(destination_rows(moves)[:MAX_ARROWS]).add_to(movement)
    use_cluster = len(located) > CLUSTER_ABOVE if cluster is None else cluster
    container = (folium.plugins.MarkerCluster(name="Events", options={"disableClusteringAtZoom": 10})
                 if use_cluster else folium.FeatureGroup(name="Events"))
    container.add_to(fmap)
    EventLayer(rows if rows is not None else marker_rows(located, quotes)).add_to(container)
    labels = folium.FeatureGroup(name="Place names").add_to(fmap)
    LabelLayer(label_rows(located, moves)).add_to(labels)
    folium.LayerControl(collapsed=True).add_to(fmap)
    if fill_frame:
        fmap.get_root().header.add_child(folium.Element("<style>#map_div, .folium-map{height:100vh !important}</style>"))
    if center is None:
        bounds = bounds_of(located, moves)
        if bounds:
            fmap.fit_bounds(bounds, max_zoom=8)
    localize_assets(fmap, base_url)
    return fmap


def _base_map(center: tuple[float, float] | None, zoom: int | None, standalone: bool, base_url: str) -> folium.Map:
    """The map with the offline country outlines and the optional online tiles, nothing else."""
    fmap = folium.Map(location=list(center) if center else [20, 0], zoom_start=zoom or 2, tiles=None,
                      control_scale=True, maxZoom=18, minZoom=2)  # map options: with tiles=None MarkerCluster needs maxZoom
    fmap.get_root().header.add_child(folium.Element(
        f"<style>.leaflet-container{{background:{SEA}}}"
        # Place names grow with the map (a full-screen presentation map gets larger ones), centred on their point.
        ".tl-label{white-space:nowrap;font:600 clamp(13px,1.5vw,22px)/1.2 sans-serif;color:#1a1a1a;"
        "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;pointer-events:none}"
        ".tl-label span{position:relative;top:-0.6em}</style>"))
    basemap = folium.FeatureGroup(name="Country outlines (offline)", control=True)
    if standalone:
        import json
        OfflineBasemap(data=json.loads((STATIC_DIR / BASEMAP).read_text())).add_to(basemap)
    else:
        OfflineBasemap(url=f"{base_url}/{BASEMAP}").add_to(basemap)
    basemap.add_to(fmap)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=True, show=False).add_to(fmap)
    return fmap


def build_binned_map(cells: list[dict], points: list[dict], moves: pd.DataFrame, extent: Box, *,
                     labels: list[dict] = (), base_url: str = STATIC_URL) -> folium.Map:
    """The map of a large store: grid cells (`bin_rows`) and single events (`event_rows`) only where
    the caller found few enough, the most travelled movements, a heat layer of the cells, and place
    names (`cell_label_rows` or `label_rows`, at most MAX_LABELS, overlapping ones hidden).
    It opens on `extent`; the page moves it to the analyst's view without rebuilding it."""
    fmap = _base_map(None, None, False, base_url)
    if cells:
        heat = [[(c["bounds"][0][0] + c["bounds"][1][0]) / 2, (c["bounds"][0][1] + c["bounds"][1][1]) / 2, c["n"]]
                for c in cells]
        folium.plugins.HeatMap(heat, name="Heat (events)", show=False, radius=22).add_to(fmap)
        grid = folium.FeatureGroup(name="Events per grid cell").add_to(fmap)
        GridLayer(cells).add_to(grid)
    if not moves.empty:
        movement = folium.FeatureGroup(name="Movements").add_to(fmap)
        ArrowLayer(arrow_rows(moves)).add_to(movement)
        EventLayer(destination_rows(moves)[:MAX_ARROWS]).add_to(movement)
    if points:
        singles = folium.FeatureGroup(name="Events").add_to(fmap)
        EventLayer(points).add_to(singles)
    if labels:
        names = folium.FeatureGroup(name="Place names").add_to(fmap)
        LabelLayer(list(labels)[:MAX_LABELS]).add_to(names)
    folium.LayerControl(collapsed=True).add_to(fmap)
    south, west, north, east = extent
    fmap.fit_bounds([[south, west], [north, east]], max_zoom=8)
    localize_assets(fmap, base_url)
    return fmap


def standalone_html(fmap: folium.Map, static_dir: Path = STATIC_DIR, base_url: str = STATIC_URL) -> str:
    """One HTML file that works offline: every vendored script and stylesheet inlined."""
    page = fmap.get_root().render()

    def asset(url: str) -> str:
        return (static_dir / url[len(base_url) + 1:]).read_text(encoding="utf-8")

    def inline_script(match: re.Match) -> str:
        code = asset(match.group(1))
        if "</script" in code.lower():
            raise ValueError(f"cannot inline {match.group(1)}: it contains </script")
        return f"<script>{code}</script>"

    def inline_css(match: re.Match) -> str:
        path = match.group(1)
        css = asset(path)
        folder = (static_dir / path[len(base_url) + 1:]).parent
        css = re.sub(r"url\((images/[\w.-]+\.png)\)", lambda m: _data_uri(folder / m.group(1)), css)
        return f"<style>{css}</style>"

    prefix = re.escape(base_url)
    page = re.sub(rf'<script src="({prefix}/[^"]+)"></script>', inline_script, page)
    page = re.sub(rf'<link rel="stylesheet" href="({prefix}/[^"]+)"\s*/?>', inline_css, page)
    return page


def _data_uri(path: Path) -> str:
    if not path.is_file():
        return "url()"
    return f"url(data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()})"
