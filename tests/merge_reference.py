"""The merge as it was written in objects (summarised clusters, blocking keys, actor heaps,
indexes of dated clusters), kept as the reference the compiled merge must equal event for event."""
from __future__ import annotations

import bisect
import hashlib
import datetime as dt
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Mapping, Sequence

from etl import merge, merge_columns
from etl.merge import LOCATING_ROLES, NEARBY_KM, RECENT_DAYS, _km
from etl.records import Article, Event, EventMention, EventPlace, Place

CONTAINER_KINDS = frozenset({"country", "admin1", "admin2", "region", "continent"})
DAY = dt.timedelta(days=1)



@dataclass(eq=False)
class _Cluster:
    mentions: list[EventMention] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None
    # What the dated sweep needs to tell in O(1) whether a mention fits every member (see _Sweep).
    order: int = 0
    min_end: dt.date | None = None
    actor1: str = ""  # the one actor its members name ("" none): a clashing mention never joins
    actor2: str = ""
    place_sets: set[frozenset[str]] = field(default_factory=set)
    main_places: set[str] = field(default_factory=set)
    place_actors: set[tuple[str, str]] = field(default_factory=set)
    article_ids: set[str] = field(default_factory=set)
    ends: dict[dt.date, int] = field(default_factory=dict)  # members by their last day
    single_days: dict[dt.date, int] = field(default_factory=dict)  # day-precise one-day members, by that day
    member_places: list[frozenset[str]] = field(default_factory=list)  # each member's _place_ids

    def add(self, mention: EventMention, ids: frozenset[str]) -> None:
        self.mentions.append(mention)
        self.member_places.append(ids)
        start = mention.date_start
        if start is not None:
            end = mention.date_end or start
            if self.start is None:  # its first dated member
                self.start, self.end, self.min_end = start, end, end
            else:
                if start < self.start:
                    self.start = start
                if end > self.end:
                    self.end = end
                if end < self.min_end:
                    self.min_end = end
            ends = self.ends
            ends[end] = ends.get(end, 0) + 1
            if end == start and mention.date_precision == "day":
                self.single_days[end] = self.single_days.get(end, 0) + 1
        self.article_ids.add(mention.article_id)
        if mention.actor1:
            self.actor1 = mention.actor1
        if mention.actor2:
            self.actor2 = mention.actor2
        if ids:
            self.place_sets.add(ids)
        place_id = mention.place_id
        if place_id:
            self.main_places.add(place_id)
            self.place_actors.add((place_id, mention.actor1))




def _place_ids(mention: EventMention) -> set[str]:
    """Where the mention happens: its main place and every located, targeted or origin place
    ("declared a caliphate in Syria and Iraq" is at both)."""
    ids = {p.place_id for p in mention.places if p.role in LOCATING_ROLES and p.place_id}
    return ids | ({mention.place_id} if mention.place_id else set())


def _contains(outer: Place, inner: Place) -> bool:
    if outer.kind == "country":
        return bool(outer.country_code) and outer.country_code == inner.country_code
    if outer.kind == "admin1":
        return bool(outer.admin1) and outer.country_code == inner.country_code and outer.admin1 == inner.admin1
    return False


def places_compatible(a: str, b: str, places: Mapping[str, Place]) -> bool:
    """Same place, nearby places, or one place inside the other; no place is compatible."""
    if not a or not b or a == b:
        return True
    pa, pb = places.get(a), places.get(b)
    if pa is None or pb is None:
        return False
    if pa.kind in CONTAINER_KINDS or pb.kind in CONTAINER_KINDS:
        return _contains(pa, pb) or _contains(pb, pa)
    return _km(pa, pb) <= NEARBY_KM



def _same_place(ids: frozenset[str], other: frozenset[str], places: Mapping[str, Place]) -> bool:
    """Stricter than compatible, for mentions with no date: the same place or a point of interest
    near it; never merely a neighbouring town or the country around it."""
    for x in ids:
        for y in other:
            if x == y:
                return True
            px, py = places.get(x), places.get(y)
            if px and py and "poi" in (px.kind, py.kind) and _km(px, py) <= NEARBY_KM:
                return True
    return False


def _actors_fit(mention: EventMention, cluster: "_Cluster") -> bool:
    """The mention's actors clash with no member's (an unnamed actor clashes with nothing)."""
    return ((not mention.actor1 or not cluster.actor1 or mention.actor1 == cluster.actor1)
            and (not mention.actor2 or not cluster.actor2 or mention.actor2 == cluster.actor2))


class _PlaceBlocks:
    """Blocking keys that find every place compatible with a place (same, nearby, containing or
    contained) without comparing it with every place; the exact test is places_compatible."""

    def __init__(self, places: Mapping[str, Place]):
        self.places = places
        self._compatible: dict[tuple[frozenset[str], frozenset[str]], bool] = {}
        self._keys: dict[str, list[tuple]] = {}
        self._probes: dict[str, list[tuple]] = {}
        self._encoder = merge_columns.Encoder(places, NEARBY_KM, LOCATING_ROLES, _km)  # the same keys: one statement of them

    def keys(self, place_id: str) -> list[tuple]:
        """Where a member's place is filed."""
        keys = self._keys.get(place_id)
        if keys is None:
            keys = self._keys[place_id] = self._encoder._filing(place_id)
        return keys

    def probes(self, place_id: str) -> list[tuple]:
        """The keys under which every place compatible with this one is filed."""
        probes = self._probes.get(place_id)
        if probes is None:
            probes = self._probes[place_id] = self._encoder._probing(place_id)
        return probes

    def compatible(self, ids: frozenset[str], other: frozenset[str]) -> bool:
        key = (ids, other)
        found = self._compatible.get(key)
        if found is None:
            found = self._compatible[key] = any(places_compatible(x, y, self.places) for x in ids for y in other)
        return found


class _OldestByActors:
    """Open clusters under their actors, oldest first, so the oldest cluster whose actors fit a
    mention is the head of at most four heaps instead of the end of a scan through every open
    cluster. Heaps are lazy: an entry whose cluster has since named an actor, closed (its
    earliest end is before today) or, in the placeless index, gained a place is dropped when it
    comes up; none of these can be undone, so a dropped entry is never needed again."""

    def __init__(self, placeless: bool):
        self.placeless = placeless
        self.heaps: dict[tuple, list[tuple[int, _Cluster]]] = defaultdict(list)

    @staticmethod
    def _keys(actor1: str, actor2: str) -> set[tuple]:
        return {(None, None), (actor1, None), (None, actor2), (actor1, actor2)}  # None: any actor

    def file(self, cluster: _Cluster, before: tuple[str, str] | None = None) -> None:
        """Under the cluster's actors (again, after it named one it lacked before)."""
        keys = self._keys(cluster.actor1, cluster.actor2)
        if before is not None:
            keys -= self._keys(*before)
        for key in keys:
            heapq.heappush(self.heaps[key], (cluster.order, cluster))

    def _head(self, key: tuple, today: dt.date) -> _Cluster | None:
        heap = self.heaps.get(key)
        while heap:
            cluster = heap[0][1]
            if (cluster.min_end >= today and (key[0] is None or key[0] == cluster.actor1)
                    and (key[1] is None or key[1] == cluster.actor2) and not (self.placeless and cluster.place_sets)):
                return cluster
            heapq.heappop(heap)
        return None

    def oldest(self, actor1: str, actor2: str, today: dt.date) -> _Cluster | None:
        """The oldest cluster open today whose actors do not clash with these."""
        best = None
        for first in ("", actor1) if actor1 else (None,):
            for second in ("", actor2) if actor2 else (None,):
                found = self._head((first, second), today)
                if found is not None and (best is None or found.order < best.order):
                    best = found
        return best


_ORDER = attrgetter("order")
_MENTION_ID = attrgetter("mention_id")


class _Sweep:
    """Dated mentions of one sub-event type, in date order, each joining the best open cluster
    whose every member it fits (else starting its own).

    A mention fits a member when their actors do not clash, their places are compatible and
    their dates overlap, or are one day apart at day precision (then only when some member has
    the same place and actor1). Among the clusters it fits, the same place wins, then any, then
    a one-day disagreement; ties go to the oldest cluster. Each cluster keeps summaries (actors,
    place sets, earliest end) so a fit is decided without visiting its members. A mention that
    names no place fits, among the clusters open today, the oldest whose actors fit: that is
    the head of an actor index (_OldestByActors). A mention with a place looks first at the
    clusters at that very place (the same place wins outright), then walks the clusters filed
    under its place blocking keys oldest first and stops at the first that fits. Dates are
    intervals whose end is not before their start, as etl.timex makes them.
    """

    def __init__(self, blocks: _PlaceBlocks):
        self.blocks = blocks
        self.clusters: list[_Cluster] = []
        self.by_key: dict[tuple, list[_Cluster]] = defaultdict(list)  # each oldest first
        self.filed: dict[int, set] = defaultdict(set)  # the place ids and keys each cluster is filed under
        self.swept: dict[tuple, dt.date] = {}  # when each bucket was last cleared of finished clusters
        self.open = _OldestByActors(placeless=False)
        self.placeless = _OldestByActors(placeless=True)  # clusters whose members name no place

    def add(self, mention: EventMention, ids: frozenset[str]) -> None:
        start = mention.date_start
        target = self._best(mention, ids) if ids else self.open.oldest(mention.actor1, mention.actor2, start)
        if target is None:
            target = _Cluster(order=len(self.clusters))
            self.clusters.append(target)
            target.add(mention, ids)
            self.open.file(target)
            if not ids:
                self.placeless.file(target)
        else:
            before = (target.actor1, target.actor2)
            target.add(mention, ids)
            if before != (target.actor1, target.actor2):
                self.open.file(target, before)
                if not target.place_sets:
                    self.placeless.file(target, before)
        if ids:
            filed = self.filed[target.order]
            for place_id in ids:
                if place_id in filed:  # its members were there before: filed already
                    continue
                filed.add(place_id)
                for key in self.blocks.keys(place_id):
                    if key not in filed:
                        filed.add(key)
                        bisect.insort(self.by_key[key], target, key=_ORDER)

    def _bucket(self, key: tuple, start: dt.date) -> list[_Cluster]:
        bucket = self.by_key.get(key)
        if not bucket:
            return []
        if self.swept.get(key) != start:
            self.swept[key] = start
            bucket[:] = [c for c in bucket if c.min_end + DAY >= start]
        return bucket

    def _best(self, mention: EventMention, ids: frozenset[str]) -> _Cluster | None:
        start = mention.date_start
        if mention.place_id:  # the same place wins outright: the oldest open cluster there that fits
            for cluster in self._bucket(("id", mention.place_id), start):
                if self._score(mention, ids, cluster) == 0:
                    return cluster
        placeless = self.placeless.oldest(mention.actor1, mention.actor2, start)  # fits, at score 1
        buckets = [b for b in (self._bucket(key, start) for place_id in ids for key in self.blocks.probes(place_id)) if b]
        oldest_first = heapq.merge(*buckets, key=_ORDER) if len(buckets) > 1 else buckets[0] if buckets else ()
        one_day_off = None
        last = -1
        for cluster in oldest_first:  # no cluster left scores 0: the first that fits wins
            if placeless is not None and cluster.order > placeless.order:
                break
            if cluster.order == last:
                continue
            last = cluster.order
            score = self._score(mention, ids, cluster)
            if score <= 1:
                return cluster
            if score == 2 and one_day_off is None:
                one_day_off = cluster
        return placeless or one_day_off

    def _score(self, mention: EventMention, ids: frozenset[str], cluster: _Cluster) -> int:
        """0 same place, 1 compatible, 2 one day apart with place and actor agreeing, 9 no fit."""
        start = mention.date_start
        if cluster.min_end + DAY < start:
            return 9
        if not _actors_fit(mention, cluster):
            return 9
        if ids and not all(self.blocks.compatible(ids, other) for other in cluster.place_sets):
            return 9
        if cluster.min_end < start:  # some members end the day before: all must be that single day
            day = start - DAY
            if mention.date_precision != "day" or cluster.ends.get(day, 0) != cluster.single_days.get(day, 0):
                return 9
            agree = mention.place_id and mention.actor1 and (mention.place_id, mention.actor1) in cluster.place_actors
            return 2 if agree else 9
        return 0 if mention.place_id and mention.place_id in cluster.main_places else 1


def _cluster_dated(mentions: list[EventMention], places: Mapping[str, Place]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    by_type: dict[str, list[EventMention]] = defaultdict(list)
    for m in mentions:
        by_type[m.sub_event_type].append(m)
    blocks = _PlaceBlocks(places)
    alike: dict[frozenset[str], frozenset[str]] = {}  # one copy of each place set, however many mentions share it
    for sub_type in sorted(by_type):
        sweep = _Sweep(blocks)
        for mention in sorted(by_type[sub_type], key=lambda m: (m.date_start, m.date_end or m.date_start, m.mention_id)):
            ids = frozenset(_place_ids(mention))
            sweep.add(mention, alike.setdefault(ids, ids))
        clusters.extend(sweep.clusters)
    return clusters


class _ClusterIndex:
    """Dated clusters by (type, article), (type, place), (type, map cell) and (type, actor), so an
    undated mention is compared with the clusters it could join, not with every cluster. Buckets
    only grow, so the buckets of a place's neighbourhood are kept as dict objects (made empty
    when first asked for), and one that has grown past FEW is dropped from them for good."""

    CELL_DEGREES = 0.25  # about 28 km of latitude: a point of interest within NEARBY_KM is in a neighbouring cell
    FEW = 8  # more events than this by one actor, or at one place, make an undated mention ambiguous

    def __init__(self, places: Mapping[str, Place]):
        self.places = places
        self.keys: dict[tuple, dict[int, _Cluster]] = defaultdict(dict)
        self._filed_at: dict[tuple[str, str], list[dict[int, _Cluster]]] = {}  # the buckets a place is filed in
        self._around: dict[tuple[str, str], list[dict[int, _Cluster]]] = {}  # the buckets probed from a place, not yet ambiguous

    def _place_keys(self, kind: str, place_id: str, spread: int) -> list[tuple]:
        """The keys of a place and of the map cells around it (spread cells each way, twice as
        many across: longitude cells are narrower)."""
        place = self.places.get(place_id)
        keys = [("place", kind, place_id)]
        if place is not None:
            row, col = math.floor(place.lat / self.CELL_DEGREES), math.floor(place.lon / self.CELL_DEGREES)
            keys += [("cell", kind, row + dr, col + dc) for dr in range(-spread, spread + 1)
                     for dc in range(-2 * spread, 2 * spread + 1)]
        return keys

    def add(self, cluster: _Cluster, mention: EventMention, ids: frozenset[str]) -> None:
        kind = mention.sub_event_type
        keys = self.keys
        key = id(cluster)
        keys[("article", kind, mention.article_id)][key] = cluster
        if mention.actor1:
            keys[("actor", kind, mention.actor1)][key] = cluster
            if cluster.end is not None:
                keys[("actor-week", kind, mention.actor1, cluster.end.toordinal() // 7)][key] = cluster
        for place_id in ids:
            buckets = self._filed_at.get((kind, place_id))
            if buckets is None:
                buckets = self._filed_at[(kind, place_id)] = [keys[k] for k in self._place_keys(kind, place_id, 0)]
            for bucket in buckets:
                bucket[key] = cluster

    def candidates(self, mention: EventMention, published: dt.date | None, ids: frozenset[str]) -> list[_Cluster]:
        """In no particular order (a mention joins a cluster only when it is the one that fits).
        A mention that names no place joins only within its article: the others are not asked."""
        kind, keys, few = mention.sub_event_type, self.keys, self.FEW
        found = dict(keys.get(("article", kind, mention.article_id)) or {})
        if not ids:
            return list(found.values())
        actor1 = mention.actor1
        if actor1:  # no cluster is filed under no actor
            bucket = keys.get(("actor", kind, actor1))
            if bucket and len(bucket) <= few:
                found.update(bucket)
            if published is not None:
                first, last = (published - dt.timedelta(days=RECENT_DAYS)).toordinal() // 7, published.toordinal() // 7
                for week in range(first, last + 1):
                    bucket = keys.get(("actor-week", kind, actor1, week))
                    if bucket:
                        found.update(bucket)
        for place_id in ids:
            buckets = self._around.get((kind, place_id))
            if buckets is None:
                buckets = self._around[(kind, place_id)] = [keys[k] for k in self._place_keys(kind, place_id, 1)]
            if any(len(bucket) > few for bucket in buckets):  # many events there: ambiguous, now and later
                buckets[:] = [bucket for bucket in buckets if len(bucket) <= few]
            for bucket in buckets:
                if bucket:
                    found.update(bucket)
        return list(found.values())


def _oldest_fitting(pools: list[list[_Cluster]], fits) -> _Cluster | None:
    """The oldest cluster that fits in any of these oldest-first pools, as a walk through them
    merged would find it, but each pool is walked only until the oldest found so far."""
    found = None
    for pool in pools:
        for cluster in pool:
            if found is not None and cluster.order >= found.order:
                break
            if fits(cluster):
                found = cluster
                break
    return found


def _attach_undated(undated: list[EventMention], clusters: list[_Cluster], articles: Mapping[str, Article],
                    places: Mapping[str, Place]) -> list[_Cluster]:
    """An undated mention joins the one dated event it fits: in its own article first (the same
    story told again); else, when it names a place, the one event at that place, else among those
    a recent one (within RECENT_DAYS before its article's publication) with the same named actor,
    else the only event of its type by that actor in the whole collection. A mention that names no
    place joins nothing outside its article: an actor alone ("troops are fighting gangs") would
    lend one event the sources of every article that speaks of that actor. Ambiguous or unmatched
    mentions become undated events of their own, merged among themselves."""
    if not undated:
        return clusters
    index = _ClusterIndex(places)
    for cluster in clusters:
        for mention, ids in zip(cluster.mentions, cluster.member_places):
            index.add(cluster, mention, ids)
    same: dict[tuple[frozenset[str], frozenset[str]], bool] = {}

    def same_place(ids: frozenset[str], other: frozenset[str]) -> bool:
        found = same.get((ids, other))
        if found is None:
            found = same[(ids, other)] = _same_place(ids, other, places)
        return found

    def at_one_place(ids: frozenset[str], place_sets: set[frozenset[str]]) -> bool:
        if ids in place_sets:  # a member at these very places
            return True
        for other in place_sets:
            if same_place(ids, other):
                return True
        return False

    def groups(mention: EventMention, ids: frozenset[str], published: dt.date | None, fitting: list[_Cluster]):
        """Where the mention may belong, most telling first (computed only as far as needed)."""
        yield [c for c in fitting if mention.article_id in c.article_ids]
        if not ids:  # beyond its own article, a mention that names no place has only its actor to go on: too little
            return
        yield fitting
        if not mention.actor1:
            return
        yield [c for c in fitting if published is not None and mention.actor1 == c.actor1
               and c.end is not None and c.end >= published - dt.timedelta(days=RECENT_DAYS)]
        if len(index.keys.get(("actor", mention.sub_event_type, mention.actor1), ())) <= index.FEW:
            yield [c for c in fitting if mention.actor1 == c.actor1]

    leftovers: dict[tuple[str, str, str], list[_Cluster]] = defaultdict(list)  # by (type, actor1, place), oldest first
    homes: list[_Cluster] = []  # undated events, oldest (smallest first mention id) first
    filed: set[tuple[tuple[str, str, str], int]] = set()
    for mention in sorted(undated, key=lambda m: m.mention_id):
        ids = frozenset(_place_ids(mention))
        published = articles[mention.article_id].published if mention.article_id in articles else None
        actor1, actor2 = mention.actor1, mention.actor2  # _actors_fit, inlined: the test runs millions of times
        fitting = [c for c in index.candidates(mention, published, ids) if (published is None or c.start <= published)
                   and (not actor1 or not c.actor1 or actor1 == c.actor1) and (not actor2 or not c.actor2 or actor2 == c.actor2)
                   and (not ids or at_one_place(ids, c.place_sets))]
        target = next((group[0] for group in groups(mention, ids, published, fitting) if len(group) == 1), None)
        if target is not None:
            target.add(mention, ids)
            index.add(target, mention, ids)
            continue
        kind = mention.sub_event_type
        pools = [pool for actor in {mention.actor1, ""} for place_id in ids | {""}
                 if (pool := leftovers.get((kind, actor, place_id)))]
        home = _oldest_fitting(pools, lambda c: (
            (not actor1 or not c.actor1 or actor1 == c.actor1) and (not actor2 or not c.actor2 or actor2 == c.actor2)
            and (not ids or all(same_place(ids, other) for other in c.place_sets))))
        if home is None:
            home = _Cluster(order=len(homes))
            homes.append(home)
        home.add(mention, ids)
        for place_id in ids or {""}:
            key = (kind, mention.actor1, place_id)
            if (key, home.order) not in filed:
                filed.add((key, home.order))
                bisect.insort(leftovers[key], home, key=_ORDER)
    return clusters + homes



# The events' fields as the object merge wrote them.

def _date_choice(mentions: Sequence[EventMention], articles: Mapping[str, Article]) -> tuple[EventMention | None, str]:
    """The finest date the sources give, by majority of articles; the minority shown as disputed
    (in the product's words)."""
    unranked = len(merge.PRECISION_ORDER)
    finest, at_finest = unranked + 1, []
    for m in mentions:
        if m.date_start is not None:
            rank = merge._PRECISION_RANK.get(m.date_precision, unranked)
            if rank < finest:
                finest, at_finest = rank, [m]
            elif rank == finest:
                at_finest.append(m)
    if not at_finest:
        return None, ""
    if len(at_finest) == 1:
        return at_finest[0], ""
    articles_by_value: dict[dt.date, set[str]] = defaultdict(set)
    confidence_by_value: dict[dt.date, float] = defaultdict(int)
    for m in at_finest:
        articles_by_value[m.date_start].add(m.article_id)
        confidence_by_value[m.date_start] += m.confidence
    ranked = sorted(articles_by_value, key=lambda v: (-len(articles_by_value[v]), -confidence_by_value[v], v))
    chosen_value = ranked[0]
    chosen = max((m for m in at_finest if m.date_start == chosen_value),
                 key=lambda m: (m.confidence, bool(m.date_text), m.mention_id))
    told = [merge.Told(m.date_start, m.date_precision, m.article_id) for m in mentions]
    return chosen, "" if len(ranked) == 1 else merge._disputed(told, articles)


def _most_counted(counted: Mapping[str, int]) -> str:
    """The value counted most, the alphabetically first on a tie; "" when nothing was counted."""
    if len(counted) < 2:
        return next(iter(counted), "")
    return min(counted.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _summary(joined: Sequence[EventMention], actor1: str, actor2: str, place_id: str, places: Mapping[str, Place],
             best: EventMention) -> str:
    template = merge._template(best.sub_event_type)
    if template is None or (template[1] and not actor1):
        sentence = " ".join(best.sentence.split())
        return sentence if len(sentence) <= 140 else sentence[:137].rsplit(" ", 1)[0] + "..."
    written: dict[str, int] = {}
    destinations = []
    for m in joined:
        for p in m.places:
            if p.place_id == place_id and p.text:
                written[p.text] = written.get(p.text, 0) + 1
            if p.role == "destination":
                name = p.text or (places[p.place_id].name if p.place_id in places else "")
                if name not in destinations:
                    destinations.append(name)
    place = places.get(place_id)
    place_name = _most_counted(written) or (place.name if place else best.place_text)
    text = merge.summarise(template[0], {"actor1": actor1, "actor2": actor2, "place": place_name or ""})
    if destinations:
        text += " to " + ", ".join(destinations[:-1]) + (" and " if len(destinations) > 1 else "") + destinations[-1]
    return text


def _event_places(mentions: Sequence[EventMention]) -> tuple[EventPlace, ...]:
    """Every place and role once (as the first mention by id writes it), by role and place."""
    if len(mentions) == 1 and len(mentions[0].places) < 2:
        return tuple(mentions[0].places)
    seen: set[tuple[str, str]] = set()
    event_places = []
    for m in mentions:
        for p in m.places:
            if (p.place_id, p.role) not in seen:
                seen.add((p.place_id, p.role))
                event_places.append(p)
    return tuple(sorted(event_places, key=attrgetter("role", "place_id")))


def _main_place(counted: Mapping[str, int], places: Mapping[str, Place]) -> str:
    """The most precise place the mentions name, the most named among equally precise ones."""
    if not counted:
        return ""
    def rank(item):
        place = places.get(item[0])
        return (merge.GEO_PRECISION.get(place.kind, 5) if place else 5, -item[1], item[0])
    return min(counted.items(), key=rank)[0]


def _event(cluster: _Cluster, articles: Mapping[str, Article], places: Mapping[str, Place]) -> Event:
    """The cluster's fields by vote of its mentions; a single mention (most events) is its own vote.
    Its mentions are all of one sub-event type (the merge never compares two types)."""
    mentions = cluster.mentions
    if len(mentions) == 1:
        best = mentions[0]
        dated, disputed = (best if best.date_start is not None else None), ""
        actor1, actor2, place_id, fatalities, article_ids = best.actor1, best.actor2, best.place_id, best.fatalities, (best.article_id,)
        unsure = 1.0 - best.confidence
    else:
        dated, disputed = _date_choice(mentions, articles)
        mentions = sorted(mentions, key=_MENTION_ID)
        best = max(mentions, key=lambda m: (m.confidence, bool(m.place_id), bool(m.actor1), m.mention_id))
        actors1: dict[str, int] = {}
        actors2: dict[str, int] = {}
        place_ids: dict[str, int] = {}
        stated: dict[int, int] = {}
        article_set = set()
        unsure = 1.0
        for m in mentions:
            if m.actor1:
                actors1[m.actor1] = actors1.get(m.actor1, 0) + 1
            if m.actor2:
                actors2[m.actor2] = actors2.get(m.actor2, 0) + 1
            if m.place_id:
                place_ids[m.place_id] = place_ids.get(m.place_id, 0) + 1
            if m.fatalities is not None:
                stated[m.fatalities] = stated.get(m.fatalities, 0) + 1
            article_set.add(m.article_id)
            unsure *= 1.0 - m.confidence
        actor1 = _most_counted(actors1)
        actor2 = _most_counted(actors2)
        place_id = _main_place(place_ids, places)
        fatalities = min(stated.items(), key=lambda kv: (-kv[1], -kv[0]))[0] if stated else None
        article_ids = sorted(article_set)
    first = mentions[0]
    place = places.get(place_id)
    published = [p for p in (articles[a].published for a in article_ids if a in articles) if p]
    mention_ids = tuple(m.mention_id for m in mentions)
    return merge._record((
        hashlib.sha1("\n".join(mention_ids).encode()).hexdigest()[:16],
        first.event_type,
        first.sub_event_type,
        _summary(cluster.mentions, actor1, actor2, place_id, places, best),
        dated.date_start if dated else None,
        dated.date_end if dated else None,
        dated.date_precision if dated else "none",
        dated.date_text if dated else "",
        place_id,
        place.lat if place else None,
        place.lon if place else None,
        merge.GEO_PRECISION.get(place.kind) if place else None,
        actor1,
        actor2,
        fatalities,
        len(article_ids),
        len(mentions),
        min(published) if published else None,
        round(min(0.99, 1.0 - unsure), 3),
        disputed,
        mention_ids,
        _event_places(mentions),
    ))


def merge_reference(mentions, articles: Mapping[str, Article], places: Mapping[str, Place]) -> list[Event]:
    """etl.merge.merge in one process, with the clusters of the objects above."""
    by_type: dict[str, list[EventMention]] = defaultdict(list)
    for mention in {m.mention_id: m for m in mentions}.values():
        by_type[mention.sub_event_type].append(mention)
    events = []
    for sub_type in sorted(by_type):
        dated = [m for m in by_type[sub_type] if m.date_start is not None]
        undated = [m for m in by_type[sub_type] if m.date_start is None]
        for cluster in _attach_undated(undated, _cluster_dated(dated, places), articles, places):
            events.append(_event(cluster, articles, places))
    return sorted(events, key=lambda e: (e.date_start is None, e.date_start or dt.date.min, e.place_id, e.event_id))
