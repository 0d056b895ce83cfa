"""Gold place mentions of the five seed articles (tests/gold/seed_places.csv, written by hand).

Every spelling resolves to the right place (towns within 15 km, points of interest within
2 km, divisions and countries by kind and country), and no person or organisation becomes a place.
"""
from __future__ import annotations

import csv
import math

import pytest

from conftest import GOLD_DIR

GOLD = list(csv.DictReader((GOLD_DIR / "seed_places.csv").open(encoding="utf-8")))
NON_PLACES = ["ISIL", "ISIS", "Isis", "IS", "Assad", "Bashar al-Assad", "Putin", "Vladimir Putin",
              "Al Jazeera", "SANA", "Reuters", "UNESCO", "Unesco", "Nusra Front", "Khaled al-Asaad",
              "Rami Abdulrahman", "Abdelkarim", "Maamoun Abdelkarim", "Kevin Butcher", "Omar al-Saleh",
              "Issam Khalil", "Abu Mahmoud", "Takfiri", "SOHR", "Hezbollah"]


def km(lat1, lon1, lat2, lon2) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def mentions(nlp, seed_dir):
    from etl.geo import recognise_and_resolve

    return {path.name: (path.read_text(encoding="utf-8"), recognise_and_resolve(nlp(path.read_text(encoding="utf-8"))))
            for path in sorted(seed_dir.glob("*.txt"))}


def _param(row):
    marks = [pytest.mark.xfail(reason=row["note"], strict=False)] if row["status"] == "known_gap" else []
    return pytest.param(row, id=f"{row['file'][:3]}:{row['start']}:{row['text']}", marks=marks)


@pytest.mark.slow
@pytest.mark.parametrize("row", [_param(r) for r in GOLD])
def test_gold_mention_resolves(mentions, row):
    text, found = mentions[row["file"]]
    start = int(row["start"])
    assert text[start:start + len(row["text"])] == row["text"]
    hits = [m for m in found if m.start <= start < m.end]
    assert hits, f"{row['text']!r} at {start} not recognised"
    mention = hits[0]
    assert mention.place is not None, f"{row['text']!r} recognised but unresolved"
    place = mention.place
    assert place.country_code == row["country_code"]
    if row["kind"] == "demonym":
        assert mention.method == "demonym" and place.kind == "country"
    elif row["kind"] in ("country", "admin1"):
        assert place.kind == row["kind"]
    else:
        limit = 2 if row["kind"] == "poi" else 15
        assert km(place.lat, place.lon, float(row["lat"]), float(row["lon"])) <= limit, place


@pytest.mark.slow
def test_every_spelling_of_a_town_is_one_place(mentions):
    """Deir Azzour, Deir al-Zor, Dier al-Zor, Deir ez-Zor, Deir Ezzor: one place id."""
    ids = {}
    for row in GOLD:
        if row["kind"] != "city" or row["status"] != "expected":
            continue
        _, found = mentions[row["file"]]
        start = int(row["start"])
        for m in found:
            if m.start <= start < m.end and m.place is not None and m.place.kind == "city":
                ids.setdefault(row["expected_name"], set()).add(m.place.place_id)
    assert ids and all(len(v) == 1 for v in ids.values()), ids


@pytest.mark.slow
def test_no_person_or_organisation_becomes_a_place(mentions):
    for name, (text, found) in mentions.items():
        for m in found:
            if m.place is None:
                continue
            for bad in NON_PLACES:
                assert m.text != bad and bad not in m.text.split(), (name, m)
