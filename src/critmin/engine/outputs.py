"""Every output variable of a run, declared once: name, dimensions, unit, description.

Two tables:

- :data:`PER_PATH` lists what each path produces. Its *trajectories* are the
  kernel's buffers (filled month by month, path-last:
  ``(month[, consumer|holder|segment], path)``), in the order the compiled
  kernel receives them; its *figures* are per-path quantities derived from
  the trajectories after the kernel (a path's cumulative shortfall, its peak
  price, its months to recovery).
- :data:`OUTPUTS` lists every variable of ``results.nc``: a statistic of a
  per-path quantity (``source`` and ``reduction``), a figure of the model
  (baseline demand, reserve targets, cost shares), a figure derived from
  other outputs, or a per-path sample kept with ``keep_paths``.

The kernel's buffers (:class:`critmin.engine.kernel.Trajectories`), the
streaming statistics (:mod:`critmin.engine.stats`), the labelled dataset
(:mod:`critmin.results`), its units and docs/outputs.md are all built from
these tables. ``python -m critmin.engine.outputs docs/outputs.md`` rewrites the
document's generated section.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np


class PathKind(StrEnum):
    """Kinds of per-path quantity."""

    TRAJECTORY = "trajectory"  # a kernel buffer, written month by month
    FIGURE = "figure"  # derived from the trajectories after the kernel


class Scale(StrEnum):
    """Histogram bins of a per-path quantity's distribution statistics."""

    CUMULATIVE_DEMAND = "cumulative-demand"  # linear, 0 to the cell's demand over the horizon
    DEMAND_SHARE = "demand-share"  # linear, 0 to 1 plus the largest surge
    PRICE_RATIO = "price-ratio"  # log-spaced, 1 / max to max price ratio, bins per 1/10-10
    RESERVE_STOCK = "reserve-stock"  # linear, 0 to 1.25 x the largest reserve target
    MONTHS = "months"  # one bin per whole month, 0 to the horizon


class Reduction(StrEnum):
    """How a statistic condenses a per-path quantity over the paths."""

    MEAN = "mean"  # the mean of each cell
    TOTAL = "total"  # the mean of each path's sum over months
    MAX = "max"  # the largest value of any cell and path
    MIN = "min"  # the smallest value of any cell and path
    FAN = "fan"  # the fan quantiles of each cell (histogram)
    QUANTILES = "quantiles"  # the reported quantiles of each cell (histogram)
    BINNED_MEAN = "binned-mean"  # the mean of each cell, from the histogram's bin sums
    CVAR95 = "cvar95"  # the mean of the worst 5 % of paths (histogram with bin sums)
    RECOVERED_MEAN = "recovered-mean"  # the mean over paths within the histogram's range
    RECOVERED_P95 = "recovered-p95"  # the 95th percentile, NaN when beyond the range
    ABOVE_FIRST_BIN = "above-first-bin"  # the share of paths above the histogram's first bin


#: What each reduction computes (docs/outputs.md).
REDUCTION_TEXT = {
    Reduction.MEAN: "the mean over paths of each cell",
    Reduction.TOTAL: "the mean over paths of each path's sum over the months",
    Reduction.MAX: "the largest value of any cell on any path",
    Reduction.MIN: "the smallest value of any cell on any path",
    Reduction.FAN: "the fan quantiles of each cell, interpolated within fixed histogram bins",
    Reduction.QUANTILES: "the reported quantiles of each cell, interpolated within "
    "fixed histogram bins",
    Reduction.BINNED_MEAN: "the mean of each cell, as the sum over histogram bins of each "
    "bin's value sum over the paths (exact up to rounding)",
    Reduction.CVAR95: "the mean of the worst 5 % of paths (conditional value at risk): "
    "whole bins above the 95th percentile's bin, and a share of that bin",
    Reduction.RECOVERED_MEAN: "the mean over the paths whose value lies within the "
    "histogram's range (whole months up to the horizon, exact): paths beyond it, not "
    "recovered, are left out, never averaged as if they had recovered",
    Reduction.RECOVERED_P95: "the 95th percentile over all paths, interpolated within "
    "fixed bins; NaN when it lies beyond the horizon (more than 5 % not recovered)",
    Reduction.ABOVE_FIRST_BIN: "the share of paths whose value lies above the histogram's "
    "first edge (exact on whole months: the paths with at least one month short)",
}
#: Reductions that need a histogram; those that need its per-bin value sums.
HISTOGRAM_REDUCTIONS = frozenset(
    {
        Reduction.FAN,
        Reduction.QUANTILES,
        Reduction.BINNED_MEAN,
        Reduction.CVAR95,
        Reduction.RECOVERED_MEAN,
        Reduction.RECOVERED_P95,
        Reduction.ABOVE_FIRST_BIN,
    }
)
SUM_REDUCTIONS = frozenset({Reduction.BINNED_MEAN, Reduction.CVAR95})


class OutputKind(StrEnum):
    """Where a ``results.nc`` variable comes from."""

    STATISTIC = "statistic"  # a reduction of a per-path quantity over the paths
    MODEL = "model"  # a figure of the model (baseline market, policies)
    DERIVED = "derived"  # computed from other outputs
    SAMPLE = "sample"  # per path, for the first ``keep_paths`` paths
    COUNTERFACTUAL = "counterfactual"  # a statistic of the paired paths without the reserves
    PAIRED = "paired"  # the same statistic of the paired paths with the reserves


#: Quantiles reported for per-path totals; quantiles of the monthly fan charts.
QUANTILES = (0.5, 0.95, 0.99)
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: The price segments: buyers inside the alliance, and the rest of the world.
SEGMENTS = ("alliance", "rest")
#: What limited supply, the causes unmet demand is attributed to (docs/methods.md,
#: "What limited supply"): demand the price rationed, then the physical deficit
#: split pro rata to the month's supply lost to the final-stage restriction, to
#: outages of the selling stage, to refiners' want of feed (a mining-stage
#: restriction or outage), and to capacity that capped the price response; with no
#: such loss, to stocks that could not cover demand.
CAUSES = ("price", "restriction", "output_outage", "refiners_feed", "capacity", "stocks")
#: The consumer label of world totals (the last row of a figure's consumer dimension).
WORLD = "WORLD"
#: Bins of the fan-chart histograms.
FAN_BINS = 200


@dataclass(frozen=True)
class PerPath:
    """A quantity each path produces.

    ``dims`` exclude the path (always last in the arrays). A ``consumer``
    dimension of a figure has one row per consumer and a last row for the
    world. ``kept``: stored per path with ``keep_paths``. ``scale`` and
    ``bins``: the histogram of its distribution statistics (``bins`` 0: one
    per whole month).
    """

    name: str
    kind: PathKind
    dims: tuple[str, ...]
    unit: str
    description: str
    dtype: type = np.float64
    kept: bool = False
    scale: Scale | None = None
    bins: int = 0


@dataclass(frozen=True)
class Output:
    """A variable of ``results.nc``; ``source`` and ``reduction`` for statistics and samples."""

    name: str
    kind: OutputKind
    dims: tuple[str, ...]
    unit: str
    description: str
    source: str | None = None
    reduction: Reduction | None = None


_T = PathKind.TRAJECTORY
_F = PathKind.FIGURE

#: Per-path quantities; the trajectories in the order of the kernel's buffers.
PER_PATH: tuple[PerPath, ...] = (
    PerPath(
        "demand_t", _T, ("month", "consumer"), "t/month",
        "demand wanted at baseline prices, with surges and long-run adaptation", kept=True,
    ),
    PerPath("consumption_t", _T, ("month", "consumer"), "t/month", "consumption", kept=True),
    PerPath(
        "unmet_t", _T, ("month", "consumer"), "t/month",
        "unmet demand: demand wanted minus consumption", kept=True,
    ),
    PerPath(
        "price_ratio", _T, ("month", "segment"), "ratio",
        "price as a ratio to the baseline price, per segment", kept=True,
        scale=Scale.PRICE_RATIO, bins=FAN_BINS,
    ),
    PerPath(
        "reserve_stock_t", _T, ("month", "holder"), "t",
        "strategic reserve stock at the end of the month", kept=True,
        scale=Scale.RESERVE_STOCK, bins=FAN_BINS,
    ),
    PerPath(
        "reserve_purchase_usd", _T, ("month", "holder"), "USD",
        "spending on reserve purchases", kept=True,
    ),
    PerPath(
        "reserve_release_usd", _T, ("month", "holder"), "USD",
        "revenue from reserve releases", kept=True,
    ),
    PerPath(
        "reserve_release_t", _T, ("month", "holder"), "t/month", "reserve releases", kept=True
    ),
    PerPath(
        "floor_cost_usd", _T, ("month",), "USD",
        "price-floor payments to covered producers", kept=True,
    ),
    PerPath(
        "floor_covered_t", _T, ("month", "segment"), "t/month",
        "output the price floor covers (covered producers' output times the covered share), "
        "by the price segment it sells in", kept=True,
    ),
    PerPath(
        "withheld_t", _T, ("month",), "t/month",
        "volume withheld by export restrictions", kept=True,
    ),
    PerPath(
        "mass_error_share", _T, ("month",), "share",
        "relative error of the month's mass balance",
    ),
    PerPath("min_stock_t", _T, (), "t", "the lowest stock of any kind over the horizon"),
    PerPath(
        "restricted", _T, ("month",), "bool", "an export restriction is active", dtype=np.bool_
    ),
    PerPath(
        "at_cap", _T, ("month", "segment"), "bool",
        "the segment's clearing price is at the numerical cap (max_price_ratio or its "
        "inverse), so the cap, not the market, sets the next price move",
        dtype=np.bool_, kept=True,
    ),
    PerPath(
        "unmet_by_cause_t", _T, ("consumer", "cause"), "t",
        "unmet demand summed over the horizon, by what limited supply (CAUSES)",
    ),
    PerPath(
        "shortfall_t", _F, ("consumer",), "t",
        "unmet demand summed over the horizon", scale=Scale.CUMULATIVE_DEMAND, bins=2000,
    ),
    PerPath(
        "shortfall_share", _F, ("month",), "share",
        "the world's unmet share of demand in the month", scale=Scale.DEMAND_SHARE,
        bins=FAN_BINS,
    ),
    PerPath(
        "peak_price_ratio", _F, ("segment",), "ratio",
        "the highest monthly price ratio", scale=Scale.PRICE_RATIO, bins=400,
    ),
    PerPath(
        "trough_price_ratio", _F, ("segment",), "ratio",
        "the lowest monthly price ratio", scale=Scale.PRICE_RATIO, bins=400,
    ),
    PerPath(
        "recovery_months", _F, ("consumer",), "months",
        "months from the first to the end of the last month with an unmet share above "
        "the recovery threshold (0 when never above; horizon + 1 when still above in the "
        "last month: not recovered)", scale=Scale.MONTHS,
    ),
    PerPath(
        "unrecovered", _F, ("consumer",), "share",
        "1 when the unmet share is still above the recovery threshold in the last month",
    ),
    PerPath(
        "price_cap_share", _F, (), "share",
        "share of months in which either segment's clearing price is at the cap",
    ),
)  # fmt: skip

_S = OutputKind.STATISTIC
_M = OutputKind.MODEL
_D = OutputKind.DERIVED
_P = OutputKind.SAMPLE
_C = OutputKind.COUNTERFACTUAL
_Q = OutputKind.PAIRED
_R = Reduction

_STATISTICS: tuple[Output, ...] = (
    Output(
        "expected_shortfall_t", _S, ("mineral", "consumer"), "t",
        "mean unmet demand over the horizon", "shortfall_t", _R.BINNED_MEAN,
    ),
    Output(
        "baseline_demand_t", _M, ("mineral", "consumer"), "t",
        "baseline demand over the horizon",
    ),
    Output(
        "shortfall_quantile_t", _S, ("mineral", "consumer", "quantile"), "t",
        "quantiles of unmet demand over the horizon", "shortfall_t", _R.QUANTILES,
    ),
    Output(
        "cvar95_shortfall_t", _S, ("mineral", "consumer"), "t",
        "mean unmet demand over the horizon on the worst 5 % of paths", "shortfall_t", _R.CVAR95,
    ),
    Output(
        "months_to_recovery_mean", _S, ("mineral", "consumer"), "months",
        "mean months to recovery of the paths that recovered by the last month (0 for a "
        "path never short); NaN when none did: see unrecovered_share",
        "recovery_months", _R.RECOVERED_MEAN,
    ),
    Output(
        "months_to_recovery_p95", _S, ("mineral", "consumer"), "months",
        "95th percentile of months to recovery over all paths; NaN when more than 5 % "
        "of paths had not recovered by the last month", "recovery_months", _R.RECOVERED_P95,
    ),
    Output(
        "unrecovered_share", _S, ("mineral", "consumer"), "share",
        "share of paths not recovered by the last month", "unrecovered", _R.MEAN,
    ),
    Output(
        "short_path_share", _S, ("mineral", "consumer"), "share",
        "share of paths with at least one month whose unmet share of demand is above the "
        "recovery threshold (how likely a consumer runs short)", "recovery_months",
        _R.ABOVE_FIRST_BIN,
    ),
    Output(
        "price_cap_binding_share", _S, ("mineral",), "share",
        "share of path-months in which either segment's clearing price is at the numerical "
        "cap", "price_cap_share", _R.MEAN,
    ),
    Output(
        "unmet_by_cause_t", _S, ("mineral", "consumer", "cause"), "t",
        "mean unmet demand over the horizon by what limited supply: demand priced out, the "
        "restriction, outages, refiners' feed, capacity, stocks", "unmet_by_cause_t", _R.MEAN,
    ),
    Output(
        "unmet_mean_t", _S, ("mineral", "consumer", "month"), "t/month",
        "mean unmet demand per month", "unmet_t", _R.MEAN,
    ),
    Output(
        "demand_mean_t", _S, ("mineral", "consumer", "month"), "t/month",
        "mean demand wanted per month", "demand_t", _R.MEAN,
    ),
    Output(
        "consumption_mean_t", _S, ("mineral", "consumer", "month"), "t/month",
        "mean consumption per month", "consumption_t", _R.MEAN,
    ),
    Output(
        "peak_price_ratio_mean", _S, ("mineral", "segment"), "ratio",
        "mean of each path's highest price ratio", "peak_price_ratio", _R.BINNED_MEAN,
    ),
    Output(
        "peak_price_ratio_quantile", _S, ("mineral", "segment", "quantile"), "ratio",
        "quantiles of each path's highest price ratio", "peak_price_ratio", _R.QUANTILES,
    ),
    Output(
        "trough_price_ratio_mean", _S, ("mineral", "segment"), "ratio",
        "mean of each path's lowest price ratio", "trough_price_ratio", _R.BINNED_MEAN,
    ),
    Output(
        "price_ratio_fan", _S, ("mineral", "segment", "month", "fan_quantile"), "ratio",
        "fan-chart quantiles of the monthly price ratio", "price_ratio", _R.FAN,
    ),
    Output(
        "shortfall_share_fan", _S, ("mineral", "month", "fan_quantile"), "share",
        "fan-chart quantiles of the world's monthly unmet share", "shortfall_share", _R.FAN,
    ),
    Output(
        "reserve_stock_mean_t", _S, ("mineral", "holder", "month"), "t",
        "mean reserve stock at the end of each month", "reserve_stock_t", _R.MEAN,
    ),
    Output(
        "reserve_stock_fan_t", _S, ("mineral", "holder", "month", "fan_quantile"), "t",
        "fan-chart quantiles of the reserve stock", "reserve_stock_t", _R.FAN,
    ),
    Output(
        "reserve_days_of_cover", _D, ("mineral", "holder", "month"), "days",
        "mean reserve stock over the members' baseline daily demand",
    ),
    Output("reserve_target_t", _M, ("mineral", "holder"), "t", "reserve target"),
    Output(
        "reserve_purchase_usd", _S, ("mineral", "holder"), "USD",
        "mean spending on reserve purchases over the horizon", "reserve_purchase_usd", _R.TOTAL,
    ),
    Output(
        "reserve_release_usd", _S, ("mineral", "holder"), "USD",
        "mean revenue from reserve releases over the horizon", "reserve_release_usd", _R.TOTAL,
    ),
    Output(
        "reserve_released_t", _S, ("mineral", "holder"), "t",
        "mean reserve releases over the horizon", "reserve_release_t", _R.TOTAL,
    ),
    Output(
        "floor_cost_usd", _S, ("mineral",), "USD",
        "mean price-floor payments over the horizon", "floor_cost_usd", _R.TOTAL,
    ),
    Output(
        "withheld_t", _D, ("mineral",), "t",
        "mean volume withheld by export restrictions over the horizon",
    ),
    Output(
        "withheld_mean_t", _S, ("mineral", "month"), "t/month",
        "mean volume withheld per month", "withheld_t", _R.MEAN,
    ),
    Output(
        "restricted_share", _S, ("mineral", "month"), "share",
        "share of paths with an export restriction active", "restricted", _R.MEAN,
    ),
    Output(
        "base_price_usd_per_kg", _M, ("mineral",), "USD/kg", "baseline price",
    ),
    Output(
        "mass_balance_max_rel_error", _S, ("mineral",), "share",
        "the largest relative error of a month's mass balance", "mass_error_share", _R.MAX,
    ),
    Output(
        "min_stock_t", _S, ("mineral",), "t",
        "the lowest stock of any kind on any path", "min_stock_t", _R.MIN,
    ),
    Output(
        "baseline_flow_t", _M, ("mineral", "producer", "consumer"), "t/month",
        "baseline flows from each final-stage producer to each consumer",
    ),
    Output(
        "reserve_initial_t", _M, ("mineral", "holder"), "t", "reserve stock at the start",
    ),
    Output(
        "reserve_member_demand_t", _M, ("mineral", "holder"), "t/month",
        "baseline demand of the reserve's members",
    ),
    Output(
        "reserve_cost_share", _M, ("mineral", "holder", "consumer"), "share",
        "each member's share of the reserve's net cost",
    ),
    Output(
        "expected_shortfall_without_reserves_t", _C, ("mineral", "consumer"), "t",
        "mean unmet demand over the horizon on the paired paths (attribute paired_paths) "
        "with the strategic reserves removed (minerals with reserves)", "shortfall_t",
        _R.BINNED_MEAN,
    ),
    Output(
        "expected_shortfall_paired_t", _Q, ("mineral", "consumer"), "t",
        "mean unmet demand over the horizon on the paired paths, with the reserves "
        "(minerals with reserves)", "shortfall_t", _R.BINNED_MEAN,
    ),
    Output(
        "cvar95_shortfall_without_reserves_t", _C, ("mineral", "consumer"), "t",
        "mean unmet demand on the worst 5 % of the paired paths, with the strategic reserves "
        "removed (minerals with reserves)", "shortfall_t", _R.CVAR95,
    ),
    Output(
        "cvar95_shortfall_paired_t", _Q, ("mineral", "consumer"), "t",
        "mean unmet demand on the worst 5 % of the paired paths, with the reserves "
        "(minerals with reserves)", "shortfall_t", _R.CVAR95,
    ),
    Output(
        "peak_price_ratio_without_reserves_mean", _C, ("mineral", "segment"), "ratio",
        "mean of each paired path's highest price ratio, with the strategic reserves "
        "removed (minerals with reserves)", "peak_price_ratio", _R.BINNED_MEAN,
    ),
    Output(
        "peak_price_ratio_paired_mean", _Q, ("mineral", "segment"), "ratio",
        "mean of each paired path's highest price ratio, with the reserves (minerals with "
        "reserves)", "peak_price_ratio", _R.BINNED_MEAN,
    ),
)  # fmt: skip

_EVENT_SAMPLES: tuple[Output, ...] = (
    Output(
        "path_event_happened", _P, ("mineral", "event", "path"), "bool",
        "the event happened on the path (its probability, or the arrival drawn)",
    ),
    Output(
        "path_event_start_month", _P, ("mineral", "event", "path"), "month",
        "month the event starts (0 is the first month)",
    ),
    Output(
        "path_event_duration_months", _P, ("mineral", "event", "path"), "months",
        "months the event lasts, cut at the horizon",
    ),
    Output(
        "path_event_size_share", _P, ("mineral", "event", "path"), "share",
        "severity of a restriction, or the share of output lost or demand added",
    ),
    Output(
        "path_event_leakage_share", _P, ("mineral", "event", "path"), "share",
        "share of a restriction's withheld volume that leaks out (NaN for other events)",
    ),
)  # fmt: skip

#: Sample dims of each trajectory dim (path last; the month moves after the others).
_SAMPLE_ORDER = ("consumer", "holder", "segment", "cause", "month")


def _sample_of(p: PerPath) -> Output:
    dims = tuple(sorted(p.dims, key=_SAMPLE_ORDER.index))
    return Output(
        f"path_{p.name}", _P, ("mineral", *dims, "path"), p.unit,
        f"{p.description}, per path", p.name,
    )  # fmt: skip


#: Every variable of results.nc, in the order of the dataset.
OUTPUTS: tuple[Output, ...] = (
    _STATISTICS + tuple(_sample_of(p) for p in PER_PATH if p.kept) + _EVENT_SAMPLES
)

TRAJECTORIES: tuple[PerPath, ...] = tuple(p for p in PER_PATH if p.kind == _T)
FIGURES: tuple[PerPath, ...] = tuple(p for p in PER_PATH if p.kind == _F)
#: Position of each trajectory among the kernel's buffers.
BUFFER = {p.name: i for i, p in enumerate(TRAJECTORIES)}
_PER_PATH = {p.name: p for p in PER_PATH}
_OUTPUTS = {o.name: o for o in OUTPUTS}


def per_path(name: str) -> PerPath:
    """The per-path quantity called ``name``."""
    return _PER_PATH[name]


def output(name: str) -> Output:
    """The ``results.nc`` variable called ``name``."""
    return _OUTPUTS[name]


def statistics_of(source: str) -> tuple[Output, ...]:
    """The statistics of one per-path quantity."""
    return tuple(o for o in OUTPUTS if o.kind == _S and o.source == source)


def markdown() -> str:
    """The two tables as Markdown (docs/outputs.md)."""
    lines = [
        "### Per-path quantities",
        "",
        "| name | kind | dimensions (then path) | unit | description | kept per path |",
        "|---|---|---|---|---|---|",
    ]
    for p in PER_PATH:
        dims = ", ".join(p.dims) or "-"
        kept = f"`path_{p.name}`" if p.kept else ""
        lines.append(f"| `{p.name}` | {p.kind} | {dims} | {p.unit} | {p.description} | {kept} |")
    lines += ["", "### Reductions", "", "| reduction | computes |", "|---|---|"]
    lines += [f"| {r} | {text} |" for r, text in REDUCTION_TEXT.items()]
    lines += [
        "",
        "### Variables of results.nc",
        "",
        "| name | kind | dimensions | unit | description | from |",
        "|---|---|---|---|---|---|",
    ]
    for o in OUTPUTS:
        origin = f"{o.reduction} of `{o.source}`" if o.reduction else ""
        if o.kind == _P and o.source:
            origin = f"`{o.source}`"
        lines.append(
            f"| `{o.name}` | {o.kind} | {', '.join(o.dims)} | {o.unit} | {o.description} "
            f"| {origin} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Rewrite the generated section of a document (default docs/outputs.md)."""
    from critmin.docsections import fill_sections

    path = Path(argv[0] if argv else "docs/outputs.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(fill_sections(text, {"outputs": markdown()}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
