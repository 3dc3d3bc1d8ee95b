"""Tables of a simulation run: headline figures, shortfall by consumer, reserves.

Pure functions of a run's labelled results (:func:`critmin.results.read_run`);
:func:`critmin.report.simulation_report` lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from critmin.labels import usd
from critmin.report.geo import country_name
from critmin.results import CAUSES, WORLD

#: Columns of the headline table, in order: the figures a reader needs first.
HEADLINE_COLUMNS: tuple[str, ...] = (
    "mineral",
    "baseline_demand_t",
    "expected_shortfall_t",
    "expected_shortfall_share",
    "short_path_share",
    "p95_shortfall_t",
    "peak_price_ratio_alliance",
    "months_to_recovery_mean",
    "unrecovered_share",
    "fiscal_cost_usd",
)
#: Columns of the headline table's second part, shown on request.
HEADLINE_MORE_COLUMNS: tuple[str, ...] = (
    "mineral",
    "p50_shortfall_t",
    "p99_shortfall_t",
    "cvar95_shortfall_t",
    "peak_price_ratio_rest",
    "trough_price_ratio_rest",
    "price_cap_binding_share",
    "months_to_recovery_p95",
    "floor_cost_usd",
    "reserve_net_cost_usd",
)
#: Columns of the per-consumer tables.
CONSUMER_COLUMNS: tuple[str, ...] = (
    "mineral",
    "consumer",
    "name",
    "baseline_demand_t",
    "expected_shortfall_t",
    "expected_shortfall_share",
    "short_path_share",
    "p95_shortfall_t",
    "cvar95_shortfall_t",
    "months_to_recovery_mean",
    "unrecovered_share",
)

#: Mark of a figure the price cap held down (:func:`headline_marks`).
CAPPED = "capped"
#: Mark of a recovery figure beyond the horizon.
BEYOND = "beyond horizon"


_HEADLINE_ALL = dict.fromkeys((*HEADLINE_COLUMNS, *HEADLINE_MORE_COLUMNS))


def headline_marks(headline: pd.DataFrame) -> dict[str, list[str]]:
    """Marks of the headline table's figures: a peak price the numerical price cap
    held down in some path-months is ``capped``; a slow-case recovery that lies
    beyond the horizon (more than 5 % of paths never recovered) is ``beyond
    horizon``, never a number."""
    capped = [CAPPED if v > 0 else "" for v in headline["price_cap_binding_share"].fillna(0)]
    beyond = [BEYOND if v != v else "" for v in headline["months_to_recovery_p95"]]
    return {
        "peak_price_ratio_alliance": capped,
        "peak_price_ratio_rest": capped,
        "price_cap_binding_share": capped,
        "months_to_recovery_p95": beyond,
    }


def has_reserves(ds: xr.Dataset) -> bool:
    """True if the run has strategic reserves (a non-empty ``holder`` dimension)."""
    return "holder" in ds.dims and ds.sizes["holder"] > 0


def _share(shortfall: np.ndarray, demand: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(demand > 0, shortfall / demand, np.nan)


def _optional(ds: xr.Dataset, name: str) -> np.ndarray:
    """Per-mineral values of ``name``; NaN for a run folder written before it was recorded."""
    if name in ds:
        return np.asarray(ds[name].values, dtype=float)
    return np.full(ds.sizes["mineral"], np.nan)


def headline_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per mineral: world shortfall, its quantiles, peak prices, recovery and costs.

    Parameters
    ----------
    ds
        A run's results (:func:`critmin.results.read_run`).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`HEADLINE_COLUMNS` and :data:`HEADLINE_MORE_COLUMNS`.
        Tonnes are totals over the horizon [t]; ``expected_shortfall_share`` is the
        expected shortfall over the baseline demand of the horizon [share]; peak prices are the
        mean over paths of each path's highest price ratio to baseline [-],
        the lowest price the mean of each path's lowest in the rest segment
        (the imposer's own price falls when part of what it withholds stays
        at home) [-]; costs are means over paths of totals over the horizon [USD]: the
        reserves' net cost is purchases minus the revenue of releases (sold at
        the market price; negative when releases earned more than purchases
        cost), and the fiscal cost adds the price floors' cost.
    """
    world = ds.sel(consumer=WORLD)
    quantile = world["shortfall_quantile_t"]
    peak = ds["peak_price_ratio_mean"]
    trough = _optional(ds.sel(segment="rest"), "trough_price_ratio_mean")
    if has_reserves(ds):
        net = (ds["reserve_purchase_usd"] - ds["reserve_release_usd"]).sum("holder").values
    else:
        net = np.zeros(ds.sizes["mineral"])
    floors = ds["floor_cost_usd"].values
    capped = _optional(ds, "price_cap_binding_share")
    expected = world["expected_shortfall_t"].values
    baseline = world["baseline_demand_t"].values
    return pd.DataFrame(
        {
            "mineral": [str(m) for m in ds["mineral"].values],
            "baseline_demand_t": baseline,
            "expected_shortfall_t": expected,
            "expected_shortfall_share": _share(expected, baseline),
            "p50_shortfall_t": quantile.sel(quantile=0.5).values,
            "p95_shortfall_t": quantile.sel(quantile=0.95).values,
            "p99_shortfall_t": quantile.sel(quantile=0.99).values,
            "cvar95_shortfall_t": world["cvar95_shortfall_t"].values,
            "peak_price_ratio_alliance": peak.sel(segment="alliance").values,
            "peak_price_ratio_rest": peak.sel(segment="rest").values,
            "trough_price_ratio_rest": trough,
            "months_to_recovery_mean": world["months_to_recovery_mean"].values,
            "months_to_recovery_p95": world["months_to_recovery_p95"].values,
            "unrecovered_share": world["unrecovered_share"].values,
            "short_path_share": _optional(world, "short_path_share"),
            "price_cap_binding_share": capped,
            "floor_cost_usd": floors,
            "reserve_net_cost_usd": net,
            "fiscal_cost_usd": floors + net,
        }
    ).astype({c: float for c in _HEADLINE_ALL if c != "mineral"})


def consumer_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per mineral and consumer with demand (ISO3 countries, ``ROW``, ``WORLD``).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`CONSUMER_COLUMNS`; consumers without demand
        for a mineral are left out.
    """
    parts = ds[
        [
            "baseline_demand_t",
            "expected_shortfall_t",
            "cvar95_shortfall_t",
            "months_to_recovery_mean",
            "unrecovered_share",
        ]
    ]
    if "short_path_share" in ds:
        parts["short_path_share"] = ds["short_path_share"]
    else:  # a run folder written before it was recorded
        parts["short_path_share"] = xr.full_like(ds["unrecovered_share"], np.nan)
    parts["p95_shortfall_t"] = ds["shortfall_quantile_t"].sel(quantile=0.95, drop=True)
    frame = parts.to_dataframe().reset_index()
    frame = frame[frame["baseline_demand_t"].notna()].reset_index(drop=True)
    frame["mineral"] = frame["mineral"].astype(str)
    frame["consumer"] = frame["consumer"].astype(str)
    frame["name"] = [country_name(c) if c != WORLD else "World" for c in frame["consumer"]]
    frame["expected_shortfall_share"] = _share(
        frame["expected_shortfall_t"].to_numpy(), frame["baseline_demand_t"].to_numpy()
    )
    return frame[list(CONSUMER_COLUMNS)]


def reserve_holders(ds: xr.Dataset, mineral: str) -> list[str]:
    """Holders with a reserve of ``mineral`` in the run (empty without reserves)."""
    if not has_reserves(ds):
        return []
    target = ds["reserve_target_t"].sel(mineral=mineral)
    return [str(h) for h, t in zip(ds["holder"].values, target.values, strict=True) if t == t]


#: Columns of the table of what limited supply.
CAUSE_COLUMNS: tuple[str, ...] = ("mineral", *CAUSES)


def cause_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per mineral: the shares of the world's expected unmet demand by what
    limited supply (:data:`critmin.engine.outputs.CAUSES`; docs/methods.md, "What
    limited supply"); empty for a run folder written before it was recorded, NaN
    for a mineral without unmet demand."""
    if "unmet_by_cause_t" not in ds:
        return pd.DataFrame(columns=list(CAUSE_COLUMNS))
    world = ds["unmet_by_cause_t"].sel(consumer=WORLD)
    total = world.sum("cause")
    shares = (world / total.where(total > 0)).transpose("mineral", "cause")
    frame = pd.DataFrame(shares.values, columns=[str(c) for c in ds["cause"].values])
    frame.insert(0, "mineral", [str(m) for m in ds["mineral"].values])
    return frame[list(CAUSE_COLUMNS)]


#: Columns of the table of per-mineral market parameters.
PARAMETER_COLUMNS: tuple[str, ...] = ("mineral", "parameter", "value", "source")


def parameter_table(summary: Mapping[str, Any]) -> pd.DataFrame:
    """One row per mineral and market parameter: the value the run used and where it
    came from (``summary.json``'s ``market_parameters``; empty for a run folder
    written before they were recorded)."""
    rows = [
        {"mineral": m, "parameter": name, "value": f"{p['value']:g}", "source": p["source"]}
        for m, figures in summary.get("minerals", {}).items()
        for name, p in (figures.get("market_parameters") or {}).items()
    ]
    return pd.DataFrame(rows, columns=list(PARAMETER_COLUMNS))


#: Columns of the table of what the reserves do.
EFFECT_COLUMNS: tuple[str, ...] = (
    "mineral",
    "consumer",
    "name",
    "shortfall_without_t",
    "shortfall_with_t",
    "shortfall_removed_t",
    "removed_share",
    "cvar95_without_t",
    "cvar95_with_t",
    "usd_per_t_removed",
)


def reserve_effect_table(ds: xr.Dataset) -> pd.DataFrame:
    """What the reserves do: shortfall with and without them, on the same draws.

    One row per mineral with reserves, for each reserve member (a consumer with a
    cost share) and the world, on the run's paired paths: without the reserves
    (``*_without_reserves_t``) and with them (``*_paired_t``); empty for a run
    that has no such comparison.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`EFFECT_COLUMNS`: expected shortfall and CVaR95
        over the horizon without and with the reserves [t], the expected
        shortfall removed [t] and its share of the shortfall without [share],
        and on the world row the reserves' net cost over the tonnes removed
        [USD/t] (empty when nothing was removed).
    """
    if not has_reserves(ds) or "expected_shortfall_without_reserves_t" not in ds:
        return pd.DataFrame(columns=list(EFFECT_COLUMNS))
    rows = []
    for mineral in ds["mineral"].values:
        holders = reserve_holders(ds, str(mineral))
        if not holders:
            continue
        one = ds.sel(mineral=mineral)
        shares = one["reserve_cost_share"].sel(holder=holders).fillna(0.0).sum("holder")
        codes = ds["consumer"].values
        members = [str(c) for c, v in zip(codes, shares.values, strict=True) if v > 0]
        cost = one["reserve_purchase_usd"] - one["reserve_release_usd"]
        net = float(cost.sel(holder=holders).sum())
        for c in [*members, WORLD]:
            row = one.sel(consumer=c)
            without = float(row["expected_shortfall_without_reserves_t"])
            with_ = float(row["expected_shortfall_paired_t"])
            removed = without - with_
            rows.append(
                {
                    "mineral": str(mineral),
                    "consumer": c,
                    "name": country_name(c) if c != WORLD else "World",
                    "shortfall_without_t": without,
                    "shortfall_with_t": with_,
                    "shortfall_removed_t": removed,
                    "removed_share": removed / without if without > 0 else np.nan,
                    "cvar95_without_t": float(row["cvar95_shortfall_without_reserves_t"]),
                    "cvar95_with_t": float(row["cvar95_shortfall_paired_t"]),
                    "usd_per_t_removed": net / removed if c == WORLD and removed > 0 else np.nan,
                }
            )
    return pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))


def reserve_table(ds: xr.Dataset, summary: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """One row per holder and mineral: target, releases, costs and the lowest cover.

    Parameters
    ----------
    ds
        A run's results.
    summary
        The run's ``summary.json``; when it splits a reserve's net cost among
        its members (``net_fiscal_cost_by_member_usd``), the split is shown.

    Returns
    -------
    pandas.DataFrame
        ``holder``, ``mineral``, ``target_t`` [t], ``released_t`` (mean over
        paths) [t], ``reserve_purchase_usd``, ``reserve_release_usd`` (revenue
        of releases at the market price), ``reserve_net_cost_usd`` (purchases
        minus revenue) [USD], ``cost_by_member`` (text) and
        ``min_days_of_cover`` (lowest monthly mean) [days].
    """
    minerals = (summary or {}).get("minerals", {})
    rows = []
    for mineral in ds["mineral"].values:
        for holder in reserve_holders(ds, str(mineral)):
            one = ds.sel(mineral=mineral, holder=holder)
            purchase = float(one["reserve_purchase_usd"])
            revenue = float(one["reserve_release_usd"])
            split = (
                minerals.get(str(mineral), {})
                .get("reserves", {})
                .get(holder, {})
                .get("net_fiscal_cost_by_member_usd")
                or {}
            )
            rows.append(
                {
                    "holder": holder,
                    "mineral": str(mineral),
                    "target_t": float(one["reserve_target_t"]),
                    "released_t": float(one["reserve_released_t"]),
                    "reserve_purchase_usd": purchase,
                    "reserve_release_usd": revenue,
                    "reserve_net_cost_usd": purchase - revenue,
                    "cost_by_member": "; ".join(
                        f"{code}: {usd(float(v))}" for code, v in split.items() if v is not None
                    ),
                    "min_days_of_cover": float(one["reserve_days_of_cover"].min()),
                }
            )
    return pd.DataFrame(rows)
