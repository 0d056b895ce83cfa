"""The undated attach's index answers as the plain key-by-key search it replaces, as buckets
grow past FEW while mentions attach; and the whole merge of mostly undated mentions is the
same in one process and several."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import merge
from test_merge import WIDE
from test_merge_fast import ARTICLES, mentions


def _searched(index: merge._ClusterIndex, mention, published, ids) -> set[int]:
    """What candidates() stands for: every bucket under the mention's keys, the article's and
    the recent weeks' whatever their size, the actor's and the places' only when FEW or fewer."""
    kind = mention.sub_event_type
    keys = [("article", kind, mention.article_id)]
    if ids:
        keys.append(("actor", kind, mention.actor1))
        if published is not None:
            first, last = (published - dt.timedelta(days=merge.RECENT_DAYS)).toordinal() // 7, published.toordinal() // 7
            keys += [("actor-week", kind, mention.actor1, week) for week in range(first, last + 1)]
        for place_id in ids:
            keys += index._place_keys(kind, place_id, 1)
    found = set()
    for key in keys:
        bucket = index.keys.get(key, {})
        if key[0] in ("article", "actor-week") or len(bucket) <= index.FEW:
            found |= set(bucket)
    return found


@st.composite
def undated_heavy(draw):
    """A few dated mentions, then many undated ones (with and without places and actors, from
    articles published on different days), each joined to a cluster the test picks."""
    everything = [draw(mentions(i)) for i in range(draw(st.integers(1, 30)))]
    dated = [m for m in everything if m.date_start is not None]
    undated = [m for m in everything if m.date_start is None]
    undated += [draw(mentions(100 + i)) for i in range(draw(st.integers(0, 60)))]
    undated = [m for m in undated if m.date_start is None]
    joins = draw(st.lists(st.integers(0, 1000), min_size=len(undated), max_size=len(undated)))
    return dated, undated, joins, draw(st.integers(0, 3))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(undated_heavy())
def test_the_index_finds_what_the_plain_search_finds_as_buckets_grow(case):
    dated, undated, joins, few = case
    clusters = merge._cluster_dated(dated, WIDE)
    index = merge._ClusterIndex(WIDE)
    index.FEW = few  # small, so buckets overflow while the mentions attach
    for cluster in clusters:
        for member, ids in zip(cluster.mentions, cluster.member_places):
            index.add(cluster, member, ids)
    for mention, join in zip(undated, joins):
        ids = frozenset(merge._place_ids(mention))
        published = ARTICLES[mention.article_id].published
        found = index.candidates(mention, published, ids)
        assert {id(c) for c in found} == _searched(index, mention, published, ids)
        assert len(found) == len({id(c) for c in found})
        if clusters:
            index.add(clusters[join % len(clusters)], mention, ids)


def test_the_oldest_fitting_cluster_of_several_pools_is_the_first_that_fits_in_their_merged_order():
    import heapq
    import random

    rng = random.Random(3)
    for _ in range(300):
        everyone = [merge._Cluster(order=i) for i in range(rng.randint(0, 30))]
        pools = [sorted(rng.sample(everyone, rng.randint(0, len(everyone))), key=merge._ORDER) for _ in range(rng.randint(0, 4))]
        fitting = {c.order for c in everyone if rng.random() < 0.3}
        merged = next((c for c in heapq.merge(*pools, key=merge._ORDER) if c.order in fitting), None)
        assert merge._oldest_fitting(pools, lambda c: c.order in fitting) is merged


@st.composite
def mostly_undated(draw):
    collection = [draw(mentions(i)) for i in range(draw(st.integers(0, 80)))]
    return [m for m in collection if m.date_start is None or draw(st.integers(0, 4)) == 0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mostly_undated())
def test_mostly_undated_mentions_merge_alike_in_one_process_and_several(collection):
    assert merge.merge(collection, ARTICLES, WIDE, workers=3) == merge.merge(collection, ARTICLES, WIDE, workers=1)
