"""The same corpus through every engine gives the same store, table for table, byte for byte."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl import pipeline, store

pytestmark = pytest.mark.slow


def _tables(processed: Path) -> dict[str, bytes]:
    snap = store.current_snapshot(processed)
    return {p.name: p.read_bytes() for p in sorted((snap / "parquet").iterdir())}


@pytest.fixture(scope="module")
def local_store(tmp_path_factory, seed_dir):
    processed = tmp_path_factory.mktemp("local")
    pipeline.run([seed_dir], processed, engine="local")
    return _tables(processed)


@pytest.mark.parametrize("engine, scheduler", [
    ("processes", None),
    ("dask", "synchronous"),
])
def test_every_engine_gives_the_local_store(local_store, seed_dir, tmp_path, engine, scheduler):
    processed = tmp_path / "store"
    summary = pipeline.run([seed_dir], processed, engine=engine, workers=2, scheduler=scheduler)
    assert summary.articles_processed == 5 and summary.articles_failed == 0
    assert _tables(processed) == local_store


def test_a_dask_local_cluster_through_the_cli_gives_the_local_store(local_store, seed_dir, tmp_path):
    """As a user runs it. (In a subprocess: spawned workers re-import the parent's __main__, which
    inside pytest may be whatever script an earlier in-process app test ran.)"""
    store_dir = tmp_path / "store"
    result = subprocess.run(
        [sys.executable, "-m", "etl", "run", str(seed_dir), "--store", str(store_dir), "--engine", "dask",
         "--workers", "2", "--quiet"],
        cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=600, env=dict(os.environ))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "articles read 5" in result.stdout
    assert _tables(store_dir) == local_store


def test_an_unknown_engine_is_refused(seed_dir, tmp_path):
    with pytest.raises(ValueError, match="unknown engine"):
        pipeline.run([seed_dir], tmp_path, engine="spark")
