"""Overview: the corpus as read, the span of dates, the key events, a small map.

Everything is counted or ranked in DuckDB: the page reads ten key events, a page of articles and,
for a large result, grid cells instead of events, so it loads as fast at a million events as at ten.
"""
import streamlit as st

from dashboard import context, grid, queries, views

KEY_EVENTS = 10
CORPUS_ROWS = 200  # the first articles by publication date; the Sources page pages through all

ctx = context.get()
st.title("Overview")
if not ctx.snapshot:
    st.warning("There is no processed store yet. Run `python -m etl run` or restart the app to build it.")
    st.stop()

corpus = queries.corpus_summary(ctx.snapshot)
n_events = queries.count_events(ctx.snapshot, ctx.filters)
cols = st.columns([1, 1, 1, 1, 3])  # the span of dates needs the room of three counts
cols[0].metric("Articles", corpus["articles"])
cols[1].metric("Failed inputs", corpus["failed"])
cols[2].metric("Sources", corpus["sources"])
cols[3].metric("Events", n_events, help="after the sidebar filters" if ctx.filters.active else None)
lo, hi = ctx.options["date_min"], ctx.options["date_max"]
cols[4].metric("Span of dates", f"{lo:%b %Y} \u2013 {hi:%b %Y}" if lo else "none",
               help=f"from {lo} to {hi}, over every event with a date" if lo else None)

st.subheader("Key events, by number of sources")
key_events = views.with_when(queries.events_page(ctx.snapshot, ctx.filters, "sources", KEY_EVENTS))
if key_events.empty:
    st.info(views.NO_MATCH)
st.dataframe(
    key_events[["when", "date_text", "summary", "event_type", "place_name", "n_sources", "sources", "disputed"]],
    hide_index=True, width="stretch",
    column_config={"when": "date", "date_text": "as reported", "event_type": "type",
                   "n_sources": st.column_config.NumberColumn("sources", format="%d"),
                   "sources": st.column_config.ListColumn("reported by"), "place_name": "place",
                   "disputed": "sources disagree"},
)

left, right = st.columns([3, 2])
with left:
    st.subheader("Corpus")
    st.caption("How each publication date was known: manifest, dateline, url, or inferred from the "
               "dates the article mentions (then treat it with care)."
               + (f" The first {CORPUS_ROWS} of {corpus['articles']} articles; the Sources page lists them all."
                  if corpus["articles"] > CORPUS_ROWS else ""))
    articles = queries.articles_page(ctx.snapshot, (), CORPUS_ROWS)
    st.dataframe(
        articles[["source", "title", "published", "published_source", "n_events", "url"]],
        hide_index=True, width="stretch",
        column_config={"published_source": "date known from", "n_events": st.column_config.NumberColumn("events"),
                       "url": st.column_config.TextColumn("url")},
    )
    failed = queries.failed_articles(ctx.snapshot)
    if not failed.empty:
        st.caption(f"{len(failed)} inputs could not be read: " + ", ".join(failed["path"].astype(str).head(20)))
with right:
    st.subheader("Where")
    if n_events > grid.AGGREGATE_ABOVE:
        views.draw_grid_map(ctx, key="overview_map", height=360)
    else:
        views.draw_map(ctx, queries.events(ctx.snapshot, ctx.filters), key="overview_map", height=360, heat=False)
st.caption(views.ATTRIBUTION_LINE)
info = queries.run_info(ctx.processed_dir)
if info:
    st.caption(f"Store snapshot {ctx.snapshot.rsplit('/', 1)[-1]}")
