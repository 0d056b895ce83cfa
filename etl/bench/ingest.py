"""Ingest: publication dates found without metadata, and how much of clean news text survives cleaning.

`python -m etl.bench ingest [--timeml DIR] [--corpus FILE.jsonl] [--geo FILE.xml] [--json OUT]`

- Dates, on TimeML documents (their <DCT> is the gold publication date): the document id plays
  the URL (wire ids carry the date: APW19980807.0261) and the TEXT element the article text.
  url_date_precision = right / found from the id; url_date_coverage = found / documents;
  text_date_no_false = share of documents where the text alone yields no wrong date (these
  texts carry no datelines, so every date found there would be a false dateline).
- Cleaning, on a .jsonl news corpus that is already clean: ok_share = articles read / lines;
  kept_share = non-space characters kept / non-space characters in; articles_per_second.
  Every removal on clean text is a false positive, so kept_share near 1 is the goal.
  geo_kept_share: the same for the texts of a GeoVirus-format XML file (WikiNews articles).
"""
from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from etl.bench.timeml import read_tml, tml_files
from etl.config import PROJECT_ROOT
from etl.ingest import clean_text, find_publication_date, read_corpus

EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"
DEFAULT_TIMEML = EVAL_DIR / "timeml" / "tbaq"
DEFAULT_CORPUS = EVAL_DIR / "timeline17" / "SyrianCrisis_bbc" / "articles.jsonl"
DEFAULT_GEO = EVAL_DIR / "geo" / "GeoVirus.xml"


def _non_space(text: str) -> int:
    return sum(not c.isspace() for c in text)


def measure_dates(directory: Path) -> dict[str, float]:
    found = right = text_wrong = 0
    files = tml_files(directory)
    for path in files:
        doc = read_tml(path)
        text, _ = clean_text(doc.text)
        date, _, _ = find_publication_date(text, doc.name)
        found += date is not None
        right += date == doc.dct
        from_text, _, _ = find_publication_date(text, "")
        text_wrong += from_text is not None and from_text != doc.dct
    n = len(files)
    return {
        "documents": n,
        "url_date_precision": right / found if found else 0.0,
        "url_date_coverage": found / n if n else 0.0,
        "text_date_no_false": 1 - text_wrong / n if n else 0.0,
    }


def measure_cleaning(corpus: Path) -> dict[str, float]:
    raw_chars = lines = 0
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                lines += 1
                raw_chars += _non_space(json.loads(line).get("text", ""))
    started = time.perf_counter()
    articles, _ = read_corpus([corpus])
    seconds = time.perf_counter() - started
    return {
        "articles": len(articles),
        "ok_share": len(articles) / lines if lines else 0.0,
        "kept_share": sum(_non_space(a.text) for a in articles) / raw_chars if raw_chars else 0.0,
        "articles_per_second": len(articles) / seconds if seconds else 0.0,
    }


def measure_geo_cleaning(geo: Path) -> dict[str, float]:
    texts = [el.text or "" for el in ET.parse(geo).getroot().iter("text")]
    raw = sum(_non_space(t) for t in texts)
    kept = sum(_non_space(clean_text(t)[0]) for t in texts)
    return {"geo_texts": len(texts), "geo_kept_share": kept / raw if raw else 0.0}


def measure(timeml: Path = DEFAULT_TIMEML, corpus: Path = DEFAULT_CORPUS, geo: Path = DEFAULT_GEO) -> dict[str, float]:
    return {**measure_dates(timeml), **measure_cleaning(corpus), **measure_geo_cleaning(geo)}


def add_arguments(parser) -> None:
    parser.add_argument("--timeml", type=Path, default=DEFAULT_TIMEML, help="folder of TimeML .tml files (gold DCT)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=".jsonl news corpus (one article a line)")
    parser.add_argument("--geo", type=Path, default=DEFAULT_GEO, help="GeoVirus-format XML (clean article texts)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")


def main(args) -> int:
    for path in (args.timeml, args.corpus, args.geo):
        if not path.exists():
            print(f"not found: {path}")
            return 2
    figures = measure(args.timeml, args.corpus, args.geo)
    for name, value in figures.items():
        print(f"{name:>22}  {value:.4f}" if isinstance(value, float) else f"{name:>22}  {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0
