"""Commands of the disruption simulator (scenario, simulate, compare) and the demo."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from critmin import labels
from critmin.cli.app import app
from critmin.cli.common import (
    DataOption,
    Format,
    FormatOption,
    SourceOption,
    emit,
    err,
    flat_lists,
    handle_errors,
    out,
    priority_columns,
    world_from,
)
from critmin.errors import CritminError

if TYPE_CHECKING:
    from critmin.api import Export, Model, Results

scenario_app = typer.Typer(
    help="Write the scenario JSON Schema, or validate a scenario file.", no_args_is_help=True
)
app.add_typer(scenario_app, name="scenario")

#: Headline figures printed after a run, per mineral.
HEADLINE = (
    "expected_shortfall_t",
    "expected_shortfall_share",
    "short_path_share",
    "p95_shortfall_t",
    "peak_price_ratio",
    "peak_price_ratio_rest",
    "months_to_recovery_mean",
    "unrecovered_share",
)
#: The ``--export`` values.
EXPORTS = ("csv", "parquet", "iamc", "xlsx")


@scenario_app.command("schema")
@handle_errors
def scenario_schema(
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write to FILE instead of standard output.", metavar="FILE"),
    ] = None,
) -> None:
    """Write the JSON Schema of scenario files (for editors and CI checks)."""
    from critmin.api import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"schema written to {out_file}", highlight=False)


def _model(path: Path, data: Path | None, source: str | None = None) -> Model:
    """The model of a scenario file on the chosen dataset (every check run once)."""
    from critmin.api import build_model

    return build_model(world_from(data, source), path)


@scenario_app.command("validate")
@handle_errors
def scenario_validate(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.", metavar="FILE")],
    data: DataOption = None,
) -> None:
    """Check a scenario file: every error is listed with its path in the file."""
    scenario = _model(file, data).scenario
    out.print(
        f"{file}: valid ({len(scenario.events)} events, {len(scenario.mineral_ids())} minerals, "
        f"{scenario.horizon_months} months, {scenario.paths} paths)",
        highlight=False,
    )


def _exports(values: list[str] | None) -> list[Export]:
    from critmin.api import Export

    chosen = []
    for item in values or []:
        for name in (v.strip().lower() for v in item.split(",")):
            if name not in EXPORTS:
                raise CritminError(
                    "unknown export", where="--export", given=name, allowed=", ".join(EXPORTS)
                )
            chosen.append(Export(name))
    return chosen


@app.command("simulate")
@handle_errors
def simulate_command(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario YAML file.", metavar="SCENARIO")],
    paths: Annotated[
        int | None, typer.Option("--paths", min=1, help="Monte Carlo paths (overrides the file).")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, max=2**63 - 1, help="Random seed (overrides the file)."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Run folder to write. Default: runs/<scenario>.", metavar="DIR"),
    ] = None,
    keep_paths: Annotated[
        int,
        typer.Option(
            "--keep-paths",
            min=0,
            help="Also store the monthly trajectories and event draws of the first K paths "
            "in results.nc (path_* variables).",
            metavar="K",
        ),
    ] = 0,
    export: Annotated[
        list[str] | None,
        typer.Option(
            "--export",
            help="Also write csv (summary.csv, monthly.csv), parquet (the same as Parquet), "
            "iamc (iamc.csv) or xlsx (results.xlsx); repeat or comma-separate. Default: csv.",
        ),
    ] = None,
    xlsx: Annotated[
        bool,
        typer.Option(
            "--xlsx",
            help="Also write results.xlsx: the summary, monthly and price tables, the "
            "reserves and a glossary, with units in the headings (as --export xlsx).",
        ),
    ] = False,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="Calendar month of month 0, as YYYY-MM: iamc.csv dates its months from it "
            "(default: the scenario's calendar_start, else 2000-01, a nominal calendar).",
            metavar="YYYY-MM",
        ),
    ] = None,
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size", min=1, help="Paths per batch: memory and speed only, never results."
        ),
    ] = 1024,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite", help="Replace an earlier run in the output folder, as a whole."
        ),
    ] = False,
    data: DataOption = None,
    source: SourceOption = None,
) -> None:
    """Run a stress-test scenario; write summary.json, scenario.yaml, results.nc and
    manifest.json."""
    from critmin.api import Export, Results, check_output_folder

    exports = _exports(export if export is not None else ["csv"])
    if xlsx and Export.XLSX not in exports:
        exports.append(Export.XLSX)
    if start is not None:
        start = Results.check_start_month(start, where="--start")
    if out_dir is not None:  # checked before any work
        check_output_folder(out_dir, overwrite=overwrite, option="--out")
    model = _model(scenario_file, data, source)
    folder = out_dir or Path("runs") / model.name
    check_output_folder(folder, overwrite=overwrite, option="--out")
    if paths is not None and keep_paths > paths:
        raise CritminError(
            "cannot keep more paths than are run",
            where="--keep-paths",
            given=str(keep_paths),
            allowed=f"0 to --paths ({paths})",
        )
    results = run_to_folder(
        model,
        folder,
        paths=paths,
        seed=seed,
        keep_paths=keep_paths,
        batch_size=batch_size,
        exports=exports,
        overwrite=overwrite,
        start_month=start,
    )
    if Export.IAMC in exports and results.start_month is None:
        err.print(
            "note: iamc.csv dates month 0 as 2000-01, a nominal calendar; give --start "
            "YYYY-MM (or the scenario's calendar_start) to date it",
            highlight=False,
        )


def warm_up(model: Model) -> None:
    """Load the compiled kernel, saying so while it compiles on a first run."""
    from critmin.api import warm_up as load_kernel

    start = time.perf_counter()
    with err.status(
        "Loading the simulation kernel (the first run after installing compiles it: "
        "about a minute, once)",
        spinner="dots",
    ):
        compiled = load_kernel(model)
    if compiled:
        err.print(
            f"compiled the simulation kernel in {time.perf_counter() - start:.0f} s; "
            "later runs load it from numba's cache",
            highlight=False,
        )


def run_to_folder(
    model: Model,
    folder: Path,
    *,
    paths: int | None,
    seed: int | None,
    keep_paths: int = 0,
    batch_size: int = 1024,
    exports: list[Export] | None = None,
    overwrite: bool = False,
    start_month: str | None = None,
) -> Results:
    """Simulate with a progress bar, write the run folder, print the headline table;
    ``start_month`` (``YYYY-MM``) is the calendar month of month 0."""
    import pandas as pd
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from critmin.api import simulate

    total = paths or model.paths
    warm_up(model)
    start = time.perf_counter()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} paths"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=not err.is_terminal,
    ) as bar:
        task = bar.add_task(model.name, total=total)
        results = simulate(
            model,
            paths=paths,
            seed=seed,
            keep_paths=keep_paths,
            batch_size=batch_size,
            progress=lambda done: bar.update(task, completed=done),
        )
    if start_month is not None:  # --start wins over the scenario's calendar_start
        results.start_month = start_month
    results.to_folder(folder, exports or [], overwrite=overwrite)
    elapsed = time.perf_counter() - start
    result = results.summary()
    rows = [{"mineral": m, **{k: v[k] for k in HEADLINE}} for m, v in result["minerals"].items()]
    emit(
        pd.DataFrame(rows, columns=["mineral", *HEADLINE]),
        Format.TABLE,
        title=f"{model.name}: {result['paths']:,} paths, seed {result['seed']}",
    )
    kept = f"; {keep_paths:,} paths kept" if keep_paths else ""
    out.print(
        f"mass balance max relative error {result['mass_balance_max_rel_error']:.2e}; "
        f"{elapsed:.1f} s{kept}; results in {folder}",
        highlight=False,
    )
    return results


@app.command("demo")
@handle_errors
def demo_command(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for outputs.", metavar="DIR")
    ] = Path("out"),
    scenario_file: Annotated[
        Path,
        typer.Option("--scenario", help="Stress-test scenario to run.", metavar="FILE"),
    ] = Path("scenarios/china-escalation.yaml"),
    paths: Annotated[
        int | None, typer.Option("--paths", min=1, help="Paths (default: the scenario's).")
    ] = None,
    data: DataOption = None,
) -> None:
    """The main job on the shipped data: vulnerability map, priorities, a stress test, reports."""
    from critmin import risk
    from critmin.api import build_model
    from critmin.report import simulation_report, vulnerability_report

    world = world_from(data)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = risk.concentration(world)
    emit(
        frame,
        Format.TABLE,
        title="Vulnerability map: latest year per mineral and stage",
        columns=risk.VULNERABILITY_COLUMNS,
    )
    prio = risk.priorities(world)
    emit(prio, Format.TABLE, title="Priority minerals", columns=priority_columns(prio))
    frame.to_csv(out_dir / "vulnerability.csv", index=False)
    flat_lists(prio).to_csv(out_dir / "priorities.csv", index=False)
    path = vulnerability_report(world, out_dir / "vulnerability-report.html")
    out.print(
        f"wrote {out_dir / 'vulnerability.csv'}, {out_dir / 'priorities.csv'} and {path}",
        highlight=False,
    )
    if not scenario_file.is_file():
        raise CritminError(
            "stress-test scenario not found",
            where="--scenario",
            given=str(scenario_file),
            allowed="a scenario file (run from the project folder for scenarios/)",
        )
    model = build_model(world, scenario_file)
    folder = out_dir / model.name
    # the demo's own run folder under --out is replaced on every demo
    run_to_folder(model, folder, paths=paths, seed=None, exports=_exports(["csv"]), overwrite=True)
    report = simulation_report(folder)
    out.print(f"stress-test report written to {report}", highlight=False)


def _compared(metric: str, value: Any, column: str) -> str:
    """A compared figure as text in its metric's format; a difference of price ratios
    is signed, not a multiple.

    >>> _compared("peak_price_ratio", 0.5, "b_minus_a"), _compared("peak_price_ratio", 2.0, "a")
    ('+0.50', '×2.00')
    """
    if column == "b_minus_a" and labels.label(metric).kind == labels.Kind.RATIO and value == value:
        return "n/a" if value is None else f"{float(value):+.2f}"
    return labels.format_value(metric, value) or "n/a"


@app.command("compare")
@handle_errors
def compare_command(
    run_a: Annotated[Path, typer.Argument(help="First run folder.", metavar="RUN_A")],
    run_b: Annotated[Path, typer.Argument(help="Second run folder.", metavar="RUN_B")],
    fmt: FormatOption = Format.TABLE,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Subtract runs that differ in horizon, minerals, units or price basis, "
            "saying what differs.",
        ),
    ] = False,
) -> None:
    """Compare two runs mineral by mineral: B minus A for the headline figures."""
    from critmin.api import Results, compare_runs

    a, b = Results.from_folder(run_a), Results.from_folder(run_b)
    table = compare_runs(a, b, force=force)
    for line in table.attrs.get("differences", []):
        err.print(f"warning: the runs differ: {line}", highlight=False)
    if fmt == Format.TABLE:  # each row in its metric's words, unit and number format
        metrics = table["metric"].tolist()
        table = table.assign(
            metric=[labels.heading(m) for m in metrics],
            **{
                col: [_compared(m, v, col) for m, v in zip(metrics, table[col], strict=True)]
                for col in ("a", "b", "b_minus_a")
            },
        )
    emit(table, fmt, title=f"{b.name} ({run_b}) minus {a.name} ({run_a})")
