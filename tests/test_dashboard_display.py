"""How the dashboard shows what it knows: dates no more precise than the sources, slides a room can
read, and the drawing modules kept apart from the query layer."""
from __future__ import annotations

import ast
from pathlib import Path

from dashboard import geotypes, maps, queries

ROOT = Path(__file__).resolve().parent.parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_the_map_draws_without_the_query_layer_and_shares_its_box_type():
    assert "dashboard.queries" not in _imported_modules(ROOT / "dashboard" / "maps.py")
    assert maps.Box is geotypes.Box is queries.Box
