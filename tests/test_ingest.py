"""Ingest: cleaning and dates against per-seed gold, every kind of bad input, properties."""
from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import re
import shutil
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.ingest import clean_text, find_publication_date, read_corpus

GOLD_DIR = pathlib.Path(__file__).resolve().parent / "gold"
GOLD = {k: v for k, v in json.loads((GOLD_DIR / "seed_cleaning.json").read_text(encoding="utf-8")).items() if not k.startswith("_")}
GOOD_TEXT = "Rivers burst their banks in the capital on Sunday, officials said.\n\nThe army was deployed on Monday.\n"


def _by_name(failures):
    return {pathlib.Path(f.path).name: f for f in failures}


@pytest.fixture(scope="module")
def seeds_without_manifest(tmp_path_factory, seed_dir):
    """The seed files alone: no manifest beside them, so dates must come from text or URL."""
    folder = tmp_path_factory.mktemp("seeds")
    for name in GOLD:
        shutil.copy(seed_dir / name, folder / name)
    articles, failures = read_corpus([folder])
    assert failures == []
    return {pathlib.Path(a.path).name: a for a in articles}


# --- gold per seed article -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLD))
def test_seed_cleaning_matches_gold(name, seeds_without_manifest):
    gold, article = GOLD[name], seeds_without_manifest[name]
    for needle in gold["must_contain"]:
        assert needle in article.text, needle
    for needle in gold["must_not_contain"]:
        assert needle not in article.text, needle
    for needle in gold["exactly_once"]:
        assert article.text.count(needle) == 1, needle
    labels = {r.split(":")[0] for r in article.removed}
    assert labels == set(gold["removed_labels"])
    assert article.title == gold["title"]
    assert article.url == gold["url"]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_seed_date_without_manifest(name, seeds_without_manifest):
    expected, article = GOLD[name]["date_without_manifest"], seeds_without_manifest[name]
    if expected is None:
        assert (article.published, article.published_source) == (None, "unknown")
    else:
        assert article.published == dt.date.fromisoformat(expected["date"])
        assert (article.published_time, article.published_source) == (expected["time"], expected["source"])


@pytest.mark.parametrize("name", sorted(GOLD))
def test_seed_text_layout(name, seeds_without_manifest):
    text = seeds_without_manifest[name].text
    assert "\n\n\n" not in text and text == text.strip()
    for paragraph in text.split("\n\n"):
        assert paragraph == paragraph.strip() and "\n" not in paragraph and "  " not in paragraph


def test_seed_corpus_with_manifest(seed_dir):
    articles, failures = read_corpus([seed_dir])
    assert failures == []
    assert len(articles) == 5 and len({a.article_id for a in articles}) == 5
    for a in articles:
        assert re.fullmatch(r"[0-9a-f]{16}", a.article_id)
        assert (a.published, a.published_source, a.status, a.error) == (dt.date(2016, 3, 27), "manifest", "ok", "")
        assert a.source and a.language == "en"
    by_name = {pathlib.Path(a.path).name: a for a in articles}
    assert by_name["004_d291c1099bfcef81.txt"].published_time == "11:55:38"
    assert by_name["003_e6df6e45cde9af71.txt"].url.startswith("http://www.theguardian.com/world/2016/mar/27/")


def test_ids_and_hashes_are_stable_and_the_hash_covers_the_manifest_row(tmp_path, seed_dir):
    shutil.copy(seed_dir / "001_639bc933044c5cbc.txt", tmp_path / "a.txt")
    first, _ = read_corpus([tmp_path])
    again, _ = read_corpus([tmp_path])
    assert first == again
    (tmp_path / "manifest.csv").write_text("file,source,url,title,published,notes\na.txt,Wire,,,2016-03-27,\n")
    with_row, _ = read_corpus([tmp_path])
    assert with_row[0].article_id == first[0].article_id  # same text, same article
    assert with_row[0].sha256 != first[0].sha256  # but new metadata: process it again


# --- dates -----------------------------------------------------------------------------------

DATE_CASES = [
    # (text, url, expected date, time, source)  -- case
    ("Title\n\nSun Mar 27, 2016 11:55:38\n\nBody.", "", "2016-03-27", "11:55:38", "dateline"),  # agency dateline
    ("Title\n\nMarch 27, 2016\n\nBody.", "", "2016-03-27", "", "dateline"),  # month-first
    ("Title\nPublished: 27 March 2016 10:00 GMT\nBody.", "", "2016-03-27", "10:00:00", "dateline"),  # day-first, zone ignored
    ("Last updated 2016-03-27T08:05\n\nBody.", "", "2016-03-27", "08:05:00", "dateline"),  # ISO
    ("Posted Mar. 5th, 2016 at 9:15 pm\nBody.", "", "2016-03-05", "21:15:00", "dateline"),  # 12-hour clock
    ("On March 5, 2016 the army advanced.\nBody.", "", None, "", ""),  # a sentence, not a dateline
    ("Body.\n" * 8 + "March 27, 2016", "", None, "", ""),  # too far down to be a dateline
    ("Title\nFebruary 30, 2016\nBody.", "", None, "", ""),  # no such day
    ("Body.", "http://www.theguardian.com/world/2016/mar/27/slug", "2016-03-27", "", "url"),  # /yyyy/mon/dd/
    ("Body.", "https://example.com/news/2016/03/27/slug.html", "2016-03-27", "", "url"),  # /yyyy/mm/dd/
    ("Body.", "https://example.com/a/20160327-slug", "2016-03-27", "", "url"),  # compact yyyymmdd
    ("Body.", "https://example.com/a/2016-03-27/slug", "2016-03-27", "", "url"),  # dashed
    ("Body.", "https://example.com/v/635946683600318058.mp4", None, "", ""),  # long number, no date
    ("Body.", "https://example.com/2016/13/45/slug", None, "", ""),  # impossible date
    ("Title\nMarch 26, 2016\nBody.", "https://example.com/2016/03/27/x", "2016-03-26", "", "dateline"),  # dateline wins
    ("Title\nSunday 27 March 2016 10.00 BST\nBody.", "", "2016-03-27", "10:00:00", "dateline"),  # dotted time
]


@pytest.mark.parametrize(("text", "url", "date", "time", "source"), DATE_CASES)
def test_find_publication_date(text, url, date, time, source):
    expected = dt.date.fromisoformat(date) if date else None
    assert find_publication_date(text, url) == (expected, time, source)


# --- cleaning rules --------------------------------------------------------------------------

CLEANING_CASES = [
    # (raw, must contain once, must not contain, labels of what was removed)  -- case
    ("A headline here\n\nA paragraph of prose that repeats.\nA paragraph of prose that repeats.\n",
     ["A paragraph of prose that repeats."], [], ["repeated paragraph"]),
    ("Some sentence that is glued twice.Some sentence that is glued twice.", ["Some sentence that is glued twice."], ["twice.Some"], ["doubled line"]),
    ("Prose.\nREAD MORE: Another story\nMore prose.", ["Prose.", "More prose."], ["Another story"], ["read-more link"]),
    ("Prose.\nRelated: Another story\nMore prose.", ["More prose."], ["Another story"], ["related link"]),
    ("Prose.\nAdvertisement\nMore prose.", ["More prose."], ["Advertisement"], ["advertisement"]),
    ("Prose.\nAB/CD 12\nMore prose.", ["More prose."], ["AB/CD"], ["editor code"]),
    ("Prose.\nand/or 12\nMore prose.", ["and/or 12"], [], []),  # lower case: not an editor code
    ("Prose on a wrapped\nline continues here.", ["Prose on a wrapped line continues here."], [], []),
    ("Prose.\n{\"a\": 1, \"b\": [1, 2, 3], \"c\": \"text\"}\nMore prose.", ["Prose.", "More prose."], ['"a"'], ["machine data"]),
    ("Prose.\n{\n  \"id\": 1,\n  \"title\": \"pretty printed\"\n}\nMore prose.", ["More prose."], ["pretty printed"], ["machine data"]),
    ("Prose.\n[1, 2] is not data\nMore.", ["[1, 2] is not data"], [], []),
    ("Prose.\n[Reuters] said so\nMore.", ["[Reuters] said so"], [], []),
    ("Prose.\n* * *\nMore.\n* * *\nEnd.", ["* * *\n\nMore.\n\n* * *"], [], []),  # separators repeat
    ("Caf\u00e9 \u201cquoted\u201d \u2013 text\u00a0with\u200b odd spaces", ["Caf\u00e9 \u201cquoted\u201d \u2013 text with odd spaces"], [], []),
]


@pytest.mark.parametrize(("raw", "keep", "drop", "labels"), CLEANING_CASES)
def test_clean_text_rules(raw, keep, drop, labels):
    text, removed = clean_text(raw)
    for needle in keep:
        assert text.count(needle) == 1, (needle, text)
    for needle in drop:
        assert needle not in text, (needle, text)
    assert [r.split(":")[0] for r in removed] == labels


@pytest.mark.parametrize("raw", ['["a",\n' * 3000, '{"a": [' * 3000, "[" * 5000, 'string(9) "[{"a": 1' * 50])
def test_hostile_bracket_soup_neither_raises_nor_loses_prose(raw):
    text, _ = clean_text("Prose stays.\n" + raw + "\nMore prose stays.")
    assert text.startswith("Prose stays.") and text.endswith("More prose stays.")


def test_archive_url_becomes_the_article_url(tmp_path):
    (tmp_path / "a.txt").write_text(
        "You can find the current article at its original source at https://example.com/2015/05/21/x\n\nThe town fell.\n"
    )
    [article], _ = read_corpus([tmp_path])
    assert article.url == "https://example.com/2015/05/21/x" and "example.com" not in article.text
    assert (article.published, article.published_source, article.source) == (dt.date(2015, 5, 21), "url", "example.com")


# --- inputs of every supported kind ----------------------------------------------------------


def test_html_main_text_without_scripts(tmp_path):
    (tmp_path / "page.html").write_text(
        "<html><head><title>Flood | Example</title><script>alert(1)</script>"
        '<meta property="article:published_time" content="2016-03-27T10:00:00Z"></head>'
        "<body><nav>Home | World</nav><script>alert(1)</script><article><h1>Flood reaches the capital</h1>"
        "<p>Rivers burst their banks in the capital on Sunday, officials said, after a week of rain.</p>"
        "<script>document.write('SCRIPT-LEAK')</script><style>p { color: red }</style>"
        "<p>The army was deployed on Monday to evacuate villages along the river.</p></article></body></html>"
    )
    [article], failures = read_corpus([tmp_path])
    assert failures == []
    assert "Rivers burst their banks" in article.text and "evacuate villages" in article.text
    for leak in ("alert", "SCRIPT-LEAK", "document.write", "color: red", "<"):
        assert leak not in article.text
    assert (article.published, article.published_source) == (dt.date(2016, 3, 27), "metadata")


def test_markdown_and_front_matter(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Flood reaches the capital\ndate: 2016-03-27\n---\n# Flood reaches the capital\n\n"
        "Rivers **burst** their banks, [officials](https://example.com) said.\n\n![map](map.png)\n"
    )
    [article], _ = read_corpus([tmp_path])
    assert article.text == "Flood reaches the capital\n\nRivers burst their banks, officials said."
    assert (article.title, article.published, article.published_source) == ("Flood reaches the capital", dt.date(2016, 3, 27), "metadata")


def test_jsonl_one_article_per_line_and_a_broken_line(tmp_path):
    lines = [
        json.dumps({"text": "The first flood story.", "source": "Wire", "time": "2011-08-03", "url": "https://e.com/1"}),
        '{"text": "broken',
        "",
        json.dumps({"text": "The second flood story.", "published": "2011-08-04T09:30:00"}),
        json.dumps(["no", "object"]),
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    articles, failures = read_corpus([tmp_path])
    assert [a.text for a in articles] == ["The first flood story.", "The second flood story."]
    assert [a.path.rsplit("#", 1)[1] for a in articles] == ["1", "4"]
    assert (articles[0].source, articles[0].published, articles[0].published_source) == ("Wire", dt.date(2011, 8, 3), "metadata")
    assert (articles[1].published, articles[1].published_time) == (dt.date(2011, 8, 4), "09:30:00")
    reasons = {f.path.rsplit("#", 1)[1]: f for f in failures}
    assert set(reasons) == {"2", "5"} and all(f.kind == "failed" for f in failures)
    assert "not valid JSON" in reasons["2"].reason and '"text"' in reasons["5"].reason


def test_jsonl_line_fields_win_over_the_files_manifest_row(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"text": "The first flood story.", "time": "2011-08-03"}) + "\n"
        + json.dumps({"text": "The second flood story."}) + "\n"
    )
    (tmp_path / "manifest.csv").write_text("file,source,published\na.jsonl,BBC,2011-09-01\n")
    articles, failures = read_corpus([tmp_path])
    assert failures == []
    assert [(a.source, a.published, a.published_source) for a in articles] == [
        ("BBC", dt.date(2011, 8, 3), "metadata"),
        ("BBC", dt.date(2011, 9, 1), "manifest"),
    ]


def test_the_same_article_twice_is_one_article(tmp_path, seed_dir):
    shutil.copy(seed_dir / "002_0da33f54052b2a66.txt", tmp_path / "a.txt")
    # The same story saved again with other line endings and page furniture: same cleaned text.
    raw = (seed_dir / "002_0da33f54052b2a66.txt").read_text(encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(("Advertisement\r\n" + raw.replace("\n", "\r\n")).encode("utf-8"))
    articles, failures = read_corpus([tmp_path, tmp_path / "a.txt"])
    assert len(articles) == 1 and articles[0].path.endswith("a.txt")
    [duplicate] = failures
    assert duplicate.kind == "skipped" and duplicate.path.endswith("b.txt")
    assert duplicate.reason.startswith("duplicate of ") and "a.txt" in duplicate.reason


# --- bad input: each gets a one-line reason, the rest completes -------------------------------

BAD_INPUTS = [
    # (file name, bytes, kind, words in the reason)  -- case
    ("empty.txt", b"", "failed", "empty"),
    ("blank.txt", b"  \n\t\n  \n", "failed", "whitespace"),
    ("binary.txt", bytes(range(256)) * 40, "failed", "binary"),
    ("control.txt", bytes(range(1, 32)) * 40, "failed", "binary"),
    ("undecodable.txt", bytes(range(0x80, 0x100)) * 40, "failed", "binary"),
    ("only-scripts.html", b"<html><head><script>alert(1)</script></head><body><script>x()</script></body></html>", "failed", "no main text"),
    ("notes.pdf", b"%PDF-1.4", "skipped", "unsupported file type"),
    ("no-extension", b"text", "skipped", "unsupported file type"),
    ("furniture.txt", b"Advertisement\nRelated: elsewhere\n", "failed", "no text left"),
]


def test_bad_inputs_each_get_a_reason_and_the_rest_completes(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD_TEXT)
    for name, data, _, _ in BAD_INPUTS:
        (tmp_path / name).write_bytes(data)
    articles, failures = read_corpus([tmp_path])
    assert [pathlib.Path(a.path).name for a in articles] == ["good.txt"]
    reasons = _by_name(failures)
    assert set(reasons) == {name for name, *_ in BAD_INPUTS}
    for name, _, kind, words in BAD_INPUTS:
        failure = reasons[name]
        assert failure.kind == kind and words in failure.reason, failure
        assert "\n" not in failure.reason and len(failure.reason) < 200


LEGACY_CASES = [
    # (encoding, text)  -- case
    ("cp1252", "Caf\u00e9 owners in Montr\u00e9al said on Monday that the \u201cstrike\u201d would end."),  # short: detectors say cp775
    ("cp1252", "Le minist\u00e8re a d\u00e9clar\u00e9 que la ville \u00e9tait reprise. \u00abNous reconstruirons\u00bb \u2013 \u2018briefly\u2019."),
    ("latin-1", "Die Armee hat die Stadt zur\u00fcckerobert, sagte ein Sprecher am Sonntag. Gr\u00f6\u00dfere Sch\u00e4den g\u00e4be es nicht."),
    ("cp1251", "\u0421\u0438\u0440\u0438\u0439\u0441\u043a\u0430\u044f \u0430\u0440\u043c\u0438\u044f \u0432\u0437\u044f\u043b\u0430 \u0433\u043e\u0440\u043e\u0434 \u041f\u0430\u043b\u044c\u043c\u0438\u0440\u0430 \u043f\u043e\u0441\u043b\u0435 \u0442\u0440\u0451\u0445 \u043d\u0435\u0434\u0435\u043b\u044c \u0431\u043e\u0451\u0432."),  # not forced into cp1252
]


@pytest.mark.parametrize(("encoding", "text"), LEGACY_CASES)
def test_legacy_encodings_decode_with_quotes_and_accents(tmp_path, encoding, text):
    (tmp_path / "legacy.txt").write_bytes(text.encode(encoding))
    [article], failures = read_corpus([tmp_path])
    assert failures == [] and article.text == text


def test_a_50_mb_file_is_refused_without_reading_it_into_memory(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD_TEXT)
    (tmp_path / "good.jsonl").write_text(json.dumps({"text": "The river fell on Tuesday."}) + "\n")
    with open(tmp_path / "huge.txt", "wb") as fh:
        fh.write(b"word " * (10 << 20))
    tracemalloc.start()
    try:
        articles, failures = read_corpus([tmp_path])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(articles) == 2
    [failure] = failures
    assert failure.kind == "failed" and "too large" in failure.reason and "limit" in failure.reason
    assert peak < 8 << 20


def test_the_size_limit_is_configurable_and_applies_to_each_jsonl_line(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_TEXT)
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "x" * 500}) + "\n" + json.dumps({"text": "Short one."}) + "\n")
    articles, failures = read_corpus([tmp_path], max_bytes=100)
    assert [a.text for a in articles] == ["Short one."]
    assert {f.path.split("/")[-1]: f.kind for f in failures} == {"a.txt": "failed", "b.jsonl#1": "failed"}
    assert all("limit" in f.reason for f in failures)


def test_manifest_rows_missing_file_and_unparseable_date(tmp_path):
    (tmp_path / "dated.txt").write_text("Flood reaches the capital\n\nMarch 27, 2016\n\nRivers burst their banks.\n")
    (tmp_path / "undated.txt").write_text("Rivers burst their banks again, officials said.\n")
    (tmp_path / "manifest.csv").write_text(
        "file,source,url,title,published,notes\n"
        "missing.txt,Wire,,,2016-03-27,\n"
        "dated.txt,Wire,,,27/03/2016,\n"
        "undated.txt,Agency,,Banks burst,yesterday,\n"
    )
    articles, failures = read_corpus([tmp_path])
    by_name = {pathlib.Path(a.path).name: a for a in articles}
    reasons = _by_name(failures)
    assert reasons["missing.txt"].kind == "failed" and "does not exist" in reasons["missing.txt"].reason
    dated, undated = by_name["dated.txt"], by_name["undated.txt"]
    assert (dated.status, dated.source, dated.published, dated.published_source) == ("ok", "Wire", dt.date(2016, 3, 27), "dateline")
    assert (undated.title, undated.published, undated.published_source) == ("Banks burst", None, "unknown")
    for name, article in (("dated.txt", dated), ("undated.txt", undated)):
        assert reasons[name].kind == "warning" and "not an ISO date" in reasons[name].reason
        assert article.error.startswith("warning:") and "not an ISO date" in article.error


def test_a_repeated_manifest_row_is_skipped_and_the_first_used(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_TEXT)
    (tmp_path / "manifest.csv").write_text("file,source\na.txt,First\na.txt,Second\n")
    articles, failures = read_corpus([tmp_path])
    assert articles[0].source == "First"
    assert [(f.kind, "row 3" in f.reason) for f in failures] == [("skipped", True)]


def test_a_spreadsheet_manifest_with_semicolons_in_cp1252(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_TEXT)
    (tmp_path / "manifest.csv").write_bytes("file;source;title;published\na.txt;Le Monde;L\u2019arm\u00e9e reprend la ville;2016-03-27\n".encode("cp1252"))
    [article], failures = read_corpus([tmp_path])
    assert failures == []
    assert (article.source, article.title, article.published) == ("Le Monde", "L\u2019arm\u00e9e reprend la ville", dt.date(2016, 3, 27))


def test_a_manifest_without_a_file_column_is_reported_and_files_still_read(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_TEXT)
    (tmp_path / "manifest.csv").write_text("name,source\na.txt,Wire\n")
    articles, failures = read_corpus([tmp_path])
    assert len(articles) == 1 and articles[0].source == ""
    assert [f.reason.split(";")[0] for f in failures] == ["manifest has no 'file' column"]


def test_an_explicit_manifest_wins_and_a_missing_path_is_reported(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(GOOD_TEXT)
    (tmp_path / "meta.csv").write_text("file,source,published\nin/a.txt,Wire,2016-03-27T10:00:00+03:00\n")
    articles, failures = read_corpus([tmp_path / "in", tmp_path / "nowhere"], tmp_path / "meta.csv")
    assert (articles[0].source, articles[0].published, articles[0].published_time) == ("Wire", dt.date(2016, 3, 27), "10:00:00")
    assert [(pathlib.Path(f.path).name, f.kind) for f in failures] == [("nowhere", "failed")]


def test_an_explicit_manifest_inside_the_corpus_is_not_an_input(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_TEXT)
    (tmp_path / "meta.csv").write_text("file,source\na.txt,Wire\n")
    articles, failures = read_corpus([tmp_path], tmp_path / "meta.csv")
    assert (len(articles), articles[0].source, failures) == (1, "Wire", [])


def test_an_unreadable_file_is_reported(tmp_path, monkeypatch):
    (tmp_path / "good.txt").write_text(GOOD_TEXT)
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD_TEXT.replace("Sunday", "Friday"))
    real_open = pathlib.Path.open

    def refuse(self, *args, **kwargs):  # root ignores file modes, so deny the read itself
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", refuse)
    articles, failures = read_corpus([tmp_path])
    assert [pathlib.Path(a.path).name for a in articles] == ["good.txt"]
    assert [(pathlib.Path(f.path).name, f.kind, f.reason) for f in failures] == [("locked.txt", "failed", "cannot read: permission denied")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_without_read_permission_is_reported(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD_TEXT)
    locked.chmod(0)
    articles, failures = read_corpus([tmp_path])
    assert articles == [] and failures[0].reason == "cannot read: permission denied"


# --- properties ------------------------------------------------------------------------------

PROSE = st.lists(
    st.one_of(
        st.text(max_size=80),
        st.text(alphabet='aA .:"[]{}\n', max_size=40),  # near-JSON, near-doubled, wrapped lines
        st.sampled_from(["Related: x", "READ MORE: y", "Version 1 Version 2", '[{"a": 1, "b": 2}]', "", "Same line here.", "\u201cq\u201d"]),
    ),
    max_size=12,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(PROSE)
def test_clean_text_never_raises_and_is_stable(raw):
    text, removed = clean_text(raw)
    assert isinstance(text, str) and all(isinstance(r, str) for r in removed)
    assert text == text.strip() and "\n\n\n" not in text
    assert clean_text(text)[0] == text  # cleaning what is clean changes nothing: offsets stay valid


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_read_corpus_never_raises_on_arbitrary_bytes(tmp_path, data, suffix):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    articles, failures = read_corpus([path])
    assert all(a.text and a.status == "ok" for a in articles)
    assert all(f.reason and "\n" not in f.reason for f in failures)
