"""What a freshly started server does before anyone opens a page (`serve.py` starts it): import
what every page imports, and read the bundled store's opening queries (the sidebar's options,
the Map page's aggregates) into Streamlit's caches. Without it the first visitor waits for all of
that, seconds at 10^6 events; with it the first page costs what later ones do."""
from __future__ import annotations

import importlib
import inspect
import logging
import threading
from pathlib import Path

logger = logging.getLogger(__name__)

# What the pages import beyond app.py: the map's first (the Map and Overview pages), then the others.
# Not streamlit_folium (nor dashboard.views or exports_ui, which import it): a component declared
# outside a script run is not registered, and its map would stay undrawn.
MAP_MODULES = ("dashboard.maps", "folium.plugins")
OTHER_MODULES = ("dashboard.timeline", "dashboard.story", "dashboard.periods")
# Longest the other pages' imports wait for a first page to be served (nobody may come).
OTHERS_WAIT_S = 10.0
# Set once app.py has served a page (page_served): the first visitor's run is over.
_FIRST_PAGE_SERVED = threading.Event()


def page_served() -> None:
    """Called by app.py after each run: what the warm-up left for later (warm_up) may now start."""
    _FIRST_PAGE_SERVED.set()


def leave_legacy_multipage_mode() -> None:
    """app.py names its pages with st.navigation; Streamlit still takes the pages/ folder for the
    legacy multipage layout until a first run has called it, so a deep link (/map) into a fresh
    server would run the page alone, fail and rerun through app.py. Known from the start instead."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def skip_direct_execution_check() -> None:
    """Streamlit checks once per process, on the first element any script sends, whether it runs in
    a REPL instead of under `streamlit run`: `inspect.stack()` with source lines, which resolves the
    file of every imported module (0.66 s of the first visitor's run on this machine). A server
    started by `streamlit run serve.py` is known not to be a REPL, so the check is marked done
    (Streamlit's own flag, private: to check on an upgrade, with serve.py's st.App)."""
    from streamlit import delta_generator

    delta_generator._use_warning_has_been_displayed = True


def warm_up(processed_dir: Path, first_page_served: threading.Event | None = None) -> None:
    """The first page's needs first: the sidebar's options (app.py reads them before any page); then
    the Map page's opening aggregates in their own thread while folium is imported beside them
    (DuckDB does not hold the GIL) and the imported modules' files are resolved; then, once a first
    page is served (`first_page_served`, when given, or OTHERS_WAIT_S), the other pages' imports.
    In that order rather than all at once: the server shares its cores with the visitor's browser,
    and what the first page needs must not wait behind what a later one will."""
    from dashboard import queries

    snapshot = queries.snapshot_of(processed_dir)
    map_read = None
    if snapshot:
        queries.filter_options(snapshot)
        from dashboard import mapview

        map_read = mapview.start_warm_up(snapshot)
    _import(MAP_MODULES)
    resolve_module_files()
    if map_read:
        map_read.join()
    if first_page_served is not None:
        first_page_served.wait(OTHERS_WAIT_S)
    _import(OTHER_MODULES)
    resolve_module_files()


def _import(names: tuple[str, ...]) -> None:
    for name in names:
        importlib.import_module(name)


def resolve_module_files() -> None:
    """Streamlit finds the module that declares a component (st_folium, on the Map page) with
    `inspect.getmodule`, which resolves the real path of every imported module's file not yet
    resolved: 0.7 s in the first visitor's run at 1,400 modules. Resolved here instead, so that
    call finds only the few modules imported since."""
    inspect.getmodule(inspect.currentframe())


def _logged(processed_dir: Path) -> None:
    try:
        warm_up(processed_dir, _FIRST_PAGE_SERVED)
    except Exception:  # a warm-up only saves time: the pages read the same and report any error themselves
        logger.exception("warm-up at server start failed")


def start(processed_dir: Path) -> threading.Thread:
    """`warm_up` in the background, so the server answers at once."""
    leave_legacy_multipage_mode()
    skip_direct_execution_check()
    thread = threading.Thread(target=_logged, args=(processed_dir,), name="server-warm-up", daemon=True)
    thread.start()
    return thread
