"""The store's GeoJSON: one FeatureCollection per month, compact, every non-null column of a located event."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import store
from test_store import EVENT, _dated_tables, _event_on

DEGREES = st.one_of(st.floats(-90, 90), st.sampled_from([5e-7, -5e-7, 1.0000005, 34.5, -0.0]))


def _features(folder):
    return [f for path in store.geojson_files(store.current_snapshot(folder)) for f in json.loads(path.read_text())["features"]]


def _expected_properties(event):
    """What the contract promises of a located event: every column but the point, which is the geometry."""
    row = store.event_tables([event])[0].to_pylist()[0]
    return {name: value.isoformat() if isinstance(value, dt.date) else value for name, value in row.items()
            if value is not None and name not in ("latitude", "longitude")}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summary=st.text(max_size=30), actor=st.one_of(st.none(), st.text(max_size=10)), lat=DEGREES, lon=DEGREES,
       fatalities=st.one_of(st.none(), st.integers(0, 10**9)), confidence=st.one_of(st.none(), st.floats(0, 1)),
       day=st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))))
def test_a_located_event_is_a_feature_with_its_point_and_every_non_null_column(
        tmp_path_factory, summary, actor, lat, lon, fatalities, confidence, day):
    event = dataclasses.replace(_event_on(day, "e1"), summary=summary, actor2=actor, latitude=lat, longitude=lon,
                                fatalities=fatalities, confidence=confidence)
    folder = tmp_path_factory.mktemp("geo")
    store.publish(folder, _dated_tables([event]), {})
    [feature] = _features(folder)
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Point"
    coordinates = feature["geometry"]["coordinates"]
    assert coordinates == pytest.approx([lon, lat], abs=5.01e-7)  # to 6 decimals
    assert [round(c, 6) for c in coordinates] == coordinates
    assert feature["properties"] == _expected_properties(event)


def test_one_compact_collection_per_month_of_located_events(tmp_path):
    events = [_event_on(dt.date(2016, 3, 2), "e2"), _event_on(dt.date(2016, 3, 1), "e3"), _event_on(None, "e4"),
              dataclasses.replace(_event_on(dt.date(2016, 3, 5), "nowhere"), latitude=None, longitude=None),
              dataclasses.replace(_event_on(dt.date(2016, 4, 1), "precise"), latitude=34.123456789, longitude=-0.5)]
    snapshot, _ = store.publish(tmp_path, _dated_tables(events), {})
    files = {p.name: p.read_text() for p in store.geojson_files(snapshot)}
    assert sorted(files) == ["events-2016-03.geojson", "events-2016-04.geojson", "events-undated.geojson"]
    collections = {name: json.loads(text) for name, text in files.items()}
    assert all(c["type"] == "FeatureCollection" for c in collections.values())
    ids = {name: [f["properties"]["event_id"] for f in c["features"]] for name, c in collections.items()}
    assert ids == {"events-2016-03.geojson": ["e3", "e2"], "events-2016-04.geojson": ["precise"],
                   "events-undated.geojson": ["e4"]}  # in date order; an event without a point is left out
    assert collections["events-2016-04.geojson"]["features"][0]["geometry"]["coordinates"] == [-0.5, 34.123457]
    undated = collections["events-undated.geojson"]["features"][0]["properties"]
    assert "date_start" not in undated and "fatalities" not in undated and undated["summary"] == EVENT.summary
    assert all('": ' not in text and '", "' not in text for text in files.values())
