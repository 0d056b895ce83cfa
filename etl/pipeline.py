"""The orchestrator: raw articles in, one published store out.

Per article, a pure function `extract_article` (text + metadata -> plain records); then one
global `merge`; then one atomic `store.publish`. Incremental: an article whose raw bytes and
pipeline version match the current store is not processed again; its records are reused.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pyarrow as pa

from etl import config, corrections, events, geo, ingest, merge, nlp, store, timex
from etl import engine as _engine
from etl.records import Article, EventMention, IngestFailure, Place, PlaceMention, TimeMention

# Code, data and model that decide what is extracted: change any and every article is redone.
# Every etl/*.py counts but the shells, which decide nothing about extraction.
_UNVERSIONED_CODE = frozenset({"cli.py", "__main__.py"})
_VERSIONED_DATA = ("gazetteer", "aliases", "taxonomy", "ingest")


@dataclass(frozen=True)
class ArticleExtraction:
    article: Article
    timexes: tuple[TimeMention, ...]
    places: tuple[PlaceMention, ...]
    events: tuple[EventMention, ...]


@dataclass(frozen=True)
class RunSummary:
    articles_read: int
    articles_processed: int
    articles_unchanged: int
    articles_kept: int  # stored by earlier runs, not among this run's inputs
    articles_failed: int
    failures: tuple[IngestFailure, ...]
    timexes: int
    place_mentions: int
    event_mentions: int
    events: int
    seconds: float
    published: bool
    snapshot: str

    @property
    def exit_code(self) -> int:
        """0 all good; 1 the store was written but some inputs failed; 3 nothing usable was read."""
        if self.articles_read == 0:
            return 3
        return 1 if self.articles_failed else 0


def pipeline_version() -> str:
    """A hash of the extraction code and the data files it reads."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        if path.name not in _UNVERSIONED_CODE:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(nlp.model_identity().encode())
    for sub in _VERSIONED_DATA:
        folder = config.DATA_DIR / sub
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def extract_article(article: Article, doc=None) -> ArticleExtraction:
    """Every mention in one article. Pure: same article in, same records out."""
    doc = doc if doc is not None else nlp.parse(article.text)
    anchor = "inferred" if article.published_source == "inferred" else "published"
    timexes = timex.tag(doc, article.published, anchor=anchor)
    places = geo.recognise_and_resolve(doc)
    mentions = events.extract(doc, article, timexes, places)
    return ArticleExtraction(article, tuple(timexes), tuple(places), tuple(mentions))


def infer_reference_date(doc, others: Sequence[dt.date]) -> dt.date | None:
    """A reference date for an article with no known publication date.

    The latest fully specified day the article itself mentions; failing that, the median
    publication date of the other articles of the run; failing that, none.
    """
    mentioned = timex.reference_candidates(timex.tag(doc, None))
    if mentioned:
        return max(mentioned)
    if others:
        return sorted(others)[len(others) // 2]
    return None


def extract_articles(articles: Sequence[Article], known_dates: Sequence[dt.date]) -> list[ArticleExtraction | IngestFailure]:
    """Extract a batch; an article whose extraction raises is set aside with the reason.

    `known_dates` are the publication dates of the run's other articles, used to infer a
    reference date for an article that has none.
    """
    results: list[ArticleExtraction | IngestFailure] = []
    for article, doc in zip(articles, nlp.parse_many(a.text for a in articles)):
        try:
            if article.published is None:
                inferred = infer_reference_date(doc, known_dates)
                if inferred is not None:
                    article = dataclasses.replace(article, published=inferred, published_source="inferred")
            results.append(extract_article(article, doc))
        except Exception as exc:  # one poisoned article must not sink the run
            results.append(IngestFailure(article.path, f"extraction failed: {type(exc).__name__}: {exc}",
                                         article.sha256, article.source))
    return results


def extract_corpus(articles: Sequence[Article], progress: Callable[[int], None] | None = None, *,
                   engine: str = "local", workers: int | None = None,
                   scheduler: str | None = None) -> list[ArticleExtraction | IngestFailure]:
    """Extract every article on the chosen engine (see etl.engine); results in input order."""
    known = sorted(a.published for a in articles if a.published is not None)
    return _engine.extract(articles, known, engine=engine, workers=workers, scheduler=scheduler, progress=progress)


def _group(table, key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in table.to_pylist():
        grouped[row[key]].append(row)
    return grouped


_PER_ARTICLE_TABLES = ("timexes", "place_mentions", "event_mentions")


@dataclass(frozen=True)
class _Previous:
    """The current store, indexed for reuse by the next run."""

    articles: dict[str, dict]  # ok article rows by article_id
    failures: list[dict]  # failed input rows
    places: dict[str, Place]
    rows_by_article: dict[str, dict[str, list[dict]]]
    mention_places: dict[str, list[dict]]

    @classmethod
    def empty(cls) -> "_Previous":
        return cls({}, [], {}, {n: {} for n in _PER_ARTICLE_TABLES}, {})

    @classmethod
    def load(cls, processed_dir: Path) -> "_Previous":
        tables = {name: store.read_table(processed_dir, name) for name in store.SCHEMAS}
        rows = tables["articles"].to_pylist()
        return cls(
            articles={r["article_id"]: r for r in rows if r["status"] == "ok"},
            failures=[r for r in rows if r["status"] != "ok"],
            places=store.places_from_rows(tables["places"].to_pylist()),
            rows_by_article={n: _group(tables[n], "article_id") for n in _PER_ARTICLE_TABLES},
            mention_places=_group(tables["mention_places"], "mention_id"),
        )

    def extraction(self, article_id: str) -> ArticleExtraction:
        by = self.rows_by_article
        return ArticleExtraction(
            store.article_from_row(self.articles[article_id]),
            tuple(store.timexes_from_rows(by["timexes"].get(article_id, ()))),
            tuple(store.place_mentions_from_rows(by["place_mentions"].get(article_id, ()), self.places)),
            tuple(store.event_mentions_from_rows(by["event_mentions"].get(article_id, ()), self.mention_places)),
        )


RELABELLED_KINDS = frozenset({"city", "village", "admin1", "admin2"})


def place_labels(extractions: Sequence[ArticleExtraction]) -> dict[str, str]:
    """For each place, the name the articles use most (the reporters' spelling where the
    gazetteer holds a transliteration or the local name).

    Only towns and divisions, whose gazetteer names are often transliterations; countries and
    curated points of interest keep their names. Demonyms ("Syrian") and all-capitals spellings
    ("HOMS") are not candidates; ties go to the gazetteer's own name, then to the alphabetically
    first spelling, so the label is stable.
    """
    counts: dict[str, Counter] = defaultdict(Counter)
    gazetteer_name = {}
    for x in extractions:
        for m in x.places:
            if (m.place is not None and m.method != "demonym" and m.place.kind in RELABELLED_KINDS
                    and not (m.text.isupper() and len(m.text) > 3)):
                counts[m.place.place_id][m.text] += 1
                gazetteer_name[m.place.place_id] = m.place.name
    labels = {}
    for place_id, spelled in counts.items():
        top = max(spelled.values())
        best = sorted(t for t, n in spelled.items() if n == top)
        labels[place_id] = gazetteer_name[place_id] if gazetteer_name[place_id] in best else best[0]
    return labels


def build_tables(extractions: Sequence[ArticleExtraction], failures: Iterable[IngestFailure], version: str,
                 earlier_failures: Sequence[dict] = ()) -> dict:
    """Merge events across articles and lay every record out as the store's tables."""
    articles = {x.article.article_id: x.article for x in extractions}
    places: dict[str, Place] = {}
    for x in extractions:
        for m in x.places:
            if m.place is not None:
                places[m.place.place_id] = m.place
    # One canonical order, so fresh and reused records merge identically.
    mentions = sorted((m for x in extractions for m in x.events), key=lambda m: (m.article_id, m.trigger_start, m.mention_id))
    for m in mentions:
        for p in m.places:
            if p.place_id and p.place_id not in places:
                found = geo.get_place(p.place_id)
                if found is not None:
                    places[found.place_id] = found
    mention_table, mention_places = store.event_mention_tables(merge.unique(mentions))
    merged, event_ids = merge.merge_table(mention_table, mention_places, articles, places)
    mention_table = mention_table.set_column(mention_table.schema.get_field_index("event_id"), "event_id",
                                             pa.array(event_ids, pa.string()))
    events, event_places = store.event_tables(merged)
    return {
        "articles": store.to_table("articles", store.article_rows(articles.values(), version)
                                   + store.failure_rows(failures, version) + list(earlier_failures)),
        "timexes": store.to_table("timexes", [r for x in extractions for r in store.timex_rows(x.article.article_id, x.timexes)]),
        "places": store.to_table("places", store.place_rows(places.values(), place_labels(extractions))),
        "place_mentions": store.to_table("place_mentions", [r for x in extractions for r in store.place_mention_rows(x.article.article_id, x.places)]),
        "events": events,
        "event_mentions": mention_table,
        "mention_places": mention_places,
        "event_places": event_places,
        "corrections": store.to_table("corrections", []),
    }


def _publish(processed_dir: Path, extractions, failures, version, old_failures, info) -> tuple[dict, Path, bool]:
    """Merge, apply the analysts' corrections, and publish atomically."""
    tables = build_tables(extractions, failures, version, old_failures)
    tables, _ = corrections.apply(tables, corrections.load(processed_dir), geo.get_place)
    snap, published = store.publish(processed_dir, tables, info)
    return tables, snap, published


def republish(processed_dir: Path | None = None) -> tuple[Path, bool]:
    """Publish the current store again with the corrections log re-applied; nothing is re-extracted."""
    processed_dir = Path(processed_dir or config.PROCESSED_DIR)
    with store.writer_lock(processed_dir):
        return _republish(processed_dir)


def _republish(processed_dir: Path) -> tuple[Path, bool]:
    previous = _Previous.load(processed_dir)
    extractions = sorted((previous.extraction(aid) for aid in previous.articles), key=lambda x: x.article.article_id)
    info = {**store.read_run_info(processed_dir), "republished": True}
    info.pop("fingerprint", None)
    # The records were extracted by the version that made them: keep it, so the next run judges them right.
    version = info.get("pipeline_version") or pipeline_version()
    _, snap, published = _publish(processed_dir, extractions, [], version, previous.failures, info)
    return snap, published


def run(paths: Sequence[Path], processed_dir: Path | None = None, *, rebuild: bool = False,
        manifest: Path | None = None, progress: Callable[[int, int], None] | None = None,
        engine: str = "local", workers: int | None = None, scheduler: str | None = None) -> RunSummary:
    """Read, extract (only what changed), merge and publish one complete store.

    Incremental: the store keeps every article of earlier runs; an input read again with the
    same bytes under the same pipeline version is reused, a changed one replaces its old
    version, and an input that fails now keeps its previously stored version. `rebuild`
    starts from an empty store. Runs on one store take turns (`store.writer_lock`).
    """
    processed_dir = Path(processed_dir or config.PROCESSED_DIR)
    with store.writer_lock(processed_dir):
        return _run(paths, processed_dir, rebuild=rebuild, manifest=manifest, progress=progress, engine=engine,
                    workers=workers, scheduler=scheduler)


def _run(paths: Sequence[Path], processed_dir: Path, *, rebuild: bool, manifest: Path | None,
         progress: Callable[[int, int], None] | None, engine: str, workers: int | None,
         scheduler: str | None) -> RunSummary:
    started = time.perf_counter()
    version = pipeline_version()
    articles, failures = ingest.read_corpus([Path(p) for p in paths], manifest)
    failures = list(failures)
    previous = _Previous.empty() if rebuild else _Previous.load(processed_dir)

    read_paths = {a.path for a in articles}
    new_ids = {a.article_id for a in articles}
    # Earlier articles not read successfully this time stay, unless the same text came back.
    carried = [row for aid, row in previous.articles.items() if row["path"] not in read_paths and aid not in new_ids]
    seen_paths = read_paths | {f.path for f in failures}
    old_failures = [row for row in previous.failures if row["path"] not in seen_paths]

    def up_to_date(aid: str, sha: str) -> bool:
        row = previous.articles.get(aid)
        return row is not None and row["pipeline_version"] == version and row["sha256"] == sha

    reused = [a.article_id for a in articles if up_to_date(a.article_id, a.sha256)]
    reused += [row["article_id"] for row in carried if row["pipeline_version"] == version]
    reused_set = set(reused)
    todo = [a for a in articles if a.article_id not in reused_set]
    todo += [store.article_from_row(row) for row in carried if row["article_id"] not in reused_set]

    total, done = len(reused) + len(todo), 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    extractions = [previous.extraction(aid) for aid in reused]
    tick(len(extractions))
    for result in extract_corpus(todo, progress=tick, engine=engine, workers=workers, scheduler=scheduler):
        if isinstance(result, IngestFailure):
            failures.append(result)
        else:
            extractions.append(result)
    extractions.sort(key=lambda x: x.article.article_id)

    published, snapshot = False, ""
    if extractions or failures:
        info = {"pipeline_version": version, "articles": len(extractions), "failed": len(failures) + len(old_failures)}
        tables, snap, published = _publish(processed_dir, extractions, failures, version, old_failures, info)
        snapshot = snap.name
    else:
        tables = build_tables([], [], version)
    return RunSummary(
        articles_read=len(articles),
        articles_processed=len(todo),
        articles_unchanged=sum(1 for a in articles if a.article_id in reused_set),
        articles_kept=len(carried),
        articles_failed=sum(1 for f in failures if f.kind == "failed"),
        failures=tuple(failures),
        timexes=tables["timexes"].num_rows,
        place_mentions=tables["place_mentions"].num_rows,
        event_mentions=tables["event_mentions"].num_rows,
        events=tables["events"].num_rows,
        seconds=time.perf_counter() - started,
        published=published,
        snapshot=snapshot,
    )
