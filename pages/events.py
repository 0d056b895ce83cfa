"""Events: the filtered events as a table, a page at a time; a selected row shows its sources and is the
event the Map rings.

The count, the sort and the page are DuckDB's: the browser gets one page, however many events match.
"""
import math

import streamlit as st

from dashboard import context, exports_ui, queries, sidebar, views

PAGE_SIZE = 500
PICKED = "events_table_picked"  # the event of the row picked in the table, if any

ctx = context.get()
st.title("Events")
n_events = queries.count_events(ctx.snapshot, ctx.filters)
order_col, page_col = st.columns([3, 1])
order = order_col.radio("Sort by", list(queries.EVENT_ORDERS), horizontal=True, key="events_order",
                        format_func={"date": "date", "sources": "number of sources"}.get)
n_pages = max(1, math.ceil(n_events / PAGE_SIZE))
page = int(page_col.number_input(f"Page (of {n_pages})", min_value=1, max_value=n_pages, step=1, key="events_page"))
events = queries.events_page(ctx.snapshot, ctx.filters, order, PAGE_SIZE, (page - 1) * PAGE_SIZE)
first = (page - 1) * PAGE_SIZE + 1 if n_events else 0
st.caption(f"{n_events} events. This page shows {first} to {first + len(events) - 1 if n_events else 0}; narrow them "
           "with the sidebar's filters and text search; the table's own sort and search work within this page.")
if not n_events:
    st.info(views.NO_MATCH)
# What an analyst reads first on the left: when (at its own precision), what, where, who reported it.
table = views.with_when(events)[[
    "when", "summary", "event_type", "place_name", "n_sources", "sources", "disputed", "date_text", "date_precision",
    "date_start", "date_end", "sub_event_type", "actor1", "actor2", "country_code", "geo_precision", "event_id"]]


def on_select() -> None:
    """A row picked selects its event for every page (the map rings it); unpicking that row clears the
    selection (the table reports an empty selection when it first appears too: that one keeps it)."""
    rows = st.session_state["events_table"].selection.rows
    if rows:
        st.session_state[PICKED] = table.iloc[rows[0]]["event_id"]
        sidebar.select_event(st.session_state[PICKED])
    elif st.session_state.pop(PICKED, None) == sidebar.selected_event():
        sidebar.clear_selected_event()


st.dataframe(
    table, hide_index=True, width="stretch", key="events_table", on_select=on_select, selection_mode="single-row",
    column_config={"when": "date", "date_start": st.column_config.DateColumn("from"),
                   "date_end": st.column_config.DateColumn("to"), "date_text": "as reported",
                   "date_precision": "known to the", "event_type": "type", "sub_event_type": "sub-type",
                   "place_name": "place", "sources": st.column_config.ListColumn("sources"),
                   "n_sources": st.column_config.NumberColumn("n sources", format="%d"), "disputed": "sources disagree"},
)
views.show_event_details(ctx, sidebar.selected_event())
exports_ui.download_buttons(ctx, n_events)
