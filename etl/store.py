"""The processed store: DuckDB + Parquet + GeoJSON, published atomically.

Layout of `data/processed/`::

    current -> snapshots/<run_id>      symlink, swapped atomically at the end of a run
    snapshots/<run_id>/timeline.duckdb every table, for SQL, and counts over every event (`etl.rollups`)
    snapshots/<run_id>/parquet/<table>.parquet          the small tables, one file each
    snapshots/<run_id>/parquet/<table>-<YYYY-MM>.parquet the event and mention tables, one file
                                       per month of their date (`-undated` for none), sorted by date
    snapshots/<run_id>/geojson/events-<YYYY-MM>.geojson  the month's events with coordinates, one
                                       FeatureCollection per month of events (`-undated` for none)
    snapshots/<run_id>/run.json        summary, pipeline version, fingerprints of the table and files

A run writes a new snapshot beside the old one and only then repoints `current`, so a reader
always sees one complete run. A month whose rows did not change is hard-linked from the
previous snapshot (its Parquet and GeoJSON files), not written again, and the database is the
previous one's copy with only the changed months' rows replaced. A run whose tables are
identical to the current ones publishes nothing, which keeps a second run over unchanged input
byte-identical. Which months changed is found from a digest of each file's rows (kept in
run.json), so an unchanged month is neither sorted nor encoded.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path
from operator import attrgetter
from typing import Any, Iterable, Mapping, Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl import bulk, rollups
from etl.records import Article, Event, EventMention, EventPlace, IngestFailure, Place, PlaceMention, TimeMention

DB_NAME = "timeline.duckdb"
GEOJSON_DIR = "geojson"
KEEP_SNAPSHOTS = 3

_S, _I, _F, _B, _D = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("article_id", _S), ("source", _S), ("url", _S), ("title", _S), ("published", _D),
        ("published_time", _S), ("published_source", _S), ("language", _S), ("text", _S),
        ("path", _S), ("sha256", _S), ("status", _S), ("error", _S), ("removed", pa.list_(_S)),
        ("n_chars", _I), ("pipeline_version", _S),
    ]),
    "timexes": pa.schema([
        ("article_id", _S), ("start", _I), ("end", _I), ("text", _S), ("type", _S), ("value", _S),
        ("precision", _S), ("date_start", _D), ("date_end", _D), ("approx", _B), ("mod", _S), ("anchor", _S),
    ]),
    "places": pa.schema([
        # label: the name the articles use most for it (the gazetteer's name may be another language's).
        ("place_id", _S), ("name", _S), ("label", _S), ("lat", _F), ("lon", _F), ("kind", _S), ("country_code", _S),
        ("admin1", _S), ("population", _I), ("origin", _S), ("aliases", pa.list_(_S)),
    ]),
    "place_mentions": pa.schema([
        ("article_id", _S), ("start", _I), ("end", _I), ("text", _S), ("place_id", _S),
        ("precision", _I), ("score", _F), ("method", _S),
    ]),
    "events": pa.schema([
        ("event_id", _S), ("event_type", _S), ("sub_event_type", _S), ("summary", _S),
        ("date_start", _D), ("date_end", _D), ("date_precision", _S), ("date_text", _S),
        ("place_id", _S), ("latitude", _F), ("longitude", _F), ("geo_precision", _I),
        ("actor1", _S), ("actor2", _S), ("fatalities", _I), ("n_sources", _I), ("n_mentions", _I),
        ("first_reported", _D), ("confidence", _F), ("disputed", _S),
    ]),
    "event_mentions": pa.schema([
        ("event_id", _S), ("mention_id", _S), ("article_id", _S), ("sentence", _S),
        ("sentence_start", _I), ("sentence_end", _I), ("trigger", _S), ("trigger_start", _I),
        ("trigger_end", _I), ("event_type", _S), ("sub_event_type", _S), ("actor1", _S), ("actor2", _S),
        ("date_text", _S), ("date_value", _S), ("date_start", _D), ("date_end", _D),
        ("date_precision", _S), ("place_id", _S), ("place_text", _S), ("fatalities", _I),
        ("confidence", _F), ("reported_speech", _B),
    ]),
    # position: the order the text gives the places in ("to A, B and C").
    "mention_places": pa.schema([("mention_id", _S), ("position", _I), ("place_id", _S), ("role", _S), ("text", _S)]),
    "event_places": pa.schema([("event_id", _S), ("position", _I), ("place_id", _S), ("role", _S), ("text", _S)]),
    # Analysts' corrections (etl.corrections) and what became of each on this run.
    "corrections": pa.schema([
        ("correction_id", _S), ("action", _S), ("author", _S), ("created", _S), ("event_id", _S),
        ("status", _S), ("detail", _S), ("before", _S), ("note", _S), ("undoes", _S),
    ]),
}

# Sort keys make every table's row order, and so its Parquet bytes, independent of run order.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id", "path"),
    "timexes": ("article_id", "start"),
    "places": ("place_id",),
    "place_mentions": ("article_id", "start"),
    "events": ("date_start", "event_id"),
    "event_mentions": ("article_id", "trigger_start", "mention_id"),
    "mention_places": ("mention_id", "position"),
    "event_places": ("event_id", "position"),
    "corrections": ("created", "correction_id"),
}


# The large tables, split into one Parquet file per month so that readers prune by date and a
# run rewrites only the months that changed. Each is partitioned by its own date, or, for the
# place tables, by the date of the event or mention the row belongs to.
PARTITIONED: dict[str, tuple[str, str]] = {  # table -> (table holding the date, key joining them)
    "events": ("events", "event_id"),
    "event_places": ("events", "event_id"),
    "event_mentions": ("event_mentions", "mention_id"),
    "mention_places": ("event_mentions", "mention_id"),
}
UNDATED = "undated"
_UNDATED_KEY = 99_999_999  # a month key (YYYYMM) after every real month


# ---------------------------------------------------------------- records -> rows -> tables

def _row(record: Any, schema: pa.Schema, **extra: Any) -> dict[str, Any]:
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    values.update(extra)
    return {name: values.get(name) for name in schema.names}


def article_rows(articles: Iterable[Article], pipeline_version: str) -> list[dict]:
    schema = SCHEMAS["articles"]
    return [
        _row(a, schema, removed=list(a.removed), n_chars=len(a.text), pipeline_version=pipeline_version)
        for a in articles
    ]


def failure_rows(failures: Iterable[IngestFailure], pipeline_version: str) -> list[dict]:
    """Failed and skipped inputs are rows of the articles table too (status = kind), so the
    dashboard can show what happened to every input and why. A warning is not a row of its
    own: the article was kept and carries the warning in its `error` column."""
    rows = []
    for f in failures:
        if f.kind == "warning":
            continue
        key = hashlib.sha256(f"{f.path}\0{f.sha256}".encode()).hexdigest()[:16]
        rows.append({
            "article_id": f"{f.kind}-{key}", "source": f.source, "url": "", "title": Path(f.path).name,
            "published": None, "published_time": "", "published_source": "unknown", "language": "",
            "text": "", "path": f.path, "sha256": f.sha256, "status": f.kind, "error": f.reason,
            "removed": [], "n_chars": 0, "pipeline_version": pipeline_version,
        })
    return rows


def timex_rows(article_id: str, timexes: Iterable[TimeMention]) -> list[dict]:
    return [_row(t, SCHEMAS["timexes"], article_id=article_id) for t in timexes]


def place_mention_rows(article_id: str, mentions: Iterable[PlaceMention]) -> list[dict]:
    return [
        _row(m, SCHEMAS["place_mentions"], article_id=article_id, place_id=m.place.place_id if m.place else "")
        for m in mentions
    ]


def place_rows(places: Iterable[Place], labels: Mapping[str, str] | None = None) -> list[dict]:
    """Aliases sorted: their order is not meaningful and may follow a process's hash seed."""
    labels = labels or {}
    return [_row(p, SCHEMAS["places"], aliases=sorted(set(p.aliases)), label=labels.get(p.place_id, p.name))
            for p in places]


def event_mention_tables(mentions: Sequence[EventMention], event_ids: Sequence[str] | None = None) -> tuple[pa.Table, pa.Table]:
    """The event_mentions table (each mention's event id given in order; "" when not yet merged)
    and the mention_places table."""
    return (records_table("event_mentions", mentions, event_id=[""] * len(mentions) if event_ids is None else event_ids),
            _places_table("mention_places", mentions, "mention_id"))


def event_tables(events: Sequence[Event]) -> tuple[pa.Table, pa.Table]:
    """The events table and the event_places table."""
    return records_table("events", events), _places_table("event_places", events, "event_id")


def _places_table(name: str, owners: Sequence[EventMention | Event], key: str) -> pa.Table:
    """The places of each record, in their order, with its id (key) and their position."""
    return records_table(name, [p for owner in owners for p in owner.places],
                         **{key: [getattr(owner, key) for owner in owners for _ in owner.places]},
                         position=[i for owner in owners for i in range(len(owner.places))])


def records_table(name: str, records: Sequence[Any], **given: Sequence[Any]) -> pa.Table:
    """to_table's table made column by column: each column the schema names read from the records'
    attributes in one pass, or given. At 10^6 event mentions the two tables take 6-7.6 s; rows of
    dicts took 33."""
    schema = SCHEMAS[name]
    read = [n for n in schema.names if n not in given]
    fields_of = attrgetter(*read) if len(read) > 1 else lambda record: tuple(getattr(record, n) for n in read)
    with bulk.without_cycle_collection():
        columns = dict(zip(read, zip(*map(fields_of, records)))) if records else {n: () for n in read}
        table = pa.table({n: pa.array(columns[n] if n in columns else given[n], schema.field(n).type) for n in schema.names},
                         schema=schema)
    return _sorted(name, table)


def to_table(name: str, rows: list[dict]) -> pa.Table:
    """An Arrow table with the table's final schema, sorted by its stable key (empty is fine)."""
    return _sorted(name, pa.Table.from_pylist(rows, schema=SCHEMAS[name]))


def _sorted(name: str, table: pa.Table) -> pa.Table:
    """The table in its sort keys' order: taken anew only when not already in it (the pipeline
    makes its largest tables in order, and taking a million rows of text costs a second)."""
    if not table.num_rows:
        return table
    order = pc.sort_indices(table, sort_keys=[(key, "ascending") for key in SORT_KEYS[name]])
    return table if (order.to_numpy() == np.arange(table.num_rows)).all() else table.take(order)


# ---------------------------------------------------------------- rows -> records (incremental reuse)

def timexes_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[TimeMention]:
    names = [f.name for f in dataclasses.fields(TimeMention)]
    return [TimeMention(**{n: r[n] for n in names}) for r in rows]


def place_mentions_from_rows(rows: Iterable[Mapping[str, Any]], places: Mapping[str, Place]) -> list[PlaceMention]:
    return [
        PlaceMention(start=r["start"], end=r["end"], text=r["text"], place=places.get(r["place_id"]),
                     precision=r["precision"], score=r["score"], method=r["method"])
        for r in rows
    ]


def places_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Place]:
    names = [f.name for f in dataclasses.fields(Place)]
    return {r["place_id"]: Place(**{**{n: r[n] for n in names}, "aliases": tuple(r["aliases"] or ())}) for r in rows}


def event_mentions_from_rows(rows: Iterable[Mapping[str, Any]], places_of: Mapping[str, list[Mapping[str, Any]]]) -> list[EventMention]:
    names = [f.name for f in dataclasses.fields(EventMention) if f.name != "places"]
    return [
        EventMention(**{n: r[n] for n in names},
                     places=tuple(EventPlace(p["place_id"], p["role"], p["text"]) for p in places_of.get(r["mention_id"], ())))
        for r in rows
    ]


def article_from_row(r: Mapping[str, Any]) -> Article:
    names = [f.name for f in dataclasses.fields(Article)]
    return Article(**{**{n: r[n] for n in names}, "removed": tuple(r["removed"] or ())})


# ---------------------------------------------------------------- GeoJSON

# GeoJSON coordinates to 6 decimals, about 10 cm: RFC 7946's advice, finer than any gazetteer's point.
COORDINATE_DECIMALS = 6


def write_events_geojson(db: duckdb.DuckDBPyConnection, events: pa.Table, path: Path) -> None:
    """Events with coordinates as a GeoJSON FeatureCollection, in the table's order: the point
    (to COORDINATE_DECIMALS) as geometry, every other column a property, a null one left out,
    written compactly (a GIS tool reads a missing property as null; half a kilobyte an event).

    Written by DuckDB (a million events take seconds, not minutes as through Python objects),
    then wrapped as one FeatureCollection."""
    properties = ", ".join(f"""',"{name}":' || to_json("{name}")""" for name in SCHEMAS["events"].names
                           if name not in ("latitude", "longitude"))
    features = path.with_name(path.name + ".features")
    _with_arrow(db, events, f"""
        COPY (SELECT 'Feature' AS type,
                     {{'type': 'Point', 'coordinates': [round(longitude, {COORDINATE_DECIMALS}),
                                                        round(latitude, {COORDINATE_DECIMALS})]}} AS geometry,
                     ('{{' || ltrim(concat({properties}), ',') || '}}')::JSON AS properties
              FROM arrow_in WHERE latitude IS NOT NULL AND longitude IS NOT NULL)
        TO '{str(features).replace("'", "''")}' (FORMAT json, ARRAY true)""")
    with open(path, "wb") as out, open(features, "rb") as body:
        out.write(b'{"type":"FeatureCollection","features":')
        shutil.copyfileobj(body, out, 1 << 20)
        out.write(b"}")
    features.unlink()


def _with_arrow(db: duckdb.DuckDBPyConnection, table: pa.Table, sql: str) -> None:
    """Run SQL that reads an Arrow table as `arrow_in`."""
    db.register("arrow_in", table)
    try:
        db.execute(sql)
    finally:
        db.unregister("arrow_in")


def geojson_files(snapshot: Path) -> list[Path]:
    """The snapshot's GeoJSON files in date order: one FeatureCollection per month of events."""
    return sorted((Path(snapshot) / GEOJSON_DIR).glob("events-*.geojson"))


# ---------------------------------------------------------------- publishing and reading

# Part of every file's digest: bump it when the bytes written for the same rows change (the
# Parquet options, the GeoJSON's form), and the next run rewrites every file once.
DIGEST_VERSION = "rows-2"


def _month_keys(dates: pa.ChunkedArray) -> pa.Array:
    """YYYYMM as an integer for each date, one after every month for none (integers: a
    million dates take milliseconds, where formatting them as strings takes seconds)."""
    return pc.fill_null(pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates)), _UNDATED_KEY)


def _month_name(key: int) -> str:
    return UNDATED if key == _UNDATED_KEY else f"{key // 100:04d}-{key % 100:02d}"


def _file_name(name: str, month: int) -> str:
    return f"{name}-{_month_name(month)}.parquet"


@dataclasses.dataclass(frozen=True)
class Layout:
    """Where each row of the tables goes and what each file holds, found without sorting or
    encoding: per partitioned table the month key of every row, per table a hash of every
    row, and per Parquet file a digest of its rows."""
    months: dict[str, np.ndarray]
    row_hashes: dict[str, np.ndarray]
    digests: dict[str, str]


def layout(tables: Mapping[str, pa.Table]) -> Layout:
    """A file's digest covers the table's schema, its row count and the sum of its rows' hashes:
    the same rows give the same file whatever order they come in (the cut sorts them, ties
    broken by the row hash), so equal digests mean equal files. A whole table's file keeps
    the order it is given in, so there each row is hashed with its position."""
    months, row_hashes, digests = {}, {}, {}
    db = duckdb.connect()
    try:
        for name, table in tables.items():
            partitioned = name in PARTITIONED
            hashes = _row_hashes(db, table, with_position=not partitioned)
            row_hashes[name] = hashes
            schema = hashlib.sha256(table.schema.serialize().to_pybytes()).hexdigest()
            if not partitioned:
                digests[f"{name}.parquet"] = _digest(schema, len(hashes), int(hashes.sum(dtype=np.uint64)))
                continue
            months[name] = month = _row_months(tables, name)
            keys, inverse, counts = np.unique(month, return_inverse=True, return_counts=True)
            sums = np.zeros(len(keys), dtype=np.uint64)
            np.add.at(sums, inverse, hashes)
            for key, count, total in zip(keys.tolist(), counts.tolist(), sums.tolist()):
                digests[_file_name(name, key)] = _digest(schema, count, total)
    finally:
        db.close()
    return Layout(months, row_hashes, digests)


def _digest(schema: str, count: int, total: int) -> str:
    return hashlib.sha256(f"{DIGEST_VERSION}\0{schema}\0{count}\0{total}".encode()).hexdigest()


def _row_months(tables: Mapping[str, pa.Table], name: str) -> np.ndarray:
    """The month key of each row of a partitioned table: its own date's, or its event's or mention's."""
    dated, key = PARTITIONED[name]
    month = np.asarray(_month_keys(tables[dated].column("date_start")).to_numpy(), dtype=np.int64)
    if dated == name:
        return month
    positions = pc.fill_null(pc.index_in(tables[name].column(key), value_set=tables[dated].column(key)), -1)
    # A row whose event or mention is missing (-1) takes the key appended last: undated.
    return np.append(month, _UNDATED_KEY)[np.asarray(positions.to_numpy(), dtype=np.int64)]


def _row_hashes(db: duckdb.DuckDBPyConnection, table: pa.Table, with_position: bool) -> np.ndarray:
    """A 64-bit hash of every row's values, by DuckDB over the Arrow columns (a million rows in
    a fraction of a second). Floats are hashed by their bits, so that -0.0 and 0.0, which
    DuckDB hashes alike and Parquet stores apart, differ; the result is mixed again so that
    a sum of rows cannot cancel a change spread over several of them."""
    columns = [pa.chunked_array([c.view(pa.int64()) for c in column.chunks], pa.int64())
               if pa.types.is_floating(column.type) else column for column in table.columns]
    if with_position:
        columns.append(pa.array(np.arange(table.num_rows, dtype=np.int64)))
    names = [f"c{i}" for i in range(len(columns))]
    db.register("arrow_in", pa.Table.from_arrays(columns, names=names))
    try:
        hashes = db.execute(f"SELECT hash({', '.join(names)}) AS h FROM arrow_in").fetchnumpy()["h"]
    finally:
        db.unregister("arrow_in")
    return _mix(np.asarray(hashes, dtype=np.uint64))


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every input bit flips about half the output bits."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def partition_files(tables: Mapping[str, pa.Table], plan: Layout, only: set[str] | None = None) -> dict[str, pa.Table]:
    """The Parquet files of a snapshot, by file name (`only` those named): one per small table,
    one per month for the large ones, rows sorted by date, then by the table's key, then by
    the row's hash (so rows equal in their keys still come in one order)."""
    files: dict[str, pa.Table] = {}
    for name, table in tables.items():
        if name not in PARTITIONED:
            if only is None or f"{name}.parquet" in only:
                files[f"{name}.parquet"] = table
            continue
        month, hashes = plan.months[name], plan.row_hashes[name]
        if only is not None:
            keys = np.unique(month)
            wanted = np.array([k for k in keys.tolist() if _file_name(name, k) in only], dtype=np.int64)
            if len(wanted) < len(keys):
                rows = np.isin(month, wanted)
                table, month, hashes = table.filter(pa.array(rows)), month[rows], hashes[rows]
        if not table.num_rows:
            continue
        by_date = [("date_start", "ascending")] if "date_start" in table.column_names else []
        ordered = table.append_column("_month", pa.array(month)).append_column("_tie", pa.array(hashes)).sort_by(
            [("_month", "ascending")] + by_date + [(k, "ascending") for k in SORT_KEYS[name]] + [("_tie", "ascending")])
        keys, counts = np.unique(month, return_counts=True)
        offset = 0
        for key, count in zip(keys.tolist(), counts.tolist()):
            part = ordered.slice(offset, count).drop_columns(["_month", "_tie"])
            files[_file_name(name, key)] = part.combine_chunks()
            offset += count
    return files


def fingerprint(file_hashes: Mapping[str, str]) -> str:
    """One hash for the whole store, from the digests of its Parquet files."""
    digest = hashlib.sha256()
    for name in sorted(file_hashes):
        digest.update(f"{name}\0{file_hashes[name]}\n".encode())
    return digest.hexdigest()


def current_snapshot(processed_dir: Path) -> Path | None:
    link = Path(processed_dir) / "current"
    try:
        target = link.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        return None
    return target if (target / "run.json").is_file() else None


def read_run_info(processed_dir: Path) -> dict:
    snap = current_snapshot(processed_dir)
    return json.loads((snap / "run.json").read_text()) if snap else {}


def table_files(snapshot: Path, name: str) -> list[Path]:
    """The Parquet files holding a table: one, or one per month for the partitioned tables."""
    folder = snapshot / "parquet"
    whole = folder / f"{name}.parquet"
    if whole.is_file():  # every table, and the large ones of a store written before partitioning
        return [whole]
    return sorted(folder.glob(f"{name}-*.parquet")) if name in PARTITIONED else []


def read_table(processed_dir: Path, name: str, snapshot: Path | None = None) -> pa.Table:
    """A table of the current snapshot, in its sort order; the empty table with its final
    schema when there is none."""
    snap = snapshot or current_snapshot(processed_dir)
    files = table_files(snap, name) if snap is not None else []
    if not files:
        return SCHEMAS[name].empty_table()
    table = pa.concat_tables([conform(pq.read_table(f), name) for f in files])
    if len(files) > 1 and table.num_rows:
        table = table.sort_by([(key, "ascending") for key in SORT_KEYS[name]])
    return table


def conform(table: pa.Table, name: str) -> pa.Table:
    """A table as the current schema has it: a store written before a column existed gets the
    column empty, so an upgrade reads its old store instead of failing on it."""
    schema = SCHEMAS[name]
    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names
               else pa.nulls(table.num_rows, f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def connect(processed_dir: Path) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the current snapshot's database (None when there is no store)."""
    snap = current_snapshot(processed_dir)
    if snap is None:
        return None
    return duckdb.connect(str(snap / DB_NAME), read_only=True)


def _table_of(file_name: str) -> str:
    """The table a Parquet file of a snapshot holds ('events-2016-03.parquet' -> 'events')."""
    return file_name.removesuffix(".parquet").split("-", 1)[0]


def _write_snapshot(directory: Path, tables: Mapping[str, pa.Table], plan: Layout, previous: Path | None,
                    run_info: dict) -> None:
    """Every file of a snapshot. A Parquet file whose digest the previous snapshot has under the
    same name is hard-linked from it instead of written again, and so is the GeoJSON of an
    unchanged month of events; only the rest is cut from the tables and encoded. The database
    is the previous one with the changed files' rows replaced when few changed, else built whole."""
    (directory / "parquet").mkdir(parents=True)
    (directory / GEOJSON_DIR).mkdir()
    earlier = json.loads((previous / "run.json").read_text()).get("files", {}) if previous else {}
    unchanged = {f for f, digest in plan.digests.items()
                 if earlier.get(f) == digest and _link(previous / "parquet" / f, directory / "parquet" / f)}
    maps_linked = {f for f in unchanged if _table_of(f) == "events"
                   and _link(previous / GEOJSON_DIR / _geojson_name(f), directory / GEOJSON_DIR / _geojson_name(f))}
    patchable = previous is not None and _patchable(previous, earlier, set(plan.digests) - unchanged)
    needed = None if not patchable else {f for f in plan.digests if f not in unchanged or (
        _table_of(f) == "events" and f not in maps_linked)}
    files = partition_files(tables, plan, needed)
    fresh = {f: table for f, table in files.items() if f not in unchanged}
    for file_name, table in fresh.items():
        pq.write_table(table, directory / "parquet" / file_name, compression="zstd")
    db_path = directory / DB_NAME
    if patchable:
        shutil.copyfile(previous / DB_NAME, db_path)
    db = duckdb.connect(str(db_path))
    try:
        if patchable:
            _patch_database(db, previous, earlier, fresh, unchanged)
        else:
            _build_database(db, files)
        rollups.write(db)
        for file_name, table in files.items():
            if _table_of(file_name) == "events" and file_name not in maps_linked:
                write_events_geojson(db, table, directory / GEOJSON_DIR / _geojson_name(file_name))
        db.execute("CHECKPOINT")
    finally:
        db.close()
    (directory / "run.json").write_text(json.dumps(run_info, indent=2, sort_keys=True, default=str))


def _geojson_name(file_name: str) -> str:
    return f"{file_name.removesuffix('.parquet')}.geojson"


def _link(source: Path, target: Path) -> bool:
    """Hard-link a file of the previous snapshot; False when it is gone or on another file system."""
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def _tables_of(files: Mapping[str, pa.Table], names: Iterable[str]) -> dict[str, pa.Table]:
    """The given files' rows gathered per table, month files in date order."""
    grouped: dict[str, list[pa.Table]] = {}
    for file_name in sorted(names):
        grouped.setdefault(_table_of(file_name), []).append(files[file_name])
    return {name: pa.concat_tables(parts) for name, parts in grouped.items()}


def _build_database(db: duckdb.DuckDBPyConnection, files: Mapping[str, pa.Table]) -> None:
    """Every table, its month files in date order (a month's rows lie together, so a date filter
    skips row groups and replacing a month later touches few of them)."""
    tables = _tables_of(files, files)
    for name in SCHEMAS:
        _with_arrow(db, tables.get(name, SCHEMAS[name].empty_table()), f'CREATE TABLE "{name}" AS SELECT * FROM arrow_in')


def _patchable(previous: Path, earlier: Mapping[str, str], changed: set[str]) -> bool:
    """Whether the previous snapshot's database can be patched: it exists, has today's columns
    and month files, and at most half of the month files changed (more is a rebuild, which also
    leaves no gaps of deleted rows behind)."""
    if not (previous / DB_NAME).is_file() or any(f"{name}.parquet" in earlier for name in PARTITIONED):
        return False
    months = [f for f in earlier if _table_of(f) in PARTITIONED]
    if len([f for f in changed if _table_of(f) in PARTITIONED]) * 2 > max(len(months), 1):
        return False
    db = duckdb.connect(str(previous / DB_NAME), read_only=True)
    try:
        columns = dict(db.execute("""SELECT table_name, list(column_name ORDER BY ordinal_position)
                                     FROM information_schema.columns GROUP BY table_name""").fetchall())
    finally:
        db.close()
    return all(columns.get(name) == schema.names for name, schema in SCHEMAS.items())


def _patch_database(db: duckdb.DuckDBPyConnection, previous: Path, earlier: Mapping[str, str],
                    changed: Mapping[str, pa.Table], unchanged: set[str]) -> None:
    """Replace in a copy of the previous database the rows of every file that changed or went:
    a month's rows are deleted by their keys in the previous snapshot's file of that month, the
    new month's rows inserted; a changed small table is replaced whole."""
    gone = [f for f in earlier if f not in unchanged]
    fresh = _tables_of(changed, changed)
    for name in SCHEMAS:
        if name not in PARTITIONED:
            if name in fresh:
                _with_arrow(db, fresh[name], f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM arrow_in')
            continue
        key = PARTITIONED[name][1]
        stale = [str(previous / "parquet" / f) for f in gone if _table_of(f) == name]
        if stale:
            db.execute(f'DELETE FROM "{name}" WHERE "{key}" IN (SELECT "{key}" FROM read_parquet($files))',
                       {"files": stale})
        if name in fresh:
            _with_arrow(db, fresh[name], f'INSERT INTO "{name}" SELECT * FROM arrow_in')


@contextlib.contextmanager
def writer_lock(processed_dir: Path):
    """One writer per store at a time. Two writers (the app and a CLI run, or two servers on one
    store) would each build from the same previous snapshot and the last swap would drop the
    other's articles or corrections; the second one waits instead."""
    processed_dir.mkdir(parents=True, exist_ok=True)
    with open(processed_dir / ".writer.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def writer_busy(processed_dir: Path) -> bool:
    """Whether another writer holds the store now: lets a caller say it waits instead of seeming hung."""
    lock = Path(processed_dir) / ".writer.lock"
    if not lock.exists():
        return False
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def publish(processed_dir: Path, tables: Mapping[str, pa.Table], run_info: dict) -> tuple[Path, bool]:
    """Write a complete snapshot, then swap `current` to it in one atomic rename.

    Returns (snapshot, published). Nothing is published when the tables equal the current ones.
    Any failure before the swap leaves the previous store untouched.
    """
    missing = set(SCHEMAS) - set(tables)
    if missing:
        raise ValueError(f"publish needs every table; missing {sorted(missing)}")
    processed_dir = Path(processed_dir)
    snapshots = processed_dir / "snapshots"
    snapshots.mkdir(parents=True, exist_ok=True)
    tables = {name: tables[name] for name in SCHEMAS}
    plan = layout(tables)
    print_ = fingerprint(plan.digests)
    current = current_snapshot(processed_dir)
    if current is not None and json.loads((current / "run.json").read_text()).get("fingerprint") == print_:
        return current, False

    staging = snapshots / f".staging-{uuid.uuid4().hex}"
    try:
        _write_snapshot(staging, tables, plan, current, {**run_info, "fingerprint": print_, "files": plan.digests})
        run_id = f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S%fZ}-{print_[:8]}"
        final = snapshots / run_id
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    tmp_link = processed_dir / f".current-{uuid.uuid4().hex}"
    os.symlink(Path("snapshots") / run_id, tmp_link)
    os.replace(tmp_link, processed_dir / "current")
    _prune(snapshots, keep=final)
    return final, True


def _prune(snapshots: Path, keep: Path) -> None:
    """Keep the newest few snapshots so a reader still on the previous one is not cut off."""
    done = sorted((p for p in snapshots.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
    for old in done[KEEP_SNAPSHOTS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    # A staging folder left by a crashed run; a young one may belong to a run still going.
    cutoff = dt.datetime.now().timestamp() - 6 * 3600
    for stale in snapshots.glob(".staging-*"):
        if stale.stat().st_mtime < cutoff:
            shutil.rmtree(stale, ignore_errors=True)
