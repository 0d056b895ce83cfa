"""What app.py works out once per run and every page reads: the store snapshot, options, filters."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.filters import Filters

_KEY = "dashboard_context"


@dataclass(frozen=True)
class Context:
    processed_dir: Path
    snapshot: str  # "" when there is no store
    options: dict[str, Any]
    filters: Filters


def publish(context: Context) -> None:
    st.session_state[_KEY] = context


def get() -> Context:
    """The current run's context; a page opened without app.py has none, which is a bug worth a clear error."""
    context = st.session_state.get(_KEY)
    if context is None:
        raise RuntimeError("open the dashboard through app.py (streamlit run app.py)")
    return context
