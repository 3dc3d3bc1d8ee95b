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
"""

from __future__ import annotations

import math
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from critmin import countries
from critmin.world.ingest.common import IngestResult, Problem, Severity

__all__ = ["SOURCES", "SOURCE_ID", "read_wgi", "risk_share"]

#: Source id of the governance figures.
SOURCE_ID = "wgi-2023"

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
            {y: str(row[columns.index(str(y))]) for y in years},
        )
        for position, row in enumerate(cursor.fetchall(), start=1)
    ]
    return years, rows


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


def read_wgi(path: Path, years: range | None = None) -> IngestResult:
    """Read WGI Political Stability estimates and their normalised risk share.

    Parameters
    ----------
    path
        The WGI SQLite file (``wgi_political_stability_1996_2022.sqlite``).
    years
        Years to read [calendar years]; default all years in the file.
        Requested years the file lacks are reported (info).

    Returns
    -------
    IngestResult
        ``tables['governance']``: country (ISO3), year, pv_estimate
        [WGI units], pv_risk_share [share] = clip((2.5 - estimate) / 5, 0, 1)
        (1 = least stable), source_id ``wgi-2023``. ``problems``: one per
        country with missing estimates (listing the years and what
        ``Normalized`` holds there), codes remapped or not mappable, duplicate
        codes, and any difference from the source's ``Normalized`` figures.

    Examples
    --------
    >>> from pathlib import Path
    >>> result = read_wgi(Path("../shared/data/wgi/"
    ...                        "wgi_political_stability_1996_2022.sqlite"))  # doctest: +SKIP
    """
    path = Path(path)
    file = path.name
    result = IngestResult(sources=[dict(s) for s in SOURCES])
    problems = result.problems
    if not path.is_file():
        problems.append(Problem(file, f"file not found: {path}", severity=Severity.ERROR))
        return result
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
                    "source_id": SOURCE_ID,
                }
            )
        if missing:
            problems.append(_missing_problem(row, code, missing, file))
    result.add_rows("governance", rows)
    return result


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
