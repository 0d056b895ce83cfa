"""Sources: each article's cleaned text with its dates, places and event triggers marked."""
import streamlit as st

from dashboard import context, queries, views
from dashboard.safe import escape_markdown

ctx = context.get()
st.title("Sources")
articles = queries.articles(ctx.snapshot)
readable = articles[articles["status"] == "ok"]
if ctx.filters.sources:
    readable = readable[readable["source"].isin(ctx.filters.sources)]
if readable.empty:
    st.info("No articles to show.")
    st.stop()
labels = {row.article_id: f"{row.published or 'undated'} · {row.source} · {row.title or row.path}"
          for row in readable.itertuples()}
article_id = st.selectbox("Article", list(labels), format_func=labels.get, key="sources_article")
row = readable[readable["article_id"] == article_id].iloc[0]
st.text(f"Source: {row['source']}    Published: {row['published']} (known from {row['published_source']})")
if row["url"]:
    st.text(f"URL: {row['url']}")
if len(row["removed"]):
    st.caption("Cleaning removed: " + escape_markdown(", ".join(row["removed"])))
st.html('<div style="margin:6px 0 12px 0">'
        + "".join(f'<mark style="{style};margin-right:8px">{kind}</mark>' for kind, style in views.SPAN_STYLE.items())
        + "<small>event triggers link to their event</small></div>")
st.html(views.highlight_html(queries.article_text(ctx.snapshot, article_id),
                             queries.article_spans(ctx.snapshot, article_id), ctx.filters))
failed = articles[articles["status"] != "ok"]
if not failed.empty:
    st.subheader("Inputs that could not be read")
    st.dataframe(failed[["path", "source", "error"]], hide_index=True, width="stretch")
