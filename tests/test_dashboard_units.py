"""Pure parts of the dashboard: filters and their URL form, queries on a fixture store, periods,
figures, exports parsed back, and escaping of hostile article text."""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import html
import io
import json
import re
import shutil

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import exports, exports_ui, grid, maps, periods, queries, story, timeline, views
from dashboard.filters import Filters
from dashboard.safe import css_token, escape_html, escape_markdown, safe_url
from etl import rollups, store
from dashboard_fixtures import HOSTILE

D = dt.date


@pytest.fixture(scope="module")
def snapshot(fixture_store) -> str:
    return queries.snapshot_of(fixture_store)


@pytest.fixture(scope="module")
def all_events(snapshot) -> pd.DataFrame:
    return queries.events(snapshot, Filters())


# ---------------------------------------------------------------- filters <-> URL

FILTER_CASES = [
    Filters(),  # unfiltered: empty URL
    Filters(date_from=D(2015, 5, 1), date_to=D(2016, 3, 27)),
    Filters(event_types=("Battles", "Strategic developments"), min_sources=2),
    Filters(actors=("Islamic State",), countries=("SY",), places=("geonames:170015",), sources=("RT", "Reuters")),
    Filters(text="temple & co = 100%"),  # characters that mean something in a URL
]


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_filters_round_trip_through_query_params(filters):
    assert Filters.from_query_params(filters.to_query_params()) == filters


def test_unfiltered_view_has_a_clean_url():
    assert Filters().to_query_params() == {}


@pytest.mark.parametrize("params, expected", [
    ({"from": "not-a-date"}, Filters()),  # junk date ignored
    ({"min_sources": "many"}, Filters()),  # junk number ignored
    ({"min_sources": "-3"}, Filters()),  # at least one source
    ({"type": ["Battles", ""]}, Filters(event_types=("Battles",))),  # empty values dropped
    ({"q": ["old", " new "]}, Filters(text="new")),  # the last value wins for single fields
    ({"unrelated": "x"}, Filters()),
])
def test_query_params_are_read_tolerantly(params, expected):
    assert Filters.from_query_params(params) == expected


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["from", "to", "type", "actor", "q", "min_sources", "place", "zzz"]),
                       st.one_of(st.text(max_size=20), st.lists(st.text(max_size=10), max_size=3))))
def test_any_url_gives_filters_that_round_trip(params):
    filters = Filters.from_query_params(params)
    assert Filters.from_query_params(filters.to_query_params()) == filters


# ---------------------------------------------------------------- queries on the fixture store

@pytest.mark.parametrize("filters, expected", [
    (Filters(), {"ev-fall", "ev-temples", "ev-recapture", "ev-retreat", "ev-country", "ev-hostile"}),
    (Filters(date_from=D(2016, 3, 1)), {"ev-recapture", "ev-retreat", "ev-country", "ev-hostile"}),
    (Filters(date_to=D(2015, 6, 15)), {"ev-fall"}),  # a month-precise event overlapping the range stays
    (Filters(date_from=D(2015, 5, 20), date_to=D(2015, 6, 1)), {"ev-fall"}),
    (Filters(event_types=("Battles",)), {"ev-recapture", "ev-country", "ev-hostile"}),
    (Filters(actors=("Syrian army",)), {"ev-fall", "ev-recapture", "ev-country"}),  # actor1 or actor2
    (Filters(countries=("AE",)), {"ev-hostile"}),
    (Filters(places=("geonames:163915",)), {"ev-retreat"}),  # a destination counts as a place of the event
    (Filters(sources=("Blog",)), {"ev-recapture"}),
    (Filters(min_sources=2), {"ev-recapture"}),
    (Filters(text="TEMPLES"), {"ev-temples"}),  # case-insensitive, in summaries
    (Filters(text="deir ez-zor"), {"ev-retreat"}),  # in the quoted sentence only
    (Filters(text="100%_"), set()),  # LIKE wildcards are plain text
    (Filters(event_types=("Battles",), min_sources=2, date_from=D(2016, 1, 1)), {"ev-recapture"}),
])
def test_events_query_pushes_every_filter_down(snapshot, filters, expected):
    found = queries.events(snapshot, filters)
    assert set(found["event_id"]) == expected
    assert queries.count_events(snapshot, filters) == len(expected)


def test_events_carry_place_country_and_sources(all_events):
    recapture = all_events.set_index("event_id").loc["ev-recapture"]
    assert recapture["place_name"] == "Palmyra" and recapture["country_code"] == "SY"
    assert list(recapture["sources"]) == ["Blog", "Reuters"]
    assert isinstance(recapture["date_start"], dt.date)


def test_movements_start_at_the_origin(snapshot):
    moves = queries.movements(snapshot, Filters())
    assert set(moves["destination_name"]) == {"Sukhnah", "Raqqa", "Deir ez-Zor"}
    assert set(moves["origin_name"]) == {"Palmyra"}
    assert queries.movements(snapshot, Filters(date_to=D(2016, 1, 1))).empty


def test_mentions_and_article_spans(snapshot):
    mentions = queries.mentions(snapshot, ("ev-recapture",))
    assert set(mentions["source"]) == {"Reuters", "Blog"}
    assert all("recaptured" in s for s in mentions["sentence"])
    spans = queries.article_spans(snapshot, "a1")
    text = queries.article_text(snapshot, "a1")
    for span in spans.to_dict("records"):
        assert 0 <= span["start"] < span["end"] <= len(text)
    assert {"date", "place", "event"} <= set(spans["kind"])


def test_filter_options_and_counts(snapshot):
    options = queries.filter_options(snapshot)
    assert options["date_min"] == D(2015, 5, 1) and options["date_max"] == D(2016, 12, 31)
    assert "Palmyra" in options["places"].values()
    assert "Hostile" in options["sources"]
    counts = queries.event_counts(snapshot, Filters(), "month")
    assert counts["n_events"].sum() == 6


@pytest.mark.parametrize("order, key", [
    ("date", lambda e: (e["date_start"] is None, e["date_start"] or D.min, e["event_id"])),
    ("sources", lambda e: (-e["n_sources"], -e["n_mentions"], e["date_start"] is None, e["date_start"] or D.min,
                           e["event_id"])),
])
@pytest.mark.parametrize("filters", [Filters(), Filters(event_types=("Battles",)), Filters(sources=("RT",))])
def test_events_page_is_a_slice_of_the_sorted_filtered_events(snapshot, order, key, filters):
    every = sorted(queries.events(snapshot, filters).to_dict("records"), key=key)
    pages = [queries.events_page(snapshot, filters, order, 2, offset) for offset in range(0, len(every) + 2, 2)]
    assert [e for page in pages for e in page["event_id"]] == [e["event_id"] for e in every]
    assert list(pages[0].columns) == list(queries.events(snapshot, filters).columns)
    recapture = next((p for p in pages if "ev-recapture" in set(p["event_id"])), None)
    if recapture is not None:
        assert list(recapture.set_index("event_id").loc["ev-recapture", "sources"]) == ["Blog", "Reuters"]


def test_corpus_summary_and_failed_inputs(snapshot):
    assert queries.corpus_summary(snapshot) == {"articles": 4, "failed": 1, "sources": 4}
    assert queries.failed_articles(snapshot).to_dict("records") == [
        {"path": "empty.txt", "source": "", "error": "empty file"}]


@pytest.mark.parametrize("sources, expected", [
    ((), ["a1", "a2", "a4", "a3"]),  # by publication date
    (("RT", "Blog"), ["a2", "a3"]),
    (("Nobody",), []),
])
def test_articles_pages_list_the_readable_articles_with_their_event_counts(snapshot, sources, expected):
    assert queries.count_articles(snapshot, sources) == len(expected)
    pages = [queries.articles_page(snapshot, sources, 3, offset) for offset in (0, 3, 6)]
    listed = pd.concat(pages)
    assert listed["article_id"].tolist() == expected
    assert "text" not in listed.columns
    events_per_article = {"a1": 2, "a2": 3, "a3": 1, "a4": 1}  # distinct events each mentions
    assert dict(zip(listed["article_id"], listed["n_events"])) == {a: events_per_article[a] for a in expected}


def test_sidebar_offers_the_places_of_most_events_and_names_any_other(snapshot, monkeypatch):
    monkeypatch.setattr(queries, "PLACE_OPTIONS", 1)
    offered = queries.filter_options.__wrapped__(snapshot)["places"]
    assert offered == {"geonames:170015": "Palmyra"}  # four events name it; every other place fewer
    assert queries.place_names(snapshot, ("geonames:163345", "geonames:none")) == {"geonames:163345": "Sukhnah"}


@pytest.mark.parametrize("filters, limit, expected", [
    (Filters(countries=("AE",)), 10, {"geonames:292223": "Dubai"}),
    (Filters(event_types=("Strategic developments",)), 10,  # where they happened and where the retreat went
     {"geonames:170015": "Palmyra", "geonames:163345": "Sukhnah", "geonames:163915": "Raqqa", "geonames:170794": "Deir ez-Zor"}),
    (Filters(), 1, {"geonames:170015": "Palmyra"}),  # four events; every other place fewer
    (Filters(text="no such words"), 10, {}),
])
def test_top_places_rank_the_places_of_the_filtered_events(snapshot, filters, limit, expected):
    assert queries.top_places(snapshot, filters, limit) == expected


@pytest.mark.parametrize("until", [None, D(2015, 5, 31), D(2016, 3, 27), D(2016, 12, 31)])
def test_map_playback_up_to_a_date_shows_what_the_date_filter_keeps(snapshot, all_events, until):
    undated = all_events.iloc[[0]].assign(event_id="ev-undated", date_start=None, date_end=None)
    shown = views.up_to(pd.concat([all_events, undated], ignore_index=True), until)
    kept = ["ev-undated", *all_events["event_id"]] if until is None else queries.events(
        snapshot, Filters(date_to=until))["event_id"].tolist()
    assert sorted(shown["event_id"]) == sorted(kept)


def test_no_store_means_empty_results(tmp_path):
    assert queries.snapshot_of(tmp_path) == ""
    assert queries.events("", Filters()).empty
    assert queries.filter_options("")["date_min"] is None
    moves = queries.movements("", Filters())
    assert moves.empty and list(moves.columns) == queries.MOVEMENT_COLUMNS


# ---------------------------------------------------------------- periods and figures

def test_control_periods_follow_from_changes_of_control(all_events):
    bands = periods.control_periods(all_events)
    assert len(bands) == 1
    band = bands.iloc[0]
    assert band["label"] == "Islamic State held Palmyra"
    assert (band["start"], band["end"]) == (D(2015, 5, 1), D(2016, 3, 27))


def test_control_periods_are_generic():
    rows = [("e1", "X overtakes", "A", D(2020, 1, 1)), ("e2", "X overtakes", "A", D(2020, 2, 1)),
            ("e3", "X regains", "B", D(2020, 6, 1)), ("e4", "X overtakes", "C", D(2021, 1, 1))]
    frame = pd.DataFrame([{"event_id": e, "sub_event_type": s, "actor1": a, "date_start": d, "place_id": "p:1",
                           "place_name": "Town", "geo_precision": 1} for e, s, a, d in rows])
    bands = periods.control_periods(frame, control=frozenset({"X overtakes", "X regains"}))
    assert bands[["actor", "start", "end"]].values.tolist() == [
        ["A", D(2020, 1, 1), D(2020, 6, 1)], ["B", D(2020, 6, 1), D(2021, 1, 1)]]


def test_timeline_points_for_days_spans_for_months(all_events):
    frame = timeline.timeline_frame(all_events).set_index("event_id")
    assert frame.loc["ev-recapture", "exact"] and not frame.loc["ev-fall", "exact"]
    assert frame.loc["ev-fall", "end"] == pd.Timestamp("2015-06-01")
    spec = timeline.events_chart(all_events, periods.control_periods(all_events), ["Battles"]).to_dict()
    params = spec.get("params", []) + [p for layer in spec["layer"] for p in layer.get("params", [])]
    assert {p["name"] for p in params} >= {"brush", "pick"}


def test_dense_timeline_counts(snapshot):
    counts = queries.event_counts(snapshot, Filters(), "week")
    spec = timeline.counts_chart(counts, [], "week").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert timeline.grain_for(D(2020, 1, 1), D(2020, 6, 1)) == "day"
    assert timeline.grain_for(D(2000, 1, 1), D(2020, 1, 1)) == "month"


@pytest.mark.parametrize("selection, expected", [
    ({"brush": {"start": [1427846400000, 1459036800000]}}, (D(2015, 4, 1), D(2016, 3, 27))),
    ({"brush": {"start": ["2016-03-27T00:00:00", "2015-05-01"]}}, (D(2015, 5, 1), D(2016, 3, 27))),
    ({"brush": {}}, None), ({}, None), (None, None),
])
def test_brushed_dates(selection, expected):
    assert timeline.brushed_dates(selection) == expected


def test_picked_event():
    assert timeline.picked_event({"pick": [{"event_id": "ev-1"}]}) == "ev-1"
    assert timeline.picked_event({"pick": []}) is None


@pytest.mark.parametrize("lat1, lon1, lat2, lon2, angle", [
    (0, 0, 0, 10, 0.0),  # due east
    (0, 0, 10, 0, -90.0),  # due north points up the screen
    (0, 10, 0, 0, 180.0),  # due west
    (10, 0, 0, 0, 90.0),  # due south
])
def test_arrow_heads_turn_along_the_line(lat1, lon1, lat2, lon2, angle):
    assert (maps.bearing_degrees(lat1, lon1, lat2, lon2) - angle) % 360 in (0.0, pytest.approx(360.0))


# ---------------------------------------------------------------- the map: offline and escaped

def test_map_assets_are_all_served_locally(snapshot, all_events):
    fmap = maps.build_map(all_events, queries.movements(snapshot, Filters()))
    page = fmap.get_root().render()
    links = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert links and all(link.startswith("/app/static/vendor/") for link in links), links
    for link in links:
        assert (maps.STATIC_DIR / link[len("/app/static/"):]).is_file()


def test_unknown_remote_asset_fails_loudly():
    import folium

    class Remote(folium.MacroElement):
        default_js = [("something", "https://cdn.example/x.js")]

    fmap = folium.Map(tiles=None)
    Remote().add_to(fmap)
    with pytest.raises(ValueError, match="something"):
        maps.localize_assets(fmap)


def test_map_areas_for_vague_places_and_arrows_for_movements(snapshot, all_events):
    rows = {r["id"]: r for r in maps.event_rows(all_events)}
    assert rows["ev-country"]["area"] == maps.AREA_RADIUS_M[4]
    assert rows["ev-recapture"]["area"] is None
    assert rows["ev-recapture"]["radius"] > rows["ev-fall"]["radius"]  # two sources against one
    arrows = maps.arrow_rows(queries.movements(snapshot, Filters()))
    assert len(arrows) == 3 and all("tl-move" in a["cls"] for a in arrows)


HOSTILE_MARKERS = ["<script>window", "<img src=x", "${window", "`x`", "\\x3c"]


def test_popup_html_escapes_hostile_text(all_events):
    hostile = all_events.set_index("event_id").loc["ev-hostile"].to_dict() | {"event_id": "ev-hostile"}
    popup = maps.popup_html(hostile, [HOSTILE])
    for marker in HOSTILE_MARKERS:
        assert marker not in popup
    assert html.unescape(popup).count(HOSTILE) >= 3  # shown as text: summary, quote, disputed


def test_rendered_map_carries_no_live_hostile_markup(snapshot, all_events):
    page = maps.build_map(all_events, queries.movements(snapshot, Filters()),
                          quotes={"ev-hostile": [HOSTILE]}).get_root().render()
    for marker in HOSTILE_MARKERS:
        assert marker not in page
    assert "L.tooltip" not in page and "$(`" not in page  # no folium Tooltip/Popup template literals


def test_offline_map_html_inlines_everything(all_events):
    page = exports.offline_map_html(all_events, quotes={"ev-hostile": [HOSTILE]})
    assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)=["\']https?:', page)
    assert "/app/static" not in page
    assert "L.markerClusterGroup" in page or "L.circleMarker" in page
    assert '"type": "FeatureCollection"' in page or '"type":"FeatureCollection"' in page  # the basemap
    for marker in HOSTILE_MARKERS:
        assert marker not in page


# ---------------------------------------------------------------- exports parse back

@pytest.mark.parametrize("filters", [Filters(), Filters(event_types=("Battles",)), Filters(sources=("RT",))])
def test_csv_export_parses_and_holds_the_filtered_events(snapshot, filters):
    rows = list(csv.DictReader(io.StringIO(queries.events_csv(snapshot, filters, exports.CSV_COLUMNS).decode("utf-8"))))
    assert [r["event_id"] for r in rows] == queries.events(snapshot, filters)["event_id"].tolist()
    assert list(rows[0]) == exports.CSV_COLUMNS
    every = {r["event_id"]: r for r in rows}
    if "ev-recapture" in every:
        assert every["ev-recapture"]["date_start"] == "2016-03-27" and every["ev-recapture"]["sources"] == "Blog; Reuters"
    if "ev-hostile" in every:
        assert every["ev-hostile"]["summary"] == HOSTILE


@pytest.mark.parametrize("export", [queries.events_csv, queries.events_geojson])
@pytest.mark.parametrize("filters", [Filters(), Filters(event_types=("Battles",)), Filters(text="nothing says this")])
def test_a_compressed_export_is_the_plain_one_gzipped(snapshot, filters, export):
    plain = export(snapshot, filters, exports.CSV_COLUMNS)
    packed = export(snapshot, filters, exports.CSV_COLUMNS, compress=True)
    assert packed[:2] == b"\x1f\x8b" and gzip.decompress(packed) == plain


@pytest.mark.parametrize("filters", [Filters(), Filters(event_types=("Battles",)), Filters(sources=("RT",)),
                                     Filters(text="nothing says this")])
def test_geojson_export_holds_every_located_filtered_event(snapshot, filters):
    document = json.loads(queries.events_geojson(snapshot, filters, exports.CSV_COLUMNS))
    located = queries.events(snapshot, filters).dropna(subset=["latitude", "longitude"])
    assert document["type"] == "FeatureCollection"
    assert sorted(f["properties"]["event_id"] for f in document["features"]) == sorted(located["event_id"])
    for feature in document["features"]:
        assert list(feature["properties"]) == exports.CSV_COLUMNS
        row = located.set_index("event_id").loc[feature["properties"]["event_id"]]
        assert feature["geometry"] == {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
    recapture = next((f for f in document["features"] if f["properties"]["event_id"] == "ev-recapture"), None)
    if recapture is not None:
        assert recapture["geometry"]["coordinates"] == [38.27, 34.56]
        assert recapture["properties"]["sources"] == ["Blog", "Reuters"]
        assert recapture["properties"]["date_start"] == "2016-03-27"
    hostile = next((f for f in document["features"] if f["properties"]["event_id"] == "ev-hostile"), None)
    if hostile is not None:
        assert hostile["properties"]["summary"] == HOSTILE  # DuckDB escapes it as JSON, faithfully


@pytest.mark.parametrize("limit", [1, 2, 3, 10])
@pytest.mark.parametrize("dated", [False, True])
@pytest.mark.parametrize("filters", [Filters(), Filters(event_types=("Battles",)), Filters(text="nothing says this")])
def test_most_reported_are_the_top_by_sources_in_date_order(snapshot, limit, dated, filters):
    ranked = queries.events_page(snapshot, filters, "sources", 100)
    if dated:
        ranked = ranked[ranked["date_start"].notna()]
    expected = ranked.head(limit)
    found = queries.most_reported(snapshot, filters, limit, dated)
    assert set(found["event_id"]) == set(expected["event_id"])
    assert list(found.columns) == list(queries.events(snapshot, filters).columns)
    dates = [(d is None, d or D.min, e) for d, e in zip(found["date_start"], found["event_id"])]
    assert dates == sorted(dates)
    assert queries.count_events(snapshot, filters, dated=True) == len(ranked)


def test_movements_of_events_are_theirs_among_the_filtered_movements(snapshot):
    every = queries.movements(snapshot, Filters())
    for event_id in set(every["event_id"]):
        assert queries.movements_of(snapshot, (event_id,)).equals(every[every["event_id"] == event_id].reset_index(drop=True))
    assert queries.movements_of(snapshot, ("ev-fall",)).empty and queries.movements_of(snapshot, ()).empty


@pytest.mark.parametrize("n_events, capped", [(0, False), (exports.PRESENTATION_CAP, False),
                                              (exports.PRESENTATION_CAP + 1, True), (10**6, True)])
def test_presentation_exports_say_when_they_are_capped(n_events, capped):
    caption = exports_ui.capped_caption(n_events)
    assert (caption is not None) == capped
    if capped:
        assert f"{exports.PRESENTATION_CAP:,}" in caption and f"{n_events:,}" in caption


@pytest.mark.parametrize("shown, total", [(200, 201), (200, 10**6)])
def test_story_caption_says_what_it_leaves_out(shown, total):
    caption = story.bounded_caption(shown, total)
    assert f"{shown:,}" in caption and f"{total:,}" in caption and "filters" in caption


def test_timelinejs_export_follows_the_format(all_events):
    document = json.loads(exports.to_json_bytes(exports.timelinejs(all_events)))
    assert "headline" in document["title"]["text"]
    slides = {s["unique_id"]: s for s in document["events"]}
    assert slides["ev-recapture"]["start_date"] == {"year": 2016, "month": 3, "day": 27}
    assert slides["ev-fall"]["start_date"] == {"year": 2015, "month": 5}  # month precision: no day
    assert slides["ev-country"]["start_date"] == {"year": 2016}
    for slide in document["events"]:
        assert isinstance(slide["start_date"]["year"], int) and slide["text"]["headline"]
        for marker in HOSTILE_MARKERS:
            assert marker not in slide["text"]["headline"] + slide["text"]["text"] + slide["group"]


def test_storymapjs_export_follows_the_format(all_events):
    document = json.loads(exports.to_json_bytes(exports.storymapjs(all_events)))
    slides = document["storymap"]["slides"]
    assert slides[0]["type"] == "overview" and len(slides) == 1 + len(all_events)
    for slide in slides[1:]:
        assert set(slide["location"]) >= {"lat", "lon", "zoom"} and slide["text"]["headline"]
        for marker in HOSTILE_MARKERS:
            assert marker not in slide["text"]["headline"] + slide["text"]["text"] + slide["date"]


# ---------------------------------------------------------------- escaping helpers and views

@pytest.mark.parametrize("text", [HOSTILE, "a & b", "`${x}`", "\\u003c", '"quoted" \'single\''])
def test_escape_html_is_inert_in_html_and_template_literals(text):
    escaped = escape_html(text)
    assert not set(escaped) & set("<>\"'`$\\{}")
    assert html.unescape(escaped) == text


def test_escape_markdown_and_urls():
    assert escape_markdown("[x](javascript:1) *b* $x$") == r"\[x\]\(javascript\:1\) \*b\* \$x\$"
    assert safe_url("javascript:alert(1)") == "" and safe_url("https://a.org/x") == "https://a.org/x"
    assert safe_url("//evil.org") == "" and safe_url(None) == ""
    assert css_token("geonames:170015") == "geonames-170015"


def test_highlight_marks_spans_and_links_events(snapshot):
    spans = queries.article_spans(snapshot, "a1")
    page = views.highlight_html(queries.article_text(snapshot, "a1"), spans, Filters(sources=("Reuters",)))
    assert page.count('class="tl-span tl-event"') == 2
    assert "events?source=Reuters&amp;event=ev-recapture" in page
    assert '>on Sunday</mark>' in page


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=80), st.lists(st.tuples(st.sampled_from(["date", "place", "event"]),
                                                st.integers(-5, 90), st.integers(-5, 90)), max_size=8))
def test_highlight_never_raises_and_keeps_the_text(text, raw_spans):
    spans = pd.DataFrame([{"kind": k, "start": a, "end": b, "label": "x", "event_id": "e" if k == "event" else ""}
                          for k, a, b in raw_spans], columns=["kind", "start", "end", "label", "event_id"])
    page = views.highlight_html(text, spans)
    visible = html.unescape(re.sub(r"<[^>]+>", "", page.replace("<br>", "\n")))
    assert visible == text


def test_details_and_story_slide_escape_everything(snapshot, all_events):
    hostile = all_events.set_index("event_id").loc["ev-hostile"].to_dict() | {"event_id": "ev-hostile"}
    details = views.details_html(hostile, queries.mentions(snapshot, ("ev-hostile",)),
                                 queries.event_places(snapshot, ("ev-hostile",)))
    slide = story.slide_html(hostile, HOSTILE, 1, 1)
    for page in (details, slide):
        for marker in HOSTILE_MARKERS:
            assert marker not in page
    assert "Sources disagree" in details
    assert 'href="https://evil.example/x"' in details  # http(s) links kept, as plain links


def test_events_at_a_clicked_position(all_events):
    assert set(views.events_at(all_events, {"lat": 34.56, "lng": 38.27})) == {
        "ev-fall", "ev-temples", "ev-recapture", "ev-retreat"}
    assert views.events_at(all_events, None) == []


def test_dense_maps_show_one_marker_per_place(all_events):
    rows = maps.place_rows(all_events)
    assert len(rows) == all_events[["latitude", "longitude"]].drop_duplicates().shape[0]
    palmyra = next(r for r in rows if "tl-place-geonames-170015" in r["cls"])
    assert "4 events" in palmyra["popup"]
    for row in rows:
        for marker in HOSTILE_MARKERS:
            assert marker not in row["popup"] + row["tooltip"]


def test_arrows_merge_repeated_moves(snapshot):
    moves = queries.movements(snapshot, Filters())
    doubled = pd.concat([moves, moves.assign(event_id="ev-again")])
    arrows = maps.arrow_rows(doubled)
    assert len(arrows) == 3 and all(a["weight"] == 3.0 for a in arrows)
    assert len(maps.arrow_rows(doubled, limit=2)) == 2


# ---------------------------------------------------------------- at scale: aggregates pushed down to DuckDB

@pytest.fixture(scope="module")
def synthetic_snapshot(tmp_path_factory) -> str:
    from dashboard.synthetic import build_synthetic_store

    processed = tmp_path_factory.mktemp("synthetic")
    build_synthetic_store(processed, 3000, seed=3)
    return queries.snapshot_of(processed)


@pytest.mark.parametrize("filters", [Filters(), Filters(event_types=("Battles",)), Filters(date_from=D(2015, 3, 1), date_to=D(2015, 6, 30)),
                                     Filters(countries=("BB",), min_sources=2)])
def test_top_places_count_each_event_of_a_place_once(synthetic_snapshot, filters):
    """Against the plain definition: a place's events are those it is the place of or that name it."""
    chosen = set(queries.events(synthetic_snapshot, filters)["event_id"])
    events = queries._query(synthetic_snapshot, "SELECT event_id, place_id FROM events")
    named = queries._query(synthetic_snapshot, "SELECT event_id, place_id FROM event_places")
    pairs = pd.concat([events, named]).query("place_id != '' and event_id in @chosen").drop_duplicates()
    counts = pairs.groupby("place_id").size().reset_index(name="n").sort_values(["n", "place_id"], ascending=[False, True])
    assert set(queries.top_places(synthetic_snapshot, filters, 25)) == set(counts["place_id"].head(25))


@pytest.mark.parametrize("filters, joined", [
    (Filters(), False), (Filters(event_types=("Battles",), date_from=D(2015, 1, 1)), False),
    (Filters(places=("p1",), sources=("Reuters",)), False),  # event_places and articles, not the event's place
    (Filters(countries=("SY",)), True), (Filters(text="siege"), True),
])
def test_events_are_joined_to_their_place_only_when_a_filter_reads_it(filters, joined):
    where, _ = queries.where_clause(filters)
    assert ("JOIN places p" in queries.filtered_events(where)) is joined


def test_synthetic_store_is_consistent(synthetic_snapshot):
    events = queries.events(synthetic_snapshot, Filters()).set_index("event_id")
    mentions = queries.mentions(synthetic_snapshot, tuple(events.index))
    assert len(events) == 3000 and events.index.is_unique and mentions["mention_id"].is_unique
    assert events["n_mentions"].sort_index().tolist() == mentions.groupby("event_id").size().sort_index().tolist()
    assert events["n_sources"].tolist() == events["sources"].map(len).tolist()
    assert (events["date_start"] <= events["date_end"]).all()


@pytest.mark.parametrize("filters", [Filters(), Filters(event_types=("Battles",)),
                                     Filters(date_from=D(2015, 1, 1), date_to=D(2015, 6, 30), min_sources=2)])
@pytest.mark.parametrize("cell, box", [(1.0, None), (0.5, (32.0, 36.0, 35.0, 40.0)), (0.05, (33.0, 37.0, 33.5, 37.5))])
def test_map_bins_count_every_located_event_once(synthetic_snapshot, filters, cell, box):
    bins = queries.map_bins(synthetic_snapshot, filters, cell, box)
    assert bins["n_events"].sum() == queries.count_located(synthetic_snapshot, filters, box)
    assert not bins.duplicated(["cell_row", "cell_col"]).any()
    # each event lies in its cell, and the cell's average position too
    assert ((bins["lat"] >= bins["cell_row"] * cell - 1e-9) & (bins["lat"] <= (bins["cell_row"] + 1) * cell + 1e-9)).all()
    assert ((bins["lon"] >= bins["cell_col"] * cell - 1e-9) & (bins["lon"] <= (bins["cell_col"] + 1) * cell + 1e-9)).all()


def test_map_bins_name_the_commonest_type(synthetic_snapshot):
    cell = 2.0
    events = queries.events(synthetic_snapshot, Filters())
    events = events.assign(cell_row=(events["latitude"] // cell).astype(int), cell_col=(events["longitude"] // cell).astype(int))
    bins = queries.map_bins(synthetic_snapshot, Filters(), cell).set_index(["cell_row", "cell_col"])
    for key, group in events.groupby(["cell_row", "cell_col"]):
        counts = group["event_type"].value_counts()
        assert bins.loc[key, "event_type"] == min(counts[counts == counts.max()].index)
        assert bins.loc[key, "first_date"] == group["date_start"].min()


def test_events_in_box_are_inside_and_the_most_reported_first(synthetic_snapshot):
    box = (33.0, 37.0, 35.0, 40.0)
    inside = queries.events_in_box(synthetic_snapshot, Filters(), box, 10_000)
    assert len(inside) == queries.count_located(synthetic_snapshot, Filters(), box) > 50
    assert inside["latitude"].between(33.0, 35.0).all() and inside["longitude"].between(37.0, 40.0).all()
    every = queries.events(synthetic_snapshot, Filters()).set_index("event_id")
    some = queries.events_in_box(synthetic_snapshot, Filters(), box, 20)
    assert len(some) == 20 and some["n_sources"].min() >= inside["n_sources"].nlargest(20).min()
    for row in some.to_dict("records"):  # sources gathered for the chosen events only, yet the same
        assert list(row["sources"]) == list(every.loc[row["event_id"], "sources"])


def test_event_by_id_and_dates(synthetic_snapshot, snapshot, all_events):
    first = all_events.iloc[0]
    one = queries.event_by_id(snapshot, first["event_id"])
    assert len(one) == 1 and one.iloc[0]["summary"] == first["summary"]
    assert queries.event_by_id(snapshot, "no such event").empty
    dates = queries.event_dates(synthetic_snapshot, Filters(event_types=("Protests",)))
    assert dates == sorted(set(queries.events(synthetic_snapshot, Filters(event_types=("Protests",)))["date_start"]))


def test_movement_pairs_count_the_moves(synthetic_snapshot):
    moves = queries.movements(synthetic_snapshot, Filters())
    pairs = queries.movement_pairs(synthetic_snapshot, Filters(), 5)
    expected = moves.groupby(["origin_id", "destination_id"]).size()
    assert len(pairs) == 5 and pairs["n"].is_monotonic_decreasing
    assert pairs["n"].iloc[0] == expected.max()
    for row in pairs.to_dict("records"):
        assert row["n"] == expected[(row["origin_id"], row["destination_id"])]
    assert len(maps.arrow_rows(pairs)) == 5


def test_a_store_written_before_its_counts_answers_the_same(synthetic_snapshot, tmp_path):
    """The sidebar's countries and places and the map's movements of every event come from the counts the store
    wrote (etl.rollups); a store without them counts its events instead, to the same answer."""
    older = tmp_path / "older"
    shutil.copytree(synthetic_snapshot, older)
    db = duckdb.connect(str(older / store.DB_NAME))
    for name in rollups.TABLES:
        db.execute(f"DROP TABLE {name}")
    db.close()
    assert queries._has_rollups(synthetic_snapshot) and not queries._has_rollups(str(older))
    assert queries.top_places(str(older), Filters(), 40) == queries.top_places(synthetic_snapshot, Filters(), 40)
    assert ({**queries.filter_options(str(older)), "snapshot": ""} ==
            {**queries.filter_options(synthetic_snapshot), "snapshot": ""})
    pd.testing.assert_frame_equal(queries.movement_pairs(str(older), Filters(), 30),
                                  queries.movement_pairs(synthetic_snapshot, Filters(), 30))
    assert len(queries.movement_pairs(synthetic_snapshot, Filters(), 30)) == 30


@pytest.mark.parametrize("box, cell", [
    ((30.0, 34.0, 40.0, 46.0), 0.5),  # a region: about 24-48 cells across
    ((33.0, 36.0, 33.5, 36.5), 0.02),
    ((-60.0, -180.0, 75.0, 180.0), 10.0),
])
def test_cells_fit_the_view(box, cell):
    assert grid.cell_for(box) == cell
    snapped = grid.snap_box(box, cell)
    assert snapped[0] <= box[0] and snapped[1] <= box[1] and snapped[2] >= box[2] and snapped[3] >= box[3]
    assert grid.snap_box((box[0] + cell / 10, box[1] + cell / 10, box[2] - cell / 10, box[3] - cell / 10), cell) == snapped


def test_box_of_leaflet_bounds():
    assert grid.box_of({"_southWest": {"lat": 1, "lng": 2}, "_northEast": {"lat": 3, "lng": 4}}) == (1, 2, 3, 4)
    assert grid.box_of(None) is None and grid.box_of({"_southWest": {}}) is None
    assert grid.contains((0, 0, 10, 10), (1, 1, 9, 10)) and not grid.contains((0, 0, 10, 10), (1, -1, 9, 9))


def test_bin_rows_shade_by_count_and_escape(synthetic_snapshot):
    bins = queries.map_bins(synthetic_snapshot, Filters(), 1.0)
    bins.loc[0, "event_type"] = HOSTILE
    rows = maps.bin_rows(bins, 1.0)
    assert len(rows) == len(bins) and sum(r["n"] for r in rows) == bins["n_events"].sum()
    busiest = max(rows, key=lambda r: r["n"])
    assert busiest["colour"] == maps.DENSITY[-1]
    assert maps.density_colour(1, busiest["n"]) == maps.DENSITY[0]
    assert "<script" not in rows[0]["tooltip"] and "&lt;" in rows[0]["tooltip"]
    (south, west), (north, east) = rows[0]["bounds"]
    assert north - south == pytest.approx(1.0) and east - west == pytest.approx(1.0)


def test_binned_map_sends_cells_not_events(synthetic_snapshot):
    filters = Filters()
    box = queries.extent(synthetic_snapshot, filters)["box"]
    cells = maps.bin_rows(queries.map_bins(synthetic_snapshot, filters, grid.cell_for(box)), grid.cell_for(box))
    page = maps.build_binned_map(cells, [], pd.DataFrame(), box).get_root().render()
    assert page.count('"bounds"') == len(cells) and "tl-bin" in page
    assert "syn0" not in page  # no single event's data
    pairs = queries.movement_pairs(synthetic_snapshot, filters, 50)
    with_moves = maps.build_binned_map(cells, [], pairs, box).get_root().render()
    assert with_moves.count('"lat1"') == len(pairs) == 50


def test_large_map_draws_single_events_only_for_a_small_window(synthetic_snapshot, monkeypatch):
    from dashboard_fixtures import navigating_app_test
    from etl import config

    monkeypatch.setattr(config, "PROCESSED_DIR", queries.Path(synthetic_snapshot).parent.parent)
    app = navigating_app_test(monkeypatch)
    app.run()
    app.switch_page("pages/map.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("grid cell" in c.value for c in app.caption)
    # As st_folium reports it once the analyst has zoomed in to a small window.
    app.session_state["main_map_large"] = {"bounds": {"_southWest": {"lat": 33.0, "lng": 37.0},
                                                      "_northEast": {"lat": 33.4, "lng": 37.4}}, "zoom": 11}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    in_view = queries.count_located(synthetic_snapshot, Filters(), grid.snap_box((33.0, 37.0, 33.4, 37.4), 0.01))
    assert 0 < in_view <= grid.POINTS_IN_VIEW
    assert any(c.value.startswith(f"{in_view} of 3000 located events in this view, each drawn") for c in app.caption)
