"""A partial data package laid over the shipped one, table by table.

A folder given to ``--data`` that lacks some required tables is an *overlay*:
each table it holds is merged into the shipped package's table row by row,
by primary key. A row whose key the shipped table already has replaces that
row (and is reported); any other row is added. Tables the folder does not
hold stay as shipped. For example a user's own ``trade.csv`` (from UN Comtrade
or their customs data) plus the ``sources.csv`` rows it cites.

The overlay's tables are checked on their own first (columns, cells, keys,
with the overlay file's line numbers), then the merged package is checked as
a whole (references, totals, shares).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from critmin.world import checks
from critmin.world.schema import TABLES, TABLES_BY_NAME


@dataclass(frozen=True)
class OverlayReport:
    """What an overlay changed.

    Attributes
    ----------
    folder
        The overlay folder.
    added, replaced
        Rows added and rows replaced, per table.
    replaced_keys
        The primary keys of the replaced rows, per table, as ``col=value`` text.
    """

    folder: Path
    added: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    replaced_keys: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line per overlaid table."""
        lines = [f"overlay {self.folder} on the shipped data package:"]
        for name in self.added:
            lines.append(
                f"  {name}: {self.added[name]} rows added, {self.replaced[name]} rows replaced"
            )
        return "\n".join(lines)


def table_files(folder: Path) -> list[str]:
    """Names of the tables whose files are in ``folder``."""
    return [t.name for t in TABLES if any((folder / p).is_file() for p in t.paths)]


def is_overlay(folder: Path) -> bool:
    """True if ``folder`` holds some tables but not every required one."""
    present = set(table_files(folder))
    required = {t.name for t in TABLES if not t.optional}
    return bool(present) and not required <= present


def _key_text(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    """Each row's primary key as ``col=value, col=value`` text."""
    text = pd.Series("", index=frame.index, dtype=object)
    for i, column in enumerate(key):
        values = frame[column].fillna("").astype(str).str.strip()
        text = text + ("" if i == 0 else ", ") + column + "=" + values
    return text


def merge(
    base: dict[str, pd.DataFrame], folder: Path
) -> tuple[dict[str, pd.DataFrame], OverlayReport, list[checks.Finding]]:
    """Lay the tables in ``folder`` over the raw ``base`` tables.

    Returns
    -------
    raw, report, findings
        The merged raw (text) tables, what was added and replaced, and the
        findings of the overlay's own checks (files, columns, cells, keys).
    """
    present = table_files(folder)
    raw, findings = checks.read_raw_tables(folder, only=present)
    # an overlay need not declare its tables; if it has a descriptor, it must be valid
    findings = checks.check_descriptor(folder, required=False) + findings
    merged = dict(base)
    report = OverlayReport(folder)
    for name in present:
        if name not in raw:
            continue
        table = TABLES_BY_NAME[name]
        mine = raw[name]
        findings += checks.check_columns(table, mine)
        findings += checks.check_cells(table, mine)
        findings += checks.check_primary_key(table, mine)
        for column in table.columns:
            if column not in mine.columns:
                mine[column] = ""
        mine = mine[table.columns]
        theirs = base.get(name, pd.DataFrame(columns=table.columns))
        key = list(table.primary_key)
        ours = set(_key_text(mine, key)) if not mine.empty else set()
        shipped = _key_text(theirs, key) if not theirs.empty else pd.Series(dtype=str)
        replaced = shipped.isin(ours) if not theirs.empty else pd.Series(dtype=bool)
        report.replaced_keys[name] = sorted(shipped[replaced]) if not theirs.empty else []
        report.replaced[name] = int(replaced.sum()) if not theirs.empty else 0
        report.added[name] = len(mine) - report.replaced[name]
        kept = theirs[~replaced] if not theirs.empty else theirs
        merged[name] = pd.concat([kept, mine], ignore_index=False)
    return merged, report, findings
