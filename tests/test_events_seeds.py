"""The whole ETL over the five seed articles against a hand-written gold of their dated events
(tests/gold/seed_events.csv): each gold event found exactly once, with its date at the stated
precision, its place, actors, sources and, where given, destinations, dead and disagreement."""
from __future__ import annotations

import csv
import datetime as dt

import pytest

from conftest import GOLD_DIR

pytestmark = pytest.mark.slow

GOLD = list(csv.DictReader(open(GOLD_DIR / "seed_events.csv", encoding="utf-8", newline="")))


@pytest.fixture(scope="module")
def seed_run(seed_dir):
    from etl import geo, ingest, merge, pipeline

    articles, _ = ingest.read_corpus([seed_dir])
    known = sorted(a.published for a in articles if a.published is not None)
    extractions = [r for r in pipeline.extract_articles(articles, known) if isinstance(r, pipeline.ArticleExtraction)]
    places = {m.place.place_id: m.place for x in extractions for m in x.places if m.place is not None}
    mentions = [m for x in extractions for m in x.events]
    for place_id in {p.place_id for m in mentions for p in m.places} - set(places):
        found = geo.get_place(place_id)
        if found is not None:
            places[place_id] = found
    events = merge.merge(mentions, {x.article.article_id: x.article for x in extractions}, places)
    return extractions, events


def _date_matches(event, value: str) -> bool:
    if event.date_start is None:
        return False
    precision = {4: ("year",), 7: ("month",), 10: ("day", "time")}[len(value)]
    return event.date_precision in precision and event.date_start.isoformat().startswith(value)


def _matching(events, row):
    names = [n for n in row["places"].split("|") if n]
    return [e for e in events
            if e.sub_event_type == row["sub_event_type"] and _date_matches(e, row["date"])
            and (not names or any(p.text in names for p in e.places))
            and (not row["actor1"] or e.actor1 == row["actor1"])]


def _gold_params():
    for row in GOLD:
        marks = [pytest.mark.xfail(reason=f"known gap ({row['known_gap']}): {row['evidence']}", strict=False)] if row["known_gap"] else []
        yield pytest.param(row, id=row["key"], marks=marks)


@pytest.mark.parametrize("row", _gold_params())
def test_gold_event_found_exactly_once(seed_run, row):
    _, events = seed_run
    found = _matching(events, row)
    assert len(found) == 1, [(e.summary, e.date_start, e.date_precision) for e in events if e.sub_event_type == row["sub_event_type"]]
    event = found[0]
    assert event.n_sources >= int(row["min_sources"])
    if row["actor2"]:
        assert event.actor2 == row["actor2"]
    if row["destinations"]:
        assert set(row["destinations"].split("|")) <= {p.text for p in event.places if p.role == "destination"}
    if row["fatalities"]:
        assert event.fatalities == int(row["fatalities"])
    if row["disputed_contains"]:
        assert row["disputed_contains"] in event.disputed
    else:
        assert event.disputed == ""


def test_fall_of_palmyra_may_2015_from_at_least_two_sources(seed_run):
    _, events = seed_run
    [event] = [e for e in events if e.sub_event_type == "Non-state actor overtakes territory" and e.place_id
               and any(p.text == "Palmyra" for p in e.places)]
    assert (event.date_start, event.date_precision, event.actor1) == (dt.date(2015, 5, 1), "month", "ISIS")
    assert event.n_sources >= 2


def test_temples_of_bel_and_baalshamin_demolished_august_2015_at_palmyra(seed_run):
    _, events = seed_run
    [event] = [e for e in events if e.sub_event_type == "Destruction of property" and e.date_start is not None]
    assert (event.date_start, event.date_precision) == (dt.date(2015, 8, 1), "month")
    texts = {p.text for p in event.places}
    assert {"Bel", "Baal Shamin"} <= texts and "Palmyra" in texts
    assert event.latitude == pytest.approx(34.56, abs=0.1) and event.longitude == pytest.approx(38.27, abs=0.1)


def test_recapture_of_palmyra_is_one_event_from_all_five_with_the_saturday_dispute(seed_run):
    extractions, events = seed_run
    recaptures = [e for e in events if e.sub_event_type == "Government regains territory"
                  and e.date_start is not None and e.date_start.year == 2016]
    assert len(recaptures) == 1
    [event] = recaptures
    assert (event.date_start, event.date_precision) == (dt.date(2016, 3, 27), "day")
    assert event.actor1 == "Syrian government forces" and "Palmyra" in event.summary
    assert event.n_sources == len(extractions) == 5
    assert event.disputed.startswith("2016-03-26 in ") and event.disputed.endswith("2016-03-27 in 4 sources")


def test_isis_retreat_from_palmyra_to_three_towns(seed_run):
    _, events = seed_run
    [event] = [e for e in events if e.sub_event_type == "Retreat" and e.date_start is not None]
    assert (event.date_start, event.actor1) == (dt.date(2016, 3, 27), "ISIS")
    roles = {(p.role, p.text) for p in event.places}
    assert ("origin", "Palmyra") in roles
    assert {"Sukhnah", "Raqqa", "Deir ez-Zor"} <= {text for role, text in roles if role == "destination"}


def test_no_real_event_appears_twice(seed_run):
    _, events = seed_run
    keys = [(e.sub_event_type, e.date_start, e.date_precision, e.place_id) for e in events if e.date_start is not None]
    assert len(keys) == len(set(keys))
    gold_keys = {(r["sub_event_type"], r["date"]) for r in GOLD}
    unexpected = [(e.sub_event_type, e.date_start, e.summary) for e in events if e.date_start is not None
                  and not any(k[0] == e.sub_event_type and _date_matches(e, k[1]) for k in gold_keys)]
    assert unexpected == []


def test_every_mention_points_at_its_sentence_and_trigger(seed_run):
    extractions, _ = seed_run
    for x in extractions:
        for m in x.events:
            assert x.article.text[m.sentence_start:m.sentence_end].strip() == m.sentence
            assert x.article.text[m.trigger_start:m.trigger_end] == m.trigger.split()[0] or \
                x.article.text[m.trigger_start:m.trigger_end] in m.trigger.split()
