"""Merging event mentions into events: built by hand, so each rule is tested on its own."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random

import pytest

from etl import merge
from merge_reference import _place_ids, places_compatible
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


def test_an_undated_mention_without_a_place_joins_only_its_own_article():
    dated = mention("art0", 10, actor1="ISIS", sub_type="Non-state actor overtakes territory")
    # another article that names the actor but no place: the actor alone is not enough
    elsewhere = mention("art1", 20, date=None, place=None, actor1="ISIS", sub_type="Non-state actor overtakes territory")
    assert [e.n_sources for e in run([dated, elsewhere])] == [1, 1]
    # the same words in the article that dated the event are the story told again
    again = mention("art0", 40, date=None, place=None, actor1="ISIS", sub_type="Non-state actor overtakes territory")
    assert [e.n_mentions for e in run([dated, again])] == [2]


def test_places_and_destinations_are_pooled_and_summarised():
    destination = EventPlace(RAQQA.place_id, "destination", "Raqqa")
    origin = EventPlace(PALMYRA.place_id, "origin", "Palmyra")
    [event] = run([mention("art0", 10, sub_type="Retreat", actor1="ISIS", places=(origin,)),
                   mention("art1", 20, sub_type="Retreat", actor1="ISIS", place=None, places=(destination,))])
    assert {(p.role, p.place_id) for p in event.places} == {("origin", PALMYRA.place_id), ("destination", RAQQA.place_id)}
    assert event.summary == "ISIS withdraw from Palmyra to Raqqa"  # names as the sources write them
    assert (event.latitude, event.longitude, event.geo_precision) == (PALMYRA.lat, PALMYRA.lon, 1)


@pytest.mark.parametrize("template, values, summary", [
    ("{actor1} regain {place}[ from {actor2}]", {"actor1": "A", "place": "P", "actor2": ""}, "A regain P"),
    ("{actor1} regain {place}[ from {actor2}]", {"actor1": "A", "place": "P", "actor2": "B"}, "A regain P from B"),
    ("[{actor1} ]shelled {place}", {"actor1": "", "place": "P"}, "shelled P"),
    ("Clash[ in {place}][ between {actor1} and {actor2}]", {"actor1": "A", "actor2": "B", "place": ""}, "Clash between A and B"),
    ("Protest[ (peaceful)] in {place}", {"place": "P"}, "Protest (peaceful) in P"),
    ("{actor1} took {place}", {"actor1": "A", "place": ""}, "A took"),
    ("{actor1} took {place}", {"actor1": "{place}", "place": "P"}, "{place} took P"),  # a value is never read as a field
    ("Strike [on {place}]", {"place": "[x] {actor1}", "actor1": "A"}, "Strike on [x] {actor1}"),
])
def test_summary_template_drops_parts_with_empty_fields(template, values, summary):
    assert merge.summarise(template, values) == summary


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


# ---------------------------------------------------------------- the sweep against the pairwise rule

HOMS_PROVINCE = Place("admin1:SY-11", "Homs Governorate", 34.7, 38.0, "admin1", "SY", "13", 0, "countrycode")
BADIA = Place("region:badia", "Syrian Desert", 34.0, 38.5, "region", "SY", "", 0, "supplement")
IRAQ = Place("country:IQ", "Iraq", 33.0, 44.0, "country", "IQ", "", 0, "countryinfo")
MOSUL = Place("geonames:99072", "Mosul", 36.34, 43.13, "city", "IQ", "15", 660000, "geonames")
NEAR_MOSUL = Place("geonames:1", "Bartella", 36.35, 43.38, "village", "IQ", "15", 0, "geonames")  # ~22 km east
WIDE = {p.place_id: p for p in (PALMYRA, TEMPLE, AMIRIYAH, RAQQA, SYRIA, HOMS_PROVINCE, BADIA, IRAQ, MOSUL, NEAR_MOSUL)}


def _reference_fits(mention, cluster, places):
    """The rule as first written: the mention against every member of the cluster."""
    near_date = False
    for other in cluster:
        ids_a, ids_b = _place_ids(mention), _place_ids(other)
        places_ok = not ids_a or not ids_b or any(places_compatible(x, y, places) for x in ids_a for y in ids_b)
        actors_ok = all(not x or not y or x == y for x, y in ((mention.actor1, other.actor1), (mention.actor2, other.actor2)))
        if not actors_ok or not places_ok:
            return False, 9
        a_end, b_end = mention.date_end or mention.date_start, other.date_end or other.date_start
        if not (mention.date_start <= b_end and other.date_start <= a_end):
            if not (mention.date_precision == other.date_precision == "day"
                    and abs((mention.date_start - other.date_start).days) == 1):
                return False, 9
            near_date = True
    if near_date:
        agree = any(mention.place_id and o.place_id == mention.place_id and mention.actor1 and o.actor1 == mention.actor1
                    for o in cluster)
        return (True, 2) if agree else (False, 9)
    return True, 0 if any(mention.place_id and o.place_id == mention.place_id for o in cluster) else 1


def _reference_clusters(mentions, places):
    """Greedy in date order: each mention joins the open cluster it fits best (oldest on a tie)."""
    result = []
    for sub_type in sorted({m.sub_event_type for m in mentions}):
        ordered = sorted((m for m in mentions if m.sub_event_type == sub_type),
                         key=lambda m: (m.date_start, m.date_end or m.date_start, m.mention_id))
        open_clusters = []
        for m in ordered:
            open_clusters = [c for c in open_clusters if max(o.date_end or o.date_start for o in c) + dt.timedelta(days=1) >= m.date_start]
            best, best_score = None, 9
            for cluster in open_clusters:
                ok, score = _reference_fits(m, cluster, places)
                if ok and score < best_score:
                    best, best_score = cluster, score
            if best is None:
                best = []
                open_clusters.append(best)
                result.append(best)
            best.append(m)
    return sorted(sorted(o.mention_id for o in c) for c in result)


DAYS = [dt.date(2016, 3, 25) + dt.timedelta(days=i) for i in range(5)]


def _random_mention(rng: random.Random, i: int) -> EventMention:
    roll = rng.random()
    if roll < 0.6:
        start = end = rng.choice(DAYS)
        precision = rng.choice(["day", "day", "day", "time"])
    elif roll < 0.85:
        start, end, precision = dt.date(2016, 3, 1), dt.date(2016, 3, 31), "month"
    else:
        start, end, precision = dt.date(2016, 1, 1), dt.date(2016, 12, 31), "year"
    place = rng.choice([None, None, "geonames:404", *WIDE])  # 404: a place the gazetteer lacks
    extra = tuple(EventPlace(rng.choice(list(WIDE)), rng.choice(["location", "origin", "target", "destination"]), "x")
                  for _ in range(rng.choice([0, 0, 0, 1, 2])))
    return EventMention(
        article_id=f"art{i % 6}", mention_id=f"art{i % 6}:{i}", sentence="s", sentence_start=0, sentence_end=1,
        trigger="t", trigger_start=i, trigger_end=i + 1, event_type="Battles",
        sub_event_type=rng.choice(["Armed clash", "Armed clash", "Government regains territory"]),
        actor1=rng.choice(["", "ISIS", "Syrian government forces"]), actor2=rng.choice(["", "", "ISIS", "Russia"]),
        date_text="", date_value="", date_start=start, date_end=end, date_precision=precision,
        place_id=place or "", place_text="", places=extra, confidence=0.5)


def test_the_sweep_groups_dated_mentions_as_the_pairwise_rule_does():
    """Dense random mentions (five days, nearby, nested and unknown places, clashing actors):
    the summarised, blocked, compiled sweep makes exactly the clusters of the member-by-member rule."""
    for seed in range(60):
        rng = random.Random(seed)
        mentions = [_random_mention(rng, i) for i in range(rng.randint(5, 60))]
        swept = sorted(sorted(e.mention_ids) for e in merge.merge(mentions, ARTICLES, WIDE, workers=1))
        assert swept == _reference_clusters(mentions, WIDE), seed


def test_the_sweep_matches_the_pairwise_rule_over_weeks_as_clusters_open_and_close():
    """Longer random runs (a month of days, month and year dates that keep clusters open, more
    actors) exercise clusters closing, naming an actor late and gaining a place late."""
    days = [dt.date(2016, 3, 1) + dt.timedelta(days=i) for i in range(31)]
    for seed in range(25):
        rng = random.Random(1000 + seed)
        mentions = []
        for i in range(rng.randint(50, 200)):
            m = _random_mention(rng, i)
            if m.date_precision in ("day", "time"):
                day = rng.choice(days)
                m = dataclasses.replace(m, date_start=day, date_end=day)
            mentions.append(dataclasses.replace(m, actor1=rng.choice(["", "", "ISIS", "Syrian government forces", "YPG"])))
        swept = sorted(sorted(e.mention_ids) for e in merge.merge(mentions, ARTICLES, WIDE, workers=1))
        assert swept == _reference_clusters(mentions, WIDE), seed


def test_merge_leaves_the_cycle_collector_as_it_found_it():
    import gc

    enabled = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            run([mention("art0", 10), mention("art1", 20, date=None)])
            assert gc.isenabled() is state
    finally:
        (gc.enable if enabled else gc.disable)()


def test_synthetic_mentions_merge_into_the_same_events_as_before_the_indexes():
    """The merge is fast because of how it searches, never because of what it merges: the
    benchmark's synthetic mentions (nested dates, countries for towns, undated retellings merged
    among themselves) give exactly the events the implementation before the actor heaps and
    oldest-first walks gave (digests of their repr, recorded with it at commit f223b9d)."""
    from etl.bench.merge import synthetic_mentions

    for seed, digest in ((1, "9dfb8f5eaad74d8f"), (2, "918b3611d8461c37")):
        events = merge.merge(*synthetic_mentions(4000, seed=seed))
        assert hashlib.sha256(repr(events).encode()).hexdigest()[:16] == digest, seed
