"""``critmin data``: build, validate, inspect and start data packages."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from critmin.cli.app import data_app
from critmin.cli.common import (
    DataOption,
    Format,
    FormatOption,
    SourceOption,
    emit,
    err,
    handle_errors,
    out,
    world_from,
)
from critmin.errors import CritminError


@data_app.command("build")
@handle_errors
def data_build(
    source: Annotated[
        Path,
        typer.Option(
            "--from", help="Folder of raw public data (e.g. ../shared/data).", metavar="DIR"
        ),
    ],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where to write the package. Default: the shipped package folder.",
            metavar="DIR",
        ),
    ] = None,
    hs_map: Annotated[
        Path | None,
        typer.Option(
            "--hs-map",
            help="Your own HS-code map (columns of hs_codes.csv) to read trade with. "
            "Default: the curated map shipped with critmin.",
            metavar="CSV",
        ),
    ] = None,
) -> None:
    """Derive the curated data package from the raw public sources."""
    from critmin.api import Severity, build_package, default_path

    if not source.is_dir():
        raise CritminError("raw data folder not found", where="--from", given=str(source))
    target = out_dir or default_path()
    with err.status("building data package ..."):
        report = build_package(source, target, hs_map=hs_map)
    table = Table(title=f"Data package written to {target}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in report.rows.items():
        table.add_row(name, str(n))
    out.print(table)
    out.print(
        f"build report: {target / 'build-report.csv'} "
        f"({report.count(Severity.WARNING)} warnings, {report.count(Severity.INFO)} notes, "
        f"{report.count(Severity.ERROR)} errors)"
    )


@data_app.command("validate")
@handle_errors
def data_validate(
    directory: Annotated[Path, typer.Argument(help="Data package folder to check.", metavar="DIR")],
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Check a data package; list every problem with table, line, column and what is allowed."""
    from critmin.api import Level, validate_package

    report, findings = validate_package(directory)
    bad = [f for f in findings if f.level == Level.ERROR]
    if fmt == Format.JSON:
        doc: object = [f.as_dict() for f in findings]
        if report is not None:
            doc = {
                "overlay": {
                    "added": report.added,
                    "replaced": report.replaced,
                    "replaced_keys": report.replaced_keys,
                },
                "findings": doc,
            }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        for finding in findings:
            (err if finding.level == Level.ERROR else out).print(
                str(finding), highlight=False, markup=False
            )
        if report is not None:
            out.print(report.summary(), highlight=False, markup=False)
            for name, keys in report.replaced_keys.items():
                for key in keys:
                    out.print(f"  replaced in {name}: {key}", highlight=False, markup=False)
        status = "INVALID" if bad else "valid"
        kind = " (overlay on the shipped package)" if report is not None else ""
        out.print(
            f"{directory}: {status}{kind} ({len(bad)} errors, {len(findings) - len(bad)} warnings)",
            highlight=False,
        )
    if bad:
        raise typer.Exit(2)


@data_app.command("sources")
@handle_errors
def data_sources(
    mineral: Annotated[
        str | None, typer.Argument(help="Only sources used for this mineral.")
    ] = None,
    fmt: FormatOption = Format.TABLE,
    data: DataOption = None,
    source: SourceOption = None,
) -> None:
    """List the sources behind the dataset, or one mineral's primary series and its breaks.

    With MINERAL: for each stage, the primary production series, the rule that
    chose it, the years it covers and the other series (with what they have
    that the primary lacks), then every source the mineral's figures cite.
    """
    from critmin.api import sources_for

    world = world_from(data, source)
    if mineral:
        world.check_mineral(mineral, where="MINERAL")
    found = sources_for(world, mineral)
    sources, precedence = found.sources, found.series
    if mineral:
        if fmt == Format.JSON:
            doc = {
                "mineral": mineral,
                "series": json.loads(precedence.to_json(orient="records")),
                "sources": json.loads(sources.to_json(orient="records")),
            }
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
            return
        if fmt == Format.TABLE and not precedence.empty:
            emit(
                precedence,
                fmt,
                title=f"Primary production series for {mineral} (one series per stage, "
                "never mixed across years)",
                columns=[
                    "stage",
                    "primary_series",
                    "primary_source_ids",
                    "years",
                    "other_series",
                    "breaks",
                ],
            )
            for row in precedence.itertuples():
                out.print(f"{row.stage}: {row.rule}", highlight=False)
    emit(
        sources,
        fmt,
        title="Sources" + (f" for {mineral}" if mineral else ""),
        columns=["source_id", "title", "publisher", "year", "doi_or_url", "licence"],
    )


@data_app.command("init")
@handle_errors
def data_init(
    directory: Annotated[Path, typer.Argument(help="Folder to create.", metavar="DIR")],
    force: Annotated[
        bool, typer.Option("--force", help="Write into DIR even if it holds files.")
    ] = False,
) -> None:
    """Write a template data package: every table's header, one worked example row, a README.

    The template is a complete, valid package (check it with 'critmin data
    validate DIR'). Edit it into your own data, or keep only the tables you
    supply (for example trade.csv and sources.csv): a folder that lacks some
    tables is laid over the shipped package by '--data DIR'.
    """
    from critmin.api import write_template

    written = write_template(directory, force=force)
    out.print(
        f"template package written to {directory} ({len(written)} files); see its README.md",
        highlight=False,
    )
