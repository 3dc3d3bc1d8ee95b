"""Readers for the IEA Critical Minerals Data Explorer (2024 xlsx and 2025 JSON editions).

Both editions give, for six key minerals, mining and refining production by
country (kt; a base year and projections), total demand by sector and clean-
technology demand by mineral. Each reader parses its format into the same
plain blocks (:class:`SupplyBlock`, :class:`DemandBlock`, clean-technology
items) and one set of functions turns blocks into rows, so both editions are
treated identically.

Only the base year is read: 2023 in the 2024 edition, 2024 in the 2025
edition. The projections (2030, 2035, 2040 for supply; 2030-2050 by scenario
for demand) are neither production nor consumption and are not returned.

Rest of world. Where a block lists six countries, the named countries plus the
printed ``Rest of world`` add up to more than ``Total``, by the figure of the
sixth-listed country (2023: nickel mining and refining, battery-grade
graphite; 2024: nickel mining and refining, natural graphite mining).
``Total`` is the denominator (``production_totals``); rest of world is derived
as ``ROW = Total - sum(named countries)`` and any difference from the printed
``Rest of world`` is reported (warning) with the figures. A derived ROW that
differs from the printed one has status ``estimated`` (critmin's figure, not
the source's); a negative derived ROW is an error and gets no row.

Mineral names map through the registry's ``iea_names`` and
:data:`EXTRA_NAMES`; names that map to no critmin mineral are reported (info).

References
----------
IEA (2024), Critical Minerals Data Explorer, IEA, Paris, CC BY 4.0.
https://www.iea.org/data-and-statistics/data-tools/critical-minerals-data-explorer
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from critmin import countries
from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.ingest.registry import MINERALS, MINERALS_BY_ID
from critmin.world.schema import ConsumptionKind, Coverage, Stage, Status, TotalKind

__all__ = [
    "SOURCES",
    "SOURCE_ID_2024",
    "SOURCE_ID_2025",
    "DemandBlock",
    "SupplyBlock",
    "mineral_for",
    "read_iea_2024",
    "read_iea_2025",
]

SOURCE_ID_2024 = "iea-cmde-2024"
SOURCE_ID_2025 = "iea-cmde-2025"
_URL = "https://www.iea.org/data-and-statistics/data-tools/critical-minerals-data-explorer"

SOURCES: dict[str, dict[str, Any]] = {
    SOURCE_ID_2024: {
        "source_id": SOURCE_ID_2024,
        "title": "Critical Minerals Data Explorer (May 2024 edition)",
        "publisher": "International Energy Agency (IEA), Paris",
        "table": "CM_Data_Explorer_May_2024.xlsx: sheets '1 Total demand for key minerals', "
        "'2 Total supply for key minerals', '3.2 Cleantech demand by mineral'",
        "year": 2024,
        "doi_or_url": _URL,
        "licence": "CC BY 4.0",
        "note": "IEA (2024), Critical Minerals Data Explorer, IEA, Paris. Base year 2023.",
    },
    SOURCE_ID_2025: {
        "source_id": SOURCE_ID_2025,
        "title": "Critical Minerals Data Explorer (May 2025 edition)",
        "publisher": "International Energy Agency (IEA), Paris",
        "table": "iea_critical_minerals_data_explorer_2025.json: supply, totalDemand, "
        "cleantechByMineral",
        "year": 2025,
        "doi_or_url": _URL,
        "licence": "CC BY 4.0",
        "note": "IEA (2025), Critical Minerals Data Explorer, IEA, Paris. Base year 2024. "
        "Read from a JSON conversion of the data made by a third party, not from the IEA's "
        "own file.",
    },
}

#: Sheets of the 2024 workbook.
SUPPLY_SHEET = "2 Total supply for key minerals"
DEMAND_SHEET = "1 Total demand for key minerals"
CLEANTECH_SHEET = "3.2 Cleantech demand by mineral"

#: Multiplier from the IEA's kt to t.
KT_TO_T = 1_000.0

#: IEA mineral names that the registry's ``iea_names`` do not cover.
EXTRA_NAMES: dict[str, str] = {
    "Gallium": "gallium",
    "Germanium": "germanium",
    "Indium": "indium",
    "Magnesium": "magnesium",
    "Manganese": "manganese",
    "Niobium": "niobium",
    "Tantalum": "tantalum",
    "Tin": "tin",
    "Titanium": "titanium",
    "Tungsten": "tungsten",
    "Vanadium": "vanadium",
    "PGMs (other than iridum)": "platinum-group-metals",  # sic, 2024 workbook
    "PGMs": "platinum-group-metals",  # 2025 JSON
}

#: Stage words of block titles ("Lithium - Chemicals") and JSON keys.
STAGE_LABELS: dict[str, Stage] = {
    "mining": Stage.MINING,
    "mining (natural)": Stage.MINING,
    "refining": Stage.REFINING,
    "chemicals": Stage.REFINING,
    "battery grade": Stage.REFINING,
}

_REE_BASIS = "magnet rare-earth elements (Nd, Pr, Dy, Tb) content"

#: What the supply tonnes measure, by (mineral, stage).
SUPPLY_BASIS: dict[tuple[str, Stage], str] = {
    ("copper", Stage.MINING): "copper (Cu) content of mine output",
    ("copper", Stage.REFINING): "refined copper (Cu content)",
    ("cobalt", Stage.MINING): "cobalt (Co) content of mine output",
    ("cobalt", Stage.REFINING): "refined cobalt (Co content)",
    ("lithium", Stage.MINING): "lithium (Li) content of mine output",
    ("lithium", Stage.REFINING): "lithium chemicals, lithium (Li) content",
    ("nickel", Stage.MINING): "nickel (Ni) content of mine output",
    ("nickel", Stage.REFINING): "refined nickel (Ni content)",
    ("graphite", Stage.MINING): "natural graphite",
    ("graphite", Stage.REFINING): "battery-grade graphite (natural and synthetic)",
    ("rare-earths", Stage.MINING): _REE_BASIS,
    ("rare-earths", Stage.REFINING): _REE_BASIS,
}

#: What the total-demand tonnes measure, by mineral.
DEMAND_BASIS: dict[str, str] = {
    "copper": "copper (Cu) content",
    "cobalt": "cobalt (Co) content",
    "lithium": "lithium (Li) content",
    "nickel": "nickel (Ni) content",
    "graphite": "graphite, all grades (natural and synthetic)",
    "rare-earths": _REE_BASIS,
}

#: Sector of the consumption rows for ``Other uses``, ``Total demand`` and clean-tech demand.
SECTOR_OTHER, SECTOR_ALL, SECTOR_CLEAN = "Other uses", "all", "clean technologies"

_TITLE = re.compile(r"^(?P<name>.*\S)\s+-\s+(?P<stage>\S.*)$")
_PAREN = re.compile(r"\s*\(.*\)\s*$")
#: Relative tolerance for checks of sums against printed subtotals.
_SUM_TOL = 1e-3
#: Relative tolerance below which two figures are the same (floating-point noise).
_SAME_TOL = 1e-9

INFO, ERROR = Severity.INFO, Severity.ERROR

#: A clean-technology demand figure: (IEA name, where, value [kt] or None).
Item = tuple[str, str, float | None]


@dataclass(frozen=True)
class SupplyBlock:
    """One supply block of the base year, as printed (figures in kt)."""

    title: str
    mineral: str
    stage: Stage
    year: int
    #: Named countries in printed order: (name, where, value [kt] or None).
    countries: tuple[Item, ...]
    rest_of_world_kt: float | None
    total_kt: float
    total_label: str
    where: str


@dataclass(frozen=True)
class DemandBlock:
    """One total-demand block of the base year, as printed (figures in kt)."""

    title: str
    mineral: str
    year: int
    sectors: tuple[tuple[str, float | None], ...]
    total_clean_kt: float | None
    other_uses_kt: float | None
    total_demand_kt: float | None
    where: str


@dataclass(frozen=True)
class _Report:
    """Appends problems about one file (``where`` goes to the problem's column)."""

    file: str
    problems: list[Problem]

    def __call__(
        self,
        why: str,
        where: str | None = None,
        value: object = None,
        severity: Severity = Severity.WARNING,
    ) -> None:
        shown = None if value is None else str(value)
        self.problems.append(Problem(self.file, why, column=where, value=shown, severity=severity))


@cache
def _name_map() -> dict[str, str]:
    """Lower-cased IEA mineral names to mineral ids."""
    names = {n.lower(): m.mineral for m in MINERALS for n in m.iea_names}
    names.update({k.lower(): v for k, v in EXTRA_NAMES.items()})
    return names


def mineral_for(name: str) -> str | None:
    """Mineral id for an IEA mineral name, or None (a trailing parenthesis may be dropped).

    >>> mineral_for("Graphite (all grades: natural and synthetic)")
    'graphite'
    >>> mineral_for("Magnet rare earth elements")
    'rare-earths'
    >>> mineral_for("Boron") is None
    True
    """
    key = countries.clean_name(name).lower()
    return _name_map().get(key) or _name_map().get(_PAREN.sub("", key))


def _country(name: str) -> str | None:
    """ISO3 (or ROW) for an IEA country label."""
    cleaned = countries.clean_name(name)
    if cleaned.lower() in {"rest of world", "other countries"}:
        return "ROW"
    return countries.to_iso3(cleaned, exact=True) or countries.to_iso3(cleaned)


def _kt_to_t(value: float) -> float:
    return round(value * KT_TO_T, 6)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


# ------------------------------------------------------------------ blocks -> rows


def _supply_rows(
    block: SupplyBlock, source_id: str, report: _Report
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Production rows (named countries and derived ROW) and the total row of a block."""
    where = f"{block.title} {block.year}"
    rows: list[dict[str, Any]] = []
    named: list[tuple[str, str, float]] = []
    for name, cell, value in block.countries:
        code = _country(name)
        if value is None or value < 0:
            report(f"{where}: {name} has no usable figure; left in the derived rest of world", cell)
        elif code is None or code == "ROW":
            report(f"{where}: {name!r} is not a country; left in the derived rest of world", cell)
        elif code in {c for c, _, _ in named}:
            report(f"{where}: {code} listed twice; the second is left in rest of world", cell)
        else:
            named.append((code, name, value))
            rows.append(_production(block, code, _kt_to_t(value), Status.REPORTED, source_id))
    named_kt = sum(v for _, _, v in named)
    derived = block.total_kt - named_kt
    tol = _SAME_TOL * max(1.0, abs(block.total_kt))
    printed = block.rest_of_world_kt
    sums = f"Total {block.total_kt:g} kt - named countries {named_kt:g} kt = {derived:g} kt"
    matches = printed is not None and abs(printed - derived) <= tol
    if printed is None:
        report(f"{where}: no 'Rest of world' row; derived as {sums}", block.where, None, INFO)
    elif not matches:
        excess = printed - derived
        same = [
            f"{name} ({v:g} kt, listed {i + 1}{_ordinal(i + 1)})"
            for i, (_, name, v) in enumerate(named)
            if abs(v - excess) <= tol
        ]
        report(
            f"{where}: printed Rest of world {printed:g} kt differs from {sums} by {excess:g} kt"
            + (f", the figure of {' or '.join(same)}" if same else "")
            + "; the derived figure is used",
            block.where,
            printed,
        )
    if derived < -tol:
        report(
            f"{where}: named countries exceed Total ({sums}); no ROW row",
            block.where,
            derived,
            ERROR,
        )
    else:
        note = f"derived: {sums}"
        if printed is not None and not matches:
            note += f"; the source prints Rest of world {printed:g} kt"
        status = Status.REPORTED if matches else Status.ESTIMATED
        rows.append(_production(block, "ROW", _kt_to_t(max(derived, 0.0)), status, source_id, note))
    total_t = _kt_to_t(block.total_kt)
    total = {
        "mineral": block.mineral,
        "stage": str(block.stage),
        "year": block.year,
        "world_total_t": total_t,
        "published_total_t": total_t,
        "rows_sum_t": round(sum(r["value_t"] for r in rows), 6),
        "total_kind": str(TotalKind.PUBLISHED),
        "source_id": source_id,
        "note": f"IEA {block.title}, row {block.total_label!r} ({block.total_kt:g} kt)",
    }
    return rows, total


def _ordinal(n: int) -> str:
    return {1: "st", 2: "nd", 3: "rd"}.get(n if n < 20 else n % 10, "th")


def _production(
    block: SupplyBlock,
    country: str,
    value_t: float,
    status: Status,
    source_id: str,
    extra: str = "",
) -> dict[str, Any]:
    basis = SUPPLY_BASIS[(block.mineral, block.stage)]
    note = f"IEA {block.title} {block.year}; kt converted to t; basis {basis}"
    return {
        "mineral": block.mineral,
        "stage": str(block.stage),
        "country": country,
        "year": block.year,
        "value_t": value_t,
        "capacity_t": math.nan,
        "status": str(status),
        "source_id": source_id,
        "note": f"{note}; {extra}" if extra else note,
    }


def _stage_row(block: SupplyBlock, source_id: str) -> dict[str, Any]:
    return {
        "mineral": block.mineral,
        "stage": str(block.stage),
        "basis": SUPPLY_BASIS[(block.mineral, block.stage)],
        "unit": "t",
        "coverage": str(Coverage.DATA),
        "source_id": source_id,
        "note": f"IEA block {block.title!r}: named countries and rest of world, base year "
        f"{block.year} only",
    }


def _consumption(
    mineral: str, year: int, sector: str, value_kt: float, basis: str, source_id: str, note: str
) -> dict[str, Any]:
    return {
        "mineral": mineral,
        "consumer": "WLD",
        "year": year,
        "sector": sector,
        "kind": str(ConsumptionKind.DEMAND),
        "value_t": _kt_to_t(value_kt),
        "basis": basis,
        "status": str(Status.REPORTED),
        "source_id": source_id,
        "note": note,
    }


def _demand_rows(block: DemandBlock, source_id: str, report: _Report) -> list[dict[str, Any]]:
    """World demand rows of a block: each sector, ``Other uses`` and ``all``."""
    where = f"{block.title} {block.year}"
    basis = DEMAND_BASIS[block.mineral]
    note = f"IEA {block.title!r} {block.year}; kt converted to t"
    lines = [
        *block.sectors,
        (SECTOR_OTHER, block.other_uses_kt),
        (SECTOR_ALL, block.total_demand_kt),
    ]
    rows = []
    for sector, value in lines:
        if value is None or value < 0:
            report(f"{where}: no usable {sector!r} figure; no row", block.where, value)
        else:
            rows.append(
                _consumption(block.mineral, block.year, sector, value, basis, source_id, note)
            )
    clean, other = block.total_clean_kt, block.other_uses_kt
    if clean is None:
        report(f"{where}: no clean-technology total; the sectors are not checked", block.where)
    sectors_kt = sum(v for _, v in block.sectors if v is not None)
    checks = [("the sum of the sectors", sectors_kt, "clean-tech", clean)]
    if clean is not None and other is not None:
        checks.append(
            ("clean-tech + Other uses", clean + other, "Total demand", block.total_demand_kt)
        )
    for what, computed, label, printed in checks:
        if printed is not None and not math.isclose(computed, printed, rel_tol=_SUM_TOL):
            report(
                f"{where}: {what} {computed:g} kt differs from the printed {label} total "
                f"{printed:g} kt by {computed - printed:g} kt; the printed figures are used",
                block.where,
            )
    return rows


def _cleantech_rows(
    items: Sequence[Item], year: int, covered: set[str], source_id: str, report: _Report
) -> list[dict[str, Any]]:
    """``clean technologies`` demand rows for minerals without a total-demand block.

    Several names of one mineral (Neodymium + Praseodymium -> ndpr) are
    summed; all the registry's names of that mineral must be present.
    """
    grouped: dict[str, list[tuple[str, float]]] = {}
    skipped: list[str] = []
    for name, where, value in items:
        mineral = mineral_for(name)
        if mineral is None:
            report(
                f"clean-tech demand {year}: {name!r} is no critmin mineral; not used",
                where,
                name,
                INFO,
            )
        elif mineral in covered:
            skipped.append(f"{name} ({mineral})")
        elif value is None or value < 0:
            report(f"clean-tech demand {year} for {name!r} is not a usable number", where, value)
        else:
            grouped.setdefault(mineral, []).append((name, value))
    if skipped:
        report(
            f"clean-tech demand {year} of {', '.join(skipped)} not used: their total-demand "
            "blocks give it by sector",
            None,
            None,
            INFO,
        )
    rows = []
    for mineral, parts in grouped.items():
        expected = {n.lower() for n in MINERALS_BY_ID[mineral].iea_names}
        found = {n.lower() for n, _ in parts}
        if len(expected) > 1 and not expected <= found:
            report(
                f"clean-tech demand {year} for {mineral} needs {sorted(expected)}, found "
                f"{sorted(found)}; no row",
                None,
                mineral,
            )
            continue
        names = " + ".join(n for n, _ in parts)
        note = f"IEA clean-technology demand for {names} ({year}); kt converted to t"
        if len(parts) > 1:
            note += "; " + " + ".join(f"{v:g}" for _, v in parts) + " kt summed"
        value = sum(v for _, v in parts)
        basis = f"{names} as named by the IEA"
        rows.append(_consumption(mineral, year, SECTOR_CLEAN, value, basis, source_id, note))
    return rows


def _assemble(
    source_id: str,
    supply: Iterable[SupplyBlock],
    demand: Iterable[DemandBlock],
    cleantech: Sequence[Item],
    cleantech_year: int | None,
    result: IngestResult,
    report: _Report,
) -> IngestResult:
    """Turn parsed blocks into the tables of ``result``."""
    for block in supply:
        rows, total = _supply_rows(block, source_id, report)
        result.add_rows("production", rows)
        result.add_rows("production_totals", [total])
        if block.stage == Stage.REFINING:
            result.add_rows("mineral_stages", [_stage_row(block, source_id)])
    covered: set[str] = set()
    for dblock in demand:
        covered.add(dblock.mineral)
        result.add_rows("consumption", _demand_rows(dblock, source_id, report))
    if cleantech_year is not None:
        rows = _cleantech_rows(cleantech, cleantech_year, covered, source_id, report)
        result.add_rows("consumption", rows)
    return result


def _start(path: Path, source_id: str) -> tuple[IngestResult, _Report]:
    result = IngestResult(sources=[dict(SOURCES[source_id])])
    report = _Report(path.name, result.problems)
    if not path.is_file():
        report(f"file not found: {path}", None, None, ERROR)
    return result, report


# ------------------------------------------------------------------ 2024 edition (xlsx)

Grid = list[list[object]]


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


def _base_column(grid: Grid) -> tuple[int, int] | None:
    """(column, year) of the base year: the smallest year of the sheet's header row."""
    row = _header_row(grid)
    if row is None:
        return None
    years = {c: int(str(v)) for c, v in enumerate(grid[row]) if _is_year(v)}
    return min(years.items(), key=lambda kv: kv[1])


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
    col, year = min(years.items(), key=lambda kv: kv[1])
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
    base = _base_column(grid)
    if base is None:
        report(f"sheet {sheet!r}: no year header", None, None, ERROR)
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


def _demand_block(
    title: str, mineral: str, year: int, where: str, lines: Iterable[tuple[str, float | None]]
) -> DemandBlock:
    """Sort the lines of a demand block into sectors and subtotals."""
    sectors: list[tuple[str, float | None]] = []
    subtotals: dict[str, float | None] = {}
    for label, value in lines:
        low = label.lower().strip()
        if low in {"total clean technologies", "other uses", "total demand"}:
            subtotals[low] = value
        elif not low.startswith("share of"):
            sectors.append((label, value))
    return DemandBlock(
        title,
        mineral,
        year,
        tuple(sectors),
        subtotals.get("total clean technologies"),
        subtotals.get("other uses"),
        subtotals.get("total demand"),
        where,
    )


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
    base = _base_column(grid)
    if grid and base is None:
        report(f"sheet {CLEANTECH_SHEET!r}: no year header", None, None, ERROR)
    col, year = base if base else (0, None)
    lines = _column_a(grid, col, CLEANTECH_SHEET) if base else []
    cleantech = [(name, where, value) for name, where, value, numeric in lines if numeric]
    return _assemble(SOURCE_ID_2024, supply, demand, cleantech, year, result, report)


# ------------------------------------------------------------------ 2025 edition (JSON)


def _base_year(series: object) -> int | None:
    """Smallest year key of a ``{"2024": x, "2030": y, "STEPS": {...}}`` mapping."""
    years = [int(k) for k in series if str(k).isdigit()] if isinstance(series, dict) else []
    return min(years) if years else None


def _dict(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (malformed parts read as empty)."""
    return value if isinstance(value, dict) else {}


def _json_supply(data: Mapping[str, Any], report: _Report) -> list[SupplyBlock]:
    blocks = []
    for name, stages in data.items():
        for stage_key, raw in _dict(stages).items():
            path, mineral = f"supply/{name}/{stage_key}", mineral_for(name)
            stage = STAGE_LABELS.get(str(stage_key).lower())
            block = _dict(raw)
            year = _base_year(block.get("total"))
            total = _number(_dict(block.get("total")).get(str(year)))
            if mineral is None or stage is None or (mineral, stage) not in SUPPLY_BASIS:
                report(f"supply block {path!r} not recognised; skipped", path)
                continue
            if year is None or total is None:
                report(f"{path}: no base-year total; skipped", path, None, ERROR)
                continue
            named: list[Item] = []
            rest = None
            for country, series in _dict(block.get("countries")).items():
                values = _dict(series)
                if all(v is None for v in values.values()):
                    notes = len(country) > 60
                    what = "is text, not a country (the sheet's notes)" if notes else "has no data"
                    report(
                        f"{path}: key {country[:60]!r} {what}; skipped",
                        f"{path}/countries",
                        country,
                        INFO if notes else Severity.WARNING,
                    )
                elif country.strip().lower() == "rest of world":
                    rest = _number(values.get(str(year)))
                else:
                    cell = f"{path}/countries/{country}/{year}"
                    named.append((country, cell, _number(values.get(str(year)))))
            title = f"{name} - {stage_key}"
            blocks.append(
                SupplyBlock(title, mineral, stage, year, tuple(named), rest, total, "total", path)
            )
    return blocks


def _json_demand(data: Mapping[str, Any], report: _Report) -> list[DemandBlock]:
    blocks = []
    for name, raw in data.items():
        path, mineral, block = f"totalDemand/{name}", mineral_for(name), _dict(raw)
        year = _base_year(block.get("totalDemand"))
        if mineral is None or mineral not in DEMAND_BASIS or year is None:
            report(f"demand block {path!r} not recognised or without a base year", path, name)
            continue
        sectors = _dict(block.get("sectors")).items()
        lines = [(s, _number(_dict(v).get(str(year)))) for s, v in sectors]
        for label, key in (
            ("Total clean technologies", "totalClean"),
            ("Other uses", "otherUses"),
            ("Total demand", "totalDemand"),
        ):
            lines.append((label, _number(_dict(block.get(key)).get(str(year)))))
        blocks.append(_demand_block(name, mineral, year, path, lines))
    return blocks


def read_iea_2025(path: Path) -> IngestResult:
    """Read the IEA Critical Minerals Data Explorer, May 2025 edition (third-party JSON).

    Parameters
    ----------
    path
        ``iea_critical_minerals_data_explorer_2025.json``, with
        ``supply[mineral][mining|refining]{countries, total, top3Share}``,
        ``totalDemand[mineral]{sectors, totalClean, otherUses, totalDemand}``
        and ``cleantechByMineral[name]``.

    Returns
    -------
    IngestResult
        The tables of :func:`read_iea_2024` for base year 2024, with
        source_id ``iea-cmde-2025``. Projections are not returned.

    Notes
    -----
    "Rare Earth Elements" is the magnet rare-earth series: 75 kt mined,
    81 kt refined and 91 kt demanded in 2024, against 72, 76 and 93 kt for
    "Magnet rare earth elements" in 2023 (2024 edition), while total
    rare-earth oxide output is several hundred kt. It maps to ``rare-earths``
    on the magnet-REE basis. Country keys that hold the sheet's notes (text,
    no figures) are reported and skipped. The file's ``source`` field names
    the 2024 edition although its base year is 2024 (reported as info).
    """
    path = Path(path)
    result, report = _start(path, SOURCE_ID_2025)
    if not path.is_file():
        return result
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        report(f"not valid JSON: {exc}", None, None, ERROR)
        return result
    if not isinstance(data, dict):
        report("the top level is not an object", None, None, ERROR)
        return result
    stated = str(data.get("source", ""))
    if stated and "2025" not in stated:
        report(
            f"the 'source' field says {stated!r}, but the base year is 2024, which only the "
            "May 2025 edition has; cited as the 2025 edition",
            "source",
            stated,
            INFO,
        )
    for key in ("supply", "totalDemand", "cleantechByMineral"):
        if not isinstance(data.get(key), dict):
            report(f"key {key!r} missing or not an object", key, None, ERROR)
            data[key] = {}
    supply = _json_supply(data["supply"], report)
    demand = _json_demand(data["totalDemand"], report)
    years = [y for s in data["cleantechByMineral"].values() if (y := _base_year(s))]
    year = min(years) if years else None
    cleantech = [
        (name, f"cleantechByMineral/{name}/{year}", _number(_dict(series).get(str(year))))
        for name, series in data["cleantechByMineral"].items()
    ]
    return _assemble(SOURCE_ID_2025, supply, demand, cleantech, year, result, report)
