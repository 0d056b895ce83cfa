"""Human corrections, kept apart from extracted data and re-applied after every run.

Corrections live in an append-only JSON Lines log beside the store (`corrections.jsonl`), one
record per action: who, when, what, and the stable keys of its target. An event is found again
by its id, else by the mentions it was made of (ids of mentions are article id + trigger
offsets, so they survive re-runs while event ids may not, when a new source joins an event).
A correction whose target has vanished is reported as orphaned, never silently dropped. Undo
is a record too, so the log is the full history.

Actions:
- set:   change fields of an event (date, precision, place, type, actors, summary, fatalities)
- hide:  a false event disappears from the events table and every export
- merge: two events that are one become one (the first keeps its id)
- split: some mentions of an event become an event of their own
- place: every mention of a spelling resolves to another place (a gazetteer fix)
- undo:  withdraws an earlier correction
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import pyarrow as pa

ACTIONS = ("set", "hide", "merge", "split", "place", "undo")
SETTABLE = frozenset({"date_start", "date_end", "date_precision", "place_id", "event_type", "sub_event_type",
                      "actor1", "actor2", "summary", "fatalities"})
LOG_NAME = "corrections.jsonl"


@dataclass(frozen=True)
class Correction:
    correction_id: str
    action: str
    author: str
    created: str  # ISO timestamp: when the analyst made it (metadata, never used to resolve dates)
    event_id: str = ""
    mention_ids: tuple[str, ...] = ()
    other_event_id: str = ""  # merge: the event absorbed
    other_mention_ids: tuple[str, ...] = ()
    changes: Mapping[str, Any] = field(default_factory=dict)  # set: field -> new value
    spelling: str = ""  # place: the surface text
    place_id: str = ""  # place: the place it should be
    undoes: str = ""  # undo: the correction withdrawn
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    """What became of one correction on this run: applied, orphaned or undone, and what it replaced."""

    correction: Correction
    status: str  # applied | orphaned | undone
    detail: str
    before: Mapping[str, Any]


def log_path(processed_dir: Path) -> Path:
    return Path(processed_dir) / LOG_NAME


def load(processed_dir: Path) -> list[Correction]:
    path = log_path(processed_dir)
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            raw["mention_ids"] = tuple(raw.get("mention_ids", ()))
            raw["other_mention_ids"] = tuple(raw.get("other_mention_ids", ()))
            out.append(Correction(**raw))
    return out


def make(action: str, *, author: str, now: dt.datetime, **fields: Any) -> Correction:
    """A new correction; validates what it can without a store."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; choose one of {', '.join(ACTIONS)}")
    bad = set(fields.get("changes", {})) - SETTABLE
    if bad:
        raise ValueError(f"cannot set {sorted(bad)}; settable: {sorted(SETTABLE)}")
    for name, value in fields.get("changes", {}).items():
        try:
            _typed(name, value)
        except ValueError:
            raise ValueError(f"{name} must be a date like 2016-03-27, not {value!r}") from None
    for key in ("mention_ids", "other_mention_ids"):
        if key in fields:
            fields[key] = tuple(fields[key])
    return Correction(correction_id=uuid.uuid4().hex[:12], action=action, author=author or "analyst",
                      created=now.isoformat(timespec="seconds"), **fields)


def append(processed_dir: Path, correction: Correction) -> None:
    """Append one record; the write is a single flushed line, so the log is never half-written."""
    path = log_path(processed_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = json.dumps({**asdict(correction), "changes": dict(correction.changes)}, ensure_ascii=False, default=str)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(record + "\n")
        handle.flush()
        os.fsync(handle.fileno())


# ---------------------------------------------------------------- applying to the store's tables

def _find(events: dict[str, dict], mentions_of: dict[str, set[str]], event_id: str, mention_ids: Sequence[str]) -> str | None:
    if event_id in events:
        return event_id
    wanted = set(mention_ids)
    best, overlap = None, 0
    for eid, mids in mentions_of.items():
        shared = len(wanted & mids)
        if shared > overlap or (shared == overlap and shared and eid < (best or "")):
            best, overlap = eid, shared
    return best


DATE_FIELDS = frozenset({"date_start", "date_end"})


def _typed(name: str, value: Any) -> Any:
    """Dates arrive as ISO strings from the log, the CLI and the app."""
    if name in DATE_FIELDS and isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return value


def apply(tables: Mapping[str, pa.Table], corrections: Sequence[Correction],
          place_lookup: Callable[[str], Any]) -> tuple[dict[str, pa.Table], list[Outcome]]:
    """The tables with every live correction applied, in log order, and what became of each.

    `place_lookup(place_id)` returns a Place (for new coordinates) or None.
    """
    from etl import store

    if not corrections:  # the tables as they are: at 10^6 mentions, rows and back would take half a minute
        return {**tables, "corrections": store.to_table("corrections", [])}, []
    undone = {c.undoes for c in corrections if c.action == "undo"}
    events = {r["event_id"]: r for r in tables["events"].to_pylist()}
    mentions = tables["event_mentions"].to_pylist()
    event_places = tables["event_places"].to_pylist()
    place_mentions = tables["place_mentions"].to_pylist()
    places = {r["place_id"]: r for r in tables["places"].to_pylist()}
    source_of = {r["article_id"]: r["source"] or r["article_id"] for r in tables["articles"].to_pylist()}
    mentions_of: dict[str, set[str]] = {}
    for m in mentions:
        mentions_of.setdefault(m["event_id"], set()).add(m["mention_id"])

    def recount(eid: str) -> None:
        own = [m for m in mentions if m["event_id"] == eid]
        events[eid]["n_mentions"] = len(own)
        events[eid]["n_sources"] = len({source_of.get(m["article_id"], m["article_id"]) for m in own})

    def ensure_place(pid: str) -> dict | None:
        if pid not in places:
            found = place_lookup(pid)
            if found is None:
                return None
            places[pid] = store.place_rows([found])[0]
        return places[pid]

    outcomes: list[Outcome] = []
    for c in corrections:
        if c.action == "undo":
            outcomes.append(Outcome(c, "applied", f"withdraws {c.undoes}", {}))
            continue
        if c.correction_id in undone:
            outcomes.append(Outcome(c, "undone", "withdrawn by a later undo", {}))
            continue
        if c.action == "place":
            target = ensure_place(c.place_id)
            if target is None:
                outcomes.append(Outcome(c, "orphaned", f"no place {c.place_id} in the gazetteer", {}))
                continue
            key = c.spelling.casefold()
            hits = [pm for pm in place_mentions if pm["text"].casefold() == key]
            before = sorted({pm["place_id"] for pm in hits})
            for pm in hits:
                pm["place_id"] = c.place_id
            for m in mentions:
                if m["place_text"].casefold() == key:
                    m["place_id"] = c.place_id
                    event = events.get(m["event_id"])
                    if event is not None and event["place_id"] in before:
                        event.update(place_id=c.place_id, latitude=target["lat"], longitude=target["lon"])
            for ep in event_places:
                if ep["text"].casefold() == key:
                    ep["place_id"] = c.place_id
            status = "applied" if hits else "orphaned"
            outcomes.append(Outcome(c, status, f"{len(hits)} mentions of {c.spelling!r}", {"place_ids": before}))
            continue

        eid = _find(events, mentions_of, c.event_id, c.mention_ids)
        if eid is None:
            outcomes.append(Outcome(c, "orphaned", "the event is no longer extracted", {}))
            continue
        event = events[eid]
        if c.action == "set":
            changes = {k: _typed(k, v) for k, v in c.changes.items()}
            before = {k: event[k] for k in changes}
            if "place_id" in changes:
                target = ensure_place(changes["place_id"])
                if target is None:
                    outcomes.append(Outcome(c, "orphaned", f"no place {changes['place_id']} in the gazetteer", before))
                    continue
                changes.update(latitude=target["lat"], longitude=target["lon"])
            event.update(changes)
            outcomes.append(Outcome(c, "applied", ", ".join(f"{k}={v}" for k, v in c.changes.items()), before))
        elif c.action == "hide":
            del events[eid]
            event_places[:] = [ep for ep in event_places if ep["event_id"] != eid]
            outcomes.append(Outcome(c, "applied", "hidden", {"summary": event["summary"]}))
        elif c.action == "merge":
            other = _find({k: v for k, v in events.items() if k != eid}, {k: v for k, v in mentions_of.items() if k != eid},
                          c.other_event_id, c.other_mention_ids)
            if other is None:
                outcomes.append(Outcome(c, "orphaned", "the second event is no longer extracted", {}))
                continue
            for m in mentions:
                if m["event_id"] == other:
                    m["event_id"] = eid
            mentions_of[eid] = mentions_of.get(eid, set()) | mentions_of.pop(other, set())
            absorbed = events.pop(other)
            event_places[:] = [ep for ep in event_places if ep["event_id"] != other]
            recount(eid)
            outcomes.append(Outcome(c, "applied", f"absorbed {other}", {"absorbed_summary": absorbed["summary"]}))
        elif c.action == "split":
            moving = set(c.other_mention_ids) & mentions_of.get(eid, set())
            if not moving or moving == mentions_of.get(eid, set()):
                outcomes.append(Outcome(c, "orphaned", "no mentions left to split off", {}))
                continue
            new_id = "split-" + hashlib.sha256("\0".join(sorted(moving)).encode()).hexdigest()[:12]
            for m in mentions:
                if m["mention_id"] in moving:
                    m["event_id"] = new_id
            mentions_of[eid] -= moving
            mentions_of[new_id] = moving
            events[new_id] = {**event, "event_id": new_id}
            event_places.extend({**ep, "event_id": new_id} for ep in event_places if ep["event_id"] == eid)
            recount(eid)
            recount(new_id)
            outcomes.append(Outcome(c, "applied", f"{len(moving)} mentions became {new_id}", {}))

    out = dict(tables)
    out["events"] = store.to_table("events", list(events.values()))
    out["event_mentions"] = store.to_table("event_mentions", mentions)
    out["event_places"] = store.to_table("event_places", [ep for ep in event_places if ep["event_id"] in events])
    out["place_mentions"] = store.to_table("place_mentions", place_mentions)
    out["places"] = store.to_table("places", list(places.values()))
    out["corrections"] = store.to_table("corrections", outcome_rows(outcomes))
    return out, outcomes


def outcome_rows(outcomes: Iterable[Outcome]) -> list[dict]:
    return [{
        "correction_id": o.correction.correction_id, "action": o.correction.action, "author": o.correction.author,
        "created": o.correction.created, "event_id": o.correction.event_id, "status": o.status, "detail": o.detail,
        "before": json.dumps(o.before, default=str, sort_keys=True), "note": o.correction.note,
        "undoes": o.correction.undoes,
    } for o in outcomes]
