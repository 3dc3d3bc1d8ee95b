"""What the MCS readers share: sources, table columns, CSV reading and cell parsing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from critmin.world.ingest.common import (
    MISSING_CODES,
    IngestResult,
    ParsedNumber,
    Problem,
    Severity,
    parse_number,
)
from critmin.world.schema import TABLES_BY_NAME, Status

_DOI = {2023: "doi:10.5066/P9WCYUI6", 2024: "doi:10.5066/P144BA54"}
_TABLE_OF_PART = {
    "world": "world/mcs{e}-<code>_world.csv: world production, reserves and capacity",
    "salient": "salient/mcs{e}-<code>_salient.csv: U.S. salient statistics",
    "trends": "trends/MCS{e}_Fig2_Net_Import_Reliance.csv: U.S. net import reliance",
}
_BUILD_COLUMNS = ("world_total_t", "rows_sum_t", "total_kind")  # filled by the build
_TABLES = (
    "production",
    "production_totals",
    "reserves",
    "mineral_stages",
    "prices",
    "consumption",
    "net_import_reliance",
    "import_sources",
)
#: Columns of each table this reader fills, in schema order.
COLUMNS: dict[str, list[str]] = {
    t: [c for c in TABLES_BY_NAME[t].columns if c not in _BUILD_COLUMNS] for t in _TABLES
}
_PGM = "platinum-group-metals"
#: Why the magnesium compounds and titanium concentrates series are not read.
_MG = "critmin's magnesium follows the metal, as T5 and Fig2 ('MAGNESIUM METAL') do"
_TI = "critmin's titanium follows sponge metal, as T5 ('Titanium (metal)') does"


def _source_id(edition: int, part: str) -> str:
    return f"usgs-mcs-{edition}-{part}"


def _source(edition: int, part: str) -> dict[str, Any]:
    citation = f"U.S. Geological Survey, {edition}, Mineral commodity summaries {edition} data "
    return {
        "source_id": _source_id(edition, part),
        "title": f"Mineral commodity summaries {edition} data release",
        "publisher": "U.S. Geological Survey",
        "table": _TABLE_OF_PART[part].format(e=edition),
        "year": edition,
        "doi_or_url": _DOI[edition],
        "licence": "US public domain",
        "note": f"{citation}release, {_DOI[edition]}",
    }


def _frame(table: str, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS[table])


def _status(estimated: bool) -> Status:
    return Status.ESTIMATED if estimated else Status.REPORTED


# --------------------------------------------------------------------------- cells


@dataclass
class _Log:
    """Collects the problems of one file."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        why: str,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.problems.append(Problem(self.file, why, row, column, value, severity))

    def warn(
        self, why: str, row: int | None = None, column: str | None = None, value: str | None = None
    ) -> None:
        self.add(Severity.WARNING, why, row, column, value)

    def info(
        self, why: str, row: int | None = None, column: str | None = None, value: str | None = None
    ) -> None:
        self.add(Severity.INFO, why, row, column, value)

    def missing(self, number: ParsedNumber, what: str, row: int, column: str, raw: str) -> None:
        """Report a cell that yields no row: a code, a qualified or out-of-range number."""
        if number.value is not None:
            self.warn(f"qualified, negative or out-of-range value; {what}", row, column, raw)
            return
        code = (number.code or "").upper()
        if code in ("--", "\u2014", "", "XX"):
            self.info(f"{MISSING_CODES.get(code, 'blank')}; {what}", row, column, raw)
        elif code.startswith("INCLUDED"):
            self.info(f"figure included in another row; {what}", row, column, raw)
        elif code in MISSING_CODES:
            self.warn(f"{code}: {MISSING_CODES[code]}; {what}", row, column, raw)
        else:
            self.warn(f"not a number; {what}", row, column, raw)

    def unexpected_header(self, header: list[str]) -> None:
        self.warn("unexpected header; file not read", 1, None, ",".join(header))


@dataclass
class _Table:
    """A raw CSV: cleaned header, and the non-blank rows with their 1-based line numbers."""

    header: list[str]
    rows: list[tuple[int, list[str]]]

    @property
    def columns(self) -> dict[str, int]:
        """Named column -> index."""
        return {name: i for i, name in enumerate(self.header) if name}

    def misaligned(self, log: _Log, why: str) -> bool:
        """True, reported with ``why``, if a non-blank cell stands under an unnamed column."""
        for line, cells in self.rows:
            for i, cell in enumerate(cells):
                if _clean(cell) and not (self.header[i] if i < len(self.header) else ""):
                    log.warn(why, line, None, cell)
                    return True
        return False


def _clean(text: str) -> str:
    """Cell text with NBSP turned into spaces and whitespace collapsed."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _label(path: Path) -> str:
    return "/".join(path.parts[-3:])


def _read_table(path: Path, log: _Log) -> _Table:
    """Read a CSV (UTF-8 with or without BOM, CRLF or LF), skipping blank rows."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
        log.info("not UTF-8; read as Windows-1252")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for cells in reader:
        if header is None:
            header = [_clean(c) for c in cells]
        elif any(_clean(c) for c in cells):
            rows.append((reader.line_num, cells))
    return _Table(header or [], rows)


def _open(path: Path, edition: int, part: str) -> tuple[IngestResult, _Log, _Table]:
    """A result citing the edition's part, a log into its problems, and the file's table."""
    result = IngestResult(sources=[_source(edition, part)])
    log = _Log(_label(path), result.problems)
    return result, log, _read_table(path, log)


def _code(path: Path, pattern: str, known: Container[str], log: _Log) -> str | None:
    """The USGS commodity code that ``pattern`` finds in the file name; None, reported, if
    it has no mapping in ``known``."""
    match = re.match(pattern, path.name, re.I)
    code = match[1].lower() if match else ""
    if code not in known:
        log.warn(f"no mapping for USGS commodity code {code!r}; file not read")
        return None
    return code


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


_E_PREFIX = re.compile(r"^e(?=\s*[<>]?\s*[0-9.])", re.IGNORECASE)


def _parse(cell: str) -> tuple[ParsedNumber, bool]:
    """Parse a cell; the second item is True for an ``e`` estimate marker (``e20,000``)."""
    text = _clean(cell)
    marked = bool(_E_PREFIX.match(text))
    return parse_number(text[1:] if marked else text), marked


def _plain(number: ParsedNumber) -> float | None:
    """The value of a plain number (no qualifier, not negative), else None."""
    if number.value is None or number.qualifier != "=" or number.value < 0:
        return None
    return number.value


def _scale(value: float, factor: float) -> float:
    """``value * factor``, dividing by the inverse where it is a whole number (kg -> t is
    ``/ 1000``), so that 600,000 kg gives exactly 600 t."""
    inverse = 1.0 / factor
    if factor < 1.0 and abs(inverse - round(inverse)) < 1e-6:
        return value / round(inverse)
    return value * factor


def _fmt(value: float | None) -> str:
    """A number for a note: 3,140,000 or 10.1."""
    return "" if value is None else f"{value:,.10g}"


def _join(*parts: str) -> str:
    """Non-empty parts joined with '; ' (an 'NA' note counts as empty)."""
    kept = (_clean(p) for p in parts)
    return "; ".join(dict.fromkeys(p for p in kept if p and p.upper() != "NA"))


def _spec_table(text: str, fields: int) -> list[list[str]]:
    """Rows of a '|'-separated mapping table; '#' starts a comment line."""
    rows = []
    for line in text.strip().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            cells = [c.strip() for c in line.split("|")]
            rows.append(cells + [""] * (fields - len(cells)))
    return rows


def _options(text: str) -> dict[str, str]:
    """The ``name=value`` (or bare ``name``) options of a mapping-table row."""
    return dict(o.partition("=")[::2] for o in text.split())


def _nir(raw: str, log: _Log, line: int, column: str) -> tuple[float, str] | None:
    """(share [0-1], qualifier) of a net import reliance cell [%]; None, reported, if the
    cell holds no share."""
    number = _parse(raw)[0]
    if number.code == "E":
        return 0.0, "E"
    if number.value is None or not 0.0 <= number.value <= 100.0:
        log.missing(number, "no net import reliance row", line, column, raw)
        return None
    return number.value / 100.0, number.qualifier
