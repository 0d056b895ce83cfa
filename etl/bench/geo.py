"""Geoparsing benchmark on GeoVirus-format XML (article text + toponyms with offsets, lat/lon).

Modes: `gold` resolves the gold toponym spans in their article (the setting of the published
tables: accuracy within 161 km); `e2e` recognises spans first (precision/recall/F1), then
scores resolution on the recognised spans that overlap a gold span. Also prints lookup speed,
cold start and memory of a lookup-only process, and (with --build) the index build time.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

MAX_ERROR_KM = 20039.0  # half the Earth's circumference: the error of a toponym left unresolved


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class GoldArticle:
    source: str
    text: str
    toponyms: tuple[GoldToponym, ...]


def read_corpus(path: Path, limit: int | None = None) -> list[GoldArticle]:
    articles = []
    for node in ET.parse(path).getroot().iter("article"):
        text = node.findtext("text") or ""
        toponyms = tuple(
            _aligned(text, loc.findtext("name") or "", int(loc.findtext("start")),
                     float(loc.findtext("lat")), float(loc.findtext("lon")))
            for loc in node.iter("location"))
        articles.append(GoldArticle(node.findtext("source") or "", text, toponyms))
        if limit and len(articles) >= limit:
            break
    return articles


def _aligned(text: str, name: str, start: int, lat: float, lon: float) -> GoldToponym:
    """GeoVirus offsets are often a few characters off: snap each to the nearest match of its name."""
    for shift in sorted(range(-40, 41), key=abs):
        if text[start + shift:start + shift + len(name)] == name:
            start += shift
            break
    return GoldToponym(start, start + len(name), name, lat, lon)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def error_metrics(errors: list[float]) -> dict[str, float]:
    """Accuracy within 161/20 km, AUC of the log error (Gritta et al. 2018; lower is better)."""
    if not errors:
        return {"n": 0}
    n = len(errors)
    scaled = sorted(math.log(1 + e) / math.log(1 + MAX_ERROR_KM) for e in errors)
    auc = sum((a + b) / 2 for a, b in zip(scaled, scaled[1:])) / (n - 1) if n > 1 else scaled[0]
    return {
        "n": n,
        "acc161": round(sum(e <= 161 for e in errors) / n, 4),
        "acc20": round(sum(e <= 20 for e in errors) / n, 4),
        "auc": round(auc, 4),
        "mean_km": round(statistics.fmean(errors), 1),
        "median_km": round(statistics.median(errors), 1),
    }


def _error(mention, gold: GoldToponym) -> float:
    if mention is None or mention.place is None:
        return MAX_ERROR_KM
    return distance_km(mention.place.lat, mention.place.lon, gold.lat, gold.lon)


def run_gold(articles, nlp, list_errors: bool) -> dict:
    from etl.geo import resolve_spans

    errors, failures = [], []
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles)):
        spans = [(t.start, t.end) for t in article.toponyms]
        by_span = {(m.start, m.end): m for m in resolve_spans(doc, spans)}
        for gold in article.toponyms:
            mention = by_span.get((gold.start, gold.end))
            error = _error(mention, gold)
            errors.append(error)
            if error > 161:
                failures.append((error, gold, mention))
    if list_errors:
        _print_failures(failures)
    figures = error_metrics(errors)
    # Right country or region, another representative point (CIA-factbook vs Wikipedia centres).
    figures["coarse_point_misses"] = round(sum(
        1 for error, _, m in failures if m is not None and m.place is not None
        and m.place.kind in ("country", "continent", "region", "admin1") and error <= 600
    ) / max(1, len(errors)), 4)
    return figures


def run_e2e(articles, nlp, list_errors: bool) -> dict:
    from etl.geo import recognise_and_resolve

    tp_strict = tp_overlap = n_pred = n_gold = 0
    tp_names = n_names = 0  # the same without demonyms, which GeoVirus does not annotate
    errors, failures, spurious = [], [], []
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles)):
        mentions = recognise_and_resolve(doc)
        n_pred += len(mentions)
        n_gold += len(article.toponyms)
        for gold in article.toponyms:
            overlapping = [m for m in mentions if m.start < gold.end and gold.start < m.end]
            if any(m.start == gold.start and m.end == gold.end for m in overlapping):
                tp_strict += 1
            if overlapping:
                tp_overlap += 1
                error = _error(overlapping[0], gold)
                errors.append(error)
                if error > 161:
                    failures.append((error, gold, overlapping[0]))
        names = [m for m in mentions if m.method != "demonym"]
        n_names += len(names)
        tp_names += sum(any(m.start < g.end and g.start < m.end for m in names)
                        for g in article.toponyms)
        for m in mentions:
            if not any(m.start < g.end and g.start < m.end for g in article.toponyms):
                spurious.append(m.text)
    if list_errors:
        _print_failures(failures)
        print("spurious:", ", ".join(sorted(set(spurious))))

    def prf(tp, n_pred=n_pred):
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return round(p, 4), round(r, 4), round(2 * p * r / (p + r) if p + r else 0.0, 4)

    strict, overlap = prf(tp_strict), prf(tp_overlap)
    result = {"P": strict[0], "R": strict[1], "F1": strict[2],
              "P_overlap": overlap[0], "R_overlap": overlap[1], "F1_overlap": overlap[2]}
    names = prf(tp_names, n_names)
    result.update({"P_overlap_no_demonyms": names[0], "R_overlap_no_demonyms": names[1],
                   "F1_overlap_no_demonyms": names[2]})
    result.update({f"resolved_{k}": v for k, v in error_metrics(errors).items()})
    return result


def _print_failures(failures) -> None:
    for error, gold, mention in sorted(failures, key=lambda f: -f[0]):
        got = (f"{mention.place.name} ({mention.place.kind}, {mention.place.country_code}) "
               f"{mention.place.lat:.2f},{mention.place.lon:.2f}" if mention and mention.place
               else "unresolved")
        print(f"  {error:8.0f} km  {gold.name!r} gold {gold.lat:.2f},{gold.lon:.2f} -> {got}")


def lookup_speed(articles) -> float:
    """Lookups a second on a fresh gazetteer (the shared one remembers the run's answers)."""
    from etl.gazetteer import Gazetteer, ensure_index

    gazetteer = Gazetteer(ensure_index())
    names = [t.name for a in articles for t in a.toponyms] or ["Paris"]
    started = time.perf_counter()
    for name in names:
        gazetteer.lookup(name)
    return len(names) / (time.perf_counter() - started)


LOOKUP_ONLY = """
import re, time
t = time.perf_counter()
from etl.geo import get_place
from etl.gazetteer import get_gazetteer
for name in ("Paris", "Springfield", "Bavaria", "New York"):
    get_gazetteer().lookup(name)
get_place("country:FR")
status = open("/proc/self/status").read()
print(time.perf_counter() - t, re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
"""


def lookup_process() -> tuple[float, float]:
    """Wall time to start a lookup-only process and answer one lookup, and its peak RSS (MB)."""
    root = Path(__file__).resolve().parents[2]
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", LOOKUP_ONLY], cwd=root, capture_output=True,
                         text=True, check=True).stdout.split()
    return time.perf_counter() - started, float(out[1]) / 1024


def online_fallback_time() -> float:
    """Seconds for two online queries when the endpoint is unreachable (no public host is hit)."""
    from etl.geocoder import make_online_geocoder

    with tempfile.TemporaryDirectory() as tmp:
        online = make_online_geocoder("nominatim", Path(tmp) / "cache.sqlite",
                                      domain="127.0.0.1:9", scheme="http")
        started = time.perf_counter()
        online.geocode("Paris")
        online.geocode("Lyon")
        return time.perf_counter() - started


def build_time() -> float:
    from etl import gazetteer

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        gazetteer.build_index(Path(tmp) / "gazetteer.sqlite")
        return time.perf_counter() - started


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="GeoVirus-format XML")
    parser.add_argument("--mode", choices=("gold", "e2e", "both"), default="both")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--list-errors", action="store_true", help="print each miss > 161 km")
    parser.add_argument("--build", action="store_true", help="also time a full index build")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")


def main(args: argparse.Namespace) -> int:
    from etl.gazetteer import ensure_index
    from etl.nlp import load_pipeline

    ensure_index()
    articles = read_corpus(args.file, args.limit)
    nlp = load_pipeline()
    figures: dict = {"articles": len(articles),
                     "toponyms": sum(len(a.toponyms) for a in articles)}
    if args.mode in ("gold", "both"):
        started = time.perf_counter()
        figures["gold"] = run_gold(articles, nlp, args.list_errors)
        figures["gold"]["seconds"] = round(time.perf_counter() - started, 1)
    if args.mode in ("e2e", "both"):
        started = time.perf_counter()
        figures["e2e"] = run_e2e(articles, nlp, args.list_errors)
        figures["e2e"]["seconds"] = round(time.perf_counter() - started, 1)
    figures["lookups_per_s"] = round(lookup_speed(articles))
    cold, rss = lookup_process()
    figures["lookup_process_cold_start_s"] = round(cold, 3)
    figures["lookup_process_rss_mb"] = round(rss, 1)
    figures["online_fallback_two_queries_s"] = round(online_fallback_time(), 3)
    if args.build:
        figures["index_build_s"] = round(build_time(), 1)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0
