"""The merge's two greedy passes (etl.merge says what they decide) as compiled loops over
integer columns, because at 10^6 mentions the Python objects they walked cost a minute.

Mentions are encoded once into integers (day ordinals, interned actors, articles, places and
place sets); what needs the product's own arithmetic (which places are within NEARBY_KM of
which, the blocking keys of each place) is computed in Python once per distinct place, so the
compiled loops only compare integers and decide exactly as the object version decided. The
loops return, for each mention, the cluster it joined; then each cluster's votes (its best
mention, date, actors, place, figures) and what its summary and places are written from, as
codes; the caller writes the strings and makes the events.

Structures, all arrays: a cluster's summaries (earliest end, actors, place sets, main places,
(place, actor) pairs) as columns and linked lists; index buckets as growable int arrays whose
element 0 is their length; the open clusters under their actors as binary heaps of cluster
numbers (a cluster's number is its age).
"""
from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit, types
from numba.typed import Dict, List

from etl.records import Article, Place

_INTS = types.int64[::1]
CELL_DEGREES = 0.25  # map cells of about 28 km: a place within NEARBY_KM is in a neighbouring cell
_CONTAINERS = frozenset({"country", "admin1", "admin2", "region", "continent"})
_KIND_CODES = {"country": 1, "admin1": 2, "admin2": 3, "region": 3, "continent": 3, "poi": 4}  # other kinds: 5; unknown place: 0
ANY = -1  # an actor key that takes any actor
NO_FIGURE = -(1 << 63)  # fatalities not stated


class Encoder:
    """Integer codes for actors, articles, places, place sets and blocking keys, shared by every
    type merged in one process; and, per place, what the compiled loops need of it."""

    def __init__(self, places: Mapping[str, Place], near_km: float, locating_roles: frozenset[str], km):
        self.places, self.near_km, self.locating_roles, self._km = places, near_km, locating_roles, km
        self.actors: dict[str, int] = {"": 0}
        self.articles: dict[str, int] = {}
        self.published: list[int] = []  # each article's publication day ordinal (-1: unknown), by code
        self.place_codes: dict[str, int] = {"": 0}
        self.place_list: list[str] = [""]
        self.sets: dict[frozenset[str], int] = {}
        self.set_members: list[list[int]] = []
        self.keys: dict[tuple, int] = {}
        self.strings: dict[str, int] = {"": 0}  # the texts of places as mentions write them, and destination names
        self.roles: dict[str, int] = {}
        self.precisions: dict[str, int] = {}
        self.types: dict[str, int] = {}  # sub-event types
        self.date_texts: dict[str, int] = {"": 0}
        self._tables = None

    def place(self, place_id: str) -> int:
        code = self.place_codes.get(place_id)
        if code is None:
            code = self.place_codes[place_id] = len(self.place_list)
            self.place_list.append(place_id)
            self._tables = None
        return code

    def place_set(self, ids: frozenset[str]) -> int:
        """The code of a set of places (-1: the empty set)."""
        if not ids:
            return -1
        code = self.sets.get(ids)
        if code is None:
            code = self.sets[ids] = len(self.set_members)
            self.set_members.append(sorted(self.place(p) for p in ids))
        return code

    def tables(self) -> dict[str, np.ndarray]:
        """Per place: kind, country, province, its neighbours within near_km, its blocking keys."""
        if self._tables is not None and self._tables["n_sets"] == len(self.set_members):
            return self._tables
        n = len(self.place_list)
        kind = np.zeros(n, np.int64)
        country = np.zeros(n, np.int64)
        province = np.zeros(n, np.int64)
        lat = np.zeros(n)
        lon = np.zeros(n)
        strings: dict[str, int] = {"": 0}
        for code, place_id in enumerate(self.place_list):
            place = self.places.get(place_id) if place_id else None
            if place is None:
                continue
            kind[code] = _KIND_CODES.get(place.kind, 5)
            country[code] = strings.setdefault(place.country_code, len(strings))
            province[code] = strings.setdefault(place.admin1, len(strings))
            lat[code], lon[code] = place.lat, place.lon
        near = self._near(kind, lat, lon)
        self._tables = {
            "kind": kind, "country": country, "province": province, "near_ptr": near[0], "near": near[1],
            **self._csr("filing", [self._filing(p) if p else [] for p in self.place_list]),
            **self._csr("probing", [self._probing(p) if p else [] for p in self.place_list]),
            **self._csr("own", [self._around(p, 0) if p else [] for p in self.place_list]),
            **self._csr("around", [self._around(p, 1) if p else [] for p in self.place_list]),
            **_csr_ints("set", self.set_members), "n_sets": len(self.set_members),
            "n_keys": len(self.keys),
        }
        return self._tables

    def _csr(self, name: str, key_lists: list[list[tuple]]) -> dict[str, np.ndarray]:
        keys = self.keys
        return _csr_ints(name, [[keys.setdefault(k, len(keys)) for k in key_list] for key_list in key_lists])

    def _near(self, kind: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each known place's known neighbours within near_km by etl.merge's own distance; a
        generous haversine in numpy picks the few pairs worth measuring exactly."""
        known = np.flatnonzero(kind > 0)
        by_lat = known[np.argsort(lat[known], kind="stable")]
        sorted_lat = lat[by_lat]
        window = math.degrees(self.near_km / 6371.0) * 1.5 + 1e-9
        limit = math.sin(self.near_km / 2 / 6371.0) ** 2 * 1.1 + 1e-15
        neighbours: list[list[int]] = [[] for _ in range(len(kind))]
        rad_lat, rad_lon = np.radians(lat), np.radians(lon)
        for a in known:
            lo, hi = np.searchsorted(sorted_lat, [lat[a] - window, lat[a] + window], side="left")[0], \
                np.searchsorted(sorted_lat, lat[a] + window, side="right")
            others = by_lat[lo:hi]
            h = (np.sin((rad_lat[others] - rad_lat[a]) / 2) ** 2
                 + np.cos(rad_lat[a]) * np.cos(rad_lat[others]) * np.sin((rad_lon[others] - rad_lon[a]) / 2) ** 2)
            for b in others[h <= limit]:
                if b != a and self._km(self.places[self.place_list[a]], self.places[self.place_list[b]]) <= self.near_km:
                    neighbours[a].append(int(b))
        ptr_items = _csr_ints("near", [sorted(found) for found in neighbours])
        return ptr_items["near_ptr"], ptr_items["near"]


    # Blocking keys of the dated sweep: where a cluster with a member at a place is filed, and
    # the keys under which every place compatible with a place (same, nearby, containing or
    # contained) is filed, so a mention is compared only with clusters it could fit.

    def _cells(self, place: Place) -> list[tuple]:
        """The grid cells within near_km of a point (longitude cells widen towards the poles)."""
        d_lat = self.near_km / 111.0
        cos = math.cos(math.radians(min(89.0, abs(place.lat) + d_lat + CELL_DEGREES)))
        d_lon = min(180.0, self.near_km / (111.0 * cos))
        size, columns = CELL_DEGREES, round(360 / CELL_DEGREES)
        rows = range(math.floor((place.lat - d_lat) / size), math.floor((place.lat + d_lat) / size) + 1)
        cols = {c % columns for c in range(math.floor((place.lon - d_lon) / size), math.floor((place.lon + d_lon) / size) + 1)}
        return [("cell", r, c) for r in rows for c in sorted(cols)]

    def _filing(self, place_id: str) -> list[tuple]:
        keys: list[tuple] = [("id", place_id)]
        place = self.places.get(place_id)
        if place is None:
            return keys
        if place.kind not in _CONTAINERS:
            size = CELL_DEGREES
            keys.append(("cell", math.floor(place.lat / size), math.floor(place.lon / size) % round(360 / size)))
        if place.country_code:
            keys.append(("in-country", place.country_code))
            if place.admin1:
                keys.append(("in-admin1", place.country_code, place.admin1))
        if place.kind == "country" and place.country_code:
            keys.append(("country", place.country_code))
        if place.kind == "admin1" and place.admin1:
            keys.append(("admin1", place.country_code, place.admin1))
        return keys

    def _probing(self, place_id: str) -> list[tuple]:
        probes: list[tuple] = [("id", place_id)]
        place = self.places.get(place_id)
        if place is None:
            return probes
        if place.kind not in _CONTAINERS:
            probes.extend(self._cells(place))
        if place.kind == "country" and place.country_code:
            probes.append(("in-country", place.country_code))
        if place.kind == "admin1" and place.admin1:
            probes.append(("in-admin1", place.country_code, place.admin1))
        if place.country_code:
            probes.append(("country", place.country_code))
        if place.admin1:
            probes.append(("admin1", place.country_code, place.admin1))
        return probes

    def _around(self, place_id: str, spread: int) -> list[tuple]:
        """The undated attach's keys of a place and of the map cells around it (spread cells each
        way, twice as many across: longitude cells are narrower)."""
        place = self.places.get(place_id)
        keys = [("place", place_id)]
        if place is not None:
            row, col = math.floor(place.lat / CELL_DEGREES), math.floor(place.lon / CELL_DEGREES)
            keys += [("cell", row + dr, col + dc) for dr in range(-spread, spread + 1)
                     for dc in range(-2 * spread, 2 * spread + 1)]
        return keys


def _csr_ints(name: str, lists: Sequence[Sequence[int]]) -> dict[str, np.ndarray]:
    pointers = np.zeros(len(lists) + 1, np.int64)
    pointers[1:] = np.cumsum([len(items) for items in lists]) if lists else []
    flat = np.fromiter((item for items in lists for item in items), np.int64, count=int(pointers[-1]))
    return {f"{name}_ptr": pointers, name: flat}


def _distinct(column: pa.ChunkedArray) -> tuple[list, np.ndarray]:
    """A column's distinct values in the order they first appear, and each row's index among them."""
    encoded = pc.dictionary_encode(column.combine_chunks(), null_encoding="encode")
    return encoded.dictionary.to_pylist(), encoded.indices.to_numpy().astype(np.int64)


def _coded(column: pa.ChunkedArray, table: dict) -> np.ndarray:
    """Each row's code in the table, new values given the next codes in the order they first appear."""
    values, rows = _distinct(column)
    return np.array([table.setdefault(value, len(table)) for value in values], np.int64)[rows] if values else rows


def _place_codes(place_ids: list, rows: np.ndarray, encoder: Encoder) -> np.ndarray:
    """Each row's place code (0: none) from a column's distinct place ids (_distinct), a place new
    to the encoder coded by it."""
    return np.array([encoder.place(place_id or "") for place_id in place_ids], np.int64)[rows] if place_ids else rows


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _ordinals(column: pa.ChunkedArray) -> np.ndarray:
    """Day ordinals of a date column (-1: none)."""
    return pc.cast(column, pa.int32()).fill_null(-1 - _EPOCH).to_numpy().astype(np.int64) + _EPOCH


def columns(mentions: pa.Table, mention_places: pa.Table, articles: Mapping[str, Article], encoder: Encoder,
            precision_ranks: Mapping[str, int], unranked: int) -> dict[str, np.ndarray]:
    """Every mention (a row of the store's event_mentions table, its places rows of mention_places)
    as numbers: day ordinals (-1 undated), day precision and the rank of its precision, actors,
    main place, place set (-1 none), article, its publication day (-1 unknown), confidence,
    fatalities (NO_FIGURE: none stated), a date text or not; and, to write an event's date from,
    the precision and the date text (codes in the encoder's tables) and whether an end is given;
    its sub-event type. Not "rank": the caller ranks the mentions' ids. Read a column at a time
    in Arrow, each distinct value coded once."""
    n = mentions.num_rows
    if not n:
        return {"entry_ptr": np.zeros(1, np.int64), **{
            name: np.zeros(0, np.bool_ if name in ("day", "date_text", "end_given") else np.float64 if name == "confidence" else np.int64)
            for name in _COLUMNS if name != "rank"}}
    start, end = _ordinals(mentions["date_start"]), _ordinals(mentions["date_end"])
    end_given = end >= 0
    end[~end_given] = start[~end_given]
    place_ids, place_rows = _distinct(mentions["place_id"])
    place_set = np.array([encoder.place_set(frozenset((place_id,) if place_id else ())) for place_id in place_ids],
                         np.int64)[place_rows]
    place = _place_codes(place_ids, place_rows, encoder)
    entries = _entries(mentions, mention_places, place, place_set, encoder)
    article = _coded(mentions["article_id"], encoder.articles)
    for article_id in itertools.islice(encoder.articles, len(encoder.published), None):
        found = articles.get(article_id)
        encoder.published.append(-1 if found is None or found.published is None else found.published.toordinal())
    published = np.array(encoder.published, np.int64)
    precision = _coded(mentions["date_precision"], encoder.precisions)
    precision_names = list(encoder.precisions)
    day = np.array([told_precision == "day" for told_precision in precision_names], np.bool_)
    ranked = np.array([precision_ranks.get(told_precision, unranked) for told_precision in precision_names], np.int64)
    date_text = _coded(mentions["date_text"], encoder.date_texts)
    return {"start": start, "end": end, "day": day[precision], "actor1": _coded(mentions["actor1"], encoder.actors),
            "actor2": _coded(mentions["actor2"], encoder.actors), "place": place, "place_set": place_set,
            "article": article, "published": published[article],
            "confidence": mentions["confidence"].to_numpy().astype(np.float64), "date_text": date_text != 0,
            "fatalities": pc.fill_null(mentions["fatalities"], NO_FIGURE).to_numpy().astype(np.int64),
            "precision_rank": ranked[precision], "precision": precision, "date_text_code": date_text, "end_given": end_given,
            "type": _coded(mentions["sub_event_type"], encoder.types), **entries}


def _entries(mentions: pa.Table, mention_places: pa.Table, place: np.ndarray, place_set: np.ndarray,
             encoder: Encoder) -> dict[str, np.ndarray]:
    """Every place of every mention (an entry) as numbers, mention by mention in the order the text
    gives them: its place, role, text (a string code; 0: none) and, for a destination, the name a
    summary gives it (-1: not a destination). On the way, the place set of each mention with
    places (its main place and every place in a locating role), in place_set."""
    owner = pc.index_in(mention_places["mention_id"], value_set=mentions["mention_id"]).fill_null(-1).to_numpy()
    order = np.lexsort((mention_places["position"].to_numpy(), owner))
    order = order[owner[order] >= 0]  # places of a mention not given: none
    owner = owner[order].astype(np.int64)
    counts = np.bincount(owner, minlength=len(place))
    pointers = np.zeros(len(place) + 1, np.int64)
    np.cumsum(counts, out=pointers[1:])
    told = mention_places.take(order)
    entry_place = _place_codes(*_distinct(told["place_id"]), encoder)
    entry_role = _coded(told["role"], encoder.roles)
    entry_text = _coded(told["text"], encoder.strings)
    entry_name = np.full(len(order), -1, np.int64)
    destination = entry_role == encoder.roles.get("destination", -1)
    entry_name[destination] = entry_text[destination]
    unnamed = destination & (entry_text == encoder.strings[""])
    if unnamed.any():  # a destination the text does not name is called by the gazetteer's name
        known, strings = encoder.places, encoder.strings
        names = {code: strings.setdefault(known[encoder.place_list[code]].name if encoder.place_list[code] in known else "",
                                          len(strings))
                 for code in np.unique(entry_place[unnamed]).tolist()}
        entry_name[unnamed] = [names[code] for code in entry_place[unnamed].tolist()]
    locating = [code for role, code in encoder.roles.items() if role in encoder.locating_roles]
    located = np.where(np.isin(entry_role, locating), entry_place, 0)  # 0: the place "", none
    _place_sets(place, place_set, pointers, located, encoder)
    return {"entry_ptr": pointers, "entry_owner": owner, "entry_place": entry_place, "entry_role": entry_role,
            "entry_text": entry_text, "entry_name": entry_name}


def _place_sets(place: np.ndarray, place_set: np.ndarray, pointers: np.ndarray, located: np.ndarray,
                encoder: Encoder) -> None:
    """The place set of each mention with places: its main place and the places its entries
    locate it at (located: a place code, 0 for none), each distinct set coded once."""
    counts = np.diff(pointers)
    single = np.flatnonzero(counts == 1)
    if len(single):
        stride = len(encoder.place_list)
        pairs, which = _distinct(pa.chunked_array([place[single] * stride + located[pointers[single]]]))
        codes = [encoder.place_set(frozenset(encoder.place_list[code] for code in divmod(pair, stride) if code)) for pair in pairs]
        place_set[single] = np.array(codes, np.int64)[which]
    for i in np.flatnonzero(counts > 1).tolist():
        codes_of = {int(place[i]), *located[pointers[i]:pointers[i + 1]].tolist()} - {0}
        place_set[i] = encoder.place_set(frozenset(encoder.place_list[code] for code in codes_of))


_COLUMNS = ("start", "end", "day", "actor1", "actor2", "place", "place_set", "article", "published", "rank", "confidence",
            "date_text", "fatalities", "precision_rank", "precision", "date_text_code", "end_given", "type", "entry_owner", "entry_place", "entry_role", "entry_text",
            "entry_name")


def cluster_type(columns: Mapping[str, np.ndarray], members: np.ndarray, encoder: Encoder, recent_days: int,
                 few: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The clusters of one sub-event type's mentions (their positions in the columns): the
    positions cluster by cluster in the order the mentions joined (dated ones by date, end and
    mention id, then undated ones by mention id), the same by mention id, and where each
    cluster starts in both (with the end after the last)."""
    c = {name: columns[name][members] for name in ("start", "end", "rank", "day", "actor1", "actor2", "place", "place_set",
                                                   "article", "published")}
    start, end, rank = c["start"], c["end"], c["rank"]
    dated = np.flatnonzero(start >= 0)
    sweep_order = dated[np.lexsort((rank[dated], end[dated], start[dated]))]
    by_id = np.argsort(rank, kind="stable")
    undated = by_id[start[by_id] < 0]
    t = encoder.tables()
    label = _merge(sweep_order, undated, start, end, c["day"], c["actor1"], c["actor2"], c["place"], c["place_set"],
                   c["article"], c["published"], t["kind"], t["country"], t["province"], t["near_ptr"], t["near"],
                   t["set_ptr"], t["set"], t["filing_ptr"], t["filing"], t["probing_ptr"], t["probing"], t["own_ptr"],
                   t["own"], t["around_ptr"], t["around"], t["n_keys"], t["n_sets"], recent_days, few)
    joined = np.concatenate((sweep_order, undated))
    joined = joined[np.argsort(label[joined], kind="stable")]
    by_id = by_id[np.argsort(label[by_id], kind="stable")]
    bounds = np.concatenate(([0], np.flatnonzero(np.diff(label[joined])) + 1, [len(joined)])) if len(joined) else np.zeros(1, np.int64)
    return members[joined], members[by_id], bounds


def votes(columns: Mapping[str, np.ndarray], by_id: np.ndarray, joined: np.ndarray, bounds: np.ndarray,
          ranks: Mapping[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Each cluster's votes (etl.merge._Merging.describe says how its mentions vote), as positions
    and codes, a list per vote in this order: the best mention, the dated one (-1 none), whether
    the dates disagree, actor1, actor2, main place, fatalities (NO_FIGURE: none stated), sources,
    first publication day (-1 none), the chance all the mentions are wrong."""
    c = columns
    return _votes(by_id, joined, bounds, c["confidence"], c["place"], c["actor1"], c["actor2"], c["rank"], c["fatalities"],
                   c["article"], c["published"], c["precision_rank"], c["start"], c["date_text"], ranks["actor"],
                   ranks["place"], ranks["geo"])


def texts(columns: Mapping[str, np.ndarray], by_id: np.ndarray, joined: np.ndarray, bounds: np.ndarray, main: np.ndarray,
          ranks: Mapping[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """What each cluster's summary and places are written from, as codes: the text its mentions
    write most often for its main place (0: none; the alphabetically first on a tie); the names
    of its destinations once each, in the order its mentions joined (pointers, names); its
    places, each place and role once as the first mention by id writes it, by role and place
    (pointers, entries)."""
    c = columns
    return _texts(by_id, joined, bounds, main, c["entry_ptr"], c["entry_place"], c["entry_role"], c["entry_text"],
                  c["entry_name"], ranks["string"], ranks["role"], ranks["place"])


# ---------------------------------------------------------------------------- compiled helpers


@njit(cache=True)
def _get(table, key):
    """A typed dict's value, -1 when absent."""
    if key in table:
        return table[key]
    return -1


@njit(cache=True)
def _grown(store, slot, need):
    """The slot's array, grown to hold `need` items after its length (element 0)."""
    arr = store[slot]
    if arr[0] + need >= len(arr):
        bigger = np.empty(max(8, 2 * (arr[0] + need + 1)), np.int64)
        bigger[:arr[0] + 1] = arr[:arr[0] + 1]
        store[slot] = bigger
        arr = bigger
    return arr


@njit(cache=True)
def _new_slot(store):
    arr = np.zeros(4, np.int64)
    store.append(arr)
    return len(store) - 1


@njit(cache=True)
def _insort(store, slot, value):
    """Into the slot's ascending array, once."""
    arr = store[slot]
    n = arr[0]
    lo, hi = 1, n + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if arr[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    if lo <= n and arr[lo] == value:
        return
    arr = _grown(store, slot, 1)
    arr[lo + 1:n + 2] = arr[lo:n + 1].copy()
    arr[lo] = value
    arr[0] = n + 1


@njit(cache=True)
def _heap_push(store, slot, value):
    arr = _grown(store, slot, 1)
    n = arr[0] + 1
    arr[0] = n
    i = n
    while i > 1 and arr[i // 2] > value:
        arr[i] = arr[i // 2]
        i //= 2
    arr[i] = value


@njit(cache=True)
def _heap_pop(arr):
    n = arr[0]
    last = arr[n]
    n -= 1
    arr[0] = n
    i = 1
    while 2 * i <= n:
        child = 2 * i
        if child + 1 <= n and arr[child + 1] < arr[child]:
            child += 1
        if arr[child] >= last:
            break
        arr[i] = arr[child]
        i = child
    if n >= 1:
        arr[i] = last


@njit(cache=True)
def _is_near(near_ptr, near, a, b):
    lo, hi = near_ptr[a], near_ptr[a + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if near[mid] < b:
            lo = mid + 1
        else:
            hi = mid
    return lo < near_ptr[a + 1] and near[lo] == b


@njit(cache=True)
def _contains(kind, country, province, outer, inner):
    if kind[outer] == 1:
        return country[outer] != 0 and country[outer] == country[inner]
    if kind[outer] == 2:
        return province[outer] != 0 and country[outer] == country[inner] and province[outer] == province[inner]
    return False


@njit(cache=True)
def _compatible(kind, country, province, near_ptr, near, a, b):
    """etl.merge.places_compatible on codes (both non-empty)."""
    if a == b:
        return True
    if kind[a] == 0 or kind[b] == 0:
        return False
    if kind[a] <= 3 or kind[b] <= 3:
        return _contains(kind, country, province, a, b) or _contains(kind, country, province, b, a)
    return _is_near(near_ptr, near, a, b)


@njit(cache=True)
def _same(kind, near_ptr, near, a, b):
    """etl.merge._same_place for two places."""
    if a == b:
        return True
    return kind[a] != 0 and kind[b] != 0 and (kind[a] == 4 or kind[b] == 4) and _is_near(near_ptr, near, a, b)


@njit(cache=True)
def _sets_fit(cache, strict, n_sets, set_ptr, set_items, kind, country, province, near_ptr, near, s, t):
    """Any place of set s compatible with (strict: the same as) any place of set t; remembered."""
    key = s * n_sets + t
    found = _get(cache, key)
    if found >= 0:
        return found == 1
    fit = False
    for i in range(set_ptr[s], set_ptr[s + 1]):
        for j in range(set_ptr[t], set_ptr[t + 1]):
            a, b = set_items[i], set_items[j]
            if (_same(kind, near_ptr, near, a, b) if strict else _compatible(kind, country, province, near_ptr, near, a, b)):
                fit = True
                break
        if fit:
            break
    cache[key] = 1 if fit else 0
    return fit


@njit(cache=True)
def _in_list(head, nxt, val, c, value):
    node = head[c]
    while node >= 0:
        if val[node] == value:
            return True
        node = nxt[node]
    return False


@njit(cache=True)
def _actor_key(first, second):
    return (first + 2) * (1 << 31) + second + 2


@njit(cache=True)
def _oldest(heaps, slots, c_min_end, c_a1, c_a2, c_places, placeless, a1, a2, today):
    """The oldest cluster open today whose actors fit (placeless: and that names no place)."""
    best = -1
    for f in range(2 if a1 != 0 else 1):
        first = (0 if f == 0 else a1) if a1 != 0 else ANY
        for g in range(2 if a2 != 0 else 1):
            second = (0 if g == 0 else a2) if a2 != 0 else ANY
            slot = _get(slots, _actor_key(first, second))
            if slot < 0:
                continue
            heap = heaps[slot]
            while heap[0] > 0:
                c = heap[1]
                if (c_min_end[c] >= today and (first == ANY or first == c_a1[c]) and (second == ANY or second == c_a2[c])
                        and not (placeless and c_places[c])):
                    if best < 0 or c < best:
                        best = c
                    break
                _heap_pop(heap)
    return best


@njit(cache=True)
def _file_by_actors(heaps, slots, c, a1, a2, before1, before2, refile):
    """File a cluster under the actor keys of (a1, a2), less those of (before1, before2) when it
    is filed again after naming an actor it lacked."""
    for f in range(2):
        first = ANY if f == 0 else a1
        for g in range(2):
            second = ANY if g == 0 else a2
            if refile and (first == ANY or first == before1) and (second == ANY or second == before2):
                continue
            key = _actor_key(first, second)
            slot = _get(slots, key)
            if slot < 0:
                slot = _new_slot(heaps)
                slots[key] = slot
            _heap_push(heaps, slot, c)


@njit(cache=True)
def _join(c, a1, a2, ids, c_a1, c_a2, sets_head, sets_val, sets_next, n_nodes):
    """A member's actors and place set into its cluster's summaries; the place-set nodes used."""
    if a1 != 0:
        c_a1[c] = a1
    if a2 != 0:
        c_a2[c] = a2
    if ids >= 0 and not _in_list(sets_head, sets_next, sets_val, c, ids):
        sets_val[n_nodes] = ids
        sets_next[n_nodes] = sets_head[c]
        sets_head[c] = n_nodes
        n_nodes += 1
    return n_nodes


@njit(cache=True)
def _pruned(buckets, swept, c_min_end, key, today):
    """A blocking key's clusters, oldest first, cleared of finished ones once a day."""
    arr = buckets[key]
    if arr[0] > 0 and swept[key] != today:
        swept[key] = today
        kept = 0
        for b in range(1, arr[0] + 1):
            if c_min_end[arr[b]] + 1 >= today:
                kept += 1
                arr[kept] = arr[b]
        arr[0] = kept
    return arr


@njit(cache=True)
def _score(i, c, start, day, actor1, actor2, place, place_set, c_min_end, c_a1, c_a2, sets_head, sets_val, sets_next,
           main_head, main_val, main_next, pa_head, pa_val, pa_next, not_single, fit_cache, n_sets, set_ptr, set_items,
           kind, country, province, near_ptr, near):
    """0 same place, 1 compatible, 2 one day apart with place and actor agreeing, 9 no fit."""
    s, a1, a2, ids = start[i], actor1[i], actor2[i], place_set[i]
    if c_min_end[c] + 1 < s:
        return 9
    if not ((a1 == 0 or c_a1[c] == 0 or a1 == c_a1[c]) and (a2 == 0 or c_a2[c] == 0 or a2 == c_a2[c])):
        return 9
    if ids >= 0:
        node = sets_head[c]
        while node >= 0:
            if not _sets_fit(fit_cache, False, n_sets, set_ptr, set_items, kind, country, province, near_ptr, near, ids,
                             sets_val[node]):
                return 9
            node = sets_next[node]
    if c_min_end[c] < s:  # some members end the day before: all must be that single day
        if not day[i] or (c * (1 << 23) + s - 1) in not_single:
            return 9
        if place[i] != 0 and a1 != 0 and _in_list(pa_head, pa_next, pa_val, c, place[i] * (1 << 31) + a1):
            return 2
        return 9
    if place[i] != 0 and _in_list(main_head, main_next, main_val, c, place[i]):
        return 0
    return 1


@njit(cache=True)
def _push_capped(index, slot, c, few):
    """Into a bucket whose members matter only while they are few: past few, only its length does."""
    arr = index[slot]
    n = arr[0]
    if n > few:
        return
    for b in range(1, n + 1):
        if arr[b] == c:
            return
    arr = _grown(index, slot, 1)
    arr[n + 1] = c
    arr[0] = n + 1


@njit(cache=True)
def _push(index, slot, c):
    arr = index[slot]
    if arr[0] > 0 and arr[arr[0]] == c:
        return
    arr = _grown(index, slot, 1)
    arr[arr[0] + 1] = c
    arr[0] += 1


@njit(cache=True)
def _slot(index, slots, key):
    slot = _get(slots, key)
    if slot < 0:
        slot = _new_slot(index)
        slots[key] = slot
    return slot


@njit(cache=True)
def _index_add(index, slots, c, art, a1, ids, c_end, set_ptr, set_items, own_ptr, own, few):
    """A dated cluster under a member's article, actor, actor and week, places and map cells."""
    _push(index, _slot(index, slots, art * 4 + 1), c)
    if a1 != 0:
        _push_capped(index, _slot(index, slots, a1 * 4 + 2), c, few)
        _push(index, _slot(index, slots, (a1 * (1 << 22) + c_end[c] // 7) * 4 + 3), c)
    if ids >= 0:
        for j in range(set_ptr[ids], set_ptr[ids + 1]):
            p = set_items[j]
            for k in range(own_ptr[p], own_ptr[p + 1]):
                _push_capped(index, _slot(index, slots, own[k] * 4), c, few)


@njit(cache=True)
def _gather(arr, mark, found, n_found, i):
    """A bucket's clusters not yet found for mention i."""
    for b in range(1, arr[0] + 1):
        c = arr[b]
        if mark[c] != i:
            mark[c] = i
            found[n_found] = c
            n_found += 1
    return n_found


@njit(cache=True)
def _merge(sweep_order, undated, start, end, day, actor1, actor2, place, place_set, article, published,
           kind, country, province, near_ptr, near, set_ptr, set_items, filing_ptr, filing, probing_ptr, probing,
           own_ptr, own, around_ptr, around, n_keys, n_sets, recent_days, few):
    n = len(start)
    label = np.full(n, -1, np.int64)
    # cluster summaries; a cluster's number is its age
    c_start = np.empty(n, np.int64)
    c_end = np.empty(n, np.int64)
    c_min_end = np.empty(n, np.int64)
    c_a1 = np.zeros(n, np.int64)
    c_a2 = np.zeros(n, np.int64)
    c_places = np.zeros(n, np.bool_)
    sets_head = np.full(n, -1, np.int64)  # linked lists of distinct place sets
    sets_val = np.empty(n, np.int64)
    sets_next = np.empty(n, np.int64)
    main_head = np.full(n, -1, np.int64)  # of distinct main places
    main_val = np.empty(n, np.int64)
    main_next = np.empty(n, np.int64)
    pa_head = np.full(n, -1, np.int64)  # of distinct (main place, actor1) pairs, as place * 2^31 + actor
    pa_val = np.empty(n, np.int64)
    pa_next = np.empty(n, np.int64)
    n_set_nodes = 0
    n_main_nodes = 0
    n_pa_nodes = 0
    not_single = Dict.empty(types.int64, types.int64)  # (cluster, last day) of members not one day-precise day
    fit_cache = Dict.empty(types.int64, types.int64)
    same_cache = Dict.empty(types.int64, types.int64)

    # ------------------------------------------------------------------ dated sweep
    buckets = List.empty_list(_INTS)
    for _ in range(n_keys):
        buckets.append(np.zeros(4, np.int64))
    swept = np.full(n_keys, -1, np.int64)
    open_heaps = List.empty_list(_INTS)
    open_slots = Dict.empty(types.int64, types.int64)
    placeless_heaps = List.empty_list(_INTS)
    placeless_slots = Dict.empty(types.int64, types.int64)
    n_clusters = 0
    heads = np.empty(len(probing) + 1, np.int64)  # the probed buckets walked at once, oldest first
    probed = np.empty(len(probing) + 1, np.int64)
    for i in sweep_order:
        s, a1, a2, ids = start[i], actor1[i], actor2[i], place_set[i]
        target = -1
        if ids < 0:
            target = _oldest(open_heaps, open_slots, c_min_end, c_a1, c_a2, c_places, False, a1, a2, s)
        else:
            found = False
            if place[i] != 0:  # the same place wins outright: the oldest open cluster there that fits
                key = filing[filing_ptr[place[i]]]
                bucket = _pruned(buckets, swept, c_min_end, key, s)
                for b in range(1, bucket[0] + 1):
                    c = bucket[b]
                    if _score(i, c, start, day, actor1, actor2, place, place_set, c_min_end, c_a1, c_a2, sets_head,
                              sets_val, sets_next, main_head, main_val, main_next, pa_head, pa_val, pa_next, not_single,
                              fit_cache, n_sets, set_ptr, set_items, kind, country, province, near_ptr, near) == 0:
                        target = c
                        found = True
                        break
            if not found:
                placeless = _oldest(placeless_heaps, placeless_slots, c_min_end, c_a1, c_a2, c_places, True, a1, a2, s)
                n_probed = 0
                for j in range(set_ptr[ids], set_ptr[ids + 1]):
                    p = set_items[j]
                    for k in range(probing_ptr[p], probing_ptr[p + 1]):
                        bucket = _pruned(buckets, swept, c_min_end, probing[k], s)
                        if bucket[0] > 0:
                            if n_probed == len(probed):
                                probed = np.concatenate((probed, probed))
                                heads = np.concatenate((heads, heads))
                            probed[n_probed] = probing[k]
                            heads[n_probed] = 1
                            n_probed += 1
                one_day_off = -1
                last = -1
                while True:  # no cluster left scores 0: the first that fits wins
                    pick = -1
                    for b in range(n_probed):
                        arr = buckets[probed[b]]
                        if heads[b] <= arr[0] and (pick < 0 or arr[heads[b]] < buckets[probed[pick]][heads[pick]]):
                            pick = b
                    if pick < 0:
                        break
                    c = buckets[probed[pick]][heads[pick]]
                    heads[pick] += 1
                    if placeless >= 0 and c > placeless:
                        break
                    if c == last:
                        continue
                    last = c
                    score = _score(i, c, start, day, actor1, actor2, place, place_set, c_min_end, c_a1, c_a2, sets_head,
                                   sets_val, sets_next, main_head, main_val, main_next, pa_head, pa_val, pa_next,
                                   not_single, fit_cache, n_sets, set_ptr, set_items, kind, country, province, near_ptr, near)
                    if score <= 1:
                        target = c
                        found = True
                        break
                    if score == 2 and one_day_off < 0:
                        one_day_off = c
                if not found:
                    target = placeless if placeless >= 0 else one_day_off
        new = target < 0
        if new:
            target = n_clusters
            n_clusters += 1
            c_start[target] = s
            c_end[target] = end[i]
            c_min_end[target] = end[i]
        before1, before2 = c_a1[target], c_a2[target]
        # add the member
        label[i] = target
        e = end[i]
        if s < c_start[target]:
            c_start[target] = s
        if e > c_end[target]:
            c_end[target] = e
        if e < c_min_end[target]:
            c_min_end[target] = e
        if not (e == s and day[i]):
            not_single[target * (1 << 23) + e] = 1
        n_set_nodes = _join(target, a1, a2, ids, c_a1, c_a2, sets_head, sets_val, sets_next, n_set_nodes)
        if ids >= 0:
            c_places[target] = True
        if place[i] != 0:
            if not _in_list(main_head, main_next, main_val, target, place[i]):
                main_val[n_main_nodes] = place[i]
                main_next[n_main_nodes] = main_head[target]
                main_head[target] = n_main_nodes
                n_main_nodes += 1
            pair = place[i] * (1 << 31) + a1
            if not _in_list(pa_head, pa_next, pa_val, target, pair):
                pa_val[n_pa_nodes] = pair
                pa_next[n_pa_nodes] = pa_head[target]
                pa_head[target] = n_pa_nodes
                n_pa_nodes += 1
        if new:
            _file_by_actors(open_heaps, open_slots, target, c_a1[target], c_a2[target], 0, 0, False)
            if ids < 0:
                _file_by_actors(placeless_heaps, placeless_slots, target, c_a1[target], c_a2[target], 0, 0, False)
        elif before1 != c_a1[target] or before2 != c_a2[target]:
            _file_by_actors(open_heaps, open_slots, target, c_a1[target], c_a2[target], before1, before2, True)
            if not c_places[target]:
                _file_by_actors(placeless_heaps, placeless_slots, target, c_a1[target], c_a2[target], before1, before2, True)
        if ids >= 0:
            for j in range(set_ptr[ids], set_ptr[ids + 1]):
                p = set_items[j]
                for k in range(filing_ptr[p], filing_ptr[p + 1]):
                    _insort(buckets, filing[k], target)

    # ------------------------------------------------------------------ undated attach
    if len(undated) == 0:
        return label
    index = List.empty_list(_INTS)  # buckets of the undated index; element 0 its length (capped ones: saturated past few)
    index_slots = Dict.empty(types.int64, types.int64)
    for i in sweep_order:
        _index_add(index, index_slots, label[i], article[i], actor1[i], place_set[i], c_end, set_ptr, set_items,
                   own_ptr, own, few)
    mark = np.full(n, -1, np.int64)  # the undated mention whose candidate each cluster last was
    in_article = np.full(n, -1, np.int64)
    found = np.empty(n, np.int64)
    fitting = np.empty(n, np.int64)
    pools = List.empty_list(_INTS)  # undated events by (actor1, place), oldest first
    pool_slots = Dict.empty(types.int64, types.int64)
    chosen = np.empty(4, np.int64)
    for i in undated:
        a1, a2, ids, pub = actor1[i], actor2[i], place_set[i], published[i]
        n_found = 0
        slot = _get(index_slots, article[i] * 4 + 1)
        if slot >= 0:
            arr = index[slot]
            for b in range(1, arr[0] + 1):
                c = arr[b]
                in_article[c] = i
                if mark[c] != i:
                    mark[c] = i
                    found[n_found] = c
                    n_found += 1
        actor_len = 0
        if ids >= 0:
            if a1 != 0:
                slot = _get(index_slots, a1 * 4 + 2)
                if slot >= 0:
                    arr = index[slot]
                    actor_len = arr[0]
                    if actor_len <= few:
                        n_found = _gather(arr, mark, found, n_found, i)
                if pub >= 0:
                    for week in range((pub - recent_days) // 7, pub // 7 + 1):
                        slot = _get(index_slots, (a1 * (1 << 22) + week) * 4 + 3)
                        if slot >= 0:
                            n_found = _gather(index[slot], mark, found, n_found, i)
            for j in range(set_ptr[ids], set_ptr[ids + 1]):
                p = set_items[j]
                for k in range(around_ptr[p], around_ptr[p + 1]):
                    slot = _get(index_slots, around[k] * 4)
                    if slot >= 0 and index[slot][0] <= few:
                        n_found = _gather(index[slot], mark, found, n_found, i)
        n_fitting = 0
        for b in range(n_found):
            c = found[b]
            if ((pub < 0 or c_start[c] <= pub) and (a1 == 0 or c_a1[c] == 0 or a1 == c_a1[c])
                    and (a2 == 0 or c_a2[c] == 0 or a2 == c_a2[c])):
                if ids >= 0:
                    fits = False
                    node = sets_head[c]
                    while node >= 0:
                        if _sets_fit(same_cache, True, n_sets, set_ptr, set_items, kind, country, province, near_ptr,
                                     near, ids, sets_val[node]):
                            fits = True
                            break
                        node = sets_next[node]
                    if not fits:
                        continue
                fitting[n_fitting] = c
                n_fitting += 1
        # where the mention may belong, most telling first: its article; any; recent by its actor; its actor's only one
        chosen[:] = 0
        firsts = np.full(4, -1, np.int64)
        for b in range(n_fitting):
            c = fitting[b]
            if in_article[c] == i:
                chosen[0] += 1
                firsts[0] = c
            chosen[1] += 1
            firsts[1] = c
            if a1 != 0 and a1 == c_a1[c]:
                if pub >= 0 and c_end[c] >= pub - recent_days:
                    chosen[2] += 1
                    firsts[2] = c
                chosen[3] += 1
                firsts[3] = c
        groups = 1 if ids < 0 else 2 if a1 == 0 else 4 if actor_len <= few else 3
        target = -1
        for g in range(groups):
            if chosen[g] == 1:
                target = firsts[g]
                break
        if target >= 0:
            label[i] = target
            n_set_nodes = _join(target, a1, a2, ids, c_a1, c_a2, sets_head, sets_val, sets_next, n_set_nodes)
            _index_add(index, index_slots, target, article[i], a1, ids, c_end, set_ptr, set_items, own_ptr, own, few)
            continue
        home = -1
        for f in range(2 if a1 != 0 else 1):
            pool_actor = a1 if f == 0 else 0
            for j in range(set_ptr[ids] if ids >= 0 else 0, set_ptr[ids + 1] + 1 if ids >= 0 else 1):
                pool_place = set_items[j] if ids >= 0 and j < set_ptr[ids + 1] else 0
                slot = _get(pool_slots, pool_actor * (1 << 31) + pool_place)
                if slot < 0:
                    continue
                pool = pools[slot]
                for b in range(1, pool[0] + 1):
                    h = pool[b]
                    if home >= 0 and h >= home:
                        break
                    if (a1 == 0 or c_a1[h] == 0 or a1 == c_a1[h]) and (a2 == 0 or c_a2[h] == 0 or a2 == c_a2[h]):
                        fits = True
                        if ids >= 0:
                            node = sets_head[h]
                            while node >= 0:
                                if not _sets_fit(same_cache, True, n_sets, set_ptr, set_items, kind, country, province,
                                                 near_ptr, near, ids, sets_val[node]):
                                    fits = False
                                    break
                                node = sets_next[node]
                        if fits:
                            home = h
                            break
        if home < 0:
            home = n_clusters
            n_clusters += 1
        label[i] = home
        n_set_nodes = _join(home, a1, a2, ids, c_a1, c_a2, sets_head, sets_val, sets_next, n_set_nodes)
        for j in range(set_ptr[ids] if ids >= 0 else 0, set_ptr[ids + 1] if ids >= 0 else 1):
            pool_place = set_items[j] if ids >= 0 else 0
            key = a1 * (1 << 31) + pool_place
            slot = _get(pool_slots, key)
            if slot < 0:
                slot = _new_slot(pools)
                pool_slots[key] = slot
            _insort(pools, slot, home)
    return label


@njit(cache=True)
def _runs(values):
    """The distinct values in order and how often each comes."""
    ordered = np.sort(values)
    distinct = np.empty(len(ordered), np.int64)
    counts = np.zeros(len(ordered), np.int64)
    n = 0
    for j in range(len(ordered)):
        if j == 0 or ordered[j] != ordered[j - 1]:
            distinct[n] = ordered[j]
            n += 1
        counts[n - 1] += 1
    return distinct[:n], counts[:n]


@njit(cache=True)
def _most_counted(values, value_rank):
    """The non-zero code counted most, the first by value_rank on a tie; 0 none."""
    best, best_count = 0, 0
    distinct, counts = _runs(values)
    for j in range(len(distinct)):
        v, count = distinct[j], counts[j]
        if v != 0 and (count > best_count or (count == best_count and value_rank[v] < value_rank[best])):
            best, best_count = v, count
    return best


@njit(cache=True)
def _votes(by_id, joined, bounds, confidence, place, actor1, actor2, rank, fatalities, article, published,
           precision_rank, start, date_text, actor_rank, place_rank, place_geo):
    k = len(bounds) - 1
    best = np.empty(k, np.int64)
    dated = np.full(k, -1, np.int64)
    disputed = np.zeros(k, np.bool_)
    a1 = np.empty(k, np.int64)
    a2 = np.empty(k, np.int64)
    main = np.empty(k, np.int64)
    fatal = np.full(k, NO_FIGURE, np.int64)
    n_sources = np.empty(k, np.int64)
    first = np.full(k, -1, np.int64)
    unsure = np.empty(k)
    for c in range(k):
        lo, hi = bounds[c], bounds[c + 1]
        if hi - lo == 1:
            m = by_id[lo]
            best[c], a1[c], a2[c], main[c], fatal[c], n_sources[c] = m, actor1[m], actor2[m], place[m], fatalities[m], 1
            first[c] = published[m]
            unsure[c] = 1.0 - confidence[m]
            if start[m] >= 0:
                dated[c] = m
            continue
        told = by_id[lo:hi]
        # the best told: most confident, then with a place, then with an actor, then the last id
        b = told[0]
        for m in told[1:]:
            if (confidence[m] > confidence[b] or (confidence[m] == confidence[b] and (
                    (place[m] != 0) > (place[b] != 0) or ((place[m] != 0) == (place[b] != 0) and (
                        (actor1[m] != 0) > (actor1[b] != 0) or ((actor1[m] != 0) == (actor1[b] != 0) and rank[m] > rank[b])))))):
                b = m
        best[c] = b
        a1[c] = _most_counted(actor1[told], actor_rank)
        a2[c] = _most_counted(actor2[told], actor_rank)
        # the main place: the most precise, the most named among equally precise, the first by id
        chosen, chosen_count = 0, 0
        distinct, counts = _runs(place[told])
        for j in range(len(distinct)):
            p, count = distinct[j], counts[j]
            if p != 0 and (chosen == 0 or place_geo[p] < place_geo[chosen] or (place_geo[p] == place_geo[chosen] and (
                    count > chosen_count or (count == chosen_count and place_rank[p] < place_rank[chosen])))):
                chosen, chosen_count = p, count
        main[c] = chosen
        # fatalities: the figure stated most, the highest on a tie
        fatal_count = 0
        distinct, counts = _runs(fatalities[told])
        for j in range(len(distinct)):
            if distinct[j] != NO_FIGURE and (counts[j] > fatal_count or (counts[j] == fatal_count and distinct[j] > fatal[c])):
                fatal[c], fatal_count = distinct[j], counts[j]
        n_sources[c] = len(_runs(article[told])[0])
        chance = 1.0
        for m in told:
            chance *= 1.0 - confidence[m]
            if published[m] >= 0 and (first[c] < 0 or published[m] < first[c]):
                first[c] = published[m]
        unsure[c] = chance
        # the date: the finest precision given; among those the day most articles give, then the most
        # confidence (summed as they joined), then the earliest; its most confident mention, with a
        # date text, the last id
        finest = 1 << 30
        for m in told:
            if start[m] >= 0 and precision_rank[m] < finest:
                finest = precision_rank[m]
        if finest == 1 << 30:
            continue
        finest_told = np.array([m for m in joined[lo:hi] if start[m] >= 0 and precision_rank[m] == finest])
        days = _runs(start[finest_told])[0]
        summed = np.zeros(len(days))
        slots = np.searchsorted(days, start[finest_told])
        for j in range(len(finest_told)):
            summed[slots[j]] += confidence[finest_told[j]]
        sources = np.zeros(len(days), np.int64)
        for pair in _runs(slots * (1 << 32) + article[finest_told])[0]:
            sources[pair >> 32] += 1
        win = 0
        for j in range(1, len(days)):
            if sources[j] > sources[win] or (sources[j] == sources[win] and summed[j] > summed[win]):
                win = j
        d = -1
        for m in finest_told:
            if start[m] == days[win] and (d < 0 or confidence[m] > confidence[d] or (
                    confidence[m] == confidence[d] and (date_text[m] > date_text[d] or (
                        date_text[m] == date_text[d] and rank[m] > rank[d])))):
                d = m
        dated[c] = d
        disputed[c] = len(days) > 1
    return best, dated, disputed, a1, a2, main, fatal, n_sources, first, unsure


@njit(cache=True)
def _texts(by_id, joined, bounds, main, entry_ptr, entry_place, entry_role, entry_text, entry_name, string_rank, role_rank,
           place_rank):
    k = len(bounds) - 1
    total = 0
    for m in by_id:
        total += entry_ptr[m + 1] - entry_ptr[m]
    written = np.zeros(k, np.int64)
    names_ptr = np.zeros(k + 1, np.int64)
    names = np.empty(total, np.int64)
    kept_ptr = np.zeros(k + 1, np.int64)
    kept = np.empty(total, np.int64)
    texts = np.empty(total, np.int64)
    n_names, n_kept = 0, 0
    for c in range(k):
        lo, hi = bounds[c], bounds[c + 1]
        n_texts = 0
        for m in joined[lo:hi]:
            for e in range(entry_ptr[m], entry_ptr[m + 1]):
                if entry_place[e] == main[c] and entry_text[e] != 0:
                    texts[n_texts] = entry_text[e]
                    n_texts += 1
                name = entry_name[e]
                if name >= 0:
                    new = True
                    for j in range(names_ptr[c], n_names):
                        if names[j] == name:
                            new = False
                            break
                    if new:
                        names[n_names] = name
                        n_names += 1
        if n_texts:
            distinct, counts = _runs(texts[:n_texts])
            best = 0
            for j in range(1, len(distinct)):
                if counts[j] > counts[best] or (counts[j] == counts[best] and string_rank[distinct[j]] < string_rank[distinct[best]]):
                    best = j
            written[c] = distinct[best]
        names_ptr[c + 1] = n_names
        first = n_kept
        for m in by_id[lo:hi]:
            for e in range(entry_ptr[m], entry_ptr[m + 1]):
                new = True
                for j in range(first, n_kept):
                    if entry_place[kept[j]] == entry_place[e] and entry_role[kept[j]] == entry_role[e]:
                        new = False
                        break
                if new:
                    # insert in order of role, then place
                    role, at = role_rank[entry_role[e]], place_rank[entry_place[e]]
                    j = n_kept
                    while j > first and (role_rank[entry_role[kept[j - 1]]] > role or (
                            role_rank[entry_role[kept[j - 1]]] == role and place_rank[entry_place[kept[j - 1]]] > at)):
                        kept[j] = kept[j - 1]
                        j -= 1
                    kept[j] = e
                    n_kept += 1
        kept_ptr[c + 1] = n_kept
    return written, names_ptr, names[:n_names], kept_ptr, kept[:n_kept]
