"""Each room imports only the rooms above it (docs/architecture.md, "Module map").

ingest -> world -> scenario -> model -> engine -> results -> analyses -> api ->
interfaces. Checked on the source files' import statements (at any depth, so
imports inside functions count too), so a violation fails here rather than in a
review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "critmin"

#: The shared vocabulary every room may use.
BASE = frozenset({"errors", "countries", "docsections", "labels", "__version__"})
#: For each room (a subpackage or module of critmin), the rooms it may import.
ALLOWED: dict[str, frozenset[str]] = {
    "world": BASE,
    "scenario": BASE | {"world"},
    "model": BASE | {"world", "scenario"},
    "engine": BASE | {"model"},
    "results": BASE | {"engine", "model", "scenario"},
    "risk": BASE | {"world"},
    "validation": BASE | {"world", "scenario", "model", "engine", "results", "risk"},
    "report": BASE | {"world", "scenario", "results", "risk", "finance"},
    "finance": BASE | {"world", "scenario", "model", "engine", "results"},
    "api": BASE | {"world", "scenario", "model", "engine", "results"},
    "cli": BASE | {"api", "risk", "report", "finance"},
    "countries": frozenset({"errors"}),
    "docsections": frozenset({"errors"}),
    "labels": frozenset(),
    "errors": frozenset(),
}
#: The package's own __init__ re-exports the API lazily.
PACKAGE_INIT = frozenset({"api", "errors", "risk", "scenario"})


def room_of(path: Path) -> str:
    parts = path.relative_to(SRC).parts
    return parts[0].removesuffix(".py")


def imported_rooms(path: Path) -> set[tuple[str, str]]:
    """(room, module) of every critmin module a source file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "critmin":
                names = [f"critmin.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "critmin" and len(parts) > 1:
                found.add((parts[1], name))
    return found


def test_every_room_is_mapped() -> None:
    rooms = {room_of(p) for p in SRC.rglob("*.py")} - {"__init__"}
    assert rooms == set(ALLOWED)


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_room_imports_only_rooms_above_it(room: str) -> None:
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        if room_of(path) != room:
            continue
        for target, name in imported_rooms(path):
            if target != room and target not in ALLOWED[room]:
                bad.append(f"{path.relative_to(SRC)} imports {name}")
    assert not bad, "\n".join(bad)


def test_the_package_init_imports_only_the_api() -> None:
    targets = {t for t, _ in imported_rooms(SRC / "__init__.py")}
    assert targets <= PACKAGE_INIT


def test_no_private_name_crosses_a_room() -> None:
    """``from critmin.x import _y`` only within the room ``x`` belongs to."""
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.module and node.level == 0):
                continue
            parts = node.module.split(".")
            if parts[0] != "critmin" or len(parts) < 2:
                continue
            private = [a.name for a in node.names if a.name.startswith("_")]
            if private and parts[1] != room_of(path):
                bad.append(f"{path.relative_to(SRC)} imports {private} from {node.module}")
    assert not bad, "\n".join(bad)


def test_engine_events_and_markets_import_no_cycle() -> None:
    """The engine's modules import one another in one direction only."""
    engine = SRC / "engine"
    graph = {
        p.stem: {
            n.split(".")[2]
            for _, n in imported_rooms(p)
            if n.startswith("critmin.engine.") and len(n.split(".")) > 2
        }
        for p in engine.glob("*.py")
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, set()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = [m for m in graph if reaches(m, m, {m})]
    assert not cycles, cycles
