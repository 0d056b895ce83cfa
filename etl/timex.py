"""Temporal expressions: find them in an article and normalise them TIMEX3-style.

Rule-based on purpose (see FIELD_NOTES): off-the-shelf parsers turn "we" into a Wednesday,
durations into dates, and read tense from a single POS tag. Here every expression is found
by a small grammar of regular expressions, then resolved against the reference (publication)
date; underspecified months, weekdays and seasons take the direction of the clause they sit
in, found through the dependency parse (the verb the expression attaches to, its auxiliaries).
"""
from __future__ import annotations

import calendar
import copy
import datetime as dt
import logging
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from etl.records import TimeMention
from etl.timex_grammar import (
    APPROX_MODS,
    EDGE_MODS,
    MONTH_RE,
    NOT_YEAR_AFTER,
    SEASON_RE,
    WEEKDAY_RE,
    Raw,
    candidates,
    select,
)
from etl.timex_tense import FUTURE, PAST, clause_tense, pluperfect_clause
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


# ---------------------------------------------------------------------------------------------
# Normalisation
@dataclass
class _Context:
    reference: dt.date | None
    last_quarter: int | None = None  # fiscal reporting: "a year ago" means that quarter last year
    # ... unless the period last named runs over several quarters from the year's start ("for the
    # nine months"): a year before that is last year, which no quarter value describes
    year_to_date: bool = False
    stated: tuple[int, int, str] | None = None  # the date last mentioned: (start, end, value)
    stated_in_text: bool = False  # whether the text gives that date's year (not the publication date)
    stated_quarter: str | None = None  # the quarter last mentioned ("1988-Q2"): "that quarter" is it
    candidates: tuple[tuple[int, Raw], ...] = ()  # the article's matches in reading order, to look ahead


_STATED_VALUE = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?")


def _note_stated(ctx: _Context, raw: Raw, result: "_Result") -> None:
    """Remember the date last mentioned (a year, month or day, stated or resolved): "that year",
    "the following month" refer to it. "1995" inside "Aug. 2, 1995" does not replace the day."""
    value = result["value"][:10]
    if result["type"] == "DATE" and re.fullmatch(r"\d{4}-Q[1-4]", value):
        ctx.stated_quarter = value
        ctx.year_to_date = False
    if result["type"] not in ("DATE", "TIME") or not _STATED_VALUE.fullmatch(value):
        return
    if ctx.stated and ctx.stated[0] <= raw.start and raw.end <= ctx.stated[1]:
        return
    ctx.stated = (raw.start, raw.end, value)
    ctx.stated_in_text = not result["relative"]


def _from_stated(ctx: _Context, unit: str, step: int) -> str | None:
    """The date `step` units after the one last mentioned, when that is at least as precise as
    the unit; else None."""
    if ctx.stated is None:
        return None
    parts = [int(p) for p in ctx.stated[2].split("-")]
    if len(parts) < {"year": 1, "month": 2, "week": 3, "day": 3}[unit]:
        return None
    if unit == "year":
        return f"{parts[0] + step:04d}"
    if unit == "month":
        year, month = add_months(parts[0], parts[1], step)
        return f"{year:04d}-{month:02d}"
    if unit == "week":
        return week_value(dt.date(*parts) + dt.timedelta(weeks=step))
    return _fmt_day(dt.date(*parts) + dt.timedelta(days=step))


def _note_quarter(ctx: _Context, year: int | None, q: int, *, reported: bool = False, stated_end: bool = False) -> None:
    """Remember the quarter a financial report is about: "a year ago", "the year-earlier period"
    refer to it. That is the first quarter mentioned that has ended or whose results are reported
    in the past tense (a report's lede names it; "a fourth-quarter charge" ahead does not replace
    it), or one given by its closing date ("the quarter ended Sept. 30")."""
    ref = ctx.reference
    ended = reported or ref is None or year is None or (year, q) < (ref.year, quarter_of(ref))
    if stated_end or (ctx.last_quarter is None and ended):
        ctx.last_quarter = q


_QUARTER_ENDED = re.compile(r"\s+(?P<verb>ended|ending)\s+(?P<month>" + MONTH_RE + r")\s+(?P<day>\d{1,2})\b(?:,?\s+(?P<year>\d{4})\b)?")


def _quarter_ended(text: str, end: int, ref: dt.date | None) -> tuple[int, int] | None:
    """(year, quarter) of "the quarter ended Sept. 30": the calendar quarter holding most of the
    three months that close on that date (a fiscal quarter ending July 31 is mostly the second)."""
    m = _QUARTER_ENDED.match(text, end)
    if m is None:
        return None
    month, day = _month_num(m["month"]), int(m["day"])
    if m["year"]:
        year = int(m["year"])
    elif ref is not None:
        year = _resolve_day_year(month, day, ref, PAST)
        if m["verb"] == "ended":
            year = _ended_by(year, month, day, ref)
    else:
        return None
    if not _valid(year, month, day):
        return None
    middle = dt.date(year, month, day) - dt.timedelta(days=45)
    return middle.year, quarter_of(middle)


# "at 10:35 a.m. (0735 GMT) Friday", "at 4 in the morning (4 a.m. EDT Thursday)": the aside restates
# the time, and the weekday after it or at its end is the day of both.
_ASIDE_WEEKDAY = re.compile(r"\s*\((?:[^()\n]{1,25}\)\s*,?\s*(?P<wd>" + WEEKDAY_RE + r")\b"
                            r"|[^()\n]{0,25}?\b(?P<wd2>" + WEEKDAY_RE + r")\))")


_CLOCK_AFTER_DAY = re.compile(r"\s*,?\s*(?:(?:at|around|about|by|shortly\s+(?:after|before)|just\s+(?:after|before))\s+)?")
_SHARED_YEAR = re.compile(r"\s+(?:and|or|to|through|until|till)\s+(?:the\s+)?(?:(?P<month>" + MONTH_RE + r")|"
                          + SEASON_RE + r")\s+(?:of\s+)?(?P<year>(?:1[0-9]|20)\d\d)\b", re.I)
_NIGHT_OF_DATE = re.compile(r"\s+(?:between|on|of|from)\s+(?:the\s+)?(?:\d|" + WEEKDAY_RE + r"|" + MONTH_RE + r")",
                            re.IGNORECASE)
_ON_WEEKDAY = re.compile(r"\s+on\s+(?P<wd>" + WEEKDAY_RE + r")\b")


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


def _resolve_month(month: int, ref: dt.date, tense: str | None, *, located: bool = False) -> int:
    """Year of an underspecified month: the nearest one when it is at most a month away,
    else the last one in a past clause, the next in a future one, the nearest otherwise.
    A past clause that places its event in the month ("began in March", "since March") takes
    the last one even when the next is nearer: only a deadline ("extended to March") lies ahead."""
    before = ref.year if month <= ref.month else ref.year - 1
    after = ref.year if month >= ref.month else ref.year + 1
    back = (ref.month - month) % 12
    ahead = (month - ref.month) % 12
    if tense == PAST and located:
        return before
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
        # "next spring" said in spring is a year on; "this coming spring", "the spring" ahead, this one
        ahead = order[season] > order[current] or (order[season] == order[current] and det != "next")
        return current_year if ahead else current_year + 1
    return current_year if order[season] >= order[current] or ref.month in (1, 2) else current_year


def _fmt_day(d: dt.date) -> str:
    return d.isoformat()


class _Result(dict):
    """type, value, mod, approx, relative (whether it needed the reference date), and optional
    start/end that narrow the matched span to what TimeML marks ("[Friday]'s", "the [1990s]")."""


def _res(type_: str, value: str, *, mod: str = "", approx: bool = False, relative: bool = True) -> _Result:
    return _Result(type=type_, value=value, mod=mod, approx=approx, relative=relative)


_SHARED_SET = re.compile(r"\s+(?:and|or|&)\s+" + WEEKDAY_RE + r"(?:s\b|\s+(?P<part>mornings|afternoons|evenings|nights)\b)")
_UNIT_TO_UNIT = re.compile(r"-to-(?:day|week|month|quarter|year)\b", re.I)


def _normalise(raw: Raw, text: str, doc: Doc, ctx: _Context) -> _Result | None:
    g = raw.groups
    rule = raw.rule
    ref = ctx.reference
    span_text = text[raw.start:raw.end]
    low = span_text.lower()

    def tense() -> str | None:
        return clause_tense(doc, raw.start, raw.end)

    if _UNIT_TO_UNIT.match(text, raw.end) and re.search(r"(?:day|week|month|quarter|year)$", low):
        return None  # "the quarter-to-quarter comparison", "day-to-day operations": no period of time

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
    if rule == "stamp":
        year, month, day = _year_from(g["yy"]), _month_num(g["month"]), int(g["day"])
        if not _valid(year, month, day):
            return None
        return _res("TIME", f"{year:04d}-{month:02d}-{day:02d}T{int(g['hh']):02d}:{g['mi']}", relative=False)
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
    if rule == "and_day":
        if NOT_YEAR_AFTER.match(text, raw.end):
            return None  # "on April 24 and 25 people died": a count
        context = Raw(*g["context"], "mdy", {k: v for k, v in g.items() if k in ("month", "day", "year")})
        return _normalise(context, text, doc, ctx)
    if rule in ("mdy", "dmy", "mdy_range", "dmy_range"):
        month = _month_num(g["month"])
        if not _month_ok(g["month"], raw, doc, text, strict=False):
            return None
        last = _day_num(g["day"])
        first = _day_num(g.get("day1", g["day"]))
        if last is None or first is None:
            return None
        if first > last or (first == last and "day1" in g):
            return None  # "6-3 June" is no range
        mod = _edge_mod(g.get("edge"))
        if "year" in g:
            year = int(g["year"])
            relative = False
        else:
            if ref is None:
                return _res("DATE", _day_span("XXXX", month, first, last), mod=mod)
            year = _resolve_day_year(month, first, ref, _cued_tense(text, raw, tense, doc))
            if re.search(r"\bended\s+$", text[max(0, raw.start - 7):raw.start]):
                year = _ended_by(year, month, first, ref)
            narrative = _narrative_year(ctx, raw, text, doc, month, first, year)
            relative = narrative is None
            year = narrative or year
        if not _valid(year, month, last):
            return None
        result = _res("DATE", _day_span(f"{year:04d}", month, first, last), mod=mod, relative=relative)
        if "between" in g:  # "between" is the signal, the days are the expression
            result["start"] = raw.start + re.match(r"between\s+", span_text, re.I).end()
        return result
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
        shared = _SHARED_YEAR.match(text, raw.end)
        if shared and shared["month"]:
            # "March and April 2015": the year stated once holds for both ("December and January
            # 2015": the December before)
            year = int(shared["year"]) - (month > _month_num(shared["month"]))
            return _res("DATE", f"{year:04d}-{month:02d}", mod=_edge_mod(g.get("edge")), relative=False)
        year = _resolve_month(month, ref, _cued_tense(text, raw, tense, doc), located=_located_in(text, raw, doc))
        narrative = _narrative_year(ctx, raw, text, doc, month, None, year)
        return _res("DATE", f"{narrative or year:04d}-{month:02d}", mod=_edge_mod(g.get("edge")),
                    relative=narrative is None)
    if rule == "weekday":
        weekday = WEEKDAYS[g["wd"].lower()[:3]]
        part = _part_code(g.get("part"))
        shared_set = _SHARED_SET.match(text, raw.end) if not part and not g.get("rel") else None
        if shared_set:  # "flights on Monday and Tuesday nights": every Monday night too
            set_part = _part_code((shared_set["part"] or "")[:-1])
            return _res("SET", f"XXXX-WXX-{weekday + 1}" + (f"T{set_part}" if set_part else ""), relative=False)
        if ref is None:
            return _res("TIME" if part else "DATE", f"XXXX-WXX-{weekday + 1}" + (f"T{part}" if part else ""))
        rel = re.sub(r"\s+", " ", g.get("rel", "").lower()).removeprefix("the ")
        if rel in ("previous", "following"):
            # "down 4.5% from the previous Friday": counted from the day last mentioned
            stated = _from_stated(ctx, "day", 0)
            base = dt.date.fromisoformat(stated) if stated else ref
            day = _resolve_weekday(weekday, base, None, "last" if rel == "previous" else "next")
        else:
            day = _resolve_weekday(weekday, ref, _cued_tense(text, raw, tense, doc), rel)
        # "Sunday morning" is a TIME (TIMEX3: 2016-03-27TMO) of day precision;
        # "earlier Sunday" keeps the weekday as its span.
        if part:
            result = _res("TIME", f"{_fmt_day(day)}T{part}", mod=_edge_mod(g.get("edge")))
        else:
            result = _res("DATE", _fmt_day(day), mod=_edge_mod(g.get("edge")))
        if "edge" in g:
            result["start"] = text.find(g.get("rel") or g["wd"], raw.start)
        return result
    if rule == "weekdays_ago":  # "two Fridays ago": the Friday a week before last Friday
        n = number_value(re.sub(r"\s+", " ", g["num"].lower()))
        if not isinstance(n, float) or n != int(n) or n < 1:
            return None
        if ref is None:
            return _res("DATE", "PAST_REF")
        last = _resolve_weekday(WEEKDAYS[g["wd"].lower()[:3]], ref, PAST, "last")
        return _res("DATE", _fmt_day(last - dt.timedelta(weeks=int(n) - 1)))
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
        if (rel == "the" and part == "NI") or (rel == "last" and part != "NI"):
            return None  # "the night" alone is left to the overnight rule; "last morning" is no date
        stated = _from_stated(ctx, "day", 0) if rel == "the" else None
        if stated:  # "Stocks crashed Friday. Dealers bought in the morning": that Friday's morning
            return _res("TIME", f"{stated}T{part}", relative=False)
        if ref is None:
            return _res("TIME", f"XXXX-XX-XXT{part}")
        day = ref + dt.timedelta(days={"tomorrow": 1, "yesterday": -1, "last": -1}.get(rel, 0))
        return _res("TIME", f"{_fmt_day(day)}T{part}")
    if rule == "part_of_date":
        day = _date_read_at(ctx, raw.end - len(g["date"]), raw.end, text, doc)
        if day is None or not re.fullmatch(r"(?:\d{4}|XXXX)-(?:\d\d|XX)-(?:\d\d|XX)", day["value"]):
            return None
        return _res("TIME", f"{day['value']}T{_part_code(g['part'])}", relative=day["relative"])
    if rule == "overnight":
        if _NIGHT_OF_DATE.match(text, raw.end):
            return None  # "overnight between 25 and 26 May": the dates that follow say which night
        if ref is None:
            return _res("TIME", "XXXX-XX-XXTNI")
        if tense() == FUTURE:
            return _res("TIME", f"{_fmt_day(ref)}TNI")
        # The night a report looks back on is the one before the day of its news: "London shares
        # closed lower Friday ... depressed by overnight losses in New York" (published Monday) is
        # Thursday night. A day stated further back is background ("the embassy attacks of Aug. 7"),
        # and without one it is the night before the report.
        stated = _from_stated(ctx, "day", -1)
        if stated and 0 < (ref - dt.date.fromisoformat(stated)).days <= 7:
            return _res("TIME", f"{stated}TNI", relative=False)
        return _res("TIME", f"{_fmt_day(ref - dt.timedelta(days=1))}TNI")
    if rule == "matter_of":
        return _res("DURATION", _dur_value("X", unit_code(g["unit"])), approx=True, relative=False)
    if rule == "tonight":
        return _res("TIME", f"{_fmt_day(ref)}TNI" if ref else "XXXX-XX-XXTNI")
    if rule in ("clock", "clock24", "noon", "clock_part"):
        high_noon = text[max(0, raw.start - 5):raw.start].lower() == "high "
        if rule == "clock_part":  # "4 in the morning" is 4 a.m.
            g = {**g, "ampm": "am" if g["part"].lower() == "morning" else "pm"}
        day_after_aside = _ASIDE_WEEKDAY.match(text, raw.end) if not g.get("wd") and "month" not in g else None
        if day_after_aside:
            g = {**g, "wd": day_after_aside["wd"] or day_after_aside["wd2"]}
        elif not g.get("wd") and "month" not in g and (on_day := _ON_WEEKDAY.match(text, raw.end)):
            g = {**g, "wd": on_day["wd"]}  # "at midnight on Friday": Friday's midnight
        result = _clock(g, ref, _cued_tense(text, raw, tense, doc) if g.get("wd") else None, high_noon)
        stated = ctx.stated
        if result is not None and not g.get("wd") and "month" not in g and stated is not None \
                and re.fullmatch(r"\d{4}-\d\d-\d\d", stated[2]) and _CLOCK_AFTER_DAY.fullmatch(text, stated[1], raw.start):
            # "on Friday afternoon at 3 p.m.", "March 20, at noon": the time of the day just named
            result = _res("TIME", stated[2] + result["value"][10:], relative=not ctx.stated_in_text)
        return result
    if rule == "decade":
        edge = g.get("edge") or g.get("edge2")
        if "dec" in g:
            dec = g["dec"]
        else:
            dec = "19" + g["dec2"]
        result = _res("DATE", dec[:3], mod=_edge_mod(edge), relative=False)  # TIMEX3: the 1990s are "199"
        if "dec" in g:  # "the late 1980s": the span is the decade, the edge its modifier
            result["start"] = text.find(g["dec"], raw.start)
        return result
    if rule == "decade_word":
        tens = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "eighties": 8, "nineties": 9}[g["word"].lower()]
        return _res("DATE", f"19{tens}", mod=_edge_mod(g.get("edge")), relative=False)
    if rule == "century":
        n = _ordinal(g["ord"])
        if not n or n > 21:
            return None
        return _res("DATE", f"{n - 1:02d}", mod=_edge_mod(g.get("edge")), relative=False)  # the 19th century: "18"
    if rule == "year_edge":
        return _res("DATE", g["year"], mod=_edge_mod(g["edge"]), relative=False)
    if rule == "year":
        if not _year_ok(raw, g, doc, text):
            return None
        return _res("DATE", g["year"], relative=False)
    if rule == "year_prepost":
        return _res("DATE", g["year"], mod="AFTER" if g["pp"].lower() == "post" else "BEFORE", relative=False)
    if rule == "unit_long":
        return _res("DURATION", _dur_value("1", unit_code(g["unit"])), relative=False)
    if rule == "year_short":
        return _res("DATE", f"{_year_from(g['yy']):04d}", relative=False)
    if rule == "season":
        return _season(g, raw, ref, tense, text)
    if rule == "quarter":
        result = _quarter(g, ref, ctx, _quarter_ended(text, raw.end, ref), tense() == PAST)
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
        _note_quarter(ctx, int(g["year"]) if "year" in g else (ref.year if ref else None), q)
        if "year" in g:
            return _res("DATE", f"{g['year']}-Q{q}", relative=False)
        return _res("DATE", f"{ref.year}-Q{q}" if ref else f"XXXX-Q{q}")
    if rule == "the_quarter":
        if ref is None:
            return None
        adj = (g.get("adj") or "").strip().lower()
        is_period = low.endswith("period")
        closing = _quarter_ended(text, raw.end, ref)
        if closing is not None and not adj and "ago" not in g:
            _note_quarter(ctx, *closing, stated_end=True)
            return _res("DATE", f"{closing[0]}-Q{closing[1]}")
        if g["det"].lower() == "that" and ctx.stated_quarter and not adj:
            return _res("DATE", ctx.stated_quarter)
        if adj == "latest" and not is_period:
            # the latest quarter reported is the last one that has ended
            q = quarter_of(ref) - 1 or 4
            return _res("DATE", f"{ref.year if q != 4 else ref.year - 1}-Q{q}")
        if is_period and ctx.year_to_date and adj != "latest":  # "For the nine months ... In the year-earlier period"
            return _res("DATE", f"{ref.year - 1 if 'year-' in adj or 'ago' in g else ref.year}")
        if ctx.last_quarter is None:
            if is_period:
                return None
            q = quarter_of(ref) - 1 or 4
            year = ref.year if q != 4 else ref.year - 1
            return _res("DATE", f"{year}-Q{q}") if adj == "latest" else _res("DATE", f"{ref.year}-QX")
        # "the year-ago quarter", "the corresponding period last year", "last year's quarter"
        year_before = "year-" in adj or "ago" in g or g["det"].lower().startswith("last")
        year = ref.year - 1 if year_before else ref.year
        q = ctx.last_quarter
        if q > quarter_of(ref) and not year_before:
            year -= 1
        return _res("DATE", f"{year}-Q{q}")
    if rule == "half":
        # "the first two quarters of 1990" is its first half; "at least" before it is not the date's
        h = 1 if g["h"].lower() == "first" else 2
        if "year" in g:
            result = _res("DATE", f"{g['year']}-H{h}", relative=False)
        elif ref is None:
            result = _res("DATE", f"XXXX-H{h}")
        else:
            result = _res("DATE", f"{ref.year + {'this': 0, 'last': -1, 'next': 1}[g['rel'].lower()]}-H{h}")
        if "approx" in g:
            result["start"] = raw.start + re.match(r"at\s+least\s+", span_text, re.I).end()
        return result
    if rule == "year_ago_adj":
        if ref is None:
            return _res("DATE", "XXXX")
        if ctx.last_quarter and not ctx.year_to_date:
            return _res("DATE", f"{ref.year - 1}-Q{ctx.last_quarter}")
        return _res("DATE", f"{ref.year - 1}")
    if rule == "rel_unit":
        rel = g["rel"].lower()
        if rel in ("following", "previous") and g["unit"].lower() in ("year", "month", "week"):
            # "the following year" counts from the date last stated, not from the publication date
            value = _from_stated(ctx, g["unit"].lower(), 1 if rel == "following" else -1)
            if value is not None:
                return _res("DATE", value, mod=_edge_mod(g.get("edge")), relative=False)
        if g["unit"][0].isupper() and not span_text.isupper():
            return None  # "ABC's \"This Week\"": a title
        return _rel_unit(g, ref, ctx, compared=_beside_amount(raw, text))
    if rule == "year_end":
        if ref is None:
            return None
        unit = (g.get("unit") or "year").lower()
        mod = _edge_mod(f"{g.get('edge', 'end')} of")
        day = ref
        if mod == "END" and re.search(r"\bsince\s+$", text[max(0, raw.start - 8):raw.start].lower()):
            # "up 5% since year-end": the end of the last full year (month, week) before the report
            day = {"year": dt.date(ref.year, 1, 1), "month": ref.replace(day=1),
                   "week": ref - dt.timedelta(days=ref.weekday())}[unit] - dt.timedelta(days=1)
        value = {"year": f"{day.year}", "month": f"{day.year}-{day.month:02d}", "week": week_value(day)}[unit]
        narrated = _from_stated(ctx, unit, 0) if "edge" in g and ctx.stated_in_text and tense() == PAST else None
        if narrated is not None and narrated < value:
            # "The talks opened in 2014. At the end of the year they collapsed": the year narrated
            return _res("DATE", narrated, mod=mod, relative=False)
        return _res("DATE", value, mod=mod, approx="approx" in g)
    if rule == "the_weekend":
        if ref is None:
            return None
        clause = tense()
        saturday = ref + dt.timedelta(days=5 - ref.weekday())
        if clause == PAST and saturday > ref:
            saturday -= dt.timedelta(days=7)
        return _res("DATE", week_value(saturday) + "-WE")
    if rule == "year_period":
        if ctx.year_to_date:
            return _res("DATE", g["year"], relative=False)
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
    if rule == "edge_unit_of":
        return _edge_unit_of(g, raw, text, doc, ref, tense)
    if rule == "week_of":
        month, dom = _month_num(g["month"]), int(re.sub(r"\D", "", g["day"]))
        if "year" in g:
            year = int(g["year"])
        elif ref is None:
            return None
        else:
            year = _resolve_day_year(month, dom, ref, _cued_tense(text, raw, tense, doc))
        if not _valid(year, month, dom):
            return None
        return _res("DATE", week_value(dt.date(year, month, dom)), relative="year" not in g)
    if rule == "that_unit":
        unit = g["unit"].lower()
        value = _from_stated(ctx, unit, 0)
        if value is not None:
            return _res("DATE", value, mod=_edge_mod(g.get("edge")), relative=False)
        if unit == "day" and "edge" in g:
            return _res("DATE", "XXXX-XX-XX", mod=_edge_mod(g["edge"]))
        return None
    if rule == "appos_day":
        stated = ctx.stated
        if stated is None or not re.fullmatch(r"\d{4}-\d\d-\d\d", stated[2]) or text[stated[1]:raw.start].strip() != ",":
            return None
        return _res("DATE", stated[2], relative=not ctx.stated_in_text)
    if rule == "next_day":
        step = -1 if g["rel"].lower() == "previous" else 1
        value = _from_stated(ctx, "day", step)
        if value is None:
            return None
        part = _part_code(g["unit"]) if g["unit"].lower() != "day" else ""
        return _res("TIME", f"{value}T{part}", relative=False) if part else _res("DATE", value, relative=False)
    if rule == "unit_before":
        value = _from_stated(ctx, g["unit"].lower(), -1 if g["rel"].lower() == "before" else 1)
        return _res("DATE", value, relative=False) if value is not None else None
    if rule == "the_year":
        if ref is None:
            return None
        unit = g["unit"].lower()
        value = {"year": f"{ref.year}", "month": f"{ref.year}-{ref.month:02d}", "week": week_value(ref), "day": _fmt_day(ref)}[unit]
        return _res("DATE", value, mod=_edge_mod(g["edge"]))
    if rule == "nth_day_today":
        return _res("DATE", _fmt_day(ref)) if ref is not None else _res("DATE", "XXXX-XX-XX")
    if rule == "deictic":
        if _in_proper_name(raw, text):
            return None  # "USA Today", "a VOA Today report": a title, which TimeML does not tag
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
        # "in recent months", "in coming weeks" name a stretch of unstated length, as "the past
        # several months" does: a DURATION with an X (TIMEX3 keeps PAST_REF/FUTURE_REF for
        # adverbs such as "recently" and "the future").
        return _res("DURATION", _dur_value("X", unit), approx=rel in ("several", "few", "many", "some"))
    if rule == "plural_stretch":
        return _res("DURATION", _dur_value("X", unit_code(g.get("unit") or g["unit2"])))
    if rule == "units_ahead":  # "in the weeks ahead": a stretch of unstated length
        return _res("DURATION", _dur_value("X", unit_code(g["unit"])))
    if rule == "bare_plural":
        word = next(g[k] for k in ("unit", "unit2", "unit3", "unit4", "unit5") if k in g).lower()
        if "unit3" in g:
            return _res("DATE", "PAST_REF", approx=True)  # "decades ago": a time back, as "a few days ago"
        unit = unit_code(word)
        return _res("DURATION", _dur_value("X", unit))
    if rule == "the_past_unit":
        unit = unit_code(g["unit"])
        return _res("DURATION", _dur_value("1", unit))
    if rule == "set_adverb":
        word = g["word"].lower()
        span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
        if span is not None and len(span) == 1 and (
                span[0].tag_ in ("NN", "NNP")
                or (span.end < len(doc) and doc[span.end].tag_ == "NNP" and span.start > 0 and doc[span.start - 1].tag_ in ("NN", "NNP"))):
            return None  # "the party daily Granma": a newspaper, named right after it
        if word == "biweekly":
            return _res("SET", "P2W", relative=False)
        code = {"dai": "P1D", "wee": "P1W", "mon": "P1M", "ann": "P1Y", "yea": "P1Y", "hou": "PT1H", "nig": "P1D"}[word[:3]]
        return _res("SET", code, relative=False)
    if rule == "set_every":
        return _set_every(g)
    if rule == "weekend_set":
        return _res("SET", "XXXX-WXX-WE", relative=False)
    if rule == "set_times":
        unit = unit_code(g["unit"])
        return _res("SET", _dur_value("1", unit), relative=False)
    return None


def _edge_unit_of(g: dict, raw: Raw, text: str, doc: Doc, ref: dt.date | None, tense) -> _Result | None:
    """ "the last day of February" is that day; "the first week of March", "the final weeks of 2014"
    the start or end of the month or year (TIMEX3 has no value for a month's nth week)."""
    first = g["ord"].lower() in ("first", "opening")
    mod = "START" if first else "END"
    if "yonly" in g:
        year = int(g["yonly"])
        if g["unit"].lower() == "day":
            return _res("DATE", f"{year:04d}-01-01" if first else f"{year:04d}-12-31", relative=False)
        return _res("DATE", f"{year:04d}", mod=mod, relative=False)
    if not _month_ok(g["month"], raw, doc, text, strict=False):
        return None
    month = _month_num(g["month"])
    if "year" in g:
        year = int(g["year"])
    elif ref is None:
        return _res("DATE", f"XXXX-{month:02d}", mod=mod)
    else:
        year = _resolve_month(month, ref, _cued_tense(text, raw, tense, doc))
    if g["unit"].lower() == "day":
        day = 1 if first else calendar.monthrange(year, month)[1]
        return _res("DATE", f"{year:04d}-{month:02d}-{day:02d}", relative="year" not in g)
    return _res("DATE", f"{year:04d}-{month:02d}", mod=mod, relative="year" not in g)


def _holiday(g: dict, ref: dt.date | None, tense) -> _Result | None:
    name = re.sub(r"\s+", " ", g["name"].lower())
    value = week_value if name.endswith("week") else dt.date.isoformat  # "Easter week": the week ending on Easter Sunday
    if "year" in g:
        return _res("DATE", value(_holiday_date(name, int(g["year"]))), relative=False)
    if ref is None:
        return None
    rel = g.get("rel", "").lower()
    day = _holiday_date(name, ref.year)
    clause = tense() if not rel else None
    first = day - dt.timedelta(days=6) if name.endswith("week") else day
    if (rel == "last" or clause == PAST) and first > ref:
        day = _holiday_date(name, ref.year - 1)
    elif (rel == "next" or clause == FUTURE) and day < ref:
        day = _holiday_date(name, ref.year + 1)
    return _res("DATE", value(day))


def _holiday_date(name: str, year: int) -> dt.date:
    if name.startswith("thanksgiving"):  # fourth Thursday of November (US)
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    if name == "election day":  # the Tuesday after the first Monday of November (US)
        second = dt.date(year, 11, 2)
        return second + dt.timedelta(days=(1 - second.weekday()) % 7)
    if name.startswith("easter") or name == "good friday":
        return _easter_sunday(year) + dt.timedelta(days={"easter monday": 1, "good friday": -2}.get(name, 0))
    month, day = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
                  "new year's day": (1, 1), "new year's eve": (12, 31), "halloween": (10, 31)}[name]
    return dt.date(year, month, day)


def _easter_sunday(year: int) -> dt.date:
    """Western Easter: the anonymous Gregorian computus (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _located_in(text: str, raw: Raw, doc: Doc) -> bool:
    """The month places a past event: "since March", or "in/during March" hanging on a verb in a
    finite past form ("the strike began in March", "were killed during March"), not on a noun or
    a reduced relative ("a summit set for Washington in April", "a visit in September")."""
    if re.search(r"\bsince\s+$", text[max(0, raw.start - 8):raw.start], re.IGNORECASE):
        return True
    span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    prep = span.root.head
    if prep.dep_ != "prep" or prep.lower_ not in ("in", "during"):
        return False
    verb = prep.head
    return verb.tag_ == "VBD" or (verb.tag_ == "VBN" and any(c.dep_ in ("aux", "auxpass") for c in verb.children))


def _cued_tense(text: str, raw: Raw, tense, doc: Doc) -> str | None:
    """Tense of the clause, unless a preposition already points forward ("until Tuesday")."""
    before = text[max(0, raw.start - 14):raw.start].lower()
    if re.search(r"\b(?:until|till)\s+$", before):
        # deadlines: "gave them until Tuesday"; but "Until Thursday, they had not called him"
        return PAST if pluperfect_clause(doc, raw.start, raw.end) else FUTURE
    if re.search(r"\b(?:payable|due|effective)\s+(?:on\s+)?$", before):
        return FUTURE  # "a dividend, payable Dec. 15": the payment lies ahead
    if re.search(r"\b(?:since|ended)\s+(?:the\s+)?$", before):
        return PAST  # "since Oct. 23", "the quarter ended Oct. 31"
    if re.match(r"'s\b", text[raw.end:raw.end + 3]):
        return PAST  # "Wednesday's ruling" has been made
    clause = tense()
    if clause != PAST and re.search(r"\b(?:by|through|as\s+soon\s+as|as\s+early\s+as)\s+$", before):
        return FUTURE
    return clause


def _day_span(year: str, month: int, first: int, last: int) -> str:
    """A day, or days of one month as an ISO 8601 interval ("2011-06-03/2011-06-06"): TIMEX3 has
    no value for a span of days, and timex_values.interval reads this one."""
    day = f"{year}-{month:02d}-{first:02d}"
    return day if first == last else f"{day}/{year}-{month:02d}-{last:02d}"


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _ended_by(year: int, month: int, day: int, ref: dt.date) -> int:
    """The year of a day a period "ended" on: before the report ("the quarter ended Oct. 31" in a
    report of Oct. 27 is last year's Oct. 31)."""
    return year - 1 if _valid(year, month, day) and dt.date(year, month, day) > ref else year


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


_NARRATIVE_GAP_DAYS = 60


def _narrative_year(ctx: _Context, raw: Raw, text: str, doc: Doc, month: int, day: int | None, year: int) -> int | None:
    """Year of "on 22 April" (or "in April": day None) in a passage narrating an earlier period,
    else None (keep `year`, its reading against the publication date).

    News dates a day without a year against the publication date unless the text has moved the
    reference time: a retrospective of July 2012 that says "in March 2011 ... on 22 April ...
    3-6 June 2011" means 2011-04-22. The move must show on both sides: the dates stated just
    before and just after (days without a year aside) carry their year in the text and are at
    least month-precise (a bare year is often background: "in power since 2000"); the first such
    day at or after the one before falls no later than the one after ends, and the publication
    reading after it. And the publication reading must be more than two months back: what a
    report says of its last weeks is its news ("since March 2011 ... on 22 April ... the worst
    since June 2011" in a report of May 2012 is 2012-04-22).
    """
    ref = ctx.reference
    whole_month, day = day is None, day or 1
    if ref is None or ctx.stated is None or not ctx.stated_in_text or not _valid(year, month, day):
        return None
    published_reading = dt.date(year, month, day)
    before = [int(p) for p in ctx.stated[2].split("-")]
    if len(before) < 2 or (ref - published_reading).days <= _NARRATIVE_GAP_DAYS:
        return None
    since = dt.date(before[0], before[1], before[2] if len(before) > 2 and not whole_month else 1)
    first = next((y for y in (since.year, since.year + 1)
                  if _valid(y, month, day) and dt.date(y, month, day) >= since), None)
    if first is None or first >= year:
        return None
    after = _next_stated(ctx, raw, text, doc)
    if after is None or "-" not in after:
        return None
    _precision, _start, until = interval(after, "DATE", None)
    if until is None or not dt.date(first, month, day) <= until < published_reading:
        return None
    return first


def _date_read_at(ctx: _Context, start: int, end: int, text: str, doc: Doc) -> _Result | None:
    """The reading of the day named exactly at text[start:end] by the day rules (a weekday, a month
    and day), as the article reads it at that point."""
    for _rank, other in ctx.candidates:
        if (other.start, other.end) == (start, end) and other.rule in ("mdy", "dmy", "weekday"):
            result = _normalise(other, text, doc, copy.copy(ctx))
            if result is not None and result["type"] == "DATE":
                return result
    return None


def _next_stated(ctx: _Context, raw: Raw, text: str, doc: Doc) -> str | None:
    """The date stated next after `raw`, skipping days without a year, when the text gives its
    year; None when it is counted from the publication date or there is none."""
    scratch = copy.copy(ctx)  # looking ahead must not change what the article has stated so far
    skip_to = raw.end
    for _rank, later in ctx.candidates:
        if later.start < skip_to:
            continue
        if later.rule in ("mdy", "dmy", "mdy_range", "dmy_range", "month", "month_edge_lower") \
                and "year" not in later.groups:
            skip_to = later.end
            continue
        try:
            result = _normalise(later, text, doc, scratch)
        except (OverflowError, ValueError):  # no reading (tag() logs it when it gets there)
            continue
        if result is not None and result["type"] in ("DATE", "TIME") and _STATED_VALUE.fullmatch(result["value"][:10]):
            return None if result["relative"] else result["value"][:10]
    return None


def _month_ok(word: str, raw: Raw, doc: Doc, text: str, strict: bool = True) -> bool:
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
        if strict and clean == "march" and raw.end == pos + len(word):
            before = text[max(0, raw.start - 8):raw.start].lower()
            cause = re.match(r"\s+(?:for|of|on|against|to|from|in)\b", text[raw.end:raw.end + 10])
            if cause and not re.search(r"\b(?:in|since|until|by|before|after|during|through)\s+$", before):
                return False  # "the March for Life": a march, not the month; "in March for health reasons" is
            if re.search(r"\b(?:the|a|annual|big|mass)\s+$", before) and not re.match(r"\s+[a-z]", text[raw.end:raw.end + 2]):
                return False  # "joined the March": a march; "the March accession" is the month's
        if strict and clean == "may":
            # A capitalised "May" alone at a sentence start is usually the modal.
            if span is not None and len(span) and span[0].is_sent_start and span[0].tag_ != "NNP":
                return False
    return True


_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
             "eighteenth", "nineteenth", "twentieth"]


def _ordinal(word: str) -> int | None:
    word = re.sub(r"\s+", " ", word.lower()).removeprefix("the ")
    m = re.match(r"(\d+)", word)
    if m:
        return int(m.group(1))
    tens, _, unit = word.rpartition("-")
    if tens in ("twenty", "thirty") and unit in _ORDINALS[:9]:
        return {"twenty": 20, "thirty": 30}[tens] + _ORDINALS.index(unit) + 1
    if word == "thirtieth":
        return 30
    return _ORDINALS.index(word) + 1 if word in _ORDINALS else None


def _day_num(word: str) -> int | None:
    """The day of the month written as digits ("8th") or spelt out ("eighth")."""
    n = _ordinal(word)
    return n if n is not None and 1 <= n <= 31 else None


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


def _year_ok(raw: Raw, g: dict, doc: Doc, text: str) -> bool:
    """A four-digit number is a year unless it counts or measures something."""
    if "fiscal" in g:
        return True
    after = text[raw.end:raw.end + 20]
    if NOT_YEAR_AFTER.match(after) and not re.match(r"\s*(?:years?|elections?|games|olympics|talks|s\b)", after, re.I):
        return False
    before = text[max(0, raw.start - 12):raw.start].lower()
    if re.search(r"(?:no\.|number|#|flight|route|room|page|pages|p\.|article|resolution|code|model)\s*$", before):
        return False
    span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
    if span is not None and len(span) == 1 and span[0].dep_ == "nummod" and span[0].head.tag_ == "NNS" \
            and span[0].head.i == span[0].i + 1 and span[0].head.ent_type_ != "DATE":
        return False
    return True


def _season(g: dict, raw: Raw, ref, tense, text) -> _Result | None:
    season = SEASONS[g["season"].lower()]
    det = re.sub(r"\s+", " ", g.get("det", "").lower())
    if "year" in g:
        return _res("DATE", f"{_year_from(g['year']):04d}-{season}", mod=_edge_mod(g.get("edge")), relative=False)
    # "fall" and "spring" are also a verb and a noun ("the fall of the city"): keep a bare or
    # "the" season only after a preposition, and never before "of".
    if det in ("", "the") and not g.get("edge"):
        before = text[max(0, raw.start - 8):raw.start].lower()
        if re.match(r"\s+of\b", text[raw.end:raw.end + 4], re.I):
            return None
        if not re.search(r"\b(?:in|into|during|by|until|since|through|over|for|before|last|this|next)\s+$", before):
            return None
    shared = _SHARED_YEAR.match(text, raw.end)
    if shared and not shared["month"] and det in ("", "the"):
        return _res("DATE", f"{shared['year']}-{season}", mod=_edge_mod(g.get("edge")), relative=False)
    if ref is None:
        return _res("DATE", f"XXXX-{season}")
    year = _season_year(season, ref, tense() if det in ("", "the") else None, det)
    return _res("DATE", f"{year}-{season}", mod=_edge_mod(g.get("edge")))


def _quarter(g: dict, ref: dt.date | None, ctx: _Context, closing: tuple[int, int] | None,
             reported: bool) -> _Result | None:
    qword = g["q"].lower()
    named = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
    if qword in named:
        q = named[qword]
    elif closing is not None:
        q = closing[1]
    else:
        if ref is None:
            return None
        q = ctx.last_quarter or (quarter_of(ref) - 1 or 4)
        if qword == "current":
            q = quarter_of(ref)
    if "year" in g or "year0" in g:
        year = int(g.get("year") or g["year0"])
        _note_quarter(ctx, year, q, reported=reported)
        return _res("DATE", f"{year}-Q{q}", relative=False)
    if ref is None:
        _note_quarter(ctx, None, q)
        return _res("DATE", f"XXXX-Q{q}")
    yref = re.sub(r"\s+", " ", g.get("yref", "").lower())
    rel = g.get("rel", "").lower()
    year = ref.year
    if closing is not None:
        year = closing[0]  # "the fourth quarter ended Sept. 30": the year it closed in
    elif yref.startswith("last") or yref.startswith("the year") or rel == "last":
        year -= 1
    elif yref.startswith("next") or rel == "next":
        year += 1
    elif qword in ("last", "previous", "latest") and q == 4 and quarter_of(ref) != 4:
        year -= 1
    elif reported and q > quarter_of(ref):
        year -= 1  # "profits dropped in the fourth quarter", said in January: the quarter just ended
    _note_quarter(ctx, year, q, reported=reported, stated_end=closing is not None)
    return _res("DATE", f"{year}-Q{q}")


_AMOUNT_AFTER = re.compile(r"'s\s+(?:[$#]|C\$|\d)")


def _beside_amount(raw: Raw, text: str) -> bool:
    """ "earnings of $33 million last year", "up from last year's $2.34 billion": a figure set
    against its own period a year before, as "a year ago" is."""
    before = text[max(0, raw.start - 60):raw.start]
    return bool(re.search(r"[$#]\s?\d[\d.,]*(?:\s+(?:million|billion))?\s+$", before)
                or _AMOUNT_AFTER.match(text, raw.end))


def _in_proper_name(raw: Raw, text: str) -> bool:
    """A capitalised "Today" right after a capitalised word on the same line ("USA Today", "a VOA
    Today report") is part of a name: time expressions in proper names are not tagged
    (TempEval-2010 guidelines, 3.2.7)."""
    word = text[raw.start:raw.end]
    return word[:1].isupper() and not word.isupper() \
        and re.search(r"\b[A-Z][A-Za-z&]*[ \t]+$", text[max(0, raw.start - 30):raw.start]) is not None


def _rel_unit(g: dict, ref: dt.date | None, ctx: _Context, *, compared: bool = False) -> _Result | None:
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
            # in a quarterly report a figure "last year" is that quarter's a year before; the
            # year on its own is last year
            if compared and not ctx.year_to_date:
                return _res("DATE", f"{ref.year - 1}-Q{ctx.last_quarter}")
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
        return _res("DATE", f"{ref.year // 10 + step:03d}", mod=mod)
    if unit == "century":
        return _res("DATE", f"{ref.year // 100 + step:02d}", mod=mod)
    if unit == "quarter":
        q = quarter_of(ref) + step
        year = ref.year
        if q == 0:
            q, year = 4, year - 1
        elif q == 5:
            q, year = 1, year + 1
        _note_quarter(ctx, year, q)
        return _res("DATE", f"{year}-Q{q}", mod=mod)
    return None


def _ref_word(word: str, raw: Raw, doc: Doc, text: str) -> _Result | None:
    word = re.sub(r"\s+", " ", word.lower())
    if word in ("now", "nowadays", "currently", "current", "at present", "these days"):
        if word == "current":
            span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
            if span is None or not len(span) or span[0].tag_ != "JJ":
                return None
        return _res("DATE", "PRESENT_REF")
    if word == "the past" and re.match(r"\s+\S+\s+(?:summers|winters|springs|autumns|falls|seasons)\b", text[raw.end:raw.end + 30], re.I):
        return None  # "the past three summers": not the past at large
    if word in ("recently", "lately", "the past", "then current", "then-current"):
        return _res("DATE", "PAST_REF")  # "the then current price" was current then
    if word in ("the future", "the near future", "the near term", "the short term", "a later date"):
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
    # ISO 8601 has no decade or century designator: they count in years ("decades": PXY).
    if unit in ("E", "C", "L"):
        factor = {"E": 10, "C": 100, "L": 1000}[unit]
        if n == "X":
            return "PXY"
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


def _duration(g: dict, raw: Raw, ref: dt.date | None, ctx: _Context, doc: Doc, text: str) -> _Result | None:
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
    num_str = "X" if n == "X" else _num_str(n)
    if not direction:
        if isinstance(n, float) and n > 10000 and unit in ("Y", "E", "C", "L"):
            return None
        if num_text == "one" and unit == "D" and not g.get("det") and _one_day_ahead(doc, raw):
            return _res("DATE", "FUTURE_REF")  # "Islam will one day be ..."
        if g.get("det", "").lower() == "the" and g.get("rel", "").lower() in ("", "first", "latest") \
                and unit == "M" and n in (6, 9):
            ctx.year_to_date = True  # "for the nine months": the report's period is now the year to date
        result = _res("DURATION", _dur_value(num_str, unit), mod=mod, approx=approx, relative=False)
        if g.get("det") and not g.get("rel") and not g.get("approx") and re.search(r"\w-" + re.escape(g["unit"]), text[raw.start:raw.end]):
            result["start"] = text.find(g["num"], raw.start)  # "the eight-year [term]": the article is the noun's
        return result
    past = direction in ("ago", "earlier", "before", "or so ago", "before that")
    if direction in ("before", "after", "before that", "after that", "later"):
        # Anchored on another event, not on the reference date: a duration, without "after".
        # TimeML 1.2.1 (2.2.1, anchored durations; "later", "before", "after" are SIGNALs): "six days"
        # in "six days later" is a DURATION, as TimeBank tags it ("Three days" later, P3D). The day
        # it leads to, counted from the date last stated ("On 21 March ... six days later": 27 March),
        # is kept as the interval the mention denotes, for a timeline to place what happened then.
        result = _res("DURATION", _dur_value(num_str, unit), mod=mod, approx=approx, relative=False)
        result["end"] = text.rfind(g["unit"], raw.start, raw.end) + len(g["unit"])
        step = {"later": 1, "after that": 1, "before that": -1}.get(direction)
        if step and isinstance(n, float) and n == int(n) and unit in _STATED_UNITS:
            stated_unit, per = _STATED_UNITS[unit]
            anchored = _from_stated(ctx, stated_unit, step * int(n) * per)
            if anchored and unit == "W":  # "two weeks later" names a week, not the fourteenth day
                year, week, _ = dt.date.fromisoformat(anchored).isocalendar()
                anchored = f"{year}-W{week:02d}"
            result["anchored"] = anchored
        return result
    if ref is None or n == "X":
        return _res("DATE", "PAST_REF" if past else "FUTURE_REF", approx=approx)
    sign = -1 if past else 1
    if direction == "or so ago":
        approx = True
    return _res("DATE", _offset_value(ref, n * sign, unit, ctx), approx=approx or bool(approx_word))


_STATED_UNITS = {"D": ("day", 1), "W": ("day", 7), "M": ("month", 1), "Y": ("year", 1)}  # weeks counted in days


def _one_day_ahead(doc: Doc, raw: Raw) -> bool:
    """ "one day" as an adverb of the future: after a modal or before a bare verb."""
    span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    return (before is not None and before.tag_ == "MD") or (after is not None and after.tag_ in ("VB", "VBP"))


def _after_quantity(doc: Doc, raw: Raw, text: str) -> bool:
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
        if unit == "Y" and abs(years) == 1 and ctx.last_quarter and not ctx.year_to_date:
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
    if g["q"].lower() == "per" and what in ("second", "minute", "hour"):
        return None  # "instructions per second", "km per hour": a speed, which TimeML does not tag
    every = number_value(re.sub(r"\s+", " ", g["n"].lower())) if g.get("n") else 2 if g.get("other") else 1
    if every is None or (g.get("n") and not what.endswith("s")):
        return None  # "every one day", "each a week": no set of times
    if what.startswith("weekend"):
        return _res("SET", "XXXX-WXX-WE", relative=False) if every == 1 else None
    if what[:3] in WEEKDAYS and re.fullmatch(WEEKDAY_RE, what, re.I):
        return _res("SET", f"XXXX-WXX-{WEEKDAYS[what[:3]] + 1}", relative=False)
    if re.fullmatch(MONTH_RE, g["what"]):
        return _res("SET", f"XXXX-{_month_num(what):02d}", relative=False)
    if what in SEASONS:
        return _res("SET", f"XXXX-{SEASONS[what]}", relative=False)
    if what in ("morning", "afternoon", "evening", "night"):
        return _res("SET", f"XXXX-XX-XXT{_part_code(what)}", relative=False)
    unit = unit_code(what)
    return _res("SET", _dur_value("X" if every == "X" else _num_str(every), unit), relative=False)


# ---------------------------------------------------------------------------------------------
def tag(doc: Doc, reference: dt.date | None, *, anchor: str = "published") -> list[TimeMention]:
    """Every temporal expression in doc.text, normalised against the reference date.

    Sorted by start, non-overlapping, spans inside the text. Absolute dates are marked
    anchor="absolute"; relative ones carry `anchor` (published | inferred) and, without a
    reference date, an empty value. Never raises: an expression that fails to normalise is
    logged and skipped.
    """
    text = doc.text
    try:
        found = candidates(text)
    except Exception:  # pragma: no cover - a regex bug must not stop an article
        log.exception("timex candidate search failed")
        return []
    ctx = _Context(reference=reference, candidates=tuple(found))
    # Normalise every candidate first: a longer match that turns out not to be a date
    # ("the night" of a life) must not hide a shorter one that is.
    normalised = []
    for rank, raw in found:
        try:
            result = _normalise(raw, text, doc, ctx)
            if result is not None:
                _note_stated(ctx, raw, result)
                normalised.append((rank, raw, _mention(raw, text, result, reference, anchor)))
        except (OverflowError, ValueError) as exc:
            # A date outside years 1-9999 (only near absurd reference dates) has no reading;
            # anything else is a bug: logged, and the rest of the article still counts.
            if "out of range" not in str(exc):
                log.exception("timex normalisation failed for %r", text[raw.start:raw.end])
        except Exception:  # pragma: no cover - logged, the rest of the article still counts
            log.exception("timex normalisation failed for %r", text[raw.start:raw.end])
    return select(normalised)


def _mention(raw: Raw, text: str, result: _Result, reference: dt.date | None, anchor: str) -> TimeMention:
    value = result["value"]
    relative = result["relative"] and result["type"] in ("DATE", "TIME")
    span_start, span_end = result.get("start", raw.start), result.get("end", raw.end)
    if relative and reference is None and value not in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
        value = ""
    precision, first_day, last_day = interval(value, result["type"], reference if relative else None)
    if result.get("anchored"):  # "six days [later]": the day the duration leads to
        precision, first_day, last_day = interval(result["anchored"], "DATE", None)
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
