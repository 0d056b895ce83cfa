"""Temporal expressions: find them in an article and normalise them TIMEX3-style.

Rule-based on purpose (see FIELD_NOTES): off-the-shelf parsers turn "we" into a Wednesday,
durations into dates, and read tense from a single POS tag. Here every expression is found
by a small grammar of regular expressions, then resolved against the reference (publication)
date; underspecified months, weekdays and seasons take the direction of the clause they sit
in, found through the dependency parse (the verb the expression attaches to, its auxiliaries).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from etl.records import TimeMention
from etl.timex_values import (
    MONTHS,
    SEASONS,
    WEEKDAYS,
    add_months,
    interval,
    number_value,
    quarter_of,
    unit_code,
    week_value,
)

log = logging.getLogger(__name__)

PAST, PRESENT, FUTURE = "past", "present", "future"

# ---------------------------------------------------------------------------------------------
# Lexicon as regex fragments (case-insensitive unless said otherwise)
_NUMWORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|dozen)"
)
_NUM = (
    r"(?:\d+\s+1/2|\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + _NUMWORD + r"(?:(?:-|\s+|\s+and\s+)" + _NUMWORD + r")*"
    r"(?:\s+and\s+a\s+half)?|a\s+couple\s+of|a\s+few|several|few|many|couple\s+of|a|an|half\s+an?|"
    r"a\s+half)"
)
_UNIT = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|fortnights?|months?|years?|decades?|centur(?:y|ies)|millenni(?:um|a|ums)|quarters?)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WD_ABBR = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
_PART = r"(?:morning|afternoon|evening|night)"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[0-9]\d\d|20\d\d)"
_YEAR_WORDS = (
    r"(?:nineteen[\s-]+(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?)"
    r"|two\s+thousand(?:\s+and\s+(?:one|two|three|four|five|six|seven|eight|nine|ten))?)"
)
_ORD = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"twenty-first|\d{1,2}(?:st|nd|rd|th))"
)
_APPROX = r"(?:about|around|nearly|almost|some|roughly|approximately|close\s+to|more\s+than|less\s+than|at\s+least|up\s+to|no\s+more\s+than|at\s+most)"
_EDGE = r"(?:early|mid|late|the\s+(?:end|beginning|start|middle)\s+of|end\s+of|beginning\s+of|start\s+of|earlier|later)"
_TZ = r"(?:\s*(?:GMT|UTC|EST|EDT|CST|CDT|PST|PDT|MST|MDT|BST|CET|CEST))?"
_AMPM = r"(?:a\.m\.?|p\.m\.?|am\b|pm\b)"
_REL = r"(?:this|last|next|past|coming|previous|following|current|same)"

APPROX_MODS = {
    "about": ("", True), "around": ("", True), "some": ("", True), "roughly": ("", True),
    "approximately": ("", True), "close to": ("", True), "nearly": ("LESS_THAN", True),
    "almost": ("LESS_THAN", True), "more than": ("MORE_THAN", False), "over": ("MORE_THAN", False),
    "less than": ("LESS_THAN", False), "under": ("LESS_THAN", False),
    "at least": ("EQUAL_OR_MORE", False), "up to": ("EQUAL_OR_LESS", False),
    "no more than": ("EQUAL_OR_LESS", False), "at most": ("EQUAL_OR_LESS", False),
}
EDGE_MODS = {"early": "START", "mid": "MID", "late": "END", "end of": "END", "beginning of": "START",
             "start of": "START", "middle of": "MID", "earlier": "START", "later": "END"}

# Words after a four-digit number that make it a count, an amount or an id, not a year.
_NOT_YEAR_AFTER = re.compile(
    r"\s*(?:%|percent|per\s+cent|million|billion|trillion|thousand|hundred|people|troops|soldiers|"
    r"fighters|dollars|euros|pounds|km|kilomet|met(?:er|re)s|feet|ft|miles|tons|tonnes|barrels|"
    r"hectares|acres|votes|members|units|shares|times|[a-z]+s\b(?<!ies)(?<!ss))",
    re.I,
)


@dataclass(frozen=True)
class _Raw:
    """A matched expression before normalisation: which rule, where, and its groups."""

    start: int
    end: int
    rule: str
    groups: dict


# ---------------------------------------------------------------------------------------------
# The grammar: (rule name, pattern). Longer matches win; ties go to the earlier rule.
def _p(pattern: str, flags: int = re.I) -> re.Pattern:
    return re.compile(pattern, flags)


_RULES: list[tuple[str, re.Pattern]] = [
    # Datelines: "Sun Mar 27, 2016 11:55:38"
    ("dateline", _p(r"\b(?:" + _WD_ABBR + r"|" + _WEEKDAY + r")\.?,?\s+(?P<month>" + _MONTH + r")\s+(?P<day>" + _DAYNUM + r"),?\s+(?P<year>" + _YEAR + r")(?:,?\s+(?P<hh>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?)?\b")),
    ("iso", _p(r"(?<![\w/.-])(?P<year>" + _YEAR + r")-(?P<mm>0[1-9]|1[0-2])-(?P<dd>0[1-9]|[12]\d|3[01])(?:[T ](?P<hh>[01]\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?)?(?![\w/-])")),
    ("numeric", _p(r"(?<![\w/.:-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<year>" + _YEAR + r"|\d\d)(?![\w/.]\d|[\w/])")),
    ("ym_iso", _p(r"(?<![\w/.-])(?P<year>" + _YEAR + r")-(?P<mm>0[1-9]|1[0-2])(?![\w/-])")),
    # Month-day-year in either order, with optional weekday and edge modifiers.
    ("mdy", _p(r"\b(?:(?P<wd>" + _WEEKDAY + r"),?\s+)?(?:(?P<edge>" + _EDGE + r")[\s-]+)?(?P<month>" + _MONTH + r")\s+(?P<day>" + _DAYNUM + r")\b(?!\s*(?:,\s*)?\d{3}\b)(?:,?\s+(?P<year>" + _YEAR + r")\b)?", re.I)),
    ("dmy", _p(r"\b(?:(?P<wd>" + _WEEKDAY + r"),?\s+)?(?:the\s+)?(?P<day>" + _DAYNUM + r")\s+(?:of\s+)?(?P<month>" + _MONTH + r")(?:,?\s+(?P<year>" + _YEAR + r")\b)?")),
    ("my", _p(r"\b(?:(?P<edge>" + _EDGE + r")[\s-]+)?(?P<month>" + _MONTH + r")(?:,?\s+(?:of\s+)?)(?P<year>" + _YEAR + r"|'\d\d|" + _YEAR_WORDS + r")\b")),
    # Month with a relative year, in both orders: "last year in December", "December last year".
    ("rel_year_month", _p(r"\b(?P<rel>this|last|next|past)\s+year(?:'s)?,?\s+(?:in\s+)?(?P<month>" + _MONTH + r")\b")),
    ("month_rel_year", _p(r"\b(?P<month>" + _MONTH + r")\s+(?:of\s+)?(?P<rel>this|last|next|past)\s+year\b")),
    ("rel_month", _p(r"\b(?:(?P<edge>" + _EDGE + r")\s+)?(?P<rel>this|last|next|past|coming|this\s+past|this\s+coming)\s+(?P<month>" + _MONTH + r")(?!\.?\s+\d)\b")),
    ("month", _p(r"\b(?:(?P<edge>" + _EDGE + r")[\s-]+)?(?P<month>" + _MONTH + r")(?![\w-])", 0)),
    ("month_edge_lower", _p(r"\b(?P<edge>early|mid|late)[\s-]+(?P<month>" + _MONTH + r")\b")),
    # Weekdays, optionally with a part of the day or a clock time.
    ("weekday", _p(r"\b(?:(?P<edge>early|late|earlier|later)\s+)?(?:(?P<rel>this|last|next|this\s+past|this\s+coming|coming|past)\s+)?(?P<wd>" + _WEEKDAY + r")(?:\s+(?P<part>" + _PART + r"))?\b")),
    ("weekday_set", _p(r"\b(?P<wd>" + _WEEKDAY + r")(?:s\b|\s+(?P<part>mornings|afternoons|evenings|nights)\b)")),
    ("part_edge", _p(r"\b(?P<edge>early|mid|late)[\s-]*(?P<part>morning|afternoon|evening)\b(?:\s+(?P<day>today|yesterday|tomorrow))?")),
    ("part_of_day", _p(r"\b(?P<rel>this|tomorrow|yesterday|last|the)\s+(?P<part>" + _PART + r")\b")),
    ("tonight", _p(r"\btonight\b")),
    ("overnight", _p(r"\bovernight\b|(?<=\bduring\s)the\s+night\b|(?<=\bthrough\s)the\s+night\b")),
    ("matter_of", _p(r"\ba\s+matter\s+of\s+(?P<unit>seconds|minutes|hours|days|weeks|months|years)\b")),
    # Clock times.
    ("clock", _p(r"(?<![\w:.])(?P<hh>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s*(?P<ampm>" + _AMPM + r")" + _TZ + r"(?:,?\s+(?:(?P<wd>" + _WEEKDAY + r"|today|yesterday|tomorrow)|(?P<month>" + _MONTH + r")\s+(?P<day>" + _DAYNUM + r")\b))?")),
    ("clock24", _p(r"(?<![\w:.])(?P<hh>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?P<tz>" + _TZ[:-1] + r"|\s*(?:hrs|hours|h)\b)(?:,?\s+(?P<wd>" + _WEEKDAY + r"|today|yesterday|tomorrow))?")),
    ("noon", _p(r"\b(?P<what>noon|midnight|midday)(?:,?\s+(?P<wd>" + _WEEKDAY + r"|today|yesterday|tomorrow))?")),
    # Decades and centuries.
    ("decade", _p(r"\b(?:the\s+)?(?:(?P<edge>early|mid|late)[\s-]+)?(?P<dec>1[0-9]\d0|20[0-9]0)'?s\b|\bthe\s+(?:(?P<edge2>early|mid|late)[\s-]+)?'?(?P<dec2>[2-9]0)'?s\b")),
    ("decade_word", _p(r"\bthe\s+(?:(?P<edge>early|mid|late)[\s-]+)?(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b")),
    ("century", _p(r"\b(?:the\s+)?(?:(?P<edge>early|mid|late)[\s-]+)?(?P<ord>" + _ORD + r")[\s-]+century\b")),
    ("year_edge", _p(r"\b(?:(?P<edge>early|mid|late|the\s+(?:end|beginning|start|middle)\s+of|end\s+of|beginning\s+of|start\s+of)[\s-]+)(?P<year>" + _YEAR + r")\b")),
    ("year", _p(r"(?<![\w$£€.,/:-])(?:(?P<fiscal>fiscal(?:\s+year)?|the\s+year|FY)\s*)?(?P<year>" + _YEAR + r")(?:'s)?(?![\w%/:-]|[.,]\d)")),
    ("year_short", _p(r"\b(?P<fiscal>fiscal(?:\s+year)?)\s+'?(?P<yy>\d\d)\b")),
    # Seasons.
    ("season", _p(r"\b(?:(?P<det>the|this|last|next|this\s+past|this\s+coming|coming|past)\s+)?(?:(?P<edge>early|mid|late)[\s-]+)?(?P<season>" + _SEASON + r")(?:\s+(?:of\s+)?(?P<year>" + _YEAR + r"|" + _YEAR_WORDS + r"))?\b")),
    # Quarters and halves.
    ("quarter", _p(r"\b(?:(?P<yref>this\s+year's|last\s+year's|next\s+year's|the\s+year-(?:ago|earlier)|the\s+year\s+ago|the)\s+)?(?:(?P<adj>latest|current|previous|comparable|fiscal|same|final|last)\s+)?(?:(?P<year0>" + _YEAR + r")\s+)?(?:(?P<adj2>fiscal|calendar)\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th|final|last|latest|current|previous)[\s-]+(?:fiscal\s+)?quarter(?:\s+(?:of\s+)?(?:(?P<year>" + _YEAR + r")|(?P<rel>this|last|next)\s+year))?\b")),
    ("quarter_code", _p(r"\b(?P<q>Q[1-4])(?:\s+|/)?(?P<year>" + _YEAR + r")?\b", 0)),
    ("the_quarter", _p(r"\b(?:the|this|that)\s+(?P<adj>latest\s+|same\s+|year-(?:ago|earlier)\s+|comparable\s+)?(?:quarter|period)\b")),
    ("half", _p(r"\b(?:the\s+)?(?P<h>first|second|last|latter)\s+half\s+of\s+(?:(?P<year>" + _YEAR + r")|(?P<rel>this|last|next)\s+year)\b")),
    ("year_ago_adj", _p(r"\b(?:(?:the\s+)?year-(?:ago|earlier)\s+(?P<what>quarter|period)|year-(?:ago|earlier))\b")),
    ("holiday", _p(r"\b(?:(?P<rel>last|next|this)\s+)?(?P<name>Christmas\s+(?:Day|Eve)|Christmas|New\s+Year's\s+(?:Day|Eve)|Thanksgiving(?:\s+Day)?|Halloween)(?:\s+(?P<year>" + _YEAR + r"))?\b", 0)),
    ("year_words", _p(r"\b(?:the\s+year\s+)?(?P<words>" + _YEAR_WORDS + r")\b")),
    # Relative calendar units: "last year", "earlier this month", "early next year".
    ("rel_unit", _p(r"\b(?:(?P<edge>" + _EDGE + r")\s+)?(?P<rel>this\s+past|this\s+coming|this|last|next|past|coming|previous|following|current|same)\s+(?:fiscal\s+)?(?P<unit>week|weekend|month|year|decade|century|quarter)\b")),
    ("year_end", _p(r"\b(?:(?P<approx>around|about)\s+)?(?:year[\s-]end|year's\s+end|the\s+end\s+of\s+the\s+(?P<unit>year|month|week))\b")),
    ("the_weekend", _p(r"\bthe\s+weekend\b")),
    ("year_period", _p(r"\bthe\s+(?P<year>" + _YEAR + r")\s+(?:quarter|period)\b")),
    ("fiscal_year", _p(r"\bthe\s+(?P<adj>full\s+|fiscal\s+|full\s+fiscal\s+|latest\s+fiscal\s+)?year(?=\s+(?P<ended>ended|ending|to\s+date|through)\b)?")),
    ("the_year", _p(r"\b(?P<edge>earlier|later)\s+(?:in\s+)?the\s+(?P<unit>year|month|week|day)\b")),
    ("that_unit", _p(r"\b(?P<edge>earlier|later)\s+that\s+(?P<unit>day|week|month|year)\b")),
    # Day-level deictics.
    ("deictic", _p(r"\b(?:(?P<edge>earlier|later|early|late)\s+)?(?P<word>today|yesterday|tomorrow|the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow)\b")),
    ("ref_word", _p(r"\b(?P<word>now|nowadays|currently|current|at\s+present|these\s+days|recently|lately|the\s+past|the\s+(?:near\s+)?future)\b")),
    # Numeric durations and anchored offsets: "ten months", "nearly two years ago", "the past three weeks".
    ("duration", _p(r"(?:\b(?P<approx>" + _APPROX + r")\s+)?(?:\b(?P<det>the|this)\s+)?(?:\b(?P<rel>past|last|next|previous|coming|following|first|final|recent|latest|preceding|ensuing|remaining)\s+)?(?:(?P<low>(?<![\w$£€.,])" + _NUM + r")\s+(?:to|or)\s+)?(?P<num>(?<![\w$£€.,])" + _NUM + r")(?:\s+more)?[\s-]+(?P<unit>" + _UNIT + r")(?P<half>\s+and\s+a\s+half)?(?P<long>-long)?(?:\s+(?P<dir>ago|earlier|later|before|after|from\s+now|hence|or\s+so\s+ago|before\s+that|after\s+that))?\b(?P<age>-old|\s+old\b|\s+of\s+age\b)?")),
    ("vague_duration", _p(r"\b(?:(?P<det>the)\s+)?(?P<rel>past|last|next|coming|recent|previous|several|few|many|some)\s+(?P<few>several\s+|few\s+|many\s+)?(?P<unit>days|weeks|months|quarters|years|decades|centuries|hours|minutes)\b(?:\s+(?P<dir>ago))?")),
    ("bare_plural", _p(r"\b(?:hundreds|thousands|tens|millions)\s+of\s+(?P<unit5>years|decades|centuries)\b|(?:(?<=\bfor\s)|(?<=\bwithin\s))(?P<unit>days|weeks|months|years|decades|centuries|hours)(?:\s+or\s+(?:days|weeks|months|years|decades))?\b|\b(?P<unit2>days|weeks|months|years|decades|hours)(?=\s+of\b)|\b(?P<unit3>months|years|decades|weeks)\s+ago\b|\b(?P<unit4>decades|years|months)-long\b")),
    ("the_past_unit", _p(r"\b(?:the\s+)?(?P<rel>past|last|next|coming|previous)\s+(?P<unit>day|week|month|year|decade|century|hour|minute)\b")),
    # Sets.
    ("set_adverb", _p(r"\b(?P<word>daily|weekly|monthly|annually|yearly|hourly|nightly|biweekly)\b")),
    ("set_every", _p(r"\b(?P<q>every|each|per)\s+(?:(?P<other>other)\s+)?(?P<what>" + _UNIT + r"|" + _WEEKDAY + r"|" + _MONTH + r"|" + _SEASON + r"|morning|afternoon|evening|night)\b")),
    ("set_times", _p(r"\b(?P<n>once|twice|three\s+times|four\s+times|\d+\s+times)\s+(?:a|an|per|every)\s+(?P<unit>day|week|month|year|decade)\b")),
]

# Where no expression may start: URLs, paths and embedded JSON.
_MASK = re.compile(
    r"https?://\S+|www\.\S+|(?<!\S)(?!\d{1,2}/\d{1,2}/\d{2,4}(?![\w/]))\S*/\S*/\S*|\{[^{}\n]*\"\w+\"\s*:[^{}\n]*\}"
    r"|^[^\n]*(?:\"\w+\"\s*:\s*[^\n]*){3}$",  # a line of embedded data (three or more "key": pairs)
    re.M,
)


def _masked_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _MASK.finditer(text)]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _candidates(text: str) -> list[tuple[int, _Raw]]:
    """Every rule's matches outside URLs and embedded data, as (rule rank, match), in reading order."""
    masked = _masked_spans(text)
    found: list[tuple[int, _Raw]] = []
    for rank, (rule, pattern) in enumerate(_RULES):
        for m in pattern.finditer(text):
            start, end = m.span()
            # Trim leading/trailing spaces the optional groups may leave.
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end <= start or _inside(masked, start, end):
                continue
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            found.append((rank, _Raw(start, end, rule, groups)))
    found.sort(key=lambda c: (c[1].start, -c[1].end, c[0]))
    return found


def _select(normalised: list[tuple[int, _Raw, "_Result"]]) -> list[tuple[_Raw, "_Result"]]:
    """The longest non-overlapping readings (ties: the earlier rule), sorted by start."""
    ordered = sorted(normalised, key=lambda c: (-(c[1].end - c[1].start), c[0], c[1].start))
    chosen: list[tuple[_Raw, _Result]] = []
    taken: list[tuple[int, int]] = []
    for _rank, raw, result in ordered:
        if not _inside(taken, raw.start, raw.end):
            chosen.append((raw, result))
            taken.append((raw.start, raw.end))
    chosen.sort(key=lambda c: c[0].start)
    return chosen


# ---------------------------------------------------------------------------------------------
# Tense of the clause an expression attaches to.
_FUTURE_AUX = {"will", "'ll", "shall", "wo", "ll"}
_SCHEDULE_VERBS = {"schedule", "reschedule", "plan", "postpone", "delay", "slate"}
_PLAN_VERBS = {"plan", "expect", "schedule", "intend", "hope", "aim", "prepare", "agree", "decide", "promise",
               "threaten", "vow", "pledge", "set", "due", "want", "seek", "propose", "go"}


def _verb_tense(verb) -> str | None:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    if words & _FUTURE_AUX or "would" in words:
        return FUTURE  # "would" in news is mostly the future seen from a reported past
    if any(a.lower_ == "going" for a in auxes) and any(c.lower_ == "to" for c in verb.children):
        return FUTURE
    if verb.lower_ == "going" and any(c.dep_ == "xcomp" for c in verb.children):
        return FUTURE
    if verb.lemma_ in _SCHEDULE_VERBS:
        return FUTURE  # "has scheduled a news conference Thursday": what is scheduled lies ahead
    if verb.tag_ == "VBN" and not auxes and verb.dep_ in ("acl", "amod", "relcl", "advcl"):
        return PAST  # "the decision announced Wednesday"
    if verb.tag_ == "VB" and verb.dep_ == "xcomp" and verb.head.lemma_ in _PLAN_VERBS \
            and any(c.lower_ == "to" and c.dep_ == "aux" for c in verb.children):
        return FUTURE  # "plans to leave on Thursday"
    if any(a.tag_ == "VBD" for a in auxes) or verb.tag_ == "VBD":
        return PAST
    if any(a.lemma_ == "have" for a in auxes) and verb.tag_ == "VBN":
        return PAST
    if any(a.tag_ == "MD" for a in auxes):
        return None
    if verb.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
        return PRESENT
    return None


def _has_subject(verb) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in verb.children)


def clause_tense(doc: Doc, start: int, end: int) -> str | None:
    """past | present | future of the clause the span attaches to, or None when unknown.

    Climbs from the span's head token to the verb it depends on. A finite verb without a
    subject is often a mis-tag (spaCy reads "IS" in "In August IS fighters demolished..." as
    VBZ and makes it the root): then the tense comes from its clausal complement instead.
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    token = span.root
    for _ in range(12):
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "auxpass", "amod"):
            tense = _verb_tense(token)
            if tense in (PRESENT, None) and not _has_subject(token):
                for child in token.children:
                    if child.dep_ in ("ccomp", "conj", "xcomp", "advcl") and child.pos_ in ("VERB", "AUX"):
                        inner = _verb_tense(child)
                        if inner is not None:
                            return inner
            if tense is not None:
                return tense
        if token.head is token:
            break
        token = token.head
    return None


# ---------------------------------------------------------------------------------------------
# Normalisation
@dataclass
class _Context:
    reference: dt.date | None
    anchor: str
    last_quarter: int | None = None  # fiscal reporting: "a year ago" means that quarter last year


def _month_num(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")[:3]]


def _year_from(text: str) -> int:
    """1998, '98, or "nineteen ninety-eight"."""
    words = re.sub(r"\s+", " ", text.lower())
    if words[0].isalpha():
        if words.startswith("nineteen"):
            return 1900 + int(number_value(words[len("nineteen"):].strip(" -")))
        rest = re.sub(r"^two thousand(?: and)?\s*", "", words)
        return 2000 + (int(number_value(rest)) if rest else 0)
    text = text.strip("'")
    year = int(text)
    if len(text) == 2:
        year += 1900 if year > 30 else 2000
    return year


def _edge_mod(edge: str | None) -> str:
    if not edge:
        return ""
    edge = re.sub(r"\s+", " ", edge.lower()).replace("the ", "")
    return EDGE_MODS.get(edge, "")


def _resolve_month(month: int, ref: dt.date, tense: str | None) -> int:
    """Year of an underspecified month: the nearest one when it is at most a month away,
    else the last one in a past clause, the next in a future one, the nearest otherwise."""
    before = ref.year if month <= ref.month else ref.year - 1
    after = ref.year if month >= ref.month else ref.year + 1
    back = (ref.month - month) % 12
    ahead = (month - ref.month) % 12
    if min(back, ahead) <= 1:
        return before if back <= ahead else after
    if tense == PAST:
        return before
    if tense == FUTURE:
        return after
    return before if back <= ahead else after


def _resolve_weekday(weekday: int, ref: dt.date, tense: str | None, rel: str = "") -> dt.date:
    """Date of a weekday: past clause -> the last one on or before the reference date."""
    delta = weekday - ref.weekday()
    if rel in ("next", "this coming", "coming"):
        return ref + dt.timedelta(days=(delta % 7) or 7)
    if rel in ("last", "this past", "past"):
        return ref - dt.timedelta(days=(-delta % 7) or 7)
    if tense == FUTURE:
        return ref + dt.timedelta(days=delta % 7)
    if tense in (PAST, None) or rel == "":
        return ref - dt.timedelta(days=-delta % 7)
    return ref + dt.timedelta(days=delta)


def _season_year(season: str, ref: dt.date, tense: str | None, det: str) -> int:
    """Year of an underspecified season; a winter belongs to the year it starts in (Dec-Feb)."""
    order = {"SP": 1, "SU": 2, "FA": 3, "WI": 4}
    current = "WI" if ref.month in (12, 1, 2) else "SP" if ref.month < 6 else "SU" if ref.month < 9 else "FA"
    current_year = ref.year - 1 if ref.month in (1, 2) else ref.year
    if det in ("last", "this past", "past") or (tense == PAST and det in ("", "the")):
        strictly = det in ("last", "past")
        if order[season] < order[current] or (order[season] == order[current] and not strictly):
            return current_year
        return current_year - 1
    if det in ("next", "coming", "this coming") or (tense == FUTURE and det in ("", "the")):
        return current_year if order[season] >= order[current] else current_year + 1
    return current_year if order[season] >= order[current] or ref.month in (1, 2) else current_year


def _fmt_day(d: dt.date) -> str:
    return d.isoformat()


class _Result(dict):
    """type, value, mod, approx, relative (whether it needed the reference date)."""


def _res(type_: str, value: str, *, mod: str = "", approx: bool = False, relative: bool = True) -> _Result:
    return _Result(type=type_, value=value, mod=mod, approx=approx, relative=relative)


def _normalise(raw: _Raw, text: str, doc: Doc, ctx: _Context) -> _Result | None:
    g = raw.groups
    rule = raw.rule
    ref = ctx.reference
    span_text = text[raw.start:raw.end]
    low = span_text.lower()

    def tense() -> str | None:
        return clause_tense(doc, raw.start, raw.end)

    if rule in ("dateline", "iso"):
        year = int(g["year"])
        month = _month_num(g["month"]) if "month" in g else int(g["mm"])
        day = int(re.sub(r"\D", "", g.get("day", g.get("dd", "1"))))
        value = f"{year:04d}-{month:02d}-{day:02d}"
        if not _valid(year, month, day):
            return None
        if "hh" in g:
            value += f"T{int(g['hh']):02d}:{g['mi']}" + (f":{g['ss']}" if "ss" in g else "")
            return _res("TIME", value, relative=False)
        return _res("DATE", value, relative=False)
    if rule == "numeric":
        a, b = int(g["a"]), int(g["b"])
        year = _year_from(g["year"])
        if g["sep"] == "." and len(g["year"]) == 2:
            return None  # 1.2.16 is more often a version or a score than a date
        if a > 12 and b <= 12:
            day, month = a, b
        elif b > 12 and a <= 12:
            month, day = a, b
        else:
            month, day = (b, a) if g["sep"] == "." else (a, b)
        if not _valid(year, month, day):
            return None
        return _res("DATE", f"{year:04d}-{month:02d}-{day:02d}", relative=False)
    if rule == "ym_iso":
        return _res("DATE", f"{g['year']}-{g['mm']}", relative=False)
    if rule in ("mdy", "dmy"):
        month = _month_num(g["month"])
        if not _month_ok(g["month"], raw, doc, text, strict=False):
            return None
        day = int(re.sub(r"\D", "", g["day"]))
        mod = _edge_mod(g.get("edge"))
        if "year" in g:
            year = int(g["year"])
            relative = False
        else:
            if ref is None:
                return _res("DATE", f"XXXX-{month:02d}-{day:02d}", mod=mod)
            year = _resolve_day_year(month, day, ref, tense())
            relative = True
        if not _valid(year, month, day):
            return None
        return _res("DATE", f"{year:04d}-{month:02d}-{day:02d}", mod=mod, relative=relative)
    if rule == "my":
        if not _month_ok(g["month"], raw, doc, text, strict=False):
            return None
        return _res("DATE", f"{_year_from(g['year']):04d}-{_month_num(g['month']):02d}", mod=_edge_mod(g.get("edge")), relative=False)
    if rule in ("rel_year_month", "month_rel_year"):
        month = _month_num(g["month"])
        if ref is None:
            return _res("DATE", f"XXXX-{month:02d}")
        year = ref.year + {"this": 0, "last": -1, "past": -1, "next": 1}[g["rel"].lower()]
        return _res("DATE", f"{year:04d}-{month:02d}")
    if rule == "rel_month":
        month = _month_num(g["month"])
        if not _month_ok(g["month"], raw, doc, text, strict=False):
            return None
        if ref is None:
            return _res("DATE", f"XXXX-{month:02d}")
        rel = re.sub(r"\s+", " ", g["rel"].lower())
        if rel in ("last", "past", "this past"):
            # "last May" is the latest May before this month; "last February" said in March
            # means a year earlier (the month just gone would be "last month").
            year = ref.year if month < ref.month - 1 or (rel == "this past" and month < ref.month) else ref.year - 1
        elif rel in ("next", "coming", "this coming"):
            year = ref.year if month > ref.month else ref.year + 1
        else:
            year = ref.year
        return _res("DATE", f"{year:04d}-{month:02d}", mod=_edge_mod(g.get("edge")))
    if rule in ("month", "month_edge_lower"):
        if not _month_ok(g["month"], raw, doc, text, strict=rule == "month" and "edge" not in g):
            return None
        month = _month_num(g["month"])
        if ref is None:
            return _res("DATE", f"XXXX-{month:02d}", mod=_edge_mod(g.get("edge")))
        year = _resolve_month(month, ref, tense())
        return _res("DATE", f"{year:04d}-{month:02d}", mod=_edge_mod(g.get("edge")))
    if rule == "weekday":
        weekday = WEEKDAYS[g["wd"].lower()[:3]]
        part = _part_code(g.get("part"))
        if ref is None:
            return _res("DATE", f"XXXX-WXX-{weekday + 1}" + (f"T{part}" if part else ""))
        rel = re.sub(r"\s+", " ", g.get("rel", "").lower())
        day = _resolve_weekday(weekday, ref, _cued_tense(text, raw, tense), rel)
        # "Sunday morning" keeps day precision; "earlier Sunday" keeps the weekday as its span.
        result = _res("DATE", _fmt_day(day), mod=_edge_mod(g.get("edge")))
        if "edge" in g:
            result["start"] = text.find(g.get("rel") or g["wd"], raw.start)
        return result
    if rule == "weekday_set":
        part = _part_code(g.get("part"))
        return _res("SET", f"XXXX-WXX-{WEEKDAYS[g['wd'].lower()[:3]] + 1}" + (f"T{part}" if part else ""),
                    relative=False)
    if rule == "part_edge":
        if ref is None:
            return None
        day = ref + dt.timedelta(days={"yesterday": -1, "tomorrow": 1}.get(g.get("day", "").lower(), 0))
        return _res("TIME", f"{_fmt_day(day)}T{_part_code(g['part'])}", mod=_edge_mod(g["edge"]))
    if rule == "part_of_day":
        part = _part_code(g["part"])
        rel = g["rel"].lower()
        if rel == "the" and g["part"].lower() == "night":
            return None
        if ref is None:
            return _res("TIME", f"XXXX-XX-XXT{part}")
        day = ref + dt.timedelta(days={"tomorrow": 1, "yesterday": -1, "last": -1 if part != "NI" else -1}.get(rel, 0))
        if rel == "last" and part == "NI":
            day = ref - dt.timedelta(days=1)
        elif rel == "last":
            return None
        return _res("TIME", f"{_fmt_day(day)}T{part}")
    if rule == "overnight":
        if ref is None:
            return _res("TIME", "XXXX-XX-XXTNI")
        # The night a report looks back on is the one before its date.
        night = ref if tense() == FUTURE else ref - dt.timedelta(days=1)
        return _res("TIME", f"{_fmt_day(night)}TNI")
    if rule == "matter_of":
        return _res("DURATION", _dur_value("X", unit_code(g["unit"])), approx=True, relative=False)
    if rule == "tonight":
        return _res("TIME", f"{_fmt_day(ref)}TNI" if ref else "XXXX-XX-XXTNI")
    if rule in ("clock", "clock24", "noon"):
        high_noon = text[max(0, raw.start - 5):raw.start].lower() == "high "
        return _clock(g, ref, _cued_tense(text, raw, tense) if g.get("wd") else None, high_noon)
    if rule == "decade":
        edge = g.get("edge") or g.get("edge2")
        if "dec" in g:
            dec = g["dec"]
        else:
            dec = "19" + g["dec2"]
        result = _res("DATE", dec[:3] + "X", mod=_edge_mod(edge), relative=False)
        if "dec" in g:  # "the late 1980s": the span is the decade, the edge its modifier
            result["start"] = text.find(g["dec"], raw.start)
        return result
    if rule == "decade_word":
        tens = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "eighties": 8, "nineties": 9}[g["word"].lower()]
        return _res("DATE", f"19{tens}X", mod=_edge_mod(g.get("edge")), relative=False)
    if rule == "century":
        n = _ordinal(g["ord"])
        if not n or n > 21:
            return None
        return _res("DATE", f"{n - 1:02d}XX", mod=_edge_mod(g.get("edge")), relative=False)
    if rule == "year_edge":
        return _res("DATE", g["year"], mod=_edge_mod(g["edge"]), relative=False)
    if rule == "year":
        if not _year_ok(raw, g, doc, text):
            return None
        return _res("DATE", g["year"], relative=False)
    if rule == "year_short":
        return _res("DATE", f"{_year_from(g['yy']):04d}", relative=False)
    if rule == "season":
        return _season(g, raw, ref, tense, text)
    if rule == "quarter":
        result = _quarter(g, ref, ctx)
        if result is not None and re.match(r"the\s+\w+-quarter$", low):
            result["start"] = raw.start + 4  # "the third-quarter loss": the article belongs to the noun
        return result
    if rule == "holiday":
        return _holiday(g, ref, tense)
    if rule == "year_words":
        year = _year_from(g["words"])
        return _res("DATE", f"{year}", relative=False)
    if rule == "quarter_code":
        q = int(g["q"][1])
        ctx.last_quarter = q
        if "year" in g:
            return _res("DATE", f"{g['year']}-Q{q}", relative=False)
        return _res("DATE", f"{ref.year}-Q{q}" if ref else f"XXXX-Q{q}")
    if rule == "the_quarter":
        if ref is None:
            return None
        adj = (g.get("adj") or "").strip().lower()
        is_period = low.endswith("period")
        if ctx.last_quarter is None:
            if is_period:
                return None
            q = quarter_of(ref) - 1 or 4
            year = ref.year if q != 4 else ref.year - 1
            return _res("DATE", f"{year}-Q{q}") if adj == "latest" else _res("DATE", f"{ref.year}-QX")
        year = ref.year - 1 if adj.startswith("year-") else ref.year
        q = ctx.last_quarter
        if q > quarter_of(ref) and not adj.startswith("year-"):
            year -= 1
        return _res("DATE", f"{year}-Q{q}")
    if rule == "half":
        h = 1 if g["h"].lower() == "first" else 2
        if "year" in g:
            return _res("DATE", f"{g['year']}-H{h}", relative=False)
        if ref is None:
            return _res("DATE", f"XXXX-H{h}")
        year = ref.year + {"this": 0, "last": -1, "next": 1}[g["rel"].lower()]
        return _res("DATE", f"{year}-H{h}")
    if rule == "year_ago_adj":
        if ref is None:
            return _res("DATE", "XXXX")
        if ctx.last_quarter:
            return _res("DATE", f"{ref.year - 1}-Q{ctx.last_quarter}")
        return _res("DATE", f"{ref.year - 1}")
    if rule == "rel_unit":
        return _rel_unit(g, ref, ctx)
    if rule == "year_end":
        if ref is None:
            return None
        unit = (g.get("unit") or "year").lower()
        value = {"year": f"{ref.year}", "month": f"{ref.year}-{ref.month:02d}", "week": week_value(ref)}[unit]
        return _res("DATE", value, mod="END", approx="approx" in g)
    if rule == "the_weekend":
        if ref is None:
            return None
        clause = tense()
        saturday = ref + dt.timedelta(days=5 - ref.weekday())
        if clause == PAST and saturday > ref:
            saturday -= dt.timedelta(days=7)
        return _res("DATE", week_value(saturday) + "-WE")
    if rule == "year_period":
        if ctx.last_quarter is None:
            return None
        return _res("DATE", f"{g['year']}-Q{ctx.last_quarter}", relative=False)
    if rule == "fiscal_year":
        # Financial reports: "the year ended June 30" is a twelve-month period, "for the year"
        # and "the full year" the current one.
        if "ended" in g:
            return _res("DURATION", "P1Y", relative=False)
        before = text[max(0, raw.start - 12):raw.start].lower()
        if ref is None or not ("adj" in g or re.search(r"\b(?:for|of)\s+$", before)):
            return None
        latest = "latest" in g.get("adj", "")
        return _res("DATE", f"{ref.year - 1 if latest else ref.year}")
    if rule in ("the_year", "that_unit"):
        if ref is None:
            return None
        unit = g["unit"].lower()
        value = {"year": f"{ref.year}", "month": f"{ref.year}-{ref.month:02d}", "week": week_value(ref), "day": _fmt_day(ref)}[unit]
        if rule == "that_unit":
            return None if unit != "day" else _res("DATE", "XXXX-XX-XX", mod=_edge_mod(g["edge"]))
        return _res("DATE", value, mod=_edge_mod(g["edge"]))
    if rule == "deictic":
        word = re.sub(r"\s+", " ", g["word"].lower())
        offset = {"today": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}[word]
        mod = _edge_mod(g.get("edge"))
        if ref is None:
            return _res("DATE", "XXXX-XX-XX", mod=mod)
        return _res("DATE", _fmt_day(ref + dt.timedelta(days=offset)), mod=mod)
    if rule == "ref_word":
        return _ref_word(g["word"], raw, doc, text)
    if rule == "duration":
        return _duration(g, raw, ref, ctx, doc, text)
    if rule == "vague_duration":
        unit = unit_code(g["unit"])
        rel = g["rel"].lower()
        if g.get("dir"):
            return _res("DATE", "PAST_REF")
        if rel in ("some",) and not g.get("det"):
            return None
        if not g.get("det") and not g.get("few") and rel in ("recent", "past", "coming"):
            # "in recent months", "in coming weeks": TimeML's vague past and future references
            return _res("DATE", "FUTURE_REF" if rel == "coming" else "PAST_REF")
        return _res("DURATION", _dur_value("X", unit), approx=rel in ("several", "few", "many", "some"))
    if rule == "bare_plural":
        word = next(g[k] for k in ("unit", "unit2", "unit3", "unit4", "unit5") if k in g).lower()
        unit = unit_code(word)
        return _res("DURATION", _dur_value("X", unit))
    if rule == "the_past_unit":
        unit = unit_code(g["unit"])
        return _res("DURATION", _dur_value("1", unit))
    if rule == "set_adverb":
        word = g["word"].lower()
        span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
        if span is not None and len(span) == 1 and span[0].tag_ in ("NN", "NNP"):
            return None  # "the party daily Granma": a newspaper
        if word == "biweekly":
            return _res("SET", "P2W", relative=False)
        code = {"dai": "P1D", "wee": "P1W", "mon": "P1M", "ann": "P1Y", "yea": "P1Y", "hou": "PT1H", "nig": "P1D"}[word[:3]]
        return _res("SET", code, relative=False)
    if rule == "set_every":
        return _set_every(g)
    if rule == "set_times":
        unit = unit_code(g["unit"])
        return _res("SET", _dur_value("1", unit), relative=False)
    return None


def _holiday(g: dict, ref: dt.date | None, tense) -> _Result | None:
    name = re.sub(r"\s+", " ", g["name"].lower())
    if "year" in g:
        return _res("DATE", _holiday_date(name, int(g["year"])).isoformat(), relative=False)
    if ref is None:
        return None
    rel = g.get("rel", "").lower()
    day = _holiday_date(name, ref.year)
    clause = tense() if not rel else None
    if (rel == "last" or clause == PAST) and day > ref:
        day = _holiday_date(name, ref.year - 1)
    elif (rel == "next" or clause == FUTURE) and day < ref:
        day = _holiday_date(name, ref.year + 1)
    return _res("DATE", day.isoformat())


def _holiday_date(name: str, year: int) -> dt.date:
    if name.startswith("thanksgiving"):  # fourth Thursday of November (US)
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    month, day = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
                  "new year's day": (1, 1), "new year's eve": (12, 31), "halloween": (10, 31)}[name]
    return dt.date(year, month, day)


def _cued_tense(text: str, raw: _Raw, tense) -> str | None:
    """Tense of the clause, unless a preposition already points forward ("until Tuesday")."""
    before = text[max(0, raw.start - 14):raw.start].lower()
    if re.search(r"\b(?:until|till)\s+$", before):
        return FUTURE  # deadlines: "gave them until Tuesday"
    if re.match(r"'s\b", text[raw.end:raw.end + 3]):
        return PAST  # "Wednesday's ruling" has been made
    clause = tense()
    if clause != PAST and re.search(r"\b(?:by|as\s+soon\s+as|as\s+early\s+as)\s+$", before):
        return FUTURE
    return clause


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _resolve_day_year(month: int, day: int, ref: dt.date, tense: str | None) -> int:
    """Year of "March 27": the nearest such day when it is within 45 days of the reference,
    else the last one in a past clause, the next one in a future clause, the nearest otherwise."""
    options = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        if _valid(year, month, day):
            options.append((dt.date(year, month, day) - ref).days)
    if not options:
        return ref.year
    nearest = min(options, key=abs)
    if abs(nearest) > 45:
        if tense == PAST:
            nearest = max((d for d in options if d <= 0), default=nearest)
        elif tense == FUTURE:
            nearest = min((d for d in options if d >= 0), default=nearest)
    return (ref + dt.timedelta(days=nearest)).year


def _month_ok(word: str, raw: _Raw, doc: Doc, text: str, strict: bool = True) -> bool:
    """Month names that are also words: "may" (modal), "march" (verb), "Jan" (a name)."""
    clean = word.rstrip(".").lower()
    if word.endswith(".") is False and clean in ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"):
        if strict:
            return False
    if not word[0].isupper():
        return False
    if clean in ("may", "march"):
        pos = text.find(word, raw.start)
        span = doc.char_span(pos, pos + len(word), alignment_mode="expand")
        if span is not None and len(span) and span[0].tag_ in ("MD", "VB", "VBP", "VBZ"):
            return False
        if strict and clean == "march" and raw.end == pos + len(word) and (
                re.match(r"\s+(?:for|of|on|against|to|from|in)\b", text[raw.end:raw.end + 10])
                or re.search(r"\b(?:the|a|annual|big|mass)\s+$", text[max(0, raw.start - 8):raw.start].lower())):
            return False  # "the March for Life": a march, not the month
        if strict and clean == "may":
            # A capitalised "May" alone at a sentence start is usually the modal.
            if span is not None and len(span) and span[0].is_sent_start and span[0].tag_ != "NNP":
                return False
    return True


def _ordinal(word: str) -> int | None:
    word = word.lower()
    m = re.match(r"(\d+)", word)
    if m:
        return int(m.group(1))
    names = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
             "eighteenth", "nineteenth", "twentieth", "twenty-first"]
    return names.index(word) + 1 if word in names else None


def _part_code(part: str | None) -> str:
    if not part:
        return ""
    return {"mor": "MO", "aft": "AF", "eve": "EV", "nig": "NI"}[part.lower()[:3]]


def _clock(g: dict, ref: dt.date | None, tense: str | None, high_noon: bool = False) -> _Result | None:
    if "what" in g:
        what = g["what"].lower()
        if high_noon:
            return None
        hh, mi = (24, 0) if what == "midnight" else (12, 0)
    else:
        hh = int(g["hh"])
        mi = int(g.get("mi", 0))
        ampm = g.get("ampm", "").lower()
        if ampm.startswith("p") and hh < 12:
            hh += 12
        elif ampm.startswith("a") and hh == 12:
            hh = 0
    day_word = (g.get("wd") or "today").lower()
    if ref is None:
        return _res("TIME", f"XXXX-XX-XXT{hh:02d}:{mi:02d}")
    if "month" in g:  # "5 p.m. EST Nov. 9"
        month, dom = _month_num(g["month"]), int(re.sub(r"\D", "", g["day"]))
        year = _resolve_day_year(month, dom, ref, tense)
        if not _valid(year, month, dom):
            return None
        return _res("TIME", f"{year:04d}-{month:02d}-{dom:02d}T{hh:02d}:{mi:02d}")
    if day_word in ("today", "yesterday", "tomorrow"):
        day = ref + dt.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[day_word])
    else:
        day = _resolve_weekday(WEEKDAYS[day_word[:3]], ref, tense)
    return _res("TIME", f"{_fmt_day(day)}T{hh:02d}:{mi:02d}")


def _year_ok(raw: _Raw, g: dict, doc: Doc, text: str) -> bool:
    """A four-digit number is a year unless it counts or measures something."""
    if "fiscal" in g:
        return True
    after = text[raw.end:raw.end + 20]
    if _NOT_YEAR_AFTER.match(after) and not re.match(r"\s*(?:years?|elections?|games|olympics|talks|s\b)", after, re.I):
        return False
    before = text[max(0, raw.start - 12):raw.start].lower()
    if re.search(r"(?:no\.|number|#|flight|route|room|page|pages|p\.|article|resolution|code|model)\s*$", before):
        return False
    span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
    if span is not None and len(span) == 1 and span[0].dep_ == "nummod" and span[0].head.tag_ == "NNS" \
            and span[0].head.i == span[0].i + 1 and span[0].head.ent_type_ != "DATE":
        return False
    return True


def _season(g: dict, raw: _Raw, ref, tense, text) -> _Result | None:
    season = SEASONS[g["season"].lower()]
    det = re.sub(r"\s+", " ", g.get("det", "").lower())
    word = g["season"].lower()
    if "year" in g:
        return _res("DATE", f"{_year_from(g['year']):04d}-{season}", mod=_edge_mod(g.get("edge")), relative=False)
    # "fall" and "spring" are also a verb and a noun ("the fall of the city"): keep a bare or
    # "the" season only after a preposition, and never before "of".
    if det in ("", "the") and not g.get("edge"):
        before = text[max(0, raw.start - 8):raw.start].lower()
        if re.match(r"\s+of\b", text[raw.end:raw.end + 4], re.I):
            return None
        if not re.search(r"\b(?:in|into|during|by|until|since|through|over|last|this|next)\s+$", before):
            return None
    if ref is None:
        return _res("DATE", f"XXXX-{season}")
    year = _season_year(season, ref, tense() if det in ("", "the") else None, det)
    return _res("DATE", f"{year}-{season}", mod=_edge_mod(g.get("edge")))


def _quarter(g: dict, ref: dt.date | None, ctx: _Context) -> _Result | None:
    qword = g["q"].lower()
    named = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
    if qword in named:
        q = named[qword]
    else:
        if ref is None:
            return None
        q = ctx.last_quarter or (quarter_of(ref) - 1 or 4)
        if qword == "current":
            q = quarter_of(ref)
    ctx.last_quarter = q
    if "year" in g or "year0" in g:
        return _res("DATE", f"{g.get('year') or g['year0']}-Q{q}", relative=False)
    if ref is None:
        return _res("DATE", f"XXXX-Q{q}")
    yref = re.sub(r"\s+", " ", g.get("yref", "").lower())
    rel = g.get("rel", "").lower()
    year = ref.year
    if yref.startswith("last") or yref.startswith("the year") or rel == "last":
        year -= 1
    elif yref.startswith("next") or rel == "next":
        year += 1
    elif qword in ("last", "previous", "latest", "final") and q == 4 and quarter_of(ref) != 4 and qword != "final":
        year -= 1
    return _res("DATE", f"{year}-Q{q}")


def _rel_unit(g: dict, ref: dt.date | None, ctx: _Context) -> _Result | None:
    rel = re.sub(r"\s+", " ", g["rel"].lower())
    unit = g["unit"].lower()
    mod = _edge_mod(g.get("edge"))
    if rel == "this past" and unit in ("year", "month", "week", "decade", "century"):
        return _res("DURATION", _dur_value("1", unit_code(unit)))
    if rel == "past" and unit in ("year", "month", "week", "decade", "century"):
        return _res("DURATION", _dur_value("1", unit_code(unit)))
    if ref is None:
        return _res("DATE", "XXXX")
    step = {"this": 0, "current": 0, "same": 0, "last": -1, "previous": -1, "past": -1, "this past": -1,
            "next": 1, "coming": 1, "following": 1, "this coming": 1}[rel]
    if unit == "year":
        if step == -1 and ctx.last_quarter and not mod and rel == "last":
            return _res("DATE", f"{ref.year - 1}")
        return _res("DATE", f"{ref.year + step}", mod=mod)
    if unit == "month":
        y, m = add_months(ref.year, ref.month, step)
        return _res("DATE", f"{y:04d}-{m:02d}", mod=mod)
    if unit in ("week", "weekend"):
        day = ref + dt.timedelta(weeks=step)
        if unit == "weekend" and step == 0 and ref.weekday() == 0:
            day = ref - dt.timedelta(days=1)
        return _res("DATE", week_value(day) + ("-WE" if unit == "weekend" else ""), mod=mod)
    if unit == "decade":
        return _res("DATE", f"{(ref.year // 10 + step) * 10 // 10:03d}X", mod=mod)
    if unit == "century":
        return _res("DATE", f"{ref.year // 100 + step:02d}XX", mod=mod)
    if unit == "quarter":
        q = quarter_of(ref) + step
        year = ref.year
        if q == 0:
            q, year = 4, year - 1
        elif q == 5:
            q, year = 1, year + 1
        ctx.last_quarter = q
        return _res("DATE", f"{year}-Q{q}", mod=mod)
    return None


def _ref_word(word: str, raw: _Raw, doc: Doc, text: str) -> _Result | None:
    word = re.sub(r"\s+", " ", word.lower())
    if word in ("now", "nowadays", "currently", "current", "at present", "these days"):
        if word == "current":
            span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
            if span is None or not len(span) or span[0].tag_ != "JJ":
                return None
        return _res("DATE", "PRESENT_REF")
    if word in ("recently", "lately", "the past"):
        return _res("DATE", "PAST_REF")
    if word in ("the future", "the near future"):
        return _res("DATE", "FUTURE_REF")
    return None


_SUBUNIT = {"Y": (12, "M"), "M": (30, "D"), "W": (7, "D"), "D": (24, "H"), "H": (60, "MIN"), "MIN": (60, "S")}


def _dur_value(n: str, unit: str) -> str:
    """TIMEX3 duration: P10M, P2Y6M, PT5H30M, PT24H, P100Y for a century."""
    if n not in ("X",) and "." in n and unit in _SUBUNIT:
        whole, frac = divmod(float(n), 1)
        factor, sub = _SUBUNIT[unit]
        head = _dur_value(_num_str(whole), unit) if whole else "P"
        tail = _dur_value(_num_str(round(frac * factor)), sub)
        if whole and tail.startswith("PT") and not head.startswith("PT"):
            return head + tail[1:]
        return head + tail[len("PT") if head.startswith("PT") else 1:] if whole else tail
    if unit in ("E", "C", "L"):
        factor = {"E": 10, "C": 100, "L": 1000}[unit]
        if n == "X":
            return "PXE" if unit == "E" else "PXY" if unit != "C" else "PXC"
        return f"P{_num_str(float(n) * factor)}Y"
    if unit == "WE":
        return "P2D" if n == "1" else f"P{_num_str(float(n) * 2) if n != 'X' else 'X'}D"
    if unit == "FN":
        return f"P{_num_str(float(n) * 2) if n != 'X' else 'X'}W"
    if unit in ("H", "MIN", "S"):
        return f"PT{n}{'M' if unit == 'MIN' else unit}"
    return f"P{n}{unit}"


def _num_str(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


def _duration(g: dict, raw: _Raw, ref: dt.date | None, ctx: _Context, doc: Doc, text: str) -> _Result | None:
    if g.get("age"):
        return None  # ages: "82-year-old", "five years old"
    num_text = re.sub(r"\s+", " ", g["num"].lower())
    n = number_value(num_text)
    if n is None:
        return None
    if g.get("half") and n != "X":
        n += 0.5
    if g["unit"][0].isupper() and not g["num"][0].isupper() and not text[raw.start:raw.end].isupper():
        return None  # "60 Minutes": a title
    if num_text in ("a", "one") and g["unit"].lower() == "second" and not g.get("dir") \
            and re.match(r"\s+[a-z]", text[raw.end:raw.end + 2]):
        return None  # "a second betrayal"
    unit_word = g["unit"].lower()
    unit = unit_code(unit_word)
    if unit_word.startswith("quarter") and not g.get("dir") and not g.get("rel"):
        return None  # "three quarters of the city"
    plural = unit_word.endswith("s") or unit_word.endswith("ia") or unit_word.endswith("ies")
    if num_text in ("a", "an") and plural:
        return None
    if not plural and isinstance(n, float) and n >= 1000:
        return None  # "the 1988 second quarter": a year, not 1988 seconds
    if num_text in ("a", "an") and not g.get("rel") and not g.get("approx") \
            and g.get("dir", "").lower() not in ("ago", "earlier", "or so ago") and _after_quantity(doc, raw, text):
        # "a year" after an amount is a rate ("tourists a year", "$5 a month"), not a duration.
        result = _res("SET", _dur_value("1", unit), relative=False)
        result["end"] = raw.start + re.match(r"\S+[\s-]+\S+", text[raw.start:raw.end]).end()
        return result
    approx_word = re.sub(r"\s+", " ", g.get("approx", "").lower())
    mod, approx = APPROX_MODS.get(approx_word, ("", False))
    if n == "X":
        approx = True
    direction = re.sub(r"\s+", " ", g.get("dir", "").lower())
    rel = g.get("rel", "").lower()
    num_str = "X" if n == "X" else _num_str(n)
    if not direction:
        if isinstance(n, float) and n > 10000 and unit in ("Y", "E", "C", "L"):
            return None
        if num_text == "one" and unit == "D" and not g.get("det") and _one_day_ahead(doc, raw):
            return _res("DATE", "FUTURE_REF")  # "Islam will one day be ..."
        result = _res("DURATION", _dur_value(num_str, unit), mod=mod, approx=approx, relative=False)
        if g.get("det") and not g.get("rel") and not g.get("approx") and re.search(r"\w-" + re.escape(g["unit"]), text[raw.start:raw.end]):
            result["start"] = text.find(g["num"], raw.start)  # "the eight-year [term]": the article is the noun's
        return result
    past = direction in ("ago", "earlier", "before", "or so ago", "before that")
    if direction in ("before", "after", "before that", "after that", "later"):
        # Anchored on another event, not on the reference date: a duration, without "after".
        result = _res("DURATION", _dur_value(num_str, unit), mod=mod, approx=approx, relative=False)
        result["end"] = text.rfind(g["unit"], raw.start, raw.end) + len(g["unit"])
        return result
    if ref is None or n == "X":
        return _res("DATE", "PAST_REF" if past else "FUTURE_REF", approx=approx)
    sign = -1 if past else 1
    if direction == "or so ago":
        approx = True
    return _res("DATE", _offset_value(ref, n * sign, unit, ctx), approx=approx or bool(approx_word))


def _one_day_ahead(doc: Doc, raw: _Raw) -> bool:
    """ "one day" as an adverb of the future: after a modal or before a bare verb."""
    span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    return (before is not None and before.tag_ == "MD") or (after is not None and after.tag_ in ("VB", "VBP"))


def _after_quantity(doc: Doc, raw: _Raw, text: str) -> bool:
    before = text[max(0, raw.start - 12):raw.start].lower()
    if re.search(r"(?:\d|percent|%|\$|dollars|times|once|twice)\s*$", before):
        return True
    span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
    return span is not None and span.start > 0 and doc[span.start - 1].tag_ in ("NNS", "CD")


def _offset_value(ref: dt.date, n: float, unit: str, ctx: _Context) -> str:
    """The date N units from the reference, at the unit's precision ("two years ago" -> 2014)."""
    if unit in ("Y", "E", "C", "L"):
        years = n * {"Y": 1, "E": 10, "C": 100, "L": 1000}[unit]
        if years != int(years):
            y, m = add_months(ref.year, ref.month, round(years * 12))
            return f"{y:04d}-{m:02d}"
        if unit == "Y" and abs(years) == 1 and ctx.last_quarter:
            return f"{ref.year + int(years)}-Q{ctx.last_quarter}"
        return f"{ref.year + int(years):04d}"
    if unit == "M":
        if n != int(n):
            return _fmt_day(ref + dt.timedelta(days=round(n * 30.4)))
        y, m = add_months(ref.year, ref.month, int(n))
        return f"{y:04d}-{m:02d}"
    if unit == "Q":
        y, m = add_months(ref.year, ref.month, int(n * 3))
        return f"{y:04d}-Q{(m - 1) // 3 + 1}"
    if unit in ("W", "FN"):
        weeks = n * (2 if unit == "FN" else 1)
        return week_value(ref + dt.timedelta(weeks=weeks))
    if unit in ("D", "WE"):
        return _fmt_day(ref + dt.timedelta(days=round(n)))
    if unit == "H":
        return _fmt_day(ref) if abs(n) < 24 else _fmt_day(ref + dt.timedelta(hours=n))
    return _fmt_day(ref)


def _set_every(g: dict) -> _Result | None:
    what = g["what"].lower()
    other = 2 if g.get("other") else 1
    if what[:3] in WEEKDAYS and re.fullmatch(_WEEKDAY, what, re.I):
        return _res("SET", f"XXXX-WXX-{WEEKDAYS[what[:3]] + 1}", relative=False)
    if re.fullmatch(_MONTH, g["what"]):
        return _res("SET", f"XXXX-{_month_num(what):02d}", relative=False)
    if what in SEASONS:
        return _res("SET", f"XXXX-{SEASONS[what]}", relative=False)
    if what in ("morning", "afternoon", "evening", "night"):
        return _res("SET", f"XXXX-XX-XXT{_part_code(what)}", relative=False)
    unit = unit_code(what)
    return _res("SET", _dur_value(str(other), unit), relative=False)


# ---------------------------------------------------------------------------------------------
def tag(doc: Doc, reference: dt.date | None, *, anchor: str = "published") -> list[TimeMention]:
    """Every temporal expression in doc.text, normalised against the reference date.

    Sorted by start, non-overlapping, spans inside the text. Absolute dates are marked
    anchor="absolute"; relative ones carry `anchor` (published | inferred) and, without a
    reference date, an empty value. Never raises: an expression that fails to normalise is
    logged and skipped.
    """
    text = doc.text
    ctx = _Context(reference=reference, anchor=anchor)
    try:
        candidates = _candidates(text)
    except Exception:  # pragma: no cover - a regex bug must not stop an article
        log.exception("timex candidate search failed")
        return []
    # Normalise every candidate first: a longer match that turns out not to be a date
    # ("the night" of a life) must not hide a shorter one that is.
    normalised = []
    for rank, raw in candidates:
        try:
            result = _normalise(raw, text, doc, ctx)
        except Exception:  # pragma: no cover - logged, the rest of the article still counts
            log.exception("timex normalisation failed for %r", text[raw.start:raw.end])
            continue
        if result is not None:
            normalised.append((rank, raw, result))
    return [_mention(raw, text, result, reference, anchor) for raw, result in _select(normalised)]


def _mention(raw: _Raw, text: str, result: _Result, reference: dt.date | None, anchor: str) -> TimeMention:
    value = result["value"]
    relative = result["relative"] and result["type"] in ("DATE", "TIME")
    span_start, span_end = result.get("start", raw.start), result.get("end", raw.end)
    if relative and reference is None and value not in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
        value = ""
    precision, first_day, last_day = interval(value, result["type"], reference if relative else None)
    return TimeMention(
        start=span_start,
        end=span_end,
        text=text[span_start:span_end],
        type=result["type"],
        value=value,
        precision=precision,
        date_start=first_day,
        date_end=last_day,
        approx=bool(result["approx"]),
        mod=result["mod"],
        anchor=anchor if relative else "absolute",
    )


def reference_candidates(mentions: list[TimeMention]) -> list[dt.date]:
    """Fully specified day-precision dates an article states outright, latest first.

    The orchestrator infers a missing publication date from these (e.g. the latest one).
    """
    days = {m.date_start for m in mentions
            if m.anchor == "absolute" and m.precision in ("day", "time") and m.date_start is not None}
    return sorted(days, reverse=True)
