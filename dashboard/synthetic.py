"""Synthetic stores of any size, for measuring the dashboard (not for tests of extraction).

Random but reproducible: places scattered over a region, events over three years with a mix of
day-, month- and year-precise dates, some movements, one or more articles per event.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pyarrow as pa

from etl import store

TYPES = [("Battles", "Armed clash"), ("Battles", "Government regains territory"),
         ("Battles", "Non-state actor overtakes territory"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Violence against civilians", "Attack"), ("Strategic developments", "Retreat"),
         ("Protests", "Peaceful protest")]
ACTORS = ["Army", "Militia A", "Militia B", "Police", "Protesters", "Coalition"]
SOURCES = ["Wire 1", "Wire 2", "Daily 3", "Broadcaster 4", "Blog 5", "Agency 6"]


def synthetic_tables(n_events: int, seed: int = 0) -> dict[str, pa.Table]:
    rng = random.Random(seed)
    n_places = max(20, n_events // 20)
    places = [{"place_id": f"synthetic:{i}", "name": f"Town {i}", "lat": rng.uniform(30, 40),
               "lon": rng.uniform(34, 46), "kind": "city", "country_code": rng.choice(["AA", "BB", "CC"]),
               "admin1": "", "population": rng.randint(500, 500_000), "origin": "synthetic", "aliases": []}
              for i in range(n_places)]
    n_articles = max(5, n_events // 4)
    start = dt.date(2014, 1, 1)
    articles = []
    for i in range(n_articles):
        text = f"Article {i}. " + " ".join(f"Sentence {j} about Town {rng.randrange(n_places)}." for j in range(8))
        articles.append({"article_id": f"art{i:06d}", "source": rng.choice(SOURCES), "url": f"https://example.org/{i}",
                         "title": f"Report {i}", "published": start + dt.timedelta(days=rng.randrange(1100)),
                         "published_time": "", "published_source": "manifest", "language": "en", "text": text,
                         "path": f"art{i}.txt", "sha256": f"{i:064x}", "status": "ok", "error": "", "removed": [],
                         "n_chars": len(text), "pipeline_version": "synthetic"})
    events, mentions, event_places = [], [], []
    for i in range(n_events):
        event_type, sub_type = rng.choice(TYPES)
        place = rng.choice(places)
        precision = rng.choices(["day", "month", "year"], weights=[85, 12, 3])[0]
        day = start + dt.timedelta(days=rng.randrange(1100))
        first, last = {"day": (day, day), "month": (day.replace(day=1), day.replace(day=28)),
                       "year": (day.replace(month=1, day=1), day.replace(month=12, day=31))}[precision]
        event_id = f"syn{i:06d}"
        cited = rng.sample(articles, k=min(len(articles), rng.choice([1, 1, 1, 2, 3])))
        events.append({"event_id": event_id, "event_type": event_type, "sub_event_type": sub_type,
                       "summary": f"{sub_type} in {place['name']}", "date_start": first, "date_end": last,
                       "date_precision": precision, "date_text": str(first), "place_id": place["place_id"],
                       "latitude": place["lat"], "longitude": place["lon"], "geo_precision": 1,
                       "actor1": rng.choice(ACTORS), "actor2": rng.choice(ACTORS + [""]), "fatalities": None,
                       "n_sources": len({a["source"] for a in cited}), "n_mentions": len(cited),
                       "first_reported": first, "confidence": 0.7, "disputed": ""})
        for j, article in enumerate(cited):
            sentence = article["text"][:60]
            mentions.append({"event_id": event_id, "mention_id": f"{event_id}-{j}", "article_id": article["article_id"],
                             "sentence": sentence, "sentence_start": 0, "sentence_end": len(sentence),
                             "trigger": "Article", "trigger_start": 0, "trigger_end": 7, "event_type": event_type,
                             "sub_event_type": sub_type, "actor1": "", "actor2": "", "date_text": "",
                             "date_value": "", "date_start": first, "date_end": last, "date_precision": precision,
                             "place_id": place["place_id"], "place_text": place["name"], "fatalities": None,
                             "confidence": 0.7, "reported_speech": False})
        event_places.append({"event_id": event_id, "place_id": place["place_id"], "role": "location", "text": ""})
        if sub_type == "Retreat":
            for target in rng.sample(places, k=2):
                event_places.append({"event_id": event_id, "place_id": target["place_id"], "role": "destination",
                                     "text": target["name"]})
    rows = {"articles": articles, "places": places, "events": events, "event_mentions": mentions,
            "event_places": event_places}
    return {name: store.to_table(name, rows.get(name, [])) for name in store.SCHEMAS}


def build_synthetic_store(processed_dir: Path, n_events: int, seed: int = 0) -> Path:
    snapshot, _ = store.publish(processed_dir, synthetic_tables(n_events, seed), {"run": f"synthetic-{n_events}"})
    return snapshot
