"""The spine end to end on the real pipeline: incremental runs, bad input, the CLI."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from etl import pipeline, store

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def _parquet_bytes(processed: Path) -> dict[str, bytes]:
    snap = store.current_snapshot(processed)
    return {p.name: p.read_bytes() for p in sorted((snap / "parquet").iterdir())}


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory, seed_dir):
    processed = tmp_path_factory.mktemp("store")
    summary = pipeline.run([seed_dir], processed)
    return processed, summary


def test_seed_run_reads_every_article_and_fills_every_table(seed_store):
    processed, summary = seed_store
    assert (summary.articles_read, summary.articles_failed, summary.exit_code) == (5, 0, 0)
    articles = store.read_table(processed, "articles").to_pylist()
    assert len(articles) == 5 and {a["status"] for a in articles} == {"ok"}
    assert {a["published"].isoformat() for a in articles} == {"2016-03-27"}
    for table in ("timexes", "place_mentions", "events", "event_mentions", "event_places"):
        assert store.read_table(processed, table).num_rows > 0, table
    assert store.geojson_files(store.current_snapshot(processed))


def test_places_are_labelled_as_the_articles_name_them(seed_store):
    processed, _ = seed_store
    labels = {r["name"]: r["label"] for r in store.read_table(processed, "places").to_pylist()}
    assert labels["Tadmur"] == "Palmyra"  # GeoNames' name; every seed says Palmyra
    assert labels["As Sukhnah"] == "Sukhnah"
    assert labels["Deir ez-Zor"] == "Deir ez-Zor"  # three spellings tie: the gazetteer's own wins
    assert labels["Temple of Bel"] == "Temple of Bel"  # curated names stay
    assert "August" not in labels  # "In August IS fighters ..." is a month


def test_offsets_index_the_stored_cleaned_text(seed_store):
    processed, _ = seed_store
    texts = {a["article_id"]: a["text"] for a in store.read_table(processed, "articles").to_pylist()}
    for name in ("timexes", "place_mentions"):
        for row in store.read_table(processed, name).to_pylist():
            assert texts[row["article_id"]][row["start"]:row["end"]] == row["text"]
    for row in store.read_table(processed, "event_mentions").to_pylist():
        text = texts[row["article_id"]]
        # The offsets mark the trigger's head word; the trigger is the whole phrase ("took control").
        assert text[row["trigger_start"]:row["trigger_end"]] in row["trigger"].split()
        assert text[row["sentence_start"]:row["sentence_end"]] == row["sentence"]


def test_second_run_processes_nothing_and_leaves_identical_tables(seed_store, seed_dir):
    processed, _ = seed_store
    before = _parquet_bytes(processed)
    again = pipeline.run([seed_dir], processed)
    assert (again.articles_processed, again.articles_unchanged, again.published) == (0, 5, False)
    assert again.seconds < 10  # reported, not a timing assertion on speed: nothing was parsed
    assert _parquet_bytes(processed) == before


def test_rebuild_processes_everything_and_gives_the_same_tables(seed_store, seed_dir, tmp_path):
    processed, _ = seed_store
    copy = tmp_path / "copy"
    shutil.copytree(processed, copy, symlinks=True)
    rebuilt = pipeline.run([seed_dir], copy, rebuild=True)
    assert rebuilt.articles_processed == 5
    assert _parquet_bytes(copy) == _parquet_bytes(processed)


def _bad_corpus(folder: Path, seed_dir: Path) -> Path:
    folder.mkdir()
    shutil.copy(seed_dir / "001_639bc933044c5cbc.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 50)
    (folder / "latin1.txt").write_bytes(
        "Caf\xe9 owners in Montr\xe9al said on Monday that the \x93strike\x94 would end.\n".encode("latin-1")
    )
    (folder / "scripts.html").write_text(
        "<html><head><script>var secret = 'SCRIPT-LEAK';</script></head><body><article>"
        "<h1>Flood reaches the capital</h1><p>Rivers burst their banks in Dhaka on Sunday, officials said, "
        "after a week of monsoon rain forced thousands from their homes.</p><script>alert('SCRIPT-LEAK')</script>"
        "<p>The army was deployed on Monday to evacuate villages along the river.</p></article></body></html>"
    )
    (folder / "manifest.csv").write_text(
        "file,source,url,title,published\n"
        "good.txt,Wire,,Good,2016-03-27\n"
        "missing.txt,Wire,,Missing,2016-03-27\n"
        "latin1.txt,Wire,,Latin,not a date\n"
    )
    return folder


def test_bad_inputs_are_reported_and_the_rest_is_processed(tmp_path, seed_dir):
    corpus = _bad_corpus(tmp_path / "in", seed_dir)
    with open(corpus / "huge.txt", "wb") as handle:  # 50 MB
        handle.write(b"word " * (10 * 1024 * 1024))
    processed = tmp_path / "store"
    summary = pipeline.run([corpus], processed)
    reasons = {Path(f.path).name: (f.kind, f.reason) for f in summary.failures}
    for name in ("empty.txt", "binary.txt", "huge.txt", "missing.txt"):
        assert reasons[name][0] == "failed", reasons
        assert reasons[name][1] and "\n" not in reasons[name][1]
    assert summary.exit_code == 1
    rows = {Path(r["path"]).name: r for r in store.read_table(processed, "articles").to_pylist()}
    assert rows["good.txt"]["status"] == "ok"
    assert "strike" in rows["latin1.txt"]["text"] and "Montr\xe9al" in rows["latin1.txt"]["text"]
    assert rows["scripts.html"]["status"] == "ok" and "SCRIPT-LEAK" not in rows["scripts.html"]["text"]
    assert rows["binary.txt"]["status"] == "failed" and rows["binary.txt"]["error"]
    assert "latin1.txt" in reasons and "date" in reasons["latin1.txt"][1].lower()


def test_a_run_with_only_broken_input_loses_nothing_already_stored(seed_store, tmp_path):
    processed, _ = seed_store
    copy = tmp_path / "copy"
    shutil.copytree(processed, copy, symlinks=True)
    events_before = store.read_table(copy, "events").num_rows
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "empty.txt").write_bytes(b"")
    summary = pipeline.run([broken], copy)
    assert summary.articles_read == 0 and summary.exit_code == 3
    statuses = [r["status"] for r in store.read_table(copy, "articles").to_pylist()]
    assert statuses.count("ok") == 5 and "failed" in statuses
    assert store.read_table(copy, "events").num_rows == events_before


def test_a_changed_article_replaces_its_old_version(tmp_path, seed_dir):
    folder = tmp_path / "in"
    folder.mkdir()
    article = folder / "a.txt"
    article.write_text("Rebels captured the town of Idlib on Monday, activists said.\n")
    processed = tmp_path / "store"
    pipeline.run([folder], processed)
    article.write_text("Government forces recaptured the town of Idlib on Tuesday, state media said.\n")
    summary = pipeline.run([folder], processed)
    assert summary.articles_processed == 1
    texts = [r["text"] for r in store.read_table(processed, "articles").to_pylist()]
    assert len(texts) == 1 and "recaptured" in texts[0]


def test_an_undated_article_gets_an_inferred_reference_date(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "undated.txt").write_text(
        "The ceasefire agreed on 12 February 2016 began at midnight on February 27, 2016. "
        "Last month the talks in Geneva collapsed.\n"
    )
    processed = tmp_path / "store"
    pipeline.run([folder], processed)
    row = store.read_table(processed, "articles").to_pylist()[0]
    assert row["published_source"] == "inferred"
    assert row["published"].isoformat() == "2016-02-27"
    anchors = {r["text"]: r["anchor"] for r in store.read_table(processed, "timexes").to_pylist()}
    assert anchors.get("Last month") == "inferred"


def test_a_run_waits_while_another_writer_holds_the_store(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("Rebels captured the town of Idlib on 28 March 2015.\n")
    pipeline.run([folder], tmp_path / "warm")  # the model loaded: unhindered, this run takes well under a second
    processed = tmp_path / "store"
    finished = threading.Event()

    def second_writer():
        pipeline.run([folder], processed)
        finished.set()

    with store.writer_lock(processed):  # as another server's run would
        worker = threading.Thread(target=second_writer)
        worker.start()
        assert not finished.wait(3.0)
        assert store.current_snapshot(processed) is None
    worker.join(timeout=300)
    assert finished.is_set() and store.current_snapshot(processed) is not None


def test_a_cli_run_says_it_waits_for_the_other_writer(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("Rebels captured the town of Idlib on 28 March 2015.\n")
    processed = tmp_path / "store"
    assert not store.writer_busy(processed)
    errors = tmp_path / "stderr.txt"
    with store.writer_lock(processed), open(errors, "w") as err_file:
        assert store.writer_busy(processed)
        cli = subprocess.Popen([sys.executable, "-m", "etl", "run", str(folder), "--store", str(processed), "--quiet"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=err_file, text=True)
        deadline = time.monotonic() + 120
        while "another run is writing to" not in errors.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "another run is writing to" in errors.read_text() and cli.poll() is None
    out, _ = cli.communicate(timeout=600)
    assert cli.returncode == 0, errors.read_text()
    assert "store published" in out and not store.writer_busy(processed)


def _cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)


def test_cli_help_on_every_command():
    for args in (["--help"], ["run", "--help"]):
        result = _cli(*args)
        assert result.returncode == 0 and "usage" in result.stdout.lower()


def test_cli_usage_error_and_summary(tmp_path, seed_dir):
    assert _cli("run", str(tmp_path / "no-such-folder")).returncode == 2
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_dir / "001_639bc933044c5cbc.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    result = _cli("run", str(folder), "--store", str(tmp_path / "store"), "--quiet")
    assert result.returncode == 1, result.stderr
    assert "articles read 1" in result.stdout and "failed 1" in result.stdout
    assert "empty.txt" in result.stdout
    assert "merged events" in result.stdout


def test_a_new_article_rewrites_only_the_months_it_touches(seed_store, seed_dir, tmp_path):
    processed, _ = seed_store
    copy = tmp_path / "copy"
    shutil.copytree(processed, copy, symlinks=True)
    before = store.current_snapshot(copy)
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "later.txt").write_text("Rebels captured the town of Idlib on 3 January 2019, activists said.\n")
    summary = pipeline.run([folder], copy)
    after = store.current_snapshot(copy)
    assert summary.published and summary.articles_kept == 5
    written = {p.name for p in (after / "parquet").glob("events-*.parquet") if p.stat().st_nlink == 1}
    linked = {p.name for p in (after / "parquet").glob("events-*.parquet")
              if (before / "parquet" / p.name).exists() and p.samefile(before / "parquet" / p.name)}
    assert written == {"events-2019-01.parquet"}
    assert linked and linked == {p.name for p in (before / "parquet").glob("events-*.parquet")}
