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

from critmin.report._html import NumberFormat
from critmin.report.geo import country_name
from critmin.results import CAUSES, WORLD

#: Headings of the headline table (column -> heading).
HEADLINE_HEADINGS: dict[str, str] = {
    "mineral": "mineral",
    "baseline_demand_t": "baseline demand t",
    "expected_shortfall_t": "expected shortfall t",
    "expected_shortfall_share": "share of demand",
    "p50_shortfall_t": "P50 t",
    "p95_shortfall_t": "P95 t",
    "p99_shortfall_t": "P99 t",
    "cvar95_shortfall_t": "CVaR95 t",
    "peak_price_ratio_alliance": "peak price alliance",
    "peak_price_ratio_rest": "peak price rest",
    "trough_price_ratio_rest": "lowest price rest",
    "months_to_recovery_mean": "months to recovery (recovered paths)",
    "months_to_recovery_p95": "months to recovery P95",
    "unrecovered_share": "paths unrecovered at horizon",
    "floor_cost_usd": "floor cost USD",
    "reserve_net_cost_usd": "reserve net cost USD",
    "fiscal_cost_usd": "fiscal cost USD",
}
#: Headings of the per-consumer tables.
CONSUMER_HEADINGS: dict[str, str] = {
    "mineral": "mineral",
    "consumer": "consumer",
    "name": "name",
    "baseline_demand_t": "baseline demand t",
    "expected_shortfall_t": "expected shortfall t",
    "expected_shortfall_share": "share of demand",
    "p95_shortfall_t": "P95 t",
    "cvar95_shortfall_t": "CVaR95 t",
    "months_to_recovery_mean": "months to recovery (recovered paths)",
    "unrecovered_share": "paths unrecovered at horizon",
}


def tonnes(value: float) -> str:
    """Tonnes with precision that suits the size.

    >>> tonnes(1234567.8), tonnes(49.119), tonnes(0.01234)
    ('1,234,568', '49.1', '0.0123')
    """
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 1:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def usd(value: float) -> str:
    """US dollars in millions or billions.

    >>> usd(382049.6), usd(2.5e9), usd(-1.109e7), usd(0.0)
    ('$0.38 M', '$2.50 bn', '-$11.09 M', '$0')
    """
    if value == 0:
        return "$0"
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e9:
        return f"{sign}${size / 1e9:,.2f} bn"
    return f"{sign}${size / 1e6:,.2f} M"


def _per_tonne(value: float) -> str:
    """US dollars per tonne; empty for NaN.

    >>> _per_tonne(1234.5), _per_tonne(float("nan"))
    ('$1,234', '')
    """
    return "" if value != value else f"${value:,.0f}"


#: Number formats of the run tables (column -> format).
FORMATS: dict[str, NumberFormat] = {
    "baseline_demand_t": tonnes,
    "expected_shortfall_t": tonnes,
    "p50_shortfall_t": tonnes,
    "p95_shortfall_t": tonnes,
    "p99_shortfall_t": tonnes,
    "cvar95_shortfall_t": tonnes,
    "expected_shortfall_share": ".2%",
    "peak_price_ratio_alliance": ".2f",
    "peak_price_ratio_rest": ".2f",
    "trough_price_ratio_rest": ".2f",
    "months_to_recovery_mean": ".1f",
    "months_to_recovery_p95": ".0f",
    "unrecovered_share": ".0%",
    "floor_cost_usd": usd,
    "reserve_net_cost_usd": usd,
    "fiscal_cost_usd": usd,
    "reserve_purchase_usd": usd,
    "reserve_release_usd": usd,
    "target_t": tonnes,
    "released_t": tonnes,
    "min_days_of_cover": ".0f",
    "shortfall_without_t": tonnes,
    "shortfall_with_t": tonnes,
    "shortfall_removed_t": tonnes,
    "removed_share": ".1%",
    "cvar95_without_t": tonnes,
    "cvar95_with_t": tonnes,
    "usd_per_t_removed": _per_tonne,
    **{c: ".1%" for c in CAUSES},
}


def has_reserves(ds: xr.Dataset) -> bool:
    """True if the run has strategic reserves (a non-empty ``holder`` dimension)."""
    return "holder" in ds.dims and ds.sizes["holder"] > 0


def _share(shortfall: np.ndarray, demand: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(demand > 0, shortfall / demand, np.nan)


def headline_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per mineral: world shortfall, its quantiles, peak prices, recovery and costs.

    Parameters
    ----------
    ds
        A run's results (:func:`critmin.results.read_run`).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`HEADLINE_HEADINGS`. Tonnes are totals over the
        horizon [t]; ``expected_shortfall_share`` is the expected shortfall
        over the baseline demand of the horizon [share]; peak prices are the
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
    # run folders written before the lowest price was recorded lack it
    trough = (
        ds["trough_price_ratio_mean"].sel(segment="rest").values
        if "trough_price_ratio_mean" in ds
        else np.full(ds.sizes["mineral"], np.nan)
    )
    if has_reserves(ds):
        net = (ds["reserve_purchase_usd"] - ds["reserve_release_usd"]).sum("holder").values
    else:
        net = np.zeros(ds.sizes["mineral"])
    floors = ds["floor_cost_usd"].values
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
            "floor_cost_usd": floors,
            "reserve_net_cost_usd": net,
            "fiscal_cost_usd": floors + net,
        }
    ).astype({c: float for c in HEADLINE_HEADINGS if c != "mineral"})


def consumer_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per mineral and consumer with demand (ISO3 countries, ``ROW``, ``WORLD``).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`CONSUMER_HEADINGS`; consumers without demand
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
    parts["p95_shortfall_t"] = ds["shortfall_quantile_t"].sel(quantile=0.95, drop=True)
    frame = parts.to_dataframe().reset_index()
    frame = frame[frame["baseline_demand_t"].notna()].reset_index(drop=True)
    frame["mineral"] = frame["mineral"].astype(str)
    frame["consumer"] = frame["consumer"].astype(str)
    frame["name"] = [country_name(c) if c != WORLD else "World" for c in frame["consumer"]]
    frame["expected_shortfall_share"] = _share(
        frame["expected_shortfall_t"].to_numpy(), frame["baseline_demand_t"].to_numpy()
    )
    return frame[list(CONSUMER_HEADINGS)]


def reserve_holders(ds: xr.Dataset, mineral: str) -> list[str]:
    """Holders with a reserve of ``mineral`` in the run (empty without reserves)."""
    if not has_reserves(ds):
        return []
    target = ds["reserve_target_t"].sel(mineral=mineral)
    return [str(h) for h, t in zip(ds["holder"].values, target.values, strict=True) if t == t]


#: Headings of the table of what limited supply (cause -> heading).
CAUSE_HEADINGS: dict[str, str] = {
    "mineral": "mineral",
    "price": "priced out",
    "restriction": "restriction",
    "output_outage": "outages",
    "refiners_feed": "refiners' feed",
    "capacity": "capacity",
    "stocks": "stocks (no supply lost)",
}


def cause_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per mineral: the shares of the world's expected unmet demand by what
    limited supply (:data:`critmin.engine.outputs.CAUSES`; docs/methods.md, "What
    limited supply"); empty for a run folder written before it was recorded, NaN
    for a mineral without unmet demand."""
    if "unmet_by_cause_t" not in ds:
        return pd.DataFrame(columns=list(CAUSE_HEADINGS))
    world = ds["unmet_by_cause_t"].sel(consumer=WORLD)
    total = world.sum("cause")
    shares = (world / total.where(total > 0)).transpose("mineral", "cause")
    frame = pd.DataFrame(shares.values, columns=[str(c) for c in ds["cause"].values])
    frame.insert(0, "mineral", [str(m) for m in ds["mineral"].values])
    return frame[list(CAUSE_HEADINGS)]


#: Headings of the table of per-mineral market parameters.
PARAMETER_HEADINGS: dict[str, str] = {
    "mineral": "mineral",
    "parameter": "parameter",
    "value": "value",
    "source": "from",
}


def parameter_table(summary: Mapping[str, Any]) -> pd.DataFrame:
    """One row per mineral and market parameter: the value the run used and where it
    came from (``summary.json``'s ``market_parameters``; empty for a run folder
    written before they were recorded)."""
    rows = [
        {"mineral": m, "parameter": name, "value": f"{p['value']:g}", "source": p["source"]}
        for m, figures in summary.get("minerals", {}).items()
        for name, p in (figures.get("market_parameters") or {}).items()
    ]
    return pd.DataFrame(rows, columns=list(PARAMETER_HEADINGS))


#: Headings of the table of what the reserves do.
EFFECT_HEADINGS: dict[str, str] = {
    "mineral": "mineral",
    "consumer": "consumer",
    "name": "name",
    "shortfall_without_t": "expected shortfall without reserves t",
    "shortfall_with_t": "with reserves t",
    "shortfall_removed_t": "removed t",
    "removed_share": "removed share",
    "cvar95_without_t": "CVaR95 without t",
    "cvar95_with_t": "CVaR95 with t",
    "usd_per_t_removed": "reserve net cost per t removed USD",
}


def reserve_effect_table(ds: xr.Dataset) -> pd.DataFrame:
    """What the reserves do: shortfall with and without them, on the same draws.

    One row per mineral with reserves, for each reserve member (a consumer with a
    cost share) and the world, on the run's paired paths: without the reserves
    (``*_without_reserves_t``) and with them (``*_paired_t``); empty for a run
    that has no such comparison.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`EFFECT_HEADINGS`: expected shortfall and CVaR95
        over the horizon without and with the reserves [t], the expected
        shortfall removed [t] and its share of the shortfall without [share],
        and on the world row the reserves' net cost over the tonnes removed
        [USD/t] (empty when nothing was removed).
    """
    if not has_reserves(ds) or "expected_shortfall_without_reserves_t" not in ds:
        return pd.DataFrame(columns=list(EFFECT_HEADINGS))
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
    return pd.DataFrame(rows, columns=list(EFFECT_HEADINGS))


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
