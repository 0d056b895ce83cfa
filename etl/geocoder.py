"""geopy speaking for the gazetteer, with an opt-in online geocoder behind it.

`GazetteerGeocoder` is a geopy `Geocoder` over the offline index, so the whole chain speaks
geopy. An online geocoder (Nominatim or Photon, etl.config.ONLINE_GEOCODER, off by default)
may answer what the gazetteer lacks: one request a second (RateLimiter, no retries), a short
timeout, a persistent SQLite cache under CACHE_DIR (misses cached too), and once the network
has failed, no further attempts in this process: offline runs never stall.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim, Photon
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from etl import config
from etl import gazetteer as gz
from etl.records import Place

ONLINE_TIMEOUT_S = 3.0
ONLINE_MIN_DELAY_S = 1.0  # Nominatim's usage policy: at most one request a second


def place_to_location(place: Place) -> Location:
    address = ", ".join(part for part in (place.name, place.admin1, place.country_code) if part)
    raw = {"place_id": place.place_id, "kind": place.kind, "country_code": place.country_code,
           "admin1": place.admin1, "population": place.population, "origin": place.origin}
    return Location(address, (place.lat, place.lon), raw)


class GazetteerGeocoder(Geocoder):
    """The offline gazetteer as a geopy geocoder (no network, ever)."""

    def __init__(self, gazetteer: gz.Gazetteer | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> gz.Gazetteer:
        return self._gazetteer or gz.get_gazetteer()

    def geocode(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL, country_codes=None):
        """Best places for a name, most plausible first (countries before namesake towns)."""
        from etl.geo import rank_candidates

        codes = {c.upper() for c in ([country_codes] if isinstance(country_codes, str)
                                     else country_codes or [])}
        ranked = rank_candidates(self.gazetteer.lookup(str(query)), codes)
        if codes:
            ranked = [p for p in ranked if p.country_code in codes] or ranked
        if not ranked:
            return None
        return place_to_location(ranked[0]) if exactly_one else [place_to_location(p) for p in ranked]


class CachedOnlineGeocoder:
    """An online geopy geocoder behind RateLimiter, a short timeout and a persistent cache."""

    def __init__(self, geocoder: Geocoder, provider: str, cache_path: Path | None = None) -> None:
        self.provider = provider
        self._geocoder = geocoder
        self._limited = RateLimiter(geocoder.geocode, min_delay_seconds=ONLINE_MIN_DELAY_S,
                                    max_retries=0, swallow_exceptions=False)
        self._cache_path = cache_path or config.CACHE_DIR / "geocoder-cache.sqlite"
        self._lock = threading.Lock()
        self.network_down = False
        self.calls = 0  # requests actually sent (a cached answer sends none)

    def _connect(self) -> sqlite3.Connection:
        self._cache_path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self._cache_path)
        con.execute("CREATE TABLE IF NOT EXISTS answers (provider TEXT, query TEXT, answer TEXT,"
                    " PRIMARY KEY (provider, query))")
        return con

    def geocode(self, query: str, country_codes: tuple[str, ...] = ()) -> Location | None:
        key = json.dumps([query.strip().lower(), sorted(country_codes)])
        with self._lock, self._connect() as con:
            row = con.execute("SELECT answer FROM answers WHERE provider = ? AND query = ?",
                              (self.provider, key)).fetchone()
        if row is not None:
            answer = json.loads(row[0])
            return None if answer is None else Location(answer["address"],
                                                        (answer["lat"], answer["lon"]), answer["raw"])
        if self.network_down:
            return None
        kwargs = {"exactly_one": True, "timeout": ONLINE_TIMEOUT_S}
        if country_codes and isinstance(self._geocoder, Nominatim):
            kwargs["country_codes"] = list(country_codes)
        try:
            self.calls += 1
            location = self._limited(query, **kwargs)
        except (GeopyError, OSError):
            self.network_down = True  # fall back at once from now on; failures are not cached
            return None
        answer = None if location is None else {
            "address": location.address, "lat": location.latitude, "lon": location.longitude,
            "raw": location.raw}
        with self._lock, self._connect() as con:
            con.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                        (self.provider, key, json.dumps(answer)))
        return location


def make_online_geocoder(provider: str | None = None, cache_path: Path | None = None,
                         **geopy_kwargs) -> CachedOnlineGeocoder | None:
    """The configured online geocoder, or None when online geocoding is off (the default)."""
    provider = (config.ONLINE_GEOCODER if provider is None else provider).strip().lower()
    if not provider:
        return None
    geopy_kwargs.setdefault("user_agent", config.GEOCODER_USER_AGENT)
    geopy_kwargs.setdefault("timeout", ONLINE_TIMEOUT_S)
    classes = {"nominatim": Nominatim, "photon": Photon}
    if provider not in classes:
        raise ValueError(f"unknown online geocoder {provider!r}: use nominatim or photon")
    return CachedOnlineGeocoder(classes[provider](**geopy_kwargs), provider, cache_path)


def location_to_place(location: Location, provider: str) -> Place:
    """An online answer as a Place (kind unknown to the gazetteer: treated as a town)."""
    raw = location.raw or {}
    ident = raw.get("osm_id") or raw.get("place_id") or hashlib.sha1(
        location.address.encode()).hexdigest()[:12]
    return Place(f"{provider}:{ident}", location.address.split(",")[0], location.latitude,
                 location.longitude, "city", "", "", 0, provider)


_online_lock = threading.Lock()
_online: dict[str, CachedOnlineGeocoder | None] = {}


def online_place(text: str, country_codes: tuple[str, ...] = ()) -> Place | None:
    """What the configured online geocoder says about a name the gazetteer lacks (None when off)."""
    provider = config.ONLINE_GEOCODER.strip().lower()
    if not provider:
        return None
    with _online_lock:
        if provider not in _online:
            _online[provider] = make_online_geocoder(provider)
    geocoder = _online[provider]
    location = geocoder.geocode(text, country_codes) if geocoder else None
    return location_to_place(location, provider) if location else None
