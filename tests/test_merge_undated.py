"""The compiled undated attach decides as the object reference (tests/merge_reference.py) does,
also while the index's buckets grow past FEW as mentions attach; and the whole merge of mostly
undated mentions is the same in one process and several."""
from __future__ import annotations

import merge_reference
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import merge
from test_merge import WIDE
from test_merge_fast import ARTICLES, mentions


@st.composite
def undated_heavy(draw):
    """A few dated mentions, then many undated ones (with and without places and actors, from
    articles published on different days), and how few events make a bucket ambiguous."""
    everything = [draw(mentions(i)) for i in range(draw(st.integers(1, 30)))]
    dated = [m for m in everything if m.date_start is not None]
    undated = [m for m in everything if m.date_start is None]
    undated += [m for m in (draw(mentions(100 + i)) for i in range(draw(st.integers(0, 60)))) if m.date_start is None]
    return dated + undated, draw(st.integers(0, 3))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(undated_heavy())
def test_undated_mentions_attach_as_the_reference_attaches_them_as_buckets_grow_past_few(case):
    collection, few = case
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(merge, "FEW", few)  # small, so buckets overflow while the mentions attach
        patch.setattr(merge_reference._ClusterIndex, "FEW", few)
        assert merge.merge(collection, ARTICLES, WIDE, workers=1) == merge_reference.merge_reference(collection, ARTICLES, WIDE)


def test_many_undated_retellings_attach_as_the_reference_attaches_them():
    """The benchmark's mentions, most of them undated: articles, actors and places in numbers."""
    from etl.bench.merge import synthetic_mentions

    mentions_, articles, places = synthetic_mentions(6000, seed=11)
    undated_heavy_ = [m for i, m in enumerate(mentions_) if m.date_start is None or i % 5 == 0]
    assert merge.merge(undated_heavy_, articles, places, workers=1) == merge_reference.merge_reference(undated_heavy_, articles, places)


@st.composite
def mostly_undated(draw):
    collection = [draw(mentions(i)) for i in range(draw(st.integers(0, 80)))]
    return [m for m in collection if m.date_start is None or draw(st.integers(0, 4)) == 0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mostly_undated())
def test_mostly_undated_mentions_merge_alike_in_one_process_and_several(collection):
    assert merge.merge(collection, ARTICLES, WIDE, workers=3) == merge.merge(collection, ARTICLES, WIDE, workers=1)
