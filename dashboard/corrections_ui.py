"""What the Corrections page does to a store, apart from drawing: record a correction, find places.

A correction is recorded the way the CLI records one (`python -m etl correct`): the target
event's mention ids are captured as its stable keys, the record is appended to the log, and the
store is republished at once (nothing re-extracted), so every page reads a new snapshot.
"""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from etl import corrections, gazetteer, geo, pipeline, store
from etl.records import Place

_WRITE = threading.Lock()  # one writer per server process: sessions share the store


def _column(processed_dir: Path, table: str, column: str, filters: list | None = None) -> list:
    """One column of a table of the current snapshot (rows matching `filters`), read without the
    others: a large store's mentions are millions of rows."""
    snap = store.current_snapshot(processed_dir)
    files = store.table_files(snap, table) if snap is not None else []
    return [value for f in files for value in pq.read_table(f, columns=[column], filters=filters).column(column).to_pylist()]


def _mention_ids(processed_dir: Path, event_id: str) -> tuple[str, ...]:
    return tuple(sorted(_column(processed_dir, "event_mentions", "mention_id", [("event_id", "==", event_id)])))


def record(processed_dir: Path, action: str, *, author: str, note: str = "", event_id: str = "",
           other_event_id: str = "", **fields: Any) -> dict:
    """Make, log and apply one correction; what became of it (the `corrections` table's row).

    Raises ValueError for a correction that cannot be made (an unknown field, a bad date).
    """
    processed_dir = Path(processed_dir)
    with _WRITE:
        if event_id:
            fields.update(event_id=event_id, mention_ids=_mention_ids(processed_dir, event_id))
        if other_event_id:
            fields.update(other_event_id=other_event_id, other_mention_ids=_mention_ids(processed_dir, other_event_id))
        correction = corrections.make(action, author=author.strip() or "analyst", note=note,
                                      now=dt.datetime.now(dt.timezone.utc), **fields)
        corrections.append(processed_dir, correction)
        pipeline.republish(processed_dir)
    return next(r for r in store.read_table(processed_dir, "corrections").to_pylist()
                if r["correction_id"] == correction.correction_id)


def history(processed_dir: Path) -> pd.DataFrame:
    """Every correction, newest first, with its status on the last publish and what it replaced."""
    frame = store.read_table(Path(processed_dir), "corrections").to_pandas()
    return frame.sort_values("created", ascending=False, kind="stable").reset_index(drop=True)


def place_choices(name: str, limit: int = 25) -> list[Place]:
    """Gazetteer places a typed name may denote, most plausible first; a place id is looked up as is."""
    name = (name or "").strip()
    if not name:
        return []
    if ":" in name:
        found = geo.get_place(name)
        if found:
            return [found]
    return geo.rank_candidates(gazetteer.get_gazetteer().lookup(name))[:limit]


def describe_place(place: Place) -> str:
    where = ", ".join(part for part in (place.admin1, place.country_code) if part)
    return f"{place.name} ({place.kind}{', ' + where if where else ''}) {place.lat:.3f}, {place.lon:.3f} [{place.place_id}]"


def spellings(processed_dir: Path) -> list[str]:
    """Every place spelling the store's articles use, for a fix applied to all its mentions."""
    return sorted({r for r in _column(Path(processed_dir), "place_mentions", "text") if r}, key=str.casefold)
