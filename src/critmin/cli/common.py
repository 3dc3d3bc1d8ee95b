"""What every command module shares: consoles, options, errors, output formats.

Commands print tables on standard output (rich), messages on standard error,
and exit with code 2 on bad input (:func:`handle_errors`). Nothing here
computes; heavy modules are imported inside the functions that need them, so
``critmin --help`` starts fast.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from critmin import labels
from critmin.errors import CritminError, DataPackageError

if TYPE_CHECKING:
    import pandas as pd

    from critmin.api import World


def _console(*, stderr: bool = False) -> Console:
    probe = Console(stderr=stderr)
    # piped output gets a wide table rather than rich's 80-column default
    return Console(stderr=stderr, width=None if probe.is_terminal else 200)


out = _console()
err = _console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


class Format(StrEnum):
    """Output formats."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class StageOption(StrEnum):
    """Stages accepted on the command line."""

    MINING = "mining"
    REFINING = "refining"


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Use the data package in DIR instead of the shipped one.",
        metavar="DIR",
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="Take production from this series (wmd, usgs-mcs, iea-cmde) or source id "
        "instead of each mineral's primary series ('critmin data sources MINERAL' lists them).",
        metavar="SERIES",
    ),
]


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn CritminError into a clear message on stderr and exit code 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DataPackageError as exc:
            err.print(f"[bold red]error:[/] {exc.message}", highlight=False)
            for line in exc.problems[:50]:
                err.print(f"  {line}", highlight=False, markup=False)
            if len(exc.problems) > 50:
                err.print(f"  ... and {len(exc.problems) - 50} more", highlight=False)
            raise typer.Exit(2) from None
        except CritminError as exc:
            err.print(f"[bold red]error:[/] {exc.message}", highlight=False)
            for line in getattr(exc, "problems", [])[:100]:
                err.print(f"  {line}", highlight=False, markup=False)
            raise typer.Exit(2) from None

    return wrapper


def world_from(data: Path | None, source: str | None = None) -> World:
    """The dataset for ``--data`` (and ``--source``); an overlay's changes go to stderr."""
    if data is not None and not data.is_dir():
        raise CritminError(
            "data package folder not found",
            where="--data",
            given=str(data),
            allowed="a folder holding a critmin data package (see 'critmin data validate')",
        )
    from critmin.api import load_world

    world = load_world(data)
    if world.overlay is not None:
        err.print(world.overlay.summary(), highlight=False, markup=False)
    return world.with_source(source) if source else world


def jsonable(value: Any) -> Any:
    """A value ready for ``json.dumps`` (NaN, NA -> None; numpy scalars -> Python)."""
    import pandas as pd

    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return jsonable(value.item())
    if value is pd.NA:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts (NaN -> None)."""
    return [
        {str(k): jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")
    ]


def emit(
    frame: pd.DataFrame, fmt: Format, *, title: str = "", columns: list[str] | None = None
) -> None:
    """Print ``frame`` as a rich table, JSON or CSV."""
    import pandas as pd
    from rich.table import Table
    from rich.text import Text

    if fmt == Format.JSON:
        sys.stdout.write(json.dumps(records(frame), indent=2) + "\n")
        return
    if fmt == Format.CSV:
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
        return
    shown = frame[columns] if columns else frame
    table = Table(title=title or None, show_lines=False)
    for col in shown.columns:
        numeric = pd.api.types.is_numeric_dtype(shown[col]) and not pd.api.types.is_bool_dtype(
            shown[col]
        )
        # Text, not markup: "[t]" and "[%]" are units, not rich styles
        table.add_column(Text(labels.heading(str(col))), justify="right" if numeric else "left")
    for row in shown.itertuples(index=False):
        cells = (Text(_cell(str(col), v)) for col, v in zip(shown.columns, row, strict=True))
        table.add_row(*cells)
    out.print(table)


def _cell(key: str, value: Any) -> str:
    """A value of column ``key`` as table text, in the glossary's format (tonnes with
    separators, shares as percentages); unknown values (None, NA, NaN) print as n/a,
    never 0.

    >>> _cell("expected_shortfall_t", 610.0), _cell("china_share", 0.912), _cell("hhi", None)
    ('610', '91.2%', 'n/a')
    """
    if isinstance(value, list | tuple):
        return ", ".join(labels.INDICATOR_WORDS.get(str(v), str(v)) for v in value)
    return labels.format_value(key, value) or "n/a"


def group_codes(group: str) -> list[str]:
    """Country codes of a ``--group`` value: groups and ISO3 codes, comma-separated."""
    from critmin import countries

    return countries.expand([g for g in group.replace(" ", "").split(",") if g])


def priority_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of a priorities table shown on the terminal."""
    wanted = ["rank", "mineral", "is_priority", "score", "bottleneck_stage", "hhi_value"]
    wanted += [
        "china_share_value",
        "nir_share_value",
        "outside_group_share_value",
        "indicators_met",
    ]
    return [c for c in wanted if c in frame.columns]


def flat_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with list cells joined by ';' (for CSV files)."""
    flat = frame.copy()
    for col in flat.columns:
        if flat[col].apply(lambda v: isinstance(v, list)).any():
            flat[col] = flat[col].apply(
                lambda v: ";".join(map(str, v)) if isinstance(v, list) else v
            )
    return flat
