"""Exports of the filtered events: CSV, GeoJSON, TimelineJS and StoryMapJS JSON, an offline map file.

Pure functions from an events DataFrame (as dashboard.queries.events returns it) to bytes or
JSON-ready dicts; the CSV and GeoJSON of CSV_COLUMNS are written by DuckDB for every filtered event
(dashboard.queries.events_csv, events_geojson), gzip-compressed past GZIP_ABOVE events. Knight Lab's tools render `text` fields as HTML, so those are escaped.

TimelineJS, StoryMapJS and the offline map are made to be presented, and neither a browser nor an
audience copes with a million slides or markers: they hold at most PRESENTATION_CAP events, the
ones reported by most sources, in date order.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from dashboard import maps
from dashboard.safe import escape_html

CSV_COLUMNS = ["event_id", "date_start", "date_end", "date_precision", "date_text", "event_type", "sub_event_type",
               "summary", "actor1", "actor2", "place_id", "place_name", "country_code", "latitude", "longitude",
               "geo_precision", "fatalities", "n_sources", "n_mentions", "sources", "first_reported", "confidence",
               "disputed"]
PRESENTATION_CAP = 1000
# Past this many events the CSV and GeoJSON are gzip-compressed (about 700 bytes an event as GeoJSON):
# Streamlit holds a download whole in its memory, and a tenth of a file travels ten times faster.
GZIP_ABOVE = 20_000


def _plain(value: Any) -> Any:
    """A JSON-ready value: dates as ISO strings, NaN as None, arrays as lists."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        items = value.tolist() if hasattr(value, "tolist") else list(value)
        return [_plain(v) for v in items] if isinstance(items, list) else _plain(items)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def _records(events: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in events.to_dict("records")]


def _tl_date(value: Any, precision: str) -> dict | None:
    iso = _plain(value)
    if not iso:
        return None
    year, month, day = iso.split("-")
    date = {"year": int(year)}
    if precision not in ("year", "decade", "century"):
        date["month"] = int(month)
        if precision in ("day", "time", "week"):
            date["day"] = int(day)
    return date


def _story_text(row: dict) -> str:
    sources = ", ".join(row.get("sources") or [])
    place = f" &middot; {escape_html(row['place_name'])}" if row.get("place_name") else ""
    return (f"<p>{escape_html(row.get('date_text') or '')}{place}</p>"
            f"<p><i>Sources ({escape_html(row.get('n_sources'))}): {escape_html(sources)}</i></p>")


def timelinejs(events: pd.DataFrame, title: str = "Timeline") -> dict:
    """TimelineJS3 JSON: one slide per dated event, grouped by event type."""
    slides = []
    for row in _records(events):
        start = _tl_date(row.get("date_start"), row.get("date_precision") or "day")
        if start is None:
            continue
        slide = {"unique_id": row["event_id"], "start_date": start, "group": escape_html(row.get("event_type") or ""),
                 "text": {"headline": escape_html(row.get("summary")), "text": _story_text(row)}}
        end = _tl_date(row.get("date_end"), row.get("date_precision") or "day")
        if end and row.get("date_end") != row.get("date_start"):
            slide["end_date"] = end
        slides.append(slide)
    return {"title": {"text": {"headline": escape_html(title), "text": f"<p>{len(slides)} events</p>"}},
            "events": slides}


def storymapjs(events: pd.DataFrame, title: str = "Story") -> dict:
    """StoryMapJS JSON: an overview slide, then one located slide per event in date order."""
    slides: list[dict] = [{"type": "overview", "text": {"headline": escape_html(title), "text": ""}}]
    for row in _records(events):
        if row.get("latitude") is None or row.get("longitude") is None:
            continue
        zoom = {3: 7, 4: 5}.get(row.get("geo_precision"), 9)
        slides.append({
            "date": escape_html(row.get("date_text") or row.get("date_start") or ""),
            "location": {"lat": row["latitude"], "lon": row["longitude"], "zoom": zoom, "line": True},
            "text": {"headline": escape_html(row.get("summary")), "text": _story_text(row)},
        })
    return {"storymap": {"language": "en", "map_type": "osm:standard", "map_as_image": False, "slides": slides}}


def offline_map_html(events: pd.DataFrame, moves: pd.DataFrame | None = None,
                     quotes: dict[str, list[str]] | None = None) -> str:
    """The map as one HTML file with Leaflet, plugins and the basemap inlined: opens without network."""
    return maps.standalone_html(maps.build_map(events, moves, quotes=quotes, standalone=True))


def to_json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
