"""AppTest of the Add articles and Corrections pages on a user collection the real pipeline built:
the collection chosen by URL, pages run without exception, a correction made on the page lands in
the log and the store, undo from the page withdraws it, and the CLI sees the same store."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from etl import cli, collections, corrections, pipeline, store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def collection(tmp_path_factory, seed_dir):
    root = tmp_path_factory.mktemp("collections")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TIMELINE_COLLECTIONS_DIR", str(root))
        made = collections.create("Page test")
        for seed in sorted(seed_dir.glob("*.txt"))[:2]:
            collections.save_upload(made, seed.name, seed.read_bytes())
        pipeline.run([made.raw_dir], made.processed_dir)
    return root, made


@pytest.fixture
def app(collection, monkeypatch) -> AppTest:
    root, made = collection
    monkeypatch.setenv("TIMELINE_COLLECTIONS_DIR", str(root))
    original_init = PagesManager.__init__

    def init_with_navigation(self, *args, **kwargs):  # as tests/test_app_pages.py: st.navigation decides the page
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_with_navigation)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["collection"] = made.slug
    return at


def _events(made) -> set[str]:
    return {r["event_id"] for r in store.read_table(made.processed_dir, "events").to_pylist()}


@pytest.mark.parametrize("page", ["pages/add_articles.py", "pages/corrections.py"])
def test_pages_run_on_the_collection_named_in_the_url(app, collection, page):
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="collection_choice").value == collection[1].slug
    assert app.title[0].value in ("Add articles", "Corrections")
    if page.endswith("add_articles.py"):
        assert any("Page test" in c.value for c in app.caption)


def test_hide_then_undo_on_the_page(app, collection):
    _, made = collection
    app.run()
    app.switch_page("pages/corrections.py").run()
    target = app.selectbox(key="corr_event").value
    assert target in _events(made)
    app.text_input(key="corr_author").input("page-tester")
    app.button(key="corr_hide").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert target not in _events(made)
    logged = corrections.load(made.processed_dir)[-1]
    assert (logged.action, logged.author, logged.event_id) == ("hide", "page-tester", target)
    assert logged.mention_ids  # the stable keys that find the event again after a re-run

    app.selectbox(key="corr_undo").select(logged.correction_id).run()
    app.button(key="corr_undo_go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert target in _events(made)
    statuses = {r["correction_id"]: r["status"] for r in store.read_table(made.processed_dir, "corrections").to_pylist()}
    assert statuses[logged.correction_id] == "undone"
    assert cli.main(["correct", "--collection", made.slug, "list"]) == cli.EXIT_OK
