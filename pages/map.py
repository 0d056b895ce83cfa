"""Map: where events happened, movements between places, a heat layer and a playback over dates."""
import time

import streamlit as st

from dashboard import context, queries, sidebar, views

ctx = context.get()
st.title("Map")
events = queries.events(ctx.snapshot, ctx.filters)
moves = queries.movements(ctx.snapshot, ctx.filters)
dates = sorted({d for d in events["date_start"].dropna()})

if len(dates) > 1:
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
    shown = events[events["date_start"].isna() | (events["date_start"] <= until)]
    moves = moves[moves["event_id"].isin(shown["event_id"])]
else:
    playing, shown = False, events

st.caption(f"{len(shown)} of {len(events)} events. Circle size: number of sources; dashed circles: places known "
           "only to a region or country; dashed arrows: movements. Layers (top right): heat map, online tiles.")
result = views.draw_map(ctx, shown, key="main_map", moves=moves, height=560, returned=["last_object_clicked"],
                        view=str(shown["date_start"].max()) if len(shown) else "")
clicked = views.events_at(shown, result.get("last_object_clicked"))
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
