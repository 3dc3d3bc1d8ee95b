"""Consistency checks for a data package.

Each ``check_*`` function takes tables (or a folder) and returns a list of
:class:`Finding`; none of them raises on bad data. A finding names the table,
the CSV line, the column, the value, what is wrong and what is allowed, so a
user can fix their own package without reading code.

Checks, in order:

* files: every required table is present and parses as CSV;
* columns: every declared column is present (unknown columns are warnings);
* cells: dtype, required, enum, range, pattern, ISO3 codes, list values;
* keys: primary keys are unique; foreign keys resolve;
* totals: country rows add up to the world total within the source's rounding;
* shares: derived shares lie in [0, 1].
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin import countries
from critmin.world.schema import TABLES, TABLES_BY_NAME, Field, Table


class Level(StrEnum):
    """Severity of a finding."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in a package: table, line, column, value, what, allowed."""

    table: str
    what: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    allowed: str | None = None
    level: Level = Level.ERROR

    def __str__(self) -> str:
        where = f"{self.table}.csv"
        if self.line is not None:
            where += f" line {self.line}"
        if self.column:
            where += f", column {self.column}"
        text = f"{self.level}: {where}: {self.what}"
        if self.value is not None:
            text += f" (given {self.value!r}"
            text += f"; allowed: {self.allowed})" if self.allowed else ")"
        elif self.allowed:
            text += f" (allowed: {self.allowed})"
        return text

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "level": str(self.level),
            "table": self.table,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "what": self.what,
            "allowed": self.allowed,
        }


#: First data row of a CSV is line 2 (line 1 is the header).
FIRST_LINE = 2

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOL = {"true", "false", "1", "0", "yes", "no", "True", "False", "TRUE", "FALSE"}


def read_raw_tables(folder: Path) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Read every table's CSV as text (no conversion), reporting unreadable files.

    Parameters
    ----------
    folder
        A data package folder.

    Returns
    -------
    tables, findings
        Raw string tables by name (missing optional tables are empty frames
        with the declared columns) and the findings about files.
    """
    tables: dict[str, pd.DataFrame] = {}
    findings: list[Finding] = []
    for table in TABLES:
        path = folder / table.path
        if not path.is_file():
            if table.optional:
                tables[table.name] = pd.DataFrame({c: pd.Series(dtype=str) for c in table.columns})
            else:
                findings.append(Finding(table.name, f"file {table.path} is missing from {folder}"))
            continue
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
        except (UnicodeDecodeError, csv.Error, OSError) as exc:
            findings.append(Finding(table.name, f"cannot read {table.path}: {exc}"))
            continue
        if not rows:
            findings.append(Finding(table.name, f"{table.path} is empty: it needs a header row"))
            continue
        header = [h.strip() for h in rows[0]]
        width = len(header)
        bad = [i for i, r in enumerate(rows[1:], start=FIRST_LINE) if len(r) != width and any(r)]
        for line in bad[:20]:
            findings.append(
                Finding(
                    table.name,
                    f"row has {len(rows[line - 1])} fields but the header has {width}",
                    line=line,
                )
            )
        body = [r for i, r in enumerate(rows[1:], start=FIRST_LINE) if len(r) == width]
        frame = pd.DataFrame(body, columns=header, dtype=str)
        frame.index = pd.RangeIndex(FIRST_LINE, FIRST_LINE + len(frame))
        # keep the CSV line numbers of the rows kept
        if bad:
            lines = [i for i, r in enumerate(rows[1:], start=FIRST_LINE) if len(r) == width]
            frame.index = pd.Index(lines)
        tables[table.name] = frame
    return tables, findings


def check_columns(table: Table, frame: pd.DataFrame) -> list[Finding]:
    """Declared columns present; unknown columns flagged as warnings."""
    findings = []
    present = list(frame.columns)
    for name in table.columns:
        if name not in present:
            findings.append(
                Finding(
                    table.name,
                    f"column {name!r} is missing",
                    allowed=", ".join(table.columns),
                )
            )
    for name in present:
        if name not in table.columns:
            findings.append(
                Finding(
                    table.name,
                    f"unknown column {name!r} is ignored",
                    allowed=", ".join(table.columns),
                    level=Level.WARNING,
                )
            )
    return findings


def _allowed_text(field: Field) -> str:
    parts = []
    if field.enum:
        parts.append("one of " + ", ".join(field.enum))
    if field.dtype in ("number", "integer"):
        low = "-inf" if field.minimum is None else f"{field.minimum:g}"
        high = "inf" if field.maximum is None else f"{field.maximum:g}"
        kind = "an integer" if field.dtype == "integer" else "a number"
        parts.append(f"{kind} in [{low}, {high}]")
    if field.dtype == "date":
        parts.append("a date YYYY-MM-DD")
    if field.dtype == "boolean":
        parts.append("true or false")
    if field.country:
        parts.append("an ISO3 code or ROW/WLD")
    if field.pattern and not field.enum:
        parts.append(f"matching {field.pattern}")
    if field.list_valued:
        parts.append("several values separated by ';'")
    return "; ".join(parts) or "any text"


def _check_scalar(field: Field, text: str) -> str | None:
    """Return what is wrong with one non-empty cell, or None."""
    if field.dtype in ("number", "integer"):
        try:
            number = float(text)
        except ValueError:
            return "not a number"
        if math.isnan(number) or math.isinf(number):
            return "not a finite number"
        if field.dtype == "integer" and not number.is_integer():
            return "not an integer"
        if field.minimum is not None and number < field.minimum:
            return "below the allowed range"
        if field.maximum is not None and number > field.maximum:
            return "above the allowed range"
        return None
    if field.dtype == "date":
        if not _DATE.match(text):
            return "not a date"
        try:
            pd.Timestamp(text)
        except ValueError:
            return "not a valid date"
        return None
    if field.dtype == "boolean":
        return None if text in _BOOL else "not a boolean"
    if field.enum and text not in field.enum:
        return "not an allowed value"
    if field.pattern and not re.fullmatch(field.pattern, text):
        return "does not match the required form"
    if field.country and not countries.is_code(text):
        return "not an ISO3 country code"
    return None


def check_cells(table: Table, frame: pd.DataFrame, *, limit: int = 200) -> list[Finding]:
    """Check every cell against its field's dtype, required flag and constraints."""
    findings: list[Finding] = []
    for field in table.fields:
        if field.name not in frame.columns:
            continue
        column = frame[field.name].fillna("").astype(str).str.strip()
        allowed = _allowed_text(field)
        for line, text in zip(column.index.tolist(), column.tolist(), strict=True):
            if not text:
                if field.required:
                    findings.append(
                        Finding(table.name, "value is required", int(line), field.name, "", allowed)
                    )
                continue
            values = [v.strip() for v in text.split(";")] if field.list_valued else [text]
            for value in values:
                problem = _check_scalar(field, value) if value else "empty list item"
                if problem:
                    findings.append(
                        Finding(table.name, problem, int(line), field.name, value, allowed)
                    )
            if len(findings) >= limit:
                findings.append(
                    Finding(table.name, f"more than {limit} cell problems; stopped listing")
                )
                return findings
    return findings


def check_primary_key(table: Table, frame: pd.DataFrame) -> list[Finding]:
    """No two rows share the primary key."""
    key = [c for c in table.primary_key if c in frame.columns]
    if len(key) != len(table.primary_key) or frame.empty:
        return []
    dup = frame.duplicated(subset=key, keep="first")
    findings = []
    for line in frame.index[dup][:50]:
        values = ", ".join(f"{c}={frame.at[line, c]}" for c in key)
        findings.append(
            Finding(
                table.name,
                f"duplicate row for the key ({values})",
                int(line),
                ",".join(key),
                allowed="one row per " + ", ".join(key),
            )
        )
    return findings


def check_references(tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """Every foreign key (including list-valued ones) refers to an existing row."""
    findings: list[Finding] = []
    for table in TABLES:
        frame = tables.get(table.name)
        if frame is None:
            continue
        for field in table.fields:
            if not field.references or field.name not in frame.columns:
                continue
            ref_table, ref_col = field.references.split(".")
            ref = tables.get(ref_table)
            if ref is None or ref_col not in ref.columns:
                continue
            known = set(ref[ref_col].fillna("").astype(str).str.strip())
            column = frame[field.name].fillna("").astype(str)
            for line, text in zip(column.index.tolist(), column.tolist(), strict=True):
                values = [v.strip() for v in text.split(";")] if field.list_valued else [text]
                for value in values:
                    if value and value not in known:
                        findings.append(
                            Finding(
                                table.name,
                                f"refers to a {ref_col} not in {ref_table}.csv",
                                int(line),
                                field.name,
                                value,
                                f"a {ref_col} listed in {ref_table}.csv",
                            )
                        )
    return findings


def rounding_tolerance_t(published_t: float) -> float:
    """Half a unit in the last significant digit the published total shows [t].

    USGS rounds world totals to no more than three significant digits and prints
    them with trailing zeros, so a total of 350,000 t is good to +/-5,000 t and
    1,600,000 t to +/-50,000 t. Totals printed with decimals (IEA, kt) are
    treated as exact to 0.05 % (their own rounding).

    >>> rounding_tolerance_t(350_000)
    5000.0
    >>> rounding_tolerance_t(610)
    5.0
    """
    if published_t <= 0 or not math.isfinite(published_t):
        return 0.0
    if float(published_t).is_integer():
        digits = str(int(round(published_t)))
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros:
            return 0.5 * 10.0**zeros
    return 0.0005 * published_t


def check_totals(
    production: pd.DataFrame, totals: pd.DataFrame, *, table: str = "production_totals"
) -> list[Finding]:
    """Country rows against the published world total, within its rounding.

    Works on typed tables (numbers already parsed). A difference beyond the
    tolerance of :func:`rounding_tolerance_t` is a warning, not an error: the
    sources themselves disagree with their own totals in places.
    """
    findings: list[Finding] = []
    if production.empty or totals.empty:
        return findings
    sums = production.groupby(["mineral", "stage", "year"])["value_t"].sum()
    for line, row in totals.iterrows():
        published = row.get("published_total_t")
        if published is None or not np.isfinite(published):
            continue
        key = (row["mineral"], row["stage"], int(row["year"]))
        rows_sum = float(sums.get(key, 0.0))
        tolerance = rounding_tolerance_t(float(published))
        diff = rows_sum - float(published)
        if abs(diff) > tolerance:
            findings.append(
                Finding(
                    table,
                    (
                        f"{key[0]} {key[1]} {key[2]}: country rows sum to {rows_sum:,.1f} t, "
                        f"published world total {float(published):,.1f} t "
                        f"(difference {diff:+,.1f} t, {diff / float(published):+.1%}; "
                        f"rounding tolerance {tolerance:,.1f} t)"
                    ),
                    int(line) if isinstance(line, int | np.integer) else None,
                    "published_total_t",
                    level=Level.WARNING,
                )
            )
    return findings


def check_shares(production: pd.DataFrame, totals: pd.DataFrame) -> list[Finding]:
    """Every country's share of its world total lies in [0, 1]."""
    if production.empty or totals.empty:
        return []
    merged = production.merge(
        totals[["mineral", "stage", "year", "world_total_t"]],
        on=["mineral", "stage", "year"],
        how="left",
    )
    findings = []
    missing = merged["world_total_t"].isna()
    for _, row in merged[missing].drop_duplicates(["mineral", "stage", "year"]).iterrows():
        findings.append(
            Finding(
                "production",
                f"{row['mineral']} {row['stage']} {row['year']} has no world total "
                "in production_totals",
            )
        )
    share = merged["value_t"] / merged["world_total_t"]
    bad = merged[(share < 0) | (share > 1 + 1e-9)]
    for _, row in bad.head(50).iterrows():
        findings.append(
            Finding(
                "production",
                f"share of {row['country']} in {row['mineral']} {row['stage']} {row['year']} "
                f"is {row['value_t'] / row['world_total_t']:.3f}",
                allowed="shares in [0, 1]",
            )
        )
    return findings


def coerce(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Convert a raw string table to typed columns (call after check_cells).

    Numbers become float64 (empty -> NaN), integers nullable Int64, booleans
    bool, strings stay strings with empty -> "".
    """
    out = pd.DataFrame(index=frame.index)
    for field in table.fields:
        if field.name not in frame.columns:
            if field.dtype in ("number",):
                out[field.name] = np.nan
            elif field.dtype == "integer":
                out[field.name] = pd.array([pd.NA] * len(frame), dtype="Int64")
            else:
                out[field.name] = ""
            continue
        raw = frame[field.name].fillna("").astype(str).str.strip()
        if field.dtype == "number":
            out[field.name] = pd.to_numeric(raw, errors="coerce").astype(float)
        elif field.dtype == "integer":
            out[field.name] = pd.to_numeric(raw, errors="coerce").astype("Int64")
        elif field.dtype == "boolean":
            out[field.name] = raw.str.lower().isin({"true", "1", "yes"})
        else:
            out[field.name] = raw
    return out


def check_tables(raw: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Run every check on raw string tables; return typed tables and findings."""
    findings: list[Finding] = []
    typed: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        frame = raw.get(table.name)
        if frame is None:
            continue
        findings += check_columns(table, frame)
        findings += check_cells(table, frame)
        findings += check_primary_key(table, frame)
        typed[table.name] = coerce(table, frame)
    findings += check_references(raw)
    if "production" in typed and "production_totals" in typed:
        findings += check_totals(typed["production"], typed["production_totals"])
        findings += check_shares(typed["production"], typed["production_totals"])
    return typed, findings


def check_package(folder: Path) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Check a data package folder; return typed tables and every finding.

    Never raises on bad content: everything wrong is a :class:`Finding`.
    """
    if not folder.is_dir():
        return {}, [
            Finding(
                "(package)",
                f"{folder} is not a folder",
                allowed="a folder holding " + ", ".join(t.path for t in TABLES),
            )
        ]
    raw, findings = read_raw_tables(folder)
    typed, more = check_tables(raw)
    return typed, findings + more


def errors(findings: list[Finding]) -> list[Finding]:
    """Only the findings at error level."""
    return [f for f in findings if f.level == Level.ERROR]


__all__ = [
    "TABLES_BY_NAME",
    "Finding",
    "Level",
    "check_cells",
    "check_columns",
    "check_package",
    "check_primary_key",
    "check_references",
    "check_shares",
    "check_tables",
    "check_totals",
    "coerce",
    "errors",
    "read_raw_tables",
    "rounding_tolerance_t",
]
