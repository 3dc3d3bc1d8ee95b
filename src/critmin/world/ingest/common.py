"""Pieces every ingest reader shares: problem records, results, number parsing.

A reader turns one raw source into tidy rows for the tables declared in
:mod:`critmin.world.schema`. It never drops anything silently: every row or cell
it cannot map becomes a :class:`Problem` with the file, the row, the column,
the value and the reason, and ends up in the build report.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

from critmin import countries


class Severity(StrEnum):
    """How serious a build finding is."""

    INFO = "info"  # handled, recorded for traceability (e.g. a footnote stripped)
    WARNING = "warning"  # not mapped or a cross-check outside tolerance; build goes on
    ERROR = "error"  # the build cannot produce a valid package


@dataclass(frozen=True)
class Problem:
    """One finding of a reader or a cross-check: file, row, column, value, why."""

    file: str
    why: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: Severity = Severity.WARNING
    check: str = "ingest"

    def as_dict(self) -> dict[str, Any]:
        """Row for the build report."""
        return {
            "severity": str(self.severity),
            "check": self.check,
            "file": self.file,
            "row": "" if self.row is None else self.row,
            "column": self.column or "",
            "value": "" if self.value is None else self.value,
            "why": self.why,
        }


@dataclass
class IngestResult:
    """What a reader returns: rows per table, problems, and its sources."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)

    def add_rows(self, table: str, rows: list[dict[str, Any]] | pd.DataFrame) -> None:
        """Append rows to ``table``."""
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        if frame.empty:
            return
        if table in self.tables:
            self.tables[table] = pd.concat([self.tables[table], frame], ignore_index=True)
        else:
            self.tables[table] = frame.reset_index(drop=True)

    def extend(self, other: IngestResult) -> None:
        """Merge another result into this one."""
        for name, frame in other.tables.items():
            self.add_rows(name, frame)
        self.problems.extend(other.problems)
        known = {s["source_id"] for s in self.sources}
        self.sources.extend(s for s in other.sources if s["source_id"] not in known)


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from a source cell.

    ``value`` is None when the cell holds no number (``W``, ``NA``, ``--``,
    blank). ``qualifier`` is ``'='``, ``'>'`` or ``'<'``. ``code`` keeps a
    non-numeric code such as ``'W'`` (withheld) or ``'NA'``.
    """

    value: float | None
    qualifier: str = "="
    code: str | None = None


#: Codes that mean "no number here", with their meaning.
MISSING_CODES: dict[str, str] = {
    "": "blank",
    "W": "withheld to avoid disclosing company proprietary data",
    "NA": "not available",
    "N/A": "not available",
    "--": "zero or not applicable",
    "—": "zero or not applicable",
    "XX": "not applicable",
    "NAN": "not available",
    "E": "net exporter",
    "LESS THAN A HALF UNIT": "less than half the unit shown",
}

_NUMBER = re.compile(r"^([<>]?)\s*([-+\u2212]?[0-9][0-9,]*(?:\.[0-9]+)?|[-+\u2212]?\.[0-9]+)$")


def parse_number(cell: object) -> ParsedNumber:
    """Parse a source cell into a number, keeping qualifiers and codes.

    Handles thousands separators, the Unicode minus, leading ``>``/``<``,
    surrounding spaces and codes such as ``W`` and ``NA``.

    >>> parse_number('"72,000"'.strip('"'))
    ParsedNumber(value=72000.0, qualifier='=', code=None)
    >>> parse_number('    >9,100,000')
    ParsedNumber(value=9100000.0, qualifier='>', code=None)
    >>> parse_number('W')
    ParsedNumber(value=None, qualifier='=', code='W')
    >>> parse_number('\u221284').value
    -84.0
    """
    if cell is None:
        return ParsedNumber(None, code="")
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if isinstance(cell, float) and math.isnan(cell):
            return ParsedNumber(None, code="")
        return ParsedNumber(float(cell))
    text = str(cell).replace("\u00a0", " ").strip()
    if text.upper() in MISSING_CODES:
        return ParsedNumber(None, code=text.upper())
    match = _NUMBER.match(text)
    if not match:
        return ParsedNumber(None, code=text)
    qualifier = match.group(1) or "="
    number = match.group(2).replace(",", "").replace("\u2212", "-")
    return ParsedNumber(float(number), qualifier=qualifier)


@dataclass(frozen=True)
class CountryName:
    """A country cell resolved: ISO3 (or ROW), and what was stripped from it."""

    code: str | None
    cleaned: str
    footnote: str | None = None
    estimated: bool = False


_TRAILING_DIGITS = re.compile(r"^(.*?\D)\s*(\d+)$")
_OTHER = re.compile(r"^(other|others|other countries|rest of world)$", re.IGNORECASE)


def resolve_country(raw: str) -> CountryName:
    """Resolve a country cell of a USGS-style table.

    Strips glued footnote markers (``Other countries4``, ``New Caledonia11``)
    and the estimate marker ``e`` (``Japane``, ``Russiae``,
    ``Korea, Republic ofe``), which sets ``estimated``. ``Other countries`` and
    ``Rest of world`` map to ``ROW``. Anything else that no exact name or alias
    matches resolves to ``code=None``.

    >>> resolve_country("Japane")
    CountryName(code='JPN', cleaned='Japan', footnote=None, estimated=True)
    >>> resolve_country("Other countries4").code
    'ROW'
    >>> resolve_country("Ukraine").estimated
    False
    """
    cleaned = countries.clean_name(raw)
    footnote = None
    match = _TRAILING_DIGITS.match(cleaned)
    if match:
        cleaned, footnote = match.group(1).strip(), match.group(2)
    if _OTHER.match(cleaned):
        return CountryName("ROW", cleaned, footnote)
    code = countries.to_iso3(cleaned, exact=True)
    if code:
        return CountryName(code, cleaned, footnote)
    if cleaned.endswith("e"):
        base = cleaned[:-1]
        if _OTHER.match(base):
            return CountryName("ROW", base, footnote, estimated=True)
        code = countries.to_iso3(base, exact=True)
        if code:
            return CountryName(code, base, footnote, estimated=True)
    return CountryName(countries.to_iso3(cleaned), cleaned, footnote)


#: Multipliers from units printed by sources to tonnes.
UNIT_TO_T: dict[str, float] = {
    "t": 1.0,
    "kt": 1_000.0,
    "mt": 1_000_000.0,
    "kg": 0.001,
    "g": 1e-6,
    "metr. t": 1.0,
}
