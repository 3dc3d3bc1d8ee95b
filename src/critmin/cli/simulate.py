"""Commands of the disruption simulator (scenario, simulate, compare) and the demo."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from critmin import risk
from critmin.cli.app import (
    VULNERABILITY_COLUMNS,
    DataOption,
    Format,
    FormatOption,
    SourceOption,
    _priority_columns,
    _world,
    app,
    emit,
    err,
    handle_errors,
    out,
    vulnerability_report,
)
from critmin.errors import CritminError
from critmin.scenario import ScenarioError, json_schema, load_scenario

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


def _load_checked(path: Path, data: Path | None, source: str | None = None) -> Any:
    """A scenario validated against its schema and built on the dataset (a Model)."""
    from critmin.model import build_model

    scenario = load_scenario(path)
    world = _world(data, source)
    try:
        return build_model(world, scenario)
    except ScenarioError as exc:
        raise ScenarioError(str(path), exc.problems) from None
    except CritminError as exc:
        raise ScenarioError(str(path), [exc.message]) from None


@scenario_app.command("validate")
@handle_errors
def scenario_validate(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.", metavar="FILE")],
    data: DataOption = None,
) -> None:
    """Check a scenario file: every error is listed with its path in the file."""
    scenario = _load_checked(file, data).scenario
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
    source: SourceOption = None,
) -> None:
    """Run a stress-test scenario; write summary.json and the results files."""
    model = _load_checked(scenario_file, data, source)
    folder = out_dir or Path("runs") / model.name
    run_to_folder(model, folder, paths=paths, seed=seed, batch_size=batch_size)


def run_to_folder(
    model: Any, folder: Path, *, paths: int | None, seed: int | None, batch_size: int
) -> dict[str, Any]:
    """Simulate with a progress bar, write the run folder, print the headline table."""
    from critmin.engine.run import simulate
    from critmin.results import to_dataset, write_run

    total = paths or model.paths
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
        run = simulate(
            model,
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
        title=f"{model.name}: {run.paths:,} paths, seed {run.seed}",
    )
    out.print(
        f"mass balance max relative error {result['mass_balance_max_rel_error']:.2e}; "
        f"{elapsed:.1f} s; results in {folder}",
        highlight=False,
    )
    return result


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
    from critmin.report import simulation_report

    world = _world(data)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = risk.concentration(world)
    emit(
        frame,
        Format.TABLE,
        title="Vulnerability map: latest year per mineral and stage",
        columns=VULNERABILITY_COLUMNS,
    )
    prio = risk.priorities(world)
    emit(prio, Format.TABLE, title="Priority minerals", columns=_priority_columns(prio))
    frame.to_csv(out_dir / "vulnerability.csv", index=False)
    prio_out = prio.copy()
    for col in prio_out.columns:
        if prio_out[col].apply(lambda v: isinstance(v, list)).any():
            prio_out[col] = prio_out[col].apply(
                lambda v: ";".join(map(str, v)) if isinstance(v, list) else v
            )
    prio_out.to_csv(out_dir / "priorities.csv", index=False)
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
    model = _load_checked(scenario_file, data)
    folder = out_dir / model.name
    run_to_folder(model, folder, paths=paths, seed=None, batch_size=1024)
    report = simulation_report(folder)
    out.print(f"stress-test report written to {report}", highlight=False)


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
        "trough_price_ratio_rest",
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
