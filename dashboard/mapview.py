"""What the Map page reads from the store for one view of a large store, shared with the warm-up that
reads it for the opening view as soon as a server has a store: the first analyst to open the map then
finds the aggregates cached instead of waiting for them (seconds at 10^6 events on a busy machine)."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import grid, queries
from dashboard.filters import Filters
from dashboard.geotypes import Box

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LargeView:
    n_located: int
    box: Box | None  # the extent of the located events (None: none has coordinates)
    cell: float
    in_view: int
    shown: pd.DataFrame  # the view's single events when it holds at most POINTS_IN_VIEW, else none
    bins: pd.DataFrame | None  # grid cells otherwise, each with its busiest place
    moves: pd.DataFrame


def large_view(snapshot: str, filters: Filters, view: Box | None) -> LargeView:
    """The cells (or single events) of the analyst's view; the whole extent when the view holds it all
    or is not known yet (the map's first draw)."""
    extent = queries.extent(snapshot, filters)
    moves = queries.movement_pairs(snapshot, filters, grid.MAX_ARROWS_LARGE)
    if extent["box"] is None:
        return LargeView(0, None, 0.0, 0, queries.events_in_box(snapshot, filters, None, 0), None, moves)
    box = view if view is not None and not grid.contains(view, extent["box"]) else extent["box"]
    cell = grid.cell_for(box)
    region = grid.snap_box(box, cell)
    in_view = queries.count_located(snapshot, filters, region)
    if in_view <= grid.POINTS_IN_VIEW:
        shown = queries.events_in_box(snapshot, filters, region, grid.POINTS_IN_VIEW)
        return LargeView(extent["n"], extent["box"], cell, in_view, shown, None, moves)
    return LargeView(extent["n"], extent["box"], cell, in_view, queries.events_in_box(snapshot, filters, None, 0),
                     queries.map_bins(snapshot, filters, cell, region), moves)


def warm_up(snapshot: str) -> None:
    """Read what the Map page's first draw of this store reads, into Streamlit's caches: the
    unfiltered large map (count, dates, extent, cells with their busiest places, movements). Small
    stores need none. Queries only: st_folium is not imported here (a component declared outside a
    script run left the map undrawn)."""
    every = Filters()
    if queries.count_events(snapshot, every) <= grid.AGGREGATE_ABOVE:
        return
    queries.event_dates(snapshot, every)
    large_view(snapshot, every, None)


def _warm_up_logged(snapshot: str) -> None:
    try:
        warm_up(snapshot)
    except Exception:  # a warm-up only saves time: the page reads the same and reports any error itself
        logger.exception("map warm-up failed for %s", snapshot)


@st.cache_resource(show_spinner=False, max_entries=4)
def start_warm_up(snapshot: str) -> threading.Thread:
    """`warm_up` in the background, once per store snapshot (a new run publishes a new one)."""
    thread = threading.Thread(target=_warm_up_logged, args=(snapshot,), name="map-warm-up", daemon=True)
    thread.start()
    return thread
