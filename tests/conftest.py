"""Shared fixtures: the seed corpus, the real spaCy pipeline, the eval corpora when present."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "data" / "raw"
EVAL_DIR = ROOT.parent / "shared" / "eval"
GOLD_DIR = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def nlp():
    from etl.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return SEED_DIR


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL_DIR.is_dir():
        pytest.skip("../shared/eval is absent (a fresh clone has no eval corpora)")
    return EVAL_DIR


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory) -> Path:
    """The small hand-made dashboard store (tests/dashboard_fixtures.py), one per test module."""
    from dashboard_fixtures import build_fixture_store

    processed = tmp_path_factory.mktemp("processed")
    build_fixture_store(processed)
    return processed
