"""Merging event mentions into events: built by hand, so each rule is tested on its own."""
from __future__ import annotations

import datetime as dt
import random

from etl import merge
from etl.records import Article, EventMention, EventPlace, Place

PALMYRA = Place("geonames:170418", "Palmyra", 34.5601, 38.2805, "city", "SY", "13", 51323, "geonames")
TEMPLE = Place("poi:temple-of-bel", "Temple of Bel", 34.5475, 38.2744, "poi", "SY", "13", 0, "supplement")
AMIRIYAH = Place("geonames:999", "Al-Amiriyah", 34.60, 38.26, "village", "SY", "13", 0, "geonames")  # ~5 km north
RAQQA = Place("geonames:163915", "Ar Raqqah", 35.95, 39.01, "city", "SY", "04", 177000, "geonames")
SYRIA = Place("country:SY", "Syria", 35.0, 38.0, "country", "SY", "", 0, "countryinfo")
PLACES = {p.place_id: p for p in (PALMYRA, TEMPLE, AMIRIYAH, RAQQA, SYRIA)}

ARTICLES = {f"art{i}": Article(f"art{i}", f"Source {i}", "", "", dt.date(2016, 3, 27), "", "manifest", "en",
                               "", f"{i}.txt", "x") for i in range(6)}

MONTHS = {"2015-05": (dt.date(2015, 5, 1), dt.date(2015, 5, 31)), "2015-08": (dt.date(2015, 8, 1), dt.date(2015, 8, 31)),
          "2016-03": (dt.date(2016, 3, 1), dt.date(2016, 3, 31))}


def mention(article: str, offset: int, *, sub_type: str = "Government regains territory", date: str | None = "2016-03-27",
            place: Place | None = PALMYRA, actor1: str = "Syrian government forces", actor2: str = "",
            places: tuple[EventPlace, ...] = ()) -> EventMention:
    if date is None:
        start = end = None
        precision = "none"
    elif date in MONTHS:
        (start, end), precision = MONTHS[date], "month"
    else:
        start = end = dt.date.fromisoformat(date)
        precision = "day"
    event_type = {"Retreat": "Strategic developments", "Air/drone strike": "Explosions/Remote violence"}.get(sub_type, "Battles")
    if place is not None and not places:
        places = (EventPlace(place.place_id, "location", place.name),)
    return EventMention(
        article_id=article, mention_id=f"{article}:{offset}-{offset + 5}", sentence=f"sentence {offset}",
        sentence_start=offset, sentence_end=offset + 20, trigger="recaptured", trigger_start=offset,
        trigger_end=offset + 5, event_type=event_type, sub_event_type=sub_type, actor1=actor1, actor2=actor2,
        date_text=date or "", date_value=date or "", date_start=start, date_end=end, date_precision=precision,
        place_id=place.place_id if place else "", place_text=place.name if place else "", places=places,
        confidence=0.7)


def run(mentions):
    return merge.merge(mentions, ARTICLES, PLACES)


def test_same_event_at_different_precisions_is_one_event_at_the_finest():
    events = run([mention("art0", 10, date="2016-03"), mention("art1", 20, date="2016-03-27")])
    assert len(events) == 1
    assert (events[0].date_start, events[0].date_precision, events[0].n_sources) == (dt.date(2016, 3, 27), "day", 2)


def test_two_different_events_on_one_day_in_one_place_stay_two():
    events = run([mention("art0", 10), mention("art1", 20),
                  mention("art0", 30, sub_type="Air/drone strike", actor1="Russian forces"),
                  mention("art2", 40, actor1="ISIS", sub_type="Government regains territory")])
    assert sorted((e.sub_event_type, e.actor1, e.n_mentions) for e in events) == [
        ("Air/drone strike", "Russian forces", 1),
        ("Government regains territory", "ISIS", 1),
        ("Government regains territory", "Syrian government forces", 2)]


def test_a_one_day_disagreement_is_merged_by_majority_and_shown():
    mentions = [mention("art0", 10, date="2016-03-26")] + [mention(f"art{i}", 10 * i) for i in range(1, 5)]
    [event] = run(mentions)
    assert event.date_start == dt.date(2016, 3, 27)
    assert event.disputed == "2016-03-26 in Source 0; 2016-03-27 in 4 sources"
    assert event.n_sources == 5 and event.first_reported == dt.date(2016, 3, 27)


def test_a_one_day_disagreement_needs_everything_else_to_agree():
    events = run([mention("art0", 10, date="2016-03-26", actor1=""), mention("art1", 20)])
    assert len(events) == 2


def test_dates_two_days_apart_are_different_events():
    assert len(run([mention("art0", 10, date="2016-03-25"), mention("art1", 20)])) == 2


def test_nearby_places_merge_and_distant_places_do_not():
    assert len(run([mention("art0", 10, place=PALMYRA), mention("art1", 20, place=TEMPLE)])) == 1
    assert len(run([mention("art0", 10, place=PALMYRA), mention("art1", 20, place=RAQQA)])) == 2


def test_a_country_contains_its_cities():
    assert len(run([mention("art0", 10, place=SYRIA), mention("art1", 20, place=PALMYRA)])) == 1


def test_clashing_actors_do_not_merge_and_missing_actors_clash_with_nothing():
    assert len(run([mention("art0", 10, actor1="ISIS"), mention("art1", 20)])) == 2
    assert len(run([mention("art0", 10, actor1=""), mention("art1", 20)])) == 1


def test_an_undated_mention_joins_the_one_event_it_fits_and_only_that():
    events = run([mention("art0", 10, date="2015-05", actor1="ISIS", sub_type="Non-state actor overtakes territory"),
                  mention("art1", 20, date=None, actor1="ISIS", sub_type="Non-state actor overtakes territory")])
    assert len(events) == 1 and events[0].n_sources == 2
    # a neighbouring village is not "the same place" for an undated mention
    events = run([mention("art0", 10), mention("art1", 20, date=None, place=AMIRIYAH)])
    assert [e.date_start for e in events] == [dt.date(2016, 3, 27), None]


def test_an_ambiguous_undated_mention_stays_undated_unless_one_candidate_is_recent():
    events = run([mention("art0", 10, date="2015-05"), mention("art1", 20, date="2015-08"), mention("art2", 30, date=None)])
    assert [e.date_start for e in events] == [dt.date(2015, 5, 1), dt.date(2015, 8, 1), None]
    # an undated report refers to the event of the last days before its publication, when there is one
    events = run([mention("art0", 10, date="2015-05"), mention("art1", 20, date="2016-03-27"), mention("art2", 30, date=None)])
    assert [(e.date_start, e.n_mentions) for e in events] == [(dt.date(2015, 5, 1), 1), (dt.date(2016, 3, 27), 2)]


def test_places_and_destinations_are_pooled_and_summarised():
    destination = EventPlace(RAQQA.place_id, "destination", "Raqqa")
    origin = EventPlace(PALMYRA.place_id, "origin", "Palmyra")
    [event] = run([mention("art0", 10, sub_type="Retreat", actor1="ISIS", places=(origin,)),
                   mention("art1", 20, sub_type="Retreat", actor1="ISIS", place=None, places=(destination,))])
    assert {(p.role, p.place_id) for p in event.places} == {("origin", PALMYRA.place_id), ("destination", RAQQA.place_id)}
    assert event.summary == "ISIS withdraw from Palmyra to Raqqa"  # names as the sources write them
    assert (event.latitude, event.longitude, event.geo_precision) == (PALMYRA.lat, PALMYRA.lon, 1)


def test_summary_template_drops_parts_with_empty_fields():
    assert merge.summarise("{actor1} regain {place}[ from {actor2}]", {"actor1": "A", "place": "P", "actor2": ""}) == "A regain P"
    assert merge.summarise("{actor1} regain {place}[ from {actor2}]", {"actor1": "A", "place": "P", "actor2": "B"}) == "A regain P from B"


def test_merge_is_deterministic_whatever_the_input_order():
    mentions = [mention(f"art{i % 5}", 10 * i, date=d) for i, d in
                enumerate(["2016-03-27", "2016-03-26", "2016-03", "2016-03-27", None, "2015-05", "2016-03-27"])]
    expected = run(mentions)
    for seed in range(5):
        shuffled = mentions[:]
        random.Random(seed).shuffle(shuffled)
        assert run(shuffled) == expected
    assert len({e.event_id for e in expected}) == len(expected)
    assert sorted(m for e in expected for m in e.mention_ids) == sorted(m.mention_id for m in mentions)


def test_the_same_mention_twice_counts_once():
    [event] = run([mention("art0", 10), mention("art0", 10)])
    assert event.n_mentions == 1
