"""Add articles: upload files or paste text into the active collection, then run the ETL on it.

Every upload is checked before it is kept (type, size, readable as an article); the run is
incremental and shows its progress; the result, with each failed article and why, survives the
rerun that makes every page read the new store.
"""
import datetime as dt
import math
import threading

import streamlit as st

from dashboard import collections_ui, context
from dashboard.safe import escape_markdown as md
from etl import collections, ingest, store

_RESULT = "add_articles_result"


@st.cache_resource(show_spinner=False)
def _run_lock(slug: str) -> threading.Lock:
    """One ETL run per collection at a time, across sessions."""
    return threading.Lock()


def process(collection: collections.Collection, added: list[str], refused: list[str]) -> None:
    waiting = store.writer_busy(collection.processed_dir)
    bar = st.progress(0.0, text="Waiting for another run on this collection to finish..." if waiting else "Reading articles...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Extracting: {done} of {total} articles")

    from etl import pipeline  # spaCy and the extractors: imported by the first run, not by every visit of the page

    with _run_lock(collection.slug):
        summary = pipeline.run([collection.raw_dir], collection.processed_dir, progress=progress)
    bar.empty()
    st.session_state[_RESULT] = {"added": added, "refused": refused, "summary": summary, "slug": collection.slug}
    st.rerun()  # app.py reads the new snapshot: the sidebar and every page show the new events


def show_result(collection: collections.Collection) -> None:
    result = st.session_state.get(_RESULT)
    if not result or result["slug"] != collection.slug:
        return
    for message in result["refused"]:
        st.error(md(message))
    summary = result["summary"]
    if result["added"]:
        st.success(f"Added {md(', '.join(result['added']))}. {summary.articles_processed} articles extracted, "
                   f"{summary.articles_unchanged} unchanged; the collection now has {summary.events} events "
                   f"({summary.seconds:.1f} s).")
    for failure in summary.failures:
        shown = md(f"{failure.path.rsplit('/', 1)[-1]}: {failure.reason}")
        if failure.kind == "failed":
            st.error(f"Not read: {shown}")
        elif failure.kind == "skipped":
            st.warning(f"Skipped: {shown}")
        else:
            st.info(shown)


def save_all(collection: collections.Collection, files) -> tuple[list[str], list[str]]:
    added, refused = [], []
    for upload in files or []:
        try:
            added.append(collections.save_upload(collection, upload.name, upload.getvalue()).name)
        except collections.Refused as exc:
            refused.append(str(exc))
    return added, refused


ctx = context.get()
current = collections_ui.active()
st.title("Add articles")
st.caption(f"Into the collection **{md(current.name)}** (choose another in the sidebar). Accepted: "
           f"{', '.join(collections.UPLOAD_SUFFIXES)}, up to {collections.human_size(collections.MAX_UPLOAD_BYTES)} each. "
           "Extraction is incremental: articles already read are not processed again.")
collections_ui.manage(current)
show_result(current)

upload_tab, paste_tab = st.tabs(["Upload files", "Paste text"])
with upload_tab:
    with st.form("upload_form", clear_on_submit=True):
        files = st.file_uploader("Articles", type=[s.lstrip(".") for s in collections.UPLOAD_SUFFIXES],
                                 accept_multiple_files=True, key="upload_files",
                                 max_upload_size=max(1, math.ceil(collections.MAX_UPLOAD_BYTES / (1 << 20))))
        submitted = st.form_submit_button("Add and extract", type="primary")
    if submitted:
        added, refused = save_all(current, files)
        if added:
            process(current, added, refused)
        else:
            st.session_state[_RESULT] = None
            for message in refused or [f"No file was accepted: choose {', '.join(collections.UPLOAD_SUFFIXES)} files "
                                       "(other types are refused before they are sent)."]:
                st.error(md(message))

with paste_tab:
    text = st.text_area("Article text", height=260, key="paste_text",
                        placeholder="Paste the article here; a dateline fills the publication date.")
    source = st.text_input("Source", key="paste_source", placeholder="e.g. Reuters")
    url = st.text_input("URL", key="paste_url", placeholder="https://...")
    title = st.text_input("Title", key="paste_title")
    found, _, how = ingest.find_publication_date(text or "", url or "")
    # A new key when the text names another date, so the prefilled value follows the text.
    published = st.date_input("Publication date", value=found, key=f"paste_published_{found}",
                              min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31),
                              help=f"found in the {how}" if how else "not found in the text: please give it")
    if st.button("Add and extract", key="paste_submit", type="primary"):
        try:
            path = collections.save_pasted(current, text, source=source, url=url, title=title, published=published)
        except collections.Refused as exc:
            st.error(md(exc))
        else:
            for key in ("paste_text", "paste_source", "paste_url", "paste_title"):
                st.session_state.pop(key, None)
            process(current, [path.name], [])
