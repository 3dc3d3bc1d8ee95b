"""Reader for the USGS Mineral Commodity Summaries (MCS) data releases.

The MCS data releases (MCS 2023, doi:10.5066/P9WCYUI6; MCS 2024, doi:10.5066/P144BA54;
US public domain) publish one CSV per commodity and table, with FGDC XML metadata beside
each:

* ``world/mcs<edition>-<code>_world.csv``: world mine or refinery production by
  country for two years, reserves and, for gallium and titanium sponge, capacity;
* ``salient/mcs<edition>-<code>_salient.csv``: U.S. salient statistics for five years
  (consumption, prices, net import reliance);
* ``trends/MCS2024_Fig2_Net_Import_Reliance.csv`` (U.S. net import reliance in 2023 and
  major import sources 2019-2022) and ``trends/MCS2024_T5_Critical_Minerals_Salient.csv``
  (leading producer and world total of each critical mineral).

Every mapped file was read by eye, with its metadata, before the mapping tables below
(:data:`WORLD_TYPES`, :data:`SALIENT_COLUMNS`, ``_OVERRIDES``, ``_HEADER_FIXES``) were
written; the judgement calls are commented there. Nothing is dropped silently: each cell
that yields no row becomes a :class:`~critmin.world.ingest.common.Problem` naming the
file, the 1-based line, the column, the value and the reason.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from critmin.world.ingest import registry
from critmin.world.ingest.common import (
    MISSING_CODES,
    UNIT_TO_T,
    IngestResult,
    ParsedNumber,
    Problem,
    Severity,
    parse_number,
    resolve_country,
)
from critmin.world.schema import TABLES_BY_NAME, Stage, Status

__all__ = ["read_leading_producers", "read_salient_file", "read_usgs_mcs", "read_world_file"]

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
_FIG2_NAME = "usgs-mcs-2024/trends/MCS2024_Fig2_Net_Import_Reliance.csv"


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


@dataclass
class _Table:
    """A raw CSV: cleaned header, and the non-blank rows with their 1-based line numbers."""

    header: list[str]
    rows: list[tuple[int, list[str]]]

    def misaligned(self) -> tuple[int, str] | None:
        """First (line, value) of a non-blank cell under an unnamed column, if any."""
        for line, cells in self.rows:
            for i, cell in enumerate(cells):
                if _clean(cell) and not (self.header[i] if i < len(self.header) else ""):
                    return line, cell
        return None


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


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


_E_PREFIX = re.compile(r"^e(?=\s*[<>]?\s*[0-9.])", re.IGNORECASE)


def _parse(cell: str) -> tuple[ParsedNumber, bool]:
    """Parse a cell; the second item is True for an ``e`` estimate marker (``e20,000``)."""
    text = _clean(cell)
    marked = bool(_E_PREFIX.match(text))
    return parse_number(text[1:] if marked else text), marked


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


# --------------------------------------------------------------------------- world files

_TIO2 = "titanium dioxide (TiO2) content of ilmenite and rutile"
#: Basis of a per-country sum, and of reserves stored under another mineral.
_DERIVED_BASIS = {
    "titanium": _TIO2,
    _PGM: "platinum plus palladium metal content",
    "reserves:" + _PGM: "platinum-group metals (all six), metal content",
}

#: Notes on the (mineral, stage) rows whose basis needs explaining.
_STAGE_NOTES = {
    ("titanium", "mining"): "sum of the ilmenite and rutile rows per country; total: USGS "
    "'World total (ilmenite and rutile, rounded)'",
    (_PGM, "mining"): "sum of the platinum and palladium rows per country; total: sum of the "
    "two published world totals; reserves: USGS platinum-group metals (all six)",
    ("magnesium", "mining"): "MCS 2024 reports contained MgO; MCS 2023 (gross weight of "
    "magnesite) is not mixed in",
}

#: code | Type pattern (re.search, case-insensitive; first match wins) | mineral ('-':
#: rows only feed a sum) | stage | basis | options: ``part=`` names the part of a
#: per-country sum ``sum=`` (the ``rsum`` option sums reserves too); ``reserves=`` names
#: the mineral the Reserves cell belongs to ('-': none; default: the row's mineral).
_WORLD_TYPE_TABLE = r"""
antim | mine production, contained antimony | antimony | mining | contained antimony
cobal | mine production.*contained cobalt | cobalt | mining | contained cobalt
coppe | mine production, recoverable copper | copper | mining | recoverable copper content
coppe | refinery production, copper | copper | refining | refined copper | reserves=-
fluor | mine production, fluorspar | fluorspar | mining | fluorspar (gross weight)
galli | ^primary production | gallium | refining | gallium metal, primary
germa | primary and secondary refinery | germanium | refining | germanium, primary and secondary refinery production
graph | mine production, graphite | graphite | mining | natural graphite (gross weight)
indiu | refinery production, indium | indium | refining | refined indium
lithi | mine production, lithium content | lithium | mining | lithium content
# MCS 2023 gives magnesite in gross weight, MCS 2024 in contained MgO: two bases, which
# read_usgs_mcs refuses to mix.
mgcomp | gross weight of magnesite | magnesium | mining | magnesite (gross weight)
mgcomp | contained magnesium oxide | magnesium | mining | magnesium oxide (MgO) content of magnesite
mgmet | magnesium smelter production | magnesium | refining | primary magnesium metal | reserves=-
manga | mine production, manganese content | manganese | mining | manganese content
nicke | mine production - nickel, metric tons contained | nickel | mining | contained nickel
niobi | mine production, niobium content | niobium | mining | niobium content
# Reserves sit on the platinum rows ("Includes all platinum-group metals"); the palladium
# rows say "Included with platinum".
plati | mine production: palladium | palladium | mining | palladium metal content | part=palladium sum=platinum-group-metals reserves=-
plati | mine production: platinum | platinum | mining | platinum metal content | part=platinum sum=platinum-group-metals reserves=platinum-group-metals
raree | rare-earth-oxide equivalent | rare-earths | mining | rare-earth-oxide equivalent
tanta | mine production, tantalum content | tantalum | mining | tantalum content
tin | mine production, tin content | tin | mining | tin content
# MCS 2023 does not say TiO2 in the Type text, but mcs2023-timin_meta.xml defines
# Prod_kt_2021 as "thousand metric tons of contained TiO2", as MCS 2024 does.
# "ilmentite and rutile" is USGS's spelling in the combined world-total Type.
timin | ilmen\w* and rutile | - | mining | | part=ilmenite+rutile sum=titanium rsum
timin | ilmenite | - | mining | | part=ilmenite sum=titanium rsum
timin | rutile | - | mining | | part=rutile sum=titanium rsum
titan | sponge metal production | titanium | refining | titanium sponge metal | reserves=-
tungs | mine production, .*tungsten | tungsten | mining | tungsten content
vanad | mine production, vanadium content | vanadium | mining | vanadium content
"""  # noqa: E501


@dataclass(frozen=True)
class TypeSpec:
    """How the rows of one USGS world-file ``Type`` map onto critmin."""

    pattern: str
    mineral: str | None  # receives the rows as read; None: the rows only feed a sum
    stage: Stage
    basis: str
    part: str = ""  # name of the part in a per-country sum
    sum_into: str | None = None  # mineral whose rows are per-country sums over the parts
    reserves_into: str | None = None  # mineral the Reserves cell belongs to
    reserves_summed: bool = False  # reserves are summed over the parts too

    @property
    def reserves_basis(self) -> str:
        """What the reserves of these rows measure."""
        derived = _DERIVED_BASIS.get(f"reserves:{self.reserves_into}")
        return derived or (_DERIVED_BASIS["titanium"] if self.reserves_summed else self.basis)


def _world_types() -> dict[str, tuple[TypeSpec, ...]]:
    out: dict[str, list[TypeSpec]] = defaultdict(list)
    for code, pattern, mineral, stage, basis, options in _spec_table(_WORLD_TYPE_TABLE, 6):
        opts = dict(o.partition("=")[::2] for o in options.split())
        into = opts.get("sum")
        reserves = opts.get("reserves", into if "rsum" in opts else mineral)
        out[code].append(
            TypeSpec(
                pattern,
                None if mineral == "-" else mineral,
                Stage(stage),
                basis or _DERIVED_BASIS.get(into or "", ""),
                opts.get("part", ""),
                into,
                None if reserves == "-" else reserves,
                "rsum" in opts,
            )
        )
    return {code: tuple(specs) for code, specs in out.items()}


#: USGS commodity code -> the Types of its world file.
WORLD_TYPES: dict[str, tuple[TypeSpec, ...]] = _world_types()

_PROD_COL = re.compile(r"^prod(?:_sponge)?_(?P<unit>t|kt|kg)(?P<est>_est)?_(?P<year>\d{4})$", re.I)
_CAP_COL = re.compile(
    r"^cap(?:_(?P<what>sponge|pigment))?_(?P<unit>t|kt|kg)_(?P<year>\d{4})$", re.I
)
_RES_COL = re.compile(r"^reserves_(?P<unit>t|kt|kg)$", re.I)
_NOTE_COLS = {
    "prod_note": "prod",
    "prod_notes": "prod",
    "cap_notes": "cap",
    "reserves_notes": "res",
}
_WORLD_TOTAL = re.compile(r"^world total\b\s*(?P<rest>.*)$", re.I)
_NAME_QUALIFIER = re.compile(
    r"^(?P<name>.*?)(?:, (?P<a>concentrate)|\s*\((?P<b>recoverable)\))$", re.I
)
_ALSO_ESTIMATED = re.compile(r"\balso\b.*\bestimated\b|\bestimated\b.*\balso\b", re.I)
_REPORTED_IN = re.compile(r"\breported(?: production)? in (\d{4})", re.I)
_NOTE_NUMBER = re.compile(r"^\s*([<>]?\s*\d[\d,]*(?:\.\d+)?)(?=\.\s|\.?$|\s)")

#: Corrections where a CSV header disagrees with its FGDC metadata, keyed by (file name,
#: column). Each is reported (info) when applied.
_OVERRIDES: dict[tuple[str, str], dict[str, Any]] = {
    # mcs2023-titan_meta.xml: "Cap_Sponge_t_2022: Yearend operating capacity of sponge
    # metal plants in 2022"; the CSV header says 2021. MCS capacities are for the latest
    # year, so the metadata is right.
    ("mcs2023-titan_world.csv", "Cap_Sponge_t_2021"): {"year": 2022},
    # The MCS 2023 vanadium header says Reserves_t (the metadata too), but the figures are
    # thousand tonnes: the world total, 26,000, would otherwise be a quarter of one year's
    # mine production (100,000 t), and MCS 2024 prints the same countries (United States
    # 45, Brazil 120, Russia 5,000) under Reserves_kt.
    ("mcs2023-vanad_world.csv", "Reserves_t"): {"unit": "kt"},
    # mcs2024-mgcomp_meta.xml: "Prod_kt_est_2022: Estimated production in 2022. Reported
    # for Slovakia and Turkey." The CSV names the column Prod_kt_2022.
    ("mcs2024-mgcomp_world.csv", "Prod_kt_2022"): {"estimated_except": ("SVK", "TUR")},
    # mcs2024-tanta_meta.xml: "Prod_t_2022: ... Production is estimated for all countries
    # except for Australia." (United States, 0 t, has no note in the CSV.)
    ("mcs2024-tanta_world.csv", "Prod_t_2022"): {"estimated_except": ("AUS",)},
    # mcs2024-galli_meta.xml: 2022 "Estimated for Japan, Republic of Korea, Russia, and
    # Other Countries"; lithi: 2022 "Estimated for Brazil, Canada, China, Portugal,
    # Zimbabwe, and other countries". The CSV marks all but "Other countries".
    ("mcs2024-galli_world.csv", "Prod_kg_2022"): {"estimated_for": ("ROW",)},
    ("mcs2024-lithi_world.csv", "Prod_t_2022"): {"estimated_for": ("ROW",)},
}


@dataclass
class _Figure:
    """One production or reserves figure read from a world file (before sums)."""

    spec: TypeSpec
    country: str  # ISO3, ROW, or WLD for a world total
    year: int
    line: int
    column: str
    raw: str
    value_t: float | None = None  # None: no number (a Problem says why); NaN: text kept
    status: Status = Status.REPORTED
    note: str = ""
    qualifier: str = "="
    included: bool = False  # "Included with ilmenite": counted in another row
    capacity_t: float = math.nan
    mineral: str = ""  # the critmin mineral the figure is stored under


@dataclass
class _ProdColumn:
    index: int
    name: str
    to_t: float
    est: bool
    year: int
    override: dict[str, Any]


@dataclass
class _WorldColumns:
    prod: list[_ProdColumn] = field(default_factory=list)
    cap: dict[int, tuple[int, str, float]] = field(default_factory=dict)  # year -> column
    res: tuple[int, str, float] | None = None
    notes: dict[str, int] = field(default_factory=dict)


def _world_columns(table: _Table, file_name: str, log: _Log) -> _WorldColumns:
    cols = _WorldColumns()
    for index, column in enumerate(table.header[3:], start=3):
        if not column:
            continue
        override: dict[str, Any] = _OVERRIDES.get((file_name, column), {})
        if override:
            log.info(f"header corrected from the FGDC metadata: {override}", 1, column)
        if m := _PROD_COL.match(column):
            to_t = UNIT_TO_T[m["unit"].lower()]
            cols.prod.append(
                _ProdColumn(index, column, to_t, bool(m["est"]), int(m["year"]), override)
            )
        elif (m := _CAP_COL.match(column)) and (m["what"] or "").lower() != "pigment":
            year = int(str(override.get("year", m["year"])))
            cols.cap[year] = (index, column, UNIT_TO_T[m["unit"].lower()])
        elif m := _RES_COL.match(column):
            cols.res = (index, column, UNIT_TO_T[str(override.get("unit", m["unit"])).lower()])
        elif column.lower() in _NOTE_COLS:
            cols.notes[_NOTE_COLS[column.lower()]] = index
        elif column.lower().startswith("cap_pigment"):
            log.info(
                "column not mapped: titanium dioxide pigment is not a critmin stage", 1, column
            )
        else:
            log.warn("column not mapped", 1, column)
    return cols


def _prod_status(col: _ProdColumn, marked: bool, note: str, country: str) -> Status:
    """Estimated if the column says est, the country or the cell has the ``e`` marker, or
    the note says the earlier year is also estimated; 'Reported in <year>' wins."""
    estimated = col.est or marked or bool(_ALSO_ESTIMATED.search(note))
    if "estimated_except" in col.override:
        estimated = estimated or country not in col.override["estimated_except"]
    estimated = estimated or country in col.override.get("estimated_for", ())
    if (m := _REPORTED_IN.search(note)) and int(m[1]) == col.year:
        estimated = False
    return Status.ESTIMATED if estimated else Status.REPORTED


def read_world_file(path: Path, edition: int) -> IngestResult:
    """Read one MCS world production and reserves file.

    Parameters
    ----------
    path
        A ``mcs<edition>-<code>_world.csv`` file; ``<code>`` selects the mapping in
        :data:`WORLD_TYPES`.
    edition
        MCS edition [year], e.g. 2024. The file gives production for ``edition - 2`` and
        ``edition - 1`` (the latter estimated) and reserves for ``edition - 1``.

    Returns
    -------
    IngestResult
        Tables ``production`` (value_t and capacity_t [t]), ``production_totals``
        (published_total_t [t]), ``reserves`` (value_t [t], NaN when the cell holds text
        such as "Included in World total.") and ``mineral_stages``; the problems found;
        the source ``usgs-mcs-<edition>-world``.

    Notes
    -----
    Titanium mining is the per-country sum of ilmenite and rutile (TiO2 content), with
    the published "World total (ilmenite and rutile, rounded)" as its total. Platinum and
    palladium rows also feed ``platinum-group-metals``, whose total is the sum of the two
    published totals. A country enters such a sum when at least one part has a number
    and no part is withheld or unavailable; a part without a row counts as zero (USGS
    lists the producers of each part separately), and "included with ilmenite" counts as
    zero because the other part's figure contains it.
    """
    result = IngestResult(sources=[_source(edition, "world")])
    log = _Log(_label(path), result.problems)
    table = _read_table(path, log)
    match = re.match(rf"mcs{edition}-(\w+?)_world\.csv$", path.name, re.I)
    code = match[1].lower() if match else ""
    if code not in WORLD_TYPES:
        log.warn(f"no mapping for USGS commodity code {code!r}; file not read")
        return result
    if bad := table.misaligned():
        log.warn(
            "values under an unnamed column: file misaligned, not read", *bad[:1], None, bad[1]
        )
        return result
    if table.header[:2] != ["Source", "Country"] or len(table.header) < 3:
        log.warn("unexpected header; file not read", 1, None, ",".join(table.header))
        return result
    if table.header[2] != "Type":
        log.info("third column is not named 'Type'; read as the Type column", 1, table.header[2])
    cols = _world_columns(table, path.name, log)
    figures: list[_Figure] = []
    reserves: list[_Figure] = []
    stages: dict[tuple[str, Stage], str] = {}
    for line, cells in table.rows:
        spec = _world_row(cells, line, edition, code, cols, figures, reserves, log)
        if spec is not None:
            if spec.mineral:
                stages.setdefault((spec.mineral, spec.stage), spec.basis)
            if spec.sum_into:
                stages.setdefault((spec.sum_into, spec.stage), _DERIVED_BASIS[spec.sum_into])
    _assemble(result, figures, reserves, stages, log, _source_id(edition, "world"))
    return result


def _world_row(
    cells: list[str],
    line: int,
    edition: int,
    code: str,
    cols: _WorldColumns,
    figures: list[_Figure],
    reserves: list[_Figure],
    log: _Log,
) -> TypeSpec | None:
    """Read the figures of one row of a world file; return its Type mapping."""
    source_cell, country_raw, type_raw = (_cell(cells, i) for i in range(3))
    if _clean(source_cell) != f"MCS{edition}":
        log.warn(f"Source is not MCS{edition}", line, "Source", source_cell)
    spec = next(
        (s for s in WORLD_TYPES[code] if re.search(s.pattern, _clean(type_raw), re.I)), None
    )
    if spec is None:
        log.warn("Type not mapped to a critmin mineral and stage", line, "Type", type_raw)
        return None
    name = _clean(country_raw)
    if total := _WORLD_TOTAL.match(name):
        country, marked = "WLD", False
        label = re.sub(r"^\(rounded\),?", "", total["rest"].rstrip("0123456789")).strip(" ,")
        name_note = f"world total {label}" if label else ""
    else:
        qualifier = _NAME_QUALIFIER.match(name)
        if qualifier:
            name_note = f"{qualifier['a'] or qualifier['b']} (printed after the country name)"
            name = qualifier["name"]
        else:
            name_note = ""
        resolved = resolve_country(name)
        if resolved.code is None:
            log.warn("country not recognised; row not read", line, "Country", country_raw)
            return spec
        country, marked = resolved.code, resolved.estimated
        if resolved.footnote:
            log.info("footnote marker stripped from the country name", line, "Country", country_raw)
    note = _join(name_note, _cell(cells, cols.notes.get("prod")))
    done: set[int] = set()
    for col in cols.prod:
        raw = _cell(cells, col.index)
        number, cell_marked = _parse(raw)
        fig = _Figure(spec, country, col.year, line, col.name, raw, note=note)
        fig.mineral = spec.mineral or ""
        figures.append(fig)
        if number.value is None or number.qualifier != "=" or number.value < 0:
            fig.included = (number.code or "").upper().startswith("INCLUDED")
            log.missing(number, "no production figure", line, col.name, raw)
            continue
        fig.value_t = _scale(number.value, col.to_t)
        fig.status = _prod_status(col, marked or cell_marked, note, country)
        done.add(col.year)
        if col.year in cols.cap:
            _capacity(fig, cells, cols, log)
    for year, (index, column, _to_t) in cols.cap.items():
        if year not in done and _clean(_cell(cells, index)) and country != "WLD":
            log.info(
                "capacity without a production figure for its year; not stored",
                line,
                column,
                _cell(cells, index),
            )
    if cols.res is not None:
        reserve = _reserve_figure(spec, country, edition - 1, cells, line, cols, log)
        if reserve is not None:
            reserves.append(reserve)
    return spec


def _capacity(fig: _Figure, cells: list[str], cols: _WorldColumns, log: _Log) -> None:
    """Attach the capacity of the figure's year (world capacity goes into the note)."""
    index, column, to_t = cols.cap[fig.year]
    raw = _cell(cells, index)
    number, _ = _parse(raw)
    note = _clean(_cell(cells, cols.notes.get("cap")))
    if number.value is None or number.qualifier != "=" or number.value < 0:
        if _clean(raw):
            log.missing(number, "capacity not stored", fig.line, column, raw)
    elif fig.country == "WLD":
        capacity = _fmt(_scale(number.value, to_t))
        fig.note = _join(fig.note, f"published world capacity {capacity} t ({column})", note)
    else:
        fig.capacity_t = _scale(number.value, to_t)
        fig.note = _join(fig.note, f"capacity: {note}" if note else "")


def _reserve_figure(
    spec: TypeSpec,
    country: str,
    year: int,
    cells: list[str],
    line: int,
    cols: _WorldColumns,
    log: _Log,
) -> _Figure | None:
    """The reserves figure of one row of a world file, if it has one."""
    assert cols.res is not None
    index, column, to_t = cols.res
    raw = _cell(cells, index)
    note = _clean(_cell(cells, cols.notes.get("res")))
    number, _ = _parse(raw)
    code = (number.code or "").upper()
    if spec.reserves_into is None:
        if code not in ("", "XX"):
            log.info(
                f"reserves on these rows are not stored ({note or 'no note'})", line, column, raw
            )
        return None
    fig = _Figure(spec, country, year, line, column, raw, note=note, mineral=spec.reserves_into)
    if number.value is None and code in ("NA", "") and (m := _NOTE_NUMBER.match(note)):
        number = parse_number(m[1])
        log.info(
            "reserves cell blank or NA; figure taken from Reserves_notes",
            line,
            column,
            f"{raw} | {note}",
        )
    if number.value is not None:
        if number.value < 0:
            log.warn("negative reserves; no reserves row", line, column, raw)
            return None
        fig.value_t, fig.qualifier = _scale(number.value, to_t), number.qualifier
        return fig
    if code in ("", "XX"):
        return None
    if code in MISSING_CODES:
        log.add(
            Severity.WARNING if code == "W" else Severity.INFO,
            f"reserves {code}: {MISSING_CODES[code]}; no reserves row",
            line,
            column,
            raw,
        )
        return fig if spec.reserves_summed else None  # an unknown part of a sum
    # Text such as "Included in World total.": the row is kept, value unknown, text in note.
    fig.included = code.startswith("INCLUDED WITH")  # summed as zero, said in the sum's note
    fig.value_t = math.nan
    fig.note = note if fig.included else _join(raw, note)
    return fig


def _is_number(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def _sums(figures: list[_Figure], log: _Log, reserves: bool) -> list[_Figure]:
    """Per-country sums over parts (titanium = ilmenite + rutile; PGM = Pt + Pd).

    A world total with a combined part (ilmenite and rutile) uses that part alone.
    Production is summed only when no part is withheld or unavailable; reserves are then
    summed as a lower bound (qualifier '>').
    """
    groups: dict[tuple[str, str, int], list[_Figure]] = defaultdict(list)
    for f in figures:
        into = f.spec.reserves_into if reserves else f.spec.sum_into
        if into and (f.spec.reserves_summed or not reserves):
            groups[(into, f.country, f.year)].append(f)
    family: dict[str, set[str]] = defaultdict(set)  # the parts of each sum in this file
    for (into, _, _), parts in groups.items():
        family[into] |= {f.spec.part for f in parts if "+" not in f.spec.part}
    out = []
    for (into, country, year), parts in groups.items():
        combined = [f for f in parts if "+" in f.spec.part]
        if country == "WLD" and combined:
            for f in parts:
                if f not in combined and not reserves:
                    why = f"world total of {f.spec.part} not used: the total is the combined one"
                    log.info(why, f.line, f.column, f.raw)
            parts = combined
        numbers = [f for f in parts if _is_number(f.value_t)]
        unknown = [f for f in parts if not _is_number(f.value_t) and not f.included]
        if not numbers:
            continue
        if unknown and not reserves:
            f = unknown[0]
            log.warn(f"{into} sum not formed: {f.spec.part} has no number", f.line, f.column)
            continue
        shown = [f"{f.spec.part} {_fmt(f.value_t)} t" for f in numbers]
        shown += [f"{f.spec.part}: {_clean(f.raw)}" for f in parts if f.included]
        shown += [f"{f.spec.part} not available" for f in unknown]
        if not combined:
            shown += [f"no {p} row" for p in sorted(family[into] - {f.spec.part for f in parts})]
        estimated = any(f.status == Status.ESTIMATED for f in numbers)
        first = numbers[0]
        total = round(sum(f.value_t or 0.0 for f in numbers), 9)
        out.append(
            _Figure(
                first.spec, country, year, first.line, first.column, first.raw, total,
                Status.ESTIMATED if estimated else Status.REPORTED,
                _join("" if country == "WLD" and combined else "sum: " + ", ".join(shown),
                      *(f.note for f in parts)),
                ">" if unknown or any(f.qualifier == ">" for f in numbers) else "=",
                mineral=into,
            )
        )  # fmt: skip
    return out


def _unique(figures: list[_Figure], log: _Log) -> list[_Figure]:
    """The figures with a value, one per (mineral, country, year); duplicates reported."""
    seen: dict[tuple[str, Stage, str, int], _Figure] = {}
    for f in figures:
        key = (f.mineral, f.spec.stage, f.country, f.year)
        if key in seen:
            log.warn(f"second {f.mineral} figure for {f.country} {f.year}; first kept", f.line,
                     f.column, f.raw)  # fmt: skip
        elif f.value_t is not None:
            seen[key] = f
    return list(seen.values())


def _assemble(result: IngestResult, figures: list[_Figure], reserves: list[_Figure],
              stages: dict[tuple[str, Stage], str], log: _Log, source_id: str) -> None:  # fmt: skip
    """Turn the figures of one file into table rows: figures as read, then sums."""
    direct = [f for f in figures if f.mineral]
    made = _unique(direct + _sums(figures, log, reserves=False), log)
    production = [
        (f.mineral, str(f.spec.stage), f.country, f.year, f.value_t, f.capacity_t, str(f.status),
         source_id, f.note)
        for f in made if f.country != "WLD"
    ]  # fmt: skip
    totals = [
        (f.mineral, str(f.spec.stage), f.year, f.value_t, source_id, f.note)
        for f in made if f.country == "WLD"
    ]  # fmt: skip
    held = _unique([f for f in reserves if not f.spec.reserves_summed], log)
    held += _sums(reserves, log, reserves=True)
    reserve_rows = [
        (f.mineral, f.country, f.year, f.value_t, f.spec.reserves_basis, f.qualifier, source_id,
         f.note)
        for f in held
    ]  # fmt: skip
    covered = {(r[0], r[1]) for r in production}
    stage_rows = [
        (m, str(s), basis, "t", "data" if (m, str(s)) in covered else "no-data", source_id,
         _STAGE_NOTES.get((m, str(s)), "") if (m, str(s)) in covered
         else "no country figures in this edition")
        for (m, s), basis in stages.items()
    ]  # fmt: skip
    for name, rows in (("production", production), ("production_totals", totals),
                       ("reserves", reserve_rows), ("mineral_stages", stage_rows)):  # fmt: skip
        result.add_rows(name, _frame(name, rows))


# --------------------------------------------------------------------------- salient files

_LB_PER_KG = 2.20462262  # avoirdupois pounds in a kilogram (1 lb = 0.45359237 kg)
_TROY_OZ_PER_KG = 32.1507466  # troy ounces in a kilogram (1 troy oz = 31.1034768 g)
_KG_PER_MTU = 10.0  # a metric ton unit is 1 % of a tonne: 10 kg of the named content

#: Price units, keyed by the column suffix or a ``unit=`` option, as (unit as published,
#: factor to USD/kg): ``dkg`` $/kg x 1; ``dt`` $/t x 1/1000 (1 t = 1000 kg); ``dlb`` $/lb
#: x 2.20462262 (lb per kg); ``ctslb`` US cents/lb x 2.20462262/100; ``dto`` $/troy oz x
#: 32.1507466 (troy oz per kg); ``dmtu_wo3`` and ``dmtu_mn`` $ per metric ton unit (10 kg)
#: of WO3 or Mn content x 1/10, giving $ per kg of WO3 or Mn content.
PRICE_UNITS: dict[str, tuple[str, float]] = {
    "dkg": ("$/kg", 1.0),
    "dt": ("$/t", 1e-3),
    "dlb": ("$/lb", _LB_PER_KG),
    "ctslb": ("cents/lb", _LB_PER_KG / 100.0),
    "dto": ("$/troy oz", _TROY_OZ_PER_KG),
    "dmtu_wo3": ("$/mtu WO3", 1.0 / _KG_PER_MTU),
    "dmtu_mn": ("$/mtu Mn", 1.0 / _KG_PER_MTU),
}
_MG = "critmin's magnesium follows the metal, as T5 and Fig2 ('MAGNESIUM METAL') do"
_TI = "critmin's titanium follows sponge metal, as T5 ('Titanium (metal)') does"

#: Consumption, price and NIR columns of the salient files (canonical names, see
#: ``_HEADER_FIXES``): code | column | kind (price, apparent, reported, nir, or skip) |
#: mineral | series (prices), basis (consumption) or reason (skip) | options (``unit=``
#: price unit; ``since=`` first year that is always an estimate, ``all`` for every year) |
#: note. Descriptions follow the FGDC metadata beside each file.
_SALIENT_TABLE = f"""
antim | Consump_t | apparent | antimony | antimony content (oxide and unwrought metal)
antim | Price_Metal_dlb | price | antimony | antimony metal, 99.65% min, CIF (Argus)
antim | NIR_pct | nir | antimony
cobal | Consump_Estimated_t | reported | cobalt | cobalt content, incl. secondary | since=all | USGS estimate including reported data
cobal | Consump_Apparent_t | apparent | cobalt | refined cobalt, incl. secondary | since=all
cobal | Price_Spot_dlb | price | cobalt | cobalt, US spot cathode
cobal | Price_LME_dlb | price | cobalt | cobalt, LME cash
cobal | NIR_pct | nir | cobalt
coppe | Consump_Reported_kt | reported | copper | refined copper
coppe | Consump_Apparent_kt | apparent | copper | refined copper (primary refined and old scrap)
coppe | Price_US_ctslb | price | copper | copper cathode, US producer (COMEX + premium)
coppe | Price_COMEX_ctslb | price | copper | copper, COMEX high grade, first position
coppe | Price_LME_ctslb | price | copper | copper grade A, LME cash
coppe | NIR_pct | nir | copper
fluor | Consump_kt | apparent | fluorspar | fluorspar (gross weight)
fluor | Price_Acid_dt | price | fluorspar | fluorspar, acid grade, US import unit value CIF
fluor | Price_Metallurgical_dt | price | fluorspar | fluorspar, metallurgical grade, US import unit value CIF
fluor | NIR_pct | nir | fluorspar
# mcs202x-galli_meta.xml: "Consumption: Reported", kilograms.
galli | Consump_kg | reported | gallium | gallium content
galli | Price_High-purity_dkg | price | gallium | gallium, high-purity (99.999%+), US import unit value
galli | Price_Low-purity_dkg | price | gallium | gallium, low-purity (99.99%), US import unit value
galli | NIR_pct | nir | gallium
germa | Consump_kg | reported | germanium | germanium content of metal and dioxide | since=all | USGS estimate of consumption
germa | Price_Metal_dkg | price | germanium | germanium metal, 99.999%, Europe (Argus)
germa | Price_GeO2_dkg | price | germanium | germanium dioxide, 99.999%, Europe (Argus)
germa | NIR_pct | nir | germanium
graph | Consump_t | apparent | graphite | natural graphite (gross weight)
graph | Price_Flake_dt | price | graphite | natural graphite, flake, US import unit value
graph | Price_Lump_dt | price | graphite | natural graphite, lump and chip, US import unit value
graph | Price_Amorphous_dt | price | graphite | natural graphite, amorphous, US import unit value
graph | NIR_pct | nir | graphite
indiu | Consump_t | apparent | indium | indium | since=all | USGS estimate, equal to imports
indiu | Price_NY_dkg | price | indium | indium, 99.99%, New York dealer
indiu | Price_FOB_dkg | price | indium | indium, 99.99%, US warehouse FOB
indiu | Price_Rotterdam_dkg | price | indium | indium, 99.99%, Rotterdam, duties unpaid
indiu | NIR_pct | nir | indium
lithi | Consump_t | apparent | lithium | lithium content | since=all | USGS estimate: production + imports - exports + stock change
lithi | Price_dt | price | lithium | lithium carbonate, battery grade, contract, Europe and US
lithi | NIR_pct | nir | lithium
mgcomp | Consump_kt | skip | magnesium | magnesium compounds (MgO content); {_MG}
mgcomp | NIR_pct | skip | magnesium | magnesium compounds; {_MG}
mgmet | Consump_Reported_kt | reported | magnesium | primary magnesium metal
mgmet | Consump_Apparent_kt | apparent | magnesium | magnesium metal (primary and old scrap)
mgmet | Price_US_spot_dlb | price | magnesium | magnesium metal, US spot Western
mgmet | Price_European_dt | price | magnesium | magnesium metal, European free market
mgmet | NIR_pct | nir | magnesium
manga | Consump_Apparent_kt | apparent | manganese | manganese content
manga | Consump_Reported_ore_kt | skip | manganese | one product in gross weight, not a total
manga | Consump_Reported_ferro_kt | skip | manganese | one product in gross weight, not a total
manga | Consump_Reported_silco_kt | skip | manganese | one product in gross weight, not a total
manga | Consump_Reported_silico_kt | skip | manganese | one product in gross weight, not a total
# mcs202x-manga_meta.xml: "dollars per metric ton unit" of Mn content, 44% Mn ore.
manga | Price_CN_CIF_dt | price | manganese | manganese ore, 44% Mn, CIF China (per kg Mn content) | unit=dmtu_mn
manga | NIR_pct | nir | manganese
nicke | Consump_Apparent_Total_t | apparent | nickel | nickel content, primary and secondary | since=2020
nicke | Consump_Apparent_Primary_t | skip | nickel | primary only; the apparent total is used
nicke | Consump_Reported_Primary_t | skip | nickel | primary only; the apparent total is used
nicke | Consump_Reported_Secondary_t | skip | nickel | scrap only; the apparent total is used
nicke | Price_LME_dt | price | nickel | nickel, LME cash
nicke | Price_LME_dlb | skip | nickel | the same LME cash price in $/lb; the $/t column is used
nicke | NIR_pct | nir | nickel
niobi | Consump_Apparent_t | apparent | niobium | niobium content | since=all
niobi | Consump_Reported_t | reported | niobium | niobium in ferroniobium and nickel niobium | since=all
niobi | Price_dkg | price | niobium | ferroniobium, US trade unit value (gross weight)
niobi | NIR_pct | nir | niobium
plati | Consump_Palladium_kg | apparent | palladium | palladium metal
plati | Consump_Platinum_kg | apparent | platinum | platinum metal
plati | Price_Palladium_dto | price | palladium | palladium, Engelhard unfabricated
plati | Price_Platinum_dto | price | platinum | platinum, Engelhard unfabricated
plati | Price_Iridium_dto | price | platinum-group-metals | iridium, Engelhard unfabricated
plati | Price_Rhodium_dto | price | platinum-group-metals | rhodium, Engelhard unfabricated
plati | Price_Ruthenium_dto | price | platinum-group-metals | ruthenium, Engelhard unfabricated
plati | NIR_Palladium_pct | nir | palladium
plati | NIR_Platinum_pct | nir | platinum
# Dysprosium and terbium oxide prices go to the registry's element minerals; the other
# oxides (neodymium oxide is not an NdPr price) to rare-earths.
raree | Consump_Compounds-Metals_t | apparent | rare-earths | rare-earth compounds and metals (REO equivalent)
raree | Price_CeO2_dkg | price | rare-earths | cerium oxide, 99.5% min
raree | Price_Dy2O3_dkg | price | dysprosium | dysprosium oxide, 99.5% min
raree | Price_Eu2O3_dkg | price | rare-earths | europium oxide, 99.99% min
raree | Price_La2O3_dkg | price | rare-earths | lanthanum oxide, 99.5% min
raree | Price_Mischmetal_dkg | price | rare-earths | mischmetal, 65% Ce, 35% La
raree | Price_Nd2O3_dkg | price | rare-earths | neodymium oxide, 99.5% min
raree | Price_TbO2_dkg | price | terbium | terbium oxide, 99.99% min
raree | NIR_Compounds-Metals_pct | nir | rare-earths
raree | NIR_Concentrate_pct | skip | rare-earths | mineral concentrates; compounds and metals are used, as in Fig2
tanta | Consump_t | apparent | tantalum | tantalum content
tanta | Price_Ta2O5_dkg | price | tantalum | tantalite (per kg Ta2O5 content)
tanta | NIR_pct | nir | tantalum
tin | Consump_t | apparent | tin | refined tin
tin | Price_NY_ctslb | price | tin | tin, New York dealer
tin | Price_LME_ctslb | price | tin | tin, LME cash
tin | NIR_Refined_pct | nir | tin
timin | Consump_kt | skip | titanium | titanium mineral concentrates; {_TI}
timin | Price_Rutile_dt | price | titanium | rutile, bulk, 95% TiO2 min, FOB Australia
timin | Price_Ilmente_Leucoxene_dt | price | titanium | ilmenite and leucoxene, bulk, FOB Australia
timin | Price_Ilmenite_dt | price | titanium | ilmenite, US import unit value
timin | Price_Slag_dt | price | titanium | titanium slag, 80-95% TiO2, US import unit value
timin | NIR_pct | skip | titanium | titanium mineral concentrates; {_TI}
titan | Consump_Sponge_Apparent_t | apparent | titanium | titanium sponge metal
titan | Consump_Sponge_Reported_t | reported | titanium | titanium sponge metal
titan | Price_Sponge_dkg | price | titanium | titanium sponge, US import unit value
titan | NIR_Sponge_pct | nir | titanium
titan | Consump_Dioxide_t | skip | titanium | titanium dioxide pigment is not a critmin stage
titan | Price_Dioxide_dt | price | titanium | titanium dioxide pigment, US import unit value
titan | NIR_Dioxide_pct | skip | titanium | titanium dioxide pigment is not a critmin stage
tungs | Consump_Reported_t | reported | tungsten | tungsten content of concentrate
tungs | Consump_Apparent_t | apparent | tungsten | tungsten content, all forms
# mcs202x-tungs_meta.xml: "dollars per dry metric ton unit of tungsten trioxide".
tungs | Price_WO3_dt | price | tungsten | tungsten concentrate, Rotterdam (per kg WO3 content) | unit=dmtu_wo3
tungs | NIR_pct | nir | tungsten
vanad | Consump_Apprnt_t | apparent | vanadium | vanadium content
vanad | Consump_Rprtd_t | reported | vanadium | vanadium content
vanad | Price_V2O5_dlb | price | vanadium | vanadium pentoxide, China (CRU)
vanad | NIR_pct | nir | vanadium
"""  # noqa: E501


@dataclass(frozen=True)
class SalientColumn:
    """How one salient column maps onto critmin (``kind`` 'skip': not mapped, ``text``
    says why)."""

    kind: str  # price, apparent, reported, nir or skip
    mineral: str
    text: str  # price series, consumption basis, or the reason for skipping
    unit: str = ""  # price unit key overriding the column suffix
    estimated_since: int | None = None  # every year from this one on is an estimate
    note: str = ""


def _salient_columns() -> dict[str, dict[str, SalientColumn]]:
    out: dict[str, dict[str, SalientColumn]] = defaultdict(dict)
    for code, column, kind, mineral, text, options, note in _spec_table(_SALIENT_TABLE, 7):
        opts = dict(o.partition("=")[::2] for o in options.split())
        since = opts.get("since")
        out[code][column] = SalientColumn(
            kind,
            mineral,
            text,
            opts.get("unit", ""),
            None if since is None else 1900 if since == "all" else int(since),
            note,
        )
    return dict(out)


#: USGS commodity code -> canonical column name -> mapping.
SALIENT_COLUMNS: dict[str, dict[str, SalientColumn]] = _salient_columns()

#: Misspelt salient headers -> the names the FGDC metadata beside the file gives them
#: (one name per occurrence, for a header that appears twice).
_HEADER_FIXES: dict[str, dict[str, tuple[str, ...]]] = {
    # mcs2024-galli_meta.xml: Consump_kg, "Consumption: Reported", unit kilograms; the
    # values continue the MCS 2023 Consump_kg series (2021: 17,100 in both editions).
    "galli": {
        "Consump_g": ("Consump_kg",),
        "Price_High-puritydkg": ("Price_High-purity_dkg",),
        "Price_Low-puritydkg": ("Price_Low-purity_dkg",),
    },
    # mcs2024-nicke_meta.xml: Price_LME_dt (dollars per metric ton), then Price_LME_dlb.
    "nicke": {"Price_dt dlb (both used)": ("Price_LME_dt", "Price_LME_dlb")},
    # mcs2023-niobi_meta.xml names the ferroniobium price Price_dkg (dollars per kilogram).
    "niobi": {"Price_kg": ("Price_dkg",)},
    # mcs2024-raree_meta.xml: both NIR columns have the unit "percentage".
    "raree": {
        "NIR_Compounds-Metals_t": ("NIR_Compounds-Metals_pct",),
        "NIR_Concentrate_t": ("NIR_Concentrate_pct",),
    },
    # mcs2024-tin_meta.xml: Consump_t (metric tons) and NIR_Refined_pct.
    "tin": {"Consump_": ("Consump_t",), "NIR_Refinedpct": ("NIR_Refined_pct",)},
    # mcs2024-tungs_meta.xml: Consump_Reported_t, Consump_Apparent_t, Price_WO3_dt, NIR_pct.
    "tungs": {
        "Consump_Reportedt": ("Consump_Reported_t",),
        "Consump_Apparentt": ("Consump_Apparent_t",),
        "Price_WO3dt": ("Price_WO3_dt",),
        "NIR_ct": ("NIR_pct",),
    },
}


def _canonical(code: str, header: list[str]) -> dict[int, str]:
    """Column index -> canonical name, misspelt headers fixed."""
    fixes = _HEADER_FIXES.get(code, {})
    seen: dict[str, int] = defaultdict(int)
    out: dict[int, str] = {}
    for index, name in enumerate(header):
        if name:
            names = fixes.get(name, (name,))
            out[index] = names[min(seen[name], len(names) - 1)]
            seen[name] += 1
    return out


def _nir(number: ParsedNumber) -> tuple[float, str] | None:
    """(share [0-1], qualifier) of a net import reliance cell [%], or None."""
    if number.code == "E":
        return 0.0, "E"
    if number.value is None or not 0.0 <= number.value <= 100.0:
        return None
    return number.value / 100.0, number.qualifier


def _salient_factor(name: str, spec: SalientColumn) -> tuple[str, float] | None:
    """(unit key, factor to USD/kg or t) of a mapped column, None if undeterminable."""
    if spec.kind == "price":
        m = re.search(r"_(dkg|dt|dlb|ctslb|dto)$", name)
        key = spec.unit or (m[1] if m else "")
        return (key, PRICE_UNITS[key][1]) if key in PRICE_UNITS else None
    if spec.kind == "nir":
        return ("pct", 0.01) if name.endswith("_pct") else None
    m = re.search(r"_(t|kt|kg|g)$", name)
    return (m[1], UNIT_TO_T[m[1]]) if m else None


def read_salient_file(path: Path, edition: int) -> IngestResult:
    """Read one MCS salient-statistics file (U.S. consumption, prices, import reliance).

    Parameters
    ----------
    path
        A ``mcs<edition>-<code>_salient.csv`` file; ``<code>`` selects the mapping in
        :data:`SALIENT_COLUMNS`.
    edition
        MCS edition [year]. The file covers ``edition - 5`` to ``edition - 1``; the last
        year is an estimate.

    Returns
    -------
    IngestResult
        Tables ``consumption`` (value_t [t], consumer ``USA``, sector ``all``), ``prices``
        (price_usd_per_kg [USD/kg], nominal dollars of the year; conversions in
        :data:`PRICE_UNITS`) and ``net_import_reliance`` (nir_share [0-1]); the problems;
        the source ``usgs-mcs-<edition>-salient``. A file that is not a salient table (MCS
        2024 cobalt holds the world table) or whose values sit under unnamed columns (MCS
        2024 fluorspar) gives a warning and no rows.
    """
    result = IngestResult(sources=[_source(edition, "salient")])
    log = _Log(_label(path), result.problems)
    table = _read_table(path, log)
    match = re.match(rf"mcs{edition}-?(\w+?)_salient\.csv$", path.name, re.I)
    code = match[1].lower() if match else ""
    if code not in SALIENT_COLUMNS:
        log.warn(f"no mapping for USGS commodity code {code!r}; file not read")
        return result
    if "Year" not in table.header:
        header = ",".join(h for h in table.header if h)
        log.warn(
            "not a salient table (no Year column; it holds a world production table); "
            "file ignored, the other edition is used",
            1,
            None,
            header,
        )
        return result
    if bad := table.misaligned():
        log.warn(
            "values under an unnamed column: header and data misaligned; file ignored, "
            "the other edition is used",
            bad[0],
            None,
            bad[1],
        )
        return result
    mapped: list[tuple[int, str, SalientColumn, str, float]] = []
    for index, name in _canonical(code, table.header).items():
        original = table.header[index]
        if not re.match(r"(consump|price|nir)", name, re.I):
            continue
        if original != name:
            log.info(f"header read as {name!r} (FGDC metadata)", 1, original)
        spec = SALIENT_COLUMNS[code].get(name)
        found = None if spec is None or spec.kind == "skip" else _salient_factor(name, spec)
        if spec is None:
            log.warn("column not mapped", 1, original)
        elif spec.kind == "skip":
            log.info(f"column not mapped: {spec.text}", 1, original)
        elif found is None:
            log.warn(f"{spec.kind} unit cannot be determined from the column name", 1, original)
        else:
            mapped.append((index, original, spec, *found))
    rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    year_index = table.header.index("Year")
    for line, cells in table.rows:
        year_text = _clean(_cell(cells, year_index))
        if not year_text.isdigit():
            log.warn("Year is not a year; row not read", line, "Year", year_text)
            continue
        for index, column, spec, unit, factor in mapped:
            _salient_cell(
                rows,
                int(year_text),
                _cell(cells, index),
                line,
                column,
                spec,
                unit,
                factor,
                edition,
                log,
            )
    if code == "plati":
        rows["consumption"].extend(_pgm_consumption(rows["consumption"]))
    for name, table_rows in rows.items():
        result.add_rows(name, _frame(name, table_rows))
    return result


def _salient_cell(
    rows: dict[str, list[tuple[Any, ...]]],
    year: int,
    raw: str,
    line: int,
    column: str,
    spec: SalientColumn,
    unit: str,
    factor: float,
    edition: int,
    log: _Log,
) -> None:
    """Turn one cell of a salient file into a row of its table (or a Problem)."""
    source_id = _source_id(edition, "salient")
    number, marked = _parse(raw)
    since = spec.estimated_since
    estimated = marked or year == edition - 1 or (since is not None and year >= since)
    status = str(Status.ESTIMATED if estimated else Status.REPORTED)
    if spec.kind == "nir":
        nir = _nir(number)
        if nir is None:
            log.missing(number, "no net import reliance row", line, column, raw)
        else:
            row: tuple[Any, ...] = (spec.mineral, "USA", year, nir[0], nir[1], source_id, spec.note)
            rows["net_import_reliance"].append(row)
        return
    if number.value is None or number.qualifier != "=" or number.value < 0:
        log.missing(
            number,
            f"no {'price' if spec.kind == 'price' else 'consumption'} row",
            line,
            column,
            raw,
        )
        return
    value = _scale(number.value, factor)
    if spec.kind == "price":
        unit_shown = PRICE_UNITS[unit][0]
        row = (spec.mineral, spec.text, year, value, year, unit_shown, status, source_id, spec.note)
        rows["prices"].append(row)
    else:
        row = (
            spec.mineral,
            "USA",
            year,
            "all",
            spec.kind,
            value,
            spec.text,
            status,
            source_id,
            spec.note,
        )
        rows["consumption"].append(row)


def _pgm_consumption(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Platinum-group-metals apparent consumption: palladium + platinum, where both exist."""
    by_year: dict[int, dict[str, tuple[Any, ...]]] = defaultdict(dict)
    for row in rows:
        by_year[row[2]][row[0]] = row
    out = []
    for year, found in sorted(by_year.items()):
        if {"palladium", "platinum"} <= found.keys():
            pd_row, pt_row = found["palladium"], found["platinum"]
            estimated = Status.ESTIMATED in (pd_row[7], pt_row[7])
            out.append(
                (
                    _PGM,
                    "USA",
                    year,
                    "all",
                    "apparent",
                    pd_row[5] + pt_row[5],
                    "platinum plus palladium metal",
                    str(Status.ESTIMATED if estimated else Status.REPORTED),
                    pd_row[8],
                    "sum of palladium and platinum apparent consumption",
                )
            )
    return out


# --------------------------------------------------------------------------- trends tables

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
    result = IngestResult(sources=[_source(2024, "trends")])
    source_id = _source_id(2024, "trends")
    log = _Log(_label(path), result.problems)
    table = _read_table(path, log)
    index = {name: i for i, name in enumerate(table.header) if name}
    nir_col = next((c for c in index if re.fullmatch(r"Net_Import_Reliance_pct_\d{4}", c)), "")
    src_col = next((c for c in index if re.fullmatch(r"Major_Import_Sources_\d{4}_\d{4}", c)), "")
    if not nir_col or not src_col or "Commodity" not in index:
        log.warn("unexpected header; file not read", 1, None, ",".join(table.header))
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
        raw = _cell(cells, index[nir_col])
        nir = _nir(_parse(raw)[0])
        if nir is None:
            log.missing(_parse(raw)[0], "no net import reliance row", line, nir_col, raw)
        else:
            nir_rows.append((mineral, "USA", year, nir[0], nir[1], source_id, ""))
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
    index = {name: i for i, name in enumerate(table.header) if name}

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


# --------------------------------------------------------------------------- both editions


def _find(folder: Path, edition: int, code: str, kind: str) -> Path | None:
    """The file of a commodity in an edition's folder (names vary in case and dashes)."""
    pattern = re.compile(rf"mcs{edition}-?{re.escape(code)}_{kind}\.csv", re.I)
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    return next((p for p in files if pattern.fullmatch(p.name)), None)


def read_usgs_mcs(root: Path) -> IngestResult:
    """Read MCS 2023 and MCS 2024 for every USGS commodity in the mineral registry.

    Parameters
    ----------
    root
        Folder holding ``usgs-mcs-2023/`` and ``usgs-mcs-2024/`` (each with ``world/``,
        ``salient/`` and ``trends/``).

    Returns
    -------
    IngestResult
        Tables ``production``, ``production_totals``, ``reserves``, ``mineral_stages``,
        ``prices``, ``consumption``, ``net_import_reliance`` and ``import_sources`` in the
        schema's units (tonnes [t], [USD/kg], shares [0-1]); every problem (including
        the T5 rows :func:`read_leading_producers` cannot map); the five sources
        ``usgs-mcs-{2023,2024}-{world,salient}`` and ``usgs-mcs-2024-trends``.

    Notes
    -----
    Where both editions give the same year, MCS 2024 wins. Production and totals are
    taken by whole (mineral, stage, year) blocks from one edition: mixing editions within
    a year would double count countries that MCS 2024 folded into "Other countries". A
    (mineral, stage) whose basis differs between editions (magnesite in gross weight in
    MCS 2023, contained MgO in MCS 2024) keeps only MCS 2024. Salient series are merged
    row by row. The 2023 net import reliance comes from the salient files, else from
    Fig2; disagreements between the two are reported.
    """
    editions: dict[int, IngestResult] = {}
    codes = dict.fromkeys(c for m in registry.MINERALS for c in m.usgs_codes)
    readers: dict[str, Callable[[Path, int], IngestResult]] = {
        "world": read_world_file,
        "salient": read_salient_file,
    }
    for edition in (2023, 2024):
        res = editions[edition] = IngestResult()
        for code in codes:
            for kind, reader in readers.items():
                path = _find(root / f"usgs-mcs-{edition}" / kind, edition, code, kind)
                if path is None:
                    res.problems.append(
                        Problem(
                            f"usgs-mcs-{edition}/{kind}", f"no {kind} file for USGS code {code!r}"
                        )
                    )
                else:
                    res.extend(reader(path, edition))
    new, old = editions[2024], editions[2023]
    out = IngestResult()
    out.extend(old)
    out.tables = {}
    out.extend(IngestResult(problems=new.problems, sources=new.sources))
    _merge_world(out, new, old)
    for name, key in (
        ("prices", ["mineral", "series", "year"]),
        ("consumption", ["mineral", "consumer", "year", "sector", "kind"]),
        ("net_import_reliance", ["mineral", "country", "year"]),
    ):
        frames = [f for f in (new.tables.get(name), old.tables.get(name)) if f is not None]
        if frames:
            both = pd.concat(frames, ignore_index=True)
            out.tables[name] = both.drop_duplicates(key, keep="first").reset_index(drop=True)
            if dropped := len(both) - len(out.tables[name]):
                out.problems.append(
                    Problem(
                        "usgs-mcs-2023/salient",
                        f"{dropped} {name} rows superseded by MCS 2024",
                        severity=Severity.INFO,
                    )
                )
    trends = root / "usgs-mcs-2024" / "trends"
    fig2 = trends / "MCS2024_Fig2_Net_Import_Reliance.csv"
    if fig2.is_file():
        _merge_fig2(out, _read_fig2(fig2))
    else:
        out.problems.append(Problem(_label(fig2), "Fig2 file not found"))
    t5 = trends / "MCS2024_T5_Critical_Minerals_Salient.csv"
    if t5.is_file():
        read_leading_producers(t5, out.problems)
    return out


def _merge_world(out: IngestResult, new: IngestResult, old: IngestResult) -> None:
    """Production, totals, reserves and stages of both editions (MCS 2024 first)."""
    empty = _frame("mineral_stages", [])
    new_stages = new.tables.get("mineral_stages", empty).drop_duplicates(["mineral", "stage"])
    old_stages = old.tables.get("mineral_stages", empty).drop_duplicates(["mineral", "stage"])
    basis = dict(
        zip(
            zip(new_stages["mineral"], new_stages["stage"], strict=True),
            new_stages["basis"],
            strict=True,
        )
    )
    other_basis = set()
    for mineral, stage, old_basis in zip(
        old_stages["mineral"], old_stages["stage"], old_stages["basis"], strict=True
    ):
        if basis.get((mineral, stage), old_basis) != old_basis:
            other_basis.add((mineral, stage))
            out.problems.append(
                Problem(
                    "usgs-mcs-2023/world",
                    f"{mineral} {stage}: MCS 2023 basis {old_basis!r} differs "
                    f"from MCS 2024 ({basis[(mineral, stage)]!r}); MCS 2023 production not used",
                )
            )
    for name in ("production", "production_totals"):
        old_frame = old.tables.get(name)
        if old_frame is not None:
            keys = zip(old_frame["mineral"], old_frame["stage"], old_frame["year"], strict=True)
            drop = [(m, s) in other_basis or ((m, s) in basis and y >= 2022) for m, s, y in keys]
            if any(drop):
                out.problems.append(
                    Problem(
                        "usgs-mcs-2023/world",
                        f"{sum(drop)} {name} rows superseded by MCS 2024 or on another basis",
                        severity=Severity.INFO,
                    )
                )
            old_frame = old_frame[[not d for d in drop]]
        frames = [f for f in (new.tables.get(name), old_frame) if f is not None and not f.empty]
        if frames:
            out.tables[name] = pd.concat(frames, ignore_index=True)
    frames = [f for f in (new.tables.get("reserves"), old.tables.get("reserves")) if f is not None]
    if frames:
        out.tables["reserves"] = pd.concat(frames, ignore_index=True)
    # One row per (mineral, stage): a stage with data first, then MCS 2024 before MCS 2023.
    stages = pd.concat([new_stages, old_stages], ignore_index=True)
    order = (stages["coverage"] != "data").astype(int).sort_values(kind="stable").index
    stages = stages.loc[order].drop_duplicates(["mineral", "stage"]).reset_index(drop=True)
    out.tables["mineral_stages"] = stages


def _percent(share: float, qualifier: str) -> str:
    """A net import reliance as printed: '>95%', '57%', 'E'."""
    return "E" if qualifier == "E" else f"{'' if qualifier == '=' else qualifier}{share * 100:g}%"


def _merge_fig2(out: IngestResult, fig2: IngestResult) -> None:
    """Add Fig2's net import reliance where the salient files lack it; report disagreement."""
    out.problems.extend(fig2.problems)
    out.sources.extend(fig2.sources)
    if "import_sources" in fig2.tables:
        out.tables["import_sources"] = fig2.tables["import_sources"]
    fig = fig2.tables.get("net_import_reliance")
    if fig is None:
        return
    have = out.tables.get("net_import_reliance", _frame("net_import_reliance", []))
    salient = {
        (m, int(y)): (float(s), str(q))
        for m, y, s, q in zip(
            have["mineral"], have["year"], have["nir_share"], have["qualifier"], strict=True
        )
    }
    keep = []
    for mineral, year, share, qualifier in zip(
        fig["mineral"], fig["year"], fig["nir_share"], fig["qualifier"], strict=True
    ):
        mine = salient.get((mineral, int(year)))
        keep.append(mine is None)
        if mine is not None and (abs(mine[0] - float(share)) > 1e-9 or mine[1] != qualifier):
            fig2_text, salient_text = _percent(float(share), qualifier), _percent(*mine)
            why = f"{mineral} {year}: Fig2 net import reliance {fig2_text} differs from the "
            why += f"salient file's {salient_text}; salient value kept"
            column = f"Net_Import_Reliance_pct_{year}"
            out.problems.append(Problem(_FIG2_NAME, why, column=column, value=fig2_text))
    out.add_rows("net_import_reliance", fig[keep])
