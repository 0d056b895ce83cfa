"""The ingest benchmark must not fall below its committed floors (benchmarks/baseline/ingest.json)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.bench import ingest as bench

BASELINE = Path(__file__).resolve().parent.parent / "benchmarks" / "baseline" / "ingest.json"


@pytest.mark.eval
def test_ingest_benchmark_holds_its_floors(eval_dir):
    figures = bench.measure(eval_dir / "timeml" / "tbaq", eval_dir / "timeline17" / "SyrianCrisis_bbc" / "articles.jsonl",
                            eval_dir / "geo" / "GeoVirus.xml")
    floors = json.loads(BASELINE.read_text())["floors"]
    below = {name: (figures[name], floor) for name, floor in floors.items() if figures[name] < floor}
    assert not below, f"below the floor (measured, floor): {below}"
