"""Download buttons for the exports of the current view (shared by Events and Map).

Every file is made when its button is clicked, from the filtered events in the store: a page of a
large result never reads them all just to offer the downloads. CSV and GeoJSON hold every filtered
event (gzip-compressed past exports.GZIP_ABOVE events: Streamlit holds a download in memory);
the formats made for presenting hold at most exports.PRESENTATION_CAP of them.
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


def capped_caption(n_events: int) -> str | None:
    """What the presentation formats leave out of a large result (None when they hold it all)."""
    if n_events <= exports.PRESENTATION_CAP:
        return None
    return (f"TimelineJS, StoryMapJS and the offline map are made to be presented: they hold the "
            f"{exports.PRESENTATION_CAP:,} events reported by most sources, of {n_events:,}. Narrow the filters to "
            "present another part; CSV and GeoJSON hold every filtered event.")


def download_buttons(ctx: Context, n_events: int) -> None:
    st.subheader(f"Export the {n_events} filtered events")
    if not ctx.snapshot:
        return
    caption = capped_caption(n_events)
    if caption:
        st.caption(caption)

    def presented() -> pd.DataFrame:
        return queries.most_reported(ctx.snapshot, ctx.filters, exports.PRESENTATION_CAP)

    def offline_map() -> str:
        shown = presented()
        ids = tuple(shown["event_id"])
        return _offline_map(ctx.snapshot, ctx.filters, shown, queries.movements_of(ctx.snapshot, ids),
                            views.quotes_by_event(ctx, ids))

    gzipped = n_events > exports.GZIP_ABOVE
    if gzipped:
        st.caption(f"Over {exports.GZIP_ABOVE:,} events the CSV and GeoJSON come gzip-compressed (.gz), "
                   "a tenth of their size; any archive tool or GIS opens them.")
    suffix, zipped = (".gz", "application/gzip") if gzipped else ("", None)
    cols = st.columns(5)
    cols[0].download_button(
        "CSV" + suffix, lambda: queries.events_csv(ctx.snapshot, ctx.filters, exports.CSV_COLUMNS, gzipped),
        "events.csv" + suffix, zipped or "text/csv", key="dl_csv", on_click="ignore")
    cols[1].download_button(
        "GeoJSON" + suffix, lambda: queries.events_geojson(ctx.snapshot, ctx.filters, exports.CSV_COLUMNS, gzipped),
        "events.geojson" + suffix, zipped or "application/geo+json", key="dl_geojson", on_click="ignore")
    cols[2].download_button("TimelineJS JSON", lambda: exports.to_json_bytes(exports.timelinejs(presented())),
                            "timelinejs.json", "application/json", key="dl_timelinejs", on_click="ignore")
    cols[3].download_button("StoryMapJS JSON", lambda: exports.to_json_bytes(exports.storymapjs(presented())),
                            "storymapjs.json", "application/json", key="dl_storymapjs", on_click="ignore")
    cols[4].download_button("Offline map (HTML)", offline_map, "map.html", "text/html", key="dl_map", on_click="ignore")
