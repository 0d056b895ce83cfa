"""The one cached query layer every page reads through.

Every cached function takes plain arguments, the first being the snapshot path of the store
(a new run publishes a new snapshot, so its results are new cache entries); filters are pushed
down into DuckDB SQL. `cache_resource` holds connections only; `cache_data` hands out copies.
"""
from __future__ import annotations

import datetime as dt
import gzip
import io
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import duckdb
import pandas as pd
import streamlit as st

from dashboard.filters import Filters
from dashboard.geotypes import Box
from etl import rollups, store

GRAINS = ("day", "week", "month", "year")


def snapshot_of(processed_dir: Path | str) -> str:
    """The current snapshot's path as a cache key ("" when there is no store yet)."""
    snap = store.current_snapshot(Path(processed_dir))
    return str(snap) if snap else ""


def _close(connection: duckdb.DuckDBPyConnection) -> None:
    connection.close()


@st.cache_resource(max_entries=4, show_spinner=False, on_release=_close)
def _connection(snapshot: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(Path(snapshot) / store.DB_NAME), read_only=True)


def _query(snapshot: str, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
    # A cursor per query: one DuckDB connection is not safe to share between sessions' threads.
    cursor = _connection(snapshot).cursor()
    try:
        frame = cursor.execute(sql, params or []).df()
    finally:
        cursor.close()
    # The store's DATE columns come back as timestamps; pages show and compare plain dates.
    for name in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[name]) and name != "period":
            frame[name] = frame[name].dt.date.astype(object).where(frame[name].notna(), None)
    return frame


@st.cache_data(show_spinner=False, max_entries=16)
def _has_rollups(snapshot: str) -> bool:
    """Whether the store holds `etl.rollups`' counts (a store written before them does not)."""
    found = _query(snapshot, "SELECT count(*) AS n FROM information_schema.tables WHERE list_contains($names, table_name)",
                   {"names": list(rollups.TABLES)})
    return int(found["n"].iloc[0]) == len(rollups.TABLES)


# ---------------------------------------------------------------- filters -> SQL

BY_DATE = "date_start NULLS LAST, event_id"
BY_SOURCES = "n_sources DESC, n_mentions DESC, date_start NULLS LAST, event_id"
EVENT_ORDERS = {"date": BY_DATE, "sources": BY_SOURCES}  # how a page of events may be sorted


def _events_sql(where: str, limit: str = "", order: str = BY_DATE) -> str:
    """The filtered events with their place and sources; the sources are gathered for the chosen
    events only, so a narrow filter over a large store reads few mentions."""
    return f"""
    WITH chosen AS (
        SELECT e.*, coalesce(p.label, p.name) AS place_name, p.country_code, p.kind AS place_kind
        FROM events e LEFT JOIN places p USING (place_id)
        WHERE {where} {limit}
    ), cited AS (
        SELECT em.event_id, list(DISTINCT a.source ORDER BY a.source) AS sources,
               count(DISTINCT a.article_id) AS n_articles
        FROM event_mentions em JOIN articles a USING (article_id)
        WHERE em.event_id IN (SELECT event_id FROM chosen)
        GROUP BY em.event_id
    )
    SELECT c.*, coalesce(s.sources, []) AS sources, coalesce(s.n_articles, 0) AS n_articles
    FROM chosen c LEFT JOIN cited s USING (event_id)
    ORDER BY {order}"""


NO_CONDITION = "TRUE"  # where_clause of no filter: every event


def where_clause(filters: Filters) -> tuple[str, dict[str, Any]]:
    """SQL conditions over `e` (events) and `p` (its place) with named parameters."""
    conditions, params = [NO_CONDITION], {}
    if filters.date_from:
        conditions.append("coalesce(e.date_end, e.date_start) >= $date_from")
        params["date_from"] = filters.date_from
    if filters.date_to:
        conditions.append("e.date_start <= $date_to")
        params["date_to"] = filters.date_to
    if filters.event_types:
        conditions.append("list_contains($types, e.event_type)")
        params["types"] = list(filters.event_types)
    if filters.actors:
        conditions.append("(list_contains($actors, e.actor1) OR list_contains($actors, e.actor2))")
        params["actors"] = list(filters.actors)
    if filters.countries:
        conditions.append("list_contains($countries, p.country_code)")
        params["countries"] = list(filters.countries)
    if filters.places:
        conditions.append(
            "(list_contains($places, e.place_id) OR EXISTS (SELECT 1 FROM event_places ep "
            "WHERE ep.event_id = e.event_id AND list_contains($places, ep.place_id)))")
        params["places"] = list(filters.places)
    if filters.sources:
        conditions.append(
            "EXISTS (SELECT 1 FROM event_mentions em JOIN articles a USING (article_id) "
            "WHERE em.event_id = e.event_id AND list_contains($sources, a.source))")
        params["sources"] = list(filters.sources)
    if filters.min_sources > 1:
        conditions.append("e.n_sources >= $min_sources")
        params["min_sources"] = filters.min_sources
    if filters.text:
        conditions.append(
            "(contains(lower(concat_ws(' ', e.summary, e.actor1, e.actor2, e.event_type, "
            "e.sub_event_type, e.date_text, coalesce(p.label, p.name))), $text) OR EXISTS (SELECT 1 FROM event_mentions em "
            "WHERE em.event_id = e.event_id AND contains(lower(em.sentence), $text)))")
        params["text"] = filters.text.lower()
    return " AND ".join(conditions), params


def filtered_events(where: str) -> str:
    """The FROM of a query over the events `where` selects: joined to their places only when the
    conditions read a place's columns (a country, the text filter), else a join over every event
    for nothing."""
    return "events e LEFT JOIN places p USING (place_id)" if re.search(r"\bp\.", where) else "events e"


# ---------------------------------------------------------------- cached reads

@st.cache_data(show_spinner=False, max_entries=64)
def events(snapshot: str, filters: Filters) -> pd.DataFrame:
    """Filtered events with their place, country and the sources that report them."""
    if not snapshot:
        return _empty_events()
    where, params = where_clause(filters)
    return _query(snapshot, _events_sql(where), params)


@st.cache_data(show_spinner=False, max_entries=256)
def event_by_id(snapshot: str, event_id: str) -> pd.DataFrame:
    """One event as `events` lays it out (empty when the store lacks it), without reading the others."""
    if not snapshot:
        return _empty_events()
    return _query(snapshot, _events_sql("e.event_id = $id"), {"id": event_id})


@st.cache_data(show_spinner=False, max_entries=64)
def events_page(snapshot: str, filters: Filters, order: str, limit: int, offset: int = 0) -> pd.DataFrame:
    """One page of the filtered events, sorted by `order` (a key of EVENT_ORDERS), laid out as `events`."""
    if not snapshot:
        return _empty_events()
    where, params = where_clause(filters)
    by = EVENT_ORDERS[order]
    return _query(snapshot, _events_sql(where, f"ORDER BY {by} LIMIT $limit OFFSET $offset", by),
                  {**params, "limit": limit, "offset": offset})


def _copied(snapshot: str, query: str, params: dict[str, Any], options: str, *, compress: bool = False,
            head: bytes = b"", tail: bytes = b"") -> bytes:
    """`head`, what DuckDB's COPY of `query` writes, and `tail`, as bytes, gzip-compressed if
    `compress`: an export is written by the database from the store to a file, never gathered
    into a pandas frame, and read back in chunks, so a million events cost the compressed file
    in memory (a tenth of the plain one), not the plain file twice."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export"
        cursor = _connection(snapshot).cursor()
        try:
            cursor.execute(f"COPY ({query}) TO '{target}' ({options})", params)
        finally:
            cursor.close()
        out = io.BytesIO()
        # Level 1: a GeoJSON shrinks about ninefold at the speed of reading it (level 6: twelvefold, 4x slower).
        sink = gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) if compress else out
        sink.write(head)
        with open(target, "rb") as body:
            shutil.copyfileobj(body, sink, 1 << 20)
        sink.write(tail)
        if compress:
            sink.close()
        return out.getvalue()


def events_csv(snapshot: str, filters: Filters, columns: list[str], compress: bool = False) -> bytes:
    """The filtered events as CSV (list columns joined by "; "), gzip-compressed if `compress`."""
    where, params = where_clause(filters)
    chosen = ", ".join(f"array_to_string({c}, '; ') AS {c}" if c == "sources" else c for c in columns)
    return _copied(snapshot, f"SELECT {chosen} FROM ({_events_sql(where)})", params, "FORMAT CSV, HEADER, DELIMITER ','",
                   compress=compress)


def events_geojson(snapshot: str, filters: Filters, columns: list[str], compress: bool = False) -> bytes:
    """The located filtered events as a GeoJSON FeatureCollection (`columns` as properties),
    gzip-compressed if `compress`."""
    where, params = where_clause(filters)
    properties = ", ".join(f"'{c}': {c}" for c in columns)
    return _copied(snapshot, f"""
        SELECT 'Feature' AS type, {{'type': 'Point', 'coordinates': [longitude, latitude]}} AS geometry,
               {{{properties}}} AS properties
        FROM ({_events_sql(where)}) WHERE latitude IS NOT NULL AND longitude IS NOT NULL""",
                   params, "FORMAT JSON, ARRAY true", compress=compress,
                   head=b'{"type": "FeatureCollection", "features": ', tail=b"}")


@st.cache_data(show_spinner=False, max_entries=64)
def most_reported(snapshot: str, filters: Filters, limit: int, dated: bool = False) -> pd.DataFrame:
    """The `limit` filtered events reported by most sources (only dated ones if `dated`), in date order,
    laid out as `events`: what a story or a presentation of a large result can step through."""
    if not snapshot:
        return _empty_events()
    where, params = where_clause(filters)
    if dated:
        where += " AND e.date_start IS NOT NULL"
    return _query(snapshot, _events_sql(where, f"ORDER BY {BY_SOURCES} LIMIT $limit"), {**params, "limit": limit})


def _empty_events() -> pd.DataFrame:
    columns = store.SCHEMAS["events"].names + ["place_name", "country_code", "place_kind", "sources", "n_articles"]
    return pd.DataFrame(columns=columns)


@st.cache_data(show_spinner=False, max_entries=64)
def event_counts(snapshot: str, filters: Filters, grain: str) -> pd.DataFrame:
    """Events per period and type, for a timeline too dense to draw event by event."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    where, params = where_clause(filters)
    return _query(snapshot, f"""
        SELECT date_trunc('{grain}', e.date_start) AS period, e.event_type, count(*) AS n_events,
               sum(e.n_sources) AS n_sources
        FROM {filtered_events(where)}
        WHERE e.date_start IS NOT NULL AND {where}
        GROUP BY ALL ORDER BY period, e.event_type""", params)


@st.cache_data(show_spinner=False, max_entries=64)
def count_events(snapshot: str, filters: Filters, dated: bool = False) -> int:
    """Filtered events (only those with a start date if `dated`)."""
    if not snapshot:
        return 0
    where, params = where_clause(filters)
    if dated:
        where += " AND e.date_start IS NOT NULL"
    frame = _query(snapshot, f"SELECT count(*) AS n FROM {filtered_events(where)} WHERE {where}", params)
    return int(frame["n"].iloc[0])


def _in_box(box: Box | None) -> tuple[str, dict[str, Any]]:
    if box is None:
        return "e.latitude IS NOT NULL AND e.longitude IS NOT NULL", {}
    south, west, north, east = box
    return ("e.latitude BETWEEN $south AND $north AND e.longitude BETWEEN $west AND $east",
            {"south": south, "west": west, "north": north, "east": east})


def _located(filters: Filters, box: Box | None) -> tuple[str, dict[str, Any]]:
    where, params = where_clause(filters)
    inside, box_params = _in_box(box)
    return f"{where} AND {inside}", {**params, **box_params}


@st.cache_data(show_spinner=False, max_entries=64)
def extent(snapshot: str, filters: Filters) -> dict[str, Any]:
    """How many filtered events have coordinates, and the box around them (None when none do)."""
    if not snapshot:
        return {"n": 0, "box": None}
    where, params = _located(filters, None)
    row = _query(snapshot, f"""
        SELECT count(*) AS n, min(e.latitude) AS s, min(e.longitude) AS w, max(e.latitude) AS n_, max(e.longitude) AS e_
        FROM {filtered_events(where)} WHERE {where}""", params).iloc[0]
    n = int(row["n"])
    return {"n": n, "box": (float(row["s"]), float(row["w"]), float(row["n_"]), float(row["e_"])) if n else None}


@st.cache_data(show_spinner=False, max_entries=64)
def count_located(snapshot: str, filters: Filters, box: Box | None) -> int:
    """Filtered events with coordinates inside the box."""
    if not snapshot:
        return 0
    where, params = _located(filters, box)
    return int(_query(snapshot, f"SELECT count(*) AS n FROM {filtered_events(where)} WHERE {where}",
                      params)["n"].iloc[0])


@st.cache_data(show_spinner=False, max_entries=64)
def map_bins(snapshot: str, filters: Filters, cell: float, box: Box | None = None) -> pd.DataFrame:
    """Filtered events counted per grid cell of `cell` degrees (cells inside the box only): where
    the cell is, how many events and sources, where its events lie on average, its commonest type,
    the dates it spans, and its busiest place (by events; its name and coordinates, to label the
    cell). What a map of many events can honestly show, in one pass over the events."""
    where, params = _located(filters, box)
    return _query(snapshot, f"""
        WITH located AS MATERIALIZED (
            SELECT floor(e.latitude / $cell)::BIGINT AS row_, floor(e.longitude / $cell)::BIGINT AS col,
                   e.latitude, e.longitude, e.event_type, e.place_id, coalesce(e.n_sources, 1) AS n_sources,
                   e.date_start, coalesce(e.date_end, e.date_start) AS date_end
            FROM {filtered_events(where)} WHERE {where}
        ), by_type AS (
            SELECT row_, col, event_type, count(*) AS n FROM located GROUP BY ALL
        ), commonest AS (
            SELECT row_, col, first(event_type ORDER BY n DESC, event_type) AS event_type FROM by_type GROUP BY ALL
        ), by_place AS (
            SELECT row_, col, place_id, count(*) AS n FROM located WHERE place_id <> '' GROUP BY ALL
        ), busiest AS (
            SELECT row_, col, first(place_id ORDER BY n DESC, place_id) AS place_id FROM by_place GROUP BY ALL
        ), cells AS (
            SELECT row_, col, count(*) AS n_events, sum(n_sources) AS n_sources, avg(latitude) AS lat,
                   avg(longitude) AS lon, min(date_start) AS first_date, max(date_end) AS last_date
            FROM located GROUP BY row_, col
        )
        SELECT s.row_ AS cell_row, s.col AS cell_col, s.n_events, s.n_sources, s.lat, s.lon, c.event_type,
               s.first_date, s.last_date, b.place_id, coalesce(pb.label, pb.name) AS place_name,
               pb.lat AS place_lat, pb.lon AS place_lon
        FROM cells s JOIN commonest c USING (row_, col) LEFT JOIN busiest b USING (row_, col)
        LEFT JOIN places pb ON pb.place_id = b.place_id
        ORDER BY s.row_, s.col""", {**params, "cell": cell})


@st.cache_data(show_spinner=False, max_entries=64)
def events_in_box(snapshot: str, filters: Filters, box: Box | None, limit: int) -> pd.DataFrame:
    """The filtered events inside the box (the most reported first when more than `limit`), laid out as `events`."""
    if not snapshot:
        return _empty_events()
    where, params = _located(filters, box)
    return _query(snapshot, _events_sql(where, "ORDER BY e.n_sources DESC, e.date_start, e.event_id LIMIT $limit"),
                  {**params, "limit": limit})


@st.cache_data(show_spinner=False, max_entries=64)
def event_dates(snapshot: str, filters: Filters) -> list[dt.date]:
    """Every distinct start date of the filtered events, for the map's playback slider."""
    if not snapshot:
        return []
    where, params = where_clause(filters)
    frame = _query(snapshot, f"""SELECT DISTINCT e.date_start AS d FROM {filtered_events(where)}
                                 WHERE e.date_start IS NOT NULL AND {where} ORDER BY 1""", params)
    return frame["d"].tolist()


@st.cache_data(show_spinner=False, max_entries=64)
def movement_pairs(snapshot: str, filters: Filters, limit: int) -> pd.DataFrame:
    """The `limit` most travelled origin -> destination pairs of the filtered events, with how many made
    each (its first event's id and type); counted over place ids, named once the few are chosen."""
    if not snapshot:
        return pd.DataFrame(columns=MOVEMENT_COLUMNS + ["n"])
    where, params = where_clause(filters)
    counts = _counts(snapshot, where, rollups.MOVEMENT_COUNTS, rollups.movement_counts_sql)
    return _query(snapshot, f"""
        WITH pairs AS (SELECT * FROM {counts} ORDER BY n DESC, origin_id, destination_id LIMIT $limit)
        {_NAMED_PATHS.format(paths="pairs", n=", m.n")}
        ORDER BY m.n DESC, m.origin_id, m.destination_id""", {**params, "limit": limit})


MOVEMENT_COLUMNS = ["event_id", "event_type", "origin_id", "origin_name", "origin_lat", "origin_lon",
                    "destination_id", "destination_name", "destination_lat", "destination_lon"]


@st.cache_data(show_spinner=False, max_entries=64)
def movements(snapshot: str, filters: Filters) -> pd.DataFrame:
    """Origin -> destination pairs of the filtered events, with coordinates, for movement arrows.

    An event that names destinations but no origin moves from its own location.
    """
    if not snapshot:
        return pd.DataFrame(columns=MOVEMENT_COLUMNS)
    where, params = where_clause(filters)
    return _query(snapshot, _movements_sql(where), params)


@st.cache_data(show_spinner=False, max_entries=64)
def movements_of(snapshot: str, event_ids: tuple[str, ...]) -> pd.DataFrame:
    """Origin -> destination pairs of the given events, laid out as `movements`."""
    if not snapshot or not event_ids:
        return pd.DataFrame(columns=MOVEMENT_COLUMNS)
    return _query(snapshot, _movements_sql("list_contains($ids, e.event_id)"), {"ids": list(event_ids)})


def _chosen(where: str) -> str:
    """The events `where` selects, as `etl.rollups` counts them."""
    return f"SELECT e.event_id, e.event_type, e.place_id FROM {filtered_events(where)} WHERE {where}"


def _counts(snapshot: str, where: str, table: str, counts_sql: Callable[[str], str]) -> str:
    """A FROM of `etl.rollups` counts over the events `where` selects: the store's own table when it
    selects every event and the store has it, else counted by the same SQL."""
    if where == NO_CONDITION and _has_rollups(snapshot):
        return table
    return f"({counts_sql(_chosen(where))})"


# Paths (`m`) with their places' names and coordinates, laid out as MOVEMENT_COLUMNS (+ n).
_NAMED_PATHS = """
        SELECT m.event_id, m.event_type, m.origin_id, coalesce(po.label, po.name) AS origin_name,
               po.lat AS origin_lat, po.lon AS origin_lon, m.destination_id,
               coalesce(pd.label, pd.name) AS destination_name, pd.lat AS destination_lat, pd.lon AS destination_lon{n}
        FROM {paths} m JOIN places po ON po.place_id = m.origin_id JOIN places pd ON pd.place_id = m.destination_id"""


def _movements_sql(where: str) -> str:
    return f"""WITH paths AS ({rollups.paths_sql(_chosen(where))})
        {_NAMED_PATHS.format(paths="paths", n="")}
        ORDER BY m.event_id, m.destination_id"""


@st.cache_data(show_spinner=False, max_entries=256)
def mentions(snapshot: str, event_ids: tuple[str, ...]) -> pd.DataFrame:
    """Every mention of the given events: the sentence, its trigger, and the article it is from."""
    return _query(snapshot, """
        SELECT em.event_id, em.mention_id, em.article_id, em.sentence, em.trigger, em.date_text,
               em.date_start, em.place_text, em.actor1, em.actor2, em.reported_speech,
               a.source, a.url, a.title, a.published, a.published_source
        FROM event_mentions em LEFT JOIN articles a USING (article_id)
        WHERE list_contains($ids, em.event_id)
        ORDER BY a.published NULLS LAST, a.source, em.trigger_start""", {"ids": list(event_ids)})


@st.cache_data(show_spinner=False, max_entries=256)
def event_places(snapshot: str, event_ids: tuple[str, ...]) -> pd.DataFrame:
    return _query(snapshot, """
        SELECT ep.event_id, ep.role, ep.text, ep.place_id, coalesce(p.label, p.name) AS name, p.lat, p.lon, p.kind, p.country_code
        FROM event_places ep LEFT JOIN places p USING (place_id)
        WHERE list_contains($ids, ep.event_id) ORDER BY ep.event_id, ep.role, ep.place_id""",
        {"ids": list(event_ids)})


ARTICLE_COLUMNS = ("a.article_id, a.source, a.title, a.url, a.published, a.published_time, a.published_source, "
                   "a.status, a.error, a.path, a.n_chars, a.language, a.removed")


@st.cache_data(show_spinner=False)
def corpus_summary(snapshot: str) -> dict[str, int]:
    """How many articles were read, how many inputs failed, how many sources there are."""
    if not snapshot:
        return {"articles": 0, "failed": 0, "sources": 0}
    row = _query(snapshot, """
        SELECT count(*) FILTER (WHERE status = 'ok') AS ok, count(*) FILTER (WHERE status <> 'ok') AS failed,
               count(DISTINCT source) FILTER (WHERE status = 'ok') AS sources FROM articles""").iloc[0]
    return {"articles": int(row["ok"]), "failed": int(row["failed"]), "sources": int(row["sources"])}


def _readable(sources: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    if not sources:
        return "a.status = 'ok'", {}
    return "a.status = 'ok' AND list_contains($sources, a.source)", {"sources": list(sources)}


@st.cache_data(show_spinner=False, max_entries=64)
def count_articles(snapshot: str, sources: tuple[str, ...] = ()) -> int:
    """Readable articles (of the given sources, or all)."""
    if not snapshot:
        return 0
    where, params = _readable(sources)
    return int(_query(snapshot, f"SELECT count(*) AS n FROM articles a WHERE {where}", params)["n"].iloc[0])


@st.cache_data(show_spinner=False, max_entries=64)
def articles_page(snapshot: str, sources: tuple[str, ...], limit: int, offset: int = 0) -> pd.DataFrame:
    """One page of the readable articles (of the given sources, or all) in publication order, without
    their text, each with how many events it mentions (counted for this page only)."""
    if not snapshot:
        return pd.DataFrame(columns=[c.removeprefix("a.") for c in ARTICLE_COLUMNS.split(", ")] + ["n_events"])
    where, params = _readable(sources)
    return _query(snapshot, f"""
        WITH page AS (
            SELECT {ARTICLE_COLUMNS} FROM articles a WHERE {where}
            ORDER BY a.published NULLS LAST, a.source, a.path, a.article_id LIMIT $limit OFFSET $offset
        ), counted AS (
            SELECT em.article_id, count(DISTINCT em.event_id) AS n_events FROM event_mentions em
            WHERE em.article_id IN (SELECT article_id FROM page) GROUP BY em.article_id
        )
        SELECT page.*, coalesce(counted.n_events, 0) AS n_events FROM page LEFT JOIN counted USING (article_id)
        ORDER BY page.published NULLS LAST, page.source, page.path, page.article_id""",
        {**params, "limit": limit, "offset": offset})


@st.cache_data(show_spinner=False)
def failed_articles(snapshot: str) -> pd.DataFrame:
    """Inputs that could not be read, and why."""
    if not snapshot:
        return pd.DataFrame(columns=["path", "source", "error"])
    return _query(snapshot, "SELECT path, source, error FROM articles WHERE status <> 'ok' ORDER BY path")


@st.cache_data(show_spinner=False, max_entries=32)
def article_text(snapshot: str, article_id: str) -> str:
    frame = _query(snapshot, "SELECT text FROM articles WHERE article_id = $id", {"id": article_id})
    return "" if frame.empty else str(frame["text"].iloc[0] or "")


@st.cache_data(show_spinner=False, max_entries=32)
def article_spans(snapshot: str, article_id: str) -> pd.DataFrame:
    """Dates, places and event triggers found in one article, as character spans of its text."""
    return _query(snapshot, """
        SELECT 'date' AS kind, start, "end", coalesce(value, '') AS label, '' AS event_id
        FROM timexes WHERE article_id = $id
        UNION ALL
        SELECT 'place', pm.start, pm."end", coalesce(p.label, p.name, 'unresolved'), ''
        FROM place_mentions pm LEFT JOIN places p USING (place_id) WHERE pm.article_id = $id
        UNION ALL
        SELECT 'event', em.trigger_start, em.trigger_end, coalesce(nullif(e.summary, ''), em.trigger), em.event_id
        FROM event_mentions em LEFT JOIN events e USING (event_id) WHERE em.article_id = $id
        ORDER BY start""", {"id": article_id})


PLACE_OPTIONS = 300  # the sidebar offers the places of most events; a URL or filter may name any other


@st.cache_data(show_spinner=False)
def filter_options(snapshot: str) -> dict[str, Any]:
    """What the sidebar offers: every type, actor, country and source in the store, the PLACE_OPTIONS
    places with most events (id -> name), the date span."""
    empty = {"event_types": [], "actors": [], "countries": [], "places": {}, "sources": [],
             "date_min": None, "date_max": None, "snapshot": snapshot}
    if not snapshot:
        return empty

    def column(sql: str) -> list[str]:
        return [v for v in _query(snapshot, sql).iloc[:, 0].tolist() if v]

    span = _query(snapshot, "SELECT min(date_start) AS lo, max(coalesce(date_end, date_start)) AS hi FROM events")
    return {
        "event_types": column("SELECT DISTINCT event_type FROM events ORDER BY 1"),
        "actors": column("SELECT DISTINCT a FROM (SELECT actor1 AS a FROM events UNION SELECT actor2 FROM events) ORDER BY 1"),
        "countries": column(f"SELECT DISTINCT p.country_code FROM {_located_places(snapshot)} JOIN places p USING (place_id) ORDER BY 1"),
        "places": _top_places(snapshot, Filters(), PLACE_OPTIONS),
        "sources": column("SELECT DISTINCT source FROM articles WHERE status = 'ok' ORDER BY 1"),
        "date_min": _as_date(span["lo"].iloc[0]),
        "date_max": _as_date(span["hi"].iloc[0]),
        "snapshot": snapshot,  # where the sidebar looks up the names of chosen places beyond those offered
    }


def _located_places(snapshot: str) -> str:
    """A FROM of the place ids that are some event's place: from the store's counts when it has them."""
    return (f"(SELECT place_id FROM {rollups.PLACE_COUNTS} WHERE located > 0)" if _has_rollups(snapshot)
            else "events")


def _top_places(snapshot: str, filters: Filters, limit: int) -> dict[str, str]:
    """Each place's events are those it is the place of, plus those naming it elsewhere (each once):
    of every event, as the store counted them when it was written (`etl.rollups`); of the filtered
    events, counted by the same SQL over them."""
    where, params = where_clause(filters)
    counts = _counts(snapshot, where, rollups.PLACE_COUNTS, rollups.place_counts_sql)
    frame = _query(snapshot, f"""
        WITH ranked AS (SELECT place_id, n FROM {counts} ORDER BY n DESC, place_id LIMIT $limit)
        SELECT r.place_id, coalesce(p.label, p.name) AS name FROM ranked r JOIN places p USING (place_id)
        ORDER BY name, r.place_id""", {**params, "limit": limit})
    return dict(zip(frame["place_id"], frame["name"]))


@st.cache_data(show_spinner=False, max_entries=64)
def top_places(snapshot: str, filters: Filters, limit: int) -> dict[str, str]:
    """The `limit` places of most filtered events (where they happened, or a place they name), id -> name."""
    if not snapshot:
        return {}
    return _top_places(snapshot, filters, limit)


@st.cache_data(show_spinner=False, max_entries=256)
def place_names(snapshot: str, place_ids: tuple[str, ...]) -> dict[str, str]:
    """Names of the given places (those the store lacks are left out)."""
    if not snapshot or not place_ids:
        return {}
    frame = _query(snapshot, "SELECT place_id, coalesce(label, name) AS name FROM places WHERE list_contains($ids, place_id)",
                   {"ids": list(place_ids)})
    return dict(zip(frame["place_id"], frame["name"]))


def _as_date(value: Any) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, (pd.Timestamp, dt.datetime)) else value


def run_info(processed_dir: Path | str) -> dict:
    return store.read_run_info(Path(processed_dir))
