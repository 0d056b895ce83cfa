"""The timeline benchmark's date selection and scoring, on hand-built events."""
from __future__ import annotations

import datetime as dt

from etl.bench.timeline import date_scores, ranked_dates
from etl.records import Event

D = dt.date


def event(day: dt.date | None, precision: str = "day", sources: int = 1, mentions: int = 1, event_id: str = "e") -> Event:
    return Event(event_id, "Battles", "Armed clash", "", day, day, precision, "", "", None, None, None, "", "",
                 None, sources, mentions, None, 0.5, "")


def test_a_day_weighs_all_its_events_and_months_do_not_compete():
    events = [event(D(2012, 5, 25), sources=3), event(D(2012, 5, 25), sources=2, event_id="b"),
              event(D(2012, 7, 18), sources=4), event(D(2012, 3, 1), precision="month", sources=9),
              event(None, precision="none", sources=9), event(D(2012, 2, 3), precision="time", sources=1)]
    assert ranked_dates(events) == [D(2012, 5, 25), D(2012, 7, 18), D(2012, 2, 3)]


def test_ties_go_to_more_mentions_then_the_earlier_day_and_the_span_limits_candidates():
    events = [event(D(2012, 1, 2), mentions=1), event(D(2012, 1, 3), mentions=5), event(D(2012, 1, 1), mentions=1),
              event(D(2013, 1, 1), sources=50)]
    assert ranked_dates(events, D(2012, 1, 1), D(2012, 12, 31)) == [D(2012, 1, 3), D(2012, 1, 1), D(2012, 1, 2)]


def test_date_scores_compare_sets_of_dates():
    scores = date_scores({D(2012, 1, 1), D(2012, 1, 2)}, {D(2012, 1, 2), D(2012, 1, 3), D(2012, 1, 4), D(2012, 1, 5)})
    assert (scores["precision"], scores["recall"]) == (0.5, 0.25)
    assert abs(scores["f1"] - 1 / 3) < 1e-9
    assert date_scores(set(), {D(2012, 1, 1)})["f1"] == 0.0
