"""Synthetic stores of any size, for measuring the dashboard (not for tests of extraction).

Random but reproducible: places scattered over a region, a few of them much busier than the rest
(as in real conflict data), events over three years with a mix of day-, month- and year-precise
dates, some movements, one or more articles per event. Built column by column (a million events
in seconds) and published through the store's own `publish`, so it has the store's layout.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from etl import store

TYPES = [("Battles", "Armed clash"), ("Battles", "Government regains territory"),
         ("Battles", "Non-state actor overtakes territory"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Violence against civilians", "Attack"), ("Strategic developments", "Retreat"),
         ("Protests", "Peaceful protest")]
ACTORS = ["Army", "Militia A", "Militia B", "Police", "Protesters", "Coalition"]
SOURCES = ["Wire 1", "Wire 2", "Daily 3", "Broadcaster 4", "Blog 5", "Agency 6"]
START = np.datetime64("2014-01-01")
DAYS = 1100


def _table(name: str, frame: pd.DataFrame) -> pa.Table:
    schema = store.SCHEMAS[name]
    for field in schema:
        if field.name not in frame:
            frame[field.name] = None
    table = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
    return table.sort_by([(key, "ascending") for key in store.SORT_KEYS[name]]) if table.num_rows else table


def _ids(prefix: str, n: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(n).astype(str), 7))


def synthetic_tables(n_events: int, seed: int = 0) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    n_places = max(20, n_events // 20)
    place_ids = _ids("synthetic:", n_places)
    place_names = np.char.add("Town ", np.arange(n_places).astype(str))
    places = pd.DataFrame({
        "place_id": place_ids, "name": place_names, "label": place_names,
        "lat": rng.uniform(30, 40, n_places), "lon": rng.uniform(34, 46, n_places), "kind": "city",
        "country_code": rng.choice(["AA", "BB", "CC"], n_places), "admin1": "",
        "population": rng.integers(500, 500_000, n_places), "origin": "synthetic",
        "aliases": [[] for _ in range(n_places)],
    })
    n_articles = max(5, n_events // 4)
    article_ids = _ids("art", n_articles)
    texts = np.char.add(np.char.add("Article ", np.arange(n_articles).astype(str)),
                        ". Sentence about a town, reported from the field.")
    article_sources = rng.choice(SOURCES, n_articles)
    articles = pd.DataFrame({
        "article_id": article_ids, "source": article_sources,
        "url": np.char.add("https://example.org/", np.arange(n_articles).astype(str)),
        "title": np.char.add("Report ", np.arange(n_articles).astype(str)),
        "published": START + rng.integers(0, DAYS, n_articles), "published_time": "",
        "published_source": "manifest", "language": "en", "text": texts, "path": np.char.add(article_ids, ".txt"),
        "sha256": np.char.zfill(np.arange(n_articles).astype(str), 64), "status": "ok", "error": "",
        "removed": [[] for _ in range(n_articles)], "n_chars": np.char.str_len(texts), "pipeline_version": "synthetic",
    })

    # A few busy places and a long tail, as places are in real reporting.
    weights = 1 / np.arange(1, n_places + 1) ** 0.8
    place = rng.choice(n_places, n_events, p=weights / weights.sum())
    kind = rng.integers(0, len(TYPES), n_events)
    precision = rng.choice(np.array(["day", "month", "year"]), n_events, p=[0.85, 0.12, 0.03])
    day = START + rng.integers(0, DAYS, n_events)
    month_start = day.astype("datetime64[M]").astype("datetime64[D]")
    year_start = day.astype("datetime64[Y]").astype("datetime64[D]")
    first = np.where(precision == "day", day, np.where(precision == "month", month_start, year_start))
    last = np.where(precision == "day", day, np.where(precision == "month", month_start + 27, year_start + 364))
    event_ids = _ids("syn", n_events)
    sub_types = np.array([t[1] for t in TYPES])[kind]

    cited = rng.choice([1, 1, 1, 2, 3], n_events)
    mention_event = np.repeat(np.arange(n_events), cited)
    mention_article = rng.integers(0, n_articles, len(mention_event))
    rank = np.arange(len(mention_event)) - np.repeat(np.cumsum(cited) - cited, cited)
    n_sources = (pd.DataFrame({"e": mention_event, "s": article_sources[mention_article]})
                 .groupby("e")["s"].nunique().to_numpy())
    events = pd.DataFrame({
        "event_id": event_ids, "event_type": np.array([t[0] for t in TYPES])[kind], "sub_event_type": sub_types,
        "summary": np.char.add(np.char.add(sub_types, " in "), place_names[place]), "date_start": first,
        "date_end": last, "date_precision": precision, "date_text": first.astype(str), "place_id": place_ids[place],
        "latitude": places["lat"].to_numpy()[place], "longitude": places["lon"].to_numpy()[place], "geo_precision": 1,
        "actor1": rng.choice(ACTORS, n_events), "actor2": rng.choice(ACTORS + [""], n_events),
        "n_sources": n_sources, "n_mentions": cited, "first_reported": first, "confidence": 0.7, "disputed": "",
    })
    sentences = texts[mention_article]
    mentions = pd.DataFrame({
        "event_id": event_ids[mention_event], "mention_id": np.char.add(np.char.add(event_ids[mention_event], "-"),
                                                                        rank.astype(str)),
        "article_id": article_ids[mention_article], "sentence": sentences, "sentence_start": 0,
        "sentence_end": np.char.str_len(sentences), "trigger": "Article", "trigger_start": 0, "trigger_end": 7,
        "event_type": events["event_type"].to_numpy()[mention_event], "sub_event_type": sub_types[mention_event],
        "actor1": "", "actor2": "", "date_text": "", "date_value": "", "date_start": first[mention_event],
        "date_end": last[mention_event], "date_precision": precision[mention_event],
        "place_id": place_ids[place][mention_event], "place_text": place_names[place][mention_event],
        "confidence": 0.7, "reported_speech": False,
    })
    retreats = np.flatnonzero(sub_types == "Retreat")
    destinations = rng.integers(0, n_places, (len(retreats), 2))
    event_places = pd.concat([
        pd.DataFrame({"event_id": event_ids, "position": 0, "place_id": place_ids[place], "role": "location", "text": ""}),
        pd.DataFrame({"event_id": np.repeat(event_ids[retreats], 2), "position": np.tile([1, 2], len(retreats)),
                      "place_id": place_ids[destinations.ravel()], "role": "destination",
                      "text": place_names[destinations.ravel()]}),
    ])
    frames = {"articles": articles, "places": places, "events": events, "event_mentions": mentions,
              "event_places": event_places}
    return {name: _table(name, frames.get(name, pd.DataFrame())) for name in store.SCHEMAS}


def build_synthetic_store(processed_dir: Path, n_events: int, seed: int = 0) -> Path:
    snapshot, _ = store.publish(processed_dir, synthetic_tables(n_events, seed), {"run": f"synthetic-{n_events}"})
    return snapshot
