"""Download buttons for the exports of the current view (shared by Events and Map).

Every file is made when its button is clicked, from the filtered events in the store: a page of a
large result never reads them all just to offer the downloads.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import exports, queries, views
from dashboard.context import Context


@st.cache_data(show_spinner=False, max_entries=8)
def _offline_map(snapshot: str, filters, _events: pd.DataFrame, _moves: pd.DataFrame, _quotes: dict) -> str:
    # Keyed on (snapshot, filters); the frames are what those produce, so they need no hashing.
    return exports.offline_map_html(_events, _moves, _quotes)


def download_buttons(ctx: Context, n_events: int) -> None:
    st.subheader(f"Export the {n_events} filtered events")
    if not ctx.snapshot:
        return

    def events() -> pd.DataFrame:
        return queries.events(ctx.snapshot, ctx.filters)

    def offline_map() -> str:
        every = events()
        return _offline_map(ctx.snapshot, ctx.filters, every, queries.movements(ctx.snapshot, ctx.filters),
                            views.quotes_by_event(ctx, every["event_id"]))

    cols = st.columns(5)
    cols[0].download_button("CSV", lambda: queries.events_csv(ctx.snapshot, ctx.filters, exports.CSV_COLUMNS),
                            "events.csv", "text/csv", key="dl_csv", on_click="ignore")
    cols[1].download_button("GeoJSON", lambda: exports.to_json_bytes(exports.events_geojson(events())), "events.geojson",
                            "application/geo+json", key="dl_geojson", on_click="ignore")
    cols[2].download_button("TimelineJS JSON", lambda: exports.to_json_bytes(exports.timelinejs(events())),
                            "timelinejs.json", "application/json", key="dl_timelinejs", on_click="ignore")
    cols[3].download_button("StoryMapJS JSON", lambda: exports.to_json_bytes(exports.storymapjs(events())),
                            "storymapjs.json", "application/json", key="dl_storymapjs", on_click="ignore")
    cols[4].download_button("Offline map (HTML)", offline_map, "map.html", "text/html", key="dl_map", on_click="ignore")
