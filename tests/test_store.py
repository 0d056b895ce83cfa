"""The store: records round-trip through Parquet and DuckDB; publishing is atomic."""
from __future__ import annotations

import datetime as dt
import json
import threading

import duckdb
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import rollups, store
from etl.records import Event, EventMention, EventPlace, Place, PlaceMention, TimeMention

PLACE = Place("geonames:1", "Somewhere", 34.5, 38.3, "city", "SY", "Homs", 50000, "geonames", ("Elsewhere",))
TIMEX = TimeMention(3, 12, "last May", "DATE", "2015-05", "month", dt.date(2015, 5, 1), dt.date(2015, 5, 31), False, "", "published")
MENTION = EventMention(
    article_id="a1", mention_id="a1:10-20", sentence="They took the town last May.", sentence_start=0,
    sentence_end=28, trigger="took", trigger_start=5, trigger_end=9, event_type="territory",
    sub_event_type="non-state actor overtakes territory", actor1="ISIS", actor2="", date_text="last May",
    date_value="2015-05", date_start=dt.date(2015, 5, 1), date_end=dt.date(2015, 5, 31), date_precision="month",
    place_id="geonames:1", place_text="the town", places=(EventPlace("geonames:1", "location", "the town"),),
    fatalities=None, confidence=0.8,
)
EVENT = Event(
    "e1", "territory", "non-state actor overtakes territory", "ISIS takes Somewhere", dt.date(2015, 5, 1),
    dt.date(2015, 5, 31), "month", "last May", "geonames:1", 34.5, 38.3, 1, "ISIS", "", None, 2, 3,
    dt.date(2016, 3, 27), 0.8, "", ("a1:10-20",), (EventPlace("geonames:1", "location", "the town"),),
)


def _tables(events=(EVENT,), mentions=(MENTION,)):
    event_table, event_places = store.event_tables(events)
    mention_table, mention_places = store.event_mention_tables(mentions, ["e1"] * len(mentions))
    return {
        **{name: store.to_table(name, []) for name in store.SCHEMAS},
        "timexes": store.to_table("timexes", store.timex_rows("a1", [TIMEX])),
        "places": store.to_table("places", store.place_rows([PLACE])),
        "place_mentions": store.to_table("place_mentions", store.place_mention_rows("a1", [PlaceMention(0, 4, "town", PLACE, 1, 0.9, "ner")])),
        "events": event_table,
        "event_mentions": mention_table,
        "mention_places": mention_places,
        "event_places": event_places,
    }


def test_empty_store_has_every_table_with_final_columns(tmp_path):
    empty = {name: store.to_table(name, []) for name in store.SCHEMAS}
    store.publish(tmp_path, empty, {})
    db = store.connect(tmp_path)
    for name, schema in store.SCHEMAS.items():
        columns = [row[0] for row in db.execute(f'DESCRIBE "{name}"').fetchall()]
        assert columns == schema.names
        assert store.read_table(tmp_path, name).num_rows == 0


def test_records_round_trip_through_the_store(tmp_path):
    store.publish(tmp_path, _tables(), {"note": "x"})
    timexes = store.timexes_from_rows(store.read_table(tmp_path, "timexes").to_pylist())
    assert timexes == [TIMEX]
    places = store.places_from_rows(store.read_table(tmp_path, "places").to_pylist())
    assert places == {PLACE.place_id: PLACE}
    mp = {}
    for row in store.read_table(tmp_path, "mention_places").to_pylist():
        mp.setdefault(row["mention_id"], []).append(row)
    assert store.event_mentions_from_rows(store.read_table(tmp_path, "event_mentions").to_pylist(), mp) == [MENTION]
    [month] = store.geojson_files(store.current_snapshot(tmp_path))
    assert month.name == "events-2015-05.geojson"
    geo = json.loads(month.read_text())
    assert geo["features"][0]["geometry"]["coordinates"] == [38.3, 34.5]
    assert geo["features"][0]["properties"]["date_start"] == "2015-05-01"
    db = store.connect(tmp_path)
    assert db.execute("SELECT count(*) FROM events WHERE date_precision = 'month'").fetchone() == (1,)


def test_identical_tables_publish_nothing_and_stay_byte_identical(tmp_path):
    first, published = store.publish(tmp_path, _tables(), {})
    assert published
    before = {p.name: p.read_bytes() for p in (first / "parquet").iterdir()}
    second, published_again = store.publish(tmp_path, _tables(), {})
    assert not published_again and second == first
    assert {p.name: p.read_bytes() for p in (second / "parquet").iterdir()} == before


def test_parquet_bytes_do_not_depend_on_row_order(tmp_path):
    other = EventMention(**{**MENTION.__dict__, "mention_id": "a1:30-40", "trigger_start": 30})
    a = _tables(mentions=(MENTION, other))
    b = _tables(mentions=(other, MENTION))
    pq.write_table(a["event_mentions"], tmp_path / "a.parquet")
    pq.write_table(b["event_mentions"], tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


@pytest.mark.parametrize("step", ["write_events_geojson", "_patch_database", "_build_database"])
def test_a_failed_publish_leaves_the_previous_store(tmp_path, monkeypatch, step):
    store.publish(tmp_path, _tables(), {})
    before = store.current_snapshot(tmp_path)
    db_before = (before / store.DB_NAME).read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store, step, broken)
    if step == "_build_database":  # a rebuild, as when most months change
        monkeypatch.setattr(store, "_patchable", lambda *args: False)
    with pytest.raises(OSError):
        store.publish(tmp_path, _tables(events=(EVENT, _event_on(MARCH, "e2"))), {})
    assert store.current_snapshot(tmp_path) == before
    assert (before / store.DB_NAME).read_bytes() == db_before
    assert store.read_table(tmp_path, "events").num_rows == 1
    assert not list((tmp_path / "snapshots").glob(".staging-*"))


def test_publish_refuses_a_partial_set_of_tables(tmp_path):
    tables = _tables()
    del tables["events"]
    with pytest.raises(ValueError, match="events"):
        store.publish(tmp_path, tables, {})
    assert store.current_snapshot(tmp_path) is None


def test_a_reader_during_publishing_always_sees_one_complete_store(tmp_path):
    """Readers poll while runs alternate between two different stores: never a mix, never nothing."""
    full, empty = _tables(), _tables(events=(), mentions=())
    store.publish(tmp_path, full, {})
    stop = threading.Event()
    seen, errors = set(), []

    def read_loop():
        while not stop.is_set():
            try:
                snap = store.current_snapshot(tmp_path)
                assert snap is not None
                events = store.read_table(tmp_path, "events", snapshot=snap).num_rows
                mentions = store.read_table(tmp_path, "event_mentions", snapshot=snap).num_rows
                con = duckdb.connect(str(snap / store.DB_NAME), read_only=True)
                in_db = con.execute("SELECT count(*) FROM events").fetchone()[0]
                con.close()
                assert events == mentions == in_db, (events, mentions, in_db)
                seen.add(events)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    reader = threading.Thread(target=read_loop)
    reader.start()
    for i in range(8):
        store.publish(tmp_path, empty if i % 2 == 0 else full, {"i": i})
    stop.set()
    reader.join()
    assert not errors, errors[:3]
    assert seen <= {0, 1} and seen


TEXT = st.text(max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summary=TEXT, actor=TEXT, quote=TEXT, fatalities=st.one_of(st.none(), st.integers(0, 10**6)),
       day=st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
def test_any_event_round_trips(tmp_path_factory, summary, actor, quote, fatalities, day):
    event = Event(**{**EVENT.__dict__, "summary": summary, "actor1": actor, "fatalities": fatalities,
                     "date_start": day, "date_end": day, "disputed": quote})
    folder = tmp_path_factory.mktemp("rt")
    store.publish(folder, _tables(events=(event,)), {})
    row = store.read_table(folder, "events").to_pylist()[0]
    assert (row["summary"], row["actor1"], row["fatalities"], row["date_start"], row["disputed"]) == (
        summary, actor, fatalities, day, quote)


def test_a_store_written_before_a_column_existed_still_reads(tmp_path):
    """An upgrade must read its old store (the next run then rewrites it)."""
    store.publish(tmp_path, _tables(), {})
    path = store.current_snapshot(tmp_path) / "parquet" / "places.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["label"]), path)
    places = store.read_table(tmp_path, "places")
    assert places.schema == store.SCHEMAS["places"]
    assert places.column("label").to_pylist() == [None] and places.column("name").to_pylist() == ["Somewhere"]


def _event_on(day: dt.date | None, event_id: str) -> Event:
    return Event(**{**EVENT.__dict__, "event_id": event_id, "date_start": day, "date_end": day,
                    "mention_ids": (f"{event_id}:m",)})


def _mention_of(event: Event) -> EventMention:
    return EventMention(**{**MENTION.__dict__, "mention_id": event.mention_ids[0], "date_start": event.date_start,
                           "date_end": event.date_end, "trigger_start": len(event.event_id)})


def _dated_tables(events):
    mentions = [_mention_of(e) for e in events]
    event_table, event_places = store.event_tables(events)
    mention_table, mention_places = store.event_mention_tables(mentions, [e.event_id for e in events])
    return {**_tables(), "events": event_table, "event_places": event_places, "event_mentions": mention_table,
            "mention_places": mention_places}


MARCH, APRIL = dt.date(2016, 3, 27), dt.date(2016, 4, 2)


def test_event_and_mention_tables_are_one_file_per_month_sorted_by_date(tmp_path):
    events = [_event_on(MARCH, "e3"), _event_on(APRIL, "e1"), _event_on(dt.date(2016, 3, 2), "e2"), _event_on(None, "e0")]
    snap, _ = store.publish(tmp_path, _dated_tables(events), {})
    names = sorted(p.name for p in (snap / "parquet").iterdir())
    for table in ("events", "event_places", "event_mentions", "mention_places"):
        assert [n for n in names if n.startswith(table + "-")] == [
            f"{table}-2016-03.parquet", f"{table}-2016-04.parquet", f"{table}-undated.parquet"], names
    march = pq.read_table(snap / "parquet" / "events-2016-03.parquet").to_pylist()
    assert [(r["event_id"], r["date_start"]) for r in march] == [("e2", dt.date(2016, 3, 2)), ("e3", MARCH)]
    places = pq.read_table(snap / "parquet" / "event_places-2016-04.parquet").column("event_id").to_pylist()
    assert places == ["e1"]
    # Read back whole, in the table's own order, and the same in DuckDB.
    assert store.read_table(tmp_path, "events") == _dated_tables(events)["events"]
    assert store.read_table(tmp_path, "mention_places") == _dated_tables(events)["mention_places"]
    assert store.connect(tmp_path).execute("SELECT count(*) FROM events").fetchone() == (4,)


def test_a_new_month_rewrites_that_month_and_links_the_others(tmp_path):
    before = [_event_on(MARCH, "e1"), _event_on(None, "e0")]
    first, _ = store.publish(tmp_path, _dated_tables(before), {})
    second, published = store.publish(tmp_path, _dated_tables(before + [_event_on(APRIL, "e2")]), {})
    assert published and second != first
    for name in ("events-2016-03.parquet", "event_mentions-undated.parquet", "timexes.parquet", "places.parquet"):
        assert (second / "parquet" / name).samefile(first / "parquet" / name), name
    assert (second / "parquet" / "events-2016-04.parquet").stat().st_nlink == 1
    assert store.read_table(tmp_path, "events").column("event_id").to_pylist() == ["e1", "e2", "e0"]
    # A later change to a linked month writes a new file and leaves the older snapshot's intact.
    third, _ = store.publish(tmp_path, _dated_tables([_event_on(MARCH, "e9"), _event_on(APRIL, "e2")]), {})
    assert not (third / "parquet" / "events-2016-03.parquet").samefile(second / "parquet" / "events-2016-03.parquet")
    assert pq.read_table(second / "parquet" / "events-2016-03.parquet").column("event_id").to_pylist() == ["e1"]


def test_a_store_from_before_partitioning_still_reads(tmp_path):
    snap, _ = store.publish(tmp_path, _dated_tables([_event_on(MARCH, "e1"), _event_on(None, "e0")]), {})
    whole = store.read_table(tmp_path, "events")
    for part in (snap / "parquet").glob("events-*.parquet"):
        part.unlink()
    pq.write_table(whole, snap / "parquet" / "events.parquet")
    assert store.read_table(tmp_path, "events") == whole


# ---------------------------------------------------------------- incremental publishing

def _query_results(processed):
    """Every table through DuckDB, and the counts over them, in a fixed order: what any query of the
    dashboard can see."""
    db = store.connect(processed)
    try:
        return {name: sorted(map(repr, db.execute(f'SELECT * FROM "{name}"').fetchall()))
                for name in (*store.SCHEMAS, *rollups.TABLES)}
    finally:
        db.close()


def _geojson_features(snapshot):
    return [f for path in store.geojson_files(snapshot) for f in json.loads(path.read_text())["features"]]


def _months(first_day: dt.date, n: int, per_month: int = 2) -> list[Event]:
    days = [dt.date(first_day.year + (first_day.month - 1 + m) // 12, (first_day.month - 1 + m) % 12 + 1, 1 + d)
            for m in range(n) for d in range(per_month)]
    return [_event_on(day, f"e{i:03d}") for i, day in enumerate(days)]


@pytest.mark.parametrize("change", ["a new month", "a changed month", "a month gone", "an undated event gone"])
def test_an_incremental_publish_touches_only_the_changed_month_and_equals_a_full_one(tmp_path, monkeypatch, change):
    events = _months(dt.date(2015, 1, 1), 6) + [_event_on(None, "u1"), _event_on(None, "u2")]
    after = {
        "a new month": events + [_event_on(dt.date(2015, 7, 9), "n1")],
        "a changed month": [e if e.event_id != "e004" else _event_on(dt.date(2015, 3, 20), "e004") for e in events],
        "a month gone": [e for e in events if e.date_start is None or e.date_start.month != 2],
        "an undated event gone": [e for e in events if e.event_id != "u2"],
    }[change]
    full, incremental = tmp_path / "full", tmp_path / "incremental"
    store.publish(full, _dated_tables(after), {})
    first, _ = store.publish(incremental, _dated_tables(events), {})
    db_before = (first / store.DB_NAME).read_bytes()
    monkeypatch.setattr(store, "_build_database", None)  # patched, not rebuilt
    second, published = store.publish(incremental, _dated_tables(after), {})
    assert published
    assert _query_results(incremental) == _query_results(full)
    assert _geojson_features(second) == _geojson_features(store.current_snapshot(full))
    assert (first / store.DB_NAME).read_bytes() == db_before  # the previous store is not touched
    # Only the files of the month that changed are written; the rest are the previous ones.
    every_table = ("events", "event_mentions", "event_places", "mention_places")
    month, tables = {"a new month": ("2015-07", every_table),
                     "a changed month": ("2015-03", ("events", "event_mentions")),  # its places are the same
                     "a month gone": (None, ()), "an undated event gone": ("undated", every_table)}[change]
    written = sorted(p.name for p in [*(second / "parquet").iterdir(), *store.geojson_files(second)]
                     if p.stat().st_nlink == 1)
    assert written == sorted([f"{t}-{month}.parquet" for t in tables] + ([f"events-{month}.geojson"] if month else []))


def test_a_publish_changing_most_months_rebuilds_the_database_with_the_same_results(tmp_path):
    before, after = _months(dt.date(2015, 1, 1), 4), _months(dt.date(2016, 1, 1), 4)
    store.publish(tmp_path / "store", _dated_tables(before), {})
    store.publish(tmp_path / "store", _dated_tables(after), {})
    store.publish(tmp_path / "full", _dated_tables(after), {})
    assert _query_results(tmp_path / "store") == _query_results(tmp_path / "full")


def test_a_store_written_before_a_column_existed_is_rebuilt_not_patched(tmp_path):
    events = _months(dt.date(2015, 1, 1), 6)
    first, _ = store.publish(tmp_path, _dated_tables(events), {})
    db = duckdb.connect(str(first / store.DB_NAME))
    db.execute("ALTER TABLE events DROP COLUMN disputed")
    db.close()
    store.publish(tmp_path, _dated_tables(events + [_event_on(dt.date(2015, 7, 1), "n1")]), {})
    columns = [r[0] for r in store.connect(tmp_path).execute("DESCRIBE events").fetchall()]
    assert columns == store.SCHEMAS["events"].names


MONTH_DAYS = st.sampled_from([None, dt.date(2015, 1, 5), dt.date(2015, 1, 20), dt.date(2015, 2, 3), dt.date(2015, 3, 9),
                              dt.date(2015, 4, 1), dt.date(2015, 5, 30)])
STORES = st.dictionaries(st.sampled_from([f"e{i}" for i in range(8)]), MONTH_DAYS, max_size=8)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=STORES, after=STORES)
def test_any_publish_after_another_reads_as_a_publish_from_scratch(tmp_path_factory, before, after):
    """Whether the database is patched or rebuilt, what it answers is what a fresh store answers."""
    folder = tmp_path_factory.mktemp("pp")

    def tables(days):
        return _dated_tables([_event_on(day, event_id) for event_id, day in sorted(days.items())])

    store.publish(folder / "store", tables(before), {})
    store.publish(folder / "store", tables(after), {})
    store.publish(folder / "fresh", tables(after), {})
    assert _query_results(folder / "store") == _query_results(folder / "fresh")
    assert _geojson_features(store.current_snapshot(folder / "store")) == _geojson_features(
        store.current_snapshot(folder / "fresh"))
