"""Periods that follow from the events themselves: who held a place between two changes of control.

If actor A takes place P and later actor B takes P, then "A held P" between the two. Which
sub-event types change control is read from the taxonomy file (family `territory`), so an analyst
can extend it without touching code.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pandas as pd

from etl import config

# ACLED's own names, used when the taxonomy file is absent.
_DEFAULT_CONTROL_TYPES = frozenset({"Government regains territory", "Non-state actor overtakes territory"})
PERIOD_COLUMNS = ["place_id", "place_name", "actor", "start", "end", "label", "from_event", "to_event"]


@lru_cache(maxsize=4)
def control_types(taxonomy_file: Path | None = None) -> frozenset[str]:
    path = taxonomy_file or config.TAXONOMY_DIR / "event_types.csv"
    if not path.is_file():
        return _DEFAULT_CONTROL_TYPES
    with path.open(newline="", encoding="utf-8") as handle:
        found = {row["sub_event_type"] for row in csv.DictReader(handle) if row.get("family") == "territory"}
    return frozenset(found) or _DEFAULT_CONTROL_TYPES


def control_periods(events: pd.DataFrame, control: frozenset[str] | None = None) -> pd.DataFrame:
    """One row per closed period of control: the holder, the place, and the events that bound it."""
    control = control if control is not None else control_types()
    if events.empty:
        return pd.DataFrame(columns=PERIOD_COLUMNS)
    changes = events[
        events["sub_event_type"].isin(control) & events["date_start"].notna()
        & events["place_id"].fillna("").astype(bool) & events["actor1"].fillna("").astype(bool)
        & (events["geo_precision"].fillna(1) <= 2)
    ].sort_values(["place_id", "date_start", "event_id"])
    rows = []
    for place_id, group in changes.groupby("place_id", sort=False):
        holder = since = since_event = None
        for event in group.itertuples():
            if holder is not None and event.actor1 != holder and event.date_start > since:
                name = event.place_name if isinstance(event.place_name, str) and event.place_name else place_id
                rows.append({"place_id": place_id, "place_name": name, "actor": holder, "start": since,
                             "end": event.date_start, "label": f"{holder} held {name}",
                             "from_event": since_event, "to_event": event.event_id})
            if event.actor1 != holder:
                holder, since, since_event = event.actor1, event.date_start, event.event_id
    return pd.DataFrame(rows, columns=PERIOD_COLUMNS)
