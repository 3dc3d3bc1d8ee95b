"""The WMD HS Code Map: HS codes, EU EoL-RIR and factsheet URLs of each mineral."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from critmin.world.ingest.common import Problem, Severity
from critmin.world.ingest.registry import MineralSpec
from critmin.world.ingest.wmd._common import EOL_SOURCE_ID, _quote, _table_names

#: Name of the table that maps commodity tables to HS codes and EoL-RIR.
HS_TABLE = "HS Code Map"
#: Text WMD uses for a missing HS code or reference.
NOT_AVAILABLE = "not available"

_HS = re.compile(r"^\d{6}$")
_FACTSHEET = re.compile(r"factsheets?_([a-z]+)", re.IGNORECASE)


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
