"""AppTest of the Add articles and Corrections pages on a user collection the real pipeline built:
the collection chosen by URL, pages run without exception, a correction made on the page lands in
the log and the store, undo from the page withdraws it, and the CLI sees the same store."""
from __future__ import annotations


import pytest
from streamlit.testing.v1 import AppTest

from dashboard_fixtures import navigating_app_test
from etl import cli, collections, config, corrections, pipeline, store



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
def app(collection, fixture_store, monkeypatch) -> AppTest:
    root, made = collection
    monkeypatch.setenv("TIMELINE_COLLECTIONS_DIR", str(root))
    monkeypatch.setattr(config, "PROCESSED_DIR", fixture_store)  # never the checkout's own store
    at = navigating_app_test(monkeypatch, timeout=90)
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


PASTED = """Town falls to rebels
Sun Mar 27, 2016

Rebels captured the town of Homs on Saturday after a week of fighting, witnesses said.
Government forces shelled Aleppo on Friday, killing 12 people.
"""


def test_pasted_text_gets_its_date_from_the_dateline_and_becomes_events(app, collection):
    fresh = collections.create("Pasted here")
    app.query_params["collection"] = fresh.slug
    app.run()
    app.switch_page("pages/add_articles.py").run()
    app.text_area(key="paste_text").input(PASTED).run()
    assert app.date_input(key="paste_published_2016-03-27").value.isoformat() == "2016-03-27"
    app.text_input(key="paste_source").input("Wire")
    app.text_input(key="paste_title").input("Town falls")
    app.button(key="paste_submit").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert any("Added Town\\_falls\\.txt" in s.value for s in app.success), [s.value for s in app.success]
    article = store.read_table(fresh.processed_dir, "articles").to_pylist()[0]
    assert (article["source"], article["title"], str(article["published"])) == ("Wire", "Town falls", "2016-03-27")
    assert store.read_table(fresh.processed_dir, "events").num_rows >= 1
    assert app.text_area(key="paste_text").value == ""  # the form is cleared for the next article


def test_bad_paste_is_refused_and_changes_nothing(app, collection):
    fresh = collections.create("Refused paste")
    app.query_params["collection"] = fresh.slug
    app.run()
    app.switch_page("pages/add_articles.py").run()
    app.text_area(key="paste_text").input(PASTED)
    app.text_input(key="paste_url").input("javascript:alert(1)")
    app.button(key="paste_submit").click().run()
    assert [e.value.replace("\\", "") for e in app.error] == ["the URL must start with http:// or https://"]
    assert list(fresh.raw_dir.iterdir()) == [] and store.current_snapshot(fresh.processed_dir) is None


def test_fix_a_spelling_and_merge_on_the_page(app, collection):
    _, made = collection
    app.run()
    app.switch_page("pages/corrections.py").run()
    spelling = app.selectbox(key="corr_spelling").options[0]
    app.selectbox(key="corr_spelling").select(spelling).run()
    app.text_input(key="corr_spelling_place_search").input("Damascus").run()
    chosen = app.selectbox(key="corr_spelling_place_place").value
    assert chosen
    app.button(key="corr_spelling_go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    fixed = {r["place_id"] for r in store.read_table(made.processed_dir, "place_mentions").to_pylist()
             if r["text"].casefold() == spelling.casefold()}
    assert fixed == {chosen}

    before = _events(made)
    first = app.selectbox(key="corr_event").value
    other = next(eid for eid in sorted(before) if eid != first)
    app.selectbox(key="corr_merge_other").set_value(other).run()
    app.button(key="corr_merge").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert _events(made) == before - {other}
    mentions = store.read_table(made.processed_dir, "event_mentions").to_pylist()
    assert other not in {m["event_id"] for m in mentions}


def test_a_hostile_collection_name_is_shown_literally(app, collection):
    hostile = collections.create("[click](javascript:alert(1)) <b>x</b>")
    app.query_params["collection"] = hostile.slug
    app.run()
    app.switch_page("pages/add_articles.py").run()
    caption = next(c.value for c in app.caption if "Into the collection" in c.value)
    assert r"\[click\]\(javascript\:alert\(1\)\) \<b\>x\</b\>" in caption


def test_create_rename_and_delete_a_collection_on_the_page(app, collection):
    app.run()
    app.switch_page("pages/add_articles.py").run()
    create = next(t for t in app.text_input if t.label == "New collection")
    create.input("Made on the page")
    next(b for b in app.button if b.label == "Create and open").click().run()
    assert not app.exception, [e.value for e in app.exception]
    made = collections.get("made-on-the-page")
    assert app.selectbox(key="collection_choice").value == made.slug
    assert app.query_params["collection"] == [made.slug] or app.query_params["collection"] == made.slug
    rename = next(t for t in app.text_input if t.label == "Rename this collection")
    rename.input("Renamed on the page")
    next(b for b in app.button if b.label == "Rename").click().run()
    assert collections.get(made.slug).name == "Renamed on the page"
    app.checkbox(key="collection_delete_ok").check().run()
    next(b for b in app.button if b.label == "Delete collection").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert made.slug not in {c.slug for c in collections.list_collections()}
    assert app.selectbox(key="collection_choice").value == collections.DEFAULT_SLUG


def test_a_new_empty_collection_offers_adding_articles_first(app, collection):
    empty = collections.create("Empty")
    app.query_params["collection"] = empty.slug
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    app.switch_page("pages/add_articles.py").run()
    assert not app.exception and app.title[0].value == "Add articles"
    app.switch_page("pages/corrections.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("no store yet" in i.value for i in app.info)


def test_change_form_sets_only_what_changed(app, collection):
    _, made = collection
    app.run()
    app.switch_page("pages/corrections.py").run()
    target = app.selectbox(key="corr_event").value
    app.text_input(key="corr_actor2").input("Civilians")
    app.number_input(key="corr_fatalities").set_value(7)
    next(b for b in app.button if b.label == "Save changes").click().run()
    assert not app.exception, [e.value for e in app.exception]
    logged = corrections.load(made.processed_dir)[-1]
    assert (logged.action, dict(logged.changes)) == ("set", {"actor2": "Civilians", "fatalities": 7})
    event = store.read_table(made.processed_dir, "events").to_pandas().set_index("event_id").loc[target]
    assert (event["actor2"], int(event["fatalities"])) == ("Civilians", 7)
