"""Date selection on Timeline17-format data, scored as news-tls scores it, plus ETL speed.

`python -m etl.bench timeline DIR [--limit N]`: DIR holds articles.jsonl (id, time, text) and
timelines.jsonl (one gold timeline per line: [[date, [sentences]], ...]).

The articles go through the whole ETL (etl.ingest reads the .jsonl, etl.pipeline extracts,
etl.merge merges). As news-tls does for each gold timeline (news_tls/data.py
`ArticleCollection.articles`, experiments/evaluate.py with time_span_extension=0 for
Timeline17), only the articles published between the gold timeline's first and last date are
its input, and only days in that span are candidates. Their events are merged, and days are
ranked by etl.salience (the sentences that state an event's day, each once, weighing more the
later their article wrote); the most important days are taken, as many as the gold timeline has
(news-tls: max_dates = len(gold)). A month-precision event matches no gold day whichever day it
were mapped to, so it does not compete. Date precision, recall and F1 compare the two sets of
dates (news-tls `evaluate_dates`); over several timelines precision and recall are averaged and
F1 taken from the averages (news-tls `get_average_results`).

Speed: the bare spaCy pipeline and the whole ETL (ingest excluded, parse + dates + places +
events + merge) run over all the texts in the same process; peak memory is the process's
maximum resident set size.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import tempfile
import time
from pathlib import Path

from etl import salience


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="folder with articles.jsonl and timelines.jsonl")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (0: all)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--days", action="store_true",
                        help="also explain each gold and each chosen day: rank, importance, events, a sentence")


def read_timelines(path: Path) -> list[list[dt.date]]:
    timelines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            timelines.append(sorted({dt.date.fromisoformat(day[:10]) for day, _ in json.loads(line)}))
    return timelines


def date_scores(predicted: set[dt.date], gold: set[dt.date]) -> dict[str, float]:
    hits = len(predicted & gold)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _limited_copy(source: Path, limit: int, folder: Path) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines()
    target = folder / source.name
    target.write_text("\n".join(lines[:limit] if limit else lines) + "\n", encoding="utf-8")
    return target


def _rank(gold: list[dt.date], extractions: list, places: dict):
    """The gold timeline's span decides the input articles and the candidate days."""
    from etl import merge

    start, end = gold[0], gold[-1]
    inside = [x for x in extractions if x.article.published is not None and start <= x.article.published <= end]
    mentions = [m for x in inside for m in x.events]
    events = merge.merge(mentions, {x.article.article_id: x.article for x in inside}, places)
    scored = salience.rank_events(events, mentions, {x.article.article_id: x.article.published for x in inside})
    return inside, mentions, scored, salience.day_scores(scored, start, end)


def _score_timeline(gold: list[dt.date], extractions: list, places: dict) -> dict[str, float]:
    inside, _, scored, _ = _rank(gold, extractions, places)
    predicted = set(salience.rank_days(scored, gold[0], gold[-1])[: len(gold)])
    dated_days = {e.date_start for e, _ in scored if e.date_start is not None and e.date_precision in salience.DAY_PRECISIONS}
    scores = date_scores(predicted, set(gold))
    scores["gold_dates_with_events"] = len(set(gold) & dated_days) / len(gold)
    scores["articles_in_span"] = len(inside)
    return scores


def explain_days(gold: list[dt.date], extractions: list, places: dict, events_per_day: int = 2) -> list[str]:
    """Why each gold day is found or missed and why each chosen day is chosen: per day its rank,
    importance, vouching sentences and articles, and its most important events with a sentence
    that states the day; for a day no sentence states, how many events sit on it all the same."""
    _, mentions, scored, scores = _rank(gold, extractions, places)
    ranked = salience.rank_days(scored, gold[0], gold[-1])
    chosen = set(ranked[: len(gold)])
    by_id = {m.mention_id: m for m in mentions}
    lines = [f"{len(chosen & set(gold))} of {len(gold)} gold days among the {len(gold)} chosen"]
    for day in sorted(set(gold) | chosen):
        status = ("gold, chosen" if day in chosen else "gold, missed") if day in gold else "chosen, not gold"
        on_day = [(e, sc) for e, sc in scored if e.date_start == day and e.date_precision in salience.DAY_PRECISIONS]
        if day not in scores:
            unstated = f"{len(on_day)} event(s) on it, none with the day stated" if on_day else "no event on it"
            lines.append(f"{day} {status}: no sentence states this day for an event ({unstated})")
            continue
        vouching = {(x.article_id, x.sentence_start) for _, sc in on_day for x in sc.statements}
        lines.append(f"{day} {status}: rank {ranked.index(day) + 1}, importance {scores[day][0]:.2f}, "
                     f"{len(vouching)} sentence(s) in {len({a for a, _ in vouching})} article(s)")
        for event, score in [pair for pair in on_day if pair[1].statements][:events_per_day]:
            told = {(x.article_id, x.sentence_start) for x in score.statements}
            quote = next((by_id[i].sentence for i in event.mention_ids
                          if i in by_id and (by_id[i].article_id, by_id[i].sentence_start) in told), "")
            lines.append(f"    {event.event_type} / {event.sub_event_type}, {score.vouching} of {score.reports} "
                         f"report(s) vouch: {' '.join(quote.split())[:110]}")
    return lines


def evaluate(directory: Path, limit: int = 0, days: bool = False) -> dict:
    from etl import ingest, merge, nlp, pipeline

    with tempfile.TemporaryDirectory() as tmp:
        articles, failures = ingest.read_corpus([_limited_copy(directory / "articles.jsonl", limit, Path(tmp))])
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    nlp.load_pipeline()

    started = time.perf_counter()
    for _ in nlp.parse_many(texts):
        pass
    spacy_seconds = time.perf_counter() - started

    started = time.perf_counter()
    known = sorted(a.published for a in articles if a.published is not None)
    results = pipeline.extract_articles(articles, known)
    extractions = [r for r in results if isinstance(r, pipeline.ArticleExtraction)]
    places = {m.place.place_id: m.place for x in extractions for m in x.places if m.place is not None}
    events = merge.merge([m for x in extractions for m in x.events], {x.article.article_id: x.article for x in extractions}, places)
    etl_seconds = time.perf_counter() - started

    timelines = read_timelines(directory / "timelines.jsonl")
    per_timeline = [_score_timeline(gold, extractions, places) for gold in timelines]
    mean = {key: sum(s[key] for s in per_timeline) / len(per_timeline) for key in per_timeline[0]} if per_timeline else {}
    if mean:
        p, r = mean["precision"], mean["recall"]
        mean["f1"] = 2 * p * r / (p + r) if p + r else 0.0
    figures = {
        "articles": len(articles),
        "ingest_failures": len(failures),
        "words": words,
        "event_mentions": sum(len(x.events) for x in extractions),
        "events": len(events),
        "timelines": len(timelines),
        "articles_in_span": round(mean.get("articles_in_span", 0.0), 1),
        "date_precision": round(mean.get("precision", 0.0), 4),
        "date_recall": round(mean.get("recall", 0.0), 4),
        "date_f1": round(mean.get("f1", 0.0), 4),
        "gold_dates_with_events": round(mean.get("gold_dates_with_events", 0.0), 4),
        "spacy_seconds": round(spacy_seconds, 2),
        "etl_seconds": round(etl_seconds, 2),
        "spacy_articles_per_s": round(len(articles) / spacy_seconds, 2) if spacy_seconds else 0.0,
        "etl_articles_per_s": round(len(articles) / etl_seconds, 2) if etl_seconds else 0.0,
        "spacy_words_per_s": round(words / spacy_seconds) if spacy_seconds else 0,
        "etl_words_per_s": round(words / etl_seconds) if etl_seconds else 0,
        "etl_over_spacy": round(etl_seconds / spacy_seconds, 3) if spacy_seconds else 0.0,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if days:
        figures["days"] = [explain_days(gold, extractions, places) for gold in timelines]
    return figures


def main(args: argparse.Namespace) -> int:
    figures = evaluate(args.dir, args.limit, args.days)
    if args.json:
        print(json.dumps(figures, sort_keys=True))
        return 0
    print(f"articles {figures['articles']} ({figures['words']} words), event mentions {figures['event_mentions']}, "
          f"events {figures['events']}, gold timelines {figures['timelines']}")
    print(f"date precision {figures['date_precision']:.3f}  recall {figures['date_recall']:.3f}  "
          f"F1 {figures['date_f1']:.3f}  (news-tls best published over Timeline17: 0.544)")
    print(f"input: {figures['articles_in_span']} articles published within the gold timeline's span (as news-tls)")
    print(f"gold dates carrying an extracted day-precise event: {figures['gold_dates_with_events']:.3f}")
    print(f"bare spaCy: {figures['spacy_seconds']} s, {figures['spacy_articles_per_s']} articles/s, "
          f"{figures['spacy_words_per_s']} words/s")
    print(f"whole ETL:  {figures['etl_seconds']} s, {figures['etl_articles_per_s']} articles/s, "
          f"{figures['etl_words_per_s']} words/s  ({figures['etl_over_spacy']}x bare spaCy; target <= 1.5x)")
    print(f"peak memory {figures['peak_memory_mb']} MB")
    for number, lines in enumerate(figures.get("days", ()), 1):
        print(f"gold timeline {number}: " + "\n".join(lines))
    return 0
