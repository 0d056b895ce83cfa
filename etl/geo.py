"""Recognise the places an article names and resolve them against the offline gazetteer.

NER labels alone do not decide what is a place (the small English model calls a famous
Syrian city a PERSON most of the time): candidate spans come from capitalised token runs
looked up in the gazetteer, from NER, and from patterns ("the city of X", "X province",
"the outskirts of X"); context decides. Resolution ranks candidates by kind, population,
the countries the article is about and closeness to its other places; one spelling keeps
one meaning within an article.

Demonyms ("Syrian forces", "Russian jets") become mentions with method="demonym" resolved to
their country at precision 4: they tell which countries an article is about (and weight its
ranking), but an event should not be placed at "Russian".
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from etl import gazetteer as gz
from etl.records import Place, PlaceMention

if TYPE_CHECKING:  # spaCy is not imported at run time: a lookup-only process starts fast
    from spacy.tokens import Doc, Span

# Nouns that make the name next to them a place: "the city of X", "X province".
SETTLEMENT_NOUNS = frozenset(
    "city cities town towns village villages capital suburb suburbs hamlet port".split())
ADMIN_NOUNS = frozenset(
    "province provinces governorate governorates region regions state states district "
    "districts county counties department prefecture oblast territory".split())
NEAR_NOUNS = frozenset("outskirts outskirt edge edges environs vicinity countryside".split())
PART_NOUNS = frozenset(
    "districts district neighbourhoods neighborhoods neighbourhood neighborhood centre center "
    "streets quarter quarters suburbs heart parts part area areas".split())
PLACE_PREPOSITIONS = frozenset(
    "in at near from to towards toward into outside around across inside through via "
    "throughout within across between besieged entered reached captured recaptured "
    "retook reclaimed seized liberated".split())
CONNECTORS = frozenset("al el ez es as ar ad az an at ash de del da di du la le les bin ibn "
                       "abu of - ' ’".split())
CALENDAR_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday jan feb mar apr jun jul aug "
    "sep sept oct nov dec mon tue wed thu fri sat sun".split())
FACILITY_NOUNS = frozenset(
    "temple temples prison castle citadel amphitheatre amphitheater theatre theater airport "
    "airbase base mosque church museum dam bridge square palace fortress arch camp".split())
# Capitalised alone, these are parts of longer names or titles ("Mithi River", "the Council"),
# never a place by themselves, though GeoNames has villages so called.
GENERIC_WORDS = frozenset(
    "river creek lake street road avenue church council village villages city town airport "
    "center centre coast embassy region republic district north south east west northern "
    "southern eastern western central assembly alliance commission commissioner minister "
    "president officer police mission school university college hospital park valley mountain "
    "island bay state federal national international research energy justice children "
    "colony earth green orange spring summer winter lead box hand needle rose village "
    "department ministry office agency union army forces government court secretary pope vice "
    "governor mayor senator chairman director spokesman spokeswoman chancellor premier professor "
    "doctor bishop cardinal sheikh".split())
SKIPPED_MODIFIERS = frozenset(
    "the a an ancient historic old northern southern eastern western central besieged "
    "strategic nearby neighbouring neighboring".split())
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
BLOCKING_LABELS = frozenset({"PERSON", "ORG", "WORK_OF_ART", "LAW", "PRODUCT", "EVENT"})

KIND_FLOOR = {"continent": 1e9, "country": 1e6, "region": 1e7, "admin1": 1e5, "admin2": 1e5,
              "poi": 1e3, "city": 1e4, "village": 100}
KIND_BONUS = {"country": 1.0, "continent": 0.5, "region": 0.5, "admin1": 0.3}
HOW_PENALTY = {gz.HOW_NAME: 0.0, gz.HOW_ALTERNATE: 0.5, gz.HOW_ABBREVIATION: 0.0,
               gz.HOW_DEMONYM: 0.0, gz.HOW_ALTERNATE + 1: 1.0}
GEONAMES_ALTERNATE_PENALTY = 0.5
NAMESAKE_CITY_POPULATION = 500_000
WORLD_CITY_POPULATION, WORLD_CITY_BONUS = 1_000_000, 1.5
COUNTY_RADIUS_KM = 60
ANCHOR_CONFIDENCE = 0.95
PRECISION = {"city": 1, "village": 1, "poi": 1, "admin2": 2, "admin1": 3, "region": 3,
             "country": 4, "continent": 4}
# Words that make "X" + word a part of X or the land around it, when the whole is unknown.
PART_PREFIXES = frozenset("greater north south east west northern southern eastern western "
                          "central upper lower downtown inner outer".split())
LANDFORM_SUFFIXES = frozenset("valley delta basin peninsula coast area metropolitan metro "
                              "hills heights".split())  # not islands and bays: named apart
# Nouns after a name that make it the name of a disease ("West Nile virus", "Marburg fever").
PATHOGEN_NOUNS = frozenset("virus viruses fever flu influenza disease syndrome encephalitis "
                           "vaccine vaccines".split())
STORM_WORDS = frozenset("hurricane typhoon cyclone storm".split())
BROAD_KINDS = frozenset({"country", "admin1", "region", "continent"})
DIVISION_BONUS = 1.5  # a place inside a first-level division the article names
NEARBY_DIVISION_BONUS, NEARBY_CHARS = 0.75, 200  # ... and names close to the place
MAX_SPAN_TOKENS = 6


_EDGE_PUNCT = "-'’‘\"“”:,;()[]{}/\\+*"


def _text(doc: Doc) -> str:
    """The article's text, joined once: spaCy rebuilds `doc.text` from every token per access."""
    cached = doc.user_data.get("geo_text")
    if cached is None:
        cached = doc.user_data["geo_text"] = doc.text
    return cached


def _trimmed(doc: Doc, i: int, j: int) -> tuple[int, int, str]:
    """Character offsets and text of tokens i..j without edge punctuation ('"Syrian' in JSON)."""
    start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1])
    text = _text(doc)[start:end]
    stripped = text.lstrip(_EDGE_PUNCT)
    start += len(text) - len(stripped)
    stripped = stripped.rstrip(_EDGE_PUNCT)
    return start, start + len(stripped), stripped


@dataclass
class _Span:
    """A candidate place span and the evidence for it."""

    start: int  # character offsets
    end: int
    text: str
    method: str  # ner | gazetteer | pattern | demonym | abbreviation
    place_like: bool = False  # a pattern or NER label says: this is a place
    hint: str = ""  # admin | settlement | near | "" (from the words around it)
    ner: str = ""
    candidates: list[gz.Candidate] = field(default_factory=list)
    paired_with: str = ""  # "Georgia" for "Blakely" in "Blakely, Georgia", and vice versa


# ---------------------------------------------------------------- recognition


def _is_capitalised(token) -> bool:
    text = token.text.lstrip(_EDGE_PUNCT)
    return bool(text) and text[0].isupper() and any(ch.isalpha() for ch in text)


def _capitalised_runs(doc: Doc) -> list[tuple[int, int]]:
    """Maximal token runs of capitalised words, allowing name particles inside (ez, al, of, -)."""
    runs, i, n = [], 0, len(doc)
    while i < n:
        if not _is_capitalised(doc[i]):
            i += 1
            continue
        j = i + 1
        while j < n and "\n" not in doc[j - 1].whitespace_ and (
                _is_capitalised(doc[j]) or doc[j].lower_ in CONNECTORS):
            j += 1
        while j > i and not _is_capitalised(doc[j - 1]):
            j -= 1
        runs.append((i, j))
        i = max(j, i + 1)
    return runs


def _blocked_ranges(doc: Doc) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character ranges naming people (and listed non-places), and those naming organisations.

    No place may lie inside either; a demonym may lie inside an organisation ("Syrian Army").
    """
    ranges, org_ranges = [], []
    text = _text(doc)
    for pattern in _not_place_patterns():
        for m in pattern.finditer(text):
            ranges.append((m.start(), m.end()))
    gazetteer = gz.get_gazetteer()
    surnames = set()
    for ent in doc.ents:
        if ent.label_ in ("DATE", "TIME"):  # "In August IS fighters ...": a month, not August, California
            ranges.append((ent.start_char, ent.end_char))
            continue
        if ent.label_ not in ("PERSON", "ORG") or len(ent) < 2 or gazetteer.has_key(ent.text):
            continue
        if _continues_place_list(doc, ent.start):  # a list item NER calls a PERSON
            continue
        if any(t.lower_ in SETTLEMENT_NOUNS for t in ent):  # "Children's Village Malakal"
            continue
        (ranges if ent.label_ == "PERSON" else org_ranges).append((ent.start_char, ent.end_char))
        if ent.label_ == "PERSON":  # the surname, past a possessive ("Willie Campbell's")
            surname = next((t for t in reversed(ent) if _is_capitalised(t)), None)
            if surname is not None and surname.i > ent.start:
                surnames.add(surname.text)
    for surname in surnames:  # "Bashar al-Assad" ... later "Assad"
        for m in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
            ranges.append((m.start(), m.end()))
    return ranges, org_ranges


@functools.lru_cache(maxsize=1)
def _not_place_patterns() -> tuple[re.Pattern, ...]:
    """The listed non-places as whole-word patterns (short or upper-case ones case-sensitive)."""
    return tuple(re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])",
                            0 if len(name) <= 3 or name.isupper() else re.IGNORECASE)
                 for name in gz.not_places())


def _continues_place_list(doc: Doc, i: int) -> bool:
    """Is token i the next item of a list whose previous item NER calls a place?"""
    if i < 2 or doc[i - 1].lower_ not in ("and", ",", "or"):
        return False
    k = i - 2 if doc[i - 2].text != "," else i - 3
    return k >= 0 and doc[k].ent_type_ in PLACE_LABELS


def _overlaps(start: int, end: int, ranges) -> bool:
    return any(s < end and start < e for s, e in ranges)


def _context(doc: Doc, i: int, j: int) -> tuple[bool, str]:
    """Is tokens i..j place-like from the words around it, and what kind does it hint at?"""
    k = i - 1
    while k >= 0 and doc[k].lower_ in SKIPPED_MODIFIERS:
        k -= 1
    if k >= 1 and doc[k].lower_ == "of":
        noun = doc[k - 1].lower_
        if noun in SETTLEMENT_NOUNS:
            return True, "settlement"
        if noun in ADMIN_NOUNS:
            return True, "admin"
        if noun in NEAR_NOUNS:
            return True, "near"
        if noun in PART_NOUNS:
            return True, "settlement"
    if j < len(doc):
        after = doc[j].lower_
        if after in ADMIN_NOUNS:
            return True, "admin"
        if after in SETTLEMENT_NOUNS:
            return True, "settlement"
        if after in ("'s", "’s", "'"):
            window = {t.lower_ for t in doc[j + 1:j + 5]}
            if window & NEAR_NOUNS:
                return True, "near"
            if window & PART_NOUNS:
                return True, "settlement"
    if k >= 0 and doc[k].lower_ in PLACE_PREPOSITIONS:
        return True, ""
    return False, ""


def _span_candidates(gazetteer: gz.Gazetteer, text: str) -> list[gz.Candidate]:
    found = gazetteer.lookup(text)
    if not found:
        return []
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) <= 3 and all(ch.isupper() for ch in letters):  # "ID", "UK": short forms only
        return [c for c in found if c.how == gz.HOW_ABBREVIATION or (
            c.how == gz.HOW_ALTERNATE and c.place.kind in ("country", "admin1", "region"))]
    # Abbreviations are upper-case forms: "US" is the country, "Us" at a sentence start is not.
    if not any(ch.isupper() for ch in text[1:]):
        found = [c for c in found if c.how != gz.HOW_ABBREVIATION]
    return found


def _is_headline(sent) -> bool:
    """Title-case lines capitalise common words ('Army Units Cut Supply Line')."""
    words = [t for t in sent if t.is_alpha]
    return len(words) >= 4 and sum(_is_capitalised(t) for t in words) / len(words) > 0.6


def _lookup_span(gazetteer: gz.Gazetteer, doc: Doc, i: int, j: int) -> _Span | None:
    """The gazetteer reading of tokens i..j, also with a trailing facility noun or type word."""
    start, end, text = _trimmed(doc, i, j)
    demonym = gazetteer.demonym(text)
    if demonym is not None:
        return _Span(start, end, text, "demonym",
                     candidates=[gz.Candidate(demonym, gz.HOW_DEMONYM)])
    if j < len(doc) and doc[j].lower_ in FACILITY_NOUNS:  # "Evin prison" as one place
        longer = _span_candidates(gazetteer, f"{text} {doc[j].text}")
        if longer:
            return _Span(start, doc[j].idx + len(doc[j]), _text(doc)[start:doc[j].idx + len(doc[j])],
                         "gazetteer", candidates=longer)
    if i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in FACILITY_NOUNS:
        # "the temples of Bel and ...": the facility named after the name.
        facility = doc[i - 2].lemma_.lower()
        named = _span_candidates(gazetteer, f"{facility} of {text}")
        if named:
            return _Span(start, end, text, "pattern", place_like=True,
                         candidates=named)
    candidates = _span_candidates(gazetteer, text)
    if candidates:
        method = "abbreviation" if all(c.how == gz.HOW_ABBREVIATION for c in candidates) \
            else "gazetteer"
        return _Span(start, end, text, method, candidates=candidates)
    return None


def _plausible_word(doc: Doc, i: int, j: int, headline: bool,
                    running_names: frozenset[str] = frozenset()) -> bool:
    """A lone capitalised word must look like a name, not a capitalised common word."""
    if j - i > 1:
        return True
    token = doc[i]
    if token.lower_ in GENERIC_WORDS or token.lower_ in _lowercase_words(doc):
        return token.ent_type_ in PLACE_LABELS and token.lower_ not in GENERIC_WORDS
    if token.text in running_names and not token.is_stop:  # a name elsewhere in running text
        return True
    if token.lower_ in CALENDAR_WORDS or token.lower_ in FACILITY_NOUNS or (
            token.is_stop and not token.is_upper):
        return False
    if token.pos_ in ("ADJ", "VERB", "ADV", "PRON", "DET", "ADP", "AUX", "NUM") or (
            token.pos_ == "NOUN" and token.is_sent_start):  # "Samples were taken": a noun
        return token.ent_type_ in PLACE_LABELS
    return not headline or token.ent_type_ in PLACE_LABELS or token.is_upper


def _lowercase_words(doc: Doc) -> frozenset[str]:
    """Words the article also writes in lower case: common words, not names ('buffalo' vs 'Buffalo')."""
    cached = doc.user_data.get("geo_lowercase_words")
    if cached is None:
        cached = frozenset(t.text for t in doc if t.is_alpha and t.text.islower())
        doc.user_data["geo_lowercase_words"] = cached
    return cached


def _headline_sentences(doc: Doc) -> list[tuple[Span, bool]]:
    """Each sentence and whether it is a title-case headline, judged once per article."""
    return [(sent, _is_headline(sent)) for sent in doc.sents]


def _running_text_names(sentences: list[tuple[Span, bool]]) -> frozenset[str]:
    """Words capitalised inside running sentences: names, as opposed to title-case headlines."""
    names = set()
    for sent, headline in sentences:
        if not headline:
            names.update(t.text for t in sent[1:] if _is_capitalised(t) and t.pos_ == "PROPN")
    return frozenset(names)


def _unknown_name(doc: Doc, i: int, j0: int, headline: bool, blocked, spans) -> _Span | None:
    """A name the gazetteer lacks, kept when a place pattern or a list of places frames it."""
    token = doc[i]
    if (not token.is_alpha or headline or token.pos_ != "PROPN"
            or not _plausible_word(doc, i, i + 1, headline)):
        return None
    j = i + 1
    while j < j0 and (_is_capitalised(doc[j]) or doc[j].lower_ in CONNECTORS):
        j += 1
    while j > i + 1 and not _is_capitalised(doc[j - 1]):
        j -= 1
    if _overlaps(token.idx, doc[j - 1].idx + len(doc[j - 1]), blocked):
        return None
    after = doc[j].lower_ if j < len(doc) else ""
    place_like = _context(doc, i, j)[0] and after not in ("state", "states")
    if not place_like and spans:  # "the towns of A, B and C": C continues A's list
        prev = spans[-1]
        gap = _text(doc)[prev.end:token.idx].strip().lower()
        place_like = prev.place_like and gap in (",", "and", ", and", "or")
    if not place_like:
        return None
    return _Span(*_trimmed(doc, i, j), "pattern")


def recognise(doc: Doc) -> list[_Span]:
    """Candidate place spans, sorted and non-overlapping, with their evidence."""
    gazetteer = gz.get_gazetteer()
    people, organisations = _blocked_ranges(doc)
    blocked = people + organisations
    sentences = _headline_sentences(doc)
    running_names = _running_text_names(sentences)
    in_headline = [False] * len(doc)
    for sent, headline in sentences:
        in_headline[sent.start:sent.end] = [headline] * len(sent)
    ents = doc.ents  # a new tuple per access
    ner_by_start = {ent.start: ent for ent in ents if ent.label_ in PLACE_LABELS}
    spans: list[_Span] = []
    for i0, j0 in _capitalised_runs(doc):
        headline = in_headline[i0]
        i = i0
        while i < j0:
            if doc[i].lower_ in ("the", "-") or not _is_capitalised(doc[i]):
                i += 1
                continue
            found = None
            for j in range(min(j0, i + MAX_SPAN_TOKENS), i, -1):
                if not _is_capitalised(doc[j - 1]):
                    continue
                demonym = gazetteer.demonym(doc[i:j].text) is not None
                if not demonym and not _plausible_word(doc, i, j, headline, running_names):
                    continue
                if _overlaps(doc[i].idx, doc[j - 1].idx + len(doc[j - 1]),
                           people if demonym else blocked):
                    continue
                found = _lookup_span(gazetteer, doc, i, j)
                if found is None and j - i > 1 and doc[j - 1].lower_ in (
                        SETTLEMENT_NOUNS | ADMIN_NOUNS):  # "Mosul City"
                    found = _lookup_span(gazetteer, doc, i, j - 1)
                    if found is not None:
                        found.end = doc[j - 1].idx + len(doc[j - 1])
                        found.text = _text(doc)[found.start:found.end]
                        found.place_like = True
                        found.hint = "admin" if doc[j - 1].lower_ in ADMIN_NOUNS else "settlement"
                if found is not None:
                    break
            if found is not None and found.end < doc[j0 - 1].idx and j0 - i > 1 and (
                    " " not in found.text):
                # "Tal Afar": a known first word must not cut an unknown longer name short.
                longer = _unknown_name(doc, i, j0, headline, blocked, spans)
                if longer is not None and longer.end > found.end:
                    found = longer
            ent = ner_by_start.get(i)
            if found is None and ent is not None and ent.end <= j0 and not _overlaps(
                    ent.start_char, ent.end_char, blocked):
                # NER's place, unless a gazetteer name starts later inside it ("Ancient Babylon").
                if not any(_lookup_span(gazetteer, doc, k, ent.end) for k in range(i + 1, ent.end)
                           if _is_capitalised(doc[k])):
                    found = _Span(ent.start_char, ent.end_char, ent.text, "ner", ner=ent.label_)
            if found is None:
                found = _unknown_name(doc, i, j0, headline, blocked, spans)
                if found is None:
                    i += 1
                    continue
            tokens = doc.char_span(found.start, found.end, alignment_mode="expand")
            place_like, hint = _context(doc, tokens.start, tokens.end)
            found.place_like = found.place_like or place_like
            found.hint = found.hint or hint
            ent = next((e for e in ents
                        if e.start_char <= found.start and found.end <= e.end_char), None)
            if ent is not None:
                found.ner = ent.label_
            spans.append(found)
            i = max(tokens.end, i + 1)
    _inherit_list_context(doc, spans)
    return spans


def _inherit_list_context(doc: Doc, spans: list[_Span]) -> None:
    """'the towns of A, B and C': B and C share A's evidence."""
    for prev, span in zip(spans, spans[1:]):
        gap = _text(doc)[prev.end:span.start].strip().lower()
        if prev.place_like and gap in (",", "and", ", and", "or", "&", "-") and not span.place_like:
            span.place_like, span.hint = True, span.hint or prev.hint


# ---------------------------------------------------------------- resolution


def _haversine_km(a: Place, b: Place) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _prior(c: gz.Candidate) -> float:
    """Context-free plausibility: kind, population, how the name reached the place."""
    place = c.place
    pop = max(place.population, KIND_FLOOR.get(place.kind, 100))
    penalty = HOW_PENALTY.get(c.how, 1.0)
    if c.how == gz.HOW_ALTERNATE and place.kind in ("city", "village"):
        # GeoNames alternates of towns include former and foreign names (a town once called
        # Philippi): weaker than the reviewed aliases of countries, divisions and regions.
        penalty += GEONAMES_ALTERNATE_PENALTY
    if place.kind == "city" and place.population >= WORLD_CITY_POPULATION:
        # Known by name far beyond its country: a namesake town needs more than the
        # article's country (its division, a qualifier, places nearby) to win.
        penalty -= WORLD_CITY_BONUS
    return math.log10(pop + 1) + KIND_BONUS.get(place.kind, 0.0) - penalty


def _namesake_penalty(c: gz.Candidate, candidates: list[gz.Candidate], hint: str) -> float:
    """A division and the city it is named after: bare names mean the city unless hinted."""
    if c.place.kind not in ("admin1", "admin2") or hint == "admin":
        return 0.0
    for other in candidates:
        p = other.place
        # The city's own name or a spelling of it (Hamah for Hama), not an alias such as New
        # York for New York City; a big city may be a division of its own (Buenos Aires).
        if (p.kind == "city" and p.country_code == c.place.country_code
                and (other.how <= c.how or gz.translit_key(p.name) == gz.translit_key(c.place.name))
                and (p.admin1 == c.place.admin1 or p.population >= NAMESAKE_CITY_POPULATION)):
            return 2.5
    return 0.0


def _alone(c: gz.Candidate, span: _Span) -> float:
    """A reading's plausibility from its span alone: its prior, less the namesake penalty."""
    return _prior(c) - _namesake_penalty(c, span.candidates, span.hint)


def _hint_bonus(c: gz.Candidate, hint: str) -> float:
    kind = c.place.kind
    if hint == "admin":
        return 2.0 if kind in ("admin1", "admin2", "region") else 0.0
    if hint in ("settlement", "near"):
        return 1.0 if kind in ("city", "village", "poi") else -1.0
    return 0.0


def article_countries(spans: list[_Span]) -> Counter:
    """Country votes from each span's context-free best reading (countries, demonyms count most)."""
    votes: Counter = Counter()
    for span in spans:
        if not span.candidates:
            continue
        best = max(span.candidates, key=_prior)
        code = best.place.country_code
        if not code:
            continue
        weight = 1.0 if best.place.kind == "country" or best.how == gz.HOW_DEMONYM else 0.5
        votes[code] += weight
    return votes


def article_divisions(spans: list[_Span]) -> set[tuple[str, str]]:
    """First-level divisions the article names: (country, division) of each admin1 reading."""
    bests = [max(span.candidates, key=_prior).place for span in spans if span.candidates]
    return {(p.country_code, p.admin1) for p in bests if p.kind == "admin1" and p.admin1}


def _score(c: gz.Candidate, span: _Span, countries: Counter, total: float,
           anchors: list[Place], divisions: set[tuple[str, str]] = frozenset(),
           nearby_divisions: set[tuple[str, str]] = frozenset()) -> float:
    score = _prior(c) + _hint_bonus(c, span.hint) - _namesake_penalty(c, span.candidates, span.hint)
    if total and c.place.country_code:
        share = countries.get(c.place.country_code, 0.0) / total
        score += (1.5 + 1.5 * share) if share else 0.0
    if (c.place.kind in ("city", "village", "poi", "admin2")
            and (c.place.country_code, c.place.admin1) in divisions
            and not any(o.place.kind in BROAD_KINDS and o.how <= gz.HOW_ALTERNATE
                        for o in span.candidates)):
        # "Marion" in an article that names Ohio; "Wyoming" stays the state, though a town
        # in a named Michigan shares the name.
        score += DIVISION_BONUS
        if (c.place.country_code, c.place.admin1) in nearby_divisions and c.how == gz.HOW_NAME:
            # Named in the same passage: Michigan ... Monroe County (for a town's own name,
            # not a name it once had).
            score += NEARBY_DIVISION_BONUS
    if c.place.kind not in ("country", "continent", "region") and anchors:
        nearest = min(_haversine_km(c.place, a) for a in anchors if a.place_id != c.place.place_id) \
            if any(a.place_id != c.place.place_id for a in anchors) else math.inf
        if nearest < 50:
            score += 1.0
        elif nearest < 250:
            score += 0.5
    return score


def rank_candidates(candidates: list[gz.Candidate], countries: set[str] = frozenset()) -> list[Place]:
    """Places for a name out of context, most plausible first (optionally inside countries)."""
    votes = Counter({code: 1.0 for code in countries})
    span = _Span(0, 0, "", "gazetteer", candidates=candidates)
    scored = sorted(candidates, key=lambda c: -_score(c, span, votes, sum(votes.values()), []))
    return [c.place for c in scored]


def _contains(outer: Place, inner: Place) -> bool:
    """Is `inner` a place inside the country, first-level division or county `outer`?"""
    if inner.country_code != outer.country_code or inner.kind in ("country", "continent",
                                                                  "region"):
        return False
    if outer.kind == "admin2":  # counties carry their state, not their outline: near enough
        return (inner.kind in ("city", "village", "poi") and inner.admin1 == outer.admin1
                and _haversine_km(outer, inner) < COUNTY_RADIUS_KM)
    return outer.kind == "country" or (outer.kind == "admin1" and inner.kind != "admin1"
                                       and inner.admin1 == outer.admin1)


def _apply_qualifiers(spans: list[_Span], text: str) -> None:
    """"Blakely, Georgia", "Marion, Ohio", "Austin, in Scott County": a name followed by a
    comma and the county, division or country that contains it keeps only the readings that
    fit together."""
    spans = sorted(spans, key=lambda s: s.start)
    for i, (name, qualifier) in enumerate(zip(spans, spans[1:])):
        if text[name.end:qualifier.start].strip() not in (",", ", in") or not qualifier.candidates or \
                qualifier.method == "demonym" or any(
                c.place.kind in ("country", "continent", "region") and c.how <= gz.HOW_ALTERNATE
                for c in name.candidates):
            continue  # "China, Japan": countries are listed, not qualified
        after = spans[i + 2] if i + 2 < len(spans) else None
        if after is not None and text[qualifier.end:after.start].strip() in (",", "and", "or") \
                and not any(_contains(a.place, q.place) or (a.place.kind == "country" and
                            q.place.country_code == a.place.country_code)
                            for a in after.candidates for q in qualifier.candidates):
            continue  # "Aleppo, Homs and Hama": a list, not a qualified name
        if not name.candidates:
            # "Greenlane, Auckland": a name the gazetteer lacks lies in or near the town or
            # division that qualifies it (never a whole country: too coarse to place it).
            readings = [q for q in qualifier.candidates
                        if q.place.kind in ("city", "admin2", "admin1")]
            if readings:
                best = max(readings, key=lambda q: _alone(q, qualifier))
                name.candidates = [gz.Candidate(best.place, gz.HOW_ALTERNATE + 1)]
                name.hint, name.paired_with = name.hint or "near", qualifier.text
            continue
        pairs = [(n, q) for n in name.candidates for q in qualifier.candidates
                 if _contains(q.place, n.place)]
        if pairs:
            name.candidates = list({id(n): n for n, _ in pairs}.values())
            qualifier.candidates = list({id(q): q for _, q in pairs}.values())
            name.paired_with, qualifier.paired_with = qualifier.text, name.text
    # "Austin, Indiana" once, then "Austin": the same spelling keeps the qualified meaning.
    qualified = {gz.name_key(s.text): s.candidates for s in spans if s.paired_with}
    for span in spans:
        if not span.paired_with and gz.name_key(span.text) in qualified:
            kept = {c.place.place_id for c in qualified[gz.name_key(span.text)]}
            span.candidates = [c for c in span.candidates if c.place.place_id in kept] \
                or span.candidates


LIST_GAPS = frozenset({",", "and", ", and", "or", ", or", "&"})
# "twelve in Ontario, eight in Alberta, and one in Quebec": counts between list items.
COUNTED_LIST_GAP = re.compile(
    r"^(?:,|;)?\s*(?:and\s+|or\s+)?(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|several|many|some|others?)\s+(?:were\s+)?(?:in|at|from)$")


def _list_gap(gap: str) -> bool:
    gap = gap.strip().lower()
    return gap in LIST_GAPS or bool(COUNTED_LIST_GAP.match(gap))


def _hint_division_lists(spans: list[_Span], text: str) -> None:
    """"Utah, Virginia, Washington and Wyoming": a name listed next to divisions of one
    country is read as a division of that country too, not as a namesake city."""
    spans = sorted(spans, key=lambda s: s.start)

    def division(span: _Span) -> Place | None:
        if span.text.split()[-1].lower() in ADMIN_NOUNS:  # "Homs Province" types itself only
            return None
        best = max(span.candidates, key=lambda c: _alone(c, span)) if span.candidates else None
        return best.place if best is not None and best.place.kind == "admin1" else None

    hinted = []
    for i, span in enumerate(spans):
        if span.hint:
            continue
        peers = [spans[k] for k in (i - 1, i + 1) if 0 <= k < len(spans)
                 and _list_gap(text[min(spans[k].end, span.end):max(spans[k].start, span.start)])]
        countries = {d.country_code for d in map(division, peers) if d is not None}
        if any(c.place.kind == "admin1" and c.place.country_code in countries
               for c in span.candidates):
            hinted.append(span)
    for span in hinted:
        span.hint = "admin"


def _part_of_known_place(gazetteer: gz.Gazetteer, text: str,
                         countries: set[str]) -> list[gz.Candidate]:
    """"North Dallas", "Greater Mumbai", "Salinas Valley": an unknown name made of a known
    town or division and a compass or landform word lies in or near it (article's countries)."""
    words = text.split()
    if len(words) < 2 or not countries:
        return []
    if words[0].lower() in PART_PREFIXES and words[1].lower() not in PART_PREFIXES:
        base = " ".join(words[1:])
    elif words[-1].lower() in LANDFORM_SUFFIXES:
        base = " ".join(words[:-1])
    else:
        return []
    return [c for c in _span_candidates(gazetteer, base) if c.how <= gz.HOW_ALTERNATE
            and c.place.country_code in countries
            and c.place.kind in ("city", "admin1", "admin2")]  # too little to name land after


def _choice_key(span: _Span, name: str) -> str:
    return "|".join((name, span.hint, span.paired_with))


def _choose(spans: list[_Span], name_keys: list[str], countries: Counter,
            anchors: list[tuple[str, Place]]) -> dict[str, tuple[gz.Candidate, float]]:
    """The best reading and its confidence for each spelling (and hint) in the article."""
    chosen: dict[str, tuple[gz.Candidate, float]] = {}
    divisions = [article_divisions([s]) for s in spans]
    for span, name in zip(spans, name_keys):
        key = _choice_key(span, name)
        if key in chosen or not span.candidates:
            continue
        # A name does not vote for its own reading: "Georgia" next to Alabama and Iowa
        # is the state, however strongly "Georgia" alone suggests the country.
        same_name = [s for s, k in zip(spans, name_keys) if k == name]
        same_texts = {s.text for s in same_name}
        context = countries - article_countries(same_name)
        named = set().union(*(d for s, d in zip(spans, divisions) if s.text not in same_texts))
        nearby = set().union(*(d for s, d in zip(spans, divisions) if s.text not in same_texts
                               and abs(s.start - span.start) < NEARBY_CHARS))
        total = sum(context.values())
        others = [place for anchor_name, place in anchors if anchor_name != name]
        scored = sorted(((_score(c, span, context, total, others, named, nearby), c)
                         for c in span.candidates), key=lambda sc: -sc[0])
        best_score, best = scored[0]
        confidence = 1.0 / sum(math.exp(s - best_score) for s, _ in scored)
        chosen[key] = (best, confidence)
    return chosen


def _resolve(spans: list[_Span], text: str) -> list[PlaceMention]:
    from etl.geocoder import online_place

    gazetteer = gz.get_gazetteer()
    countries = article_countries(spans)
    top = {code for code, _ in countries.most_common(3)}
    for span in spans:  # fallbacks for unknown names, only inside the article's countries
        if not span.candidates and (span.place_like or span.ner in PLACE_LABELS):
            span.candidates = _part_of_known_place(gazetteer, span.text, top)
            if span.candidates and not span.hint:
                span.hint = "near"
        if not span.candidates and (span.place_like or span.ner in PLACE_LABELS):
            span.candidates = gazetteer.translit_lookup(span.text, top)
        if not span.candidates and (span.place_like or span.ner in PLACE_LABELS):
            span.candidates = gazetteer.misspelt_country(span.text)
        if not span.candidates and (span.place_like or span.ner in PLACE_LABELS):
            place = online_place(span.text, tuple(sorted(top)))  # None unless switched on
            if place is not None:
                span.candidates = [gz.Candidate(place, gz.HOW_NAME)]
    _apply_qualifiers(spans, text)
    _hint_division_lists(spans, text)
    name_keys = [gz.name_key(s.text) for s in spans]
    anchors = [(name, s.candidates[0].place) for s, name in zip(spans, name_keys)
               if len(s.candidates) == 1 and s.candidates[0].place.kind in ("city", "village", "poi")]
    chosen = _choose(spans, name_keys, countries, anchors)
    # Second pass: the towns the first pass settled on confidently anchor the other names
    # ("San Juan" among the villages of one province).
    anchors += [(key.split("|")[0], best.place) for key, (best, confidence) in chosen.items()
                if confidence >= ANCHOR_CONFIDENCE and best.place.kind in ("city", "village", "poi")]
    chosen = _choose(spans, name_keys, countries, anchors)
    mentions = []
    for span, name in zip(spans, name_keys):
        key = _choice_key(span, name)
        if span.candidates:
            best, confidence = chosen[key]
            precision = PRECISION.get(best.place.kind, 1)
            if span.hint == "near" and precision == 1:
                precision = 2
            mentions.append(PlaceMention(span.start, span.end, span.text, best.place, precision,
                                         round(confidence, 3), span.method))
        else:
            mentions.append(PlaceMention(span.start, span.end, span.text, None, 0, 0.0, span.method))
    return mentions


def _accept(span: _Span, accepted_keys: set[str], countries: set[str]) -> bool:
    """Is a candidate span a place? Evidence beyond a name's mere presence in the gazetteer."""
    if span.method in ("demonym", "abbreviation"):
        return True
    if span.place_like or span.ner in PLACE_LABELS:
        return True
    if not span.candidates:
        return False
    if gz.name_key(span.text) in accepted_keys:
        return True
    best = max(span.candidates, key=_prior)
    if best.place.kind == "country" and best.how != gz.HOW_ALTERNATE + 1:
        return True
    in_countries = any(c.place.country_code in countries for c in span.candidates)
    if best.place.kind in ("continent", "region", "admin1", "admin2") and best.how <= gz.HOW_ALTERNATE:
        return in_countries or " " in span.text or best.place.kind in ("continent", "region")
    if span.ner in BLOCKING_LABELS or span.ner in ("NORP", "DATE", "CARDINAL", "ORDINAL", "TIME"):
        return any(c.place.country_code in countries and c.place.population >= 10_000
                   for c in span.candidates)
    named = [c for c in span.candidates if c.how == gz.HOW_NAME]
    return in_countries or any(c.place.population >= 1000 for c in named)


def _drop_names_of_other_things(doc: Doc, spans: list[_Span]) -> list[_Span]:
    """Names used for something else: a currency ("US$ 5m"), a disease named after a town or
    river ("West Nile virus", and "West Nile" alone in the same article unless a place pattern
    frames it), an acronym the gazetteer lacks (WHO, FDA, CDC are organisations), a storm
    ("Hurricane Katrina": Hurricane, Utah is not meant)."""
    text = _text(doc)
    tokens_of = [doc.char_span(span.start, span.end, alignment_mode="expand") for span in spans]
    diseases = set()
    for span, tokens in zip(spans, tokens_of):
        named_after_land = span.candidates and max(
            span.candidates, key=_prior).place.kind in BROAD_KINDS  # "United States flu season"
        if tokens is not None and tokens.end < len(doc) and not named_after_land and \
                doc[tokens.end].lower_ in PATHOGEN_NOUNS:
            diseases.add(gz.name_key(span.text))
    kept = []
    for span, tokens in zip(spans, tokens_of):
        if span.method == "abbreviation" and "$" in text[span.start:span.end + 1]:
            continue
        if gz.name_key(span.text) in diseases and span.method != "demonym" and not (
                span.place_like and span.hint):
            continue
        letters = [ch for ch in span.text if ch.isalpha()]
        if not span.candidates and letters and all(ch.isupper() for ch in letters):
            continue
        if tokens is not None and _names_a_storm(doc, tokens):
            continue
        kept.append(span)
    return kept


def _names_a_storm(doc: Doc, tokens: Span) -> bool:
    """"Hurricane Katrina", "Typhoon Haiyan": the storm word and the storm's name."""
    if tokens.start > 0 and doc[tokens.start - 1].lower_ in STORM_WORDS:
        return True
    return (tokens.text.lower() in STORM_WORDS and tokens.end < len(doc)
            and _is_capitalised(doc[tokens.end]))


def recognise_and_resolve(doc: Doc) -> list[PlaceMention]:
    """Every place the article names, resolved in the article's context (never raises)."""
    spans = _drop_names_of_other_things(doc, recognise(doc))
    strong = [s for s in spans if s.method in ("demonym", "abbreviation") or s.place_like
              or s.ner in PLACE_LABELS or (s.candidates and max(s.candidates, key=_prior).place.kind
                                           in ("country", "admin1"))]
    countries = {code for code, _ in article_countries(strong).most_common(3)}
    accepted_keys = {gz.name_key(s.text) for s in spans if s.place_like or s.ner in PLACE_LABELS}
    kept = [s for s in spans if _accept(s, accepted_keys, countries)]
    return _resolve(kept, _text(doc))


def resolve_spans(doc: Doc, spans: list[tuple[int, int]]) -> list[PlaceMention]:
    """Resolve given character spans (e.g. gold toponyms) in the article's context."""
    gazetteer = gz.get_gazetteer()
    items = []
    for start, end in sorted(spans):
        text = _text(doc)[start:end]
        tokens = doc.char_span(start, end, alignment_mode="expand")
        span = _Span(start, end, text, "gazetteer")
        if tokens is not None:
            span.place_like, span.hint = _context(doc, tokens.start, tokens.end)
        demonym = gazetteer.demonym(text)
        span.candidates = _span_candidates(gazetteer, text) or (
            [gz.Candidate(demonym, gz.HOW_DEMONYM)] if demonym else [])
        span.place_like = True
        items.append(span)
    return _resolve(items, _text(doc))


def get_place(place_id: str) -> Place | None:
    """A gazetteer entry by id, for the store's places table and the dashboard."""
    return gz.get_gazetteer().get(place_id)
