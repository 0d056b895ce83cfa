"""The geopy face of the gazetteer, and the online fallback's behaviour with the network off."""
from __future__ import annotations

import time

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from etl import geocoder as gc


def test_gazetteer_geocoder_speaks_geopy():
    geocoder = gc.GazetteerGeocoder()
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Russia")
    assert isinstance(location, Location)
    assert location.raw["place_id"] == "country:RU" and location.raw["kind"] == "country"
    assert geocoder.geocode("Zzyzxqwe") is None


def test_gazetteer_geocoder_country_bias_and_all_results():
    geocoder = gc.GazetteerGeocoder()
    assert geocoder.geocode("Palmyra", country_codes="SY").raw["country_code"] == "SY"
    everything = geocoder.geocode("Palmyra", exactly_one=False)
    assert len(everything) > 1 and {loc.raw["country_code"] for loc in everything} >= {"SY", "US"}


def test_online_geocoding_is_off_by_default(monkeypatch):
    monkeypatch.setattr(gc.config, "ONLINE_GEOCODER", "")
    assert gc.make_online_geocoder() is None
    assert gc.online_place("Anywhere") is None


def test_unreachable_network_falls_back_at_once_without_retries(tmp_path):
    online = gc.make_online_geocoder("nominatim", tmp_path / "cache.sqlite",
                                     domain="127.0.0.1:9", scheme="http")
    started = time.perf_counter()
    assert online.geocode("Palmyra") is None
    assert online.geocode("Homs") is None
    elapsed = time.perf_counter() - started
    assert online.network_down and online.calls == 1  # the second query sends nothing
    assert elapsed < gc.ONLINE_TIMEOUT_S  # no retry waits (RateLimiter would sleep 5 s per retry)


class FakeGeocoder(Geocoder):
    """Answers from a dict and counts requests (no network)."""

    def __init__(self, answers):
        super().__init__()
        self.answers, self.requests = answers, 0

    def geocode(self, query, exactly_one=True, timeout=None):
        self.requests += 1
        hit = self.answers.get(query)
        return Location(query, hit, {"osm_id": 42}) if hit else None


def test_answers_and_misses_are_cached_on_disk(tmp_path):
    fake = FakeGeocoder({"Smalltown": (10.0, 20.0)})
    online = gc.CachedOnlineGeocoder(fake, "fake", tmp_path / "cache.sqlite")
    first = online.geocode("Smalltown")
    second = online.geocode("Smalltown")
    assert (first.latitude, first.longitude) == (second.latitude, second.longitude) == (10.0, 20.0)
    assert online.geocode("Nowhere") is None and online.geocode("Nowhere") is None
    assert fake.requests == 2  # one per distinct query
    again = gc.CachedOnlineGeocoder(FakeGeocoder({}), "fake", tmp_path / "cache.sqlite")
    assert again.geocode("Smalltown").latitude == 10.0  # persistent across processes
    place = gc.location_to_place(first, "fake")
    assert place.place_id == "fake:42" and place.origin == "fake"
