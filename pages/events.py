"""Events: the filtered events as a searchable, sortable table; a selected row shows its sources."""
import streamlit as st

from dashboard import context, exports_ui, queries, sidebar, views

ctx = context.get()
st.title("Events")
events = queries.events(ctx.snapshot, ctx.filters)
st.caption(f"{len(events)} events. Sort by clicking a column header; search with the table's magnifier "
           "or the sidebar's text search.")
table = events[["date_start", "date_end", "date_precision", "date_text", "event_type", "sub_event_type", "summary",
                "actor1", "actor2", "place_name", "country_code", "geo_precision", "n_sources", "sources",
                "disputed", "event_id"]]
state = st.dataframe(
    table, hide_index=True, width="stretch", key="events_table", on_select="rerun", selection_mode="single-row",
    column_config={"date_start": st.column_config.DateColumn("from"), "date_end": st.column_config.DateColumn("to"),
                   "date_text": "as reported", "place_name": "place", "sources": st.column_config.ListColumn("sources"),
                   "n_sources": st.column_config.NumberColumn("n sources", format="%d")},
)
rows = state.selection.rows if state else []
if rows:
    sidebar.select_event(table.iloc[rows[0]]["event_id"])
views.show_event_details(ctx, sidebar.selected_event())
exports_ui.download_buttons(ctx, events)
