"""Story: step through events, chronologically or a chosen few, with the map flying to each."""
import streamlit as st

from dashboard import context, queries, story, views
from dashboard.dates import event_date_label

ctx = context.get()
events = queries.most_reported(ctx.snapshot, ctx.filters, story.MAX_EVENTS, dated=True)
if events.empty:
    st.title("Story")
    st.info("No dated events match the filters.")
    st.stop()

with st.container(key="story_controls"):
    st.title("Story")
    n_dated = queries.count_events(ctx.snapshot, ctx.filters, dated=True)
    if n_dated > len(events):
        st.caption(story.bounded_caption(len(events), n_dated))
    labels = {row["event_id"]: f"{event_date_label(row)} · {row['summary']}" for row in events.to_dict("records")}
    picked = st.multiselect("Events to present (empty: all, in date order)", list(labels), format_func=labels.get,
                            key="story_pick")
    present = st.toggle("Presentation mode (hides the controls; arrow keys step, Esc leaves)", key=story.PRESENT_KEY)
chosen = events[events["event_id"].isin(picked)] if picked else events
chosen = chosen.sort_values(["date_start", "event_id"]).reset_index(drop=True)
total = len(chosen)
step = min(st.session_state.get("story_step", 0), total - 1)


def move(delta: int) -> None:
    st.session_state["story_step"] = max(0, min(total - 1, st.session_state.get("story_step", 0) + delta))


if present:
    st.html(story.PRESENTATION_CSS)
st.html(story.KEYBOARD_JS, unsafe_allow_javascript=True)
event = chosen.iloc[step].to_dict()
quotes = views.quotes_by_event(ctx, [event["event_id"]])
text_col, map_col = st.columns([2, 3], vertical_alignment="top")
with text_col:
    st.html(story.slide_html(event, (quotes.get(event["event_id"]) or [None])[0], step + 1, total))
    prev_col, next_col = st.columns(2)
    prev_col.button("Previous", key=story.PREVIOUS_KEY, on_click=move, args=(-1,), disabled=step == 0,
                    icon=":material/arrow_back:", width="stretch")
    next_col.button("Next", key=story.NEXT_KEY, on_click=move, args=(1,), disabled=step >= total - 1,
                    icon=":material/arrow_forward:", width="stretch")
moves = queries.movements_of(ctx.snapshot, tuple(events["event_id"]))
with map_col, st.container(key=story.MAP_BOX_KEY):
    center, zoom = story.view_of(event, chosen, moves)
    views.draw_map(ctx, chosen, key="story_map", height=480, center=center, zoom=zoom, moves=moves, heat=False,
                   view=",".join(sorted(picked)), fill_frame=True)
