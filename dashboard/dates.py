"""Dates as precisely as the sources gave them, never more: "May 2015", not 2015-05-01.

The store keeps every event's date as an interval (date_start, date_end) with a precision; what a
reader sees should say "some day in May 2015" when that is all the articles said.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _as_date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (not isinstance(value, (dt.date, str)) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        return None


def _day(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def date_label(start: Any, end: Any = None, precision: Any = None) -> str:
    """The event's date at its own precision: a day, a month, a year, or the interval the sources allow."""
    first, last = _as_date(start), _as_date(end)
    if first is None:
        return "undated"
    last = last or first
    precision = precision if isinstance(precision, str) else ""
    if precision == "year" and (first.month, first.day) == (1, 1) and last.year == first.year:
        return str(first.year)
    if precision == "month" and first.day == 1 and (last.year, last.month) == (first.year, first.month):
        return f"{_MONTHS[first.month - 1]} {first.year}"
    if first == last:
        return _day(first)
    return f"{_day(first)} to {_day(last)}"


def event_date_label(event: dict) -> str:
    """`date_label` of an event row (a dict with date_start, date_end, date_precision)."""
    return date_label(event.get("date_start"), event.get("date_end"), event.get("date_precision"))
