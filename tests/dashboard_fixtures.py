"""A small hand-made store for dashboard tests: a few articles, places and events, one hostile article.

Built with etl.store.to_table + publish, so it has exactly the tables and columns the pipeline writes.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl import store

ROOT = Path(__file__).resolve().parent.parent

D = dt.date
HOSTILE = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\"> ${window.__pwned=3} `x` \\x3cb\\x3e"

PLACES = [
    # place_id, name, lat, lon, kind, country
    ("geonames:170015", "Palmyra", 34.56, 38.27, "city", "SY"),
    ("geonames:163345", "Sukhnah", 34.88, 38.87, "city", "SY"),
    ("geonames:163915", "Raqqa", 35.95, 39.01, "city", "SY"),
    ("geonames:170794", "Deir ez-Zor", 35.34, 40.14, "city", "SY"),
    ("country:SY", "Syria", 35.0, 38.0, "country", "SY"),
    ("geonames:292223", "Dubai", 25.26, 55.30, "city", "AE"),
]

ARTICLES = [
    # article_id, source, url, title, published, published_source, text
    ("a1", "Reuters", "https://example.org/2016/03/27/palmyra", "Army retakes Palmyra", D(2016, 3, 27), "manifest",
     "Syrian troops recaptured Palmyra on Sunday. Islamic State fighters retreated to Sukhnah, Raqqa and Deir ez-Zor."),
    ("a2", "RT", "javascript:alert(1)", "Palmyra ten months on", D(2016, 3, 28), "dateline",
     "Islamic State seized Palmyra in May 2015. In August the militants demolished the temples."),
    ("a3", "Blog", "", "Undated notes", D(2016, 4, 1), "inferred",
     "The army recaptured Palmyra last week."),
    ("a4", "Hostile", "https://evil.example/x", HOSTILE, D(2016, 3, 29), "manifest",
     "Troops seized Dubai. " + HOSTILE),
]

EVENTS = [
    # event_id, type, sub_type, summary, start, end, precision, date_text, place, geo_prec, actor1, actor2, n_sources, disputed
    ("ev-fall", "Strategic developments", "Non-state actor overtakes territory", "Islamic State seized Palmyra",
     D(2015, 5, 1), D(2015, 5, 31), "month", "in May 2015", "geonames:170015", 1, "Islamic State", "Syrian army", 1, ""),
    ("ev-temples", "Strategic developments", "Looting/property destruction", "Militants demolished the temples",
     D(2015, 8, 1), D(2015, 8, 31), "month", "In August", "geonames:170015", 1, "Islamic State", "", 1, ""),
    ("ev-recapture", "Battles", "Government regains territory", "Syrian troops recaptured Palmyra",
     D(2016, 3, 27), D(2016, 3, 27), "day", "on Sunday", "geonames:170015", 1, "Syrian army", "Islamic State", 2,
     "Blog dates it a week earlier"),
    ("ev-retreat", "Strategic developments", "Non-violent transfer of territory", "Islamic State fighters retreated",
     D(2016, 3, 27), D(2016, 3, 27), "day", "on Sunday", "geonames:170015", 1, "Islamic State", "", 1, ""),
    ("ev-country", "Battles", "Armed clash", "Fighting across the country",
     D(2016, 1, 1), D(2016, 12, 31), "year", "this year", "country:SY", 4, "Syrian army", "", 1, ""),
    ("ev-hostile", "Battles", "Government regains territory", HOSTILE,
     D(2016, 3, 29), D(2016, 3, 29), "day", HOSTILE, "geonames:292223", 1, HOSTILE, "", 1, HOSTILE),
]

MENTIONS = [
    # event_id, article_id, sentence, trigger
    ("ev-recapture", "a1", "Syrian troops recaptured Palmyra on Sunday.", "recaptured"),
    ("ev-recapture", "a3", "The army recaptured Palmyra last week.", "recaptured"),
    ("ev-retreat", "a1", "Islamic State fighters retreated to Sukhnah, Raqqa and Deir ez-Zor.", "retreated"),
    ("ev-fall", "a2", "Islamic State seized Palmyra in May 2015.", "seized"),
    ("ev-temples", "a2", "In August the militants demolished the temples.", "demolished"),
    ("ev-country", "a2", "Islamic State seized Palmyra in May 2015.", "seized"),
    ("ev-hostile", "a4", "Troops seized Dubai. " + HOSTILE, "seized"),
]

EVENT_PLACES = [
    ("ev-fall", "geonames:170015", "location", "Palmyra"),
    ("ev-temples", "geonames:170015", "location", "Palmyra"),
    ("ev-recapture", "geonames:170015", "location", "Palmyra"),
    ("ev-retreat", "geonames:170015", "origin", "Palmyra"),
    ("ev-retreat", "geonames:163345", "destination", "Sukhnah"),
    ("ev-retreat", "geonames:163915", "destination", "Raqqa"),
    ("ev-retreat", "geonames:170794", "destination", "Deir ez-Zor"),
    ("ev-hostile", "geonames:292223", "location", HOSTILE),
]


def fixture_tables() -> dict:
    articles = [
        {"article_id": aid, "source": src, "url": url, "title": title, "published": pub, "published_time": "",
         "published_source": how, "language": "en", "text": text, "path": f"{aid}.txt", "sha256": aid,
         "status": "ok", "error": "", "removed": [], "n_chars": len(text), "pipeline_version": "test"}
        for aid, src, url, title, pub, how, text in ARTICLES
    ]
    articles.append({
        "article_id": "failed-1", "source": "", "url": "", "title": "empty.txt", "published": None,
        "published_time": "", "published_source": "unknown", "language": "", "text": "", "path": "empty.txt",
        "sha256": "", "status": "failed", "error": "empty file", "removed": [], "n_chars": 0,
        "pipeline_version": "test"})
    text_of = {a[0]: a[6] for a in ARTICLES}
    mentions, timexes, place_mentions = [], [], []
    for i, (event_id, article_id, sentence, trigger) in enumerate(MENTIONS):
        text = text_of[article_id]
        s_start = text.find(sentence)
        t_start = s_start + sentence.find(trigger)
        mentions.append({
            "event_id": event_id, "mention_id": f"m{i}", "article_id": article_id, "sentence": sentence,
            "sentence_start": s_start, "sentence_end": s_start + len(sentence), "trigger": trigger,
            "trigger_start": t_start, "trigger_end": t_start + len(trigger), "event_type": "",
            "sub_event_type": "", "actor1": "", "actor2": "", "date_text": "", "date_value": "",
            "date_start": None, "date_end": None, "date_precision": "", "place_id": "", "place_text": "",
            "fatalities": None, "confidence": 0.5, "reported_speech": False})
    for article_id, text in text_of.items():
        for place_id, name, *_ in PLACES:
            at = text.find(name)
            if at >= 0:
                place_mentions.append({"article_id": article_id, "start": at, "end": at + len(name), "text": name,
                                       "place_id": place_id, "precision": 1, "score": 0.9, "method": "gazetteer"})
        for phrase, value in (("May 2015", "2015-05"), ("on Sunday", "2016-03-27"), ("In August", "2015-08")):
            at = text.find(phrase)
            if at >= 0:
                timexes.append({"article_id": article_id, "start": at, "end": at + len(phrase), "text": phrase,
                                "type": "DATE", "value": value, "precision": "day", "date_start": None,
                                "date_end": None, "approx": False, "mod": "", "anchor": "published"})
    sources_of: dict[str, set[str]] = {}
    source_of_article = {a[0]: a[1] for a in ARTICLES}
    for event_id, article_id, *_ in MENTIONS:
        sources_of.setdefault(event_id, set()).add(source_of_article[article_id])
    place_of = {p[0]: p for p in PLACES}
    events = [
        {"event_id": eid, "event_type": etype, "sub_event_type": sub, "summary": summary, "date_start": start,
         "date_end": end, "date_precision": prec, "date_text": date_text, "place_id": place,
         "latitude": place_of[place][2], "longitude": place_of[place][3], "geo_precision": geo,
         "actor1": a1, "actor2": a2, "fatalities": None, "n_sources": len(sources_of.get(eid, ())) or n,
         "n_mentions": sum(1 for m in MENTIONS if m[0] == eid), "first_reported": start, "confidence": 0.8,
         "disputed": disputed}
        for eid, etype, sub, summary, start, end, prec, date_text, place, geo, a1, a2, n, disputed in EVENTS
    ]
    places = [{"place_id": pid, "name": name, "lat": lat, "lon": lon, "kind": kind, "country_code": cc,
               "admin1": "", "population": 0, "origin": "geonames", "aliases": []}
              for pid, name, lat, lon, kind, cc in PLACES]
    event_places = [{"event_id": e, "place_id": p, "role": r, "text": t} for e, p, r, t in EVENT_PLACES]
    rows = {"articles": articles, "timexes": timexes, "places": places, "place_mentions": place_mentions,
            "events": events, "event_mentions": mentions, "mention_places": [], "event_places": event_places}
    return {name: store.to_table(name, rows.get(name, [])) for name in store.SCHEMAS}


def build_fixture_store(processed_dir: Path) -> Path:
    snapshot, _ = store.publish(processed_dir, fixture_tables(), {"run": "fixture"})
    return snapshot


def navigating_app_test(monkeypatch, *, timeout: int = 60):
    """AppTest of app.py that lets st.navigation pick the page, as the real server does.

    AppTest re-detects a pages/ folder before every run and then runs the current page alone, as in
    Streamlit's legacy multipage mode; the real server switches that off once st.navigation is called.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    original_init = PagesManager.__init__

    def init_with_navigation(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_with_navigation)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
