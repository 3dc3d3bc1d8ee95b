"""Generated sections of docs/data.md: the table reference and the coverage table.

``python -m critmin.world.docs docs/data.md`` rewrites the text between the
``<!-- BEGIN generated:NAME -->`` and ``<!-- END generated:NAME -->`` markers;
a test checks that the committed file is up to date.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from critmin.docsections import fill_sections
from critmin.world.load import World, load_world
from critmin.world.schema import markdown_reference


def _years(values: pd.Series) -> str:
    years = sorted({int(v) for v in values})
    if not years:
        return ""
    runs: list[str] = []
    start = prev = years[0]
    for y in [*years[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(runs)


def coverage_markdown(world: World) -> str:
    """One row per mineral and stage: coverage, basis, years, sources, estimated years."""
    prod = world.production
    lines = [
        "| mineral | stage | coverage | basis | years | sources | years with estimates |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in world.mineral_stages.to_dict(orient="records"):
        rows = prod[(prod["mineral"] == row["mineral"]) & (prod["stage"] == row["stage"])]
        if rows.empty:
            note = str(row["note"]).replace("|", "/")
            lines.append(
                f"| {row['mineral']} | {row['stage']} | {row['coverage']} | - | - | - | {note} |"
            )
            continue
        sources = ", ".join(sorted(set(rows["source_id"])))
        estimated = rows[rows["status"] == "estimated"]
        lines.append(
            f"| {row['mineral']} | {row['stage']} | {row['coverage']} | {row['basis']} | "
            f"{_years(rows['year'])} | {sources} | {_years(estimated['year']) or 'none'} |"
        )
    return "\n".join(lines) + "\n"


def reference_markdown(world: World) -> str:
    """The table reference (from the schema; ``world`` is unused)."""
    return markdown_reference()


SECTIONS: dict[str, Callable[[World], str]] = {
    "reference": reference_markdown,
    "coverage": coverage_markdown,
}


def render(text: str, world: World) -> str:
    """``text`` with every generated section replaced by its current content."""
    return fill_sections(text, {name: make(world) for name, make in SECTIONS.items()})


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated sections of the markdown file named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "docs/data.md")
    path.write_text(render(path.read_text(encoding="utf-8"), load_world()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
