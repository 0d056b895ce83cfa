"""Timeline: events over time; brush a range to filter every page, click an event for its sources."""
import altair as alt
import pandas as pd
import streamlit as st

from dashboard import context, periods, queries, sidebar, timeline, views

ctx = context.get()
st.title("Timeline")
undated_filters = ctx.filters.with_dates(None, None)  # the timeline shows all dates; the window is the filter
n_events = queries.count_events(ctx.snapshot, undated_filters)


def on_select() -> None:
    selection = st.session_state["timeline_chart"].selection
    dates = timeline.brushed_dates(selection)
    if dates:
        sidebar.set_date_range(*dates)
    sidebar.select_event(timeline.picked_event(selection))


if n_events > timeline.DENSE_EVENTS:
    lo, hi = ctx.options["date_min"], ctx.options["date_max"]
    grain = timeline.grain_for(lo, hi)
    st.caption(f"{n_events} events: counts per {grain}. Narrow the filters to see single events.")
    chart = timeline.counts_chart(queries.event_counts(ctx.snapshot, undated_filters, grain),
                                  ctx.options["event_types"], grain)
else:
    events = queries.events(ctx.snapshot, undated_filters)
    bands = periods.control_periods(events)
    st.caption(f"{n_events} events. Points: the day is known. Pale dashed bars: only the month or year is "
               "known. Grey bands: periods that follow from the events. Drag across the chart to filter "
               "the map and the table by date; click an event to see its sources.")
    chart = timeline.events_chart(events, bands, ctx.options["event_types"])
if ctx.filters.date_from or ctx.filters.date_to:
    window = pd.DataFrame([{"start": pd.Timestamp(ctx.filters.date_from or ctx.options["date_min"]),
                            "end": pd.Timestamp(ctx.filters.date_to or ctx.options["date_max"])}])
    chart = alt.layer(alt.Chart(window).mark_rect(color="#f59e0b", opacity=0.08).encode(x="start:T", x2="end:T"),
                      chart)
    st.caption(f"Date filter: {ctx.filters.date_from or '...'} to {ctx.filters.date_to or '...'} "
               "(reset it in the sidebar).")
st.altair_chart(chart, key="timeline_chart", on_select=on_select, width="stretch")
views.show_event_details(ctx, sidebar.selected_event())
