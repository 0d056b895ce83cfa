"""The timeline figure (Altair): exact dates as points, vague dates as pale spans, periods as bands.

Selections come back through `st.altair_chart(on_select=...)`: the `brush` interval sets the
date filter of every page, a click on an event (`pick`) opens its details.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import pandas as pd

from dashboard.dates import date_label
from dashboard.style import colour_scale

BRUSH = "brush"
PICK = "pick"
DENSE_EVENTS = 2000  # above this the timeline shows counts per period, not single events
KEY_EVENTS = 6  # numbered on the chart and listed under it
EXACT_PRECISIONS = ("day", "time")


def timeline_frame(events: pd.DataFrame) -> pd.DataFrame:
    """One row per dated event with what the chart draws and shows on hover."""
    dated = events[events["date_start"].notna()].copy()
    start = pd.to_datetime(dated["date_start"])
    end = pd.to_datetime(dated["date_end"].fillna(dated["date_start"]))
    return pd.DataFrame({
        "event_id": dated["event_id"],
        "event_type": dated["event_type"].fillna(""),
        "summary": dated["summary"].fillna(""),
        "date_text": dated["date_text"].fillna(""),
        "date_precision": dated["date_precision"].fillna(""),
        "when": [date_label(a, b, p) for a, b, p in zip(dated["date_start"], dated["date_end"], dated["date_precision"])],
        "exact": dated["date_precision"].isin(EXACT_PRECISIONS),
        "start": start,
        "end": end + pd.Timedelta(days=1),  # an inclusive end day covers the whole day
        "n_sources": dated["n_sources"].fillna(1).astype(int),
        "sources": dated["sources"].map(lambda s: ", ".join(s) if s is not None else ""),
        "place": dated["place_name"].fillna(""),
    })


def grain_for(date_min: dt.date, date_max: dt.date) -> str:
    """A period length that keeps a dense timeline at a few hundred bars."""
    days = (date_max - date_min).days
    return "day" if days <= 400 else "week" if days <= 2500 else "month" if days <= 20000 else "year"


# A tick says what it stands for: a year's first day "2016", a month's "Mar 2016", any other day "27 Mar",
# an hour "06:00". Vega's time ticks fall on such boundaries, so the label shows the scale, not a false day.
TICK_LABEL = ("timeFormat(datum.value, hours(datum.value) || minutes(datum.value) ? '%H:%M'"
              " : date(datum.value) != 1 ? '%-d %b' : month(datum.value) != 0 ? '%b %Y' : '%Y')")


def _x(title: str = "date") -> alt.X:
    """The time axis. `format` stays the exact day: marks' accessible descriptions read the date through it."""
    return alt.X("start:T", title=title, axis=alt.Axis(format="%Y-%m-%d", labelExpr=TICK_LABEL, labelAngle=0))


def _sources_size(n_sources: pd.Series) -> alt.Size:
    """Circle area by number of sources, from one source up, with a legend that lists the counts drawn
    (never 0, never stopping short of the most reported event)."""
    most = int(n_sources.max()) if len(n_sources) else 1
    shown = sorted({1, (1 + most) // 2, most})
    return alt.Size("n_sources:Q", title="sources", scale=alt.Scale(domain=[1, max(most, 2)], range=[80, 600]),
                    legend=alt.Legend(values=shown, format="d"))


def key_events(frame: pd.DataFrame, limit: int = KEY_EVENTS, apart: float = 0.06) -> pd.DataFrame:
    """The most reported events (two sources or more) of a `timeline_frame`, numbered in date order.

    An event of the same type as a more reported one and within `apart` of the time axis of it is
    left out, so that no two numbers sit on each other on the chart."""
    columns = [*frame.columns, "mid", "key"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    span_days = max((frame["end"].max() - frame["start"].min()).days, 1)
    ranked = frame[frame["n_sources"] >= 2].sort_values(["n_sources", "start"], ascending=[False, True], kind="stable")
    chosen: list[dict] = []
    for row in ranked.assign(mid=ranked["start"] + (ranked["end"] - ranked["start"]) / 2).to_dict("records"):
        if any(c["event_type"] == row["event_type"] and abs((c["mid"] - row["mid"]).days) < apart * span_days
               for c in chosen):
            continue
        chosen.append(row)
        if len(chosen) == limit:
            break
    keys = pd.DataFrame(chosen, columns=columns[:-1]).sort_values(["mid", "event_id"], kind="stable")
    return keys.assign(key=range(1, len(keys) + 1)).reset_index(drop=True)


def events_chart(events: pd.DataFrame, periods: pd.DataFrame, all_types: list[str], height: int = 320,
                 numbered: bool = False) -> alt.LayerChart:
    """Every event drawn on its own: points when the day is known, spans when only month or year is;
    `numbered` puts the numbers of `key_events` beside the most reported ones."""
    frame = timeline_frame(events)
    domain, colours = colour_scale(all_types or frame["event_type"].tolist())
    colour = alt.Color("event_type:N", title="type", scale=alt.Scale(domain=domain, range=colours))
    tooltip = [
        alt.Tooltip("summary:N", title="summary"), alt.Tooltip("date_text:N", title="date as reported"),
        alt.Tooltip("when:N", title="when"), alt.Tooltip("date_precision:N", title="known to the"),
        alt.Tooltip("place:N"), alt.Tooltip("sources:N"), alt.Tooltip("n_sources:Q", title="n sources"),
    ]
    y = alt.Y("event_type:N", title=None, scale=alt.Scale(domain=domain), axis=alt.Axis(labelLimit=220))
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    pick = alt.selection_point(name=PICK, fields=["event_id"], on="click", clear="dblclick")
    base = alt.Chart(frame)
    spans = base.transform_filter("!datum.exact").mark_bar(
        opacity=0.3, strokeDash=[4, 3], strokeWidth=1.5, cornerRadius=3, height=14,
    ).encode(x=_x(), x2="end:T", y=y, color=colour, stroke=colour, tooltip=tooltip)
    points = base.transform_filter("datum.exact").mark_circle(opacity=0.9, stroke="white", strokeWidth=1).encode(
        x=_x(), y=y, color=colour, tooltip=tooltip,
        size=_sources_size(frame["n_sources"]),
    ).add_params(brush, pick)
    layers = [spans, points]
    keys = key_events(frame) if numbered else pd.DataFrame()
    if not keys.empty:
        layers.append(alt.Chart(keys).mark_text(dy=-17, fontSize=14, fontWeight="bold", color="#111").encode(
            x=alt.X("mid:T"), y=y, text="key:N", tooltip=tooltip))
    if not periods.empty:
        band_frame = periods.assign(start=pd.to_datetime(periods["start"]), end=pd.to_datetime(periods["end"]))
        bands = alt.Chart(band_frame).mark_rect(opacity=0.12, color="#555").encode(
            x="start:T", x2="end:T", tooltip=[alt.Tooltip("label:N", title="period"),
                                               alt.Tooltip("start:T", format="%Y-%m-%d"),
                                               alt.Tooltip("end:T", format="%Y-%m-%d")])
        # At the foot of the band: the top is where the key events' numbers go.
        labels = alt.Chart(band_frame).mark_text(align="left", baseline="bottom", dx=4, dy=-2, fontSize=11,
                                                 color="#333").encode(x="start:T", y=alt.value({"expr": "height"}), text="label:N")
        layers = [bands, labels, *layers]
    return alt.layer(*layers).properties(height=height)


def counts_chart(counts: pd.DataFrame, all_types: list[str], grain: str, height: int = 320) -> alt.Chart:
    """Events per period, stacked by type: what a timeline of many thousand events can show."""
    domain, colours = colour_scale(all_types or counts["event_type"].tolist())
    frame = counts.rename(columns={"period": "start"}).assign(start=lambda f: pd.to_datetime(f["start"]))
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    return alt.Chart(frame).mark_bar().encode(
        x=_x(f"date (per {grain})"), y=alt.Y("sum(n_events):Q", title="events"),
        color=alt.Color("event_type:N", title="type", scale=alt.Scale(domain=domain, range=colours)),
        tooltip=[alt.Tooltip("start:T", title=grain, format="%Y-%m-%d"), "event_type:N",
                 alt.Tooltip("n_events:Q", title="events")],
    ).add_params(brush).properties(height=height)


def brushed_dates(selection: Any) -> tuple[dt.date, dt.date] | None:
    """The date range of a brush from `st.altair_chart`'s selection state (None when not brushed)."""
    chosen = (selection or {}).get(BRUSH) or {}
    values = chosen.get("start") if isinstance(chosen, dict) else None
    if not values or len(values) != 2:
        return None
    lo, hi = (_to_date(v) for v in values)
    return (lo, hi) if lo <= hi else (hi, lo)


def picked_event(selection: Any) -> str | None:
    chosen = (selection or {}).get(PICK) or []
    for item in chosen if isinstance(chosen, list) else []:
        if isinstance(item, dict) and item.get("event_id"):
            return str(item["event_id"])
    return None


def _to_date(value: Any) -> dt.date:
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.timezone.utc).date()
    return pd.Timestamp(value).date()
