"""The same corpus through every engine gives the same store, table for table, byte for byte."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl import engine, pipeline, store

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


@pytest.mark.parametrize("n_articles, n_workers, size", [(0, 2, 1), (5, 2, 1), (40, 2, 5), (300, 2, 16), (40, 1, 10), (7, 0, 2)])
def test_batches_give_every_worker_several(n_articles, n_workers, size):
    assert engine.batch_size(n_articles, n_workers) == size


def _echo_batch(articles, known_dates):
    """A stand-in for extraction: what each article's task was given."""
    return [(article, len(known_dates), known_dates[-1]) for article in articles]


def test_dask_sends_the_dates_once_and_keeps_the_order(monkeypatch):
    """Many known dates travel as one scattered value (not a future per date), results come in input order."""
    from distributed import Client, LocalCluster

    scattered = []
    scatter = Client.scatter

    def counting_scatter(self, data, *args, **kwargs):
        futures = scatter(self, data, *args, **kwargs)
        scattered.append(len(futures) if isinstance(futures, list) else 1)
        return futures

    monkeypatch.setattr(Client, "scatter", counting_scatter)
    monkeypatch.setattr(engine, "extract_batch", _echo_batch)
    known = [dt.date(2000, 1, 1) + dt.timedelta(days=i) for i in range(3000)]
    articles = [f"article {i}" for i in range(50)]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        results = engine.extract(articles, known, engine="dask", scheduler=cluster.scheduler_address)
    assert results == [(a, 3000, known[-1]) for a in articles]
    assert scattered == [1]
