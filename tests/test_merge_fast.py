"""The merge's fast paths give the events of the plain ones: types in several processes those of one
process, the compiled loops those of the object reference (tests/merge_reference.py)."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import merge
from etl.records import Article, EventMention, EventPlace
from test_merge import WIDE

ARTICLES = {f"art{i}": Article(f"art{i}", f"Source {i}", "", "", dt.date(2016, 3, 20 + i) if i else None, "", "manifest",
                               "en", "", f"{i}.txt", "x") for i in range(6)}
TYPES = {"Armed clash": "Battles", "Government regains territory": "Battles", "Retreat": "Strategic developments",
         "Air/drone strike": "Explosions/Remote violence"}
PLACE_IDS = ["", "", "geonames:404", *sorted(WIDE)]  # 404: a place the gazetteer lacks


@st.composite
def mentions(draw, i: int) -> EventMention:
    """A mention of a few types, days, months, years or no date, places near, nested or unknown."""
    article = draw(st.sampled_from(sorted(ARTICLES)))
    precision = draw(st.sampled_from(["day", "day", "time", "month", "year", "none"]))
    day = dt.date(2016, 3, 1) + dt.timedelta(days=draw(st.integers(0, 12)))
    start, end = {"month": (day.replace(day=1), dt.date(2016, 3, 31)), "year": (dt.date(2016, 1, 1), dt.date(2016, 12, 31)),
                  "none": (None, None)}.get(precision, (day, day))
    place_id = draw(st.sampled_from(PLACE_IDS))
    extra = tuple(EventPlace(draw(st.sampled_from(sorted(WIDE))), draw(st.sampled_from(["location", "origin", "target", "destination"])),
                             draw(st.sampled_from(["", "there"])))
                  for _ in range(draw(st.integers(0, 2))))
    sub_type = draw(st.sampled_from(sorted(TYPES)))
    return EventMention(
        article_id=article, mention_id=f"{article}:{i}", sentence=f"sentence {i}", sentence_start=0, sentence_end=1,
        trigger="t", trigger_start=i, trigger_end=i + 1, event_type=TYPES[sub_type], sub_event_type=sub_type,
        actor1=draw(st.sampled_from(["", "", "ISIS", "Syrian government forces"])), actor2=draw(st.sampled_from(["", "", "Russia"])),
        date_text=start.isoformat() if start else "", date_value="", date_start=start, date_end=end, date_precision=precision,
        place_id=place_id, place_text=place_id[-3:], places=extra, fatalities=draw(st.sampled_from([None, None, 2, 7])),
        confidence=draw(st.sampled_from([0.4, 0.5, 0.9])))


@st.composite
def collections(draw) -> list[EventMention]:
    return [draw(mentions(i)) for i in range(draw(st.integers(0, 80)))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(collections())
def test_types_merged_in_processes_give_the_events_of_one_process(collection):
    assert merge.merge(collection, ARTICLES, WIDE, workers=3) == merge.merge(collection, ARTICLES, WIDE, workers=1)


def test_the_benchmark_mentions_give_the_same_events_in_processes():
    from etl.bench.merge import synthetic_mentions

    mentions, articles, places = synthetic_mentions(3000, seed=5)
    assert merge.merge(mentions, articles, places, workers=2) == merge.merge(mentions, articles, places, workers=1)


def test_mentions_given_twice_in_both_runs_count_once_in_processes():
    import dataclasses

    from etl.bench.merge import synthetic_mentions

    mentions, articles, places = synthetic_mentions(3000, seed=6)
    again = [dataclasses.replace(m, confidence=0.95, actor1="ISIS") for m in mentions[10::150]]  # from both halves
    given = mentions[:2000] + again + mentions[2000:]  # a repeat of the first run's mentions in the second and back
    expected = merge.merge(given, articles, places, workers=1)
    assert merge.merge(given, articles, places, workers=2) == expected
    assert sum(e.n_mentions for e in expected) == len(mentions)
    assert expected != merge.merge(mentions, articles, places, workers=1)  # the repeats, given last, count


@pytest.mark.parametrize("sent", [0, 1, 3])
def test_the_types_a_dying_process_took_and_did_not_send_are_merged_in_the_calling_process(monkeypatch, sent):
    import itertools
    import os
    import pickle

    from etl.bench.merge import synthetic_mentions

    def send_then_die(sender, types, claims, merging):
        """Sends `sent` types, then dies holding one more it took."""
        for index in itertools.islice(claims, sent):
            sender.send_bytes(pickle.dumps((index, merging.described(types[index]))))
        next(iter(claims), None)
        os._exit(1)

    mentions, articles, places = synthetic_mentions(600, seed=7)
    expected = merge.merge(mentions, articles, places, workers=1)
    monkeypatch.setattr(merge, "_send_descriptions", send_then_die)
    assert merge.merge(mentions, articles, places, workers=2) == expected
    assert merge.merge(mentions, articles, places, workers=3) == expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(collections(), st.randoms(use_true_random=False))
def test_the_tables_merge_alike_in_any_row_order_and_give_each_row_its_event(collection, random):
    from etl import store

    table, places = store.event_mention_tables(collection)
    events, event_ids = merge.merge_table(table, places, ARTICLES, WIDE, workers=1)
    rows, place_rows = list(range(table.num_rows)), list(range(places.num_rows))
    random.shuffle(rows)
    random.shuffle(place_rows)
    shuffled = table.take(pa.array(rows, pa.int64()))
    assert merge.merge_table(shuffled, places.take(pa.array(place_rows, pa.int64())), ARTICLES, WIDE, workers=1) == (
        events, [event_ids[row] for row in rows])
    event_of = {mention_id: e.event_id for e in events for mention_id in e.mention_ids}
    assert event_ids == [event_of[mention_id] for mention_id in table["mention_id"].to_pylist()]


def test_a_table_giving_a_mention_id_twice_is_refused():
    from etl import store
    from etl.bench.merge import synthetic_mentions

    mentions_, articles, places = synthetic_mentions(50, seed=8)
    table, mention_places = store.event_mention_tables(mentions_ + mentions_[7:8])
    with pytest.raises(ValueError, match="given twice"):
        merge.merge_table(table, mention_places, articles, places)


def test_places_of_a_mention_not_in_the_table_are_not_read():
    from etl import store
    from etl.bench.merge import synthetic_mentions

    mentions_, articles, places = synthetic_mentions(300, seed=9)
    table, mention_places = store.event_mention_tables(mentions_)
    stray = mention_places.slice(0, 5).set_column(0, "mention_id", pa.array(["elsewhere"] * 5))
    assert merge.merge_table(table, pa.concat_tables([stray, mention_places]), articles, places) == \
        merge.merge_table(table, mention_places, articles, places)


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_every_type_is_taken_once_across_processes_largest_first(processes):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    claims = merge._Claims(200)
    taken = context.Queue()

    def take() -> None:
        for index in claims:
            taken.put(index)
        taken.put(None)

    children = [context.Process(target=take) for _ in range(processes - 1)]
    for child in children:
        child.start()
    take()
    indexes = [index for _ in range(processes) for index in iter(taken.get, None)]
    for child in children:
        child.join()
    assert sorted(indexes) == list(range(200))
    assert list(claims) == []  # all taken: a process asking again gets none
    claims.close()
    by_type = {"b": [2] * 4, "a": [1] * 5, "d": [4], "c": [3] * 3, "e": [5] * 3}
    assert merge._largest_first(by_type) == [[1] * 5, [2] * 4, [3] * 3, [5] * 3, [4]]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(collections())
def test_the_compiled_merge_gives_the_events_of_the_object_reference(collection):
    import merge_reference

    assert merge.merge(collection, ARTICLES, WIDE, workers=1) == merge_reference.merge_reference(collection, ARTICLES, WIDE)


def test_the_benchmark_mentions_give_the_events_of_the_object_reference():
    """Thousands of mentions over years: clusters open and close, buckets fill and are cleared."""
    import merge_reference
    from etl.bench.merge import synthetic_mentions

    for seed in (3, 4):
        mentions_, articles, places = synthetic_mentions(5000, seed=seed)
        assert merge.merge(mentions_, articles, places, workers=1) == merge_reference.merge_reference(mentions_, articles, places)


def test_the_merge_benchmark_prints_the_merge_and_the_pipelines_step_to_the_tables(capsys):
    from etl.bench.__main__ import main

    assert main(["merge", "--sizes", "400", "--store-events", "0", "--build-tables"]) == 0
    merged, built = capsys.readouterr().out.splitlines()
    events = int(merged.split("->")[1].split()[0].replace(",", ""))
    assert merged.startswith("merge       400 mentions ->") and "their tables made from the records before" in merged
    assert f"({events:,} events;" in built and "the store's tables from 400 extracted mentions" in built
