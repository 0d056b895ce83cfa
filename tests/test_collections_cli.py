"""The CLI manages collections and runs and corrects one by name, on the same store the app uses."""
from __future__ import annotations

import pytest

from etl import cli, collections, ingest, store


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("TIMELINE_COLLECTIONS_DIR", str(tmp_path / "collections"))
    return tmp_path / "collections"


def test_manage_collections(root, capsys):
    assert cli.main(["collections", "create", "Siege watch"]) == cli.EXIT_OK
    assert cli.main(["collections", "rename", "siege watch", "Siege diary"]) == cli.EXIT_OK
    assert cli.main(["collections", "list"]) == cli.EXIT_OK
    listed = capsys.readouterr().out
    assert "siege-watch" in listed and "Siege diary" in listed and collections.DEFAULT_SLUG in listed
    assert cli.main(["collections", "delete", "default"]) == cli.EXIT_USAGE
    assert cli.main(["collections", "create", "SIEGE DIARY"]) == cli.EXIT_USAGE
    assert cli.main(["collections", "delete", "siege-watch"]) == cli.EXIT_OK
    assert [c.slug for c in collections.list_collections()] == [collections.DEFAULT_SLUG]
    assert cli.main(["run", "--collection", "siege-watch"]) == cli.EXIT_USAGE


def test_run_and_correct_a_collection_by_name(root, seed_dir, capsys):
    made = collections.create("Mine")
    seed = sorted(seed_dir.glob("*.txt"))[0]
    collections.save_upload(made, seed.name, seed.read_bytes())
    assert cli.main(["run", "--collection", "Mine", "--quiet"]) == cli.EXIT_OK
    events = store.read_table(made.processed_dir, "events").to_pylist()
    assert events
    target = events[0]["event_id"]
    assert cli.main(["correct", "--collection", "mine", "--author", "ana", "hide", target]) == cli.EXIT_OK
    assert target not in {e["event_id"] for e in store.read_table(made.processed_dir, "events").to_pylist()}
    assert (made.processed_dir / "corrections.jsonl").is_file()


def test_add_keeps_what_an_upload_may_keep_and_refuses_the_rest(root, seed_dir, tmp_path, capsys):
    made = collections.create("Mine")
    seed = sorted(seed_dir.glob("*.txt"))[0]
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    assert cli.main(["collections", "add", "mine", str(seed), str(binary), str(tmp_path)]) == cli.EXIT_SOME_FAILED
    err = capsys.readouterr().err
    assert "binary.txt" in err and "cannot be read as an article" in err
    assert [p.name for p in made.raw_dir.iterdir()] == [seed.name]
    assert cli.main(["collections", "add", "mine", str(binary)]) == cli.EXIT_NOTHING_READ
    assert cli.main(["collections", "add", "mine", str(seed), str(seed), "--source", "Wire"]) == cli.EXIT_USAGE
    other = sorted(seed_dir.glob("*.txt"))[1]  # another text: the same one twice is read once
    assert cli.main(["collections", "add", "mine", str(other), "--source", "Wire", "--title", "A report",
                     "--published", "2016-03-27"]) == cli.EXIT_OK
    articles, _ = ingest.read_corpus([made.raw_dir])
    assert {(a.title, a.source, str(a.published)) for a in articles if a.title == "A report"} == {
        ("A report", "Wire", "2016-03-27")}
