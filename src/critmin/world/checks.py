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
import gzip
import json
import math
import re
import zlib
from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

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
        # a table's file, or a named file or the package itself as such
        where = (
            self.table if "." in self.table or self.table.startswith("(") else f"{self.table}.csv"
        )
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


def _open_text(path: Path) -> TextIO:
    """A CSV file opened as text; ``.gz`` files are decompressed on the fly."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def read_raw_tables(
    folder: Path, *, only: list[str] | None = None
) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Read every table's CSV as text (no conversion), reporting unreadable files.

    Parameters
    ----------
    folder
        A data package folder.
    only
        Read just these tables (an overlay's); a missing one is then no finding.

    Returns
    -------
    tables, findings
        Raw string tables by name (missing optional tables are empty frames
        with the declared columns) and the findings about files.
    """
    tables: dict[str, pd.DataFrame] = {}
    findings: list[Finding] = []
    for table in TABLES:
        if only is not None and table.name not in only:
            continue
        present = [folder / name for name in table.paths if (folder / name).is_file()]
        if len(present) > 1:
            findings.append(
                Finding(
                    table.name,
                    f"both {present[0].name} and {present[1].name} are in {folder}",
                    allowed="one file per table",
                )
            )
            continue
        if not present:
            if table.optional:
                tables[table.name] = pd.DataFrame({c: pd.Series(dtype=str) for c in table.columns})
            else:
                findings.append(Finding(table.name, f"file {table.path} is missing from {folder}"))
            continue
        path = present[0]
        try:
            with _open_text(path) as handle:
                rows = list(csv.reader(handle))
        except (UnicodeDecodeError, csv.Error, OSError, EOFError, zlib.error) as exc:
            findings.append(Finding(table.name, f"cannot read {path.name}: {exc}"))
            continue
        if not rows:
            findings.append(Finding(table.name, f"{path.name} is empty: it needs a header row"))
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
        # cells are stripped of surrounding spaces once, here
        body = [[c.strip() for c in r] for r in rows[1:] if len(r) == width]
        frame = pd.DataFrame(body, columns=header, dtype=str)
        frame.index = pd.RangeIndex(FIRST_LINE, FIRST_LINE + len(frame))
        # keep the CSV line numbers of the rows kept
        if bad:
            lines = [i for i, r in enumerate(rows[1:], start=FIRST_LINE) if len(r) == width]
            frame.index = pd.Index(lines)
        tables[table.name] = frame
    return tables, findings


def _text(column: pd.Series) -> pd.Series:
    """A column as stripped text ("" for missing); strips only where a cell needs it."""
    text = column.fillna("").astype(str)
    values = pd.unique(text.to_numpy())
    if all(v == v.strip() for v in values):
        return text
    return text.str.strip()


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


def _cell_problems(field: Field, values: pd.Series) -> pd.Series:
    """What is wrong with each non-empty cell of ``values`` ("" where nothing is).

    Each distinct value is checked once (columns repeat few values: minerals,
    stages, countries, years), then the answers are spread back to the cells.
    """
    codes, distinct = pd.factorize(values)
    answers = _distinct_problems(field, pd.Series(distinct, dtype=object))
    return pd.Series(answers.to_numpy()[codes], index=values.index, dtype=object)


def _distinct_problems(field: Field, values: pd.Series) -> pd.Series:
    """What is wrong with each of ``values`` ("" where nothing is).

    Vectorised: one mask per rule, the first failing rule wins, in the order
    dtype (number, integer, date, boolean), enum, pattern, country code.
    """
    problem = pd.Series("", index=values.index, dtype=object)

    def flag(mask: pd.Series | np.ndarray, what: str) -> None:
        mask = np.asarray(mask, dtype=bool) & (problem.to_numpy() == "")
        problem[mask] = what

    if field.dtype in ("number", "integer"):
        number = pd.to_numeric(values, errors="coerce")
        nan_text = values.str.lower().str.lstrip("+-").isin({"nan"})
        flag(number.isna() & ~nan_text, "not a number")
        flag(nan_text | np.isinf(number.fillna(0.0)), "not a finite number")
        finite = number.where(np.isfinite(number.fillna(np.nan)))
        if field.dtype == "integer":
            flag(finite.notna() & (finite != np.floor(finite.fillna(0.0))), "not an integer")
        if field.minimum is not None:
            flag(finite < field.minimum, "below the allowed range")
        if field.maximum is not None:
            flag(finite > field.maximum, "above the allowed range")
        return problem
    if field.dtype == "date":
        shaped = values.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        flag(~shaped, "not a date")
        parsed = pd.to_datetime(values.where(shaped), format="%Y-%m-%d", errors="coerce")
        flag(parsed.isna(), "not a valid date")
        return problem
    if field.dtype == "boolean":
        flag(~values.isin(_BOOL), "not a boolean")
        return problem
    if field.enum:
        flag(~values.isin(field.enum), "not an allowed value")
    if field.pattern:
        flag(
            ~values.str.fullmatch(field.pattern).fillna(False).astype(bool),
            ("does not match the required form"),
        )
    if field.country:
        valid = countries.iso3_codes() | frozenset(countries.AGGREGATES)
        flag(~values.isin(valid), "not an ISO3 country code")
    return problem


def _items(field: Field, column: pd.Series) -> pd.Series:
    """Cells of a column (index: CSV line), list-valued cells split into one item per row.

    Empty cells are left out; empty items of a list (``a;;b``) are kept as "".
    """
    column = column[column != ""]
    if not field.list_valued:
        return column
    return column.str.split(";").explode().str.strip()


def check_cells(table: Table, frame: pd.DataFrame, *, limit: int = 200) -> list[Finding]:
    """Check every cell against its field's dtype, required flag and constraints."""
    findings: list[Finding] = []
    for field in table.fields:
        if field.name not in frame.columns:
            continue
        column = _text(frame[field.name])
        allowed = _allowed_text(field)
        items = _items(field, column).reset_index(drop=False)
        items.columns = pd.Index(["line", "value"])
        given = items["value"] != ""
        what = pd.Series("empty list item", index=items.index, dtype=object)
        what[given] = _cell_problems(field, items.loc[given, "value"]).to_numpy()
        bad = items.assign(what=what)[what != ""]
        if field.required:
            missing = column.index[column == ""]
            bad = pd.concat(
                [bad, pd.DataFrame({"line": missing, "value": "", "what": "value is required"})],
                ignore_index=True,
            )
        if bad.empty:
            continue
        # report in the frame's row order, as a reader scanning the file meets them
        position = pd.Series(np.arange(len(column)), index=column.index)
        position = position[~position.index.duplicated()]
        bad = bad.assign(_pos=position.reindex(bad["line"]).to_numpy())
        bad = bad.sort_values("_pos", kind="stable")
        for line, value, problem in zip(
            bad["line"].tolist(), bad["value"].tolist(), bad["what"].tolist(), strict=True
        ):
            findings.append(Finding(table.name, problem, int(line), field.name, value, allowed))
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
            items = _items(field, frame[field.name].fillna("").astype(str))
            items = items[items != ""]
            unknown = items[~items.isin(known)]
            for line, value in zip(unknown.index.tolist(), unknown.tolist(), strict=True):
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


def check_price_series(tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """Each ``market_conventions`` reference price series is a series of that mineral's prices."""
    conventions = tables.get("market_conventions")
    prices = tables.get("prices")
    if conventions is None or prices is None or conventions.empty:
        return []
    known = set(zip(_text(prices["mineral"]), _text(prices["series"]), strict=True))
    findings = []
    for line, mineral, series in zip(
        conventions.index.tolist(),
        _text(conventions["mineral"]),
        _text(conventions["reference_price_series"]),
        strict=True,
    ):
        if series and (mineral, series) not in known:
            findings.append(
                Finding(
                    "market_conventions",
                    f"no prices row of {mineral} has this series",
                    int(line),
                    "reference_price_series",
                    series,
                    f"a series of {mineral} in prices.csv",
                )
            )
    return findings


def check_market_parameters(tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """A calibrated ``market_parameters`` value names the event it was fitted on, one
    of ``observed_responses``; a published one names none."""
    parameters = tables.get("market_parameters")
    if parameters is None or parameters.empty:
        return []
    observed = tables.get("observed_responses")
    events = set(_text(observed["event"])) if observed is not None else set()
    findings = []
    for line, basis, event in zip(
        parameters.index.tolist(),
        _text(parameters["basis"]),
        _text(parameters["calibrated_on"]),
        strict=True,
    ):
        if basis == "calibrated" and event not in events:
            allowed = "an event of observed_responses.csv"
        elif basis == "published" and event:
            allowed = "empty for a published value"
        else:
            continue
        findings.append(
            Finding(
                "market_parameters",
                "a calibrated value names the event it was fitted on; a published one none",
                int(line),
                "calibrated_on",
                event,
                allowed,
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
        raw = _text(frame[field.name])
        if field.dtype == "number":
            out[field.name] = pd.to_numeric(raw, errors="coerce").astype(float)
        elif field.dtype == "integer":
            out[field.name] = pd.to_numeric(raw, errors="coerce").astype("Int64")
        elif field.dtype == "boolean":
            out[field.name] = raw.str.lower().isin({"true", "1", "yes"})
        else:
            out[field.name] = raw
    return out


def read_checked_package(folder: Path) -> dict[str, pd.DataFrame]:
    """The typed tables of a package already checked, read fast and without checks.

    For the shipped package: the build and the test suite run
    :func:`check_package` on it, so loading it only parses (pandas' C parser,
    typed per the schema; the same types as :func:`coerce`). Missing optional
    tables are empty.
    """
    tables: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        present = [folder / name for name in table.paths if (folder / name).is_file()]
        if not present:
            tables[table.name] = coerce(table, pd.DataFrame(columns=table.columns))
            continue
        dtypes: dict[Hashable, Any] = {}
        na: dict[str, list[str]] = {}
        for f in table.fields:
            if f.dtype == "number":
                dtypes[f.name], na[f.name] = "float64", [""]
            elif f.dtype == "integer":
                dtypes[f.name], na[f.name] = "Int64", [""]
            else:
                dtypes[f.name] = str
        frame = pd.read_csv(
            present[0], dtype=dtypes, keep_default_na=False, na_values=na, encoding="utf-8-sig"
        )
        for f in table.fields:
            if f.dtype == "boolean":
                frame[f.name] = frame[f.name].str.lower().isin({"true", "1", "yes"})
        tables[table.name] = frame[table.columns]
    return tables


def check_tables(
    raw: dict[str, pd.DataFrame], *, cells: bool = True
) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Run every check on raw string tables; return typed tables and findings.

    With ``cells`` False, columns, cells and keys are taken as checked (an
    overlay's tables were checked on their own) and only the checks across
    tables run: references, totals and shares.
    """
    findings: list[Finding] = []
    typed: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        frame = raw.get(table.name)
        if frame is None:
            continue
        if cells:
            findings += check_columns(table, frame)
            findings += check_cells(table, frame)
            findings += check_primary_key(table, frame)
        typed[table.name] = coerce(table, frame)
    findings += check_references(raw)
    findings += check_price_series(raw)
    findings += check_market_parameters(raw)
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
    return typed, check_descriptor(folder, required=True) + findings + more


#: The package descriptor every complete package carries (written by ``critmin data build``).
DESCRIPTOR = "datapackage.json"


def check_descriptor(folder: Path, *, required: bool) -> list[Finding]:
    """Check ``datapackage.json``: present where ``required`` (a complete package),
    valid JSON, an object whose ``resources`` are objects naming a known table
    (``name``) and its file (``path``), each file present in ``folder``."""
    path = folder / DESCRIPTOR
    hint = "the descriptor 'critmin data build' writes (or the shipped package's)"
    if not path.is_file():
        if not required:
            return []
        return [Finding(DESCRIPTOR, "missing: a complete data package declares its tables in it",
                        allowed=hint)]  # fmt: skip
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return [Finding(DESCRIPTOR, f"not valid JSON: {exc}", allowed=hint)]
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not resources:
        return [Finding(DESCRIPTOR, "has no 'resources' list of the package's tables",
                        allowed=hint)]  # fmt: skip
    findings = []
    for i, resource in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            findings.append(
                Finding(DESCRIPTOR, f"{where} is not a table with a name", allowed=hint)
            )
            continue
        name, file = resource["name"], resource.get("path")
        table = TABLES_BY_NAME.get(name)
        if table is None:
            known = ", ".join(sorted(TABLES_BY_NAME))
            findings.append(
                Finding(DESCRIPTOR, f"{where} declares an unknown table", value=name, allowed=known)
            )
        elif file not in table.paths:
            findings.append(
                Finding(
                    DESCRIPTOR,
                    f"{where} ({name}) names the wrong file",
                    value=str(file),
                    allowed=" or ".join(table.paths),
                )
            )
        elif table.optional and not (folder / file).is_file():
            # (a required table's missing file is reported as the table's own error)
            findings.append(
                Finding(
                    DESCRIPTOR, f"{where} declares a file that is not in the package", value=file
                )
            )
    return findings


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
    "read_checked_package",
]
