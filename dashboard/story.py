"""Presentation mode: one event per slide, big type, the map flying to each place."""
from __future__ import annotations

import math

import pandas as pd

from dashboard.dates import event_date_label
from dashboard.safe import escape_html

NEXT_KEY, PREVIOUS_KEY, PRESENT_KEY = "story_next", "story_previous", "story_present"
MAP_BOX_KEY = "story_map_box"
# A town is shown with its surroundings (a room must recognise where it is); a country whole.
ZOOM_FOR_PRECISION = {1: 7, 2: 7, 3: 6, 4: 5}
CLOSEST_ZOOM = 7
MAX_EVENTS = 200  # a story a person can step through; a larger filtered set tells its most reported events

# Arrow keys press the Next/Previous buttons. Static code (no data in it), added to the page once.
KEYBOARD_JS = """
<script>
(function() {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.__storyKeys) { return; }
  doc.__storyKeys = true;
  doc.addEventListener('keydown', function(event) {
    const target = event.target;
    if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) { return; }
    if (event.key === 'Escape') {
      const toggle = doc.querySelector('.st-key-%(present)s input');
      if (toggle && toggle.checked) { toggle.click(); }
      return;
    }
    const key = {ArrowRight: '%(next)s', ArrowLeft: '%(previous)s', PageDown: '%(next)s', PageUp: '%(previous)s'}[event.key];
    if (!key) { return; }
    const button = doc.querySelector('.st-key-' + key + ' button');
    if (button) { event.preventDefault(); button.click(); }
  });
})();
</script>
""" % {"next": NEXT_KEY, "previous": PREVIOUS_KEY, "present": PRESENT_KEY}

PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], .st-key-story_controls { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1rem !important; padding-bottom: 0 !important;
  max-width: 100% !important; }
/* The map fills the screen's height (it is drawn to fill its frame). */
.st-key-MAP_BOX iframe { height: calc(100vh - 4rem) !important; }
/* Arrow keys focus the page: no focus ring framing the slide on the projector. */
[data-testid="stMain"]::before { box-shadow: none !important; }
</style>
""".replace("MAP_BOX", MAP_BOX_KEY)


def _text(value: object) -> str:
    """A cell as text: missing values (None, NaN) are empty, never 'nan'."""
    return value if isinstance(value, str) else "" if value is None or pd.isna(value) else str(value)


def slide_html(event: dict, quote: str | None, position: int, total: int) -> str:
    """The text half of a slide, large enough for a projector; every value escaped.

    The date is shown at the precision the sources gave ("May 2015"), with their words; where the
    sources disagree, the slide says so."""
    when = _text(event.get("date_text"))
    sources = event.get("sources")
    sources_text = ", ".join(sources) if sources is not None and len(sources) else ""
    where = " &middot; ".join(escape_html(part) for part in (_text(event.get("place_name")) or "place unknown",
                                                               _text(event.get("event_type"))) if part)
    quote_html = (f'<blockquote style="font-size:clamp(1.1rem,1.7vw,1.9rem);border-left:4px solid #777;'
                  f'padding-left:12px;margin:16px 0;color:#222">\u201c{escape_html(quote)}\u201d</blockquote>') if quote else ""
    disputed = _text(event.get("disputed"))
    disputed_html = (f'<div class="tl-disputed" style="font-size:clamp(1rem,1.4vw,1.6rem);background:#fff3cd;'
                     f'color:#4a3b00;padding:6px 10px;margin:10px 0">Sources disagree: {escape_html(disputed)}</div>'
                     if disputed else "")
    label = event_date_label(event)
    said_otherwise = when and when.strip().lower() != label.lower()  # "2011" reported as "2011" says it once
    reported = f' <span style="color:#555">(\u201c{escape_html(when)}\u201d)</span>' if said_otherwise else ""
    return (
        f'<div class="tl-slide" style="font-family:sans-serif;color:#111">'
        f'<div style="font-size:clamp(1rem,1.2vw,1.4rem);color:#444">{position} / {total}</div>'
        f'<div class="tl-slide-date" style="font-size:clamp(1.3rem,2.2vw,2.6rem);color:#222">'
        f'{escape_html(label)}{reported}</div>'
        f'<h1 style="font-size:clamp(1.8rem,3.4vw,3.8rem);line-height:1.15;margin:8px 0">{escape_html(event.get("summary"))}</h1>'
        f'<div style="font-size:clamp(1.2rem,1.9vw,2.2rem)">{where}</div>{quote_html}{disputed_html}'
        f'<div style="font-size:clamp(1rem,1.4vw,1.6rem);color:#333">Sources: {escape_html(sources_text)}</div></div>'
    )


def view_of(event: dict, events: pd.DataFrame, moves: pd.DataFrame) -> tuple[tuple[float, float] | None, int]:
    """Where the map looks for a slide: the event's place with whatever its movements reach, close
    enough to read and wide enough to recognise; for an event without a place, the whole story."""
    lats, lons = [], []
    located = _located(event.get("latitude"), event.get("longitude"))
    if located:
        lats.append(located[0])
        lons.append(located[1])
        mine = moves[moves["event_id"] == event.get("event_id")] if not moves.empty else moves
        for lat, lon in zip(mine.get("destination_lat", ()), mine.get("destination_lon", ())):
            if _located(lat, lon):
                lats.append(float(lat))
                lons.append(float(lon))
    else:
        for lat, lon in zip(events.get("latitude", ()), events.get("longitude", ())):
            if _located(lat, lon):
                lats.append(float(lat))
                lons.append(float(lon))
    if not lats:
        return None, 2
    precision = event.get("geo_precision")
    closest = ZOOM_FOR_PRECISION.get(int(precision), CLOSEST_ZOOM) if located and _known(precision) else CLOSEST_ZOOM
    centre = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    # The widest zoom at which the span still fits about two thirds of a ~600 px map (256 px is the world at zoom 0).
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * 1.5, 1e-6)
    fits = int(math.floor(math.log2(400 * 360 / (256 * span))))
    return centre, max(2, min(closest, fits))


def _known(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _located(lat: object, lon: object) -> tuple[float, float] | None:
    return (float(lat), float(lon)) if _known(lat) and _known(lon) else None


def bounded_caption(shown: int, total: int) -> str:
    """What the story leaves out of a large filtered set, and how to tell another part of it."""
    return (f"{total:,} dated events match the filters: the story steps through the {shown:,} reported by most "
            "sources, in date order. Narrow the filters (dates, type, place, source or text) to tell another part.")
