"""The ``critmin`` command line.

Every command is a few lines over a public Python function. Bad input exits
with code 2 and a one-line message saying what, where, what was given and what
is allowed; it never prints a traceback.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import pandas as pd
import typer
import yaml
from rich.console import Console
from rich.table import Table

from critmin import countries, risk
from critmin.errors import CritminError, DataPackageError
from critmin.report import (
    ALLIED_COLUMNS,
    VULNERABILITY_COLUMNS,
    simulation_report,
    vulnerability_report,
)
from critmin.world.load import World, load_world

app = typer.Typer(
    name="critmin",
    help=(
        "critmin: critical-minerals supply security. Vulnerability mapping and "
        "supply risk on a curated, sourced world dataset."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="Build, validate and inspect data packages.", no_args_is_help=True)
app.add_typer(data_app, name="data")


def _console(*, stderr: bool = False) -> Console:
    probe = Console(stderr=stderr)
    # piped output gets a wide table rather than rich's 80-column default
    return Console(stderr=stderr, width=None if probe.is_terminal else 200)


out = _console()
err = _console(stderr=True)

#: Short column headings for tables printed on the terminal.
HEADINGS: dict[str, str] = {
    "world_total_t": "world total t",
    "hhi": "HHI",
    "top_country": "top",
    "top_share": "top share",
    "top3_share": "top-3",
    "china_share": "China",
    "gov_weighted_hhi": "gov. HHI",
    "outside_group_share": "outside group",
    "is_bottleneck": "bottleneck",
    "indicators_met": "indicators met",
    "is_priority": "priority",
    "exposure_share": "exposure",
    "published_import_rank": "import rank (published)",
    "bottleneck_stage": "bottleneck",
    "hhi_value": "HHI",
    "china_share_value": "China",
    "nir_share_value": "NIR",
    "outside_group_share_value": "outside group",
}

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


def _world(data: Path | None, source: str | None = None) -> World:
    """The dataset for ``--data`` (and ``--source``); an overlay's changes go to stderr."""
    if data is not None and not data.is_dir():
        raise CritminError(
            "data package folder not found",
            where="--data",
            given=str(data),
            allowed="a folder holding a critmin data package (see 'critmin data validate')",
        )
    world = load_world(data)
    if world.overlay is not None:
        err.print(world.overlay.summary(), highlight=False, markup=False)
    return world.with_source(source) if source else world


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return _jsonable(value.item())
    if value is pd.NA:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts (NaN -> None)."""
    return [
        {str(k): _jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")
    ]


def emit(
    frame: pd.DataFrame, fmt: Format, *, title: str = "", columns: list[str] | None = None
) -> None:
    """Print ``frame`` as a rich table, JSON or CSV."""
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
        table.add_column(HEADINGS.get(str(col), str(col)), justify="right" if numeric else "left")
    for row in shown.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    out.print(table)


def _cell(value: Any) -> str:
    """A value as table text; unknown values (None, NA, NaN) print as n/a, never 0."""
    if value is None or value is pd.NA:
        return "n/a"
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3f}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _group(group: str) -> list[str]:
    return countries.expand([g for g in group.replace(" ", "").split(",") if g])


@app.command("risk")
@handle_errors
def risk_command(
    mineral: Annotated[
        list[str] | None,
        typer.Option("--mineral", "-m", help="Mineral id (repeat for several). Default: all."),
    ] = None,
    stage: Annotated[
        StageOption | None, typer.Option("--stage", help="Stage. Default: both.")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Year. Default: the latest year with data for each mineral."),
    ] = None,
    group: Annotated[
        str,
        typer.Option(
            "--group",
            help="Countries whose supply counts as inside: a group or ISO3 codes, comma-separated.",
        ),
    ] = countries.ALLIANCE,
    allies: Annotated[
        bool,
        typer.Option(
            "--allies",
            help="The allied-consumer view instead: for USA, JPN, KOR, DEU, EU27, CAN, AUS "
            "and GBR, net import reliance, top supplier, its share and GeoPolRisk for each "
            "mineral China has restricted plus cobalt, lithium and nickel (or --mineral).",
        ),
    ] = False,
    fmt: FormatOption = Format.TABLE,
    data: DataOption = None,
    source: SourceOption = None,
) -> None:
    """Vulnerability map: concentration of each mineral at each stage.

    World total, HHI, top producer, China's share, governance-weighted HHI and
    the share of supply outside the chosen group, per mineral, stage and year.
    With --allies: each allied consumer's dependence on its suppliers.
    """
    world = _world(data, source)
    minerals = [world.check_mineral(m) for m in mineral] if mineral else None
    if allies:
        view = risk.allied_dependence(world, minerals=minerals or risk.WATCHED_MINERALS, year=year)
        emit(
            view,
            fmt,
            title="Allied consumers' dependence (NIR: share of apparent consumption imported; "
            "top supplier's share of imports; n/a = unknown, never 0)",
            columns=ALLIED_COLUMNS,
        )
        return
    frame = risk.concentration(
        world,
        minerals=minerals,
        stages=[stage.value] if stage else None,
        year=year,
        group=_group(group),
    )
    emit(
        frame,
        fmt,
        title="Supply concentration (shares are fractions of the world total)",
        columns=VULNERABILITY_COLUMNS,
    )


def _thresholds(path: Path | None) -> risk.Thresholds:
    if path is None:
        return risk.Thresholds()
    if not path.is_file():
        raise CritminError("thresholds file not found", where="--thresholds", given=str(path))
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CritminError(
            f"cannot parse thresholds file: {exc}".splitlines()[0],
            where=str(path),
            allowed="a YAML or JSON mapping of threshold names to numbers",
        ) from None
    if not isinstance(content, dict):
        raise CritminError(
            "thresholds file must hold a mapping",
            where=str(path),
            given=type(content).__name__,
            allowed="a YAML or JSON mapping of threshold names to numbers",
        )
    return risk.Thresholds.from_dict(content, where=str(path))


@app.command("priority")
@handle_errors
def priority_command(
    year: Annotated[
        int | None, typer.Option("--year", help="Year. Default: latest per mineral.")
    ] = None,
    thresholds: Annotated[
        Path | None,
        typer.Option(
            "--thresholds", help="YAML/JSON file overriding threshold defaults.", metavar="FILE"
        ),
    ] = None,
    group: Annotated[
        str, typer.Option("--group", help="Allied group for the outside-group indicator.")
    ] = countries.ALLIANCE,
    consumer: Annotated[
        str, typer.Option("--consumer", help="Consumer (ISO3) for the import-reliance indicator.")
    ] = "USA",
    fmt: FormatOption = Format.TABLE,
    data: DataOption = None,
    source: SourceOption = None,
) -> None:
    """Ranked priority minerals, with the indicators and thresholds that put each there."""
    world = _world(data, source)
    if not countries.is_country(consumer.upper()):
        raise CritminError(
            "unknown consumer", where="--consumer", given=consumer, allowed="ISO3 codes"
        )
    frame = risk.priorities(
        world,
        thresholds=_thresholds(thresholds),
        year=year,
        group=_group(group),
        consumer=consumer.upper(),
    )
    emit(frame, fmt, title="Priority minerals", columns=_priority_columns(frame))


def _priority_columns(frame: pd.DataFrame) -> list[str]:
    wanted = ["rank", "mineral", "is_priority", "score", "bottleneck_stage", "hhi_value"]
    wanted += [
        "china_share_value",
        "nir_share_value",
        "outside_group_share_value",
        "indicators_met",
    ]
    return [c for c in wanted if c in frame.columns]


@app.command("report")
@handle_errors
def report_command(
    run_dir: Annotated[
        Path | None,
        typer.Argument(
            help="A run folder written by 'critmin simulate --out': report that run. "
            "Without it: the vulnerability report of the world dataset.",
            metavar="RUN_DIR",
            show_default=False,
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="HTML file to write. Default: RUN_DIR/report.html, or "
            "critmin-vulnerability.html without RUN_DIR.",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", help="Vulnerability report only: year. Default: latest per mineral."
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Write a self-contained HTML report (works offline).

    With RUN_DIR: the stress-test report of a simulation run (headline figures,
    world map of shortfalls, fan charts, reserves, assumptions). Without it:
    the vulnerability report of the world dataset.
    """
    if run_dir is None:
        path = vulnerability_report(
            _world(data), out_file or Path("critmin-vulnerability.html"), year=year
        )
    else:
        for given, option in ((year, "--year"), (data, "--data")):
            if given is not None:
                raise CritminError(
                    "applies only to the vulnerability report (without RUN_DIR)",
                    where=option,
                    given=str(given),
                    allowed="'critmin report RUN_DIR [--out FILE]'",
                )
        path = simulation_report(run_dir, out_file)
    out.print(f"report written to {path}", highlight=False)


def main() -> None:
    """Entry point of the ``critmin`` script."""
    app()
