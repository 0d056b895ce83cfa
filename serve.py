"""The dashboard's server: `streamlit run serve.py` (what ./run.sh does) serves app.py, and from the
moment it starts warms up what the first page would otherwise wait for (`dashboard.startup`).
`streamlit run app.py` serves the same app without that warm-up."""
from __future__ import annotations

import webbrowser
from contextlib import asynccontextmanager

import streamlit as st

from dashboard import startup
from etl import collections


def _open_browser() -> None:
    """What `streamlit run` does for a plain script, not for an st.App: open the app unless headless."""
    if not st.get_option("server.headless"):
        webbrowser.open(f"http://{st.get_option('browser.serverAddress')}:{st.get_option('server.port')}")


@asynccontextmanager
async def _lifespan(_app: st.App):
    startup.start(collections.bundled().processed_dir)
    _open_browser()
    yield


app = st.App("app.py", lifespan=_lifespan)
