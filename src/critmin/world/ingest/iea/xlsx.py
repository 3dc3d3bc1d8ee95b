"""The 2024 edition: ``CM_Data_Explorer_May_2024.xlsx`` (:func:`read_iea_2024`)."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from critmin.world.ingest.common import IngestResult
from critmin.world.ingest.iea._common import (
    DEMAND_BASIS,
    ERROR,
    INFO,
    SOURCE_ID_2024,
    STAGE_LABELS,
    SUPPLY_BASIS,
    DemandBlock,
    Item,
    SupplyBlock,
    _assemble,
    _demand_block,
    _number,
    _Report,
    _start,
    mineral_for,
)

#: Sheets of the 2024 workbook.
SUPPLY_SHEET = "2 Total supply for key minerals"
DEMAND_SHEET = "1 Total demand for key minerals"
CLEANTECH_SHEET = "3.2 Cleantech demand by mineral"

Grid = list[list[object]]

_TITLE = re.compile(r"^(?P<name>.*\S)\s+-\s+(?P<stage>\S.*)$")


def _cell(sheet: str, row: int, col: int) -> str:
    """Excel address of 0-based (row, col), with the sheet name."""
    return f"{sheet}!{get_column_letter(col + 1)}{row + 1}"


def _at(grid: Grid, row: int, col: int) -> object:
    return grid[row][col] if col < len(grid[row]) else None


def _is_year(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1990 <= value <= 2100


def _header_row(grid: Grid, before: int | None = None) -> int | None:
    """Index of the last header row above ``before`` (default: the first header row).

    A header row holds at least two consecutive, increasing year cells.
    """
    rows = range(len(grid)) if before is None else range(before - 1, -1, -1)
    for r in rows:
        line = grid[r]
        if any(
            _is_year(a) and _is_year(b) and int(str(a)) < int(str(b))
            for a, b in zip(line, line[1:], strict=False)
        ):
            return r
    return None


def _years_from(grid: Grid, row: int, col: int) -> dict[int, int]:
    """{column: year} of the consecutive year cells of ``row`` from ``col`` on."""
    years: dict[int, int] = {}
    while _is_year(value := _at(grid, row, col)):
        years[col] = int(str(value))
        col += 1
    return years


def _earliest(years: dict[int, int]) -> tuple[int, int]:
    """(column, year) of the smallest year of ``{column: year}``."""
    return min(years.items(), key=lambda kv: kv[1])


def _base_column(grid: Grid, sheet: str, report: _Report) -> tuple[int, int] | None:
    """(column, year) of the base year: the smallest year of the sheet's header row; None,
    reported as an error, if the sheet has no header row."""
    row = _header_row(grid)
    if row is None:
        report(f"sheet {sheet!r}: no year header", None, None, ERROR)
        return None
    return _earliest({c: int(str(v)) for c, v in enumerate(grid[row]) if _is_year(v)})


def _supply_blocks(grid: Grid, sheet: str, report: _Report) -> list[SupplyBlock]:
    """The supply blocks of sheet 2, found by their titles ("Copper - Mining")."""
    blocks = []
    for r, line in enumerate(grid):
        for c, value in enumerate(line):
            match = _TITLE.match(value.strip()) if isinstance(value, str) else None
            if match:
                block = _supply_block(grid, r, c, match, sheet, report)
                blocks += [block] if block else []
    return blocks


def _supply_block(
    grid: Grid, r: int, c: int, match: re.Match[str], sheet: str, report: _Report
) -> SupplyBlock | None:
    """Read the block titled at (r, c): country rows down to its Total."""
    title, where = match.group(0), _cell(sheet, r, c)
    mineral = mineral_for(match.group("name"))
    stage = STAGE_LABELS.get(match.group("stage").strip().lower())
    header = _header_row(grid, before=r)
    years = _years_from(grid, header, c + 1) if header is not None else {}
    if mineral is None or stage is None or (mineral, stage) not in SUPPLY_BASIS or not years:
        report(f"supply block {title!r} not recognised or without a year header", where, title)
        return None
    col, year = _earliest(years)
    named: list[Item] = []
    rest: float | None = None
    for rr in range(r + 1, len(grid)):
        label = _at(grid, rr, c)
        text = label.strip() if isinstance(label, str) else ""
        low = text.lower()
        if not text:
            continue
        if low.startswith(("top 3", "notes")) or _TITLE.match(text):
            break
        value, cell = _number(_at(grid, rr, col)), _cell(sheet, rr, col)
        if low == "rest of world":
            rest = value
        elif low.startswith("total"):
            if value is None:
                break
            if low != "total":
                report(
                    f"{title} {year}: the total row is labelled {text!r}; taken as the block total",
                    cell,
                    text,
                    INFO,
                )
            return SupplyBlock(title, mineral, stage, year, tuple(named), rest, value, text, where)
        else:
            named.append((text, cell, value))
    report(f"supply block {title!r}: no Total figure for {year}; skipped", where, None, ERROR)
    return None


def _column_a(grid: Grid, col: int, sheet: str) -> list[tuple[str, str, float | None, bool]]:
    """(label in column A, where, value in ``col``, row has any number) per labelled row."""
    return [
        (
            line[0].strip(),
            _cell(sheet, r, col),
            _number(_at(grid, r, col)),
            any(_number(v) is not None for v in line[1:]),
        )
        for r, line in enumerate(grid)
        if line and isinstance(line[0], str) and line[0].strip()
    ]


def _demand_blocks(grid: Grid, sheet: str, report: _Report) -> list[DemandBlock]:
    """Demand blocks of sheet 1: a title row (no figures), then sector rows and subtotals."""
    base = _base_column(grid, sheet, report)
    if base is None:
        return []
    col, year = base
    groups: list[tuple[str, str, list[tuple[str, float | None]]]] = []
    for label, where, value, numeric in _column_a(grid, col, sheet):
        if not numeric and not label.lower().startswith("notes"):
            groups.append((label, where, []))
        elif numeric and groups:
            groups[-1][2].append((label, value))
    blocks = []
    for title, where, lines in groups:
        mineral = mineral_for(title)
        if lines and (mineral is None or mineral not in DEMAND_BASIS):
            report(f"demand block {title!r} not recognised; skipped", where, title)
        elif lines and mineral:
            blocks.append(_demand_block(title, mineral, year, where, lines))
    return blocks


def read_iea_2024(path: Path) -> IngestResult:
    """Read the IEA Critical Minerals Data Explorer, May 2024 edition (xlsx).

    Parameters
    ----------
    path
        ``CM_Data_Explorer_May_2024.xlsx``.

    Returns
    -------
    IngestResult
        ``tables['production']``: base year 2023, for each block of sheet
        ``2 Total supply for key minerals`` (copper, cobalt, lithium, nickel,
        graphite, rare-earths; mining and refining), the named countries
        (ISO3) and ``ROW`` = Total - named countries; value_t [t] (kt x 1000),
        status ``reported`` (``estimated`` for a ROW that differs from the
        printed one), source_id ``iea-cmde-2024``.
        ``tables['production_totals']``: each block's Total [t] as
        world_total_t and published_total_t. ``tables['mineral_stages']``:
        the refining stage of the six minerals (basis, unit ``t``, coverage
        ``data``). ``tables['consumption']``: world (``WLD``) demand 2023 [t]
        from sheet ``1 Total demand for key minerals`` (each sector as
        printed, ``Other uses``, and ``all`` for Total demand), and
        ``clean technologies`` demand from sheet ``3.2 Cleantech demand by
        mineral`` for registry minerals without a demand block. Projections
        (2030-2050) are not returned.

    Notes
    -----
    Blocks are found by their titles, not by cell addresses. Lithium is
    lithium (Li) content; "Lithium - Chemicals" is the refining stage;
    "Graphite - Battery grade" (natural and synthetic) is graphite refining;
    "Magnet rare earth elements" (Nd, Pr, Dy, Tb) map to ``rare-earths`` on
    that basis, which differs from the total-REO basis of other sources. The
    cobalt refining total row is labelled "Total clean technologies"; the
    named countries plus Rest of world add up to it, so it is the block
    total (reported as info).
    """
    path = Path(path)
    result, report = _start(path, SOURCE_ID_2024)
    if not path.is_file():
        return result
    workbook = load_workbook(path, read_only=True, data_only=True)
    grids: dict[str, Grid] = {}
    try:
        for sheet in (SUPPLY_SHEET, DEMAND_SHEET, CLEANTECH_SHEET):
            if sheet in workbook.sheetnames:
                grids[sheet] = [list(row) for row in workbook[sheet].iter_rows(values_only=True)]
            else:
                report(f"sheet {sheet!r} not found", None, sheet, ERROR)
    finally:
        workbook.close()
    supply = _supply_blocks(grids.get(SUPPLY_SHEET, []), SUPPLY_SHEET, report)
    demand = (
        _demand_blocks(grids[DEMAND_SHEET], DEMAND_SHEET, report) if DEMAND_SHEET in grids else []
    )
    grid = grids.get(CLEANTECH_SHEET, [])
    base = _base_column(grid, CLEANTECH_SHEET, report) if grid else None
    col, year = base if base else (0, None)
    lines = _column_a(grid, col, CLEANTECH_SHEET) if base else []
    cleantech = [(name, where, value) for name, where, value, numeric in lines if numeric]
    return _assemble(SOURCE_ID_2024, supply, demand, cleantech, year, result, report)
