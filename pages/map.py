"""Map: where events happened, movements between places, a heat layer and a playback over dates.

Up to maps.AGGREGATE_ABOVE events the map draws every event; above it, grid cells counted in
DuckDB, and single events again wherever the analyst zooms to a window holding few enough.
"""
import datetime as dt
import time

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import context, maps, queries, sidebar, views

LARGE_MAP_KEY = "main_map_large"

ctx = context.get()
st.title("Map")
n_events = queries.count_events(ctx.snapshot, ctx.filters)
if not n_events:
    st.info(views.NO_MATCH)
    st.stop()
large = n_events > maps.AGGREGATE_ABOVE


def playback(dates: list[dt.date]) -> tuple[bool, dt.date | None]:
    """The play button and the 'up to' slider: (playing, the last date shown or None for all)."""
    if len(dates) <= 1:
        return False, None
    if "map_until_next" in st.session_state:  # playback's next step, set before the slider exists
        st.session_state["map_until"] = st.session_state.pop("map_until_next")
    if "map_until" not in st.session_state or st.session_state["map_until"] not in dates:
        st.session_state["map_until"] = dates[-1]
    play_col, slider_col = st.columns([1, 6])
    playing = st.session_state.get("map_playing", False)
    if play_col.button("Pause" if playing else "Play", key="map_play", icon=":material/play_arrow:"):
        playing = not playing
        st.session_state["map_playing"] = playing
        if playing and st.session_state["map_until"] == dates[-1]:
            st.session_state["map_until"] = dates[0]
    until = slider_col.select_slider("Show events up to", options=dates, key="map_until",
                                     format_func=lambda d: d.isoformat())
    return playing, until


def large_map(until: dt.date | None) -> pd.DataFrame:
    """Grid cells for the analyst's view, or that view's single events once it holds few enough."""
    filters = ctx.filters if until is None else ctx.filters.with_dates(ctx.filters.date_from, until)
    extent = queries.extent(ctx.snapshot, filters)
    if extent["box"] is None:
        st.info("None of the filtered events has a place on the map.")
        return queries.events_in_box(ctx.snapshot, filters, None, 0)
    # What the map last reported (after the analyst moved it): the view to fill.
    reported = st.session_state.get(LARGE_MAP_KEY)
    reported = reported if isinstance(reported, dict) else {}
    view, zoom = maps.box_of(reported.get("bounds")), reported.get("zoom")
    box = view if view is not None and not maps.contains(view, extent["box"]) else extent["box"]
    cell = maps.cell_for(box)
    region = maps.snap_box(box, cell)
    in_view = queries.count_located(ctx.snapshot, filters, region)
    if in_view <= maps.POINTS_IN_VIEW:
        shown = queries.events_in_box(ctx.snapshot, filters, region, maps.POINTS_IN_VIEW)
        cells, points = [], maps.event_rows(shown, views.quotes_by_event(ctx, shown["event_id"]))
        st.caption(f"{in_view} of {extent['n']} located events in this view, each drawn. Circle size: number of "
                   "sources. Zoom out for the grid of all events.")
    else:
        shown, points = queries.events_in_box(ctx.snapshot, filters, None, 0), []
        cells = maps.bin_rows(queries.map_bins(ctx.snapshot, filters, cell, region), cell)
        st.caption(f"{in_view} of {extent['n']} located events in this view ({n_events} in all), counted per "
                   f"{cell:g}\u00b0 grid cell: darker cells hold more events; hover over a cell for its count, "
                   f"commonest type and dates; arrows: the {maps.MAX_ARROWS_LARGE} most travelled movements. Zoom in "
                   f"to a window of at most {maps.POINTS_IN_VIEW} events to see them one by one. Layers (top right): "
                   "heat map, movements, online tiles.")
    moves = queries.movement_pairs(ctx.snapshot, filters, maps.MAX_ARROWS_LARGE)
    fmap = maps.build_binned_map(cells, points, moves, extent["box"])
    centre = ((view[0] + view[2]) / 2, (view[1] + view[3]) / 2) if view else None
    st_folium(fmap, key=LARGE_MAP_KEY, height=maps.MAP_HEIGHT_PX, use_container_width=True,
              returned_objects=["last_object_clicked", "bounds", "zoom"], center=centre, zoom=zoom)
    return shown


if large:
    dates = queries.event_dates(ctx.snapshot, ctx.filters)
    playing, until = playback(dates)
    shown = large_map(None if until is None or until == dates[-1] else until)
    clicked_at = (st.session_state.get(LARGE_MAP_KEY) or {}).get("last_object_clicked")
else:
    events = queries.events(ctx.snapshot, ctx.filters)
    moves = queries.movements(ctx.snapshot, ctx.filters)
    dates = sorted({d for d in events["date_start"].dropna()})
    playing, until = playback(dates)
    shown = views.up_to(events, None if until == (dates[-1] if dates else None) else until)  # the end: undated too
    moves = moves[moves["event_id"].isin(shown["event_id"])]
    st.caption(f"{len(shown)} of {len(events)} events. Circle size: number of sources; dashed circles: places known "
               "only to a region or country; dashed arrows: movements. Layers (top right): heat map, online tiles.")
    result = views.draw_map(ctx, shown, key="main_map", moves=moves, height=maps.MAP_HEIGHT_PX, returned=["last_object_clicked"],
                            view=str(shown["date_start"].max()) if len(shown) else "")
    clicked_at = result.get("last_object_clicked")

clicked = views.events_at(shown, clicked_at)
if clicked:
    sidebar.select_event(clicked[0])
    if len(clicked) > 1:
        st.caption(f"{len(clicked)} events at this place; showing the first. The table lists them all.")
views.show_event_details(ctx, sidebar.selected_event())
st.caption(views.ATTRIBUTION_LINE)

if playing:
    position = dates.index(st.session_state["map_until"])
    time.sleep(1.0)
    if position + 1 < len(dates):
        st.session_state["map_until_next"] = dates[position + 1]
    else:
        st.session_state["map_playing"] = False
    st.rerun()
