"""Step 5 of the build: format and write the package, and report what was done.

The CSVs are written deterministically (schema column order, rows sorted by
primary key, numbers as plain decimal text) so that a rebuild is byte-identical.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from critmin.world import checks
from critmin.world.ingest.common import Problem, Severity
from critmin.world.schema import TABLES, TABLES_BY_NAME, datapackage


@dataclass
class BuildReport:
    """What a build did: output folder, row counts and every problem found."""

    out: Path
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    findings: list[checks.Finding] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        """Number of problems at ``severity``."""
        return sum(1 for p in self.problems if p.severity == severity)


def _format(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Columns in schema order, rows sorted by the primary key, numbers tidy."""
    spec = TABLES_BY_NAME[table]
    frame = frame.copy()
    for col in spec.columns:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame[spec.columns]
    for f in spec.fields:
        if f.dtype == "integer":
            frame[f.name] = pd.to_numeric(frame[f.name], errors="coerce").astype("Int64")
        elif f.dtype == "number":
            values = pd.to_numeric(frame[f.name], errors="coerce").astype(float)
            frame[f.name] = values.map(_number_text)
        else:
            frame[f.name] = frame[f.name].fillna("").astype(str).str.strip()
    key = list(spec.primary_key)
    return frame.sort_values(key, kind="mergesort").reset_index(drop=True)


def _number_text(value: float) -> str:
    """A number as plain decimal text: integers without a point, else up to 6 decimals.

    >>> _number_text(1820000.0), _number_text(0.30135636), _number_text(float("nan"))
    ('1820000', '0.301356', '')
    """
    if not np.isfinite(value):
        return ""
    rounded = round(float(value), 6)
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.6f}".rstrip("0")


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as CSV; a ``.gz`` path is gzip-compressed deterministically.

    The gzip header carries no file name and a zero timestamp, so the same table
    gives the same bytes on every build.
    """
    text = frame.to_csv(index=False, lineterminator="\n")
    if path.suffix == ".gz":
        with (
            path.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as handle,
        ):
            handle.write(text.encode("utf-8"))
    else:
        path.write_text(text, encoding="utf-8")


def write_package(tables: dict[str, pd.DataFrame], problems: list[Problem], out: Path) -> None:
    """Write CSVs, ``datapackage.json`` and ``build-report.csv`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        for stale in table.paths:
            if stale != table.path and (out / stale).is_file():
                (out / stale).unlink()
        _write(tables[table.name], out / table.path)
    (out / "datapackage.json").write_text(json.dumps(datapackage(), indent=2) + "\n")
    report = pd.DataFrame([p.as_dict() for p in problems])
    if report.empty:
        report = pd.DataFrame(
            columns=["severity", "check", "file", "row", "column", "value", "why"]
        )
    report = report.sort_values(["severity", "check", "file", "why"], kind="mergesort")
    report.to_csv(out / "build-report.csv", index=False, lineterminator="\n")
