"""Corrections: change, hide, merge or split an event, fix a place spelling everywhere; history and undo.

Each action is a record in the collection's corrections log, applied at once and on every later
run of the ETL; the history shows who made it, when, what it replaced, and whether it still
finds its target (an orphaned one is highlighted, never silently dropped).
"""
import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import context, corrections_ui, queries, sidebar
from dashboard.dates import event_date_label
from dashboard.safe import escape_markdown as md

_DONE = "corrections_last_outcome"
CHOICES = 500  # events offered at once; a search or the sidebar's filters reach the others
PRECISIONS = ("day", "week", "month", "season", "quarter", "year", "time", "decade", "century", "none")


def act(action: str, **fields) -> None:
    try:
        outcome = corrections_ui.record(ctx.processed_dir, action, author=st.session_state.get("corr_author", ""),
                                        note=st.session_state.get("corr_note", ""), **fields)
    except ValueError as exc:
        st.error(md(exc))
        return
    st.session_state[_DONE] = outcome
    st.rerun()  # a new snapshot: every page and the sidebar read it


def text_of(value: object) -> str:
    """A name from the store, or "" when it is missing (None or NaN, never shown as 'nan')."""
    return value if isinstance(value, str) else ""


def label(row: pd.Series) -> str:
    where = f" @ {text_of(row['place_name'])}" if text_of(row["place_name"]) else ""
    return f"{event_date_label(row.to_dict())} · {row['event_type']}{where} · {str(row['summary'])[:90]}"


def place_picker(key: str) -> str:
    """A gazetteer search; the chosen place's id ("" when none)."""
    name = st.text_input("Search the gazetteer", key=f"{key}_search", placeholder="a place name, or an id like geonames:123")
    found = corrections_ui.place_choices(name)
    if name and not found:
        st.caption("No place by that name in the gazetteer.")
    if not found:
        return ""
    by_id = {p.place_id: p for p in found}
    return st.selectbox("Place", list(by_id), format_func=lambda pid: corrections_ui.describe_place(by_id[pid]), key=f"{key}_place")


ctx = context.get()
st.title("Corrections")
last = st.session_state.pop(_DONE, None)
if last:
    (st.success if last["status"] == "applied" else st.warning)(
        f"{last['action']} {last['correction_id']}: {last['status']} — {md(last['detail'])}")
if not ctx.snapshot:
    st.info("This collection has no store yet: add articles first.")
    st.stop()

st.text_input("Your name (shown with your corrections)", key="corr_author", placeholder="analyst")
st.text_input("Why (optional note)", key="corr_note")

# The sidebar's filters and a search narrow the choice (a large store has millions): the page offers at most
# CHOICES of them, read by a query; an event named by id (in the search or the URL) is always offered.
find = st.text_input("Find an event", key="corr_find", placeholder="words of its summary, actors, place or sentences; or its id")
searched = dataclasses.replace(ctx.filters, text=find.strip()) if find.strip() else ctx.filters
events = queries.events_page(ctx.snapshot, searched, "date", CHOICES)
n_matching = queries.count_events(ctx.snapshot, searched) if len(events) == CHOICES else len(events)
for named in (find.strip(), sidebar.selected_event()):
    if named and named not in set(events["event_id"]):
        events = pd.concat([queries.event_by_id(ctx.snapshot, named), events], ignore_index=True)
chosen = sidebar.selected_event() or (find.strip() if find.strip() in set(events["event_id"]) else None)
shown = f"the first {CHOICES:,} in date order of " if n_matching > CHOICES else ""
st.caption(f"{shown}{n_matching:,} events under the sidebar's filters{' and the search' if find.strip() else ''}; "
           "narrow them there or search to find one faster.")
labels = {row["event_id"]: label(row) for _, row in events.iterrows()}
ids = list(labels)
if ids:
    event_id = st.selectbox("Event", ids, index=ids.index(chosen) if chosen in ids else 0, key="corr_event",
                            format_func=lambda eid: labels.get(eid, eid))
    event = events[events["event_id"] == event_id].iloc[0]
else:
    event_id, event = None, None
    st.info("No events in this store.")

change_tab, hide_tab, merge_tab, split_tab, spelling_tab, history_tab = st.tabs(
    ["Change", "Hide", "Merge", "Split", "Place of a spelling", "History and undo"])

if event is not None:
    with change_tab:
        st.caption(md(f"Now: {event['date_start'] or 'no date'} to {event['date_end'] or '-'} ({event['date_precision']}), "
                      f"{text_of(event['place_name']) or 'no place'}, {event['event_type']} / {event['sub_event_type']}, "
                      f"actors {text_of(event['actor1']) or '-'} and {text_of(event['actor2']) or '-'}."))
        with st.form(f"corr_change_{event_id}"):
            left, right = st.columns(2)
            span = {"min_value": dt.date(1800, 1, 1), "max_value": dt.date(2200, 12, 31)}
            start = left.date_input("Date from", value=event["date_start"], key="corr_start", **span)
            end = right.date_input("Date to", value=event["date_end"] or event["date_start"], key="corr_end", **span)
            precisions = list(dict.fromkeys([event["date_precision"], *PRECISIONS]))
            precision = left.selectbox("Date precision", precisions, key="corr_precision")
            types = list(dict.fromkeys([event["event_type"], *ctx.options["event_types"]]))
            event_type = right.selectbox("Event type", types, key="corr_type", accept_new_options=True)
            sub_type = right.text_input("Sub-event type", value=event["sub_event_type"] or "", key="corr_subtype")
            actor1 = left.text_input("Actor 1", value=event["actor1"] or "", key="corr_actor1")
            actor2 = left.text_input("Actor 2", value=event["actor2"] or "", key="corr_actor2")
            known = None if pd.isna(event["fatalities"]) else int(event["fatalities"])
            fatalities = right.number_input("Fatalities", min_value=0, step=1, value=known, key="corr_fatalities")
            summary = st.text_input("Summary", value=event["summary"] or "", key="corr_summary")
            if st.form_submit_button("Save changes", type="primary"):
                wanted = {"date_start": start, "date_end": end, "date_precision": precision, "event_type": event_type,
                          "sub_event_type": sub_type, "actor1": actor1, "actor2": actor2, "summary": summary,
                          "fatalities": None if fatalities is None else int(fatalities)}
                changes = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in wanted.items()
                           if (v or None) != (None if pd.isna(event[k]) else event[k] or None)}
                if changes:
                    act("set", event_id=event_id, changes=changes)
                else:
                    st.info("Nothing changed.")
        st.markdown("**Place of this event**")
        place_id = place_picker("corr_event_place")
        if place_id and st.button("Move the event here", key="corr_move"):
            act("set", event_id=event_id, changes={"place_id": place_id})

    with hide_tab:
        st.write("A false event disappears from every page and export; undo brings it back.")
        if st.button("Hide this event", key="corr_hide", type="primary"):
            act("hide", event_id=event_id)

    with merge_tab:
        others = [eid for eid in ids if eid != event_id]
        other = st.selectbox("The same event as", others, format_func=lambda eid: labels.get(eid, eid),
                             key="corr_merge_other", index=None, placeholder="choose the event to absorb")
        if st.button("Merge into the selected event", key="corr_merge", disabled=other is None):
            act("merge", event_id=event_id, other_event_id=other)

    with split_tab:
        mentions = queries.mentions(ctx.snapshot, (event_id,))
        if len(mentions) < 2:
            st.caption("This event has a single mention: nothing to split off.")
        else:
            texts = dict(zip(mentions["mention_id"], mentions["source"].fillna("") + ": " + mentions["sentence"].str[:160]))
            moving = st.multiselect("Mentions that are another event", list(texts), format_func=texts.get, key="corr_split")
            if st.button("Split them off", key="corr_split_go", disabled=not moving):
                act("split", event_id=event_id, other_mention_ids=tuple(moving))

with spelling_tab:
    st.write("Every mention of a spelling, in every article, resolves to the place you choose.")
    spelling = st.selectbox("Spelling", corrections_ui.spellings(ctx.processed_dir), index=None, key="corr_spelling",
                            placeholder="a place name as the articles write it")
    place_for_spelling = place_picker("corr_spelling_place")
    if st.button("Fix every mention", key="corr_spelling_go", disabled=not (spelling and place_for_spelling)):
        act("place", spelling=spelling, place_id=place_for_spelling)

with history_tab:
    log = corrections_ui.history(ctx.processed_dir)
    if log.empty:
        st.caption("No corrections yet.")
    else:
        orphaned = int((log["status"] == "orphaned").sum())
        if orphaned:
            st.warning(f"{orphaned} correction(s) no longer find their target (highlighted): the ETL no longer "
                       "extracts that event or spelling.")
        shown = log[["created", "author", "action", "status", "event_id", "detail", "before", "note", "correction_id"]]
        st.dataframe(shown.style.apply(
            lambda row: ["background-color: #fde2e1" if row["status"] == "orphaned" else ""] * len(row), axis=1),
            hide_index=True, width="stretch", key="corr_history")
        live = log[log["status"].isin(["applied", "orphaned"]) & (log["action"] != "undo")]
        undo = st.selectbox("Undo", list(live["correction_id"]), index=None, key="corr_undo", placeholder="a correction",
                            format_func=lambda cid: " · ".join(str(v) for v in live[live["correction_id"] == cid]
                                                                [["action", "detail", "author", "created"]].iloc[0]))
        if st.button("Undo it", key="corr_undo_go", disabled=undo is None):
            act("undo", undoes=undo)
