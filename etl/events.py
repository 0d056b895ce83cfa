"""Event mentions: typed, dated, placed events read off each sentence's dependency parse.

A trigger is a lemma (plus, for phrases, lemmas among its syntactic children: "pull out",
"launch offensive", "fall to") listed in data/taxonomy/event_types.csv. Around each trigger the
parse gives the agent (subject, or the "by" phrase of a passive), the patient (object), the places
by the preposition that introduces them (in/at/near: location; from/out of: origin; to/towards:
destination; on/against: target) and the temporal expression that the parse attaches to it.

Not everything with a trigger is an event: negated, modal ("would be able to launch"),
conditional, purposive ("to take the city back"), wished-for ("vowed to rebuild") and descriptive
("the groups it is fighting") triggers are dropped. Reported speech ("said that X recaptured Y")
is kept and flagged. A date that bounds a period ("killed since Sunday"), the time of writing
("now") or a day in a name ("the Sunday Times") dates no event.
"""
from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from spacy.tokens import Doc, Span, Token

from etl import actors, config
from etl.records import Article, EventMention, EventPlace, PlaceMention, TimeMention

MODALS = frozenset({"will", "would", "could", "may", "might", "can", "should", "must", "shall", "'ll", "wo", "ca"})
NOT_YET = frozenset({"vow", "threaten", "promise", "plan", "hope", "want", "seek", "expect", "intend",
                     "aim", "try", "prepare", "attempt", "pledge", "urge", "call", "able", "ready",
                     "need", "wish", "decide", "refuse", "fail", "warn", "fear", "likely", "set"})
FACTIVE_HEADS = frozenset({"manage", "succeed", "continue", "begin", "start", "say", "report", "claim"})
REPORTING = frozenset({"say", "report", "announce", "tell", "claim", "state", "add", "confirm",
                       "quote", "affirm", "according", "declare", "insist", "note"})
BOUNDS = frozenset({"since", "until", "till", "by", "before"})  # "killed since Sunday": a period's bound, not the date
PERIOD_BOUNDS = frozenset({"since", "until", "till"})  # unlike "by" and "before", never an agent or a moment
LATER = frozenset({"later", "then", "since", "subsequently", "afterwards", "afterward", "previously",
                   "earlier", "eventually", "once", "already"})
SETTLEMENT_NOUNS = frozenset({"city", "town", "village", "area", "province", "region", "district",
                              "neighbourhood", "neighborhood", "site", "stronghold", "base",
                              "airport", "capital", "territory", "ruins", "suburb", "governorate"})
ARMED_PATIENTS = frozenset({"state", "non-state"})
QUANTITY_HEADS = frozenset({"all", "most", "much", "part", "parts", "bulk", "rest", "majority", "some",
                            "many", "remnants", "hundreds", "dozens", "thousands", "several", "half"})
LINK_DEPS = frozenset({"conj", "advcl", "xcomp", "ccomp"})  # clauses that share the event's time
PLURAL_AUX = frozenset({"are", "were", "have"})
SINGULAR_AUX = frozenset({"is", "was", "has"})
PLACE_ROLES_BY_PREP = {
    "in": "location", "at": "location", "near": "location", "around": "location",
    "inside": "location", "outside": "location", "across": "location", "throughout": "location",
    "within": "location", "over": "location", "of": "location", "into": "location",
    "from": "origin", "out": "origin",
    "to": "destination", "towards": "destination", "toward": "destination",
    "on": "target", "against": "target",
}
KIND_RANK = {"poi": 0, "village": 1, "city": 1, "admin2": 2, "admin1": 3, "region": 4, "country": 5, "continent": 6}
LEAD_SENTENCES = 3
IDIOMS = frozenset({("take", "place"), ("take", "part"), ("take", "note"), ("take", "care")})
PUBLICATION_DATE_PENALTY = 0.25
INHERITED_DATE_PENALTY = 0.15
REPORT_DATE_PENALTY = 0.2
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "hundred": 100}
KILL_VERBS = frozenset({"kill", "massacre", "murder", "execute", "slaughter", "shoot", "behead"})
VICTIM_SUBJECT_VERBS = frozenset({"die", "perish"})  # "55 people died": the subject is the victim


# --------------------------------------------------------------------------- taxonomy

@dataclass(frozen=True)
class EventKind:
    event_type: str
    sub_event_type: str
    acled_event_type: str
    family: str
    actor1_kind: str  # state | non-state | any: chosen when the trigger is shared
    requires: str  # "" | place_object | patient
    confidence: float
    summary: str


@dataclass(frozen=True)
class TriggerSpec:
    head: str
    children: tuple[str, ...]  # lemmas that must be syntactic children of the head
    noun: bool
    kinds: tuple[EventKind, ...]


@functools.lru_cache(maxsize=4)
def load_taxonomy(path: str | None = None) -> dict[tuple[str, bool], tuple[TriggerSpec, ...]]:
    """Trigger specs keyed by (head lemma, is noun), longest phrase first."""
    path = path or str(config.TAXONOMY_DIR / "event_types.csv")
    kinds_by_trigger: dict[tuple[str, tuple[str, ...], bool], list[EventKind]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kind = EventKind(row["event_type"], row["sub_event_type"], row["acled_event_type"],
                             row["family"], row["actor1_kind"], row["requires"],
                             float(row["confidence"]), row["summary"])
            for trigger in filter(None, (t.strip() for t in row["triggers"].split(";"))):
                noun = trigger.startswith("n:")
                words = trigger.removeprefix("n:").lower().split()
                head, children = (words[-1], tuple(words[:-1])) if noun else (words[0], tuple(words[1:]))
                kinds_by_trigger.setdefault((head, children, noun), []).append(kind)
    specs: dict[tuple[str, bool], list[TriggerSpec]] = {}
    for (head, children, noun), kinds in kinds_by_trigger.items():
        specs.setdefault((head, noun), []).append(TriggerSpec(head, children, noun, tuple(kinds)))
    return {key: tuple(sorted(value, key=lambda s: -len(s.children))) for key, value in specs.items()}


@functools.lru_cache(maxsize=4)
def kinds_by_subtype(path: str | None = None) -> dict[str, EventKind]:
    """Every event kind by sub-event type (merge uses the family and the summary template)."""
    out: dict[str, EventKind] = {}
    for specs in load_taxonomy(path).values():
        for spec in specs:
            for kind in spec.kinds:
                out.setdefault(kind.sub_event_type, kind)
    return out


# --------------------------------------------------------------------------- per-article context

@dataclass
class _Context:
    doc: Doc
    article: Article
    place_at: dict[int, PlaceMention]  # token index -> resolved, non-demonym place mention
    places_in_order: list[tuple[int, PlaceMention]]  # (token index, mention) for coreference
    timex_heads: dict[int, TimeMention]  # token index of the expression's head -> mention
    main_country: str
    actor_mentions: list[tuple[int, actors.Actor]]  # (token index, actor) in reading order
    lead_sentences: frozenset[int]  # start token of the first sentences that carry a trigger
    entries: list[_Entry]  # a chronology's entries, in reading order


@dataclass(frozen=True)
class _Entry:
    """One entry of a chronology: "12 November : Arab League suspends Syria" (tokens start..end)."""
    start: int
    end: int
    date: TimeMention


@dataclass
class _Candidate:
    token: Token
    spec: TriggerSpec
    anchors: tuple[Token, ...]  # the head and the matched phrase children


@dataclass
class _Draft:
    cand: _Candidate
    kind: EventKind
    actor1: str
    actor2: str
    places: list[tuple[PlaceMention, str, str]]  # (mention, role, text)
    date: TimeMention | None
    date_source: str  # own | inherited | report | publication | none
    fatalities: int | None
    reported: bool
    confidence: float


def _token_span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _build_context(doc: Doc, article: Article, timexes: Sequence[TimeMention],
                   places: Sequence[PlaceMention]) -> _Context:
    place_at: dict[int, PlaceMention] = {}
    places_in_order: list[tuple[int, PlaceMention]] = []
    countries: Counter[str] = Counter()
    for mention in places:
        if mention.place is None:
            continue
        if mention.place.country_code:
            countries[mention.place.country_code] += 1
        if mention.method == "demonym":
            continue
        span = _token_span(doc, mention.start, mention.end)
        if span is None:
            continue
        for token in span:
            place_at[token.i] = mention
        places_in_order.append((span.root.i, mention))
    places_in_order.sort(key=lambda item: item[0])
    timex_heads: dict[int, TimeMention] = {}
    dated_spans: list[tuple[Span, TimeMention]] = []
    for mention in timexes:
        # "now", "current": the time of writing describes a state, it does not date an event; a
        # duration dates one only when anchored ("six days later": the day it leads to)
        if mention.type == "SET" or mention.date_start is None or mention.value == "PRESENT_REF":
            continue
        span = _token_span(doc, mention.start, mention.end)
        if span is None:
            continue
        root = span.root
        if (root.dep_ == "compound" and root.head.pos_ == "PROPN" and not span.start <= root.head.i < span.end
                and not any(t.is_punct for t in doc[span.end:root.head.i])):
            continue  # part of a name: "the Sunday Times", "the Friday Mosque"; not "17 May - Rebels"
        timex_heads.setdefault(root.i, mention)
        dated_spans.append((span, mention))
    stamps = _time_stamps(doc, dated_spans)
    timex_heads = {i: m for i, m in timex_heads.items() if id(m) not in stamps}
    entries = _chronology(doc, [(span, m) for span, m in dated_spans if id(m) not in stamps])
    for entry in entries:  # an entry's heading dates its entry, not the clause the parser hung it on
        timex_heads = {i: m for i, m in timex_heads.items() if m is not entry.date}
    main_country = countries.most_common(1)[0][0] if countries else ""
    ctx = _Context(doc, article, place_at, places_in_order, timex_heads, main_country, [], frozenset(), entries)
    ctx.actor_mentions = _actor_mentions(ctx)
    return ctx


STAMP_WORDS = frozenset({"updated", "published", "posted", "modified"})
STAMP_FILLERS = STAMP_WORDS | frozenset({"page", "last", "at", "on", "gmt", "utc", "uk", "bst", "cet", "et", "est",
                                         "edt", "local", "time"})
CLOCK_TIME = re.compile(r"\d{1,2}[:.]\d{2}$")


def _time_stamps(doc: Doc, dated_spans: list[tuple[Span, TimeMention]]) -> set[int]:
    """The dates of the page's time stamps, which say when the text was written, not when
    anything happened: a clock time after "updated", "published" or "posted" ("21 December 2011
    Last updated at 04:27 GMT", "Page last updated at 15:03 GMT, Friday, 10 August 2012"), or
    a clock time straight after a date that opens a sentence with no preposition, as a live
    page stamps its entries ("28 January 12 22:46 GMT The Arab League says ..."; not "at 06:00
    (03:00 GMT) on 12 April", not "entered the town Sunday 06:00 GMT"). The ids of the
    mentions of every date in such a stamp."""
    by_token = {t: mention for span, mention in dated_spans for t in range(span.start, span.end)}

    def part_of_stamp(token: Token) -> bool:
        return (token.i in by_token or token.is_punct or token.is_space or token.like_num
                or token.lower_ in STAMP_FILLERS or bool(CLOCK_TIME.match(token.text)))

    stamps: set[int] = set()
    for clock in (t for t in doc if CLOCK_TIME.match(t.text)):
        first = last = clock.i
        while first > 0 and part_of_stamp(doc[first - 1]):
            first -= 1
        while last + 1 < len(doc) and part_of_stamp(doc[last + 1]):
            last += 1
        words = {t.lower_ for t in doc[first:last + 1]}
        after_date = clock.i - 1 in by_token and not words & {"at", "on"} and doc[first].is_sent_start
        if words & STAMP_WORDS or after_date:
            stamps.update(id(by_token[i]) for i in range(first, last + 1) if i in by_token)
    return stamps


ENTRY_MARKS = frozenset({":", "-", "–", "—"})
ENTRY_PRECISIONS = frozenset({"day", "month"})  # "0932 :" on a live page is a clock time, not a year
CLOCK = re.compile(r"\d{1,2}[:.]\d{2}$")  # "28th March 2012 - 15:39": a comment's time stamp, not an entry


def _chronology(doc: Doc, dated_spans: list[tuple[Span, TimeMention]]) -> list[_Entry]:
    """The entries of a chronology or fact box ("10 May - Two suicide bombers blow themselves up
    ...  17 May - ..."): a date followed by a colon or a dash, with no preposition or article
    before it, heads an entry that runs to the next heading (the last one to the end of its
    sentence), within its paragraph. A chronology's lines often reach the parser run together,
    so its parse cannot say which date goes with which clause; the layout can. One such date
    alone is no list, and heads nothing; a date followed by a clock time stamps a comment."""
    headings = []
    for span, mention in sorted(dated_spans, key=lambda item: item[0].start):
        after = span.end
        while after < len(doc) and doc[after].is_space:
            after += 1
        before = doc[span.start - 1] if span.start > 0 else None
        if (mention.precision in ENTRY_PRECISIONS and after < len(doc) - 1 and doc[after].text in ENTRY_MARKS
                and not (before is not None and before.pos_ in ("ADP", "DET")) and not CLOCK.match(doc[after + 1].text)):
            headings.append((span.start, after + 1, mention))
    if len(headings) < 2:
        return []
    entries = []
    for n, (_, body, mention) in enumerate(headings):
        end = headings[n + 1][0] if n + 1 < len(headings) else doc[body].sent.end  # the last: its sentence
        end = next((t.i for t in doc[body:end] if t.is_space and "\n" in t.text), end)
        entries.append(_Entry(body, end, mention))
    return entries


def _entry_of(token: Token, ctx: _Context) -> _Entry | None:
    return next((e for e in ctx.entries if e.start <= token.i < e.end), None)


def _in_entry(mention: TimeMention, entry: _Entry, doc: Doc) -> bool:
    end = doc[entry.end].idx if entry.end < len(doc) else len(doc.text)
    return doc[entry.start].idx <= mention.start < end


def _actor_mentions(ctx: _Context) -> list[tuple[int, actors.Actor]]:
    """Named actors in reading order, for the light coreference of "the group" and pronouns."""
    found: list[tuple[int, actors.Actor]] = []
    recent = ""
    for chunk in ctx.doc.noun_chunks:
        actor = actors.normalise_words([t.text for t in chunk], main_country=ctx.main_country,
                                       recent_non_state=recent)
        if actor is None:
            continue
        if actor.kind == "non-state":
            recent = actor.name
        found.append((chunk.root.i, actor))
    return found


def _recent_non_state(ctx: _Context, before: int) -> str:
    for index, actor in reversed(ctx.actor_mentions):
        if index < before and actor.kind == "non-state":
            return actor.name
    return ""


# --------------------------------------------------------------------------- triggers

def _candidates(sent: Span, taxonomy) -> list[_Candidate]:
    found = []
    for token in sent:
        lemma = token.lemma_.lower()
        verb_like = (token.pos_ == "VERB" and token.dep_ not in ("amod", "compound", "nmod")) or (
            token.dep_ == "ROOT" and token.tag_ in ("NNS", "NN", "VBZ")
            and any(c.dep_ == "nsubj" for c in token.children)
            and any(c.dep_ == "dobj" for c in token.children))  # headline: "Army recaptures city"
        noun_like = token.pos_ in ("NOUN", "PROPN") and token.dep_ != "compound" and not verb_like
        for is_noun, ok in ((False, verb_like), (True, noun_like)):
            if not ok:
                continue
            if not is_noun and any((lemma, c.lemma_.lower()) in IDIOMS for c in token.children if c.dep_ == "dobj"):
                continue
            for spec in taxonomy.get((lemma, is_noun), ()):
                anchors = _match_children(token, spec.children)
                if anchors is not None:
                    if is_noun and token.dep_ == "nsubj" and _occurs(token.head):
                        anchors.append(token.head)  # "fighting broke out in X": its places are the noun's
                    found.append(_Candidate(token, spec, (token, *anchors)))
                    break
    claimed = {a.i for c in found for a in c.anchors[1:1 + len(c.spec.children)]}  # not a verb of occurrence
    found = [c for c in found if c.token.i not in claimed]
    # "hitting 158 targets and killing 100 militants": the killing is the strike's toll, not an event
    by_index = {c.token.i: c for c in found}
    return [c for c in found if not (c.spec.kinds[0].family == "civilians" and any(
        t.i in by_index and by_index[t.i].spec.kinds[0].family in ("strike", "battle") for t in _linked_chain(c.token)[1:]))]


def _linked_chain(token: Token) -> list[Token]:
    """The token and the clauses above it that it is coordinated or subordinated to."""
    chain = [token]
    while chain[-1].dep_ in LINK_DEPS and chain[-1].head.i != chain[-1].i:
        lifted = _lifted_when_clause_head(chain[-1])
        if lifted is not None:
            return chain + [lifted]  # only that clause: the repair is sure of nothing higher
        chain.append(chain[-1].head)
    return chain


def _lifted_when_clause_head(clause: Token) -> Token | None:
    """The verb a trailing "when" clause belongs to when the parser hung it inside a relative
    clause that a comma closes: in "murdered X, the scholar who had studied the city, when they
    swept in", the comma ends the description of X and "when" dates the murder."""
    if clause.dep_ != "advcl" or not any(c.lower_ == "when" and c.dep_ in ("advmod", "mark") for c in clause.children):
        return None
    before = clause.left_edge.i - 1
    if before < 0 or clause.doc[before].text != ",":
        return None
    walker = clause.head
    while walker.dep_ == "conj":
        walker = walker.head
    if walker.dep_ != "relcl":
        return None
    noun = walker.head
    while noun.dep_ in ("appos", "conj") and noun.head.i != noun.i:
        noun = noun.head
    if noun.dep_ not in ("dobj", "nsubjpass", "nsubj"):
        return None
    return noun.head if noun.head.pos_ == "VERB" else None


def _linked(a: Token, b: Token) -> bool:
    return bool({t.i for t in _linked_chain(a)} & {t.i for t in _linked_chain(b)})


def _match_children(token: Token, words: tuple[str, ...]) -> list[Token] | None:
    matched = []
    for word in words:
        hit = next((c for c in token.children if c.lemma_.lower() == word or c.lower_ == word), None)
        if hit is None:
            return None
        matched.append(hit)
    return matched


def _is_hypothetical(token: Token) -> bool:
    """Negated, modal, conditional, interrogative, purposive or wished-for: not (yet) an event."""
    children = list(token.children)
    if any(c.dep_ == "neg" for c in children):
        return True
    if any(c.dep_ == "aux" and c.lower_ in MODALS for c in children):
        return True
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in children):
        return True
    if token.sent.text.rstrip().endswith("?"):
        return True
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in children)
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in children)
    head = token.head
    if infinitive and not perfect and (head.lemma_ not in FACTIVE_HEADS or any(
            c.dep_ == "dobj" and c.i < token.i for c in head.children)):  # "began an offensive to retake": a purpose
        return True
    walker = token
    while walker.dep_ in ("xcomp", "ccomp", "conj", "advcl", "acomp", "pcomp", "prep", "pobj") and walker.head.i != walker.i:
        parent = walker.head
        if parent.lemma_ in NOT_YET and walker.dep_ in ("xcomp", "ccomp", "acomp", "prep", "pobj", "pcomp"):
            return True
        shares_modal = walker.dep_ in ("xcomp", "ccomp") or (
            walker.dep_ == "conj" and not any(c.dep_ in ("aux", "auxpass") for c in walker.children))
        if shares_modal and any(c.dep_ == "aux" and c.lower_ in MODALS for c in parent.children):
            return True
        if any(c.dep_ == "neg" for c in parent.children) and walker.dep_ in ("xcomp", "ccomp"):
            return True
        walker = parent
    if token.pos_ == "NOUN" and head.pos_ in ("VERB", "AUX") and any(
            c.dep_ == "aux" and c.lower_ in MODALS for c in head.children):
        return True
    if token.dep_ in ("csubj", "csubjpass") and any(c.lower_ in MODALS for c in head.children):
        return True
    return False


def _describes(token: Token) -> bool:
    """A present-tense relative clause says what its noun is, not what happened ("the groups it
    is fighting", "the militia that controls the town")."""
    if token.dep_ != "relcl":
        return False
    auxes = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
    if auxes:
        return token.tag_ == "VBG" and all(a.lower_ in ("is", "are", "am", "'s", "'re") for a in auxes)
    return token.tag_ in ("VBZ", "VBP")


def _is_reported(token: Token) -> bool:
    sent = token.sent
    before = sent.text[:token.idx - sent.start_char]
    if sum(before.count(q) for q in '"“”') % 2 == 1:
        return True
    walker = token
    while walker.head.i != walker.i:
        walker = walker.head
        if walker.lemma_ in REPORTING:
            return True
    return False


# --------------------------------------------------------------------------- actors

_ACTOR_DEPS_LEFT = frozenset({"compound", "amod", "poss", "det", "nmod", "case", "punct", "nummod", "quantmod"})


def _phrase_words(token: Token) -> list[str]:
    """The noun phrase's own words: modifiers before the head, the head, and a following
    parenthesised abbreviation, without clauses or prepositional phrases."""
    words = [t for t in token.subtree if t.i <= token.i and (
        t.i == token.i or all(a.dep_ in _ACTOR_DEPS_LEFT for a in _path_to(t, token)))]
    words.sort(key=lambda t: t.i)
    return [t.text for t in words]


def _path_to(descendant: Token, ancestor: Token) -> list[Token]:
    path = []
    while descendant.i != ancestor.i and descendant.head.i != descendant.i:
        path.append(descendant)
        descendant = descendant.head
    return path


def _actor_of(token: Token | None, ctx: _Context) -> actors.Actor | None:
    if token is None:
        return None
    if token.pos_ == "PRON":
        if token.lower_ in ("they", "it", "its", "their"):
            sent_start = token.sent.start
            previous_start = ctx.doc[sent_start - 1].sent.start if sent_start > 0 else sent_start
            for index, actor in reversed(ctx.actor_mentions):
                if previous_start <= index < token.i and actor.kind in ARMED_PATIENTS:
                    return actor
        return None
    if token.lower_ in QUANTITY_HEADS:  # "the bulk of the Islamic State force"
        inner = _pobj(token, "of")
        if inner is not None:
            token = inner
    context = dict(main_country=ctx.main_country, recent_non_state=_recent_non_state(ctx, token.i))
    actor = actors.normalise_words(_phrase_words(token), **context)
    if actor is None:
        for child in token.children:
            if child.dep_ == "appos":
                actor = actors.normalise_words(_phrase_words(child), **context)
                if actor:
                    break
    return actor


def _child(token: Token, *deps: str) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _pobj(token: Token, *preps: str) -> Token | None:
    for child in token.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in preps:
            obj = _child(child, "pobj")
            if obj is not None:
                return obj
    return None


def _taken_from(token: Token) -> Token | None:
    """The side a place was taken from: "from X" on the verb, or misattached to its object
    ("recaptured the city of Homs from the rebels")."""
    direct = _pobj(token, "from")
    if direct is not None:
        return direct
    obj = _child(token, "dobj")
    if obj is None:
        return None
    return next((o for t in obj.subtree if t.dep_ == "prep" and t.lower_ == "from" for o in t.children if o.dep_ == "pobj"), None)


def _agent_and_patient(cand: _Candidate) -> tuple[Token | None, Token | None]:
    token = cand.token
    if cand.spec.head == "fall" and "to" in cand.spec.children:
        return _pobj(token, "to"), _child(token, "nsubj")
    if cand.spec.head in VICTIM_SUBJECT_VERBS:
        return None, _child(token, "nsubj")
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)
    if cand.spec.noun:
        agent = _child(token, "poss") or _pobj(token, "by")
        return agent, _pobj(token, "of")
    if passive:
        return _pobj(token, "by"), _child(token, "nsubjpass")
    agent = _child(token, "nsubj") or _shared_subject(token)
    patient = _child(token, "dobj") or _pobj(token, "from")
    return agent, patient


def _number_of_verb(token: Token) -> str:
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        return ""
    for child in token.children:
        if child.dep_ in ("aux", "auxpass"):
            if child.lower_ in PLURAL_AUX:
                return "plural"
            if child.lower_ in SINGULAR_AUX:
                return "singular"
    return {"VBZ": "singular", "VBP": "plural"}.get(token.tag_, "")


def _number_of_noun(token: Token) -> str:
    if any(c.dep_ == "conj" for c in token.children):
        return "plural"
    return {"NNS": "plural", "NNPS": "plural", "NN": "singular"}.get(token.tag_, "")


def _shared_subject(token: Token) -> Token | None:
    """The subject a coordinated or subordinate clause shares with the clause above it, skipping
    subjects that disagree in number with the verb ("X pulled out after the army recaptured it
    and are said to have retreated": "are" cannot belong to "the army")."""
    number = _number_of_verb(token)
    walker = token
    while walker.dep_ in ("conj", "advcl", "xcomp", "pcomp", "prep") and walker.head.i != walker.i:
        walker = walker.head
        number = number or _number_of_verb(walker)
        subject = _child(walker, "nsubj")
        if subject is None:
            continue
        noun_number = _number_of_noun(subject)
        if number and noun_number and number != noun_number:
            continue
        return subject
    return None


# --------------------------------------------------------------------------- places

def _np_places(token: Token, ctx: _Context, depth: int = 0) -> list[tuple[PlaceMention, str]]:
    """Places a noun phrase names: "Hama", "the city of Hama", "the towns of A, B and C",
    and, for a bare "the city" or "it", the city named last before it (light coreference)."""
    if depth > 4:
        return []
    out: list[tuple[PlaceMention, str]] = []
    mention = ctx.place_at.get(token.i)
    if mention is not None:
        out.append((mention, mention.text))
    elif token.lemma_.lower() in SETTLEMENT_NOUNS or token.lower_ in QUANTITY_HEADS or token.lower_ == "it":
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        out.extend(_np_places(obj, ctx, depth + 1))
        if not out:
            out.extend(_modifier_places(token, ctx))
        determiners = [c.lower_ for c in token.children if c.dep_ in ("det", "poss")]
        definite = token.lower_ == "it" or not determiners or determiners[0] in ("the", "this")
        if not out and definite and token.lemma_.lower() in ("city", "town", "village", "it", "stronghold"):
            antecedent = _previous_settlement(token.i, ctx)
            if antecedent is not None:
                out.append((antecedent, antecedent.text))
    else:
        out.extend(_modifier_places(token, ctx))
        if not out and token.pos_ == "NOUN":  # "the temples of X", "the ruins of X"; not "the Islamic State of Iraq"
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    out.extend(place for obj in child.children if obj.dep_ == "pobj" for place in _np_places(obj, ctx, depth + 1)
                               if place[0].start == ctx.doc[obj.i].idx or obj.i in ctx.place_at)
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(_np_places(child, ctx, depth + 1))
    return out


def _modifier_places(token: Token, ctx: _Context) -> list[tuple[PlaceMention, str]]:
    """"Hama's prison", "the Hama ruins": a place that modifies the head noun."""
    out = []
    for child in token.children:
        if child.dep_ == "compound" and child.i in ctx.place_at:
            out.append((ctx.place_at[child.i], ctx.place_at[child.i].text))
        elif child.dep_ == "poss":
            out.extend(_np_places(child, ctx, 3))
    return out


def _previous_settlement(index: int, ctx: _Context) -> PlaceMention | None:
    for position, mention in reversed(ctx.places_in_order):
        if position < index and mention.place is not None and mention.place.kind in ("city", "village"):
            return mention
    return None


def _places(cand: _Candidate, kind: EventKind, patient: Token | None, ctx: _Context) -> list[tuple[PlaceMention, str, str]]:
    family = kind.family
    out: list[tuple[PlaceMention, str, str]] = []
    object_role = "target" if family == "strike" else "location"

    def add(token: Token | None, role: str) -> None:
        if token is None:
            return
        for mention, text in _np_places(token, ctx):
            out.append((mention, role, text))

    token = cand.token
    if cand.spec.head == "fall" and "to" in cand.spec.children:
        add(_child(token, "nsubj"), "location")
    for anchor in cand.anchors:
        for child in anchor.children:
            if child.dep_ in ("dobj", "nsubjpass") and anchor.i == token.i:
                add(child, object_role)
            elif child.dep_ in ("prep", "agent", "prt") or (child.dep_ == "advmod" and child.lower_ == "out"):
                preposition = child.lower_
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if preposition == "out":
                    objects += [o for p in child.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"]
                role = PLACE_ROLES_BY_PREP.get(preposition)
                if role is None:
                    continue
                if family == "retreat" and preposition == "into":
                    role = "destination"
                if preposition == "of" and anchor.lower_ == "out":  # "pulled out of the city"
                    role = "origin"
                if family != "retreat" and role == "origin":
                    role = "location"
                if family != "strike" and role == "target":
                    role = "location"
                if role == "destination" and family not in ("retreat", "deployment"):
                    continue
                for obj in objects:
                    add(obj, role)
    if cand.spec.noun:
        add(_pobj(token, "of"), object_role)
    seen = set()
    unique = []
    for mention, role, text in out:
        key = (mention.place.place_id, role)
        if key not in seen:
            seen.add(key)
            unique.append((mention, role, text))
    return unique


def _main_place(places: list[tuple[PlaceMention, str, str]], family: str) -> tuple[PlaceMention, str] | None:
    order = ("location", "target", "origin") if family != "retreat" else ("origin", "location", "target")
    for role in order:
        candidates = [(m, t) for m, r, t in places if r == role]
        if candidates:
            return min(candidates, key=lambda item: KIND_RANK.get(item[0].place.kind, 9))
    return None


# --------------------------------------------------------------------------- dates

def _own_dates(sent: Span, trigger_tokens: dict[int, _Candidate], ctx: _Context) -> tuple[dict[int, TimeMention], ...]:
    """Give each date in the sentence to the trigger the parse attaches it to (walking up from the
    expression's head through relative clauses and participles), or to a reporting verb."""
    own: dict[int, TimeMention] = {}
    reports: dict[int, TimeMention] = {}
    clauses: dict[int, TimeMention] = {}
    for head_index, mention in ctx.timex_heads.items():
        if not sent.start <= head_index < sent.end:
            continue
        token = ctx.doc[head_index]
        if _continues_a_bound(token, ctx):
            continue
        walker = token
        while True:
            if walker.dep_ == "prep" and walker.lower_ in BOUNDS:
                break
            if walker.i in trigger_tokens and walker.i != token.i:
                _prefer(own, walker.i, mention)
                break
            if walker.i != token.i and walker.pos_ in ("VERB", "AUX"):
                if walker.lemma_ in REPORTING:
                    _prefer(reports, walker.i, mention)
                    break
                if any(c.dep_ == "mark" and c.lower_ in BOUNDS for c in walker.children):
                    break  # "killed since protests began in March": March dates the beginning, not the killing
                if walker.dep_ not in ("relcl", "acl"):
                    _prefer(clauses, walker.i, mention)
                    occurring = _occurring_event(walker, trigger_tokens)
                    if occurring is not None:
                        _prefer(own, occurring.i, mention)
                    break
            if walker.head.i == walker.i:
                break
            walker = walker.head
    return own, reports, clauses


def _continues_a_bound(token: Token, ctx: _Context) -> bool:
    """A date whose preposition follows straight on a time that bounds the same verb is part of
    that bound: "died in the 24 hours since midday on Friday" (the parse hangs "on Friday" on
    the verb beside "since midday") dates the start of the count, not the deaths; "killed by
    the security forces on Saturday" has no bound ("by" names the agent, not a time)."""
    prep = token.head
    if token.dep_ != "pobj" or prep.dep_ != "prep" or prep.i == 0:
        return False
    return any(c.dep_ == "prep" and c.lower_ in BOUNDS and c.right_edge.i == prep.i - 1
               and any(t.i in ctx.timex_heads for t in c.subtree) for c in prep.head.children)


OCCURRENCE_VERBS = {"happen": (), "occur": (), "begin": (), "start": (), "erupt": (), "resume": (), "unfold": (),
                    "break": ("out",), "take": ("place",), "come": ("into",), "go": ("into",)}


def _occurs(verb: Token) -> bool:
    """A verb that only says its subject happened: "came into effect", "broke out", "began"."""
    needs = OCCURRENCE_VERBS.get(verb.lemma_.lower())
    if needs is None or verb.pos_ not in ("VERB", "AUX") or any(c.dep_ == "dobj" for c in verb.children):
        return False  # "began negotiations": a clause of its own
    return not needs or any(c.lower_ == needs[0] for c in verb.children)


def _occurring_event(verb: Token, trigger_tokens: dict[int, _Candidate]) -> Token | None:
    """The event noun a verb of occurrence says happened: "the ceasefire came into effect on 12
    April", "fighting broke out on Sunday", "the attacks happened at dawn" date the noun."""
    subject = _child(verb, "nsubj")
    if subject is not None and subject.i in trigger_tokens and trigger_tokens[subject.i].spec.noun and _occurs(verb):
        return subject
    return None


_PRECISION_ORDER = {"time": 0, "day": 1, "week": 2, "month": 3, "season": 4, "quarter": 5, "year": 6, "decade": 7, "century": 8}


def _prefer(table: dict[int, TimeMention], index: int, mention: TimeMention) -> None:
    current = table.get(index)
    if current is None or _PRECISION_ORDER.get(mention.precision, 9) < _PRECISION_ORDER.get(current.precision, 9):
        table[index] = mention


def _timed_otherwise(token: Token) -> bool:
    """The event has a time of its own that a date around it must not override: "later",
    "earlier", a bounding clause ("before they left"), or the period it spans ("killed since
    March 2011", "killed since the uprising began in March", "fought until dawn": a tally or a
    stretch, which no single day dates)."""
    return any((c.dep_ == "advmod" and c.lower_ in LATER) or (c.dep_ == "mark" and c.lower_ in ("before", "since", "until"))
               or (c.dep_ == "prep" and c.lower_ in PERIOD_BOUNDS)
               or (c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in PERIOD_BOUNDS for g in c.children))
               for c in token.children)


def _tree_distance(a: Token, b: Token) -> int:
    ancestors_a = {t.i: n for n, t in enumerate([a, *a.ancestors])}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in ancestors_a:
            return n + ancestors_a[t.i]
    return 99


def _is_completed(token: Token) -> bool:
    """Present perfect or present tense (including headline nouns): a just-completed event."""
    if any(c.dep_ == "aux" and c.lemma_ == "have" for c in token.children):
        return True
    if any(c.dep_ in ("aux", "auxpass") for c in token.children):
        return False
    headline_verb = token.tag_ == "VB" and any(c.dep_ == "nsubj" for c in token.children)  # "Troops take city"
    return headline_verb or token.tag_ in ("VBZ", "VBP", "NNS", "NN")


def _publication_date(article: Article) -> TimeMention | None:
    if article.published is None:
        return None
    day = article.published
    return TimeMention(0, 0, "", "DATE", day.isoformat(), "day", day, day, anchor=article.published_source)


# --------------------------------------------------------------------------- fatalities

def _number(token: Token) -> int | None:
    for child in token.children:
        if child.dep_ == "nummod" or (child.like_num and child.dep_ in ("amod", "quantmod")):
            text = child.text.replace(",", "").lower()
            if text.isdigit():
                return int(text)
            if text in NUMBER_WORDS:
                return NUMBER_WORDS[text]
    return None


def _fatalities(token: Token) -> int | None:
    """A number stated for those killed by this trigger or by a killing verb tied to it."""
    verbs = [token, *[c for c in token.children if c.dep_ in ("conj", "advcl", "xcomp")],
             *[g for c in token.children if c.dep_ in ("conj", "advcl") for g in c.children if g.dep_ == "conj"]]
    for verb in verbs:
        lemma = verb.lemma_.lower()
        if lemma in KILL_VERBS:
            victims = _child(verb, "dobj", "nsubjpass")
        elif lemma in VICTIM_SUBJECT_VERBS:
            victims = _child(verb, "nsubj")
        else:
            continue
        if victims is not None:
            count = _number(victims)
            if count is not None:
                return count
    return None


# --------------------------------------------------------------------------- assembly

def _choose_kind(spec: TriggerSpec, actor1: actors.Actor | None, patient: actors.Actor | None) -> EventKind:
    kinds = spec.kinds
    if actor1 is not None:
        for kind in kinds:
            if kind.actor1_kind == actor1.kind:
                return kind
    for kind in kinds:
        if kind.actor1_kind == "any":
            return kind
    return kinds[0]


def _mention_id(article_id: str, start: int, end: int) -> str:
    return f"{article_id}:{start}-{end}"


def extract(doc: Doc, article: Article, timexes: Sequence[TimeMention], places: Sequence[PlaceMention]) -> list[EventMention]:
    """Every event the article's sentences state, one EventMention per event and sentence."""
    taxonomy = load_taxonomy()
    ctx = _build_context(doc, article, timexes, places)
    per_sentence = []
    lead: list[int] = []
    for sent in doc.sents:
        cands = _candidates(sent, taxonomy)
        if cands and len(lead) < LEAD_SENTENCES:
            lead.append(sent.start)
        per_sentence.append((sent, cands))
    ctx.lead_sentences = frozenset(lead)
    mentions: list[EventMention] = []
    for sent, cands in per_sentence:
        if cands:
            mentions.extend(_sentence_events(sent, cands, ctx))
    return mentions


def _sentence_events(sent: Span, cands: list[_Candidate], ctx: _Context) -> list[EventMention]:
    drafts: list[_Draft] = []
    for cand in cands:
        draft = _draft(cand, ctx)
        if draft is not None:
            drafts.append(draft)
    # a dropped trigger ("an offensive to retake the city") is a plain clause: its date may belong above it
    own, reports, clauses = _own_dates(sent, {d.cand.token.i: d.cand for d in drafts}, ctx)
    dated = {d.cand.token.i: own[d.cand.token.i] for d in drafts if d.cand.token.i in own}
    for draft in drafts:
        _assign_date(draft, dated, reports, clauses, sent, ctx)
    _place_by_when_clause(drafts)
    anchored = [d for d in drafts if d.actor1 or d.places or d.date is not None]  # else: no one, nowhere, never
    return [_to_mention(d, sent, ctx) for d in _fold(anchored)]


def _draft(cand: _Candidate, ctx: _Context) -> _Draft | None:
    token = cand.token
    if _is_hypothetical(token) or _describes(token):
        return None
    agent_token, patient_token = _agent_and_patient(cand)
    actor1 = _actor_of(agent_token, ctx)
    actor2 = _actor_of(patient_token, ctx) or (None if cand.spec.noun else _actor_of(_taken_from(token), ctx))
    if actor2 is not None and actor1 is not None and actor2.name == actor1.name:
        actor2 = None
    kind = _choose_kind(cand.spec, actor1, actor2)
    if kind.family == "civilians" and actor2 is not None and actor2.kind in ARMED_PATIENTS:
        kind = kinds_by_subtype().get("Armed clash", kind)
    if kind.family == "territory" and actor1 is not None and actor1.kind not in ARMED_PATIENTS:
        return None  # "demonstrators entered the embassy": only armed forces take territory
    if kind.family == "territory" and not cand.spec.noun and not cand.spec.children and _child(token, "dobj", "nsubjpass") is None:
        return None  # a place is taken as an object: "took to the streets", "took off from the airbase" take none
    if kind.requires == "patient" and patient_token is None and not cand.spec.noun:
        return None  # "killed" needs its victims; "the killings in X" names them itself
    places = _places(cand, kind, patient_token, ctx)
    if kind.requires == "place_object" and not places:
        return None
    if cand.spec.noun and not places and token.i not in ctx.timex_heads and not any(
            t.i in ctx.timex_heads for anchor in cand.anchors for t in anchor.subtree) and _entry_of(token, ctx) is None:
        return None
    confidence = kind.confidence - (0.1 if cand.spec.noun else 0.0)
    if actor1 is not None and places:
        confidence += 0.05
    reported = _is_reported(token)
    if reported:
        confidence -= 0.1
    return _Draft(cand, kind, actor1.name if actor1 else "", actor2.name if actor2 else "", places,
                  None, "none", _fatalities(token), reported, confidence)


def _assign_date(draft: _Draft, dated: dict[int, TimeMention], reports: dict[int, TimeMention],
                 clauses: dict[int, TimeMention], sent: Span, ctx: _Context) -> None:
    """The date the parse gives this trigger; else one of a clause it is coordinated or
    subordinated to; else the date of the report that tells it; else, for a just-completed
    event in the lead, the publication date. Each fallback costs confidence."""
    token = draft.cand.token
    entry = _entry_of(token, ctx)
    if draft.cand.spec.noun and token.dep_ == "dobj" and (token.head.lemma_.lower(), False) not in load_taxonomy():
        entry = None  # "8 August : Saudi Arabia condemns crackdown": the condemnation is what the entry dates
    if entry is not None and not (token.i in dated and _in_entry(dated[token.i], entry, ctx.doc)):
        draft.date, draft.date_source = entry.date, "own"  # a date of its own within the entry still wins
        return
    if token.i in dated:
        draft.date, draft.date_source = dated[token.i], "own"
        return
    if draft.cand.spec.noun:
        return
    described = _described_date(token, ctx)
    if described is not None and not _timed_otherwise(token):
        draft.date, draft.date_source = described, "own"
        return
    linked = {**{i: m for i, m in clauses.items() if _linked(token, ctx.doc[i])},
              **{i: m for i, m in dated.items() if _linked(token, ctx.doc[i])}}
    if linked and not _timed_otherwise(token):
        nearest = min(linked, key=lambda i: (_tree_distance(token, ctx.doc[i]), i))
        draft.date, draft.date_source = linked[nearest], "inherited"
        draft.confidence -= INHERITED_DATE_PENALTY
        return
    for ancestor in token.ancestors:
        if ancestor.i in reports and not _timed_otherwise(token):
            draft.date, draft.date_source = reports[ancestor.i], "report"
            draft.confidence -= REPORT_DATE_PENALTY
            return
    if sent.start in ctx.lead_sentences and _is_completed(token) and not _timed_otherwise(token):
        published = _publication_date(ctx.article)
        if published is not None:
            draft.date, draft.date_source = published, "publication"
            draft.confidence -= PUBLICATION_DATE_PENALTY


def _described_date(token: Token, ctx: _Context) -> TimeMention | None:
    """A relative clause tells what happened at the time its noun names: "on 22 April, when 72
    protesters were killed"; "Friday's violence, in which scores of protesters were killed"."""
    clause = token
    while clause.dep_ == "conj" and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ != "relcl":
        return None
    noun = clause.head
    if noun.i in ctx.timex_heads:
        return ctx.timex_heads[noun.i]
    for child in noun.children:
        if child.dep_ in ("poss", "compound", "npadvmod") and child.i in ctx.timex_heads:
            return ctx.timex_heads[child.i]
        if child.dep_ == "prep" and child.lower_ in ("on", "in", "at") and child.i < clause.i:
            obj = _child(child, "pobj")
            if obj is not None and obj.i in ctx.timex_heads:
                return ctx.timex_heads[obj.i]
    return None


def _place_by_when_clause(drafts: list[_Draft]) -> None:
    """An event with no place of its own, dated by a "when" clause, happened where that clause's
    event did ("murdered X when they swept into the city": in the city)."""
    for draft in drafts:
        if draft.places or draft.date_source != "inherited":
            continue
        for other in drafts:
            clause = other.cand.token
            if other is draft or other.date is not draft.date or not any(c.lower_ == "when" for c in clause.children):
                continue
            if draft.cand.token.i in {t.i for t in _linked_chain(clause)}:
                draft.places = [(m, "location", text) for m, role, text in other.places if role in ("location", "target")]
                break


def _fold(drafts: list[_Draft]) -> list[_Draft]:
    """Triggers of one sub-event type in one sentence with compatible actors and no two dates
    of their own tell one event ("pulled out ..., retreating to A, B and C"): keep the
    best-dated, pool places and numbers."""
    kept: list[_Draft] = []
    for draft in drafts:
        partner = next((k for k in kept if k.kind.sub_event_type == draft.kind.sub_event_type
                        and _compatible(k.actor1, draft.actor1) and _compatible(k.actor2, draft.actor2)
                        and _compatible(_day(k), _day(draft))), None)
        if partner is None:
            kept.append(draft)
            continue
        rank = ("own", "inherited", "report", "publication", "none")
        primary, other = (partner, draft) if rank.index(partner.date_source) <= rank.index(draft.date_source) else (draft, partner)
        seen = {(m.place.place_id, r) for m, r, _ in primary.places}
        primary.places += [p for p in other.places if (p[0].place.place_id, p[1]) not in seen]
        primary.actor1 = primary.actor1 or other.actor1
        primary.actor2 = primary.actor2 or other.actor2
        primary.fatalities = primary.fatalities or other.fatalities
        primary.confidence = max(primary.confidence, other.confidence)
        kept[kept.index(partner)] = primary
    return kept


def _compatible(a: str, b: str) -> bool:
    return not a or not b or a == b


def _day(draft: _Draft) -> str:
    """The date a trigger states itself: two triggers dated differently are two events."""
    return draft.date.value if draft.date is not None and draft.date_source == "own" else ""


def _to_mention(draft: _Draft, sent: Span, ctx: _Context) -> EventMention:
    token = draft.cand.token
    main = _main_place(draft.places, draft.kind.family)
    date = draft.date
    return EventMention(
        article_id=ctx.article.article_id,
        mention_id=_mention_id(ctx.article.article_id, token.idx, token.idx + len(token.text)),
        sentence=sent.text.strip(),
        # Offsets of the stripped sentence, so text[sentence_start:sentence_end] is the quote.
        sentence_start=sent.start_char + len(sent.text) - len(sent.text.lstrip()),
        sentence_end=sent.start_char + len(sent.text.rstrip()),
        trigger=" ".join(t.text for t in sorted(draft.cand.anchors, key=lambda t: t.i)),
        trigger_start=token.idx,
        trigger_end=token.idx + len(token.text),
        event_type=draft.kind.event_type,
        sub_event_type=draft.kind.sub_event_type,
        actor1=draft.actor1,
        actor2=draft.actor2,
        date_text=date.text if date else "",
        date_value=date.value if date else "",
        date_start=date.date_start if date else None,
        date_end=date.date_end if date else None,
        date_precision=date.precision if date else "none",
        place_id=main[0].place.place_id if main else "",
        place_text=main[1] if main else "",
        places=tuple(EventPlace(m.place.place_id, role, text) for m, role, text in draft.places),
        fatalities=draft.fatalities,
        confidence=round(min(0.99, max(0.05, draft.confidence)), 3),
        reported_speech=draft.reported,
    )

