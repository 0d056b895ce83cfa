"""AppTest smoke tests: every page of the dashboard runs on a fixture store without an exception,
and untrusted article text reaches the page only escaped."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import config
from dashboard_fixtures import navigating_app_test

PAGES = ["pages/overview.py", "pages/timeline.py", "pages/map.py", "pages/events.py", "pages/sources.py",
         "pages/story.py"]


@pytest.fixture
def app(fixture_store, monkeypatch) -> AppTest:
    monkeypatch.setattr(config, "PROCESSED_DIR", fixture_store)
    return navigating_app_test(monkeypatch)


def _all_html(at: AppTest) -> str:
    return "\n".join(str(getattr(el, "proto", "")) for el in at.get("html"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(app, page):
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title and app.title[0].value


def test_overview_counts_the_corpus_and_failures(app):
    app.run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Articles"] == "4"
    assert metrics["Failed inputs"] == "1"
    assert metrics["Events"] == "6"


def test_sidebar_filter_narrows_events_and_writes_the_url(app):
    app.run()
    app.multiselect(key="flt_types").select("Battles").run()
    assert {m.label: m.value for m in app.metric}["Events"] == "3"
    assert app.query_params.get("type") in ("Battles", ["Battles"])


def test_url_reopens_the_filtered_view(app):
    app.query_params["source"] = "RT"
    app.query_params["min_sources"] = "1"
    app.run()
    assert app.multiselect(key="flt_sources").value == ["RT"]
    assert {m.label: m.value for m in app.metric}["Events"] == "3"


def test_selected_event_in_url_opens_its_details_escaped(app):
    app.query_params["event"] = "ev-hostile"
    app.run()
    app.switch_page("pages/events.py").run()
    html = _all_html(app)
    assert "tl-details" in html
    assert "<script>window" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&#36;&#123;window" in html


def test_sources_page_highlights_spans_with_links_to_events(app):
    app.run()
    app.switch_page("pages/sources.py").run()
    html = _all_html(app)
    assert 'tl-span tl-event' in html and "event=ev-" in html
    assert 'tl-span tl-place' in html


def test_story_steps_forward_and_back(app):
    app.run()
    app.switch_page("pages/story.py").run()
    first = _all_html(app)
    app.button(key="story_next").click().run()
    assert not app.exception
    second = _all_html(app)
    assert first != second and "2 / " in second
    app.button(key="story_previous").click().run()
    assert "1 / " in _all_html(app)


@pytest.fixture(scope="module")
def dense_store(tmp_path_factory) -> Path:
    from dashboard.synthetic import build_synthetic_store

    processed = tmp_path_factory.mktemp("dense")
    build_synthetic_store(processed, 2500)
    return processed


@pytest.mark.parametrize("page", ["pages/timeline.py", "pages/map.py", "pages/overview.py", "pages/events.py",
                                  "pages/sources.py"])
def test_dense_store_pages_aggregate_without_exception(app, dense_store, monkeypatch, page):
    monkeypatch.setattr(config, "PROCESSED_DIR", dense_store)
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    if page.endswith("timeline.py"):
        assert any("counts per" in c.value for c in app.caption)
    if page.endswith("events.py"):  # one page of the 2500 events, and how many there are
        assert len(app.dataframe[0].value) == 500 and any(c.value.startswith("2500 events.") for c in app.caption)
    if page.endswith("sources.py"):  # the article list is paged too
        assert len(app.selectbox(key="sources_article").options) == 100


def test_events_page_pages_through_the_events_sorted_by_sources(app, dense_store, monkeypatch):
    monkeypatch.setattr(config, "PROCESSED_DIR", dense_store)
    app.run()
    app.switch_page("pages/events.py").run()
    app.radio(key="events_order").set_value("sources").run()
    first = app.dataframe[0].value
    app.number_input(key="events_page").set_value(5).run()
    last = app.dataframe[0].value
    assert not app.exception, [e.value for e in app.exception]
    assert first["n_sources"].is_monotonic_decreasing and first["n_sources"].min() >= last["n_sources"].max()
    assert not set(first["event_id"]) & set(last["event_id"])


def test_sidebar_offers_few_places_but_keeps_one_a_url_names(app, dense_store, monkeypatch):
    from dashboard import queries

    monkeypatch.setattr(config, "PROCESSED_DIR", dense_store)
    monkeypatch.setattr(queries, "PLACE_OPTIONS", 5)
    queries.filter_options.clear()  # drop what an earlier test cached with every place offered
    app.query_params["place"] = "synthetic:0000049"
    app.run()
    places = app.multiselect(key="flt_places")
    assert len(places.options) == 6 and "Town 49" in places.options and places.value == ["synthetic:0000049"]
    assert app.query_params.get("place") in ("synthetic:0000049", ["synthetic:0000049"])
    app.multiselect(key="flt_types").select(app.multiselect(key="flt_types").options[0]).run()
    narrowed = app.multiselect(key="flt_places")  # the places of most events of that type, and the one chosen
    assert not app.exception and len(narrowed.options) <= 6 and narrowed.value == ["synthetic:0000049"]
    queries.filter_options.clear()


@pytest.mark.slow
def test_first_start_builds_the_store_from_the_bundled_articles(app, tmp_path, monkeypatch):
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    app.default_timeout = 300
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["Articles"]) == len(list(config.RAW_DIR.glob("*.txt")))
    assert (tmp_path / "processed" / "current").exists()


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> Path:
    from etl import store

    processed = tmp_path_factory.mktemp("empty")
    store.publish(processed, {name: store.to_table(name, []) for name in store.SCHEMAS}, {"run": "empty"})
    return processed


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_store(app, empty_store, monkeypatch, page):
    monkeypatch.setattr(config, "PROCESSED_DIR", empty_store)
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]


def test_timeline_with_a_date_window_draws_the_window_in_detail(app):
    app.query_params["from"] = "2015-06-01"
    app.query_params["to"] = "2016-06-30"
    app.run()
    app.switch_page("pages/timeline.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(h.value == "2015-06-01 to 2016-06-30" for h in app.subheader)


def test_dense_story_steps_through_the_most_reported_and_says_so(app, dense_store, monkeypatch):
    from dashboard import story

    monkeypatch.setattr(config, "PROCESSED_DIR", dense_store)
    app.run()
    app.switch_page("pages/story.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("reported by most sources" in c.value for c in app.caption)
    assert len(app.multiselect(key="story_pick").options) == story.MAX_EVENTS
    assert f"1 / {story.MAX_EVENTS}" in _all_html(app)


def test_dense_corrections_offer_a_bounded_choice_and_find_by_id(app, dense_store, monkeypatch):
    from dashboard import queries
    from dashboard.filters import Filters

    monkeypatch.setattr(config, "PROCESSED_DIR", dense_store)
    app.run()
    app.switch_page("pages/corrections.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.selectbox(key="corr_event").options) == 500
    assert any("first 500 in date order of 2,500" in c.value for c in app.caption)
    snapshot = queries.snapshot_of(dense_store)
    last = queries.events_page(snapshot, Filters(), "date", 1, 2499)["event_id"].iloc[0]
    app.text_input(key="corr_find").input(last).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="corr_event").value == last


@pytest.mark.parametrize("gzip_above, compressed", [(1000, True), (5000, False)])
def test_large_exports_are_offered_gzip_compressed(app, dense_store, monkeypatch, gzip_above, compressed):
    from dashboard import exports

    monkeypatch.setattr(config, "PROCESSED_DIR", dense_store)
    monkeypatch.setattr(exports, "GZIP_ABOVE", gzip_above)
    app.run()
    app.switch_page("pages/events.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("gzip-compressed (.gz)" in c.value for c in app.caption) == compressed
