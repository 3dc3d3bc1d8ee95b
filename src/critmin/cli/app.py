"""The ``critmin`` command line: the app, and the vulnerability commands.

Every command is a few lines over a public Python function: it parses its
arguments, calls :mod:`critmin.api` (or an analysis such as
:mod:`critmin.risk`), and formats the output. Bad input exits with code 2 and
a one-line message saying what, where, what was given and what is allowed; it
never prints a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from critmin.cli.common import (
    DataOption,
    Format,
    FormatOption,
    SourceOption,
    StageOption,
    emit,
    group_codes,
    handle_errors,
    out,
    priority_columns,
    world_from,
)
from critmin.countries import ALLIANCE
from critmin.errors import CritminError

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
    ] = ALLIANCE,
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
    from critmin import risk

    world = world_from(data, source)
    minerals = [world.check_mineral(m) for m in mineral] if mineral else None
    if allies:
        view = risk.allied_dependence(world, minerals=minerals or risk.WATCHED_MINERALS, year=year)
        emit(
            view,
            fmt,
            title="Allied consumers' dependence (NIR: share of apparent consumption imported; "
            "top supplier's share of imports; n/a = unknown, never 0)",
            columns=risk.ALLIED_COLUMNS,
        )
        return
    frame = risk.concentration(
        world,
        minerals=minerals,
        stages=[stage.value] if stage else None,
        year=year,
        group=group_codes(group),
    )
    emit(
        frame,
        fmt,
        title="Supply concentration (shares of the world total)",
        columns=risk.VULNERABILITY_COLUMNS,
    )


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
    ] = ALLIANCE,
    consumer: Annotated[
        str, typer.Option("--consumer", help="Consumer (ISO3) for the import-reliance indicator.")
    ] = "USA",
    fmt: FormatOption = Format.TABLE,
    data: DataOption = None,
    source: SourceOption = None,
) -> None:
    """Ranked priority minerals, with the indicators and thresholds that put each there."""
    from critmin import countries, risk
    from critmin.risk import Thresholds

    world = world_from(data, source)
    if not countries.is_country(consumer.upper()):
        raise CritminError(
            "unknown consumer", where="--consumer", given=consumer, allowed="ISO3 codes"
        )
    frame = risk.priorities(
        world,
        thresholds=Thresholds() if thresholds is None else Thresholds.from_file(thresholds),
        year=year,
        group=group_codes(group),
        consumer=consumer.upper(),
    )
    emit(frame, fmt, title="Priority minerals", columns=priority_columns(frame))


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
    from critmin.report import simulation_report, vulnerability_report

    if run_dir is None:
        path = vulnerability_report(
            world_from(data), out_file or Path("critmin-vulnerability.html"), year=year
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
