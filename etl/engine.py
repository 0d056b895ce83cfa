"""Where per-article extraction runs: one process, all local cores, or a Dask cluster.

The unit of work is `extract_batch`, a top-level pure function over a batch of articles that
returns plain records (never spaCy Docs, never the model: each worker loads its own model
once, lazily). The engines differ only in who calls it, so their results are identical.
"""
from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, Sequence

from etl.records import Article, IngestFailure

ENGINES = ("local", "processes", "dask")
BATCH_SIZE = 16


def batches(articles: Sequence[Article], size: int = BATCH_SIZE) -> list[list[Article]]:
    return [list(articles[i:i + size]) for i in range(0, len(articles), size)]


def batch_size(n_articles: int, n_workers: int) -> int:
    """At most BATCH_SIZE, and small enough that every worker gets several batches: a small run
    is not left to one worker while the others idle, and the last batches finish close together."""
    return max(1, min(BATCH_SIZE, -(-n_articles // (4 * max(n_workers, 1)))))


def extract_batch(articles: Sequence[Article], known_dates: Sequence[dt.date]) -> list:
    """Extract one batch (imported lazily so a worker only pays for what it runs)."""
    from etl import pipeline

    return pipeline.extract_articles(articles, known_dates)


def _local(articles, known, workers, scheduler) -> Iterator[list]:
    for part in batches(articles):
        yield extract_batch(part, known)


def _processes(articles, known, workers, scheduler) -> Iterator[list]:
    workers = workers or os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(extract_batch, part, known) for part in batches(articles, batch_size(len(articles), workers))]
        for future in futures:  # in submission order, so output order never depends on timing
            yield future.result()


def _dask(articles, known, workers, scheduler) -> Iterator[list]:
    if scheduler == "synchronous":
        import dask

        tasks = [dask.delayed(extract_batch)(part, known) for part in batches(articles)]
        yield from dask.compute(*tasks, scheduler="synchronous")
        return
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        # One future for the whole list (scattering a list itself makes a future per date).
        [known_future] = client.scatter([list(known)], broadcast=True)
        parts = batches(articles, batch_size(len(articles), sum(client.nthreads().values())))
        # retries: a worker that dies mid-batch has its batch run again elsewhere.
        futures = client.map(extract_batch, parts, known_dates=known_future, retries=2, pure=False)
        for part, future in zip(parts, futures):
            try:
                yield future.result()
            except Exception:  # the batch kept killing workers: find the poisoned article(s)
                yield [_one_by_one(client, article, known_future) for article in part]
            future.release()  # the cluster forgets each result once it is here
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _one_by_one(client, article: Article, known_future):
    try:
        return client.submit(extract_batch, [article], known_future, retries=1, pure=False).result()[0]
    except Exception as exc:  # set aside, not retried forever
        return IngestFailure(article.path, f"extraction failed on every worker: {type(exc).__name__}: {exc}",
                             article.sha256, article.source)


_RUNNERS = {"local": _local, "processes": _processes, "dask": _dask}


def extract(articles: Sequence[Article], known_dates: Sequence[dt.date], *, engine: str = "local",
            workers: int | None = None, scheduler: str | None = None,
            progress: Callable[[int], None] | None = None) -> list:
    """Run `extract_batch` over every batch on the chosen engine; results in input order."""
    if engine not in _RUNNERS:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    results = []
    for done in _RUNNERS[engine](articles, list(known_dates), workers, scheduler):
        results.extend(done)
        if progress:
            progress(len(done))
    return results
