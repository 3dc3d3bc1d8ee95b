"""``critmin floor``: a price floor's fiscal cost on simulated price paths."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

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
    group_codes,
    handle_errors,
    jsonable,
    world_from,
)
from critmin.errors import CritminError

#: The scenario a floor is priced under when none is given (run from the project folder).
DEFAULT_SCENARIO = Path("scenarios/china-escalation.yaml")
#: Paths simulated (and kept) when ``--paths`` is not given.
DEFAULT_PATHS = 1000
#: Most paths a floor run keeps (their monthly trajectories are held in memory).
MAX_PATHS = 20_000


def _positive(value: float | None, option: str, *, low: float = 0.0) -> None:
    if value is not None and not (value == value and low < value < float("inf")):
        raise CritminError(
            "value out of range", where=option, given=f"{value:g}", allowed=f"a number > {low:g}"
        )


@app.command("floor")
@handle_errors
def floor_command(
    mineral: Annotated[str, typer.Argument(help="Mineral id, e.g. rare-earths.")],
    level: Annotated[
        float, typer.Option("--level", help="Floor price [USD/kg].", metavar="USD_PER_KG")
    ],
    covered: Annotated[
        str,
        typer.Option(
            "--covered",
            help="Producers the floor covers: ISO3 codes or groups, comma-separated.",
            metavar="ISO3,...",
        ),
    ] = "ALLIANCE",
    covered_share: Annotated[
        float, typer.Option("--covered-share", help="Share of their output covered (0-1].")
    ] = 1.0,
    ceiling: Annotated[
        float | None,
        typer.Option(
            "--ceiling", help="Price above which upside is shared [USD/kg].", metavar="USD_PER_KG"
        ),
    ] = None,
    upside_share: Annotated[
        float,
        typer.Option("--upside-share", help="Share of the upside above the ceiling returned."),
    ] = 1.0,
    volume_cap: Annotated[
        float | None,
        typer.Option("--volume-cap", help="Most tonnes a month covered.", metavar="T"),
    ] = None,
    term: Annotated[
        int | None,
        typer.Option("--term-months", help="Months the contract runs from month 0."),
    ] = None,
    scenario_file: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="Scenario to price the floor under. Default: scenarios/china-escalation.yaml.",
            metavar="FILE",
        ),
    ] = None,
    paths: Annotated[
        int | None, typer.Option("--paths", help=f"Paths (default {DEFAULT_PATHS:,}).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed (default: the scenario's).")
    ] = None,
    data: DataOption = None,
    source: SourceOption = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """A contract-for-difference price floor's fiscal cost on simulated price paths.

    The scenario runs with the floor on MINERAL (covered producers respond to it);
    the floor's payments are then priced on every path: expected, 1-in-20 and
    worst-5 % annual cost, cost per tonne covered, and the chance it pays each year.
    """
    from critmin.api import build_model, load_scenario, simulate
    from critmin.finance.floors import FloorTerms, floor_report, with_floor

    _positive(level, "--level")
    _positive(volume_cap, "--volume-cap")
    if ceiling is not None and not (ceiling == ceiling and ceiling >= level):
        raise CritminError(
            "the ceiling is below the floor",
            where="--ceiling",
            given=f"{ceiling:g}",
            allowed=f"a price >= --level ({level:g} USD/kg)",
        )
    if not 0.0 <= upside_share <= 1.0:
        raise CritminError(
            "value out of range",
            where="--upside-share",
            given=f"{upside_share:g}",
            allowed="0 to 1",
        )
    if not 0.0 < covered_share <= 1.0:
        raise CritminError(
            "value out of range",
            where="--covered-share",
            given=f"{covered_share:g}",
            allowed="above 0, at most 1",
        )
    if term is not None and term < 1:
        raise CritminError("value out of range", where="--term-months", given=str(term),
                           allowed="1 or more months")  # fmt: skip
    runs = DEFAULT_PATHS if paths is None else paths
    if not 1 <= runs <= MAX_PATHS:
        raise CritminError(
            "value out of range",
            where="--paths",
            given=str(runs),
            allowed=f"1 to {MAX_PATHS:,} (every path's trajectory is kept)",
        )
    codes = group_codes(covered)
    if not codes:
        raise CritminError(
            "no covered producers", where="--covered", allowed="ISO3 codes or groups"
        )
    terms = FloorTerms(
        mineral=mineral,
        floor_usd_per_kg=level,
        covered=tuple(codes),
        covered_share=covered_share,
        ceiling_usd_per_kg=ceiling,
        upside_share=upside_share,
        volume_cap_t=volume_cap,
        term_months=term,
    )
    scenario = with_floor(load_scenario(scenario_file or DEFAULT_SCENARIO), terms)
    world = world_from(data, source)
    if mineral not in world.mineral_ids:
        raise CritminError(
            "unknown mineral", where="MINERAL", given=mineral, allowed=", ".join(world.mineral_ids)
        )
    model = build_model(world, scenario)
    results = simulate(model, paths=runs, seed=seed, keep_paths=runs)
    report = floor_report(results.dataset, terms)
    if not report["expected_covered_t"] > 0:
        err.print(
            f"note: the covered producers ({', '.join(codes)}) have no output of {mineral} at "
            "its final stage in this dataset, so the floor covers nothing",
            highlight=False,
        )
    if fmt == Format.JSON:
        sys.stdout.write(json.dumps(_json(report), indent=2) + "\n")
        return
    _table(report, fmt, covered)


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return jsonable(value)


def _table(report: dict[str, Any], fmt: Format, covered: str) -> None:
    import pandas as pd

    keys = [
        "expected_annual_cost_usd",
        "p95_annual_cost_usd",
        "cvar95_annual_cost_usd",
        "expected_total_cost_usd",
        "expected_upside_returned_usd",
        "expected_covered_t",
        "usd_per_t_secured",
        "simulator_expected_floor_cost_usd",
    ]
    rows = [
        {"metric": labels.heading(k), "value": labels.format_value(k, report[k]) or "n/a"}
        for k in keys
    ]
    rows += [
        {"metric": f"Chance the floor pays in year {y + 1} [%]", "value": labels.share(p)}
        for y, p in enumerate(report["paying_probability_by_year"])
    ]
    title = (
        f"{report['mineral']} floor at {report['floor_usd_per_kg']:g} USD/kg on "
        f"{covered}: {report['scenario']}, {report['paths']:,} paths"
    )
    emit(pd.DataFrame(rows, columns=["metric", "value"]), fmt, title=title)
