"""The map's selected event, the names on a map of grid cells, and the warm-up of the opening view:
pure parts on the fixture store and a small synthetic store, the Map and Events pages under AppTest."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboard import maps, mapview, queries
from dashboard.filters import Filters
from dashboard_fixtures import HOSTILE, navigating_app_test
from etl import config

PALMYRA = (34.56, 38.27)


@pytest.fixture(scope="module")
def snapshot(fixture_store) -> str:
    return queries.snapshot_of(fixture_store)


@pytest.fixture(scope="module")
def synthetic_snapshot(tmp_path_factory) -> str:
    from dashboard.synthetic import build_synthetic_store

    processed = tmp_path_factory.mktemp("synthetic")
    build_synthetic_store(processed, 3000, seed=5)
    return queries.snapshot_of(processed)


def selected(snapshot: str, event_id: str) -> dict | None:
    event = queries.event_by_id(snapshot, event_id).iloc[0].to_dict()
    return maps.highlight(event, queries.event_places(snapshot, (event_id,)))


# ---------------------------------------------------------------- the selected event

def test_a_movement_is_ringed_where_it_happened_and_linked_to_each_destination(snapshot):
    chosen = selected(snapshot, "ev-retreat")
    assert (round(chosen["lat"], 2), round(chosen["lon"], 2)) == PALMYRA
    # Palmyra is its location and its origin: the ring shows it; the three destinations are linked and named.
    assert sorted(p["label"] for p in chosen["places"]) == [
        "destination: Deir ez-Zor", "destination: Raqqa", "destination: Sukhnah"]
    (south, west), (north, east) = chosen["bounds"]
    for lat, lon in [(chosen["lat"], chosen["lon"])] + [(p["lat"], p["lon"]) for p in chosen["places"]]:
        assert south < lat < north and west < lon < east
    assert chosen["radius"] > maps.marker_radius(1)


def test_an_event_without_roles_is_a_ring_alone(snapshot):
    chosen = selected(snapshot, "ev-recapture")
    assert chosen["places"] == [] and (round(chosen["lat"], 2), round(chosen["lon"], 2)) == PALMYRA


@pytest.mark.parametrize("event, places, expected", [
    ({"latitude": None, "longitude": None}, pd.DataFrame(columns=["role", "lat", "lon", "name", "text"]), None),
    # no place of its own, but a target: that place is drawn and framed, with no ring
    ({"latitude": float("nan"), "longitude": float("nan")},
     pd.DataFrame([{"role": "target", "lat": 10.0, "lon": 20.0, "name": HOSTILE, "text": "x"}]), "target only"),
    # a place with a location role is the event's own place, not a link
    ({"latitude": 1.0, "longitude": 2.0, "n_sources": 3},
     pd.DataFrame([{"role": "location", "lat": 5.0, "lon": 5.0, "name": "Elsewhere", "text": "x"}]), "ring only"),
])
def test_highlight_of_events_with_few_coordinates(event, places, expected):
    chosen = maps.highlight(event, places)
    if expected is None:
        assert chosen is None
    elif expected == "target only":
        assert chosen["lat"] is None and len(chosen["places"]) == 1
        assert "<script" not in chosen["places"][0]["label"] and "&lt;script" in chosen["places"][0]["label"]
        (south, west), (north, east) = chosen["bounds"]
        assert south < 10.0 < north and west < 20.0 < east
    else:
        assert chosen["lat"] == 1.0 and chosen["places"] == []


HOME = [[0.0, 0.0], [1.0, 1.0]]
CHOSEN = {"bounds": [[5.0, 5.0], [6.0, 6.0]]}


@pytest.mark.parametrize("selected_id, framed, chosen, expected", [
    ("a", None, CHOSEN, CHOSEN["bounds"]),  # newly selected: move to it
    ("b", "a", CHOSEN, CHOSEN["bounds"]),  # another one selected
    ("a", "a", CHOSEN, None),  # the same one, a later run: leave the map where the analyst put it
    (None, "a", None, HOME),  # cleared: back to the opening view
    (None, None, None, None),  # nothing selected, ever
    ("a", None, None, None),  # selected, but it has no place on the map
])
def test_the_map_moves_once_per_selection(selected_id, framed, chosen, expected):
    assert maps.frame_to(selected_id, framed, chosen, HOME) == expected


def rendered(group) -> str:
    fmap = maps.build_binned_map([], [], pd.DataFrame(), (0.0, 0.0, 1.0, 1.0))
    group.add_to(fmap)
    return fmap.get_root().render()


def test_overlay_rings_links_and_frames_only_when_asked(snapshot):
    chosen = selected(snapshot, "ev-retreat")
    framed = rendered(maps.overlay(chosen, chosen["bounds"]))
    assert "tl-selected" in framed and "tl-selected-link" in framed and "fitBounds(h.bounds" in framed
    assert framed.count("destination: ") == 3
    assert "fitBounds(h.bounds" not in rendered(maps.overlay(chosen, None))
    home = rendered(maps.overlay(None, HOME))
    assert "tl-selected'" not in home and "fitBounds([[0.0, 0.0], [1.0, 1.0]]" in home
    assert maps.overlay(None, None) is None


def test_hostile_place_names_reach_the_overlay_escaped():
    chosen = maps.highlight({"latitude": 1.0, "longitude": 2.0},
                            pd.DataFrame([{"role": "destination", "lat": 3.0, "lon": 4.0, "name": HOSTILE, "text": ""}]))
    page = rendered(maps.overlay(chosen, chosen["bounds"]))
    assert "<script>window.__pwned" not in page and "<img src=x" not in page


# ---------------------------------------------------------------- names on a map of grid cells

@pytest.mark.parametrize("filters, cell, box", [
    (Filters(), 1.0, None),
    (Filters(event_types=("Battles",)), 0.5, (32.0, 36.0, 36.0, 41.0)),
    (Filters(min_sources=2), 0.1, (33.0, 37.0, 34.0, 38.5)),
])
def test_each_cell_names_its_busiest_place(synthetic_snapshot, filters, cell, box):
    bins = queries.map_bins(synthetic_snapshot, filters, cell, box).set_index(["cell_row", "cell_col"])
    located = queries.events_in_box(synthetic_snapshot, filters, box, 100_000)
    located = located.assign(row=(located["latitude"] // cell).astype(int), col=(located["longitude"] // cell).astype(int))
    placed = located[located["place_id"].fillna("") != ""]
    names = queries.place_names(synthetic_snapshot, tuple(placed["place_id"].unique()))
    for key, group in placed.groupby(["row", "col"]):
        counts = group["place_id"].value_counts()
        busiest = min(counts[counts == counts.max()].index)  # ties: the first place id
        assert bins.loc[key, "place_id"] == busiest and bins.loc[key, "place_name"] == names[busiest]
    assert bins["place_id"].notna().sum() == placed.groupby(["row", "col"]).ngroups


def test_the_busiest_cells_are_named_first(synthetic_snapshot):
    bins = queries.map_bins(synthetic_snapshot, Filters(), 0.2)
    rows = maps.cell_label_rows(bins, limit=10)
    busiest = bins.dropna(subset=["place_name"]).nlargest(10, "n_events", keep="first")
    assert [r["text"] for r in rows] == busiest["place_name"].tolist()
    assert [(r["lat"], r["lon"]) for r in rows] == list(zip(busiest["place_lat"], busiest["place_lon"]))


def test_cell_names_are_escaped_and_capped():
    bins = pd.DataFrame([{"n_events": 100 - i, "place_name": HOSTILE if i == 0 else f"place {i}",
                          "place_lat": float(i), "place_lon": float(i)} for i in range(60)]
                        + [{"n_events": 1000, "place_name": None, "place_lat": None, "place_lon": None}])
    rows = maps.cell_label_rows(bins)
    assert len(rows) == maps.MAX_LABELS and "<script" not in rows[0]["text"] and "&lt;script" in rows[0]["text"]
    page = maps.build_binned_map([], [], pd.DataFrame(), (0.0, 0.0, 60.0, 60.0), labels=rows).get_root().render()
    assert page.count('"text"') == maps.MAX_LABELS and "tl-label" in page


# ---------------------------------------------------------------- the opening view, read before anyone opens the map

def test_warm_up_reads_what_the_first_draw_reads(synthetic_snapshot, monkeypatch):
    mapview.warm_up(synthetic_snapshot)
    ran = []
    original = queries._query
    monkeypatch.setattr(queries, "_query", lambda *args, **kwargs: ran.append(args[1]) or original(*args, **kwargs))
    first = mapview.large_view(synthetic_snapshot, Filters(), None)
    queries.event_dates(synthetic_snapshot, Filters())
    queries.count_events(synthetic_snapshot, Filters())
    assert ran == []  # every query of the first draw was cached by the warm-up
    assert first.bins is not None and first.bins["place_name"].notna().any()
    queries.count_located(synthetic_snapshot, Filters(event_types=("Battles",)), None)
    assert len(ran) == 1  # (the spy sees uncached queries)


def test_warm_up_leaves_small_stores_alone(snapshot, monkeypatch):
    ran = []
    monkeypatch.setattr(mapview, "large_view", lambda *args: ran.append(args))
    mapview.warm_up(snapshot)
    assert ran == []


# ---------------------------------------------------------------- the pages

@pytest.fixture
def app(fixture_store, monkeypatch):
    monkeypatch.setattr(config, "PROCESSED_DIR", fixture_store)
    return navigating_app_test(monkeypatch)


def test_map_page_names_the_selection_and_clears_it(app):
    app.query_params["event"] = "ev-retreat"
    app.run()
    app.switch_page("pages/map.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(c.value.startswith("Selected: **Islamic State fighters retreated** (ringed on the map")
               for c in app.caption)
    assert app.session_state["map_framed_event"] == "ev-retreat"
    app.button(key="map_clear_selection").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert "selected_event" not in app.session_state and "event" not in app.query_params
    assert not any(c.value.startswith("Selected:") for c in app.caption)
    assert app.session_state["map_framed_event"] is None


def test_large_map_names_its_cells_and_rings_a_selection(synthetic_snapshot, monkeypatch):
    monkeypatch.setattr(config, "PROCESSED_DIR", queries.Path(synthetic_snapshot).parent.parent)
    app = navigating_app_test(monkeypatch)
    some = queries.events_in_box(synthetic_snapshot, Filters(), None, 1).iloc[0]
    app.query_params["event"] = some["event_id"]
    app.run()
    app.switch_page("pages/map.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("named by their busiest place" in c.value for c in app.caption)
    assert any(c.value.startswith("Selected: ") and "ringed on the map" in c.value for c in app.caption)
