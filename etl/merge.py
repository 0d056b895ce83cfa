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
10^6. The loops run compiled over integer columns (etl.merge_columns), and so do the votes
that choose each event's fields; the mentions come as the store's Arrow tables, encoded a column
at a time; this module has processes take the types in turn, writes the few strings an event
says (its id, summary, disputed dates) and makes the records from the columns.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import mmap
import multiprocessing
import os
import pickle
import queue
import re
import threading
from collections import defaultdict
from dataclasses import fields
from typing import Callable, Iterator, Mapping, NamedTuple, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl import bulk
from etl.events import kinds_by_subtype
from etl.records import Article, Event, EventMention, EventPlace, Place

NEARBY_KM = 25.0
RECENT_DAYS = 7  # an undated report without a place refers to an event of the last week
FEW = 8  # more events than this by one actor, or at one place, make an undated mention ambiguous
PRECISION_ORDER = ("time", "day", "week", "month", "season", "quarter", "year", "decade", "century")
# A mention happens at its main place and at every place in these roles ("declared a caliphate
# in Syria and Iraq" is at both), not where its movements go.
LOCATING_ROLES = frozenset({"location", "target", "origin"})
GEO_PRECISION = {"poi": 1, "village": 1, "city": 1, "admin2": 2, "admin1": 3, "region": 3, "country": 4, "continent": 4}


def _km(a: Place, b: Place) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def _source_name(article: Article | None, article_id: str) -> str:
    if article is None:
        return article_id[:8]
    return article.source or article.title or article.article_id[:8]


_PRECISION_RANK = {precision: rank for rank, precision in enumerate(PRECISION_ORDER)}
_PRECISION_RANK["time"] = _PRECISION_RANK["day"]  # times of day vote as days: sources agree on the day, rarely on the hour


class Told(NamedTuple):
    """What a mention says of an event's date, and where."""

    date_start: dt.date | None
    date_precision: str
    article_id: str


def _disputed(told: Sequence[Told], articles: Mapping[str, Article]) -> str:
    """Where the sources disagree on an event's date: each day given at the finest precision, with
    the one source or the number of sources that give it."""
    unranked = len(PRECISION_ORDER)
    dated = [t for t in told if t.date_start is not None]
    finest = min((_PRECISION_RANK.get(t.date_precision, unranked) for t in dated), default=unranked)
    articles_by_value: dict[dt.date, set[str]] = defaultdict(set)
    for t in dated:
        if _PRECISION_RANK.get(t.date_precision, unranked) == finest:
            articles_by_value[t.date_start].add(t.article_id)
    parts = []
    for value in sorted(articles_by_value):
        ids = sorted(articles_by_value[value])
        if len(ids) == 1:
            parts.append(f"{value.isoformat()} in {_source_name(articles.get(ids[0]), ids[0])}")
        else:
            parts.append(f"{value.isoformat()} in {len(ids)} sources")
    return "; ".join(parts)


_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_FIELD = re.compile(r"\{(\w+)\}")


@functools.lru_cache(maxsize=None)
def _parts(template: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The template cut once into its parts: the fields an optional part needs (none for the
    others) and the part as a str.format pattern (its own braces doubled)."""
    parts = []
    for i, part in enumerate(_OPTIONAL.split(template)):
        pieces = _FIELD.split(part)
        pattern = "".join("{" + piece + "}" if j % 2 else piece.replace("{", "{{").replace("}", "}}")
                          for j, piece in enumerate(pieces))
        if pattern:
            parts.append((tuple(pieces[1::2]) if i % 2 else (), pattern))
    return tuple(parts)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def summarise(template: str, values: Mapping[str, str]) -> str:
    """Fill a taxonomy template; a [bracketed part] disappears when any field in it is empty. A
    value is written as it is, never read as a field."""
    given = _Blank(values)
    written = ""
    for needed, pattern in _parts(template):
        for name in needed:
            if not given[name]:
                break
        else:
            written += pattern.format_map(given)
    return written.strip()


@functools.lru_cache(maxsize=None)
def _template(sub_type: str) -> tuple[str, bool] | None:
    """The type's summary template and whether it opens with the actor (then it needs one)."""
    kind = kinds_by_subtype().get(sub_type)
    return None if kind is None else (kind.summary, "{actor1}" in kind.summary.split("[")[0])


class _Summaries:
    """A type's summaries: its template filled with an event's actors, the name its sources write
    most for its place, and where its movements went; the best mention's sentence where the type has
    no template or the template opens with an actor the event lacks. Each distinct filling is
    written once: most events of a type say one of a few things."""

    def __init__(self, template: tuple[str, bool] | None, sentence: Callable[[int], str]):
        self.template, self.sentence, self.written = template, sentence, {}

    def __call__(self, actor1: str, actor2: str, place_name: str, destinations: tuple[str, ...], best: int) -> str:
        template = self.template
        if template is None or (template[1] and not actor1):
            sentence = " ".join(self.sentence(best).split())
            return sentence if len(sentence) <= 140 else sentence[:137].rsplit(" ", 1)[0] + "..."
        key = (actor1, actor2, place_name, destinations)
        text = self.written.get(key)
        if text is None:
            text = summarise(template[0], {"actor1": actor1, "actor2": actor2, "place": place_name})
            if destinations:
                text += " to " + ", ".join(destinations[:-1]) + (" and " if len(destinations) > 1 else "") + destinations[-1]
            self.written[key] = text
        return text


_EVENT_FIELDS = tuple(f.name for f in fields(Event))


def _record(values: tuple) -> Event:
    """An Event from its fields in order, as Event(*values) makes it but three times faster: a
    frozen dataclass's __init__ sets each field through object.__setattr__, and at a million
    mentions the merge makes a quarter of a million events."""
    event = object.__new__(Event)
    event.__dict__.update(zip(_EVENT_FIELDS, values))
    return event


PARALLEL_FROM = 20_000  # fewer mentions merge in a few hundred milliseconds: not worth a process


def merge(mentions: Sequence[EventMention], articles: Mapping[str, Article], places: Mapping[str, Place],
          workers: int | None = None) -> list[Event]:
    """merge_table's events of mention records; a mention id given twice counts once, as given last."""
    from etl import store

    return merge_table(*store.event_mention_tables(unique(mentions)), articles, places, workers)[0]


def unique(mentions: Sequence[EventMention]) -> list[EventMention]:
    """Each mention once: the last one given under its id."""
    return list({m.mention_id: m for m in mentions}.values())


def merge_table(mentions: pa.Table, mention_places: pa.Table, articles: Mapping[str, Article], places: Mapping[str, Place],
                workers: int | None = None) -> tuple[list[Event], list[str]]:
    """One Event per real-world event, ordered by date (undated last), place and id; and each
    mention's event id, row by row. The mentions are rows of the store's event_mentions table (its
    event_id column unread; each mention id once, else ValueError), their places those of
    mention_places: the merge reads columns, never a mention record.

    Mentions of different sub-event types never meet (every index key names the type), so each
    type is merged on its own, which keeps every index small, and up to `workers` processes
    (default: every core, from PARALLEL_FROM mentions on) each take the next type when free,
    merging and describing it, while this one also makes the records: the same events whichever way."""
    with bulk.without_cycle_collection():
        if workers is None:
            workers = (os.cpu_count() or 1) if mentions.num_rows >= PARALLEL_FROM else 1
        merging = _Merging(mentions, mention_places, articles, places)
        types = _largest_first(merging.positions_by_type())
        if min(workers, len(types)) > 1 and _forking():
            pieces = _merge_in_processes(types, merging, min(workers, len(types)))
        else:
            pieces = [merging.made(merging.described(members)) for members in types]
        return merging.in_order(pieces), merging.event_ids(pieces)


def _largest_first(by_type: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    """The types' positions, the most mentioned type first (then by name): taken in this order,
    the last types taken are the quickest, and the processes finish close together."""
    return [by_type[sub_type] for sub_type in sorted(by_type, key=lambda t: (-len(by_type[t]), t))]


class _Described(NamedTuple):
    """A type's events as columns (the mentions as positions in the merge's list): what a worker
    process sends back is numbers and the few strings the events say, never the records."""

    told: np.ndarray  # each event's mentions (positions) by id, event after event
    n_mentions: np.ndarray
    event_id: list[str]
    event_type: list[str]
    sub_event_type: list[str]
    summary: list[str]
    dated: np.ndarray  # the mention whose date the event takes (-1: undated)
    place_id: list[str]
    actor1: list[str]
    actor2: list[str]
    fatalities: list
    n_sources: np.ndarray
    first_reported: np.ndarray  # day ordinals (-1: unknown)
    confidence: list[float]
    disputed: list[str]
    n_places: np.ndarray
    place_entry: np.ndarray  # each event's places, event after event: where in the entry columns


class _Merging:
    """Every mention encoded once as columns, and what every process reads: a forked worker reads it
    without copying."""

    def __init__(self, mentions: pa.Table, mention_places: pa.Table, articles: Mapping[str, Article],
                 places: Mapping[str, Place]):
        from etl import merge_columns  # numba takes a second to import: paid when merging, not by every importer (the app)

        self.table, self.articles, self.places = mentions, articles, places
        self.encoder = merge_columns.Encoder(places, NEARBY_KM, LOCATING_ROLES, _km)
        self.columns = merge_columns.columns(mentions, mention_places, articles, self.encoder, _PRECISION_RANK,
                                             len(PRECISION_ORDER))
        self.ids = mentions["mention_id"].to_numpy()
        by_id = pc.sort_indices(mentions["mention_id"]).to_numpy()
        if (self.ids[by_id[1:]] == self.ids[by_id[:-1]]).any():
            raise ValueError("a mention id is given twice: merge each mention once (etl.merge.unique)")
        self.columns["rank"] = np.empty(len(by_id), np.int64)  # of each mention's id: the order of ids where the merge needs one
        self.columns["rank"][by_id] = np.arange(len(by_id))
        self.encoder.tables()
        encoder = self.encoder
        self.actor_names = sorted(encoder.actors, key=encoder.actors.__getitem__)
        self.strings = sorted(encoder.strings, key=encoder.strings.__getitem__)
        self.role_names = sorted(encoder.roles, key=encoder.roles.__getitem__)
        self.precisions = sorted(encoder.precisions, key=encoder.precisions.__getitem__)
        self.date_texts = sorted(encoder.date_texts, key=encoder.date_texts.__getitem__)
        self.type_names = sorted(encoder.types, key=encoder.types.__getitem__)
        self.article_ids = list(encoder.articles)
        self.days: dict[int, dt.date | None] = {-1: None}
        self.event_places: dict[tuple[int, int, int], EventPlace] = {}
        self.ranks = {"actor": _ranks(self.actor_names), "place": _ranks(encoder.place_list), "string": _ranks(self.strings),
                      "role": _ranks(self.role_names),
                      "geo": np.array([GEO_PRECISION.get(p.kind, 5) if p else 5 for p in map(places.get, encoder.place_list)],
                                      np.int64)}
        self.place_names = [p.name if p else None for p in map(places.get, encoder.place_list)]

    def positions_by_type(self) -> dict[str, np.ndarray]:
        """Where each sub-event type's mentions are, in order."""
        types = self.columns["type"]
        by_code = np.argsort(types, kind="stable")
        return dict(zip(self.type_names, np.split(by_code, np.cumsum(np.bincount(types, minlength=len(self.type_names)))[:-1])))

    def described(self, members: np.ndarray) -> _Described:
        """One type's mentions (their positions) merged, and its events' fields voted, as columns.

        A cluster's fields are voted by its mentions (merge_columns.votes): the best told is the
        most confident, then with a place, then with an actor; actors and the place are the most
        named (the place the most precise first; the alphabetically first on a tie); fatalities
        the figure stated most (the highest on a tie); the date the finest the sources give, by
        majority of articles, the others said as disputed (_disputed)."""
        from etl import merge_columns

        columns, encoder, strings, actor_names = self.columns, self.encoder, self.strings, self.actor_names
        place_names, text = self.place_names, self._text
        joined, by_id, bounds = merge_columns.cluster_type(columns, members, encoder, RECENT_DAYS, FEW)
        best, dated, disputed, actor1, actor2, place, fatalities, n_sources, first_reported, unsure = \
            merge_columns.votes(columns, by_id, joined, bounds, self.ranks)
        written, names_ptr, names, kept_ptr, kept = merge_columns.texts(columns, by_id, joined, bounds, place, self.ranks)
        told = self.ids[by_id].tolist()
        edges, name_edges, names = bounds.tolist(), names_ptr.tolist(), names.tolist()
        sub_event_type = self.type_names[columns["type"][members[0]]]
        summary = _Summaries(_template(sub_event_type), functools.partial(text, "sentence"))
        actor1 = [actor_names[a] for a in actor1.tolist()]
        place = place.tolist()
        return _Described(
            told=by_id,
            n_mentions=np.diff(bounds),
            event_id=[hashlib.sha1("\n".join(told[lo:hi]).encode()).hexdigest()[:16] for lo, hi in zip(edges, edges[1:])],
            event_type=[text("event_type", members[0])] * len(place),
            sub_event_type=[sub_event_type] * len(place),
            summary=[summary(a1, actor_names[a2],
                             strings[w] if w else place_names[p] if place_names[p] is not None else text("place_text", b),
                             tuple(strings[n] for n in names[lo:hi]) if hi > lo else (), b)
                     for a1, a2, p, w, b, lo, hi in zip(actor1, actor2.tolist(), place, written.tolist(), best.tolist(),
                                                       name_edges, name_edges[1:])],
            dated=dated,
            place_id=[encoder.place_list[p] for p in place],
            actor1=actor1,
            actor2=[actor_names[a] for a in actor2.tolist()],
            fatalities=[None if f == merge_columns.NO_FIGURE else f for f in fatalities.tolist()],
            n_sources=n_sources,
            first_reported=first_reported,
            confidence=[round(min(0.99, 1.0 - u), 3) for u in unsure.tolist()],
            disputed=[_disputed(list(map(self._told, joined[lo:hi].tolist())), self.articles) if d else ""
                      for d, lo, hi in zip(disputed.tolist(), edges, edges[1:])],
            n_places=np.diff(kept_ptr),
            place_entry=kept)

    def _text(self, column: str, mention: int) -> str:
        return self.table.column(column)[mention].as_py()

    def _told(self, mention: int) -> Told:
        columns = self.columns
        return Told(self._day(int(columns["start"][mention])), self.precisions[columns["precision"][mention]],
                    self.article_ids[columns["article"][mention]])

    def made(self, described: _Described) -> tuple[_Described, list[Event]]:
        return described, self.records(described)

    def in_order(self, pieces: Sequence[tuple[_Described, list[Event]]]) -> list[Event]:
        """The events of every piece by date (undated last), place and id: sorted on columns, as
        sorting the records by their fields would take ten times longer."""
        if not pieces:
            return []
        events = np.empty(sum(len(made) for _, made in pieces), object)
        events[:] = [event for _, made in pieces for event in made]
        start = self.columns["start"]
        day = np.concatenate([np.where(described.dated >= 0, start[described.dated], np.iinfo(np.int64).max)
                              for described, _ in pieces])
        place_ids = [place_id for described, _ in pieces for place_id in described.place_id]
        place_order = {place_id: rank for rank, place_id in enumerate(sorted(set(place_ids)))}
        place = np.fromiter(map(place_order.__getitem__, place_ids), np.int64, count=len(place_ids))
        event_id = np.array([event_id for described, _ in pieces for event_id in described.event_id])
        return events[np.lexsort((event_id, place, day))].tolist()

    def event_ids(self, pieces: Sequence[tuple[_Described, list[Event]]]) -> list[str]:
        """Each mention's event id, row by row."""
        ids = np.empty(len(self.ids), object)
        for described, _ in pieces:
            ids[described.told] = np.repeat(np.array(described.event_id, object), described.n_mentions)
        return ids.tolist()

    def records(self, described: _Described) -> list[Event]:
        """The described events as records, with the mentions' ids, dates and places, all read from
        the columns."""
        places = self.places
        told = self.ids[described.told].tolist()
        edges = np.concatenate(([0], np.cumsum(described.n_mentions))).tolist()
        located = [places.get(p) for p in described.place_id]
        place_edges = np.concatenate(([0], np.cumsum(described.n_places))).tolist()
        return list(map(_record, zip(
            described.event_id, described.event_type, described.sub_event_type, described.summary,
            *zip(*self._dates(described.dated)),
            described.place_id, [p.lat if p else None for p in located], [p.lon if p else None for p in located],
            [GEO_PRECISION.get(p.kind) if p else None for p in located], described.actor1, described.actor2,
            described.fatalities, described.n_sources.tolist(), described.n_mentions.tolist(),
            list(map(self._day, described.first_reported.tolist())), described.confidence, described.disputed,
            [tuple(told[lo:hi]) for lo, hi in zip(edges, edges[1:])],
            [tuple(event_places[lo:hi]) for event_places in [self._event_places(described.place_entry)]
             for lo, hi in zip(place_edges, place_edges[1:])])))

    def _day(self, ordinal: int) -> dt.date | None:
        """The day of an ordinal (-1: None), made once."""
        day = self.days.get(ordinal)
        if day is None and ordinal >= 0:
            day = self.days[ordinal] = dt.date.fromordinal(ordinal)
        return day

    def _dates(self, dated: np.ndarray) -> list[tuple[dt.date | None, dt.date | None, str, str]]:
        """Each event's start, end, precision and date text: those of the mention it takes its date
        from (-1: undated)."""
        columns, day, precisions, texts = self.columns, self._day, self.precisions, self.date_texts
        undated = (None, None, "none", "")
        return [((day(start), day(end) if ended else None, precisions[precision], texts[text]) if mention >= 0 else undated)
                for mention, start, end, ended, precision, text in zip(
                    dated.tolist(), columns["start"][dated].tolist(), columns["end"][dated].tolist(),
                    columns["end_given"][dated].tolist(), columns["precision"][dated].tolist(),
                    columns["date_text_code"][dated].tolist())]

    def _event_places(self, entries: np.ndarray) -> list[EventPlace]:
        """The places at these positions of the entry columns, each distinct one made once."""
        columns, made = self.columns, self.event_places
        found = []
        for key in zip(columns["entry_place"][entries].tolist(), columns["entry_role"][entries].tolist(),
                       columns["entry_text"][entries].tolist()):
            place = made.get(key)
            if place is None:
                place = made[key] = EventPlace(self.encoder.place_list[key[0]], self.role_names[key[1]], self.strings[key[2]])
            found.append(place)
        return found


def _forking() -> bool:
    """Whether this process may fork workers that share its memory: not on platforms without fork,
    nor inside a daemonic worker, which may have no children."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


def _reap(process) -> None:
    """Collect a finished process's exit without waiting for it here: the kernel takes a while to
    free the pages it copied (a tenth of a second after merging half a million mentions)."""
    threading.Thread(target=process.join, daemon=True).start()


class _Outbox:
    """Messages sent through a pipe by a thread of their own: a pipe holds a few kilobytes, and
    the calling process reads only between pieces of its own work, so sending in line would stall
    this process's work."""

    def __init__(self, sender):
        self.sender, self.queue = sender, queue.SimpleQueue()
        self.thread = threading.Thread(target=self._send)
        self.thread.start()

    def _send(self) -> None:
        for payload in iter(self.queue.get, None):
            self.sender.send_bytes(payload)

    def put(self, payload: bytes) -> None:
        self.queue.put(payload)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self.sender.close()


def _ranks(names: Sequence[str]) -> np.ndarray:
    """Each name's place in alphabetical order, by its code."""
    ranks = np.empty(len(names), np.int64)
    ranks[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    return ranks


class _Claims:
    """Pieces of work, by their index in the order given, that processes forked after this is made
    take one at a time when free: they finish close together, whatever the speed of each (the
    calling process also makes every record; a worker may share its core with other work). The
    next index lies in shared memory, guarded by a one-byte token in a pipe (whoever reads it
    holds the lock): no semaphore, which some systems cannot make."""

    def __init__(self, n: int):
        self.n = n
        self.next = mmap.mmap(-1, 8)
        self.token_out, self.token_in = os.pipe()
        os.write(self.token_in, b"\0")

    def __iter__(self) -> Iterator[int]:
        while True:
            os.read(self.token_out, 1)
            index = int.from_bytes(self.next[:8], "little")
            self.next[:8] = (index + 1).to_bytes(8, "little")
            os.write(self.token_in, b"\0")
            if index >= self.n:
                return
            yield index

    def close(self) -> None:
        os.close(self.token_out)
        os.close(self.token_in)
        self.next.close()


def _merge_in_processes(types: list[np.ndarray], merging: _Merging, workers: int) -> list[tuple[_Described, list[Event]]]:
    """The types merged by this process and workers - 1 forked ones (which share the mentions
    without copying them), each taking the next type when free; a worker sends back each type's
    description as soon as it is made, and this process makes the records of every description
    as it comes. The types a process that dies took and did not send are described here."""
    context = multiprocessing.get_context("fork")
    claims = _Claims(len(types))
    children = []
    for _ in range(workers - 1):
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_send_descriptions, args=(sender, types, claims, merging), daemon=True)
        child.start()
        sender.close()
        children.append((child, receiver))
    pieces: dict[int, tuple[_Described, list[Event]]] = {}

    def receive(child: tuple, wait: bool) -> None:
        """What the child has sent, with its records (all it will send, when waiting)."""
        process, receiver = child
        while not receiver.closed and (wait or receiver.poll()):
            try:
                index, described = pickle.loads(receiver.recv_bytes())
                pieces[index] = merging.made(described)
            except EOFError:  # all sent, or the process died
                receiver.close()
                _reap(process)

    for index in claims:
        pieces[index] = merging.made(merging.described(types[index]))
        for child in children:
            receive(child, wait=False)
    claims.close()  # the forked processes hold their own ends
    for child in children:
        receive(child, wait=True)
    for index in range(len(types)):
        if index not in pieces:  # taken by a process that died before sending it
            pieces[index] = merging.made(merging.described(types[index]))
    return [pieces[index] for index in range(len(types))]


def _send_descriptions(sender, types: list[np.ndarray], claims: _Claims, merging: _Merging) -> None:
    """Each type this process takes, described and sent with its index."""
    outbox = _Outbox(sender)
    for index in claims:
        outbox.put(pickle.dumps((index, merging.described(types[index])), protocol=pickle.HIGHEST_PROTOCOL))
    outbox.close()
