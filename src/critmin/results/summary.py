"""The summary of a run, from its labelled dataset alone.

:func:`summary` is the one function that condenses a run into headline
figures (``summary.json``): per mineral, per consumer and per reserve holder,
and for a mineral with reserves what they do (``reserve_effect``: shortfall
with and without them on the same draws).
:func:`summary_table` is the same figures as one row per mineral and consumer.
Both read nothing but the dataset, so a saved run folder rebuilds them exactly.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from critmin.engine.outputs import WORLD

#: Figures of a consumer row (and of the mineral's world row) in the table.
TABLE_COLUMNS = (
    "baseline_demand_t",
    "expected_shortfall_t",
    "expected_shortfall_share",
    "p50_shortfall_t",
    "p95_shortfall_t",
    "p99_shortfall_t",
    "cvar95_shortfall_t",
    "months_to_recovery_mean",
    "unrecovered_share",
)


def _num(x: Any) -> float | None:
    value = float(x)
    return None if math.isnan(value) or math.isinf(value) else value


def _by_cause(row: xr.Dataset) -> dict[str, float | None]:
    """Shares of one cell's expected unmet demand by what limited supply (empty
    without unmet demand, or for a run folder written before it was recorded)."""
    if "unmet_by_cause_t" not in row:
        return {}
    cell = row["unmet_by_cause_t"]
    total = float(cell.sum())
    if not total > 0:
        return {}
    causes = zip(cell["cause"].values, cell.values, strict=True)
    return {str(c): _num(float(v) / total) for c, v in causes}


def _shortfall(row: xr.Dataset) -> dict[str, Any]:
    """Shortfall figures of one mineral and consumer (or the world)."""
    quantile = row["shortfall_quantile_t"]
    return {
        "baseline_demand_t": _num(row["baseline_demand_t"]),
        "expected_shortfall_t": _num(row["expected_shortfall_t"]),
        "expected_shortfall_share": _num(row["expected_shortfall_t"] / row["baseline_demand_t"]),
        "p50_shortfall_t": _num(quantile.sel(quantile=0.5)),
        "p95_shortfall_t": _num(quantile.sel(quantile=0.95)),
        "p99_shortfall_t": _num(quantile.sel(quantile=0.99)),
        "cvar95_shortfall_t": _num(row["cvar95_shortfall_t"]),
        "months_to_recovery_mean": _num(row["months_to_recovery_mean"]),
        "unrecovered_share": _num(row["unrecovered_share"]),
        # run folders written before it was recorded lack it
        "short_path_share": _num(row["short_path_share"]) if "short_path_share" in row else None,
        "unmet_by_cause_share": _by_cause(row),
    }


def _reserves(sel: xr.Dataset) -> dict[str, Any]:
    """Reserve figures of one mineral, per holder."""
    out: dict[str, Any] = {}
    if "holder" not in sel.dims:
        return out
    for h in sel["holder"].values.tolist():
        row = sel.sel(holder=h)
        target = float(row["reserve_target_t"])
        if np.isnan(target):
            continue
        purchase = float(row["reserve_purchase_usd"])
        revenue = float(row["reserve_release_usd"])
        shares = row["reserve_cost_share"]
        split = {
            str(code): _num((purchase - revenue) * float(share))
            for code, share in zip(shares["consumer"].values, shares.values, strict=True)
            if share > 0
        }
        out[str(h)] = {
            "target_t": target,
            "released_t": _num(row["reserve_released_t"]),
            "purchase_cost_usd": _num(purchase),
            "release_revenue_usd": _num(revenue),
            "net_fiscal_cost_usd": _num(purchase - revenue),
            "net_fiscal_cost_by_member_usd": split,
            "min_days_of_cover": _num(row["reserve_days_of_cover"].min()),
        }
    return out


def _reserve_effect(sel: xr.Dataset, consumers: list[str]) -> dict[str, Any] | None:
    """What one mineral's reserves do: each consumer's and the world's expected
    shortfall with and without them on the run's paired paths (the same draws);
    None without reserves."""
    if "expected_shortfall_without_reserves_t" not in sel or not _reserves(sel):
        return None
    out: dict[str, Any] = {}
    for c in [*consumers, WORLD]:
        row = sel.sel(consumer=c)
        with_ = float(row["expected_shortfall_paired_t"])
        without = float(row["expected_shortfall_without_reserves_t"])
        out[c] = {
            "expected_shortfall_t": _num(with_),
            "expected_shortfall_without_reserves_t": _num(without),
            "shortfall_removed_t": _num(without - with_),
            "cvar95_shortfall_t": _num(row["cvar95_shortfall_paired_t"]),
            "cvar95_shortfall_without_reserves_t": _num(row["cvar95_shortfall_without_reserves_t"]),
        }
    peak, bare = sel["peak_price_ratio_paired_mean"], sel["peak_price_ratio_without_reserves_mean"]
    return {
        "paired_paths": int(sel.attrs.get("paired_paths", 0)),
        "by_consumer": out,
        "peak_price_ratio": _num(peak.sel(segment="alliance")),
        "peak_price_ratio_without_reserves": _num(bare.sel(segment="alliance")),
    }


def summary(ds: xr.Dataset) -> dict[str, Any]:
    """The ``summary.json`` content: per mineral and per consumer headline figures."""
    parameters = json.loads(str(ds.attrs.get("market_parameters") or "{}"))
    minerals: dict[str, Any] = {}
    for m in ds["mineral"].values.tolist():
        sel = ds.sel(mineral=m)
        consumers = {}
        for c in ds["consumer"].values.tolist():
            if c == WORLD or np.isnan(float(sel["baseline_demand_t"].sel(consumer=c))):
                continue
            consumers[c] = _shortfall(sel.sel(consumer=c))
        peak = sel["peak_price_ratio_mean"]
        minerals[m] = {
            **_shortfall(sel.sel(consumer=WORLD)),
            "peak_price_ratio": _num(peak.sel(segment="alliance")),
            "peak_price_ratio_rest": _num(peak.sel(segment="rest")),
            "trough_price_ratio_rest": _num(sel["trough_price_ratio_mean"].sel(segment="rest")),
            "p95_peak_price_ratio": _num(
                sel["peak_price_ratio_quantile"].sel(segment="alliance", quantile=0.95)
            ),
            "unrecovered_share": _num(sel["unrecovered_share"].sel(consumer=WORLD)),
            "price_cap_binding_share": _num(sel["price_cap_binding_share"]),
            "floor_cost_usd": _num(sel["floor_cost_usd"]),
            "withheld_t": _num(sel["withheld_t"]),
            "base_price_usd_per_kg": _num(sel["base_price_usd_per_kg"]),
            "market_parameters": parameters.get(m, {}),
            "consumers": consumers,
            "reserves": _reserves(sel),
        }
        effect = _reserve_effect(sel, list(consumers))
        if effect is not None:
            minerals[m]["reserve_effect"] = effect
    empty = not ds.sizes["mineral"]
    return {
        "scenario": str(ds.attrs["scenario"]),
        "paths": int(ds.attrs["paths"]),
        "seed": int(ds.attrs["seed"]),
        "horizon_months": int(ds.attrs["horizon_months"]),
        "keep_paths": int(ds.attrs.get("keep_paths", 0)),
        "paired_paths": int(ds.attrs.get("paired_paths", 0)),
        "critmin_version": str(ds.attrs["critmin_version"]),
        "minerals": minerals,
        "mass_balance_max_rel_error": 0.0
        if empty
        else float(ds["mass_balance_max_rel_error"].max()),
        "min_stock_t": 0.0 if empty else float(ds["min_stock_t"].min()),
    }


def summary_table(result: dict[str, Any]) -> pd.DataFrame:
    """The summary as one row per mineral and consumer, then the mineral's WORLD row."""
    rows = []
    for m, figures in result["minerals"].items():
        prices = {
            "peak_price_ratio_alliance": figures["peak_price_ratio"],
            "peak_price_ratio_rest": figures["peak_price_ratio_rest"],
        }
        for c, row in [*figures["consumers"].items(), (WORLD, figures)]:
            rows.append(
                {"mineral": m, "consumer": c, **{k: row[k] for k in TABLE_COLUMNS}, **prices}
            )
    columns = ["mineral", "consumer", *TABLE_COLUMNS, "peak_price_ratio_alliance",
               "peak_price_ratio_rest"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).astype({k: float for k in columns[2:]})
