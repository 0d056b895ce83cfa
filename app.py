"""The dashboard's entry point: `streamlit run app.py`.

Finds the store (building it from data/raw when there is none), draws the shared filters once,
and hands every page the same context. Pages live in pages/ and only read through dashboard.queries.
"""
from __future__ import annotations

import os

import streamlit as st

from dashboard import collections_ui, context, queries, sidebar, startup
from dashboard.filters import query_params_dict
from etl import config

st.set_page_config(page_title="News timeline and map", layout="wide")  # no icon: a material icon is fetched online
st.set_option("client.showErrorDetails", context.error_details(os.environ, st.get_option("global.appTest")))


def build_store_if_missing() -> None:
    """First start on a fresh clone: run the pipeline over the bundled articles, with progress."""
    if queries.snapshot_of(config.PROCESSED_DIR):
        return
    try:
        from etl import pipeline
    except ImportError as exc:  # a partial checkout: show why instead of a traceback
        st.error(f"No processed store in {config.PROCESSED_DIR}, and the pipeline cannot be imported: {exc}")
        return
    bar = st.progress(0.0, text=f"Building the store from {config.RAW_DIR} (first start only)...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Reading articles: {done} of {total}")

    summary = pipeline.run([config.RAW_DIR], config.PROCESSED_DIR, progress=progress)
    bar.empty()
    st.toast(f"Store built: {summary.articles_read} articles, {summary.events} events.")


active = collections_ui.choose()  # the bundled collection or one of the user's: its store is read
if active.bundled:
    build_store_if_missing()
snapshot = queries.snapshot_of(active.processed_dir)
options = queries.filter_options(snapshot)
filters = sidebar.render_filters(options)
context.publish(context.Context(active.processed_dir, snapshot, options, filters))

overview = st.Page("pages/overview.py", title="Overview", default=True, url_path="home")  # served at "/"


def overview_alias() -> None:
    """/overview, as the menu names it: Streamlit serves the default page at "/" only, so this hands over
    to it, filters kept, and the menu marks Overview as the page shown."""
    st.switch_page(overview, query_params=query_params_dict(st.query_params))


# No page icons: Streamlit fetches navigation icons from fonts.gstatic.com, and nothing may load from the network.
pages = [
    overview,
    st.Page(overview_alias, title="Overview", url_path="overview", visibility="hidden"),
    st.Page("pages/timeline.py", title="Timeline", url_path="timeline"),
    st.Page("pages/map.py", title="Map", url_path="map"),
    st.Page("pages/events.py", title="Events", url_path="events"),
    st.Page("pages/sources.py", title="Sources", url_path="sources"),
    st.Page("pages/story.py", title="Story", url_path="story"),
    st.Page("pages/add_articles.py", title="Add articles", url_path="add_articles"),
    st.Page("pages/corrections.py", title="Corrections", url_path="corrections"),
]
if not snapshot and not active.bundled:  # a new collection: nothing to show until articles are added
    pages = [page for page in pages if page.url_path in ("", "add_articles", "corrections")]  # "": the default page
st.navigation(pages, position="sidebar").run()
startup.page_served()  # a server started by serve.py warms up what later pages need only now
