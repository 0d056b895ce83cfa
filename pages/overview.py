"""Overview: the corpus as read, the span of dates, the key events, a small map."""
import streamlit as st

from dashboard import context, queries, views

ctx = context.get()
st.title("Overview")
if not ctx.snapshot:
    st.warning("There is no processed store yet. Run `python -m etl run` or restart the app to build it.")
    st.stop()

articles = queries.articles(ctx.snapshot)
events = queries.events(ctx.snapshot, ctx.filters)
ok = articles[articles["status"] == "ok"]
cols = st.columns(5)
cols[0].metric("Articles", len(ok))
cols[1].metric("Failed inputs", int((articles["status"] != "ok").sum()))
cols[2].metric("Sources", ok["source"].nunique())
cols[3].metric("Events", len(events), help="after the sidebar filters" if ctx.filters.active else None)
lo, hi = ctx.options["date_min"], ctx.options["date_max"]
cols[4].metric("Span of dates", f"{lo} to {hi}" if lo else "none")

st.subheader("Key events, by number of sources")
key_events = events.sort_values(["n_sources", "n_mentions", "date_start"], ascending=[False, False, True]).head(10)
st.dataframe(
    key_events[["date_start", "date_text", "summary", "event_type", "place_name", "n_sources", "sources"]],
    hide_index=True, width="stretch",
    column_config={"date_start": st.column_config.DateColumn("date"), "date_text": "as reported",
                   "n_sources": st.column_config.NumberColumn("sources", format="%d"),
                   "sources": st.column_config.ListColumn("reported by"), "place_name": "place"},
)

left, right = st.columns([3, 2])
with left:
    st.subheader("Corpus")
    st.caption("How each publication date was known: manifest, dateline, url, or inferred from the "
               "dates the article mentions (then treat it with care).")
    st.dataframe(
        articles[["source", "title", "published", "published_source", "status", "error", "n_events", "url"]],
        hide_index=True, width="stretch",
        column_config={"published_source": "date known from", "n_events": st.column_config.NumberColumn("events"),
                       "url": st.column_config.TextColumn("url")},
    )
with right:
    st.subheader("Where")
    views.draw_map(ctx, events, key="overview_map", height=360, heat=False)
st.caption(views.ATTRIBUTION_LINE)
info = queries.run_info(ctx.processed_dir)
if info:
    st.caption(f"Store snapshot {ctx.snapshot.rsplit('/', 1)[-1]}")
