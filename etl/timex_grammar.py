"""The grammar of temporal expressions: lexicon fragments, one regular expression per rule,
and the search that yields every candidate outside URLs and embedded data."""
from __future__ import annotations

import re
from dataclasses import dataclass

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
MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WD_ABBR = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
SEASON_RE = _SEASON
_PART = r"(?:morning|afternoon|evening|night)"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# A day spelt out after its month, as a speaker says it ("March eighth", "June twenty-first").
_DAY_WORD = (
    r"(?:(?:twenty|thirty)-)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth"
)
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
_APPROX = r"(?:about|around|nearly|almost|some|roughly|approximately|close\s+to|more\s+than|over(?!\s+the\b)|less\s+than|at\s+least|up\s+to|no\s+more\s+than|at\s+most)"
_EDGE = r"(?:early|mid|late|the\s+(?:end|beginning|start|middle)\s+of|end\s+of|beginning\s+of|start\s+of|earlier|later)"
_TZ = r"(?:\s*(?:GMT|UTC|EST|EDT|CST|CDT|PST|PDT|MST|MDT|BST|CET|CEST))?"
_AMPM = r"(?:a\.m\.?|p\.m\.?|am\b|pm\b)"
# After a weekday, before a year: a comma, which pre-tokenised text sets off by spaces
# ("Wednesday , April 6 , 2011").
_COMMA = r"(?:\s*,)?\s+"
# Between the two days of a range: a dash, "to", or "and" after "between".
_RANGE_TO = r"(?(between)\s+and\s+|(?:\s*[-\u2013\u2014]\s*|\s+(?:to|through|until|till)\s+))"

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
NOT_YEAR_AFTER = re.compile(
    r"\s*(?:%|percent|per\s+cent|million|billion|trillion|thousand|hundred|people|troops|soldiers|"
    r"fighters|dollars|euros|pounds|km|kilomet|met(?:er|re)s|feet|ft|miles|tons|tonnes|barrels|"
    r"hectares|acres|votes|members|units|shares|times|"
    r"(?!(?:was|has|is|as|its|his|this|thus|does|plus|us|whereas)\b)[a-z]+s\b(?<!ies)(?<!ss))",
    re.I,
)


@dataclass(frozen=True)
class Raw:
    """A matched expression before normalisation: which rule, where, and its groups."""

    start: int
    end: int
    rule: str
    groups: dict


# ---------------------------------------------------------------------------------------------
# The grammar: (rule name, pattern). Longer matches win; ties go to the earlier rule.
def _p(pattern: str, flags: int = re.I) -> re.Pattern:
    return re.compile(pattern, flags)


RULES: list[tuple[str, re.Pattern]] = [
    # Datelines: "Sun Mar 27, 2016 11:55:38"
    ("dateline", _p(r"\b(?:" + _WD_ABBR + r"|" + WEEKDAY_RE + r")\.?,?\s+(?P<month>" + MONTH_RE + r")\s+(?P<day>" + _DAYNUM + r")" + _COMMA + r"(?P<year>" + _YEAR + r")(?:,?\s+(?P<hh>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?)?\b")),
    # Page stamps with a two-digit year: "05 February 12 01:10 GMT" (BBC live pages)
    ("stamp", _p(r"(?<![\w.,/:-])(?P<day>[12]\d|3[01]|0?[1-9])\s+(?P<month>" + MONTH_RE + r")\s+(?P<yy>\d\d)\s+(?P<hh>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)" + _TZ + r"(?![\w:])")),
    ("iso", _p(r"(?<![\w/.-])(?P<year>" + _YEAR + r")-(?P<mm>0[1-9]|1[0-2])-(?P<dd>0[1-9]|[12]\d|3[01])(?:[T ](?P<hh>[01]\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?)?(?![\w/-])")),
    ("numeric", _p(r"(?<![\w/.:-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<year>" + _YEAR + r"|\d\d)(?![\w/.]\d|[\w/])")),
    ("ym_iso", _p(r"(?<![\w/.-])(?P<year>" + _YEAR + r")-(?P<mm>0[1-9]|1[0-2])(?![\w/-])")),
    # Month-day-year in either order, with optional weekday and edge modifiers.
    ("mdy", _p(r"\b(?:(?:this\s+coming|this\s+past|this|last|next|coming|past)\s+(?=" + WEEKDAY_RE + r"" + _COMMA + r"))?(?:(?P<wd>" + WEEKDAY_RE + r")" + _COMMA + r")?(?:(?P<edge>" + _EDGE + r")[\s-]+)?(?P<month>" + MONTH_RE + r")\s+(?P<day>" + _DAYNUM + r"|(?:the\s+)?(?:" + _DAY_WORD + r")(?!-))\b(?!\s*(?:,\s*)?\d{3}\b)(?:" + _COMMA + r"(?P<year>" + _YEAR + r")\b)?", re.I)),
    ("dmy", _p(r"\b(?:(?P<wd>" + WEEKDAY_RE + r")" + _COMMA + r")?(?:the\s+)?(?P<day>" + _DAYNUM + r")\s+(?:of\s+)?(?P<month>" + MONTH_RE + r")(?:" + _COMMA + r"(?P<year>" + _YEAR + r")\b)?")),
    # The second of two days joined after their month, and the first of two joined before it: TIMEX3
    # tags each day ("April 24 and [25]", "[3] and 4 June"); the rest of the match is context only.
    ("and_day", _p(r"\b(?P<month>" + MONTH_RE + r")\s+(?P<day1>" + _DAYNUM + r")\s+(?:and|&)\s+(?P<own>(?P<day>" + _DAYNUM + r"))\b(?!\s*(?:,\s*)?\d{3}\b|\s*(?:%|percent|million|billion))(?:" + _COMMA + r"(?P<year>" + _YEAR + r")\b)?")),
    ("and_day", _p(r"(?<![\w.,/:$\u2013\u2014-])(?<!between\s)(?P<own>(?P<day>" + _DAYNUM + r"))\s+(?:and|&)\s+(?:the\s+)?(?P<day1>" + _DAYNUM + r")\s+(?:of\s+)?(?P<month>" + MONTH_RE + r")(?:" + _COMMA + r"(?P<year>" + _YEAR + r")\b)?")),
    # Day ranges within a month, one expression: "3-6 June 2011", "June 3–6, 2011", "between 3 and 6 June".
    ("mdy_range", _p(r"\b(?:(?P<between>between)\s+)?(?P<month>" + MONTH_RE + r")\s+(?P<day1>" + _DAYNUM + r")" + _RANGE_TO + r"(?P<day>" + _DAYNUM + r")\b(?!\s*(?:,\s*)?\d{3}\b)(?:" + _COMMA + r"(?P<year>" + _YEAR + r")\b)?")),
    ("dmy_range", _p(r"(?<![\w.,/:\u2013\u2014-])(?:(?P<between>between)\s+)?(?:the\s+)?(?P<day1>" + _DAYNUM + r")" + _RANGE_TO + r"(?:the\s+)?(?P<day>" + _DAYNUM + r")\s+(?:of\s+)?(?P<month>" + MONTH_RE + r")(?:" + _COMMA + r"(?P<year>" + _YEAR + r")\b)?")),
    ("my", _p(r"\b(?:(?P<edge>" + _EDGE + r")[\s-]+)?(?P<month>" + MONTH_RE + r")" + _COMMA + r"(?:of\s+)?(?P<year>" + _YEAR + r"|'\d\d|" + _YEAR_WORDS + r")\b")),
    # Month with a relative year, in both orders: "last year in December", "December last year".
    ("rel_year_month", _p(r"\b(?P<rel>this|last|next|past)\s+year(?:'s)?,?\s+(?:in\s+)?(?P<month>" + MONTH_RE + r")\b")),
    ("month_rel_year", _p(r"\b(?P<month>" + MONTH_RE + r")\s+(?:of\s+)?(?P<rel>this|last|next|past)\s+year\b")),
    ("rel_month", _p(r"\b(?:(?P<edge>" + _EDGE + r")\s+)?(?P<rel>this|last|next|past|coming|this\s+past|this\s+coming)\s+(?P<month>" + MONTH_RE + r")(?!\.?\s+\d)\b")),
    ("month", _p(r"\b(?:(?P<edge>" + _EDGE + r")[\s-]+)?(?P<month>" + MONTH_RE + r")(?![\w-])", 0)),
    ("month_edge_lower", _p(r"\b(?P<edge>early|mid|late)[\s-]+(?P<month>" + MONTH_RE + r")\b")),
    # "the last day of February", "the first week of March 2015", "the final weeks of 2014"
    ("edge_unit_of", _p(r"\bthe\s+(?P<ord>first|last|final|opening|closing)\s+(?P<unit>days?|weeks?)\s+of\s+(?:(?P<month>"
                        + MONTH_RE + r")(?:" + _COMMA + r"(?P<year>" + _YEAR + r"))?|(?P<yonly>" + _YEAR + r"))\b")),
    ("week_of", _p(r"\bthe\s+week\s+of\s+(?P<month>" + MONTH_RE + r")\s+(?P<day>" + _DAYNUM + r")\b(?:" + _COMMA + r"(?P<year>" + _YEAR + r")\b)?")),
    # Weekdays, optionally with a part of the day or a clock time.
    ("weekday", _p(r"\b(?:(?P<edge>early|late|earlier|later)\s+)?(?:(?P<rel>this|last|next|this\s+past|this\s+coming|coming|past|(?:the\s+)?(?:previous|following))\s+)?(?P<wd>" + WEEKDAY_RE + r")(?:\s+(?P<part>" + _PART + r"))?\b")),
    ("weekdays_ago", _p(r"\b(?P<num>" + _NUM + r")\s+(?P<wd>" + WEEKDAY_RE + r")s\s+ago\b")),
    ("weekday_set", _p(r"\b(?P<wd>" + WEEKDAY_RE + r")(?:s\b|\s+(?P<part>mornings|afternoons|evenings|nights)\b)")),
    ("part_edge", _p(r"\b(?P<edge>early|mid|late)[\s-]*(?P<part>morning|afternoon|evening)\b(?:\s+(?P<day>today|yesterday|tomorrow))?")),
    ("part_of_day", _p(r"\b(?P<rel>this|tomorrow|yesterday|last|the)\s+(?P<part>" + _PART + r")\b")),
    # "the morning of 21 March", "the night of Friday, Oct. 23": one time of that day; the date is the context.
    ("part_of_date", _p(r"\bthe\s+(?P<part>" + _PART + r")\s+of\s+(?P<date>(?:" + WEEKDAY_RE + _COMMA + r")?(?:"
                        + MONTH_RE + r"\s+" + _DAYNUM + r"|(?:the\s+)?" + _DAYNUM + r"\s+(?:of\s+)?" + MONTH_RE + r")\b(?:"
                        + _COMMA + _YEAR + r"\b)?|" + WEEKDAY_RE + r"\b)")),
    ("tonight", _p(r"\btonight\b")),
    ("overnight", _p(r"\bovernight\b|(?<=\bduring\s)the\s+night\b|(?<=\bthrough\s)the\s+night\b")),
    ("matter_of", _p(r"\ba\s+matter\s+of\s+(?P<unit>seconds|minutes|hours|days|weeks|months|years)\b")),
    # Clock times.
    ("clock", _p(r"(?<![\w:.])(?P<hh>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s*(?P<ampm>" + _AMPM + r")" + _TZ + r"(?:,?\s+(?:(?P<wd>" + WEEKDAY_RE + r"|today|yesterday|tomorrow)|(?P<month>" + MONTH_RE + r")\s+(?P<day>" + _DAYNUM + r")\b))?")),
    ("clock24", _p(r"(?<![\w:.])(?P<hh>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?P<tz>" + _TZ[:-1] + r"|\s*(?:hrs|hours|h)\b)(?:,?\s+(?P<wd>" + WEEKDAY_RE + r"|today|yesterday|tomorrow))?")),
    ("clock_part", _p(r"(?<![\w:.$,])(?P<hh>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s+(?:o'clock\s+)?in\s+the\s+(?P<part>morning|afternoon|evening)\b")),
    ("noon", _p(r"\b(?P<what>noon|midnight|midday)(?:,?\s+(?P<wd>" + WEEKDAY_RE + r"|today|yesterday|tomorrow))?")),
    # Decades and centuries.
    ("decade", _p(r"\b(?:the\s+)?(?:(?P<edge>early|mid|late)[\s-]+)?(?P<dec>1[0-9]\d0|20[0-9]0)'?s\b|\bthe\s+(?:(?P<edge2>early|mid|late)[\s-]+)?'?(?P<dec2>[2-9]0)'?s\b")),
    ("decade_word", _p(r"\bthe\s+(?:(?P<edge>early|mid|late)[\s-]+)?(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b")),
    ("century", _p(r"\b(?:the\s+)?(?:(?P<edge>early|mid|late)[\s-]+)?(?P<ord>" + _ORD + r")[\s-]+century\b")),
    ("year_edge", _p(r"\b(?:(?P<edge>early|mid|late|the\s+(?:end|beginning|start|middle)\s+of|end\s+of|beginning\s+of|start\s+of)[\s-]+)(?P<year>" + _YEAR + r")\b")),
    ("year", _p(r"(?<![\w$£€.,/:-])(?:(?P<fiscal>fiscal(?:\s+year)?|the\s+year|FY)\s*)?(?P<year>" + _YEAR + r")(?:'s)?(?![\w%/:-]|[.,]\d)")),
    ("year_prepost", _p(r"\b(?P<pp>post|pre)-(?P<year>" + _YEAR + r")\b")),  # "the post-1959 politics"
    ("year_short", _p(r"\b(?P<fiscal>fiscal(?:\s+year)?)\s+'?(?P<yy>\d\d)\b")),
    # Seasons.
    ("season", _p(r"\b(?:(?P<det>the|this|last|next|this\s+past|this\s+coming|coming|past)\s+)?(?:(?P<edge>early|mid|late)[\s-]+)?(?P<season>" + _SEASON + r")(?:\s+(?:of\s+)?(?P<year>" + _YEAR + r"|" + _YEAR_WORDS + r"))?\b")),
    # Quarters and halves.
    ("quarter", _p(r"\b(?:(?P<yref>this\s+year's|last\s+year's|next\s+year's|the\s+year-(?:ago|earlier)|the\s+year\s+ago|the)\s+)?(?:(?P<adj>latest|current|previous|comparable|fiscal|same|final|last)\s+)?(?:(?P<year0>" + _YEAR + r")\s+)?(?:(?P<adj2>fiscal|calendar)\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th|final|last|latest|current|previous)[\s-]+(?:fiscal\s+)?quarter(?:\s+(?:of\s+)?(?:(?P<year>" + _YEAR + r")|(?P<rel>this|last|next)\s+year))?\b")),
    ("quarter_code", _p(r"\b(?P<q>Q[1-4])(?:\s+|/)?(?P<year>" + _YEAR + r")?\b", 0)),
    ("the_quarter", _p(r"\b(?P<det>the|this|that|last\s+year's)\s+(?P<adj>latest\s+|same\s+|(?:comparable\s+|corresponding\s+)?year-(?:ago|earlier)\s+|comparable\s+|corresponding\s+)?(?:quarter|period)\b(?:\s+(?P<ago>a\s+year\s+(?:ago|earlier)|last\s+year))?")),
    ("half", _p(r"\b(?:(?P<approx>at\s+least)\s+)?(?:the\s+)?(?P<h>first|second|last|latter)\s+(?:half|two\s+quarters)\s+of\s+(?:(?P<year>" + _YEAR + r")|(?P<rel>this|last|next)\s+year)\b")),
    ("year_ago_adj", _p(r"\b(?:(?:the\s+)?year-(?:ago|earlier)\s+(?P<what>quarter|period)|year-(?:ago|earlier))\b")),
    ("holiday", _p(r"\b(?:(?P<rel>last|next|this)\s+)?(?P<name>Christmas\s+(?:Day|Eve)|Christmas|New\s+Year's\s+(?:Day|Eve)|Thanksgiving(?:\s+Day)?|Halloween|Easter(?:\s+(?:Sunday|Monday|week))?|Good\s+Friday|Election\s+Day)(?:\s+(?P<year>" + _YEAR + r"))?\b", 0)),
    ("year_words", _p(r"\b(?:the\s+year\s+)?(?P<words>" + _YEAR_WORDS + r")\b")),
    # Relative calendar units: "last year", "earlier this month", "early next year".
    ("rel_unit", _p(r"\b(?:(?P<edge>" + _EDGE + r")\s+)?(?P<rel>this\s+past|this\s+coming|this|last|next|past|coming|previous|following|current|same)\s+(?:fiscal\s+)?(?P<unit>week|weekend|month|year|decade|century|quarter)\b")),
    ("year_end", _p(r"\b(?:(?P<approx>around|about)\s+)?(?:year[\s-]end|year's\s+end|the\s+(?P<edge>end|beginning|start|middle)\s+of\s+the\s+(?P<unit>year|month|week))\b")),
    ("the_weekend", _p(r"\bthe\s+weekend\b")),
    ("year_period", _p(r"\bthe\s+(?P<year>" + _YEAR + r")\s+(?:quarter|period)\b")),
    ("fiscal_year", _p(r"\bthe\s+(?P<adj>full\s+|fiscal\s+|full\s+fiscal\s+|latest\s+fiscal\s+)?year(?=\s+(?P<ended>ended|ending|to\s+date|through)\b)?")),
    ("the_year", _p(r"\b(?P<edge>earlier|later)\s+(?:in\s+)?the\s+(?P<unit>year|month|week|day)\b")),
    # Anaphoric: "later that year", "the same day", "the following morning" refer to the date last stated.
    ("that_unit", _p(r"\b(?:(?P<edge>earlier|later)\s+)?(?:that|the\s+same)\s+(?:same\s+)?(?P<unit>day|week|month|year)\b(?!-)")),
    # "Oct. 12, the day before the plunge": an apposition that names the date just stated.
    ("appos_day", _p(r"(?<=,\s)the\s+day(?=\s+(?:before|after|of|when|that|on\s+which)\b)")),
    ("next_day", _p(r"\b(?:the\s+)?(?P<rel>next|following|previous)\s+(?P<unit>day|morning|afternoon|evening|night)\b(?!-)")),
    # "The day before, ...", "the year after.": anaphoric when nothing follows to anchor it on
    ("unit_before", _p(r"\bthe\s+(?P<unit>day|week|month|year)\s+(?P<rel>before|after)(?=\s*[,.;:!?)]|\s*$)")),
    # "Today is the eighth day of the operation", "it's the second day of an offensive": the day of writing.
    ("nth_day_today", _p(r"\b(?:today|it)\s*(?:is|'s)\s+(?P<own>the\s+" + _ORD + r"\s+(?:straight\s+|consecutive\s+)?day)\b")),
    # Day-level deictics.
    ("deictic", _p(r"\b(?:(?P<edge>earlier|later|early|late)\s+)?(?P<word>today|yesterday|tomorrow|the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow)\b")),
    ("ref_word", _p(r"\b(?P<word>now|nowadays|currently|then[\s-]current|current|at\s+present|these\s+days|recently|lately|the\s+past|the\s+(?:near\s+)?future|the\s+(?:near|short)\s+term|a\s+later\s+date)\b")),
    # Numeric durations and anchored offsets: "ten months", "nearly two years ago", "the past three weeks".
    ("duration", _p(r"(?:\b(?P<approx>" + _APPROX + r")\s+)?(?:\b(?P<det>the|this)\s+)?(?:\b(?P<rel>past|last|next|previous|coming|following|first|final|recent|latest|preceding|ensuing|remaining|year-earlier|year-ago|comparable)\s+)?(?:(?P<low>(?<![\w$£€.,])" + _NUM + r")\s+(?:to|or)\s+)?(?P<num>(?<![\w$£€.,])" + _NUM + r")(?:\s+more)?[\s-]+(?:(?P<kind>additional|extra|further|trading|business|working)\s+)?(?P<unit>" + _UNIT + r")(?P<half>\s+and\s+a\s+half)?(?P<long>-long)?(?:\s+(?P<dir>ago|earlier|later|before\s+that|after\s+that|before|after|from\s+now|hence|or\s+so\s+ago))?\b(?P<age>-old|\s+old\b|\s+of\s+age\b)?")),
    ("vague_duration", _p(r"\b(?:(?P<det>the)\s+)?(?P<rel>past|last|next|coming|recent|previous|several|few|many|some)\s+(?P<few>several\s+|few\s+|many\s+)?(?P<unit>days|weeks|months|quarters|years|decades|centuries|hours|minutes)\b(?:\s+(?P<dir>ago))?")),
    # Stretches of unstated length: "over the years", "in the years that followed", "the first rain in months".
    ("plural_stretch", _p(r"(?<=\bover\s)the\s+(?P<unit>years|decades|months|centuries)\b|(?<=\bin\s)(?:the\s+)?(?P<unit2>years|decades|months)\b(?=\s*[.,;:!?)]|\s+(?:that|since|after|following|past|gone\s+by)\b)")),
    ("units_ahead", _p(r"\bthe\s+(?P<unit>days|weeks|months|years)\s+ahead\b")),
    ("bare_plural", _p(r"\b(?:hundreds|thousands|tens|millions)\s+of\s+(?P<unit5>years|decades|centuries)\b|(?:(?<=\bfor\s)|(?<=\bwithin\s))(?P<unit>days|weeks|months|years|decades|centuries|hours)(?:\s+or\s+(?:days|weeks|months|years|decades))?\b|\b(?P<unit2>days|weeks|months|years|decades|hours)(?=\s+of\b)(?!\s+of\s+(?:the\s+)?(?:" + WEEKDAY_RE + r"|" + MONTH_RE + r"|today|yesterday|tomorrow|morning|night|\d))|\b(?P<unit3>months|years|decades|weeks)\s+ago\b|\b(?P<unit4>decades|years|months)-long\b")),
    ("unit_long", _p(r"\b(?P<unit>hour|day|week|month|year|decade)-long\b")),  # "a third day-long meeting"
    ("the_past_unit", _p(r"\b(?:the\s+)?(?P<rel>past|last|next|coming|previous)\s+(?P<unit>day|week|month|year|decade|century|hour|minute)\b")),
    # Sets.
    ("set_adverb", _p(r"\b(?P<word>daily|weekly|monthly|annually|yearly|hourly|nightly|biweekly)\b")),
    ("weekend_set", _p(r"(?<=\bon\s)weekends\b|(?<=\bat\s)weekends\b")),  # "shops close on weekends"
    ("set_every", _p(r"\b(?P<q>every|each|per)\s+(?:(?P<other>other)\s+|(?P<n>" + _NUM + r")\s+)?(?P<what>" + _UNIT + r"|" + WEEKDAY_RE + r"|" + MONTH_RE + r"|" + _SEASON + r"|morning|afternoon|evening|night)\b")),
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


def candidates(text: str) -> list[tuple[int, Raw]]:
    """Every rule's matches outside URLs and embedded data, as (rule rank, match), in reading order."""
    masked = _masked_spans(text)
    found: list[tuple[int, Raw]] = []
    for rank, (rule, pattern) in enumerate(RULES):
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
            if "own" in groups:  # only this group is the expression; the whole match is its context
                groups["context"] = (start, end)
                start, end = m.span("own")
            found.append((rank, Raw(start, end, rule, groups)))
    found.sort(key=lambda c: (c[1].start, -c[1].end, c[0]))
    return found


def select(readings: list[tuple[int, Raw, object]]) -> list:
    """Of (rule rank, match, reading): the readings of the longest non-overlapping matches
    (ties: the earlier rule), in reading order."""
    ordered = sorted(readings, key=lambda c: (-(c[1].end - c[1].start), c[0], c[1].start))
    chosen: list[tuple[Raw, object]] = []
    taken: list[tuple[int, int]] = []
    for _rank, raw, reading in ordered:
        if not _inside(taken, raw.start, raw.end):
            chosen.append((raw, reading))
            taken.append((raw.start, raw.end))
    chosen.sort(key=lambda c: c[0].start)
    return [reading for _raw, reading in chosen]
