"""Map: where events happened, movements between places, a heat layer and a playback over dates.

Up to grid.AGGREGATE_ABOVE events the map draws every event; above it, grid cells counted in
DuckDB with the names of their busiest places, and single events again wherever the analyst zooms
to a window holding few enough. The selected event (a row of the Events table, a timeline mark, a
click here) is ringed and linked to the places it names; the map moves to it once, and back when
the selection is cleared.
"""
import datetime as dt
import time
from functools import partial

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import context, grid, maps, mapview, queries, sidebar, views
from dashboard.safe import escape_markdown as md

LARGE_MAP_KEY = "main_map_large"
SMALL_MAP_KEY = "main_map"
FRAMED = "map_framed_event"  # the selection the map last moved to
LAST_CLICK = "map_last_click"
AT_CLICK = "map_events_at_click"

ctx = context.get()
st.title("Map")
n_events = queries.count_events(ctx.snapshot, ctx.filters)
if not n_events:
    st.info(views.NO_MATCH)
    st.stop()
large = n_events > grid.AGGREGATE_ABOVE


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


def on_map_change(key: str, shown: pd.DataFrame) -> None:
    """A new click on a marker selects its event before the page runs, so this run already rings it
    (st_folium keeps reporting the last click on every rerun: only a different one counts)."""
    clicked = (st.session_state.get(key) or {}).get("last_object_clicked")
    if not clicked or clicked == st.session_state.get(LAST_CLICK):
        return
    st.session_state[LAST_CLICK] = clicked
    at = views.events_at(shown, clicked)
    st.session_state[AT_CLICK] = len(at)
    sidebar.select_event(at[0] if at else None)


def selection(home: list[list[float]] | None):
    """The overlay for the selected event (`maps.overlay`), with a line naming it and a button to clear it."""
    selected = sidebar.selected_event()
    chosen = None
    if selected:
        match = queries.event_by_id(ctx.snapshot, selected)
        event = match.iloc[0].to_dict() if not match.empty else {}
        if event:
            chosen = maps.highlight(event, queries.event_places(ctx.snapshot, (selected,)))
        text_col, button_col = st.columns([6, 1])
        where = "ringed on the map" if chosen else "it has no place on the map"
        text_col.caption(f"Selected: **{md(event.get('summary') or selected)}** ({where}; lines lead to the places "
                         "it names as origin, destination or target).")
        button_col.button("Clear selection", key="map_clear_selection", on_click=sidebar.clear_selected_event)
    frame = maps.frame_to(selected, st.session_state.get(FRAMED), chosen, home)
    st.session_state[FRAMED] = selected
    return maps.overlay(chosen, frame)


def large_map(until: dt.date | None) -> pd.DataFrame:
    """Grid cells for the analyst's view, or that view's single events once it holds few enough."""
    filters = ctx.filters if until is None else ctx.filters.with_dates(ctx.filters.date_from, until)
    # What the map last reported (after the analyst moved it): the view to fill.
    reported = st.session_state.get(LARGE_MAP_KEY)
    reported = reported if isinstance(reported, dict) else {}
    view, zoom = grid.box_of(reported.get("bounds")), reported.get("zoom")
    data = mapview.large_view(ctx.snapshot, filters, view)
    if data.box is None:
        st.info("None of the filtered events has a place on the map.")
        return data.shown
    if data.bins is None:
        cells, points = [], maps.event_rows(data.shown, views.quotes_by_event(ctx, data.shown["event_id"]))
        labels = maps.label_rows(data.shown)
        st.caption(f"{data.in_view} of {data.n_located} located events in this view, each drawn. Circle size: number "
                   "of sources. Zoom out for the grid of all events.")
    else:
        cells, points = maps.bin_rows(data.bins, data.cell), []
        labels = maps.cell_label_rows(data.bins)
        st.caption(f"{data.in_view} of {data.n_located} located events in this view ({n_events} in all), counted per "
                   f"{data.cell:g}\u00b0 grid cell: darker cells hold more events, named by their busiest place; hover "
                   f"over a cell for its count, commonest type and dates; arrows: the {grid.MAX_ARROWS_LARGE} most "
                   f"travelled movements. Zoom in to a window of at most {grid.POINTS_IN_VIEW} events to see them one "
                   "by one. Layers (top right): heat map, movements, online tiles.")
    south, west, north, east = data.box
    highlight = selection([[south, west], [north, east]])
    fmap = maps.build_binned_map(cells, points, data.moves, data.box, labels=labels)
    # Back to the analyst's view once they have zoomed in; otherwise the map keeps its fit to the extent (the
    # view st_folium reports before the map has fitted is the opening world view, not one to return to).
    zoomed_in = view is not None and not grid.contains(view, data.box)
    centre = ((view[0] + view[2]) / 2, (view[1] + view[3]) / 2) if zoomed_in else None
    st_folium(fmap, key=LARGE_MAP_KEY, height=grid.MAP_HEIGHT_PX, use_container_width=True,
              returned_objects=["last_object_clicked", "bounds", "zoom"], center=centre,
              zoom=zoom if zoomed_in else None,
              feature_group_to_add=highlight, on_change=partial(on_map_change, LARGE_MAP_KEY, data.shown))
    return data.shown


if large:
    dates = queries.event_dates(ctx.snapshot, ctx.filters)
    playing, until = playback(dates)
    large_map(None if until is None or until == dates[-1] else until)
else:
    events = queries.events(ctx.snapshot, ctx.filters)
    moves = queries.movements(ctx.snapshot, ctx.filters)
    dates = sorted({d for d in events["date_start"].dropna()})
    playing, until = playback(dates)
    shown = views.up_to(events, None if until == (dates[-1] if dates else None) else until)  # the end: undated too
    moves = moves[moves["event_id"].isin(shown["event_id"])]
    st.caption(f"{len(shown)} of {len(events)} events. Circle size: number of sources; dashed circles: places known "
               "only to a region or country; dashed arrows: movements. Layers (top right): heat map, online tiles.")
    highlight = selection(maps.bounds_of(shown.dropna(subset=["latitude", "longitude"]), moves))
    views.draw_map(ctx, shown, key=SMALL_MAP_KEY, moves=moves, height=grid.MAP_HEIGHT_PX, returned=["last_object_clicked"],
                   view=str(shown["date_start"].max()) if len(shown) else "", overlay=highlight,
                   on_change=partial(on_map_change, SMALL_MAP_KEY, shown))

at_click = st.session_state.pop(AT_CLICK, 0)
if at_click > 1:
    st.caption(f"{at_click} events at this place; showing the first. The table lists them all.")
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
