"""The replays and the comparisons they are judged on (``scenarios/validation-checks.csv``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args

import pandas as pd

from critmin.errors import CritminError

#: Monte Carlo paths of each replay run [paths].
PATHS = 256
#: Seed of every replay run (the scenario's own seed is overridden).
SEED = 1
#: The imposer whose exports the replays restrict.
IMPOSER = "CHN"
#: Folder of the shipped scenario files (beside ``src/`` in a checkout).
SCENARIO_DIR = Path(__file__).resolve().parents[3] / "scenarios"
#: Changes smaller than this count as flat when judging agreement [share].
FLAT_SHARE = 0.02
#: Simulated-to-observed factor within which a comparison is ``close``.
CLOSE_FACTOR = 1.5

Quantity = Literal[
    "price_outside", "price_inside", "wedge", "price_level", "exports", "annual_price"
]


@dataclass(frozen=True)
class Replay:
    """A replay scenario and the calendar month (``YYYY-MM``) of its month 0."""

    scenario: str
    start: str
    title: str


#: The replays, in the order of docs/validation.md.
REPLAYS: tuple[Replay, ...] = (
    Replay("replay-ree-japan-2010", "2010-09", "Rare earths and Japan, 2010 (proxy)"),
    Replay("replay-ga-ge-2023", "2023-07", "Gallium and germanium licensing, August 2023"),
    Replay("replay-us-ban-2024", "2024-09", "Antimony licensing and the US ban, 2024-25"),
    Replay("replay-ree-licences-2025", "2025-04", "Rare-earth licences, April 2025"),
    Replay("replay-japan-controls-2026", "2026-01", "Dual-use controls on Japan, 2026"),
    Replay("replay-graphite-2023", "2023-11", "Graphite licensing, December 2023"),
)


@dataclass(frozen=True)
class Row:
    """The key of one row of ``observed_responses`` (unique without the metric)."""

    event: str
    mineral: str
    market: str
    period_from: str
    period_to: str


@dataclass(frozen=True)
class Check:
    """One comparison: observed row(s) and the simulated quantity for the same window.

    Attributes
    ----------
    replay
        Scenario name of the replay.
    mineral
        Simulated mineral (the observed row may name an element inside it).
    quantity
        What is simulated (see the module docstring).
    window, base
        First and last calendar month of the compared window and of the base
        window (``base`` None = the baseline).
    rows
        One observed row, or two whose ratio is the observation (numerator first).
    series
        For ``annual_price``: the USGS price series in the ``prices`` table.
    note
        What to bear in mind when reading the comparison.
    calibration
        True when the observation set the replay's inputs: shown, not counted.
    """

    replay: str
    mineral: str
    quantity: Quantity
    window: tuple[str, str]
    base: tuple[str, str] | None
    rows: tuple[Row, ...]
    series: str = ""
    note: str = ""
    calibration: bool = False


#: The comparisons, one row each (``python -m critmin.validation`` reads it).
CHECKS_FILE = "validation-checks.csv"

_MONTH = re.compile(r"\d{4}-\d{2}")
_COLUMNS = (
    "replay", "mineral", "quantity", "window", "base", "event", "observed_mineral", "market",
    "period_from", "period_to", "market_2", "period_from_2", "period_to_2", "series",
    "calibration", "note",
)  # fmt: skip


def _span(text: str, where: str) -> tuple[str, str]:
    first, _, last = text.partition("..")
    last = last or first
    if not (_MONTH.fullmatch(first) and _MONTH.fullmatch(last)):
        raise CritminError(
            "not a calendar month or span", where=where, given=text, allowed="YYYY-MM[..YYYY-MM]"
        )
    return first, last


def load_checks(path: Path) -> tuple[Check, ...]:
    """The comparisons listed in a CSV file (``scenarios/validation-checks.csv``).

    Columns: replay, mineral (simulated), quantity, window and base (``YYYY-MM``
    or ``YYYY-MM..YYYY-MM``; empty base = the baseline), event, observed_mineral,
    market, period_from, period_to (the observed row), market_2, period_from_2,
    period_to_2 (a second row of the same event and mineral, whose value divides
    the first), series (USGS series for ``annual_price``), calibration (``yes``
    when the row set the replay's inputs) and note.
    """
    if not path.is_file():
        raise CritminError(
            "validation checks file not found",
            where=str(path),
            allowed=f"a checkout with scenarios/{CHECKS_FILE}",
        )
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = sorted(set(_COLUMNS) - set(table.columns))
    if missing:
        raise CritminError(
            "columns missing", where=str(path), given=", ".join(missing), allowed=list(_COLUMNS)
        )
    checks = []
    for line, r in enumerate(table.to_dict("records"), start=2):
        where = f"{path} line {line}"
        if r["quantity"] not in get_args(Quantity):
            raise CritminError(
                "unknown quantity",
                where=f"{where}, column quantity",
                given=r["quantity"],
                allowed=list(get_args(Quantity)),
            )
        rows = [
            Row(r["event"], r["observed_mineral"], r[f"market{s}"], r[f"period_from{s}"],
                r[f"period_to{s}"])
            for s in ("", "_2")
            if r[f"market{s}"]
        ]  # fmt: skip
        checks.append(
            Check(
                r["replay"],
                r["mineral"],
                cast(Quantity, r["quantity"]),
                _span(r["window"], f"{where}, column window"),
                _span(r["base"], f"{where}, column base") if r["base"] else None,
                tuple(rows),
                r["series"],
                r["note"],
                r["calibration"] == "yes",
            )
        )
    return tuple(checks)


def month_index(month: str, start: str) -> int:
    """Months from ``start`` to ``month`` (both ``YYYY-MM``).

    >>> month_index("2024-01", "2023-07"), month_index("2023-06", "2023-07")
    (6, -1)
    """
    y, m = (int(x) for x in month.split("-"))
    y0, m0 = (int(x) for x in start.split("-"))
    return (y - y0) * 12 + (m - m0)


def window_text(window: tuple[str, str]) -> str:
    """A calendar window as written in the tables.

    >>> window_text(("2023-10", "2023-10")), window_text(("2024-01", "2024-05"))
    ('2023-10', '2024-01..2024-05')
    """
    return window[0] if window[0] == window[1] else f"{window[0]}..{window[1]}"
