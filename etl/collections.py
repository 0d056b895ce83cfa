"""Collections: corpora side by side, each with its own raw folder, store and corrections log.

The bundled collection is the project's own `data/raw` + `data/processed` (etl.config); the
user's collections live under `data/collections/<slug>/{raw,processed}` (or
TIMELINE_COLLECTIONS_DIR), with their display name in `collection.json`. A slug never changes
once made, so links (?collection=slug) and paths survive a rename.

Material enters a collection only through `save_upload` and `save_pasted`: a file name from a
browser is reduced to a safe base name, the type and size are checked, and the bytes must read
as at least one article before they are kept (a bad upload changes nothing). Pasted text becomes
a .txt file plus a row of the collection's `manifest.csv` (file, source, url, title, published),
the same manifest the ETL reads for any folder, so the CLI and the app see the same metadata.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from etl import config, ingest

DEFAULT_SLUG = "default"
DEFAULT_NAME = "Bundled articles"
META_NAME = "collection.json"
UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
MAX_UPLOAD_BYTES = int(os.environ.get("TIMELINE_MAX_UPLOAD_BYTES", str(ingest.MAX_INPUT_BYTES)))
MAX_NAME_CHARS = 80  # a collection's display name
MAX_STEM_CHARS = 80  # a stored file name, before its suffix
_SLUG_CHARS = 40
_WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                               *(f"LPT{i}" for i in range(1, 10))})


class Refused(ValueError):
    """A request the collection cannot honour; the message is meant for the analyst."""


@dataclass(frozen=True)
class Collection:
    slug: str
    name: str
    raw_dir: Path
    processed_dir: Path

    @property
    def bundled(self) -> bool:
        return self.slug == DEFAULT_SLUG


def root() -> Path:
    """Where user collections live (read at call time, so tests and servers can point elsewhere)."""
    value = os.environ.get("TIMELINE_COLLECTIONS_DIR")
    return Path(value).expanduser().resolve() if value else config.DATA_DIR / "collections"


def bundled() -> Collection:
    return Collection(DEFAULT_SLUG, DEFAULT_NAME, config.RAW_DIR, config.PROCESSED_DIR)


def _from_dir(folder: Path) -> Collection | None:
    try:
        meta = json.loads((folder / META_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Collection(folder.name, str(meta.get("name") or folder.name), folder / "raw", folder / "processed")


def list_collections() -> list[Collection]:
    """The bundled collection first, then the user's by name."""
    base = root()
    found = [_from_dir(d) for d in sorted(base.iterdir()) if d.is_dir()] if base.is_dir() else []
    return [bundled()] + sorted((c for c in found if c), key=lambda c: c.name.casefold())


def get(slug: str) -> Collection:
    for collection in list_collections():
        if collection.slug == slug:
            return collection
    raise Refused(f"no collection {slug!r}")


def _valid_name(name: str, *, besides: str = "") -> str:
    name = unicodedata.normalize("NFKC", name or "").strip()
    name = re.sub(r"\s+", " ", "".join(ch for ch in name if unicodedata.category(ch)[0] != "C"))
    if not name:
        raise Refused("a collection needs a name")
    if len(name) > MAX_NAME_CHARS:
        raise Refused(f"a collection name is at most {MAX_NAME_CHARS} characters")
    if any(c.name.casefold() == name.casefold() and c.slug != besides for c in list_collections()):
        raise Refused(f"there is already a collection called {name!r}")
    return name


def slugify(name: str) -> str:
    """Lower-case ASCII letters, digits and hyphens; never empty, never a dot name."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:_SLUG_CHARS].strip("-")
    return slug or "collection"


def create(name: str) -> Collection:
    name = _valid_name(name)
    base = root()
    base.mkdir(parents=True, exist_ok=True)
    stem, n = slugify(name), 1
    while True:
        slug = stem if n == 1 else f"{stem}-{n}"
        folder = base / slug
        if slug != DEFAULT_SLUG:
            try:
                folder.mkdir()
                break
            except FileExistsError:
                pass
        n += 1
    (folder / "raw").mkdir()
    (folder / "processed").mkdir()
    _write_meta(folder, name)
    return _from_dir(folder)


def _write_meta(folder: Path, name: str) -> None:
    tmp = folder / f".{META_NAME}.tmp"
    tmp.write_text(json.dumps({"name": name}, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / META_NAME)


def rename(slug: str, new_name: str) -> Collection:
    """A new display name; the slug, folder and links stay."""
    collection = get(slug)
    if collection.bundled:
        raise Refused("the bundled collection keeps its name")
    _write_meta(root() / slug, _valid_name(new_name, besides=slug))
    return get(slug)


def delete(slug: str) -> None:
    """Remove a user collection with its articles, store and corrections."""
    collection = get(slug)
    if collection.bundled:
        raise Refused("the bundled collection cannot be deleted")
    folder = (root() / collection.slug).resolve()
    if folder.parent != root().resolve():
        raise Refused(f"{slug!r} is not a collection folder")
    shutil.rmtree(folder)


# ---------------------------------------------------------------- adding material

def safe_filename(filename: str) -> str:
    """A browser's file name as a safe base name: no folders, no hidden or reserved names, no
    control or direction characters, NFC, at most MAX_STEM_CHARS before an allowed suffix."""
    name = unicodedata.normalize("NFKC", filename or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # NUL, RLO, zero-width...
    stem, dot, suffix = name.rpartition(".")
    if not dot or "." + suffix.lower().strip() not in UPLOAD_SUFFIXES:
        shown = ("." + suffix.strip()[:10]) if dot else "no extension"
        raise Refused(f"{_shown(filename)}: file type {shown!r} is not accepted; use {', '.join(UPLOAD_SUFFIXES)}")
    stem = re.sub(r"[^\w\-]+", "_", stem).strip("._- ")[:MAX_STEM_CHARS].strip("._- ") or "article"
    if stem.upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    return f"{stem}.{suffix.lower().strip()}"


def _shown(filename: str) -> str:
    """A file name fit to echo in a message: printable and short."""
    clean = "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in filename or "")
    return repr(clean if len(clean) <= 60 else clean[:57] + "...")


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.1f} KiB" if size < 1 << 20 else f"{size / (1 << 20):.1f} MiB"


def check_upload(filename: str, data: bytes) -> str:
    """The safe name for an upload, or Refused saying what is wrong with it."""
    name = safe_filename(filename)
    if len(data) > MAX_UPLOAD_BYTES:
        raise Refused(f"{_shown(filename)} is too large: {human_size(len(data))}, over the {human_size(MAX_UPLOAD_BYTES)} limit")
    if not data.strip():
        raise Refused(f"{_shown(filename)} is empty")
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / name
        probe.write_bytes(data)
        articles, failures = ingest.read_corpus([probe])
    if not articles:
        reasons = "; ".join(f.reason for f in failures if f.kind == "failed") or "no article text found"
        raise Refused(f"{_shown(filename)} cannot be read as an article: {reasons}")
    return name


def save_upload(collection: Collection, filename: str, data: bytes) -> Path:
    """Keep an uploaded file in the collection's raw folder; never overwrites (a -2, -3... suffix)."""
    name = check_upload(filename, data)
    collection.raw_dir.mkdir(parents=True, exist_ok=True)
    return _store_new(collection.raw_dir, name, data)


def _store_new(folder: Path, name: str, data: bytes) -> Path:
    """Write under `name` or the first free `stem-N.suffix`, atomically (hard link of a hidden temp)."""
    stem, suffix = name.rsplit(".", 1)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        for n in range(1, 10_000):
            target = folder / (name if n == 1 else f"{stem}-{n}.{suffix}")
            try:
                os.link(tmp, target)
                return target
            except FileExistsError:
                continue
        raise Refused(f"too many files called {name}")
    finally:
        os.unlink(tmp)


def save_pasted(collection: Collection, text: str, *, source: str = "", url: str = "", title: str = "",
                published: dt.date | None = None, notes: str = "pasted in the app") -> Path:
    """Keep pasted text as a .txt named after its title, with its metadata as a manifest.csv row."""
    url = (url or "").strip()
    if url and urlparse(url).scheme.lower() not in ("http", "https"):
        raise Refused("the URL must start with http:// or https://")
    fields = {"source": source, "title": title}
    for label, value in fields.items():
        if "\n" in value or "\r" in value or len(value) > 500:
            raise Refused(f"the {label} must be one line of at most 500 characters")
    filename = safe_filename(((title or "pasted").strip()[:MAX_STEM_CHARS] or "pasted") + ".txt")
    path = save_upload(collection, filename, (text or "").encode("utf-8"))
    _append_manifest_row(collection.raw_dir / ingest.MANIFEST_NAME, {
        "file": path.name, "source": source.strip(), "url": url, "title": title.strip(),
        "published": published.isoformat() if published else "", "notes": notes})
    return path


def _append_manifest_row(manifest: Path, row: dict[str, str]) -> None:
    """One row more, under the manifest's own header (a new manifest gets the standard one)."""
    header: list[str] = []
    if manifest.is_file() and manifest.stat().st_size:
        with manifest.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
        if not manifest.read_bytes().endswith(b"\n"):
            with manifest.open("a", encoding="utf-8") as handle:
                handle.write("\n")
    with manifest.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or list(ingest.MANIFEST_COLUMNS), extrasaction="ignore")
        if not header:
            writer.writeheader()
        writer.writerow(row)
