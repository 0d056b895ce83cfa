"""The timeline benchmark's scoring, as news-tls scores date selection."""
from __future__ import annotations

import datetime as dt

from etl.bench.timeline import date_scores

D = dt.date


def test_date_scores_compare_sets_of_dates():
    scores = date_scores({D(2012, 1, 1), D(2012, 1, 2)}, {D(2012, 1, 2), D(2012, 1, 3), D(2012, 1, 4), D(2012, 1, 5)})
    assert (scores["precision"], scores["recall"]) == (0.5, 0.25)
    assert abs(scores["f1"] - 1 / 3) < 1e-9
    assert date_scores(set(), {D(2012, 1, 1)})["f1"] == 0.0
