"""Timeline: events over time; brush a range to filter every page, click an event for its sources.

The overview chart always spans every date (the date filter shows as a shaded window on it); when a
date filter is set, a detail chart below draws just that window, focus and context.
"""
import altair as alt
import pandas as pd
import streamlit as st

from dashboard import context, periods, queries, sidebar, timeline, views
from dashboard.safe import escape_markdown as md

ctx = context.get()
st.title("Timeline")
undated_filters = ctx.filters.with_dates(None, None)
n_events = queries.count_events(ctx.snapshot, undated_filters)
windowed = bool(ctx.filters.date_from or ctx.filters.date_to)
if not n_events:
    st.info(views.NO_MATCH)
    st.stop()
if not queries.count_events(ctx.snapshot, undated_filters, dated=True):
    st.info(f"{n_events} events match the filters, none of them dated: the Events and Map pages show them.")
    st.stop()


def on_select(chart_key: str) -> None:
    selection = st.session_state[chart_key].selection
    dates = timeline.brushed_dates(selection)
    if dates:
        sidebar.set_date_range(*dates)
    sidebar.select_event(timeline.picked_event(selection))


if n_events > timeline.DENSE_EVENTS:
    lo, hi = ctx.options["date_min"], ctx.options["date_max"]
    grain = timeline.grain_for(lo, hi)
    st.caption(f"{n_events} events: counts per {grain}. Drag across the chart to see that range in detail below; "
               "narrow the filters to see single events.")
    chart = timeline.counts_chart(queries.event_counts(ctx.snapshot, undated_filters, grain),
                                  ctx.options["event_types"], grain)
    bands = None
else:
    events = queries.events(ctx.snapshot, undated_filters)
    bands = periods.control_periods(events)
    st.caption(f"{n_events} events. Points: the day is known. Pale dashed bars: only the month or year is "
               "known. Grey bands: periods that follow from the events. Drag across the chart to filter "
               "the map and the table by date; click an event to see its sources.")
    chart = timeline.events_chart(events, bands, ctx.options["event_types"], numbered=True)
    keys = timeline.key_events(timeline.timeline_frame(events))
if windowed:
    start = ctx.filters.date_from or ctx.options["date_min"]
    end = ctx.filters.date_to or ctx.options["date_max"]
    window = pd.DataFrame([{"start": pd.Timestamp(start), "end": pd.Timestamp(end)}])
    chart = alt.layer(alt.Chart(window).mark_rect(color="#f59e0b", opacity=0.08).encode(x="start:T", x2="end:T"),
                      chart)
st.altair_chart(chart, key="timeline_chart", on_select=lambda: on_select("timeline_chart"), width="stretch")
if bands is not None and not keys.empty:
    st.markdown("  \n".join(
        f"**{row.key}** · {md(row.when)} · [{md(row.summary)}]({views.event_link(row.event_id, ctx.filters, 'timeline')})"
        f" · {row.n_sources} sources" for row in keys.itertuples()))

if windowed:
    st.subheader(f"{ctx.filters.date_from or '...'} to {ctx.filters.date_to or '...'}")
    st.caption("The date filter's window (reset it in the sidebar). Drag here to narrow it further.")
    n_window = queries.count_events(ctx.snapshot, ctx.filters)
    if not n_window:
        st.info("No events in this window: widen the dates in the sidebar.")
    elif n_window <= timeline.DENSE_EVENTS:
        in_window = queries.events(ctx.snapshot, ctx.filters)
        window_bands = periods.control_periods(in_window) if bands is None else bands
        clipped = window_bands.assign(start=window_bands["start"].clip(lower=start),
                                      end=window_bands["end"].clip(upper=end))
        detail = timeline.events_chart(in_window, clipped[clipped["start"] < clipped["end"]],
                                       ctx.options["event_types"], height=260)
    else:
        window_grain = timeline.grain_for(start, end)
        st.caption(f"{n_window} events in the window: counts per {window_grain}.")
        detail = timeline.counts_chart(queries.event_counts(ctx.snapshot, ctx.filters, window_grain),
                                       ctx.options["event_types"], window_grain, height=260)
    if n_window:
        st.altair_chart(detail, key="timeline_detail", on_select=lambda: on_select("timeline_detail"), width="stretch")
views.show_event_details(ctx, sidebar.selected_event())
