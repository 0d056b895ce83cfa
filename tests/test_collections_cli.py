"""The CLI manages collections and runs and corrects one by name, on the same store the app uses."""
from __future__ import annotations

import pytest

from etl import cli, collections, store


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
