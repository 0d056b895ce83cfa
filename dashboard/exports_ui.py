"""Download buttons for the exports of the current view (shared by Events and Map)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import exports, queries, views
from dashboard.context import Context


@st.cache_data(show_spinner=False, max_entries=8)
def _offline_map(snapshot: str, filters, _events: pd.DataFrame, _moves: pd.DataFrame, _quotes: dict) -> str:
    # Keyed on (snapshot, filters); the frames are what those produce, so they need no hashing.
    return exports.offline_map_html(_events, _moves, _quotes)


def download_buttons(ctx: Context, events: pd.DataFrame) -> None:
    st.subheader("Export the filtered events")
    cols = st.columns(5)
    cols[0].download_button("CSV", exports.events_csv(events), "events.csv", "text/csv", key="dl_csv",
                            on_click="ignore")
    cols[1].download_button("GeoJSON", exports.to_json_bytes(exports.events_geojson(events)), "events.geojson",
                            "application/geo+json", key="dl_geojson", on_click="ignore")
    cols[2].download_button("TimelineJS JSON", exports.to_json_bytes(exports.timelinejs(events)), "timelinejs.json",
                            "application/json", key="dl_timelinejs", on_click="ignore")
    cols[3].download_button("StoryMapJS JSON", exports.to_json_bytes(exports.storymapjs(events)), "storymapjs.json",
                            "application/json", key="dl_storymapjs", on_click="ignore")
    moves = queries.movements(ctx.snapshot, ctx.filters) if ctx.snapshot else None
    cols[4].download_button(
        "Offline map (HTML)",
        lambda: _offline_map(ctx.snapshot, ctx.filters, events, moves, views.quotes_by_event(ctx, events["event_id"])),
        "map.html", "text/html", key="dl_map", on_click="ignore")
