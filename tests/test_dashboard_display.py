"""How the dashboard shows what it knows: dates no more precise than the sources, slides a room can
read, and the drawing modules kept apart from the query layer."""
from __future__ import annotations

import ast
import re
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from dashboard import context, dates, geotypes, maps, queries, story, timeline, views

ROOT = Path(__file__).resolve().parent.parent
D = dt.date


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_the_map_draws_without_the_query_layer_and_shares_its_box_type():
    assert "dashboard.queries" not in _imported_modules(ROOT / "dashboard" / "maps.py")
    assert maps.Box is geotypes.Box is queries.Box


@pytest.mark.parametrize("start, end, precision, shown", [
    (D(2015, 5, 1), D(2015, 5, 31), "month", "May 2015"),
    (D(2015, 8, 1), D(2015, 8, 31), "month", "August 2015"),
    (D(2011, 1, 1), D(2011, 12, 31), "year", "2011"),
    (D(2016, 3, 27), D(2016, 3, 27), "day", "27 March 2016"),
    (D(2016, 3, 27), None, "day", "27 March 2016"),
    (pd.Timestamp("2016-03-27"), pd.NaT, "time", "27 March 2016"),
    (D(2016, 3, 26), D(2016, 3, 27), "day", "26 March 2016 to 27 March 2016"),
    (D(2016, 1, 1), D(2016, 3, 31), "quarter", "1 January 2016 to 31 March 2016"),
    (D(2015, 5, 10), D(2015, 5, 31), "month", "10 May 2015 to 31 May 2015"),  # a corrected start: shown as is
    (None, None, "none", "undated"),
    (pd.NaT, None, None, "undated"),
    (float("nan"), None, "day", "undated"),
])
def test_a_date_is_shown_at_the_precision_the_sources_gave(start, end, precision, shown):
    assert dates.date_label(start, end, precision) == shown


FALL = {"event_id": "ev-fall", "date_start": D(2015, 5, 1), "date_end": D(2015, 5, 31), "date_precision": "month",
        "date_text": "last May", "summary": "Islamic State seized Palmyra", "place_name": "Palmyra",
        "event_type": "Battles", "sources": ["RT", "Reuters"], "disputed": ""}


@pytest.mark.parametrize("changes, present, absent", [
    ({}, ["May 2015", "\u201clast May\u201d", "Palmyra", "RT, Reuters"], ["2015-05-01", "Sources disagree"]),
    ({"place_name": float("nan")}, ["place unknown"], ["nan"]),
    ({"date_start": None, "date_end": None, "date_precision": "none", "date_text": None}, ["undated"], ["None", "nan"]),
    ({"date_start": D(2011, 1, 1), "date_end": D(2011, 12, 31), "date_precision": "year", "date_text": "2011"},
     ["2011"], ["\u201c2011\u201d"]),
    ({"disputed": "2016-03-26 in News report; 2016-03-27 in 4 sources"},
     ["Sources disagree: 2016-03-26 in News report; 2016-03-27 in 4 sources"], []),
])
def test_a_slide_says_what_the_sources_said(changes, present, absent):
    slide = story.slide_html({**FALL, **changes}, "In May, ISIL took Palmyra.", 3, 14)
    for text in present:
        assert text in slide
    for text in absent:
        assert text not in slide


def test_popups_and_details_show_the_month_not_its_first_day():
    popup = maps.popup_html(FALL)
    assert "May 2015" in popup and "2015-05-01" not in popup
    details = views.details_html(FALL, pd.DataFrame(columns=["sentence", "source", "url", "title", "published",
                                                             "published_source", "reported_speech", "trigger"]),
                                 pd.DataFrame(columns=["role", "name", "text"]))
    assert "May 2015 (known to the month; reported as \u201clast May\u201d)" in details


@pytest.fixture
def app(fixture_store, monkeypatch):
    from dashboard_fixtures import navigating_app_test
    from etl import config

    monkeypatch.setattr(config, "PROCESSED_DIR", fixture_store)
    return navigating_app_test(monkeypatch)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/timeline.py", "pages/map.py", "pages/events.py",
                                  "pages/story.py"])
def test_a_filter_that_matches_nothing_says_so(app, page):
    app.query_params["q"] = "no event says this"
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("No" in info.value and "match" in info.value for info in app.info), [i.value for i in app.info]


STORY = pd.DataFrame([
    {"event_id": "ev-recapture", "latitude": 34.56, "longitude": 38.27, "geo_precision": 1},
    {"event_id": "ev-retreat", "latitude": 34.56, "longitude": 38.27, "geo_precision": 1},
    {"event_id": "ev-ramadi", "latitude": 33.42, "longitude": 43.30, "geo_precision": 1},
    {"event_id": "ev-onset", "latitude": None, "longitude": None, "geo_precision": None},
])
RETREAT_MOVES = pd.DataFrame([
    {"event_id": "ev-retreat", "destination_lat": lat, "destination_lon": lon}
    for lat, lon in ((34.88, 38.87), (35.95, 39.01), (35.34, 40.14))
])


def _event(event_id: str) -> dict:
    return STORY[STORY["event_id"] == event_id].iloc[0].to_dict()


def test_a_slide_shows_a_town_with_its_surroundings():
    centre, zoom = story.view_of(_event("ev-recapture"), STORY, RETREAT_MOVES)
    assert centre == (34.56, 38.27) and 5 <= zoom <= 8


def test_a_movement_slide_shows_where_it_went():
    centre, zoom = story.view_of(_event("ev-retreat"), STORY, RETREAT_MOVES)
    assert 34.56 < centre[0] < 35.95 and 38.27 < centre[1] < 40.14
    degrees_across = 600 / (256 * 2 ** zoom / 360)  # a 600 px wide map at that zoom
    for lon in (38.27, *RETREAT_MOVES["destination_lon"]):
        assert abs(lon - centre[1]) < degrees_across / 2
    far = pd.DataFrame([{"event_id": "ev-retreat", "destination_lat": 33.42, "destination_lon": 43.30}])
    assert story.view_of(_event("ev-retreat"), STORY, far)[1] < zoom  # further destinations: a wider view


def test_a_slide_without_a_place_shows_the_whole_story_not_the_atlantic():
    centre, zoom = story.view_of(_event("ev-onset"), STORY, RETREAT_MOVES)
    assert 33.42 <= centre[0] <= 34.56 and 38.27 <= centre[1] <= 43.30
    assert 3 <= zoom <= 7
    assert story.view_of(_event("ev-onset"), STORY.iloc[3:], RETREAT_MOVES.iloc[:0]) == (None, 2)


def test_the_map_names_its_places_escaped():
    events = pd.DataFrame([
        {"latitude": 34.56, "longitude": 38.27, "place_name": "Palmyra", "n_sources": 5},
        {"latitude": 34.56, "longitude": 38.27, "place_name": "Palmyra", "n_sources": 3},
        {"latitude": 25.26, "longitude": 55.30, "place_name": "<img src=x onerror=alert(1)>", "n_sources": 1},
        {"latitude": None, "longitude": None, "place_name": "Nowhere", "n_sources": 9},
    ])
    moves = pd.DataFrame([{"destination_lat": 35.95, "destination_lon": 39.01, "destination_name": "Raqqa"}])
    rows = maps.label_rows(events, moves)
    assert [row["text"] for row in rows][:1] == ["Palmyra"] and len(rows) == 3
    assert "Raqqa" in {row["text"] for row in rows}
    assert all("<" not in row["text"] for row in rows)
    assert len(maps.label_rows(events, moves, limit=1)) == 1


@pytest.mark.parametrize("environ, under_test, shown", [
    ({}, False, "type"), ({}, True, "full"), ({"TIMELINE_ERROR_DETAILS": "none"}, True, "none"),
    ({"TIMELINE_ERROR_DETAILS": "full"}, False, "full"),
])
def test_error_details_are_the_type_only_when_served(environ, under_test, shown):
    assert context.error_details(environ, under_test) == shown


def test_an_unexpected_error_shows_no_traceback_or_message(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail from /work/internal/path")

    monkeypatch.setattr(queries, "count_events", broken)
    monkeypatch.setenv("TIMELINE_ERROR_DETAILS", context.error_details({}, under_app_test=False))  # as served
    app.run()
    assert app.exception, "the page should have failed"
    shown = app.exception[0]
    assert not shown.stack_trace and "secret detail" not in shown.message


def test_the_timeline_legend_counts_sources_from_one_to_the_most():
    events = pd.DataFrame([{"event_id": f"e{n}", "event_type": "Battles", "summary": "s", "date_text": "",
                            "date_precision": "day", "date_start": D(2016, 3, n), "date_end": D(2016, 3, n),
                            "n_sources": n, "sources": ["a"] * n, "place_name": "P"} for n in (1, 2, 5)])
    spec = timeline.events_chart(events, pd.DataFrame(), ["Battles"]).to_dict()
    sizes = [layer["encoding"]["size"] for layer in spec["layer"] if "size" in layer.get("encoding", {})]
    assert sizes and sizes[0]["scale"]["domain"] == [1, 5] and sizes[0]["legend"]["values"] == [1, 3, 5]


def test_the_overview_states_the_span_of_dates_short_enough_to_read_whole(app):
    app.run()
    span = {m.label: m.value for m in app.metric}["Span of dates"]
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{4} \u2013 [A-Z][a-z]{2} \d{4}", span), span


def _frame(*rows) -> pd.DataFrame:
    return timeline.timeline_frame(pd.DataFrame([
        {"event_id": eid, "event_type": kind, "summary": eid, "date_text": "", "date_precision": precision,
         "date_start": start, "date_end": end, "n_sources": n, "sources": ["s"] * n, "place_name": "P"}
        for eid, kind, start, end, precision, n in rows]))


def test_the_key_events_are_the_most_reported_numbered_in_date_order():
    frame = _frame(
        ("onset", "Strategic", D(2011, 1, 1), D(2011, 12, 31), "year", 1),        # one source: not key
        ("fall", "Battles", D(2015, 5, 1), D(2015, 5, 31), "month", 4),
        ("temples", "Strategic", D(2015, 8, 1), D(2015, 8, 31), "month", 4),
        ("fight", "Battles", D(2016, 3, 26), D(2016, 3, 26), "day", 3),           # beside the recapture: left out
        ("recapture", "Battles", D(2016, 3, 27), D(2016, 3, 27), "day", 5),
        ("retreat", "Strategic", D(2016, 3, 27), D(2016, 3, 27), "day", 3),       # another row: kept
    )
    keys = timeline.key_events(frame)
    assert list(keys["event_id"]) == ["fall", "temples", "recapture", "retreat"]
    assert list(keys["key"]) == [1, 2, 3, 4]
    assert list(timeline.key_events(frame, limit=2)["event_id"]) == ["fall", "recapture"]
    assert timeline.key_events(frame.iloc[:0]).empty


def test_the_timeline_numbers_its_key_events():
    frame_events = pd.DataFrame([
        {"event_id": "recapture", "event_type": "Battles", "summary": "s", "date_text": "", "date_precision": "day",
         "date_start": D(2016, 3, 27), "date_end": D(2016, 3, 27), "n_sources": 5, "sources": ["a"] * 5,
         "place_name": "P"}])
    numbered = timeline.events_chart(frame_events, pd.DataFrame(), ["Battles"], numbered=True).to_dict()
    plain = timeline.events_chart(frame_events, pd.DataFrame(), ["Battles"]).to_dict()
    texts = [layer for layer in numbered["layer"] if layer.get("mark", {}).get("type") == "text"]
    assert len(texts) == 1 and texts[0]["encoding"]["text"]["field"] == "key"
    assert not [layer for layer in plain["layer"] if layer.get("mark", {}).get("type") == "text"]


def test_corrections_name_an_event_without_a_place_plainly(app, monkeypatch):
    original = queries.events_page

    def placeless(*args, **kwargs):
        return original(*args, **kwargs).assign(place_name=float("nan"), actor2=float("nan"))

    monkeypatch.setattr(queries, "events_page", placeless)
    app.run()
    app.switch_page("pages/corrections.py").run()
    assert not app.exception, [e.value for e in app.exception]
    offered = app.selectbox(key="corr_event").options
    assert offered and not [o for o in offered if "nan" in o], offered
    assert any("May 2015" in o for o in offered), offered  # dates at their precision
    captions = " ".join(c.value for c in app.caption)
    assert "no place" in captions and "nan" not in captions, captions


def test_the_story_offers_its_events_by_their_dates_as_reported(app):
    app.run()
    app.switch_page("pages/story.py").run()
    assert not app.exception
    offered = app.multiselect(key="story_pick").options
    assert any(o.startswith("May 2015 · ") for o in offered) and not any("2015-05-01" in o for o in offered), offered
