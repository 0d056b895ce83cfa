"""TIMEX3 value helpers: lexicon tables, number words, and the interval a value denotes."""
from __future__ import annotations

import calendar
import datetime as dt
import re

MONTHS = {name: i + 1 for i, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
WEEKDAYS = {name: i for i, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}

_UNIT_PREFIXES = [
    ("weekend", "WE"), ("fortnight", "FN"), ("sec", "S"), ("min", "MIN"), ("hour", "H"), ("day", "D"),
    ("night", "D"), ("week", "W"), ("month", "M"), ("year", "Y"), ("decade", "E"), ("centur", "C"),
    ("millenni", "L"), ("quarter", "Q"),
]

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_VAGUE = {"a few", "few", "several", "many", "a couple of", "couple of"}


def unit_code(word: str) -> str:
    """TIMEX3 unit letter for a unit word (plural or singular); E, C, L are decade/century/millennium."""
    word = word.lower()
    for prefix, code in _UNIT_PREFIXES:
        if word.startswith(prefix):
            return code
    raise KeyError(word)


def number_value(text: str) -> float | str | None:
    """A number in digits or words; "X" for vague quantities ("several"); None when unreadable."""
    text = re.sub(r"\s+", " ", text.lower().strip())
    if text in _VAGUE:
        return 2.0 if "couple" in text else "X"
    if text in ("a", "an"):
        return 1.0
    if text in ("half a", "half an", "a half"):
        return 0.5
    half = 0.0
    fraction = re.fullmatch(r"(\d+) 1/2", text)
    if fraction:
        return float(fraction.group(1)) + 0.5
    if text.endswith(" and a half"):
        half, text = 0.5, text[: -len(" and a half")]
    digits = text.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", digits):
        return float(digits) + half
    total, current = 0, 0
    for word in re.split(r"[\s-]+", text):
        if word == "and":
            continue
        if word in _SMALL:
            current += _SMALL[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        elif word == "dozen":
            current = max(current, 1) * 12
        else:
            return None
    return float(total + current) + half


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def week_value(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


def interval(value: str, type_: str, reference: dt.date | None) -> tuple[str, dt.date | None, dt.date | None]:
    """(precision, first day, last day) a TIMEX3 value denotes; durations and sets have no dates.

    PRESENT_REF is the reference day itself; PAST_REF/FUTURE_REF stay open (no dates).
    """
    if type_ in ("DURATION", "SET") or not value:
        return ("none", None, None)
    if value == "PRESENT_REF":
        return ("day", reference, reference) if reference else ("none", None, None)
    if value in ("PAST_REF", "FUTURE_REF"):
        return ("none", None, None)
    try:
        return _interval(value)
    except (ValueError, KeyError, OverflowError):  # e.g. the week after 9999-12-31
        return ("none", None, None)


def _interval(value: str) -> tuple[str, dt.date | None, dt.date | None]:
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)(?:T(.+))?", value)
    if m:
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        clock = m.group(4)
        return ("time" if clock and clock[0].isdigit() else "day", day, day)
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)/(\d{4}-\d\d-\d\d)", value)
    if m:  # a span of days, as ISO 8601 writes an interval: "2011-06-03/2011-06-06"
        return ("day", dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2)))
    m = re.fullmatch(r"(\d{4})-W(\d\d)(-WE)?", value)
    if m:
        monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        if m.group(3):
            return ("week", monday + dt.timedelta(days=5), monday + dt.timedelta(days=6))
        return ("week", monday, monday + dt.timedelta(days=6))
    m = re.fullmatch(r"(\d{4})-(\d\d)", value)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        return ("month", dt.date(year, month, 1), _month_end(year, month))
    m = re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", value)
    if m:
        year = int(m.group(1))
        first, last = _SEASON_MONTHS[m.group(2)]
        end_year, end_month = add_months(year, 1, last - 1)
        return ("season", dt.date(year, first, 1), _month_end(end_year, end_month))
    m = re.fullmatch(r"(\d{4})-Q([1-4])", value)
    if m:
        year, q = int(m.group(1)), int(m.group(2))
        return ("quarter", dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
    m = re.fullmatch(r"(\d{4})-H([12])", value)
    if m:
        year, h = int(m.group(1)), int(m.group(2))
        return ("quarter", dt.date(year, 6 * h - 5, 1), _month_end(year, 6 * h))
    m = re.fullmatch(r"(\d{4})", value)
    if m:
        year = int(value)
        return ("year", dt.date(year, 1, 1), dt.date(year, 12, 31))
    # TIMEX3 writes a decade and a century at reduced precision ("199", "19"); stores written
    # before kept TIMEX2's "199X" and "19XX", which still read.
    m = re.fullmatch(r"(\d{3})X?", value)
    if m:
        decade = int(m.group(1)) * 10
        return ("decade", dt.date(max(decade, 1), 1, 1), dt.date(decade + 9, 12, 31))
    m = re.fullmatch(r"(\d{2})(?:XX)?", value)
    if m:
        century = int(m.group(1)) * 100
        return ("century", dt.date(max(century, 1), 1, 1), dt.date(century + 99, 12, 31))
    return ("none", None, None)
