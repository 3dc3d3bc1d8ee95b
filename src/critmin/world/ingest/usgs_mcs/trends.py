"""MCS 2024 trends tables: Fig2 (U.S. net import reliance and import sources) and T5
(leading producer of each critical mineral, :func:`read_leading_producers`)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from critmin.world.ingest.common import IngestResult, Problem, parse_number, resolve_country
from critmin.world.ingest.usgs_mcs._common import (
    _MG,
    _TI,
    _cell,
    _clean,
    _frame,
    _label,
    _Log,
    _nir,
    _open,
    _read_table,
    _source_id,
)

#: Fig2 commodity names (upper case) -> critmin mineral.
_FIG2_MINERALS: dict[str, str] = {
    "ANTIMONY, METAL AND OXIDE": "antimony",
    "COBALT": "cobalt",
    "COPPER, REFINED": "copper",
    "FLUORSPAR": "fluorspar",
    "GALLIUM": "gallium",
    "GERMANIUM": "germanium",
    "GRAPHITE (NATURAL)": "graphite",
    "INDIUM": "indium",
    "LITHIUM": "lithium",
    "MAGNESIUM METAL": "magnesium",
    "MANGANESE": "manganese",
    "NICKEL": "nickel",
    "NIOBIUM (COLUMBIUM)": "niobium",
    "PALLADIUM": "palladium",
    "PLATINUM": "platinum",
    "RARE EARTHS, COMPOUNDS AND METALS": "rare-earths",
    "TANTALUM": "tantalum",
    "TIN, REFINED": "tin",
    "TITANIUM, SPONGE METAL": "titanium",
    "TUNGSTEN": "tungsten",
    "VANADIUM": "vanadium",
}
_FIG2_SKIPPED = {"MAGNESIUM COMPOUNDS": _MG, "TITANIUM MINERAL CONCENTRATES": _TI}

#: T5 critical-mineral names -> critmin mineral.
_T5_MINERALS: dict[str, str] = {
    "Graphite (natural)": "graphite",
    "Rare earths (compounds and metals)": "rare-earths",
    "Titanium (metal)": "titanium",
    **{
        name.capitalize(): name
        for name in (
            "antimony cobalt fluorspar gallium germanium indium lithium magnesium "
            "manganese nickel niobium palladium platinum tantalum tin tungsten "
            "vanadium"
        ).split()
    },
}


def _partners(text: str) -> list[str] | None:
    """ISO3 codes of a comma-separated list of countries; None if a name is unknown."""
    pieces = [p for p in (_clean(x) for x in text.split(",")) if p]
    codes: list[str] = []
    i = 0
    while i < len(pieces):
        code = resolve_country(pieces[i]).code
        if code is None and i + 1 < len(pieces):  # a name with a comma: "Korea, Republic of"
            code = resolve_country(f"{pieces[i]}, {pieces[i + 1]}").code
            i += 1
        if code is None:
            return None
        codes.append(code)
        i += 1
    return codes


def _read_fig2(path: Path) -> IngestResult:
    """Fig2: U.S. net import reliance (2023) and major import sources (2019-2022)."""
    result, log, table = _open(path, 2024, "trends")
    source_id = _source_id(2024, "trends")
    index = table.columns
    nir_col = next((c for c in index if re.fullmatch(r"Net_Import_Reliance_pct_\d{4}", c)), "")
    src_col = next((c for c in index if re.fullmatch(r"Major_Import_Sources_\d{4}_\d{4}", c)), "")
    if not nir_col or not src_col or "Commodity" not in index:
        log.unexpected_header(table.header)
        return result
    year, period = int(nir_col[-4:]), "-".join(src_col.split("_")[-2:])
    nir_rows: list[tuple[Any, ...]] = []
    source_rows: list[tuple[Any, ...]] = []
    others: list[str] = []
    for line, cells in table.rows:
        name = _clean(_cell(cells, index["Commodity"]))
        mineral = _FIG2_MINERALS.get(name.upper())
        if mineral is None:
            if name.upper() in _FIG2_SKIPPED:
                log.info(f"not mapped: {_FIG2_SKIPPED[name.upper()]}", line, "Commodity", name)
            else:
                others.append(name)
            continue
        if (nir := _nir(_cell(cells, index[nir_col]), log, line, nir_col)) is not None:
            nir_rows.append((mineral, "USA", year, *nir, source_id, ""))
        raw_sources = _cell(cells, index[src_col])
        partners = _partners(raw_sources)
        if partners is None:
            log.warn(
                "import source not recognised; no import_sources rows", line, src_col, raw_sources
            )
            continue
        note = _clean(_cell(cells, index.get("Notes")))
        for rank, partner in enumerate(partners, start=1):
            source_rows.append((mineral, "USA", period, rank, partner, source_id, note))
    if others:
        log.info(
            "commodities that are not critmin minerals; not read",
            None,
            "Commodity",
            "; ".join(others),
        )
    result.add_rows("net_import_reliance", _frame("net_import_reliance", nir_rows))
    result.add_rows("import_sources", _frame("import_sources", source_rows))
    return result


def read_leading_producers(path: Path, problems: list[Problem] | None = None) -> pd.DataFrame:
    """Read the MCS 2024 critical-minerals table T5 (leading producer of each mineral).

    Parameters
    ----------
    path
        ``MCS2024_T5_Critical_Minerals_Salient.csv``.
    problems
        If given, the T5 rows that cannot be mapped (minerals critmin does not cover,
        unknown countries) are appended to it as problems.

    Returns
    -------
    pandas.DataFrame
        One row per critmin mineral in T5 with ``mineral``, ``leading_country`` (ISO3),
        ``leading_country_prod`` and ``world_total_prod`` (as published, in T5's units
        [t for all critmin minerals], NaN where T5 prints NA), ``leading_share`` [0-1]
        (``Leading_source_precent_world`` / 100) and ``year`` (2023).
    """
    log = _Log(_label(path))
    table = _read_table(path, log)
    index = table.columns

    def number(cells: list[str], column: str) -> float:
        value = parse_number(_clean(_cell(cells, index.get(column)))).value
        return math.nan if value is None else value

    rows = []
    for line, cells in table.rows:
        name = _clean(_cell(cells, index.get("Critical_mineral")))
        mineral = _T5_MINERALS.get(name)
        country_raw = _cell(cells, index.get("Leading_source_country"))
        country = resolve_country(country_raw).code
        if mineral is None:
            log.info(
                "T5 mineral is not a critmin mineral; not read", line, "Critical_mineral", name
            )
        elif country is None:
            log.warn(
                "country not recognised; not read", line, "Leading_source_country", country_raw
            )
        else:
            year = re.match(r"\d{4}", _clean(_cell(cells, index.get("Year"))))
            rows.append(
                (
                    mineral,
                    country,
                    number(cells, "Leading_country_prod"),
                    number(cells, "World_total_prod"),
                    number(cells, "Leading_source_precent_world") / 100.0,
                    int(year[0]) if year else 2023,
                )
            )
    if problems is not None:
        problems.extend(log.problems)
    columns = [
        "mineral",
        "leading_country",
        "leading_country_prod",
        "world_total_prod",
        "leading_share",
        "year",
    ]
    return pd.DataFrame(rows, columns=columns)
