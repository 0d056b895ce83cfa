"""Which collection the dashboard shows: a sidebar chooser, kept in the session and the URL.

app.py asks `choose()` once per run for the active collection (its processed dir is the store
every page reads); `manage()` draws create / rename / delete for the Add articles page. The
slug is written to the URL (?collection=slug) by dashboard.sidebar's URL sync, so a shared link
opens the same collection.
"""
from __future__ import annotations

import streamlit as st

from dashboard import sidebar
from dashboard.safe import escape_markdown as md
from etl import collections

PARAM = sidebar.COLLECTION_PARAM


def _switch(slug: str) -> None:
    """Another collection: its own filters start clean (its places, dates and sources differ)."""
    if st.session_state.get(sidebar.COLLECTION, collections.DEFAULT_SLUG) != slug:
        sidebar.reset()
    st.session_state[sidebar.COLLECTION] = slug


def active() -> collections.Collection:
    """The collection of this session: chosen before, else named in the URL, else the bundled one."""
    slug = st.session_state.get(sidebar.COLLECTION) or st.query_params.get(PARAM) or collections.DEFAULT_SLUG
    try:
        found = collections.get(slug)
    except collections.Refused:
        st.sidebar.warning(f"No collection {slug!r}; showing the bundled one.")
        found = collections.bundled()
    st.session_state[sidebar.COLLECTION] = found.slug
    return found


def choose() -> collections.Collection:
    """The chooser in the sidebar, and the collection it names."""
    current = active()
    options = {c.slug: c.name for c in collections.list_collections()}
    with st.sidebar:
        st.selectbox("Collection", list(options), index=list(options).index(current.slug),
                     format_func=lambda slug: options.get(slug, slug), key="collection_choice",
                     on_change=lambda: _switch(st.session_state["collection_choice"]),
                     help="Corpora side by side, each with its own store; add or manage them on Add articles.")
    return current


def manage(current: collections.Collection) -> None:
    """Create, rename and delete collections."""
    with st.expander("Manage collections", expanded=False):
        with st.form("collection_create", clear_on_submit=True):
            name = st.text_input("New collection", placeholder="a name, e.g. Aleppo siege")
            if st.form_submit_button("Create and open"):
                try:
                    made = collections.create(name)
                except collections.Refused as exc:
                    st.error(md(exc))
                else:
                    _open(made.slug)
        if current.bundled:
            st.caption("The bundled collection cannot be renamed or deleted.")
            return
        with st.form("collection_rename"):
            new_name = st.text_input("Rename this collection", value=current.name)
            if st.form_submit_button("Rename"):
                try:
                    collections.rename(current.slug, new_name)
                except collections.Refused as exc:
                    st.error(md(exc))
                else:
                    st.rerun()
        confirm = st.checkbox(f"Delete {current.name!r} with its articles, store and corrections", key="collection_delete_ok")
        if st.button("Delete collection", disabled=not confirm, type="secondary"):
            collections.delete(current.slug)
            _open(collections.DEFAULT_SLUG)


def _open(slug: str) -> None:
    _switch(slug)
    st.session_state.pop("collection_choice", None)  # the chooser follows on the next run
    st.rerun()
