"""MCS world files: production, reserves and capacity by country (:func:`read_world_file`)."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from critmin.world.ingest.common import (
    MISSING_CODES,
    UNIT_TO_T,
    IngestResult,
    Severity,
    parse_number,
    resolve_country,
)
from critmin.world.ingest.usgs_mcs._common import (
    _PGM,
    _cell,
    _clean,
    _code,
    _fmt,
    _frame,
    _join,
    _Log,
    _open,
    _options,
    _parse,
    _plain,
    _scale,
    _source_id,
    _spec_table,
    _status,
    _Table,
)
from critmin.world.schema import Stage, Status

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
        opts = _options(options)
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
    return _status(estimated)


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
    result, log, table = _open(path, edition, "world")
    code = _code(path, rf"mcs{edition}-(\w+?)_world\.csv$", WORLD_TYPES, log)
    if code is None:
        return result
    if table.misaligned(log, "values under an unnamed column: file misaligned, not read"):
        return result
    if table.header[:2] != ["Source", "Country"] or len(table.header) < 3:
        log.unexpected_header(table.header)
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
        value = _plain(number)
        if value is None:
            fig.included = (number.code or "").upper().startswith("INCLUDED")
            log.missing(number, "no production figure", line, col.name, raw)
            continue
        fig.value_t = _scale(value, col.to_t)
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
    value = _plain(number)
    if value is None:
        if _clean(raw):
            log.missing(number, "capacity not stored", fig.line, column, raw)
    elif fig.country == "WLD":
        capacity = _fmt(_scale(value, to_t))
        fig.note = _join(fig.note, f"published world capacity {capacity} t ({column})", note)
    else:
        fig.capacity_t = _scale(value, to_t)
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
                _status(estimated),
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
