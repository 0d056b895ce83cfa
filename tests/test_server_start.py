"""The server's start (serve.py, dashboard.startup): what the first page would wait for is read and
imported before anyone opens one, except the map's component (declared outside a script run it
would not be registered, and the map would stay undrawn)."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st

from dashboard import mapview, queries, startup
from dashboard.filters import Filters
from etl import collections

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def large_store(tmp_path_factory) -> Path:
    from dashboard.synthetic import build_synthetic_store

    processed = tmp_path_factory.mktemp("large")
    build_synthetic_store(processed, 3000, seed=7)
    return processed


def test_warm_up_reads_the_first_pages_queries(large_store, monkeypatch):
    startup.warm_up(large_store)
    ran = []
    original = queries._query
    monkeypatch.setattr(queries, "_query", lambda *args, **kwargs: ran.append(args[1]) or original(*args, **kwargs))
    snapshot = queries.snapshot_of(large_store)
    queries.filter_options(snapshot)  # what app.py reads before any page
    mapview.large_view(snapshot, Filters(), None)  # the Map page's first draw
    queries.event_dates(snapshot, Filters())
    assert ran == []
    queries.count_events(snapshot, Filters(event_types=("Battles",)))
    assert len(ran) == 1  # (the spy sees uncached queries)


def test_warm_up_without_a_store_imports_only(tmp_path, monkeypatch):
    ran = []
    monkeypatch.setattr(queries, "_query", lambda *args, **kwargs: ran.append(args))
    startup.warm_up(tmp_path / "no store yet")  # a fresh clone: app.py builds the store on the first visit
    assert ran == []


def test_warm_up_imports_the_pages_modules_but_not_the_map_component(tmp_path):
    check = ("import sys; from pathlib import Path; from dashboard import startup; "
             f"startup.warm_up(Path({str(tmp_path)!r})); "
             "print(all(m in sys.modules for m in startup.MAP_MODULES + startup.OTHER_MODULES), 'streamlit_folium' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "False"], out.stderr[-2000:]


def test_the_other_pages_imports_wait_for_a_first_page_served(tmp_path):
    """They would compete with the first visitor's run for the interpreter: they start once app.py
    says a page was served."""
    check = ("import sys, threading, time; from pathlib import Path; from dashboard import startup; "
             "served = threading.Event(); "
             f"warm = threading.Thread(target=startup.warm_up, args=(Path({str(tmp_path)!r}), served)); warm.start(); "
             "deadline = time.monotonic() + 60\n"
             "while not all(m in sys.modules for m in startup.MAP_MODULES) and time.monotonic() < deadline: time.sleep(0.05)\n"
             "time.sleep(1.0); before = [m in sys.modules for m in startup.OTHER_MODULES]; "
             "served.set(); warm.join(60); "
             "print(any(before), warm.is_alive(), all(m in sys.modules for m in startup.OTHER_MODULES))")
    out = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert out.stdout.split() == ["False", "False", "True"], out.stderr[-2000:]


def test_deep_links_are_known_to_go_through_app_py(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)  # restored after the test
    startup.leave_legacy_multipage_mode()
    assert PagesManager.uses_pages_directory is False


@pytest.mark.parametrize("headless", [True, False])
def test_the_server_warms_up_as_it_starts(monkeypatch, headless):
    import serve

    started, opened = [], []
    monkeypatch.setattr(startup, "start", started.append)
    monkeypatch.setattr(serve.webbrowser, "open", opened.append)
    options = {"server.headless": headless, "browser.serverAddress": "localhost", "server.port": 8501}
    monkeypatch.setattr(st, "get_option", options.__getitem__)

    async def serve_and_stop():
        async with serve._lifespan(serve.app):
            return list(started)

    assert asyncio.run(serve_and_stop()) == [collections.bundled().processed_dir]  # before the first request
    assert opened == ([] if headless else ["http://localhost:8501"])
    assert isinstance(serve.app, st.App) and serve.app.script_path == Path("app.py")
    assert "streamlit run serve.py" in (ROOT / "run.sh").read_text()  # what the user starts


def test_the_add_articles_page_leaves_the_extractors_unimported(fixture_store, tmp_path):
    """The page without a store query: spaCy and the extractors are imported by the first run of
    the pipeline it starts, not by every visit (seconds on a server's first page)."""
    check = """
import sys
import pytest
sys.path.insert(0, "tests")
from dashboard_fixtures import navigating_app_test
app = navigating_app_test(pytest.MonkeyPatch())
app.run()
app.switch_page("pages/add_articles.py").run()
print([e.value for e in app.exception], "spacy" in sys.modules, "etl.pipeline" in sys.modules)
"""
    env = {**os.environ, "TIMELINE_PROCESSED_DIR": str(fixture_store), "TIMELINE_COLLECTIONS_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split()[-3:] == ["[]", "False", "False"], out.stdout[-1000:] + out.stderr[-2000:]
