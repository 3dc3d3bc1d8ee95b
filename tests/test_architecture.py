"""The rooms import only the rooms above them (docs/methods.md, "Module map").

ingest -> world -> scenario -> model -> engine -> results -> analyses -> api ->
interfaces. Checked on the source files' import statements, so a violation fails
here rather than in a review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "critmin"

#: For each room, the critmin modules it must not import (directly).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "engine": ("critmin.scenario", "critmin.world", "critmin.cli", "critmin.results"),
    "model": ("critmin.engine", "critmin.results", "critmin.cli", "critmin.report"),
    "world": ("critmin.scenario", "critmin.model", "critmin.engine", "critmin.risk"),
    "scenario": ("critmin.model", "critmin.engine", "critmin.results", "critmin.cli"),
    "risk": ("critmin.engine", "critmin.cli"),
}


def imports_of(path: Path) -> set[str]:
    """Modules a source file imports, absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_room_imports_only_rooms_above_it(room: str) -> None:
    bad = []
    for path in sorted((SRC / room).rglob("*.py")):
        for name in imports_of(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[room]):
                bad.append(f"{path.relative_to(SRC)} imports {name}")
    assert not bad, "\n".join(bad)
