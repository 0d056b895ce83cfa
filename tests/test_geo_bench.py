"""Geoparsing must not fall below the floors in benchmarks/baseline/geo.json.

The command measures the whole of GeoVirus (`python -m etl.bench geo ../shared/eval/geo/GeoVirus.xml`);
this test reruns it on a fixed subset (the first SUBSET articles) to stay within a few minutes.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

BASELINE = json.loads((Path(__file__).resolve().parent.parent / "benchmarks" / "baseline" / "geo.json")
                      .read_text(encoding="utf-8"))
SUBSET = BASELINE["subset"]["articles"]


@pytest.fixture(scope="module")
def figures(eval_dir, nlp):
    from etl.bench.geo import read_corpus, run_e2e, run_gold

    articles = read_corpus(eval_dir / "geo" / "GeoVirus.xml", SUBSET)
    return {"gold": run_gold(articles, nlp, False), "e2e": run_e2e(articles, nlp, False)}


@pytest.mark.eval
@pytest.mark.slow
@pytest.mark.parametrize("mode, metric", [(m, k) for m, floors in BASELINE["subset"]["floors"].items()
                                          for k in floors])
def test_geo_figure_stays_above_its_floor(figures, mode, metric):
    floor = BASELINE["subset"]["floors"][mode][metric]
    value = figures[mode][metric]
    if metric.endswith(("auc", "_km")):  # lower is better: the floor is a ceiling
        assert value <= floor, f"{mode} {metric} {value} above ceiling {floor}"
    else:
        assert value >= floor, f"{mode} {metric} {value} below floor {floor}"
