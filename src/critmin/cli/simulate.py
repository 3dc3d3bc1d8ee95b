"""Commands of the disruption simulator: scenario schema/validate, simulate, compare."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from critmin.cli.app import (
    DataOption,
    Format,
    FormatOption,
    _world,
    app,
    emit,
    err,
    handle_errors,
    out,
)
from critmin.errors import CritminError
from critmin.scenario import ScenarioError, check_against_world, json_schema, load_scenario

scenario_app = typer.Typer(
    help="Write the scenario JSON Schema, or validate a scenario file.", no_args_is_help=True
)
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("schema")
@handle_errors
def scenario_schema(
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write to FILE instead of standard output.", metavar="FILE"),
    ] = None,
) -> None:
    """Write the JSON Schema of scenario files (for editors and CI checks)."""
    text = json.dumps(json_schema(), indent=2) + "\n"
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"schema written to {out_file}", highlight=False)


def _load_checked(path: Path, data: Path | None) -> tuple[Any, Any]:
    """A scenario validated against its schema and against the dataset."""
    from critmin.engine.run import prepare

    scenario = load_scenario(path)
    world = _world(data)
    problems = check_against_world(scenario, world)
    if problems:
        raise ScenarioError(str(path), problems)
    try:
        prepare(world, scenario)
    except CritminError as exc:
        raise ScenarioError(str(path), [exc.message]) from None
    return scenario, world


@scenario_app.command("validate")
@handle_errors
def scenario_validate(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.", metavar="FILE")],
    data: DataOption = None,
) -> None:
    """Check a scenario file: every error is listed with its path in the file."""
    scenario, _ = _load_checked(file, data)
    out.print(
        f"{file}: valid ({len(scenario.events)} events, {len(scenario.mineral_ids())} minerals, "
        f"{scenario.horizon_months} months, {scenario.paths} paths)",
        highlight=False,
    )


@app.command("simulate")
@handle_errors
def simulate_command(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario YAML file.", metavar="SCENARIO")],
    paths: Annotated[
        int | None, typer.Option("--paths", min=1, help="Monte Carlo paths (overrides the file).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Random seed (overrides the file).")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Run folder to write. Default: runs/<scenario>.", metavar="DIR"),
    ] = None,
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size", min=1, help="Paths per batch: memory and speed only, never results."
        ),
    ] = 1024,
    data: DataOption = None,
) -> None:
    """Run a stress-test scenario; write summary.json and the results files."""
    from critmin.engine.run import simulate
    from critmin.results import to_dataset, write_run

    scenario, world = _load_checked(scenario_file, data)
    total = paths or scenario.paths
    folder = out_dir or Path("runs") / scenario.name
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
        task = bar.add_task(scenario.name, total=total)
        run = simulate(
            world,
            scenario,
            paths=paths,
            seed=seed,
            batch_size=batch_size,
            progress=lambda done: bar.update(task, completed=done),
        )
    dataset = to_dataset(run)
    result = write_run(run, dataset, folder)
    elapsed = time.perf_counter() - start
    rows = [
        {
            "mineral": m,
            "expected_shortfall_t": v["expected_shortfall_t"],
            "expected_shortfall_share": v["expected_shortfall_share"],
            "p95_shortfall_t": v["p95_shortfall_t"],
            "peak_price_ratio": v["peak_price_ratio"],
            "peak_price_ratio_rest": v["peak_price_ratio_rest"],
            "months_to_recovery_mean": v["months_to_recovery_mean"],
        }
        for m, v in result["minerals"].items()
    ]
    emit(
        pd.DataFrame(rows),
        Format.TABLE,
        title=f"{scenario.name}: {run.paths:,} paths, seed {run.seed}",
    )
    out.print(
        f"mass balance max relative error {result['mass_balance_max_rel_error']:.2e}; "
        f"{elapsed:.1f} s; results in {folder}",
        highlight=False,
    )


@app.command("compare")
@handle_errors
def compare_command(
    run_a: Annotated[Path, typer.Argument(help="First run folder.", metavar="RUN_A")],
    run_b: Annotated[Path, typer.Argument(help="Second run folder.", metavar="RUN_B")],
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Compare two runs mineral by mineral: B minus A for the headline figures."""
    from critmin.results import read_run

    a, _ = read_run(run_a)
    b, _ = read_run(run_b)
    metrics = [
        "expected_shortfall_t",
        "p95_shortfall_t",
        "cvar95_shortfall_t",
        "peak_price_ratio",
        "months_to_recovery_mean",
        "floor_cost_usd",
    ]
    rows = []
    for mineral in sorted(set(a["minerals"]) | set(b["minerals"])):
        va = a["minerals"].get(mineral, {})
        vb = b["minerals"].get(mineral, {})
        for metric in metrics:
            x, y = va.get(metric), vb.get(metric)
            rows.append(
                {
                    "mineral": mineral,
                    "metric": metric,
                    "a": x,
                    "b": y,
                    "b_minus_a": None if x is None or y is None else y - x,
                }
            )
    emit(
        pd.DataFrame(rows),
        fmt,
        title=f"{b['scenario']} ({run_b}) minus {a['scenario']} ({run_a})",
    )
