"""The correction overlay: applied by stable keys, reported when orphaned, undoable, surviving re-runs."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from etl import corrections, store
from etl.records import Place

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
ELSEWHERE = Place("geonames:2", "Elsewhere", 35.0, 40.0, "city", "SY", "", 1000, "geonames")


def _tables():
    arts = [{"article_id": a, "source": s, "status": "ok", "removed": [], "path": a} for a, s in
            (("a1", "Wire"), ("a2", "Paper"), ("a3", "TV"))]
    events = [
        {"event_id": "e1", "event_type": "battle", "summary": "Clash in Somewhere", "date_start": dt.date(2016, 3, 27),
         "date_end": dt.date(2016, 3, 27), "date_precision": "day", "place_id": "geonames:1", "latitude": 34.5,
         "longitude": 38.3, "n_sources": 2, "n_mentions": 2},
        {"event_id": "e2", "event_type": "battle", "summary": "Fighting in Somewhere", "date_start": dt.date(2016, 3, 27),
         "date_end": dt.date(2016, 3, 27), "date_precision": "day", "place_id": "geonames:1", "latitude": 34.5,
         "longitude": 38.3, "n_sources": 1, "n_mentions": 1},
    ]
    mentions = [
        {"event_id": "e1", "mention_id": "a1:1-5", "article_id": "a1", "place_text": "Somewhere", "place_id": "geonames:1"},
        {"event_id": "e1", "mention_id": "a2:9-14", "article_id": "a2", "place_text": "Somewhere", "place_id": "geonames:1"},
        {"event_id": "e2", "mention_id": "a3:3-8", "article_id": "a3", "place_text": "Sumwhere", "place_id": "geonames:1"},
    ]
    return {
        "articles": store.to_table("articles", arts),
        "events": store.to_table("events", events),
        "event_mentions": store.to_table("event_mentions", mentions),
        "event_places": store.to_table("event_places", [{"event_id": "e1", "place_id": "geonames:1", "role": "location", "text": "Somewhere"}]),
        "place_mentions": store.to_table("place_mentions", [{"article_id": "a3", "start": 0, "end": 8, "text": "Sumwhere", "place_id": "geonames:1"}]),
        "places": store.to_table("places", [{"place_id": "geonames:1", "name": "Somewhere", "lat": 34.5, "lon": 38.3}]),
    }


def lookup(place_id):
    return ELSEWHERE if place_id == ELSEWHERE.place_id else None


def _apply(*cs):
    tables, outcomes = corrections.apply(_tables(), list(cs), lookup)
    return {r["event_id"]: r for r in tables["events"].to_pylist()}, tables, outcomes


def c(action, **kw):
    return corrections.make(action, author="ana", now=NOW, **kw)


def test_set_changes_fields_and_keeps_what_was_before():
    fix = c("set", event_id="e1", mention_ids=("a1:1-5", "a2:9-14"),
            changes={"date_start": "2016-03-26", "date_end": "2016-03-26", "place_id": "geonames:2"})
    events, tables, [outcome] = _apply(fix)
    assert events["e1"]["date_start"] == dt.date(2016, 3, 26)
    assert (events["e1"]["latitude"], events["e1"]["longitude"]) == (35.0, 40.0)
    assert outcome.status == "applied" and outcome.before["date_start"] == dt.date(2016, 3, 27)
    row = tables["corrections"].to_pylist()[0]
    assert row["author"] == "ana" and "2016-03-27" in json.loads(row["before"])["date_start"]


def test_an_event_whose_id_changed_is_found_by_its_mentions():
    fix = c("set", event_id="old-id", mention_ids=("a1:1-5",), changes={"event_type": "territory"})
    events, _, [outcome] = _apply(fix)
    assert outcome.status == "applied" and events["e1"]["event_type"] == "territory"


def test_a_vanished_target_is_reported_not_lost():
    fix = c("hide", event_id="gone", mention_ids=("zz:1-2",))
    events, tables, [outcome] = _apply(fix)
    assert outcome.status == "orphaned" and set(events) == {"e1", "e2"}
    assert tables["corrections"].to_pylist()[0]["status"] == "orphaned"


def test_hide_removes_the_event_and_undo_brings_it_back():
    hide = c("hide", event_id="e2", mention_ids=("a3:3-8",))
    events, _, _ = _apply(hide)
    assert set(events) == {"e1"}
    events, _, outcomes = _apply(hide, c("undo", undoes=hide.correction_id))
    assert set(events) == {"e1", "e2"} and outcomes[0].status == "undone"


def test_merge_makes_one_event_with_every_mention_and_source():
    events, tables, [outcome] = _apply(c("merge", event_id="e1", mention_ids=("a1:1-5",), other_event_id="e2",
                                         other_mention_ids=("a3:3-8",)))
    assert set(events) == {"e1"} and events["e1"]["n_sources"] == 3 and events["e1"]["n_mentions"] == 3
    assert {m["event_id"] for m in tables["event_mentions"].to_pylist()} == {"e1"}


def test_split_makes_a_second_event_of_the_chosen_mentions():
    events, tables, [outcome] = _apply(c("split", event_id="e1", mention_ids=("a1:1-5", "a2:9-14"),
                                         other_mention_ids=("a2:9-14",)))
    assert len(events) == 3 and events["e1"]["n_mentions"] == 1
    new = next(e for e in events if e.startswith("split-"))
    assert events[new]["n_sources"] == 1 and events[new]["summary"] == "Clash in Somewhere"


def test_place_fix_applies_to_every_mention_of_the_spelling():
    events, tables, [outcome] = _apply(c("place", spelling="sumwhere", place_id="geonames:2"))
    assert tables["place_mentions"].to_pylist()[0]["place_id"] == "geonames:2"
    assert events["e2"]["place_id"] == "geonames:2" and events["e1"]["place_id"] == "geonames:1"
    assert any(p["place_id"] == "geonames:2" for p in tables["places"].to_pylist())


def test_unknown_fields_and_actions_are_refused():
    with pytest.raises(ValueError):
        c("set", event_id="e1", changes={"latitude": 1})
    with pytest.raises(ValueError):
        c("explode", event_id="e1")


@pytest.mark.slow
def test_corrections_survive_a_rerun_of_the_etl_and_reach_the_exports(seed_dir, tmp_path):
    from etl import pipeline

    processed = tmp_path / "store"
    pipeline.run([seed_dir], processed)
    events = store.read_table(processed, "events").to_pylist()
    mentions = store.read_table(processed, "event_mentions").to_pylist()
    first, second = events[0], events[-1]

    def mids(eid):
        return tuple(m["mention_id"] for m in mentions if m["event_id"] == eid)

    fix_date = c("set", event_id=first["event_id"], mention_ids=mids(first["event_id"]),
                 changes={"date_start": "2001-09-11", "date_end": "2001-09-11", "date_precision": "day"})
    hide = c("hide", event_id=second["event_id"], mention_ids=mids(second["event_id"]))
    for correction in (fix_date, hide):
        corrections.append(processed, correction)
    pipeline.republish(processed)
    pipeline.run([seed_dir], processed, rebuild=True)  # the ETL runs again from scratch

    after = {e["event_id"]: e for e in store.read_table(processed, "events").to_pylist()}
    assert after[first["event_id"]]["date_start"] == dt.date(2001, 9, 11)
    assert second["event_id"] not in after
    geojson = "".join(p.read_text() for p in store.geojson_files(store.current_snapshot(processed)))
    assert second["event_id"] not in geojson
    assert {r["status"] for r in store.read_table(processed, "corrections").to_pylist()} == {"applied"}

    corrections.append(processed, c("undo", undoes=hide.correction_id))
    pipeline.republish(processed)
    assert second["event_id"] in {e["event_id"] for e in store.read_table(processed, "events").to_pylist()}


def test_an_empty_log_leaves_every_table_as_a_log_of_orphans_does():
    _, untouched, none = _apply()
    _, orphaned, [outcome] = _apply(c("hide", event_id="gone", mention_ids=("nowhere:1-2",)))
    assert none == [] and outcome.status == "orphaned"
    assert untouched["corrections"].num_rows == 0 and untouched["corrections"].schema == store.SCHEMAS["corrections"]
    assert {n: t for n, t in untouched.items() if n != "corrections"} == {n: t for n, t in orphaned.items() if n != "corrections"}
