"""Sources: each article's cleaned text with its dates, places and event triggers marked.

Articles are listed a page at a time in publication order, counted in DuckDB; only the chosen
article's text and spans are read.
"""
import math

import streamlit as st

from dashboard import context, queries, views
from dashboard.safe import escape_markdown

PAGE_SIZE = 100

ctx = context.get()
st.title("Sources")
n_articles = queries.count_articles(ctx.snapshot, ctx.filters.sources)
if not n_articles:
    st.info("No articles to show.")
    st.stop()
n_pages = max(1, math.ceil(n_articles / PAGE_SIZE))
page = 1
if n_pages > 1:
    page = int(st.number_input(f"Page of the list (of {n_pages}; {PAGE_SIZE} articles each, by publication date)",
                               min_value=1, max_value=n_pages, step=1, key="sources_page"))
readable = queries.articles_page(ctx.snapshot, ctx.filters.sources, PAGE_SIZE, (page - 1) * PAGE_SIZE)
labels = {row.article_id: f"{row.published or 'undated'} · {row.source} · {row.title or row.path} ({row.n_events} events)"
          for row in readable.itertuples()}
article_id = st.selectbox(f"Article ({n_articles} in all)", list(labels), format_func=labels.get, key="sources_article")
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
failed = queries.failed_articles(ctx.snapshot)
if not failed.empty:
    st.subheader("Inputs that could not be read")
    st.dataframe(failed, hide_index=True, width="stretch")
