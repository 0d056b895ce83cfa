"""What app.py works out once per run and every page reads: the store snapshot, options, filters; and,
once per store, the map's opening aggregates read in the background (`mapview.start_warm_up`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import streamlit as st

from dashboard import mapview
from dashboard.filters import Filters

_KEY = "dashboard_context"


@dataclass(frozen=True)
class Context:
    processed_dir: Path
    snapshot: str  # "" when there is no store
    options: dict[str, Any]
    filters: Filters


def error_details(environ: Mapping[str, str], under_app_test: bool) -> str:
    """How much of an unexpected error the browser shows: its type only (a room may be watching; the
    server log has the rest), everything under Streamlit's AppTest so failing tests say why, or what
    TIMELINE_ERROR_DETAILS asks for (full, stacktrace, type, none)."""
    return environ.get("TIMELINE_ERROR_DETAILS") or ("full" if under_app_test else "type")


def publish(context: Context) -> None:
    st.session_state[_KEY] = context
    if context.snapshot:
        mapview.start_warm_up(context.snapshot)


def get() -> Context:
    """The current run's context, published by app.py before it runs the page."""
    context = st.session_state.get(_KEY)
    if context is None:
        _leave_legacy_multipage_mode()
        raise RuntimeError("open the dashboard through app.py (streamlit run app.py)")
    return context


def _leave_legacy_multipage_mode() -> None:
    """A deep link (/map) into a fresh server runs pages/map.py alone: Streamlit 1.67 still treats a
    pages/ folder as the legacy multipage layout until st.navigation has been called once. Switch that
    off and rerun, so app.py runs and its st.navigation opens the same page (same url path)."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
