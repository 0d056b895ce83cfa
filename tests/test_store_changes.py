"""Which months a publish rewrites: found from digests of the rows, exactly as comparing the files would."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import shutil
import struct

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from etl import store
from test_store import _dated_tables, _event_on, _months, _tables

TEXT = st.text(max_size=12)
NUMBER = st.one_of(st.none(), st.integers(0, 10**6))
DEGREES = st.one_of(st.none(), st.floats(-90, 90), st.sampled_from([0.0, -0.0, 34.5000001, 34.50000000000001]))
CHANGES = {  # a field of an event and the values it may take
    "summary": TEXT, "actor1": TEXT, "actor2": TEXT, "disputed": TEXT, "date_text": TEXT, "event_type": TEXT,
    "latitude": DEGREES, "longitude": DEGREES, "confidence": st.floats(0, 1), "fatalities": NUMBER,
    "n_sources": NUMBER, "geo_precision": NUMBER,
    "date_start": st.sampled_from([None, dt.date(2015, 1, 1), dt.date(2015, 1, 2), dt.date(2015, 1, 30),
                                   dt.date(2015, 2, 1), dt.date(2015, 3, 2), dt.date(2015, 4, 1)]),
}


def _files(snapshot):
    """Every Parquet and GeoJSON file of a snapshot, by its path in the snapshot."""
    return {str(p.relative_to(snapshot)): p for folder in ("parquet", store.GEOJSON_DIR) for p in (snapshot / folder).iterdir()}


def _bits(value):
    """A value as the store tells it apart: floats by their bits (0.0 and -0.0 differ)."""
    return struct.pack("<d", value) if isinstance(value, float) else value


def _month(day):
    return f"{day:%Y-%m}" if day else store.UNDATED


BEFORE = _months(dt.date(2015, 1, 1), 3) + [_event_on(None, "u1")]


@pytest.fixture(scope="module")
def published_before(tmp_path_factory):
    folder = tmp_path_factory.mktemp("before")
    store.publish(folder, _dated_tables(BEFORE), {})
    return folder


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_change_to_any_row_rewrites_its_month_and_links_every_unchanged_file(tmp_path_factory, published_before, data):
    before = BEFORE
    row = data.draw(st.integers(0, len(before) - 1), label="row")
    field = data.draw(st.sampled_from(sorted(CHANGES)), label="field")
    value = data.draw(CHANGES[field], label="value")
    assume(_bits(value) != _bits(getattr(before[row], field)))
    changed = dataclasses.replace(before[row], **{field: value})
    after = before[:row] + [changed] + before[row + 1:]
    folder = tmp_path_factory.mktemp("change")
    shutil.copytree(published_before, folder / "store", symlinks=True)
    first = store.current_snapshot(folder / "store")
    second, published = store.publish(folder / "store", _dated_tables(after), {})
    fresh, _ = store.publish(folder / "fresh", _dated_tables(after), {})
    assert published
    files, earlier = _files(second), _files(first)
    # The same files as a publish from scratch, byte for byte.
    assert {name: p.read_bytes() for name, p in files.items()} == {name: p.read_bytes() for name, p in _files(fresh).items()}
    # A Parquet file is linked exactly when its bytes are the previous ones; a month's GeoJSON with its events' file.
    for name, path in files.items():
        if name.endswith(".parquet"):
            same = name in earlier and earlier[name].read_bytes() == path.read_bytes()
            assert path.samefile(earlier[name]) if same else path.stat().st_nlink == 1, name
        else:
            events = files[f"parquet/{name.split('/')[1].removesuffix('.geojson')}.parquet"]
            assert path.stat().st_nlink == events.stat().st_nlink, name
    # The month the changed row was in, and the one it is in now, are written again.
    for month in {_month(before[row].date_start), _month(changed.date_start)}:
        name = f"parquet/events-{month}.parquet"
        if name in files:
            assert files[name].stat().st_nlink == 1, name


def test_an_unchanged_publish_cuts_and_encodes_nothing(tmp_path, monkeypatch):
    tables = _dated_tables(_months(dt.date(2015, 1, 1), 4))
    first, _ = store.publish(tmp_path, tables, {})

    def refused(*args, **kwargs):
        raise AssertionError("an unchanged store was cut or encoded")

    monkeypatch.setattr(store, "partition_files", refused)
    monkeypatch.setattr(pq, "write_table", refused)
    assert store.publish(tmp_path, tables, {"run": 2}) == (first, False)


def test_one_more_month_cuts_and_encodes_only_that_month(tmp_path, monkeypatch):
    events = _months(dt.date(2015, 1, 1), 4)
    store.publish(tmp_path, _dated_tables(events), {})
    cut, encoded = [], []
    partition_files, write_table = store.partition_files, pq.write_table

    def spy_cut(*args, **kwargs):
        files = partition_files(*args, **kwargs)
        cut.extend(files)
        return files

    def spy_write(table, where, **kwargs):
        encoded.append(where.name)
        return write_table(table, where, **kwargs)

    monkeypatch.setattr(store, "partition_files", spy_cut)
    monkeypatch.setattr(pq, "write_table", spy_write)
    store.publish(tmp_path, _dated_tables(events + [_event_on(dt.date(2015, 5, 9), "n1")]), {})
    new_month = sorted(f"{t}-2015-05.parquet" for t in ("events", "event_mentions", "event_places", "mention_places"))
    assert sorted(cut) == sorted(encoded) == new_month


def test_rows_equal_in_their_keys_give_the_same_files_in_any_order(tmp_path):
    """The sort keys do not always tell rows apart; the row's hash then orders them."""
    twins = [dataclasses.replace(_event_on(dt.date(2015, 3, 1), "e1"), summary=s) for s in ("one", "two", "three")]
    a, _ = store.publish(tmp_path / "a", _dated_tables(twins), {})
    b, _ = store.publish(tmp_path / "b", _dated_tables(twins[::-1]), {})
    assert (a / "parquet" / "events-2015-03.parquet").read_bytes() == (b / "parquet" / "events-2015-03.parquet").read_bytes()
    assert store.publish(tmp_path / "a", _dated_tables(twins[::-1]), {}) == (a, False)


def test_a_whole_table_keeps_the_order_it_is_given_in(tmp_path):
    """A small table is written as given: the same rows in another order are another file."""
    places = _tables()["places"]
    two = pa.concat_tables([places, places.set_column(0, "place_id", pa.array(["geonames:0"]))])
    store.publish(tmp_path, {**_tables(), "places": two}, {})
    second, published = store.publish(tmp_path, {**_tables(), "places": two.take([1, 0])}, {})
    assert published
    assert store.read_table(tmp_path, "places").column("place_id").to_pylist() == ["geonames:0", "geonames:1"]
    assert pq.read_table(second / "parquet" / "places.parquet").column("place_id").to_pylist() == ["geonames:0", "geonames:1"]


@pytest.mark.parametrize("older", ["files hashed by their bytes", "another digest version"])
def test_a_store_with_other_digests_is_rewritten_whole_once(tmp_path, monkeypatch, older):
    """A store from before the row digests, or written in another form: nothing can be trusted to be
    the same, so every file is written again (and the next run links them)."""
    tables = _dated_tables(_months(dt.date(2015, 1, 1), 4))
    first, _ = store.publish(tmp_path, tables, {})
    if older == "files hashed by their bytes":
        info = json.loads((first / "run.json").read_text())
        info["files"] = {name: hashlib.sha256((first / "parquet" / name).read_bytes()).hexdigest() for name in info["files"]}
        info["fingerprint"] = store.fingerprint(info["files"])
        (first / "run.json").write_text(json.dumps(info))
    else:
        monkeypatch.setattr(store, "DIGEST_VERSION", "another")
    second, published = store.publish(tmp_path, tables, {})
    assert published
    assert all(p.stat().st_nlink == 1 for p in _files(second).values())
    assert {n: p.read_bytes() for n, p in _files(second).items()} == {n: p.read_bytes() for n, p in _files(first).items()}
    assert store.publish(tmp_path, tables, {}) == (second, False)


def test_a_place_row_without_its_event_goes_to_the_undated_file(tmp_path):
    tables = _dated_tables([_event_on(dt.date(2015, 3, 1), "e1")])
    orphan = store.event_tables([_event_on(dt.date(2015, 3, 1), "gone")])[1]
    snapshot, _ = store.publish(tmp_path, {**tables, "event_places": pa.concat_tables([tables["event_places"], orphan])}, {})
    assert pq.read_table(snapshot / "parquet" / "event_places-2015-03.parquet").column("event_id").to_pylist() == ["e1"]
    assert pq.read_table(snapshot / "parquet" / "event_places-undated.parquet").column("event_id").to_pylist() == ["gone"]
