"""The filter model shared by every page, its URL form, and the sidebar that edits it.

`Filters` is a frozen dataclass of plain values, so it is hashable, a cache key, and round-trips
through `st.query_params`: a shared URL reopens the same view.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

# URL parameter for each field; lists are repeated parameters (?type=A&type=B).
_PARAMS = {
    "date_from": "from", "date_to": "to", "event_types": "type", "actors": "actor",
    "countries": "country", "places": "place", "sources": "source", "min_sources": "min_sources",
    "text": "q",
}
SELECTED_EVENT_PARAM = "event"


@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # place ids
    sources: tuple[str, ...] = ()
    min_sources: int = 1
    text: str = ""

    def to_query_params(self) -> dict[str, str | list[str]]:
        """Only the fields that differ from the default, so an unfiltered view has a clean URL."""
        params: dict[str, str | list[str]] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value == field.default:
                continue
            key = _PARAMS[field.name]
            if isinstance(value, tuple):
                params[key] = list(value)
            elif isinstance(value, dt.date):
                params[key] = value.isoformat()
            else:
                params[key] = str(value)
        return params

    @classmethod
    def from_query_params(cls, params: Mapping[str, Any]) -> "Filters":
        """Tolerant of anything a user may type into a URL: bad values fall back to the default."""
        def values(key: str) -> list[str]:
            raw = params.get(key)
            if raw is None:
                return []
            items = raw if isinstance(raw, (list, tuple)) else [raw]
            return [str(v) for v in items if str(v).strip()]

        def first(key: str) -> str:
            found = values(key)
            return found[-1].strip() if found else ""

        def date(key: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(first(key)) if first(key) else None
            except ValueError:
                return None

        try:
            min_sources = max(1, int(first("min_sources") or 1))
        except ValueError:
            min_sources = 1
        return cls(
            date_from=date("from"), date_to=date("to"),
            event_types=tuple(values("type")), actors=tuple(values("actor")),
            countries=tuple(values("country")), places=tuple(values("place")),
            sources=tuple(values("source")), min_sources=min_sources, text=first("q"),
        )

    def with_dates(self, date_from: dt.date | None, date_to: dt.date | None) -> "Filters":
        return dataclasses.replace(self, date_from=date_from, date_to=date_to)

    @property
    def active(self) -> bool:
        return self != Filters()


def query_params_dict(query_params: Any) -> dict[str, list[str]]:
    """`st.query_params` (or any mapping) as {key: [values]}, repeated keys kept."""
    if hasattr(query_params, "get_all"):
        return {key: query_params.get_all(key) for key in query_params.keys()}
    return {k: (list(v) if isinstance(v, (list, tuple)) else [v]) for k, v in dict(query_params).items()}
