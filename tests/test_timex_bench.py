"""The TimeML benchmark: reading .tml files, TempEval-3 scoring, and the committed floors."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from etl.bench.timeml import Counts, GoldTimex, TimemlDoc, _align_surfaces, _x_match, evaluate, read_tml, tml_files

BASELINE = Path(__file__).resolve().parent.parent / "benchmarks" / "baseline" / "timeml.json"

TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>X1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08" temporalFunction="false" functionInDocument="CREATION_TIME">19980108</TIMEX3></DCT>
<TEXT>
Stocks fell <TIMEX3 tid="t1" type="DATE" value="1998-01-07">yesterday</TIMEX3> after <EVENT eid="e1">a</EVENT> <TIMEX3 tid="t2" type="DURATION" value="P5Y">five year</TIMEX3> low &amp; more.
</TEXT>
</TimeML>
"""


def test_read_tml_offsets_point_into_the_plain_text(tmp_path):
    path = tmp_path / "X1.tml"
    path.write_text(TML, encoding="utf-8")
    doc = read_tml(path)
    assert doc.dct == dt.date(1998, 1, 8)
    assert "<" not in doc.text and "&" in doc.text
    assert [(g.text, g.type, g.value) for g in doc.gold] == [("yesterday", "DATE", "1998-01-07"),
                                                             ("five year", "DURATION", "P5Y")]
    assert all(doc.text[g.start:g.end] == g.text for g in doc.gold)


def _doc():
    text = "Stocks fell yesterday after a five year low last week."
    gold = (GoldTimex(12, 21, "yesterday", "DATE", "1998-01-07"),
            GoldTimex(30, 39, "five year", "DURATION", "P5Y"),
            GoldTimex(44, 53, "last week", "DATE", "1998-W01"))
    return TimemlDoc("X1", dt.date(1998, 1, 8), text, gold)


def test_tempeval3_scoring():
    doc = _doc()
    counts = Counts()
    counts.add(doc, [
        (12, 21, "yesterday", "DATE", "1998-01-07"),      # exact, right value
        (28, 39, "a five year", "DURATION", "P4Y"),       # overlap only, wrong value
        (0, 6, "Stocks", "DATE", "XXXX"),                 # spurious
    ])
    f = counts.figures()
    assert (f["strict_p"], f["strict_r"]) == (round(1 / 3, 4), round(1 / 3, 4))
    assert (f["relaxed_p"], f["relaxed_r"]) == (round(2 / 3, 4), round(2 / 3, 4))
    assert (f["value_p"], f["value_r"]) == (round(1 / 3, 4), round(1 / 3, 4))
    assert f["type_f1"] == round(2 / 3, 4)
    kinds = sorted(line.split("\t")[1] for line in counts.errors)
    assert kinds == ["MISSED", "SPURIOUS", "WRONG"]


def test_value_f1_is_the_official_attribute_f1():
    """TempEval-3's evaluate_entities.py: value accuracy over the relaxed matches times relaxed F1."""
    doc = _doc()
    counts = Counts()
    counts.add(doc, [(12, 21, "yesterday", "DATE", "1998-01-07"), (28, 39, "a five year", "DURATION", "P4Y"),
                     (44, 53, "last week", "DATE", "1998-W01"), (0, 6, "Stocks", "DATE", "XXXX")])
    relaxed_f1 = 2 * counts.relaxed / (counts.n_sys + counts.n_gold)
    assert counts.figures()["value_f1"] == round(counts.value / counts.relaxed * relaxed_f1, 4) == round(4 / 7, 4)


def test_one_system_mention_matches_one_gold_mention():
    doc = _doc()
    counts = Counts()
    counts.add(doc, [(12, 53, "yesterday ... last week", "DATE", "1998-01-07")])
    assert counts.relaxed == 1


@pytest.mark.parametrize("gold,found,match", [
    ("1989-WXX", "1989-W43", True), ("1949-XX", "1949", True), ("199X", "199", True), ("19XX", "19", True),
    ("199X", "198", False), ("PXY", "P10Y", False), ("1989-10", "1989-11", False),
])
def test_gold_unknown_fields_as_wildcards(gold, found, match):
    assert _x_match(gold, found) is match


def test_heideltime_output_is_aligned_onto_the_text():
    text = "Stocks fell yesterday, and yesterday again."
    found = [("yesterday", "DATE", "1998-01-07"), ("yesterday", "DATE", "1998-01-07"), ("never", "DATE", "X")]
    assert [(s, e) for s, e, *_ in _align_surfaces(text, found)] == [(12, 21), (27, 36)]


@pytest.mark.eval
@pytest.mark.slow
def test_figures_stay_above_the_committed_floors(eval_dir):
    """Reruns the documented subset (the first 40 TimeBank files, ~15 s of spaCy) against its floors."""
    baseline = json.loads(BASELINE.read_text())
    subset = baseline["subset"]
    files = tml_files(eval_dir / "timeml" / "tbaq" / subset["folder"], subset["limit"])
    assert len(files) == subset["limit"]
    figures = evaluate(files).ours.figures()
    for name, floor in subset["floors"].items():
        assert figures[name] >= floor, f"{name} {figures[name]} fell below its floor {floor}"
    assert figures["value_f1"] > subset["heideltime_same_files"]["value_f1"], "HeidelTime normalises better"
