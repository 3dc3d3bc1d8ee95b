"""Reader for World Mining Data (BMF, Vienna): production by country, HS codes, EoL-RIR.

World Mining Data (WMD) ships as one SQLite file with one table per commodity.
Each table has the columns ``Country``, ``Country_Code`` (a UN Comtrade-style
numeric code, not used here), ``Country_ISO`` (ISO3), one column per year
(``"2018"`` .. ``"2022"``), ``unit`` (``metr. t``, ``kg``, ...) and
``data_source`` (``r`` reported, ``e`` estimated, ``p`` provisional). Every
table ends with a ``Total`` row whose ``Country_ISO`` is the text ``DELETE``.
The table ``HS Code Map`` gives, per commodity table (``Sheet_name``), the
Harmonized System codes and the EU end-of-life recycling input rate
(``EoL-RIR (2023)``, compiled from the SCRREEN2 factsheets).

Which tables are read, at which stage and with which conversion factor is
decided by :data:`critmin.world.ingest.registry.MINERALS` (``wmd_sheets``);
nothing here names a mineral.

Quirks handled (each reported as a :class:`~critmin.world.ingest.common.Problem`):

* ``NULL`` cells: no production row.
* ``Country_ISO`` values that are not ISO3 (``R20`` for Kosovo, ``S19`` for
  Taiwan): mapped from the ``Country`` name when that name is an exact
  country name, else the row is skipped.
* ``data_source`` ``p`` (provisional): kept as ``reported`` with a note.
* A factor of ``None`` in the registry (e.g. ``Magnesite`` for magnesium):
  the bases cannot be compared, so no rows at all.
* ``HS Code`` ``"Not Available"``: no codes.
* A factsheet URL in ``Reference`` that names another commodity's factsheet
  (``Titanium (TiO2)`` points to the tungsten factsheet).

References
----------
Reichl C., Schatz M., World Mining Data 2024, Federal Ministry of Finance
(BMF), Vienna. https://www.world-mining-data.info
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from critmin import countries
from critmin.world.ingest.common import UNIT_TO_T, IngestResult, Problem, Severity
from critmin.world.ingest.registry import MINERALS, MineralSpec
from critmin.world.schema import Status, TotalKind

__all__ = ["EOL_SOURCE_ID", "SOURCES", "SOURCE_ID", "read_wmd"]

#: Source id of the production figures.
SOURCE_ID = "wmd-2024"
#: Source id of the EoL-RIR figures of the HS Code Map.
EOL_SOURCE_ID = "scrreen2-2023"

SOURCES: tuple[dict[str, Any], ...] = (
    {
        "source_id": SOURCE_ID,
        "title": "World Mining Data 2024",
        "publisher": "Federal Ministry of Finance (BMF), Vienna",
        "table": "world_mining_data_2018_2022.sqlite: one production table per commodity",
        "year": 2024,
        "doi_or_url": "https://www.world-mining-data.info",
        "licence": "free use with attribution of the source",
        "note": "Reichl C., Schatz M., World Mining Data 2024, Federal Ministry of Finance "
        "(BMF), Vienna.",
    },
    {
        "source_id": EOL_SOURCE_ID,
        "title": "SCRREEN2 factsheets (2023 update): EU end-of-life recycling input rates",
        "publisher": "SCRREEN2 project (EU), as compiled by World Mining Data (BMF, Vienna)",
        "table": "World Mining Data 'HS Code Map', column 'EoL-RIR (2023)'",
        "year": 2023,
        "doi_or_url": "https://scrreen.eu",
        "licence": "cited through World Mining Data: free use with attribution of the source",
        "note": "SCRREEN2 factsheets 2023 as compiled in World Mining Data's HS Code Map; "
        "the factsheet URL of each mineral is in minerals.note.",
    },
)

#: ``Country_ISO`` of the Total row.
TOTAL_MARKER = "DELETE"
#: Name of the table that maps commodity tables to HS codes and EoL-RIR.
HS_TABLE = "HS Code Map"
#: Text WMD uses for a missing HS code or reference.
NOT_AVAILABLE = "not available"

#: ``data_source`` codes: status and the note they add.
DATA_SOURCE_STATUS: dict[str, tuple[Status, str]] = {
    "r": (Status.REPORTED, ""),
    "e": (Status.ESTIMATED, ""),
    "p": (Status.REPORTED, "provisional figure (WMD data_source 'p')"),
}

_YEAR = re.compile(r"^(19|20)\d\d$")
_HS = re.compile(r"^\d{6}$")
_FACTSHEET = re.compile(r"factsheets?_([a-z]+)", re.IGNORECASE)
_BASIS_IN_NAME = re.compile(r"\(([^)]*)\)\s*$")
#: Relative tolerance for comparing a published total with the sum of rows.
_REL_TOL = 1e-9
#: Absolute tolerance [t] for the same comparison (rows are rounded to 1e-6 t).
_ABS_TOL_T = 1e-3


@dataclass
class _Sheet:
    """One commodity table, read and converted to tonnes of critmin's basis."""

    name: str
    #: (country, year) -> (value [t], status, note)
    cells: dict[tuple[str, int], tuple[float, Status, str]] = field(default_factory=dict)
    #: (country, year) with a NULL cell.
    nulls: set[tuple[str, int]] = field(default_factory=set)
    #: year -> published total [t]
    totals: dict[int, float] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)


def _quote(name: str) -> str:
    """``name`` as a quoted SQLite identifier."""
    return '"' + name.replace('"', '""') + '"'


def _table_names(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _conversion_note(sheet: str, unit: str, factor: float) -> str:
    """Say how a WMD figure became tonnes of critmin's basis (empty if it did not change).

    >>> _conversion_note("Lithium (Li2O)", "metr. t", 0.4645403)
    'converted from Li2O at 0.4645'
    >>> _conversion_note("Platinum", "kg", 1.0)
    'converted from kg to t'
    >>> _conversion_note("Tungsten (W)", "metr. t", 1.0)
    'basis W as published'
    """
    parts = []
    if UNIT_TO_T.get(unit, 1.0) != 1.0:
        parts.append(f"converted from {unit} to t")
    match = _BASIS_IN_NAME.search(sheet)
    if factor != 1.0:
        basis = match.group(1) if match else "the WMD basis"
        parts.append(f"converted from {basis} at {factor:.4f}")
    elif match:
        parts.append(f"basis {match.group(1)} as published")
    return "; ".join(parts)


def _read_sheet(
    con: sqlite3.Connection, sheet: str, factor: float, file: str, problems: list[Problem]
) -> _Sheet | None:
    """Read one commodity table into tonnes of critmin's basis (``factor`` applied)."""
    cursor = con.execute(f"SELECT * FROM {_quote(sheet)}")
    columns = [d[0] for d in cursor.description]
    required = {"Country", "Country_ISO", "unit", "data_source"}
    years = [int(c) for c in columns if _YEAR.match(c)]
    if not required <= set(columns) or not years:
        problems.append(
            Problem(
                file,
                f"table {sheet!r} lacks the columns {sorted(required - set(columns))} or "
                "year columns; table skipped",
                value=", ".join(columns),
                severity=Severity.ERROR,
            )
        )
        return None
    out = _Sheet(sheet, years=years)
    index = {c: i for i, c in enumerate(columns)}
    for rownum, row in enumerate(cursor.fetchall(), start=1):
        raw_iso = str(row[index["Country_ISO"]] or "").strip()
        name = str(row[index["Country"]] or "").strip()
        unit = str(row[index["unit"]] or "").strip()
        to_t = UNIT_TO_T.get(unit)
        if to_t is None:
            problems.append(
                Problem(
                    file,
                    f"table {sheet!r}: unit {unit!r} has no conversion to tonnes; row skipped",
                    row=rownum,
                    column="unit",
                    value=unit,
                    severity=Severity.ERROR,
                )
            )
            continue
        scale = to_t * factor
        if raw_iso == TOTAL_MARKER:
            if out.totals:
                problems.append(
                    Problem(
                        file,
                        f"table {sheet!r}: more than one Total row; the first is used",
                        row=rownum,
                        column="Country_ISO",
                        value=raw_iso,
                    )
                )
                continue
            for year in years:
                value = row[index[str(year)]]
                if value is None:
                    problems.append(
                        Problem(
                            file,
                            f"table {sheet!r}: Total row is NULL; no published total",
                            row=rownum,
                            column=str(year),
                        )
                    )
                    continue
                number = _float(value)
                if number is None or number < 0:
                    problems.append(
                        Problem(
                            file,
                            f"table {sheet!r}: Total row is not a non-negative number",
                            row=rownum,
                            column=str(year),
                            value=str(value),
                            severity=Severity.ERROR,
                        )
                    )
                    continue
                out.totals[year] = round(number * scale, 6)
            continue
        code = _country(raw_iso, name, sheet, rownum, file, problems)
        if code is None:
            continue
        status, status_note = _status(row[index["data_source"]], sheet, rownum, file, problems)
        note = "; ".join(p for p in (_conversion_note(sheet, unit, factor), status_note) if p)
        for year in years:
            value = row[index[str(year)]]
            if value is None:
                out.nulls.add((code, year))
                problems.append(
                    Problem(
                        file,
                        f"table {sheet!r}, {name} ({code}): NULL value; no production row",
                        row=rownum,
                        column=str(year),
                    )
                )
                continue
            number = _float(value)
            if number is None or number < 0:
                problems.append(
                    Problem(
                        file,
                        f"table {sheet!r}, {name} ({code}): not a non-negative number; no row",
                        row=rownum,
                        column=str(year),
                        value=str(value),
                        severity=Severity.ERROR,
                    )
                )
                out.nulls.add((code, year))
                continue
            if (code, year) in out.cells:
                problems.append(
                    Problem(
                        file,
                        f"table {sheet!r}: {code} listed twice; the first row is used",
                        row=rownum,
                        column=str(year),
                        value=name,
                        severity=Severity.ERROR,
                    )
                )
                continue
            out.cells[(code, year)] = (round(number * scale, 6), status, note)
    if not out.totals:
        problems.append(Problem(file, f"table {sheet!r} has no Total row ('{TOTAL_MARKER}')"))
    return out


def _float(value: object) -> float | None:
    """A numeric cell as a float; None for text or NaN.

    >>> _float(606), _float(4.0), _float("n.a."), _float(float("nan"))
    (606.0, 4.0, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return None if math.isnan(number) else number


def _country(
    raw_iso: str, name: str, sheet: str, rownum: int, file: str, problems: list[Problem]
) -> str | None:
    """ISO3 of a row: ``Country_ISO`` if valid, else the exact ``Country`` name."""
    if countries.is_country(raw_iso):
        return raw_iso
    code = countries.to_iso3(name, exact=True)
    if code:
        problems.append(
            Problem(
                file,
                f"table {sheet!r}: Country_ISO {raw_iso!r} is not an ISO3 code; "
                f"mapped from the country name {name!r} to {code}",
                row=rownum,
                column="Country_ISO",
                value=raw_iso,
            )
        )
        return code
    problems.append(
        Problem(
            file,
            f"table {sheet!r}: Country_ISO {raw_iso!r} is not an ISO3 code and the name "
            f"{name!r} is not a country name; row skipped",
            row=rownum,
            column="Country_ISO",
            value=raw_iso,
        )
    )
    return None


def _status(
    raw: object, sheet: str, rownum: int, file: str, problems: list[Problem]
) -> tuple[Status, str]:
    code = str(raw or "").strip().lower()
    if code in DATA_SOURCE_STATUS:
        return DATA_SOURCE_STATUS[code]
    problems.append(
        Problem(
            file,
            f"table {sheet!r}: unknown data_source code; figures marked estimated",
            row=rownum,
            column="data_source",
            value=str(raw),
        )
    )
    return Status.ESTIMATED, f"unknown WMD data_source {raw!r}"


def _combine(
    spec: MineralSpec, stage: str, sheets: Sequence[_Sheet], file: str, problems: list[Problem]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Production and total rows of one mineral and stage (summing several tables)."""
    names = " + ".join(repr(s.name) for s in sheets)
    keys = sorted({k for s in sheets for k in s.cells} | {k for s in sheets for k in s.nulls})
    rows: list[dict[str, Any]] = []
    for code, year in keys:
        if any((code, year) in s.nulls for s in sheets):
            if len(sheets) > 1:
                problems.append(
                    Problem(
                        file,
                        f"{spec.mineral}: {code} {year} is NULL in one of {names}; "
                        "the sum would be incomplete, no row",
                        column=str(year),
                        value=code,
                    )
                )
            continue
        parts = [(s.name, s.cells[(code, year)]) for s in sheets if (code, year) in s.cells]
        value = round(sum(p[1][0] for p in parts), 6)
        status = (
            Status.ESTIMATED if any(p[1][1] == Status.ESTIMATED for p in parts) else Status.REPORTED
        )
        missing = [repr(s.name) for s in sheets if (code, year) not in s.cells]
        if missing:
            head = f"WMD table {parts[0][0]!r} only (not listed in {', '.join(missing)})"
        elif len(parts) > 1:
            head = "sum of WMD tables " + " + ".join(repr(p[0]) for p in parts)
        else:
            head = f"WMD table {parts[0][0]!r}"
        note = "; ".join(dict.fromkeys([head, *(p[1][2] for p in parts if p[1][2])]))
        rows.append(
            {
                "mineral": spec.mineral,
                "stage": stage,
                "country": code,
                "year": year,
                "value_t": value,
                "capacity_t": math.nan,
                "status": str(status),
                "source_id": SOURCE_ID,
                "note": note,
            }
        )
    totals: list[dict[str, Any]] = []
    years = sorted({y for s in sheets for y in s.years})
    for year in years:
        if not all(year in s.totals for s in sheets):
            continue  # the NULL Total was reported by _read_sheet
        published = round(sum(s.totals[year] for s in sheets), 6)
        rows_sum = round(sum(r["value_t"] for r in rows if r["year"] == year), 6)
        note = f"WMD Total row of {names}"
        if not math.isclose(published, rows_sum, rel_tol=_REL_TOL, abs_tol=_ABS_TOL_T):
            note += f"; country rows sum to {rows_sum:g} t"
            problems.append(
                Problem(
                    file,
                    f"{spec.mineral} {stage} {year}: published Total {published:g} t differs "
                    f"from the sum of the country rows {rows_sum:g} t",
                    column=str(year),
                    value=f"{published - rows_sum:g}",
                )
            )
        totals.append(
            {
                "mineral": spec.mineral,
                "stage": stage,
                "year": year,
                "world_total_t": published,
                "published_total_t": published,
                "rows_sum_t": rows_sum,
                "total_kind": str(TotalKind.PUBLISHED),
                "source_id": SOURCE_ID,
                "note": note,
            }
        )
    return rows, totals


def _split_codes(text: object) -> tuple[list[str], bool, list[str]]:
    """HS codes of a cell: (codes, cell said 'Not Available', malformed items).

    >>> _split_codes("711019;711510")
    (['711019', '711510'], False, [])
    >>> _split_codes("Not Available")
    ([], True, [])
    """
    cell = str(text or "").strip()
    if cell.lower() == NOT_AVAILABLE:
        return [], True, []
    items = [c.strip() for c in cell.split(";") if c.strip()]
    good = [c for c in items if _HS.match(c)]
    return good, False, [c for c in items if not _HS.match(c)]


def _hs_map(
    con: sqlite3.Connection, file: str, problems: list[Problem]
) -> dict[str, dict[str, Any]]:
    """Rows of the HS Code Map by ``Sheet_name``."""
    if HS_TABLE not in _table_names(con):
        problems.append(
            Problem(
                file,
                f"table {HS_TABLE!r} not found; no HS codes or EoL-RIR",
                severity=Severity.ERROR,
            )
        )
        return {}
    cursor = con.execute(f"SELECT * FROM {_quote(HS_TABLE)}")
    columns = [d[0] for d in cursor.description]
    return {
        str(row[columns.index("Sheet_name")]): dict(zip(columns, row, strict=True))
        for row in cursor.fetchall()
    }


def _mineral_row(
    spec: MineralSpec, hs: dict[str, dict[str, Any]], file: str, problems: list[Problem]
) -> dict[str, Any] | None:
    """Partial ``minerals`` row: HS codes, EoL-RIR and factsheet URLs of a mineral."""
    sheets = [s for s, _, _ in spec.wmd_sheets]
    entries = []
    for sheet in sheets:
        if sheet not in hs:
            problems.append(
                Problem(file, f"{HS_TABLE!r} has no row for table {sheet!r}", value=spec.mineral)
            )
        else:
            entries.append(hs[sheet])
    if not entries:
        return None
    main: list[str] = []
    extra: list[str] = []
    notes: list[str] = []
    for entry in entries:
        sheet = entry["Sheet_name"]
        for column, target in (("HS Code", main), ("HS Code - Complementary", extra)):
            codes, unavailable, bad = _split_codes(entry.get(column))
            target.extend(codes)
            if unavailable:
                problems.append(
                    Problem(
                        file,
                        f"{HS_TABLE!r}: no HS code for {sheet!r} ('Not Available'); "
                        f"{spec.mineral} gets none from it",
                        column=column,
                        value=str(entry.get("Description") or ""),
                        severity=Severity.INFO,
                    )
                )
                notes.append(f"WMD gives no HS code for {sheet!r}")
            if bad:
                problems.append(
                    Problem(
                        file,
                        f"{HS_TABLE!r}: {sheet!r} has items that are not 6-digit HS codes",
                        column=column,
                        value=";".join(bad),
                    )
                )
    codes = list(dict.fromkeys(main + extra))
    rates = {e["EoL-RIR (2023)"] for e in entries if e.get("EoL-RIR (2023)") is not None}
    share: float | None = None
    if len(rates) == 1:
        share = float(rates.pop())
        if not 0.0 <= share <= 1.0:
            problems.append(
                Problem(
                    file,
                    f"{spec.mineral}: EoL-RIR outside 0-1; not used",
                    column="EoL-RIR (2023)",
                    value=str(share),
                    severity=Severity.ERROR,
                )
            )
            share = None
    elif len(rates) > 1:
        problems.append(
            Problem(
                file,
                f"{spec.mineral}: the tables {sheets} give different EoL-RIR; none used",
                column="EoL-RIR (2023)",
                value=", ".join(str(r) for r in sorted(rates)),
            )
        )
    urls = _factsheets(spec, entries, hs, file, problems)
    if urls:
        notes.append("SCRREEN2 factsheet: " + " ; ".join(urls))
    elif share is not None:
        notes.append("no factsheet URL in the HS Code Map")
        problems.append(
            Problem(
                file,
                f"{spec.mineral}: EoL-RIR {share:g} given without a factsheet reference",
                column="Reference",
                severity=Severity.INFO,
            )
        )
    return {
        "mineral": spec.mineral,
        "hs_codes": ";".join(codes) if codes else None,
        "eol_rir_share": share,
        "eol_rir_source_id": EOL_SOURCE_ID if share is not None else None,
        "note": "; ".join(notes) if notes else None,
    }


def _factsheets(
    spec: MineralSpec,
    entries: list[dict[str, Any]],
    hs: dict[str, dict[str, Any]],
    file: str,
    problems: list[Problem],
) -> list[str]:
    """Factsheet URLs of a mineral; warns when a URL is another commodity's factsheet."""
    others = {str(e.get("Reference ID") or "").strip().upper() for e in hs.values()}
    urls: list[str] = []
    for entry in entries:
        url = str(entry.get("Reference") or "").strip()
        if not url or url.lower() == NOT_AVAILABLE:
            continue
        urls.append(url)
        own = str(entry.get("Reference ID") or "").strip().upper()
        match = _FACTSHEET.search(url)
        named = match.group(1).upper() if match else ""
        if named and named != own and named in others:
            problems.append(
                Problem(
                    file,
                    f"{HS_TABLE!r}: the Reference of {entry['Sheet_name']!r} is the factsheet "
                    f"of {named.title()}, not of {own.title()}; the EoL-RIR of "
                    f"{spec.mineral} cannot be checked against it",
                    column="Reference",
                    value=url,
                )
            )
    return list(dict.fromkeys(urls))


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
