"""The World Mining Data reader proper (:func:`read_wmd`): one SQLite file, all minerals."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.ingest.registry import MINERALS
from critmin.world.ingest.wmd._common import SOURCES, _table_names
from critmin.world.ingest.wmd.hs_map import _hs_map, _mineral_row
from critmin.world.ingest.wmd.production import _combine, _read_sheet, _Sheet


def read_wmd(path: Path) -> IngestResult:
    """Read World Mining Data production, totals, HS codes and EoL-RIR.

    Parameters
    ----------
    path
        The World Mining Data SQLite file (``world_mining_data_2018_2022.sqlite``).

    Returns
    -------
    IngestResult
        ``tables['production']``: mineral, stage, country (ISO3), year,
        value_t [t of critmin's basis] = value [WMD unit] x unit-to-tonnes x
        registry factor, capacity_t (NaN), status (``r`` -> reported,
        ``e`` -> estimated, ``p`` -> reported, noted as provisional),
        source_id ``wmd-2024``, note (the table and the conversion).
        ``tables['production_totals']``: one row per mineral, stage and year
        from the Total row (converted the same way); world_total_t and
        published_total_t are that total [t], rows_sum_t the sum of the
        country rows [t], total_kind ``published``.
        ``tables['minerals']``: partial rows (mineral, hs_codes,
        eol_rir_share [share], eol_rir_source_id ``scrreen2-2023``, note with
        the factsheet URL).
        ``problems``: every NULL cell, unmapped or remapped country code,
        incomparable basis and HS Code Map quirk.

    Notes
    -----
    Minerals with several tables (``platinum-group-metals`` = Platinum +
    Palladium) are summed per country and year; a country listed in only one
    table contributes that table's figure (the note says so), and a country
    with a NULL cell in any table gets no row. The status of a sum is
    ``estimated`` if any part is estimated. No ``mineral_stages`` rows are
    returned: WMD is not the only source for any stage.

    Examples
    --------
    >>> from pathlib import Path
    >>> result = read_wmd(Path("../shared/data/world-mining-data/"
    ...                        "world_mining_data_2018_2022.sqlite"))  # doctest: +SKIP
    >>> result.tables["production"].query("mineral == 'gallium' and year == 2022")  # doctest: +SKIP
    """
    path = Path(path)
    file = path.name
    result = IngestResult(sources=[dict(s) for s in SOURCES])
    if not path.is_file():
        result.problems.append(Problem(file, f"file not found: {path}", severity=Severity.ERROR))
        return result
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
                read = _read_sheet(con, sheet, factor, file, result.problems)
                if read is not None:
                    by_stage.setdefault(stage, []).append(read)
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
                rows, totals = _combine(spec, stage, sheets, file, result.problems)
                result.add_rows("production", rows)
                result.add_rows("production_totals", totals)
        result.add_rows("minerals", minerals)
    return result
