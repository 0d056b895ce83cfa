"""The shared sidebar: filter widgets rendered once by app.py, mirrored in the URL both ways.

A page reads the result through `dashboard.context.get()`; the timeline brush and the story
change the date range through `set_date_range`, a widget callback, so no widget is written
after it was drawn.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from dashboard import queries
from dashboard.filters import SELECTED_EVENT_PARAM, Filters, query_params_dict

_KEYS = {
    "dates": "flt_date_range", "event_types": "flt_types", "actors": "flt_actors", "countries": "flt_countries",
    "places": "flt_places", "sources": "flt_sources", "min_sources": "flt_min_sources", "text": "flt_text",
}
_LOADED = "flt_loaded_from_url"
_DATE_WIDGET_VERSION = "flt_dates_version"  # a new key gives the date widget a new default
SELECTED = "selected_event"
COLLECTION, COLLECTION_PARAM = "active_collection", "collection"  # set by dashboard.collections_ui


def _load_from_url(options: dict[str, Any]) -> None:
    """On a session's first run, the URL's filters become the widgets' initial values."""
    params = query_params_dict(st.query_params)
    filters = Filters.from_query_params(params)
    lo, hi = options["date_min"], options["date_max"]
    if lo and hi:
        st.session_state[_KEYS["dates"]] = (_clamp(filters.date_from or lo, lo, hi), _clamp(filters.date_to or hi, lo, hi))
    for name in ("event_types", "actors", "countries", "places", "sources"):
        st.session_state[_KEYS[name]] = list(getattr(filters, name))
    st.session_state[_KEYS["min_sources"]] = filters.min_sources
    st.session_state[_KEYS["text"]] = filters.text
    selected = params.get(SELECTED_EVENT_PARAM)
    if selected:
        st.session_state[SELECTED] = selected[-1]
    st.session_state[_LOADED] = True


def _clamp(value: dt.date, lo: dt.date, hi: dt.date) -> dt.date:
    return min(max(value, lo), hi)


def set_date_range(date_from: dt.date, date_to: dt.date) -> None:
    """Change the date filter from outside the sidebar (timeline brush); call from a widget callback."""
    st.session_state[_KEYS["dates"]] = (date_from, date_to)
    st.session_state[_DATE_WIDGET_VERSION] = st.session_state.get(_DATE_WIDGET_VERSION, 0) + 1


def _date_widget_key() -> str:
    return f"flt_dates_{st.session_state.get(_DATE_WIDGET_VERSION, 0)}"


def _copy_dates_from_widget() -> None:
    chosen = st.session_state.get(_date_widget_key())
    if isinstance(chosen, (tuple, list)) and len(chosen) == 2:
        st.session_state[_KEYS["dates"]] = tuple(chosen)


def reset() -> None:
    for key in _KEYS.values():
        st.session_state.pop(key, None)
    st.session_state[_DATE_WIDGET_VERSION] = st.session_state.get(_DATE_WIDGET_VERSION, 0) + 1
    st.session_state.pop(SELECTED, None)


def render_filters(options: dict[str, Any]) -> Filters:
    """Draw the filter widgets in the sidebar and return the filters they describe."""
    if not st.session_state.get(_LOADED):
        _load_from_url(options)
    lo, hi = options["date_min"], options["date_max"]
    with st.sidebar:
        st.subheader("Filters")
        date_from = date_to = None
        if lo and hi:
            start, end = st.session_state.get(_KEYS["dates"], (lo, hi))
            start, end = _clamp(start, lo, hi), _clamp(end, lo, hi)
            st.date_input("Dates", value=(start, end), min_value=lo, max_value=hi, key=_date_widget_key(),
                          on_change=_copy_dates_from_widget)
            date_from = start if start > lo else None
            date_to = end if end < hi else None
        event_types = st.multiselect("Event type", _with_chosen(options["event_types"], _KEYS["event_types"]),
                                     key=_KEYS["event_types"])
        actors = st.multiselect("Actor", _with_chosen(options["actors"], _KEYS["actors"]), key=_KEYS["actors"])
        countries = st.multiselect("Country", _with_chosen(options["countries"], _KEYS["countries"]),
                                   key=_KEYS["countries"])
        offered = _places_offered(options, Filters(
            date_from=date_from, date_to=date_to, event_types=tuple(event_types), actors=tuple(actors),
            countries=tuple(countries), sources=tuple(st.session_state.get(_KEYS["sources"], [])),
            min_sources=int(st.session_state.get(_KEYS["min_sources"]) or 1),
            text=(st.session_state.get(_KEYS["text"]) or "").strip()))
        place_options = _with_chosen(list(offered), _KEYS["places"])
        place_names = {**queries.place_names(options.get("snapshot", ""), tuple(place_options[len(offered):])),
                       **offered}
        places = st.multiselect("Place", place_options, key=_KEYS["places"], format_func=lambda pid: place_names.get(pid, pid),
                                help=f"the {len(offered)} places of most events under the other filters; "
                                     "a shared link may add others")
        sources = st.multiselect("Source", _with_chosen(options["sources"], _KEYS["sources"]), key=_KEYS["sources"])
        min_sources = st.number_input("Minimum number of sources", min_value=1, step=1, key=_KEYS["min_sources"])
        text = st.text_input("Search text", key=_KEYS["text"], placeholder="words in summaries and quotes")
        st.button("Reset filters", on_click=reset, key="flt_reset")
    filters = Filters(
        date_from=date_from, date_to=date_to, event_types=tuple(event_types), actors=tuple(actors),
        countries=tuple(countries), places=tuple(places), sources=tuple(sources),
        min_sources=int(min_sources or 1), text=(text or "").strip(),
    )
    sync_url(filters)
    return filters


def _places_offered(options: dict[str, Any], others: Filters) -> dict[str, str]:
    """The places of most events under every filter but the place filter (the store's, when none is set)."""
    if not others.active:
        return options["places"]
    return queries.top_places(options.get("snapshot", ""), others, queries.PLACE_OPTIONS)


def _with_chosen(options: list[str], key: str) -> list[str]:
    """Options plus whatever is already chosen (a URL may name a value this store lacks)."""
    chosen = [v for v in st.session_state.get(key, []) if v not in options]
    return list(options) + chosen


def sync_url(filters: Filters) -> None:
    """Write the view into the URL, only when it changed (each write is a browser history entry)."""
    wanted: dict[str, Any] = filters.to_query_params()
    if st.session_state.get(SELECTED):
        wanted[SELECTED_EVENT_PARAM] = st.session_state[SELECTED]
    if st.session_state.get(COLLECTION, "default") != "default":
        wanted[COLLECTION_PARAM] = st.session_state[COLLECTION]
    current = query_params_dict(st.query_params)
    normalised = {k: (v if isinstance(v, list) else [v]) for k, v in wanted.items()}
    if current != normalised:
        st.query_params.from_dict(wanted)


def select_event(event_id: str | None) -> None:
    if event_id:
        st.session_state[SELECTED] = event_id


def clear_selected_event() -> None:
    st.session_state.pop(SELECTED, None)


def selected_event() -> str | None:
    return st.session_state.get(SELECTED)
