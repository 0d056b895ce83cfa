"""Typed, immutable records passed between pipeline stages.

Every stage is a pure function from text and metadata to these records; the store writes
them as rows. Character offsets always refer to the article's *cleaned* text.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One cleaned article with where its publication date came from."""

    article_id: str  # content hash of the cleaned text (same article twice = one article)
    source: str
    url: str
    title: str
    published: dt.date | None  # the reference date every relative expression resolves against
    published_time: str  # "HH:MM:SS" when known, else ""
    published_source: str  # manifest | metadata | dateline | url | inferred | unknown
    language: str
    text: str  # cleaned text; all offsets refer to it
    path: str  # where it was read from (file, or file#line for .jsonl)
    sha256: str  # hash of the raw bytes, to skip unchanged input on the next run
    status: str = "ok"  # ok | failed
    error: str = ""
    removed: tuple[str, ...] = ()  # what cleaning removed, one short label per removal


@dataclass(frozen=True)
class IngestFailure:
    """An input that could not become an article, with a one-line reason."""

    path: str
    reason: str
    sha256: str = ""
    source: str = ""
    kind: str = "failed"  # failed | skipped (duplicate, unsupported type) | warning (the article was kept)


@dataclass(frozen=True)
class TimeMention:
    """A TIMEX3-style temporal expression, normalised against the reference date."""

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str  # TIMEX3 value: 2015-05, 2016-03-27, 2016-W12-WE, P10M, PRESENT_REF, 199 (the 1990s), 2011-06-03/2011-06-06 (a span of days) ...
    precision: str  # time | day | week | month | season | quarter | year | decade | century | none
    date_start: dt.date | None  # interval the expression denotes (None for sets and durations, save the day an anchored one leads to: "six days later")
    date_end: dt.date | None
    approx: bool = False  # nearly, about, around, some
    mod: str = ""  # EARLY | MID | LATE | START | END | BEFORE | AFTER | ""
    anchor: str = "published"  # published | inferred | absolute: what it was resolved against


@dataclass(frozen=True)
class Place:
    """A gazetteer entry."""

    place_id: str  # geonames:163808, admin1:SY-04, country:SY, poi:temple-of-bel ...
    name: str
    lat: float
    lon: float
    kind: str  # country | admin1 | admin2 | city | village | poi | region | continent
    country_code: str
    admin1: str
    population: int
    origin: str  # geonames | countrystatecity | countryinfo | supplement | nominatim | photon ...
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceMention:
    """A place named in the text, resolved to a gazetteer entry or kept unresolved."""

    start: int
    end: int
    text: str
    place: Place | None  # None: recognised as a place but found nowhere
    precision: int  # ACLED geo_precision: 1 town, 2 near a town / part of a region, 3 region, 4 country
    score: float
    method: str  # ner | gazetteer | pattern | demonym | abbreviation


@dataclass(frozen=True)
class EventPlace:
    place_id: str
    role: str  # location | origin | destination | target
    text: str


@dataclass(frozen=True)
class EventMention:
    """One typed event as one sentence of one article tells it."""

    article_id: str
    mention_id: str  # stable: article_id + trigger offsets
    sentence: str
    sentence_start: int
    sentence_end: int
    trigger: str  # the trigger phrase, e.g. "took control", "pulled out"
    trigger_start: int  # offsets of the phrase's head word
    trigger_end: int
    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str
    date_text: str
    date_value: str
    date_start: dt.date | None  # None: undated
    date_end: dt.date | None
    date_precision: str
    place_id: str  # "" when no place
    place_text: str
    places: tuple[EventPlace, ...] = ()
    fatalities: int | None = None
    confidence: float = 0.5
    reported_speech: bool = False


@dataclass(frozen=True)
class Event:
    """One real-world event merged from every mention of it across articles."""

    event_id: str
    event_type: str
    sub_event_type: str
    summary: str
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: str
    date_text: str
    place_id: str
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    actor1: str
    actor2: str
    fatalities: int | None
    n_sources: int
    n_mentions: int
    first_reported: dt.date | None
    confidence: float
    disputed: str  # "" or a human-readable account of where the sources disagree
    mention_ids: tuple[str, ...] = ()
    places: tuple[EventPlace, ...] = field(default_factory=tuple)
