"""Ingest: files and directories of news articles -> cleaned, dated `Article` records.

Reads .txt, .md, .html/.htm and .jsonl (one article per line), takes metadata from a
`manifest.csv` when there is one, cleans the text the way a reader would (repeated and
doubled paragraphs once, page furniture and embedded machine data gone) and finds the
publication date. Nothing here raises on bad input: every input that cannot become an
article is reported as an `IngestFailure` with a one-line reason and the rest goes on.

What `read_corpus` reports besides articles (`IngestFailure.kind`):
- failed: the input could not become an article (empty, binary, too large, unreadable, ...).
- skipped: deliberately not read: an unsupported file type, or a duplicate (its reason starts
  "duplicate of <path>"; the first copy is kept, since the id is a hash of the cleaned text).
- warning: the article was kept, but some metadata was unusable (e.g. a manifest date that
  is not an ISO date); the same text is in `Article.error` while its status stays "ok".

Publication date precedence: manifest > metadata (HTML meta tags, Markdown front matter)
> dateline (a short date line near the top) > url > unknown. For .jsonl the line's own
fields ("metadata") come before the file's manifest row, since they describe that one article.
Time zones are ignored: the time is kept as written.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from etl.config import DATA_DIR
from etl.records import Article, IngestFailure

# Larger inputs are refused unread (for .jsonl the limit applies to each line).
MAX_INPUT_BYTES = int(os.environ.get("TIMELINE_MAX_INPUT_BYTES", str(10 * 1024 * 1024)))
FURNITURE_FILE = DATA_DIR / "ingest" / "furniture.tsv"
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "source", "url", "title", "published", "notes")

TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

_ARTICLE_ID_LENGTH = 16
_DATELINE_LINES = 6  # a dateline sits among the first lines
_DATELINE_MAX_CHARS = 100  # ... on a short line of its own
_DATELINE_MAX_OTHER_WORDS = 6  # "Published on", "Last updated", a byline, a place name
_MIN_DOUBLED_LETTERS = 12  # "X X" with X this long is a doubled line, not a figure of speech
_MIN_REPEATED_LETTERS = 3  # shorter repeats ("* * *") are separators, kept as they are
_HEADLINE_MAX_WORDS = 25
_HEADLINE_MAX_CHARS = 200
_CP1252_CHAOS_MARGIN = 0.02  # how much more "mess" cp1252 may show than the best guess and still win


class _Unusable(Exception):
    """An input that cannot become an article; the message is the one-line reason."""


@dataclass(frozen=True)
class _Cleaned:
    text: str
    removed: tuple[str, ...]
    url: str  # an address the text itself names as the article's original


@dataclass(frozen=True)
class _Meta:
    """Metadata from the manifest or from the input itself (all optional)."""

    source: str = ""
    url: str = ""
    title: str = ""
    published: dt.date | None = None
    published_time: str = ""
    language: str = ""
    warnings: tuple[str, ...] = ()
    fingerprint: str = ""  # what the content hash must cover besides the raw bytes
    origin: str = "metadata"  # manifest | metadata: how a date from here was known


# ---------------------------------------------------------------------------------------------
# Cleaning


@dataclass(frozen=True)
class _FurnitureRule:
    label: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Furniture:
    rules: tuple[_FurnitureRule, ...]
    any_rule: re.Pattern[str] | None  # all patterns in one: most lines are rejected in one match


@lru_cache(maxsize=4)
def _furniture_rules(path: Path = FURNITURE_FILE) -> _Furniture:
    """Line patterns an analyst may tune in data/ingest/furniture.tsv (label, pattern, note)."""
    if not path.is_file():
        return _Furniture((), None)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["label"].strip(), r["pattern"].strip()) for r in csv.DictReader(fh, delimiter="\t")
                if r.get("label") and r.get("pattern")]
    rules = tuple(_FurnitureRule(label, re.compile(pattern, re.IGNORECASE)) for label, pattern in rows)
    unnamed = (re.sub(r"\(\?P<\w+>", "(?:", pattern) for _, pattern in rows)
    any_rule = re.compile("|".join(f"(?:{p})" for p in unnamed), re.IGNORECASE) if rows else None
    return _Furniture(rules, any_rule)


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "\u201d", "\u2019", "'", ")", "]", "\u2026", "\u00bb")
_PHP_DUMP = re.compile(r"(?:string|array|object)\(\d+\)\s*\"?\s*")
_JSON_KEY = re.compile(r'"[^"\n]{1,40}"\s*:')
# A line that opens a JSON object, or an array of objects or strings, perhaps inside a PHP dump.
_MACHINE_DATA_START = re.compile(r'(?m)^[ \t]*(?=(?:(?:string|array|object)\(\d+\)\s*"?\s*)?(?:\{\s*"|\[\s*\{\s*"|\[\s*"))')
_BLOB_TAIL = re.compile(r"[\"';, \t]*(?=\n|\Z)")
_MAX_BLOB_CHARS = 1 << 18  # longer blobs are recognised line by line


def _normalise_characters(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    return _CONTROL.sub("", text)


def _machine_data_end(text: str, start: int) -> tuple[int | None, int]:
    """(end of the JSON or PHP-dump blob at `start` or None when it is prose, characters scanned)."""
    pos = start
    dump = _PHP_DUMP.match(text, pos)
    if dump:
        pos = dump.end()
    window = text[pos:pos + _MAX_BLOB_CHARS]
    try:
        value, size = json.JSONDecoder().raw_decode(window)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        # Broken or truncated data still reads as data: many "key": pairs on one line.
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end < 0 else line_end
        keys = len(_JSON_KEY.findall(text, pos, line_end))
        return (line_end if keys >= 3 or (dump and line_end - pos > 20) else None), len(window)
    end = pos + size
    if not isinstance(value, (list, dict)) or size < 20 or not (dump or _JSON_KEY.search(text, pos, end)):
        return None, len(window)
    tail = _BLOB_TAIL.match(text, end)  # the closing quote of a PHP dump, a trailing comma
    return (tail.end() if tail else end), len(window)


def _remove_machine_data(text: str) -> tuple[str, list[str]]:
    """Drop JSON arrays/objects and PHP var_dump blobs that start a line (they may span lines)."""
    removed: list[str] = []
    out: list[str] = []
    pos = 0
    budget = 4 * len(text) + _MAX_BLOB_CHARS  # decoding work allowed: keeps hostile input linear
    for match in _MACHINE_DATA_START.finditer(text):
        if match.start() < pos:
            continue
        if budget <= 0:
            break
        end, scanned = _machine_data_end(text, match.end())
        budget -= scanned
        if end is None:
            continue
        out.append(text[pos:match.start()])
        removed.append(f"machine data: {_snippet(text[match.end():min(end, match.end() + 80)])}")
        pos = end
    out.append(text[pos:])
    return "".join(out), removed


def _undouble(line: str) -> str | None:
    """The line's first half when the line is the same text twice, glued or space-separated."""
    if len(line) < 2 * _MIN_DOUBLED_LETTERS:
        return None
    for sep in ("", " "):
        size, odd = divmod(len(line) - len(sep), 2)
        if odd or size < _MIN_DOUBLED_LETTERS or line[size + len(sep)] != line[0]:
            continue
        half = line[:size]
        if line == half + sep + half and sum(c.isalpha() for c in half) >= _MIN_DOUBLED_LETTERS:
            return half
    return None


def _furniture(line: str) -> tuple[_FurnitureRule, re.Match[str]] | None:
    furniture = _furniture_rules()
    if furniture.any_rule is None or not furniture.any_rule.fullmatch(line):
        return None
    for rule in furniture.rules:
        match = rule.pattern.fullmatch(line)
        if match:
            return rule, match
    return None


def _snippet(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "\u2026"


def _paragraphs(lines: Sequence[str]) -> list[str]:
    """Group lines into paragraphs: a blank line ends one; so does a line that ends a sentence.

    A line that does not end a sentence and is followed by one starting in lower case is a
    hard-wrapped line and is joined to it; anything else is its own paragraph (plain-text
    news often puts one paragraph on each line).
    """
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if current and line and not current[-1].endswith(_SENTENCE_END) and line[0].islower():
            current.append(line)
            continue
        if current:
            paragraphs.append(" ".join(current))
        current = [line] if line else []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


class _LineRules:
    """Undoubling and furniture, applied to each line and again to each joined paragraph."""

    def __init__(self) -> None:
        self.removed: list[str] = []
        self.url = ""

    def tidy(self, line: str) -> str | None:
        """The line as a reader keeps it, or None when it is furniture."""
        while (half := _undouble(line)) is not None:
            self.removed.append(f"doubled line: {_snippet(half)}")
            line = half
        found = _furniture(line) if line else None
        if found is None:
            return line
        rule, match = found
        if not self.url and "url" in rule.pattern.groupindex:
            self.url = match.group("url").rstrip(".,;)")
        self.removed.append(f"{rule.label}: {_snippet(line)}")
        return None


def _clean(raw: str) -> _Cleaned:
    text = _normalise_characters(raw)
    text, removed = _remove_machine_data(text)
    rules = _LineRules()
    lines = [tidy for line in _SPACES.sub(" ", text).split("\n") if (tidy := rules.tidy(line.strip())) is not None]
    kept: list[str] = []
    seen: set[str] = set()
    for joined in _paragraphs(lines):
        paragraph = rules.tidy(joined)  # joining wrapped lines can make a doubled or furniture line
        if not paragraph:
            continue
        if paragraph in seen and sum(c.isalpha() for c in paragraph) >= _MIN_REPEATED_LETTERS:
            rules.removed.append(f"repeated paragraph: {_snippet(paragraph)}")
            continue
        seen.add(paragraph)
        kept.append(paragraph)
    return _Cleaned("\n\n".join(kept), tuple(removed + rules.removed), rules.url)


def clean_text(raw: str) -> tuple[str, tuple[str, ...]]:
    """The text a reader would keep, and one short label per removal ("related link: ...").

    Paragraphs are separated by one blank line; offsets extracted later refer to this text.
    """
    cleaned = _clean(raw)
    return cleaned.text, cleaned.removed


# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?:,?\s*(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[ap]\.?m\b\.?)?)?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|urday|sday)?\.?,?\s+)?"
_DATELINE_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b{_TIME}",
        rf"\b{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})\b{_TIME}",
        r"\b(?P<year>\d{4})-(?P<month_number>\d{2})-(?P<day>\d{2})"
        r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?\b",
    )
)
_URL_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"/(?P<year>(?:19|20)\d{2})/(?P<month_number>\d{1,2})/(?P<day>\d{1,2})(?=/|$|[?#._-])",
        rf"/(?P<year>(?:19|20)\d{{2}})/{_MONTH}/(?P<day>\d{{1,2}})(?=/|$|[?#._-])",
        r"(?<!\d)(?P<year>(?:19|20)\d{2})-(?P<month_number>\d{2})-(?P<day>\d{2})(?!\d)",
        r"(?<!\d)(?P<year>(?:19|20)\d{2})(?P<month_number>[01]\d)(?P<day>[0-3]\d)(?!\d)",
    )
)


def _date_of(match: re.Match[str]) -> dt.date | None:
    parts = match.groupdict()
    month = _MONTHS[parts["month"].lower()] if parts.get("month") else int(parts["month_number"])
    try:
        value = dt.date(int(parts["year"]), month, int(parts["day"]))
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 else None


def _time_of(match: re.Match[str]) -> str:
    parts = match.groupdict()
    if not parts.get("hour"):
        return ""
    hour, minute, second = int(parts["hour"]), int(parts["minute"]), int(parts.get("second") or 0)
    ampm = (parts.get("ampm") or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return ""
    return f"{hour:02d}:{minute:02d}:{second:02d}"


def _dateline(text: str) -> tuple[dt.date, str] | None:
    """A date on a short line of its own near the top ("Sun Mar 27, 2016 11:55:38")."""
    top = text[: _DATELINE_LINES * (_DATELINE_MAX_CHARS + 2) * 4]
    lines = [line.strip() for line in top.split("\n") if line.strip()][:_DATELINE_LINES]
    for line in lines:
        if len(line) > _DATELINE_MAX_CHARS:
            continue
        for pattern in _DATELINE_PATTERNS:
            match = pattern.search(line)
            if not match:
                continue
            rest = (line[: match.start()] + " " + line[match.end():]).strip(" ,|-\u2013\u2014")
            if len(rest.split()) > _DATELINE_MAX_OTHER_WORDS or rest.endswith((".", "!", "?")):
                continue  # a sentence that mentions a date, not a dateline
            found = _date_of(match)
            if found:
                return found, _time_of(match)
    return None


def _url_date(url: str) -> dt.date | None:
    for pattern in _URL_PATTERNS:
        for match in pattern.finditer(url):
            found = _date_of(match)
            if found:
                return found
    return None


def find_publication_date(text: str, url: str) -> tuple[dt.date | None, str, str]:
    """(date, "HH:MM:SS" or "", "dateline" | "url" | "") from the text's dateline, else the URL."""
    found = _dateline(text)
    if found:
        return found[0], found[1], "dateline"
    from_url = _url_date(url or "")
    if from_url:
        return from_url, "", "url"
    return None, "", ""


def _parse_published(value: str) -> tuple[dt.date, str] | None:
    """An ISO date or datetime ("2016-03-27", "2016-03-27T11:55:38", "... 11:55:38+03:00")."""
    value = value.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1]
    try:
        return dt.date.fromisoformat(value), ""
    except ValueError:
        pass
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp.date(), stamp.strftime("%H:%M:%S")


def _meta_date(raw: str, where: str) -> tuple[dt.date | None, str, tuple[str, ...]]:
    if not raw.strip():
        return None, "", ()
    parsed = _parse_published(raw)
    if parsed is None:
        return None, "", (f"{where}: published {raw.strip()[:40]!r} is not an ISO date (YYYY-MM-DD[THH:MM:SS])",)
    return parsed[0], parsed[1], ()


# ---------------------------------------------------------------------------------------------
# Decoding and reading


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else the best legacy guess.

    Among equally good guesses cp1252 wins: it is what Western news text saved on Windows
    is, it is a superset of latin-1's printable range, and charset-normalizer alone often
    names cp1250 or cp775 for it (which turn French accents into Czech or Baltic letters).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _text_or_binary(data.decode("utf-16"), "UTF-16")
        except UnicodeDecodeError as exc:
            raise _Unusable("binary or corrupt file (invalid UTF-16)") from exc
    if b"\0" in data:
        raise _Unusable("binary file (contains NUL bytes)")
    try:
        return _text_or_binary(data.decode("utf-8-sig"), "UTF-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise _Unusable("binary file or unknown text encoding (not UTF-8, no legacy encoding fits)")
    best = min(matches, key=lambda m: m.chaos)
    # Its guesses hide cp1252 behind look-alikes (cp1250, cp775): ask about cp1252 on its own.
    western = list(from_bytes(data, cp_isolation=["cp1252"]))
    chosen = western[0] if western and western[0].chaos <= best.chaos + _CP1252_CHAOS_MARGIN else best
    return _text_or_binary(str(chosen), chosen.encoding)


def _text_or_binary(text: str, encoding: str) -> str:
    if len(_CONTROL.findall(text)) > max(8, len(text) // 100):
        raise _Unusable(f"binary file (control characters; decoded as {encoding})")
    return text


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"


def _read_bytes(path: Path, limit: int) -> bytes:
    size = path.stat().st_size
    if size > limit:
        raise _Unusable(f"too large: {_mib(size)}, over the {_mib(limit)} limit (TIMELINE_MAX_INPUT_BYTES); not read")
    with path.open("rb") as fh:
        data = fh.read(size + 1)  # read(n) reserves n bytes up front: ask for what stat saw
        if len(data) > size:  # the file grew since
            data += fh.read(limit + 1 - len(data))
    if len(data) > limit:
        raise _Unusable(f"too large: over the {_mib(limit)} limit (TIMELINE_MAX_INPUT_BYTES); not read")
    return data


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    if isinstance(exc, IsADirectoryError):
        return "cannot read: is a directory"
    if isinstance(exc, FileNotFoundError):
        return "cannot read: file disappeared"
    return f"cannot read: {exc.strerror or exc.__class__.__name__}"


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MARKDOWN_SUBS = tuple(
    (re.compile(p, re.MULTILINE), r)
    for p, r in (
        (r"^```.*$|^~~~.*$", ""),  # code fences
        (r"^\s{0,3}(?:[-*_]\s*){3,}$", ""),  # horizontal rules
        (r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", r"\1"),  # headings
        (r"^\s{0,3}>\s?", ""),  # block quotes
        (r"^\s*(?:[-*+]|\d+[.)])\s+", ""),  # list markers
        (r"!\[[^\]]*\]\([^)]*\)", ""),  # images
        (r"\[([^\]]+)\]\([^)]*\)", r"\1"),  # links keep their text
        (r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2"),  # bold
        (r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1"),  # italics
        (r"`([^`\n]+)`", r"\1"),  # inline code
    )
)


def _markdown(text: str) -> tuple[str, dict[str, str]]:
    """Markdown to plain text, and the simple `key: value` pairs of a YAML front matter."""
    fields: dict[str, str] = {}
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    front = _FRONT_MATTER.match(text)
    if front:
        for line in front.group("body").split("\n"):
            key, sep, value = line.partition(":")
            if sep and key.strip() and not key.startswith((" ", "\t")):
                fields[key.strip().lower()] = value.strip().strip("'\"")
        text = text[front.end():]
    for pattern, replacement in _MARKDOWN_SUBS:
        text = pattern.sub(replacement, text)
    return text, fields


def _html(data: bytes) -> tuple[str, dict[str, str]]:
    """Main text of a page (trafilatura: scripts, navigation and footers never reach it)."""
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            data, with_metadata=True, include_comments=False, include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # trafilatura/lxml raise many types on malformed markup
        raise _Unusable(f"HTML could not be parsed ({exc.__class__.__name__})") from exc
    text = getattr(document, "text", None) or ""
    if not text.strip():
        raise _Unusable("HTML has no main text (only markup, scripts or navigation)")
    fields = {
        "title": getattr(document, "title", None) or "",
        "url": getattr(document, "url", None) or "",
        "source": getattr(document, "sitename", None) or "",
        "published": getattr(document, "date", None) or "",
    }
    return text, fields


def _meta_from_fields(fields: dict, where: str) -> _Meta:
    """Metadata an input carries itself (a .jsonl line, HTML meta tags, Markdown front matter)."""
    def text_of(*keys: str) -> str:
        for key in keys:
            value = fields.get(key)
            if isinstance(value, (str, int, float)) and str(value).strip():
                return str(value).strip()
        return ""

    published, time, warnings = _meta_date(text_of("published", "time", "date", "publish_date", "published_at"), where)
    return _Meta(
        source=text_of("source", "sitename", "publisher"),
        url=text_of("url", "link"),
        title=text_of("title", "headline"),
        published=published,
        published_time=time,
        language=text_of("language", "lang"),
        warnings=warnings,
    )


# ---------------------------------------------------------------------------------------------
# Manifest


def _manifest_reader(path: Path) -> csv.DictReader:
    text = _decode(_read_bytes(path, MAX_INPUT_BYTES))  # spreadsheets save cp1252 too
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)  # European spreadsheets write ";"
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def _read_manifest(path: Path, report_missing: bool) -> tuple[dict[Path, _Meta], list[IngestFailure]]:
    """Rows keyed by the resolved path of the file they describe (relative to the manifest)."""
    rows: dict[Path, _Meta] = {}
    failures: list[IngestFailure] = []
    try:
        reader = _manifest_reader(path)
        if "file" not in [(n or "").strip().lower() for n in reader.fieldnames or ()]:
            expected = ", ".join(MANIFEST_COLUMNS)
            return rows, [IngestFailure(str(path), f"manifest has no 'file' column; ignored (expected: {expected})")]
        for number, raw_row in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw_row.items() if isinstance(v, str)}
            name = row.get("file", "")
            if not name:
                failures.append(IngestFailure(f"{path}:{number}", f"manifest row {number} names no file", kind="skipped"))
                continue
            target = (path.parent / name).resolve()
            if not target.is_file():
                if report_missing:
                    failures.append(IngestFailure(str(path.parent / name), f"listed in {path.name} row {number} but the file does not exist", source=row.get("source", "")))
                continue
            if target in rows:
                failures.append(IngestFailure(f"{path}:{number}", f"manifest row {number} repeats {name}; the first row for it is used", kind="skipped"))
                continue
            published, time, warnings = _meta_date(row.get("published", ""), f"{path.name} row {number}")
            rows[target] = _Meta(
                source=row.get("source", ""), url=row.get("url", ""), title=row.get("title", ""),
                published=published, published_time=time, language=row.get("language", ""),
                warnings=warnings, fingerprint=json.dumps(row, sort_keys=True), origin="manifest",
            )
    except (OSError, _Unusable, csv.Error) as exc:
        reason = _os_reason(exc) if isinstance(exc, OSError) else f"manifest unreadable ({str(exc)[:80]})"
        failures.append(IngestFailure(str(path), f"{reason}; files read without it"))
    return rows, failures


# ---------------------------------------------------------------------------------------------
# Building articles

_ENGLISH_WORDS = frozenset(
    "the of and to in a is that for on was with as by it at from he his said has have are were be "
    "an which this after its their not but had who they been will would also about".split()
)


def _language(text: str) -> str:
    """'en' when English function words are common enough, else 'und' (undetermined)."""
    words = re.findall(r"[^\W\d_]+", text[:5000].lower())
    if not words:
        return "und"
    share = sum(w in _ENGLISH_WORDS for w in words) / len(words)
    return "en" if share >= 0.12 else "und"


def _headline(text: str) -> str:
    """The first paragraph when it reads as a headline: short, no closing full stop, more follows."""
    first, sep, rest = text.partition("\n\n")
    if not sep or not rest.strip():
        return ""
    words = first.split()
    if not 3 <= len(words) <= _HEADLINE_MAX_WORDS or len(first) > _HEADLINE_MAX_CHARS:
        return ""
    if first.rstrip("\"'\u2019\u201d").endswith((".", "!", "?", ":", ";", ",")):
        return ""  # a sentence
    if not (first[0].isupper() or first[0] in "\"'\u2018\u201c"):
        return ""
    if _dateline(first):
        return ""
    return first


def _source_from_url(url: str) -> str:
    host = (urlparse(url).hostname or "") if url else ""
    return host.removeprefix("www.")


def _article(raw: str, label: str, sha256: str, metas: Sequence[_Meta],
             extra_removed: tuple[str, ...] = ()) -> tuple[Article | None, list[IngestFailure]]:
    """Clean one text; each field comes from the first of `metas` that has it, else the text."""
    def first(name: str) -> str:
        return next((getattr(m, name) for m in metas if getattr(m, name)), "")

    if not raw.strip():
        return None, [IngestFailure(label, "no text (empty or whitespace only)", sha256, first("source"))]
    cleaned = _clean(raw)
    if not cleaned.text:
        return None, [IngestFailure(label, f"no text left after cleaning ({len(cleaned.removed)} removals)", sha256, first("source"))]
    url = first("url") or cleaned.url
    dated = next((m for m in metas if m.published), None)
    if dated:
        published, time, how = dated.published, dated.published_time, dated.origin
    else:
        published, time, how = find_publication_date(cleaned.text, url)
        how = how or "unknown"
    outcome = f"used the {how} date" if how != "unknown" else "date unknown"
    warnings = tuple(f"{w}; {outcome}" for m in metas for w in m.warnings)
    source = first("source") or _source_from_url(url)
    article = Article(
        article_id=hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest()[:_ARTICLE_ID_LENGTH],
        source=source,
        url=url,
        title=first("title") or _headline(cleaned.text),
        published=published,
        published_time=time,
        published_source=how,
        language=first("language") or _language(cleaned.text),
        text=cleaned.text,
        path=label,
        sha256=sha256,
        error="; ".join(f"warning: {w}" for w in warnings),
        removed=extra_removed + cleaned.removed,
    )
    return article, [IngestFailure(label, f"warning: {w}", sha256, source, kind="warning") for w in warnings]


def _jsonl_lines(path: Path, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; None for a line over the size limit (skipped unread)."""
    with path.open("rb") as fh:
        number = 0
        while True:
            line = fh.readline(limit + 1)
            if not line:
                return
            number += 1
            if len(line) > limit and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):
                    line = fh.readline(1 << 20)
                yield number, None
                continue
            yield number, line


def _read_jsonl(path: Path, manifest: _Meta | None, limit: int) -> tuple[list[Article], list[IngestFailure]]:
    articles, failures = [], []
    base = manifest.fingerprint.encode() if manifest else b""
    any_line = False
    for number, line in _jsonl_lines(path, limit):
        label = f"{path}#{number}"
        if line is None:
            failures.append(IngestFailure(label, f"line {number} is over the {_mib(limit)} limit (TIMELINE_MAX_INPUT_BYTES); not read"))
            continue
        if not line.strip():
            continue
        any_line = True
        sha = _sha256(line.rstrip(b"\r\n"), base)
        try:
            record = json.loads(_decode(line))
        except _Unusable as exc:
            failures.append(IngestFailure(label, f"line {number}: {exc}", sha))
            continue
        except ValueError as exc:
            failures.append(IngestFailure(label, f"line {number} is not valid JSON ({str(exc)[:80]})", sha))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            failures.append(IngestFailure(label, f"line {number} has no \"text\" string field", sha))
            continue
        # A line's own fields describe that one article, so they win over the file's manifest row.
        own = _meta_from_fields(record, f"line {number}")
        article, notes = _article(record["text"], label, sha, [own] + ([manifest] if manifest else []))
        failures.extend(notes)
        if article:
            articles.append(article)
    if not any_line:
        failures.append(IngestFailure(str(path), "no text (empty or whitespace only)", _file_sha256(path)))
    return articles, failures


def _read_file(path: Path, manifest: _Meta | None, limit: int) -> tuple[list[Article], list[IngestFailure]]:
    suffix = path.suffix.lower()
    label = str(path)
    try:
        if suffix in JSONL_SUFFIXES:
            return _read_jsonl(path, manifest, limit)
        data = _read_bytes(path, limit)
    except _Unusable as exc:
        return [], [IngestFailure(label, str(exc), _file_sha256(path), manifest.source if manifest else "")]
    except OSError as exc:
        return [], [IngestFailure(label, _os_reason(exc), "", manifest.source if manifest else "")]
    sha = _sha256(data, manifest.fingerprint.encode() if manifest else b"")
    source = manifest.source if manifest else ""
    if not data:
        return [], [IngestFailure(label, "empty file (0 bytes)", sha, source)]
    removed: tuple[str, ...] = ()
    try:
        if suffix in HTML_SUFFIXES:
            raw, fields = _html(data)
            removed = ("html markup and page boilerplate",)
        else:
            raw = _decode(data)
            fields = {}
            if suffix in MARKDOWN_SUFFIXES:
                raw, fields = _markdown(raw)
    except _Unusable as exc:
        return [], [IngestFailure(label, str(exc), sha, source)]
    own = _meta_from_fields(fields, path.name)
    article, notes = _article(raw, label, sha, ([manifest] if manifest else []) + [own], removed)
    return ([article] if article else []), notes


def _walk(path: Path) -> Iterator[Path]:
    """Files under a directory in a stable order, without hidden files and manifests."""
    for found in sorted(path.rglob("*")):
        relative = found.relative_to(path)
        if any(part.startswith(".") for part in relative.parts) or found.name.lower() == MANIFEST_NAME:
            continue
        if found.is_file():
            yield found


def read_corpus(paths: Sequence[Path], manifest: Path | None = None, *,
                max_bytes: int = MAX_INPUT_BYTES) -> tuple[list[Article], list[IngestFailure]]:
    """Read files and directories (recursively) into articles, and report what could not be read.

    The manifest defaults to a `manifest.csv` in each given directory (or beside a given
    file); its `file` column is relative to the manifest. Never raises on bad input.
    Duplicates (same cleaned text) are reported as `kind="skipped"`, "duplicate of <path>".
    """
    failures: list[IngestFailure] = []
    manifests: dict[Path, bool] = {}  # manifest -> report rows naming missing files
    if manifest is not None:
        manifests[Path(manifest)] = True
    files: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            if manifest is None and (given / MANIFEST_NAME).is_file():
                manifests[given / MANIFEST_NAME] = True
            try:
                files.extend(_walk(given))
            except OSError as exc:
                failures.append(IngestFailure(str(given), f"directory not fully listed: {_os_reason(exc)}"))
        elif given.is_file():
            if manifest is None and (given.parent / MANIFEST_NAME).is_file():
                manifests.setdefault(given.parent / MANIFEST_NAME, False)
            files.append(given)
        elif given.exists():
            failures.append(IngestFailure(str(given), "not a regular file or directory"))
        else:
            failures.append(IngestFailure(str(given), "no such file or directory"))
    rows: dict[Path, _Meta] = {}
    for manifest_path, report_missing in manifests.items():
        found, problems = _read_manifest(manifest_path, report_missing)
        failures.extend(problems)
        for target, meta in found.items():
            rows.setdefault(target, meta)

    articles: list[Article] = []
    first_path: dict[str, str] = {}
    seen_files = {m.resolve() for m in manifests}  # a manifest is metadata, not an article
    for path in files:
        resolved = path.resolve()
        if resolved in seen_files:
            continue
        seen_files.add(resolved)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            kind = path.suffix or "no extension"
            failures.append(IngestFailure(str(path), f"unsupported file type ({kind}); expected " + ", ".join(sorted(SUPPORTED_SUFFIXES)), kind="skipped"))
            continue
        found, notes = _read_file(path, rows.get(resolved), max_bytes)
        failures.extend(notes)
        for article in found:
            if article.article_id in first_path:
                failures.append(IngestFailure(article.path, f"duplicate of {first_path[article.article_id]} (same cleaned text)", article.sha256, article.source, kind="skipped"))
                continue
            first_path[article.article_id] = article.path
            articles.append(article)
    return articles, failures
