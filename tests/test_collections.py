"""Collections: create, rename, delete; uploads and pastes are sanitised, checked, never overwrite."""
from __future__ import annotations

import csv
import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import collections as col
from etl import ingest

ARTICLE = b"Rebels captured the town on Saturday, March 26, 2016, witnesses said.\n"


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("TIMELINE_COLLECTIONS_DIR", str(tmp_path / "collections"))
    return tmp_path / "collections"


def test_bundled_collection_is_listed_first_and_cannot_be_deleted_or_renamed(root):
    assert [c.slug for c in col.list_collections()] == [col.DEFAULT_SLUG]
    with pytest.raises(col.Refused, match="cannot be deleted"):
        col.delete(col.DEFAULT_SLUG)
    with pytest.raises(col.Refused):
        col.rename(col.DEFAULT_SLUG, "Mine")


def test_create_rename_delete(root):
    made = col.create("  Gaza   ceasefire ")
    assert (made.slug, made.name) == ("gaza-ceasefire", "Gaza ceasefire")
    assert made.raw_dir.is_dir() and made.processed_dir.is_dir()
    assert made.raw_dir.parent.parent == root
    renamed = col.rename(made.slug, "Gaza truce")
    assert (renamed.slug, renamed.name) == ("gaza-ceasefire", "Gaza truce")  # the slug, links and folder stay
    assert [c.name for c in col.list_collections()] == [col.DEFAULT_NAME, "Gaza truce"]
    col.delete(made.slug)
    assert not (root / made.slug).exists()
    assert [c.slug for c in col.list_collections()] == [col.DEFAULT_SLUG]


@pytest.mark.parametrize("name, slug", [
    ("Évènements à Alep", "evenements-a-alep"),
    ("../../etc", "etc"),
    ("默认", "collection"),
    ("default", "default-2"),  # the bundled collection's slug is reserved
    ("x" * 70, "x" * 40),
])
def test_slugs_are_safe(root, name, slug):
    assert col.create(name).slug == slug


@pytest.mark.parametrize("name, message", [
    ("", "needs a name"), ("   \t", "needs a name"), ("\x00\u202e", "needs a name"), ("n" * 81, "at most 80"),
])
def test_invalid_names_are_refused(root, name, message):
    with pytest.raises(col.Refused, match=message):
        col.create(name)


def test_names_are_unique_ignoring_case(root):
    first = col.create("Syria")
    with pytest.raises(col.Refused, match="already"):
        col.create("SYRIA")
    with pytest.raises(col.Refused, match="already"):
        col.rename(col.create("Iraq").slug, "syria")
    assert col.rename(first.slug, "syria").name == "syria"  # its own name in another case is fine


def test_same_names_get_distinct_slugs(root):
    a, b = col.create("Syria war"), col.create("Syria-war!")
    assert a.slug == "syria-war" and b.slug == "syria-war-2"


@pytest.mark.parametrize("hostile, expected", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\x.txt", "x.txt"),
    ("/abs/path/report.md", "report.md"),
    ("C:\\Users\\me\\wire.HTML", "wire.html"),
    (".hidden.txt", "hidden.txt"),
    ("...txt", "article.txt"),
    ("a" * 500 + ".txt", "a" * col.MAX_STEM_CHARS + ".txt"),
    ("évil\u202etxt.exe.txt", "éviltxt_exe.txt"),
    ("nul\x00byte.txt", "nulbyte.txt"),
    ("CON.txt", "_CON.txt"),
    ("two words & more.jsonl", "two_words_more.jsonl"),
    ("ﬁle.txt", "file.txt"),  # NFKC: the ligature becomes two letters
])
def test_hostile_file_names_become_safe_base_names(hostile, expected):
    assert col.safe_filename(hostile) == expected


@pytest.mark.parametrize("name", ["../../etc/passwd", "report.exe", "report.txt.exe", "report", "photo.png", "a.txt\x00.exe"])
def test_other_file_types_are_refused(name):
    with pytest.raises(col.Refused, match="not accepted"):
        col.safe_filename(name)


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_safe_filename_never_escapes_or_hides(name):
    try:
        safe = col.safe_filename(name)
    except col.Refused:
        return
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert all(unicodedata.category(ch)[0] != "C" for ch in safe)
    assert safe.endswith(col.UPLOAD_SUFFIXES) and len(safe) <= col.MAX_STEM_CHARS + 6


def test_upload_is_kept_and_never_overwrites(root):
    made = col.create("Mine")
    first = col.save_upload(made, "../wire.txt", ARTICLE)
    second = col.save_upload(made, "wire.txt", ARTICLE + b"More.\n")
    assert (first.name, second.name) == ("wire.txt", "wire-2.txt")
    assert first.read_bytes() == ARTICLE and first.parent == made.raw_dir
    assert sorted(p.name for p in made.raw_dir.iterdir()) == ["wire-2.txt", "wire.txt"]  # no temp file left


@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"", "is empty"),
    ("blank.txt", b" \n\t\n", "is empty"),
    ("binary.txt", bytes(range(256)) * 40, "cannot be read as an article: binary"),
    ("lines.jsonl", b'{"no_text": 1}\n', "cannot be read as an article"),
    ("../../etc/passwd", ARTICLE, "not accepted"),
])
def test_bad_uploads_are_refused_and_change_nothing(root, name, data, message):
    made = col.create("Mine")
    with pytest.raises(col.Refused, match=message):
        col.save_upload(made, name, data)
    assert list(made.raw_dir.iterdir()) == []


def test_oversized_upload_is_refused_with_the_limit(root, monkeypatch):
    monkeypatch.setattr(col, "MAX_UPLOAD_BYTES", 1000)
    made = col.create("Mine")
    with pytest.raises(col.Refused, match=r"too large: 1.4 KiB, over the 1000 bytes limit"):
        col.save_upload(made, "big.txt", ARTICLE * 20)
    assert list(made.raw_dir.iterdir()) == []


def test_pasted_text_is_a_txt_with_a_manifest_row_the_etl_reads(root):
    made = col.create("Mine")
    path = col.save_pasted(made, ARTICLE.decode(), source="Wire, Inc.", url="https://example.org/a",
                           title="Town taken", published=dt.date(2016, 3, 27))
    col.save_pasted(made, "Another article about the siege, published on Monday.", source="Other")
    assert path.name == "Town_taken.txt"
    with (made.raw_dir / ingest.MANIFEST_NAME).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["file"] for r in rows] == ["Town_taken.txt", "pasted.txt"]
    articles, _ = ingest.read_corpus([made.raw_dir])
    by_title = {a.title: a for a in articles}
    taken = by_title["Town taken"]
    assert (taken.source, taken.url, taken.published) == ("Wire, Inc.", "https://example.org/a", dt.date(2016, 3, 27))


@pytest.mark.parametrize("kwargs, message", [
    ({"url": "javascript:alert(1)"}, "http"),
    ({"title": "two\nlines"}, "one line"),
    ({"source": "s" * 501}, "one line"),
])
def test_pasted_metadata_is_checked(root, kwargs, message):
    made = col.create("Mine")
    with pytest.raises(col.Refused, match=message):
        col.save_pasted(made, ARTICLE.decode(), **kwargs)
    assert list(made.raw_dir.iterdir()) == []


def test_a_partly_bad_jsonl_is_kept_and_the_run_names_the_bad_line(root):
    from etl import pipeline

    made = col.create("Mine")
    lines = b'{"text": "Rebels captured the town on Saturday, March 26, 2016.", "source": "Wire"}\n{"title": "no text"}\n'
    kept = col.save_upload(made, "feed.jsonl", lines)
    summary = pipeline.run([made.raw_dir], made.processed_dir)
    assert summary.articles_read == 1
    assert [(f.path, f.kind) for f in summary.failures] == [(f"{kept}#2", "failed")]
    assert "no \"text\" string field" in summary.failures[0].reason
