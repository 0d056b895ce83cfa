"""Pieces several pages draw: event details, highlighted article text, the map widget.

The HTML builders are pure functions (tested); every value from the store goes through escape_html.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import grid, maps, queries
from dashboard.context import Context
from dashboard.dates import event_date_label
from dashboard.filters import SELECTED_EVENT_PARAM, Filters
from dashboard.safe import escape_html, safe_url
from dashboard.style import type_colour

SPAN_STYLE = {
    "date": "background:#fde68a;border-radius:3px;padding:0 2px",
    "place": "background:#bfdbfe;border-radius:3px;padding:0 2px",
    "event": "background:#fecaca;border-radius:3px;padding:0 2px;font-weight:600",
}
SPAN_PRIORITY = {"event": 0, "date": 1, "place": 2}  # where spans overlap, the event trigger wins


NO_MATCH = "No events match the filters. Widen them in the sidebar, or press Reset filters."


def with_when(events: pd.DataFrame) -> pd.DataFrame:
    """The events with a `when` column: each date at the precision the sources gave."""
    return events.assign(when=[event_date_label(e) for e in events[["date_start", "date_end", "date_precision"]]
                               .to_dict("records")])


def event_link(event_id: str, filters: Filters, page: str = "events") -> str:
    """A relative URL that opens the event on a page with the same filters."""
    params = {**filters.to_query_params(), SELECTED_EVENT_PARAM: event_id}
    return f"{page}?{urlencode(params, doseq=True)}"


def highlight_html(text: str, spans: pd.DataFrame, filters: Filters = Filters()) -> str:
    """Article text with dates, places and event triggers marked; triggers link to their event."""
    chosen: list[dict] = []
    ordered = sorted(spans.to_dict("records"), key=lambda s: (SPAN_PRIORITY.get(s["kind"], 9), s["start"]))
    for span in ordered:
        start, end = int(span["start"]), int(span["end"])
        if not 0 <= start < end <= len(text):
            continue
        if any(start < c["end"] and c["start"] < end for c in chosen):
            continue
        chosen.append({**span, "start": start, "end": end})
    parts, at = [], 0
    for span in sorted(chosen, key=lambda s: s["start"]):
        parts.append(escape_html(text[at:span["start"]]))
        inner = escape_html(text[span["start"]:span["end"]])
        title = escape_html(f"{span['kind']}: {span.get('label') or ''}")
        style = SPAN_STYLE.get(span["kind"], "")
        if span["kind"] == "event" and span.get("event_id"):
            href = escape_html(event_link(span["event_id"], filters))
            parts.append(f'<a class="tl-span tl-{span["kind"]}" href="{href}" target="_self" title="{title}" '
                         f'style="{style};color:inherit;text-decoration:none">{inner}</a>')
        else:
            parts.append(f'<mark class="tl-span tl-{span["kind"]}" title="{title}" style="{style}">{inner}</mark>')
        at = span["end"]
    parts.append(escape_html(text[at:]))
    body = "".join(parts).replace("\n", "<br>")
    return f'<div class="tl-article" style="line-height:1.7;font-size:1.02rem">{body}</div>'


def _value(value: Any) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    return str(value)


def _date_row(event: dict) -> str:
    """The date at its own precision, what precision that is, and the words the sources used."""
    label, precision, reported = event_date_label(event), _value(event.get("date_precision")), _value(event.get("date_text"))
    known = f"known to the {precision}" if label != "undated" and precision not in ("", "none") else ""
    said = f"reported as \u201c{reported}\u201d" if reported else ""
    details = "; ".join(part for part in (known, said) if part)
    return f"{label} ({details})" if details else label


def details_html(event: dict, mentions: pd.DataFrame, places: pd.DataFrame) -> str:
    """Everything known about one event, every mention with its sentence and source."""
    colour = type_colour(event.get("event_type"))
    rows = [
        ("date", _date_row(event)),
        ("type", f"{_value(event.get('event_type'))} / {_value(event.get('sub_event_type'))}"),
        ("place", f"{_value(event.get('place_name'))} (geo precision {_value(event.get('geo_precision'))})"),
        ("actors", " vs ".join(a for a in (_value(event.get("actor1")), _value(event.get("actor2"))) if a)),
        ("sources", f"{_value(event.get('n_sources'))} ({', '.join(event.get('sources') if event.get('sources') is not None else [])})"),
    ]
    if _value(event.get("fatalities")):
        rows.append(("fatalities", _value(event.get("fatalities"))))
    roles = [f"{_value(p['role'])}: {_value(p['name']) or _value(p['text'])}" for p in places.to_dict("records")]
    if roles:
        rows.append(("places", "; ".join(roles)))
    html = [f'<div class="tl-details" style="border-left:6px solid {colour};padding-left:12px">',
            f'<h3 style="margin:0 0 6px 0">{escape_html(event.get("summary"))}</h3><table>']
    html += [f"<tr><th style='text-align:left;padding-right:10px'>{escape_html(k)}</th><td>{escape_html(v)}</td></tr>"
             for k, v in rows]
    html.append("</table>")
    if _value(event.get("disputed")):
        html.append(f'<p class="tl-disputed" style="background:#fff3cd;padding:6px">'
                    f'<b>Sources disagree:</b> {escape_html(event["disputed"])}</p>')
    html.append(f"<h4>Mentions ({len(mentions)})</h4>")
    for m in mentions.to_dict("records"):
        url = safe_url(m.get("url"))
        title = escape_html(_value(m.get("title")) or _value(m.get("source")))
        link = f'<a href="{escape_html(url)}" target="_blank" rel="noopener noreferrer">{title}</a>' if url else title
        speech = " (reported speech)" if m.get("reported_speech") else ""
        html.append(
            f'<blockquote class="tl-quote" style="margin:8px 0;padding:4px 10px;border-left:3px solid #ccc">'
            f'\u201c{escape_html(m.get("sentence"))}\u201d<br><small>{escape_html(m.get("source"))}, {link}, '
            f'published {escape_html(_value(m.get("published")))} ({escape_html(_value(m.get("published_source")))})'
            f'{speech}; trigger \u201c{escape_html(m.get("trigger"))}\u201d</small></blockquote>')
    html.append("</div>")
    return "".join(html)


def show_event_details(ctx: Context, event_id: str | None) -> None:
    if not event_id:
        st.caption("Select an event (table row, map marker or timeline point) to see its sources.")
        return
    match = queries.event_by_id(ctx.snapshot, event_id)
    if match.empty:
        st.info("The selected event is not in this store.")
        return
    st.html(details_html(match.iloc[0].to_dict(), queries.mentions(ctx.snapshot, (event_id,)),
                         queries.event_places(ctx.snapshot, (event_id,))))


def quotes_by_event(ctx: Context, event_ids: Iterable[str], per_event: int = 1) -> dict[str, list[str]]:
    ids = tuple(event_ids)
    if not ids or len(ids) > 3000:
        return {}
    mentions = queries.mentions(ctx.snapshot, ids)
    return {eid: group["sentence"].head(per_event).tolist() for eid, group in mentions.groupby("event_id")}


@st.cache_data(show_spinner=False, max_entries=32)
def _marker_rows(snapshot: str, filters: Filters, view: str, _events: pd.DataFrame, _quotes: dict) -> list[dict]:
    # Keyed on what produced the events (store, filters, the page's own narrowing); the frame is not hashed.
    return maps.marker_rows(_events.dropna(subset=["latitude", "longitude"]), _quotes)


def draw_map(ctx: Context, events: pd.DataFrame, *, key: str, height: int = 520, moves: pd.DataFrame | None = None,
             center: tuple[float, float] | None = None, zoom: int | None = None,
             returned: list[str] | None = None, heat: bool = True, view: str = "", fill_frame: bool = False,
             overlay: Any = None, on_change: Callable[[], None] | None = None) -> dict:
    """The folium map in Streamlit, reporting back only what the caller asks for (no rerun on pan).

    `view` names whatever narrowed `events` beyond the filters (e.g. the playback date), for the cache;
    `overlay` (`maps.overlay`) is swapped on the drawn map without rebuilding it.
    """
    quotes = quotes_by_event(ctx, events["event_id"])
    rows = _marker_rows(ctx.snapshot, ctx.filters, f"{key}:{view}:{len(events)}", events, quotes)
    # center/zoom go to st_folium only: the map itself stays the same, so it moves instead of remounting.
    fmap = maps.build_map(events, moves, quotes=quotes, heat=heat, rows=rows, fill_frame=fill_frame)
    return st_folium(fmap, key=key, height=height, use_container_width=True, returned_objects=returned or [],
                     center=center, zoom=zoom, feature_group_to_add=overlay, on_change=on_change) or {}


def up_to(events: pd.DataFrame, until: dt.date | None) -> pd.DataFrame:
    """The events that started by `until` (all when None). Like the date filter, and so like the large map's
    playback, a date leaves out the undated events: they cannot be placed before it."""
    if until is None:
        return events
    return events[events["date_start"].notna() & (events["date_start"] <= until)]


def events_at(events: pd.DataFrame, clicked: dict | None, tolerance: float = 1e-4) -> list[str]:
    """Event ids at a clicked map position."""
    if not clicked or clicked.get("lat") is None or events.empty:
        return []
    near = ((events["latitude"] - clicked["lat"]).abs() < tolerance) & ((events["longitude"] - clicked["lng"]).abs() < tolerance)
    return events.loc[near, "event_id"].tolist()


ATTRIBUTION_LINE = ("Places from [GeoNames](https://www.geonames.org/) (CC BY 4.0); basemap from Natural Earth "
                    "(public domain).")


def draw_grid_map(ctx: Context, *, key: str, height: int) -> None:
    """A static map of the filtered events counted per grid cell, for a result too large to draw event by event."""
    extent = queries.extent(ctx.snapshot, ctx.filters)
    if extent["box"] is None:
        st.info("None of the filtered events has a place on the map.")
        return
    cell = grid.cell_for(extent["box"])
    cells = maps.bin_rows(queries.map_bins(ctx.snapshot, ctx.filters, cell, None), cell)
    fmap = maps.build_binned_map(cells, [], pd.DataFrame(columns=queries.MOVEMENT_COLUMNS), extent["box"])
    st.caption(f"{extent['n']} located events counted per {cell:g}\u00b0 grid cell; the Map page zooms in.")
    st_folium(fmap, key=key, height=height, use_container_width=True, returned_objects=[])
