"""What both IEA readers share: sources, name mapping, the parsed blocks, and the rules
that turn blocks into rows (rest of world derived from the total)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from critmin import countries
from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.ingest.registry import MINERALS, MINERALS_BY_ID
from critmin.world.schema import ConsumptionKind, Coverage, Stage, Status, TotalKind

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
