"""Merge event mentions into real-world events, across articles and within one.

Two mentions tell the same event when their sub-event types agree, their dates overlap at
their precisions (the month 2016-03 contains the day 2016-03-27), their places are the same or
nearby (same place, within NEARBY_KM, or one contains the other) and their actors do not clash
(after alias normalisation; an unnamed actor clashes with nothing). Dates one day apart are
accepted only when type, place and actors all agree, and the disagreement is recorded.

Dated mentions of one type are swept in date order, each joining the best open cluster whose
every member it fits (greedy, so the order is fixed: type, date, end, mention id): the same
place wins, then any fit, then a one-day disagreement; ties go to the oldest cluster. Clusters
keep summaries (actors, place sets, earliest end) and are found through indexes: a mention
without a place takes the oldest open cluster whose actors fit, one with a place walks the
clusters filed under its place blocking keys oldest first and stops at the first that fits. So
a mention is compared with the few clusters it could join, never with every open cluster or
every member: the work grows with the mentions, not with their density. Undated mentions are
attached afterwards, in mention id order, to the one dated event they fit: in their own article
first (the same story told again); else, when they name a place, the one event at that place
(the same place, or a point of interest near it: never merely a neighbouring town or the country
around it), else among those a recent one (within RECENT_DAYS before the article's publication)
with the same named actor, else the only event of the type by that actor. A mention that names
no place joins nothing outside its article: an actor alone ("troops are fighting gangs") would
lend one event the sources of every article that speaks of that actor. Ambiguous or unmatched
mentions become undated events of their own, merged among themselves (oldest first). Then each
cluster becomes an Event.

Why this is a loop and not SQL: each choice depends on every earlier one (a cluster's
summaries, and so what it can take, change with each mention it takes), which no set-at-a-time
query expresses; a self-join of candidate pairs, the set-oriented alternative, would not even
scale: at 10^5 synthetic mentions it already yields 2.4 M pairs, and a hundred times more at
10^6. The loops run compiled over integer columns (etl.merge_columns); this module encodes the
rules' data (places, blocking keys) and builds the events.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import math
import multiprocessing
import os
import pickle
import re
from collections import defaultdict
from dataclasses import fields
from operator import attrgetter
from typing import Mapping, Sequence

import numpy as np

from etl.events import kinds_by_subtype
from etl.records import Article, Event, EventMention, EventPlace, Place

NEARBY_KM = 25.0
RECENT_DAYS = 7  # an undated report without a place refers to an event of the last week
FEW = 8  # more events than this by one actor, or at one place, make an undated mention ambiguous
PRECISION_ORDER = ("time", "day", "week", "month", "season", "quarter", "year", "decade", "century")
GEO_PRECISION = {"poi": 1, "village": 1, "city": 1, "admin2": 2, "admin1": 3, "region": 3, "country": 4, "continent": 4}


def _km(a: Place, b: Place) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def _place_ids(mention: EventMention) -> set[str]:
    """Where the mention happens: its main place and every located, targeted or origin place
    ("declared a caliphate in Syria and Iraq" is at both)."""
    ids = {p.place_id for p in mention.places if p.role in ("location", "target", "origin") and p.place_id}
    return ids | ({mention.place_id} if mention.place_id else set())


def _source_name(article: Article | None, article_id: str) -> str:
    if article is None:
        return article_id[:8]
    return article.source or article.title or article.article_id[:8]


_PRECISION_RANK = {precision: rank for rank, precision in enumerate(PRECISION_ORDER)}
_PRECISION_RANK["time"] = _PRECISION_RANK["day"]  # times of day vote as days: sources agree on the day, rarely on the hour


def _date_choice(mentions: Sequence[EventMention], articles: Mapping[str, Article]) -> tuple[EventMention | None, str]:
    """The finest date the sources give, by majority of articles; the minority shown as disputed."""
    unranked = len(PRECISION_ORDER)
    finest, at_finest = unranked + 1, []
    for m in mentions:
        if m.date_start is not None:
            rank = _PRECISION_RANK.get(m.date_precision, unranked)
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
    if len(ranked) == 1:
        return chosen, ""
    parts = []
    for value in sorted(ranked):
        ids = sorted(articles_by_value[value])
        if len(ids) == 1:
            parts.append(f"{value.isoformat()} in {_source_name(articles.get(ids[0]), ids[0])}")
        else:
            parts.append(f"{value.isoformat()} in {len(ids)} sources")
    return chosen, "; ".join(parts)


def _most_counted(counted: Mapping[str, int]) -> str:
    """The value counted most, the alphabetically first on a tie; "" when nothing was counted."""
    if len(counted) < 2:
        return next(iter(counted), "")
    return min(counted.items(), key=lambda kv: (-kv[1], kv[0]))[0]


_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_FIELD = re.compile(r"\{(\w+)\}")


def summarise(template: str, values: Mapping[str, str]) -> str:
    """Fill a taxonomy template; a [bracketed part] disappears when any field in it is empty."""
    def optional(match: re.Match) -> str:
        part = match.group(1)
        return _FIELD.sub(lambda f: values.get(f.group(1), ""), part) if all(values.get(f) for f in _FIELD.findall(part)) else ""
    text = _OPTIONAL.sub(optional, template)
    return _FIELD.sub(lambda f: values.get(f.group(1), ""), text).strip()


@functools.lru_cache(maxsize=1 << 16)
def _filled(template: str, actor1: str, actor2: str, place: str) -> str:
    """summarise, for the few templates, actors and places that recur across many events."""
    return summarise(template, {"actor1": actor1, "actor2": actor2, "place": place})


@functools.lru_cache(maxsize=None)
def _template(sub_type: str) -> tuple[str, bool] | None:
    """The type's summary template and whether it opens with the actor (then it needs one)."""
    kind = kinds_by_subtype().get(sub_type)
    return None if kind is None else (kind.summary, "{actor1}" in kind.summary.split("[")[0])


def _summary(joined: Sequence[EventMention], actor1: str, actor2: str, place_id: str, places: Mapping[str, Place], best: EventMention) -> str:
    template = _template(best.sub_event_type)
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
    text = _filled(template[0], actor1, actor2, place_name or "")
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
    return tuple(sorted(event_places, key=_ROLE_AND_PLACE))


_ROLE_AND_PLACE = attrgetter("role", "place_id")
_EVENT_FIELDS = tuple(f.name for f in fields(Event))


def _record(values: tuple) -> Event:
    """An Event from its fields in order, as Event(*values) makes it but three times faster: a
    frozen dataclass's __init__ sets each field through object.__setattr__, and at a million
    mentions the merge makes a quarter of a million events."""
    event = object.__new__(Event)
    event.__dict__.update(zip(_EVENT_FIELDS, values))
    return event


@contextlib.contextmanager
def _without_cycle_collection():
    """The merge makes millions of small objects and no reference cycles: reference counting
    frees them all, while the cyclic collector would walk every live object (the mentions among
    them) again and again, for 40 % of the time at 3 x 10^5 mentions."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


PARALLEL_FROM = 20_000  # fewer mentions merge in a few hundred milliseconds: not worth a process


def merge(mentions: Sequence[EventMention], articles: Mapping[str, Article], places: Mapping[str, Place],
          workers: int | None = None) -> list[Event]:
    """One Event per real-world event, ordered by date (undated last), place and id.

    Mentions of different sub-event types never meet (every index key names the type), so each
    type is merged on its own, which keeps every index small, and the types are dealt among up
    to `workers` processes (default: every core, from PARALLEL_FROM mentions on): the same
    events whichever way."""
    from etl import merge_columns  # numba takes a second to import: paid when merging, not by every importer (the app)

    with _without_cycle_collection():
        unique = list({m.mention_id: m for m in mentions}.values())
        encoder = merge_columns.Encoder(places, NEARBY_KM, _place_ids, _km)
        columns = merge_columns.columns(unique, articles, encoder, _PRECISION_RANK, len(PRECISION_ORDER))
        encoder.tables()
        positions: dict[str, list[int]] = defaultdict(list)
        for i, mention in enumerate(unique):
            positions[mention.sub_event_type].append(i)
        by_type = {sub_type: np.array(found, np.int64) for sub_type, found in positions.items()}
        if workers is None:
            workers = (os.cpu_count() or 1) if len(unique) >= PARALLEL_FROM else 1
        shares = _shares(by_type, workers)
        merging = _Merging(unique, columns, encoder, articles, places)
        if len(shares) > 1:
            events = _merge_in_processes(shares, merging)
        else:
            events = merging.events(shares[0] if shares else [])
        return sorted(events, key=lambda e: (e.date_start is None, e.date_start or dt.date.min, e.place_id, e.event_id))


def _shares(by_type: Mapping[str, Sequence[int]], workers: int) -> list[list[Sequence[int]]]:
    """The types dealt into at most `workers` shares of about equal mentions, largest first."""
    shares: list[list[Sequence[int]]] = [[] for _ in range(max(1, min(workers, len(by_type))))]
    sizes = [0] * len(shares)
    for sub_type in sorted(by_type, key=lambda t: (-len(by_type[t]), t)):
        lightest = sizes.index(min(sizes))
        shares[lightest].append(by_type[sub_type])
        sizes[lightest] += len(by_type[sub_type])
    return [share for share in shares if share]


class _Merging:
    """What every type's merge reads: the mentions, their columns and codes, articles, places."""

    def __init__(self, mentions: Sequence[EventMention], columns: Mapping[str, np.ndarray],
                 encoder: merge_columns.Encoder, articles: Mapping[str, Article], places: Mapping[str, Place]):
        from etl import merge_columns

        self.mentions, self.columns, self.encoder, self.articles, self.places = mentions, columns, encoder, articles, places
        self.compiled = merge_columns
        self.actor_names = sorted(encoder.actors, key=encoder.actors.__getitem__)
        self.ranks = {"actor": _ranks(self.actor_names), "place": _ranks(encoder.place_list),
                      "geo": np.array([GEO_PRECISION.get(p.kind, 5) if p else 5 for p in map(places.get, encoder.place_list)],
                                      np.int64)}

    def events(self, share: list[np.ndarray]) -> list[Event]:
        """The events of each type's mentions (their positions)."""
        mentions = self.mentions
        events = []
        for members in share:
            joined, by_id, bounds = self.compiled.cluster_type(self.columns, members, self.encoder, RECENT_DAYS, FEW)
            votes = self.compiled.votes(self.columns, by_id, joined, bounds, self.ranks)
            told = [mentions[i] for i in by_id.tolist()]
            joined_told = [mentions[i] for i in joined.tolist()]
            edges = bounds.tolist()
            events += [self._event(told[lo:hi], joined_told[lo:hi], *vote)
                       for lo, hi, *vote in zip(edges, edges[1:], *votes)]
        return events

    def _event(self, told: list[EventMention], joined: list[EventMention], best: int, dated: int, disputed: bool,
               actor1: int, actor2: int, place: int, fatalities: int, n_sources: int, first_reported: int,
               unsure: float) -> Event:
        """A cluster's fields by vote of its mentions (told: by id; joined: as they joined it). The
        best told is the most confident, then with a place, then with an actor; actors and the
        place are the most named (the place the most precise first; the alphabetically first on a
        tie); fatalities the figure stated most (the highest on a tie); the date is the finest the
        sources give, by majority of articles (_date_choice). Its mentions are all of one
        sub-event type (the merge never compares two types)."""
        mentions, articles, places = self.mentions, self.articles, self.places
        best = mentions[best]
        dated = mentions[dated] if dated >= 0 else None
        actor1, actor2 = self.actor_names[actor1], self.actor_names[actor2]
        place_id = self.encoder.place_list[place]
        place = places.get(place_id)
        mention_ids = tuple(m.mention_id for m in told)
        first = told[0]
        return _record((
            hashlib.sha1("\n".join(mention_ids).encode()).hexdigest()[:16],
            first.event_type,
            first.sub_event_type,
            _summary(joined, actor1, actor2, place_id, places, best),
            dated.date_start if dated else None,
            dated.date_end if dated else None,
            dated.date_precision if dated else "none",
            dated.date_text if dated else "",
            place_id,
            place.lat if place else None,
            place.lon if place else None,
            GEO_PRECISION.get(place.kind) if place else None,
            actor1,
            actor2,
            None if fatalities == self.compiled.NO_FIGURE else fatalities,
            n_sources,
            len(told),
            dt.date.fromordinal(first_reported) if first_reported >= 0 else None,
            round(min(0.99, 1.0 - unsure), 3),
            _date_choice(joined, articles)[1] if disputed else "",
            mention_ids,
            _event_places(told),
        ))


def _ranks(names: Sequence[str]) -> np.ndarray:
    """Each name's place in alphabetical order, by its code."""
    ranks = np.empty(len(names), np.int64)
    ranks[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    return ranks


def _merge_in_processes(shares: list[list[np.ndarray]], merging: _Merging) -> list[Event]:
    """The first share here, each other in a forked process (which shares the mentions without
    copying them) that sends back its events pickled; where no process can be forked (not on
    this platform, or inside a daemonic worker, which may have no children), all here."""
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
        return [e for share in shares for e in merging.events(share)]
    context = multiprocessing.get_context("fork")
    children = []
    for share in shares[1:]:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_send_events, args=(sender, share, merging), daemon=True)
        child.start()
        sender.close()
        children.append((child, receiver, share))
    events = merging.events(shares[0])
    for child, receiver, share in children:
        try:
            events.extend(pickle.loads(receiver.recv_bytes()))
        except EOFError:  # the process died: merge its share here
            events.extend(merging.events(share))
        receiver.close()
        child.join()
    return events


def _send_events(sender, share: list[np.ndarray], merging: _Merging) -> None:
    sender.send_bytes(pickle.dumps(merging.events(share), protocol=pickle.HIGHEST_PROTOCOL))
    sender.close()
