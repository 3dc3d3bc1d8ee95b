"""The public API: the verbs a user, a notebook or a service needs.

Build, run and read back are separate steps::

    import critmin

    world = critmin.load_world()
    model = critmin.build_model(world, "scenarios/china-escalation.yaml")
    results = critmin.simulate(model, paths=2000, keep_paths=50)
    results.summary()["minerals"]["gallium"]["expected_shortfall_t"]
    results.to_folder("runs/china")

or in one call, ``critmin.run_scenario("scenarios/china-escalation.yaml",
out="runs/china")``. A saved folder reads back with
``critmin.Results.from_folder("runs/china")``; ``critmin.compare_runs(a, b)``
compares two runs; ``critmin.sources_for(world, "gallium")`` lists the sources
behind a mineral's figures. Every error is a :class:`critmin.CritminError`
whose message says what, where, what was given and what is allowed.

Data packages: :func:`build_package` derives the curated package from the raw
public data, :func:`validate_package` checks a package (or an overlay on the
shipped one), :func:`write_template` starts one. The command line uses only
this module, the analyses (:mod:`critmin.risk`, :mod:`critmin.report`) and
the shared vocabulary (:mod:`critmin.errors`, :mod:`critmin.countries`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from critmin.engine.backend import Backend
from critmin.engine.run import COUNTERFACTUAL_PATHS, DEFAULT_BATCH, warm_up
from critmin.engine.run import simulate as _simulate_model
from critmin.errors import CritminError
from critmin.model import Model
from critmin.model import build_model as _build_model
from critmin.results import Export, Results, check_output_folder
from critmin.scenario import Scenario, ScenarioError, json_schema, load_scenario
from critmin.world.checks import Level
from critmin.world.load import World, default_path, load_world, validate_package
from critmin.world.provenance import Provenance, sources_for

if TYPE_CHECKING:
    from critmin.world.build import build_package
    from critmin.world.ingest.common import Severity
    from critmin.world.template import write_template

#: Names of the data-package tools, imported on first use (they load the ingest code).
_LAZY = {
    "build_package": "critmin.world.build",
    "Severity": "critmin.world.ingest.common",
    "write_template": "critmin.world.template",
}

#: Headline figures :func:`compare_runs` compares, per mineral.
COMPARE_METRICS = (
    "expected_shortfall_t",
    "p95_shortfall_t",
    "cvar95_shortfall_t",
    "peak_price_ratio",
    "trough_price_ratio_rest",
    "months_to_recovery_mean",
    "unrecovered_share",
    "short_path_share",
    "floor_cost_usd",
)

__all__ = [
    "COMPARE_METRICS",
    "Backend",
    "Export",
    "Level",
    "Model",
    "Provenance",
    "Results",
    "Scenario",
    "Severity",
    "World",
    "build_package",
    "build_model",
    "compare_runs",
    "default_path",
    "json_schema",
    "load_scenario",
    "load_world",
    "run_scenario",
    "simulate",
    "sources_for",
    "validate_package",
    "warm_up",
    "write_template",
]


def build_model(world: World, scenario: Scenario | Path | str) -> Model:
    """Check a scenario against the dataset and build the model the engine runs.

    Parameters
    ----------
    world
        The dataset (:func:`load_world`).
    scenario
        A scenario (:func:`load_scenario`) or the path of a scenario file.

    Raises
    ------
    ScenarioError
        Listing every problem, each with its place in the scenario (and the file).
    """
    if isinstance(scenario, Scenario):
        return _build_model(world, scenario)
    path = Path(scenario)
    loaded = load_scenario(path)
    try:
        return _build_model(world, loaded)
    except ScenarioError as exc:
        raise ScenarioError(str(path), exc.problems) from None
    except CritminError as exc:
        raise ScenarioError(str(path), [exc.message]) from None


def simulate(
    model: Model,
    *,
    paths: int | None = None,
    seed: int | None = None,
    keep_paths: int = 0,
    backend: Backend | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    counterfactual_paths: int = COUNTERFACTUAL_PATHS,
) -> Results:
    """Simulate a model and label the results.

    Parameters
    ----------
    model
        From :func:`build_model`.
    paths, seed
        Monte Carlo paths [paths] and seed; default: the scenario's.
    keep_paths
        Keep the monthly trajectories and event draws of the first
        ``keep_paths`` paths (``path_*`` variables of the dataset) [paths].
    backend
        Where the batches run; default: threads on this machine.
    batch_size, workers
        Paths per batch and threads: memory and speed only, never the results.
    progress
        Called with the number of paths done after each batch.
    counterfactual_paths
        Paths on which each mineral with strategic reserves is also simulated
        without them, for the paired comparison of what the reserves do
        (``reserve_effect`` in the summary) [paths]; 0 skips it.
    """
    run = _simulate_model(  # which refuses bad settings first (engine.run.check_run)
        model,
        paths=paths,
        seed=seed,
        keep_paths=keep_paths,
        backend=backend,
        batch_size=batch_size,
        progress=progress,
        workers=workers,
        counterfactual_paths=counterfactual_paths,
    )
    return Results.from_run(run)


def run_scenario(
    scenario: Scenario | Path | str,
    *,
    world: World | None = None,
    paths: int | None = None,
    seed: int | None = None,
    keep_paths: int = 0,
    out: Path | str | None = None,
    exports: Iterable[Export] = (),
    backend: Backend | None = None,
    progress: Callable[[int], None] | None = None,
    overwrite: bool = False,
) -> Results:
    """Build, simulate and (with ``out``) write a run folder, in one call.

    ``world`` defaults to the shipped dataset; ``exports`` adds CSV, Parquet or
    IAMC files to the folder; an earlier run in ``out`` is replaced only with
    ``overwrite`` (the folder is checked before the simulation starts). See
    :func:`build_model` and :func:`simulate`.
    """

    if out is not None:
        check_output_folder(Path(out), overwrite=overwrite)
    model = build_model(load_world() if world is None else world, scenario)
    results = simulate(
        model, paths=paths, seed=seed, keep_paths=keep_paths, backend=backend, progress=progress
    )
    if out is not None:
        results.to_folder(Path(out), exports, overwrite=overwrite)
    return results


def _results(run: Results | Path | str) -> Results:
    return run if isinstance(run, Results) else Results.from_folder(run)


def run_differences(a: Results, b: Results) -> list[str]:
    """What makes two runs not comparable figure by figure: a different horizon, set
    of minerals, units, or a mineral's price basis (each as one line)."""
    da, db = a.dataset, b.dataset
    out = []
    if da.attrs.get("horizon_months") != db.attrs.get("horizon_months"):
        out.append(
            f"horizon: {da.attrs.get('horizon_months')} months (A) against "
            f"{db.attrs.get('horizon_months')} (B)"
        )
    ma, mb = set(map(str, da["mineral"].values)), set(map(str, db["mineral"].values))
    if ma != mb:
        out.append(
            f"minerals: only in A {', '.join(sorted(ma - mb)) or 'none'}; only in B "
            f"{', '.join(sorted(mb - ma)) or 'none'}"
        )
    if da.attrs.get("units") != db.attrs.get("units"):
        out.append(f"units: {da.attrs.get('units')!r} (A) against {db.attrs.get('units')!r} (B)")
    for m in sorted(ma & mb):
        pa = float(da["base_price_usd_per_kg"].sel(mineral=m))
        pb = float(db["base_price_usd_per_kg"].sel(mineral=m))
        if pa != pb:
            out.append(f"{m}: baseline price US${pa:,.2f}/kg (A) against US${pb:,.2f}/kg (B)")
    return out


def compare_runs(
    a: Results | Path | str,
    b: Results | Path | str,
    metrics: Iterable[str] = COMPARE_METRICS,
    *,
    force: bool = False,
) -> pd.DataFrame:
    """B minus A for each mineral's headline figures (runs or run folders).

    One row per mineral and metric: ``a``, ``b`` and ``b_minus_a`` (None where
    a run lacks the mineral or the figure is undefined). Runs that differ in
    horizon, minerals, units or a mineral's price basis (:func:`run_differences`)
    are refused unless ``force``; the table's ``attrs["differences"]`` lists what
    differs either way.
    """
    ra, rb = _results(a), _results(b)
    differences = run_differences(ra, rb)
    if differences and not force:
        raise CritminError(
            "the two runs are not comparable figure by figure: " + "; ".join(differences),
            where="compare",
            allowed="runs with the same horizon, minerals and units, or --force (force=True) "
            "to subtract anyway",
        )
    sa, sb = ra.summary(), rb.summary()
    rows: list[dict[str, Any]] = []
    for mineral in sorted(set(sa["minerals"]) | set(sb["minerals"])):
        va = sa["minerals"].get(mineral, {})
        vb = sb["minerals"].get(mineral, {})
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
    table = pd.DataFrame(rows, columns=["mineral", "metric", "a", "b", "b_minus_a"])
    table.attrs["differences"] = differences
    return table


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'critmin.api' has no attribute {name!r}")
