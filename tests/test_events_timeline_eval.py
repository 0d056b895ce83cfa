"""Timeline17 date selection must not fall below its committed floors.

`python -m etl.bench timeline ../shared/eval/timeline17/SyrianCrisis_bbc` measures all 308
articles (several minutes on two cores); this test reruns the same code on the fixed subset of
the first SUBSET articles of articles.jsonl so that it stays under three minutes, and compares
with the subset floors in benchmarks/baseline/timeline.json. Speed is printed by the command,
never asserted here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = [pytest.mark.eval, pytest.mark.slow]

BASELINE = Path(__file__).resolve().parent.parent / "benchmarks" / "baseline" / "timeline.json"


def test_timeline_date_scores_stay_above_their_floors(eval_dir):
    from etl.bench import timeline

    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    subset = baseline["subset"]
    figures = timeline.evaluate(eval_dir / "timeline17" / "SyrianCrisis_bbc", limit=subset["articles"])
    assert figures["articles"] == subset["articles"]
    for name, floor in subset["floors"].items():
        assert figures[name] >= floor, f"{name} {figures[name]} fell below its floor {floor}"
