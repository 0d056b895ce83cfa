"""Colours shared by the timeline and the map, so an event type looks the same everywhere."""
from __future__ import annotations

import hashlib

# ACLED's event types get fixed colours; any other type gets a stable one from the palette.
_KNOWN = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4",
}
_PALETTE = ("#17becf", "#bcbd22", "#e377c2", "#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a", "#c5b0d5")


def type_colour(event_type: str | None) -> str:
    if event_type in _KNOWN:
        return _KNOWN[event_type]
    digest = hashlib.sha256((event_type or "").encode()).digest()
    return _PALETTE[digest[0] % len(_PALETTE)]


def colour_scale(event_types: list[str]) -> tuple[list[str], list[str]]:
    """(domain, range) for an Altair colour scale over these types."""
    domain = sorted({t for t in event_types if t is not None})
    return domain, [type_colour(t) for t in domain]
