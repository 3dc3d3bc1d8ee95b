"""Results of a simulation: a labelled xarray Dataset, summaries and exports.

:func:`to_dataset` labels the streaming statistics of a run;
:func:`summary` condenses them into ``summary.json``; :func:`write_run` writes
a run folder (summary, scenario, NetCDF, CSV, Parquet, IAMC) that
``critmin report`` and ``critmin compare`` read back.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from critmin import __version__
from critmin.engine.run import RunOutput
from critmin.errors import CritminError
from critmin.model import DAYS_PER_MONTH
from critmin.scenario import dump_scenario

#: Quantiles reported for per-path totals.
QUANTILES = (0.5, 0.95, 0.99)
#: Quantiles of the monthly fan charts.
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
WORLD = "WORLD"
SEGMENTS = ("alliance", "rest")

#: Files of a run folder.
SUMMARY_FILE = "summary.json"
SCENARIO_FILE = "scenario.yaml"
NETCDF_FILE = "results.nc"


def to_dataset(run: RunOutput) -> xr.Dataset:
    """Label a run's statistics as an xarray Dataset (see the module docstring)."""
    stats = run.stats
    minerals = [s.market.mineral for s in stats]
    consumers = sorted({c for s in stats for c in s.market.consumers} - {"ROW"}) + ["ROW", WORLD]
    holders = sorted({p.holder for s in stats for p in s.policies.reserves})
    T = run.model.horizon
    M, C, H = len(minerals), len(consumers), len(holders)
    nan = np.nan

    def full(*shape: int) -> np.ndarray:
        return np.full(shape, nan)

    expected = full(M, C)
    baseline = full(M, C)
    quant = full(M, C, len(QUANTILES))
    cvar = full(M, C)
    recovery_mean = full(M, C)
    recovery_p95 = full(M, C)
    unrecovered = full(M, C)
    unmet_month = full(M, C, T)
    demand_month = full(M, C, T)
    consumption_month = full(M, C, T)
    peak_mean = full(M, 2)
    peak_q = full(M, 2, len(QUANTILES))
    trough_mean = full(M, 2)
    price_fan = full(M, 2, T, len(FAN_QUANTILES))
    short_fan = full(M, T, len(FAN_QUANTILES))
    stock_mean = full(M, H, T)
    stock_fan = full(M, H, T, len(FAN_QUANTILES))
    cover_days = full(M, H, T)
    target = full(M, H)
    purchase = full(M, H)
    release = full(M, H)
    released_t = full(M, H)
    floor_cost = np.zeros(M)
    withheld = np.zeros(M)
    withheld_month = full(M, T)
    restricted = full(M, T)
    base_price = np.zeros(M)
    mass_error = np.zeros(M)
    min_stock = np.zeros(M)

    for i, s in enumerate(stats):
        market = s.market
        index = [consumers.index(c) for c in market.consumers] + [consumers.index(WORLD)]
        expected[i, index] = s.shortfall_t.sums.mean.sum(axis=-1)
        baseline[i, index] = s.demand_total_t
        for q, level in enumerate(QUANTILES):
            quant[i, index, q] = s.shortfall_t.quantile(level)
        cvar[i, index] = s.shortfall_t.tail_mean(0.95)
        counts = s.recovery.counts  # bins: underflow(<0.5)=0 months, then 1..T, overflow
        months = np.arange(counts.shape[-1], dtype=float)
        n = counts.sum(axis=-1)
        recovery_mean[i, index] = (counts * months).sum(axis=-1) / np.maximum(n, 1)
        recovery_p95[i, index] = s.recovery.quantile(0.95)
        unrecovered[i, index] = s.unrecovered.mean
        k_index = index[:-1]
        unmet_month[i, k_index] = s.consumer_unmet_month.mean.T
        demand_month[i, k_index] = s.consumer_demand_month.mean.T
        consumption_month[i, k_index] = s.consumption_month.mean.T
        w = consumers.index(WORLD)
        unmet_month[i, w] = s.consumer_unmet_month.mean.sum(axis=1)
        demand_month[i, w] = s.consumer_demand_month.mean.sum(axis=1)
        consumption_month[i, w] = s.consumption_month.mean.sum(axis=1)
        peak_mean[i] = s.peak_price.sums.mean.sum(axis=-1)
        trough_mean[i] = s.trough_price.sums.mean.sum(axis=-1)
        for q, level in enumerate(QUANTILES):
            peak_q[i, :, q] = s.peak_price.quantile(level)
        for q, level in enumerate(FAN_QUANTILES):
            price_fan[i, 0, :, q] = s.price_alliance_month.quantile(level)
            price_fan[i, 1, :, q] = s.price_rest_month.quantile(level)
            short_fan[i, :, q] = s.shortfall_share_month.quantile(level)
        for h, plan in enumerate(s.policies.reserves):
            j = holders.index(plan.holder)
            stock_mean[i, j] = s.reserve_stock_month.mean[:, h]
            for q, level in enumerate(FAN_QUANTILES):
                stock_fan[i, j, :, q] = s.reserve_stock_fan.quantile(level)[:, h]
            daily = float((market.demand * plan.members).sum()) / DAYS_PER_MONTH
            cover_days[i, j] = s.reserve_stock_month.mean[:, h] / daily if daily > 0 else nan
            target[i, j] = plan.target_t
            purchase[i, j] = s.reserve_purchase_usd.mean[h]
            release[i, j] = s.reserve_release_usd.mean[h]
            released_t[i, j] = s.reserve_released_t.mean[h]
        floor_cost[i] = float(s.floor_cost_usd.mean)
        withheld_month[i] = s.withheld_month.mean
        withheld[i] = float(withheld_month[i].sum())  # a mean over paths is additive
        restricted[i] = s.restricted_month.mean
        base_price[i] = market.base_price_usd_per_kg
        mass_error[i] = s.mass_error_max
        min_stock[i] = s.min_stock

    q_coord = list(QUANTILES)
    fq = list(FAN_QUANTILES)
    ds = xr.Dataset(
        {
            "expected_shortfall_t": (("mineral", "consumer"), expected),
            "baseline_demand_t": (("mineral", "consumer"), baseline),
            "shortfall_quantile_t": (("mineral", "consumer", "quantile"), quant),
            "cvar95_shortfall_t": (("mineral", "consumer"), cvar),
            "months_to_recovery_mean": (("mineral", "consumer"), recovery_mean),
            "months_to_recovery_p95": (("mineral", "consumer"), recovery_p95),
            "unrecovered_share": (("mineral", "consumer"), unrecovered),
            "unmet_mean_t": (("mineral", "consumer", "month"), unmet_month),
            "demand_mean_t": (("mineral", "consumer", "month"), demand_month),
            "consumption_mean_t": (("mineral", "consumer", "month"), consumption_month),
            "peak_price_ratio_mean": (("mineral", "segment"), peak_mean),
            "peak_price_ratio_quantile": (("mineral", "segment", "quantile"), peak_q),
            "trough_price_ratio_mean": (("mineral", "segment"), trough_mean),
            "price_ratio_fan": (("mineral", "segment", "month", "fan_quantile"), price_fan),
            "shortfall_share_fan": (("mineral", "month", "fan_quantile"), short_fan),
            "reserve_stock_mean_t": (("mineral", "holder", "month"), stock_mean),
            "reserve_stock_fan_t": (("mineral", "holder", "month", "fan_quantile"), stock_fan),
            "reserve_days_of_cover": (("mineral", "holder", "month"), cover_days),
            "reserve_target_t": (("mineral", "holder"), target),
            "reserve_purchase_usd": (("mineral", "holder"), purchase),
            "reserve_release_usd": (("mineral", "holder"), release),
            "reserve_released_t": (("mineral", "holder"), released_t),
            "floor_cost_usd": (("mineral",), floor_cost),
            "withheld_t": (("mineral",), withheld),
            "withheld_mean_t": (("mineral", "month"), withheld_month),
            "restricted_share": (("mineral", "month"), restricted),
            "base_price_usd_per_kg": (("mineral",), base_price),
            "mass_balance_max_rel_error": (("mineral",), mass_error),
            "min_stock_t": (("mineral",), min_stock),
        },
        coords={
            "mineral": minerals,
            "consumer": consumers,
            "month": np.arange(T),
            "quantile": q_coord,
            "fan_quantile": fq,
            "segment": list(SEGMENTS),
            "holder": holders,
        },
        attrs={
            "scenario": run.model.name,
            "paths": run.paths,
            "seed": run.seed,
            "horizon_months": T,
            "critmin_version": __version__,
            "units": "tonnes of each mineral's final-stage basis; prices as ratios to baseline",
        },
    )
    units = {
        "expected_shortfall_t": "t",
        "baseline_demand_t": "t",
        "shortfall_quantile_t": "t",
        "cvar95_shortfall_t": "t",
        "unmet_mean_t": "t/month",
        "demand_mean_t": "t/month",
        "consumption_mean_t": "t/month",
        "reserve_stock_mean_t": "t",
        "reserve_stock_fan_t": "t",
        "reserve_target_t": "t",
        "reserve_released_t": "t",
        "reserve_days_of_cover": "days",
        "reserve_purchase_usd": "USD",
        "reserve_release_usd": "USD",
        "floor_cost_usd": "USD",
        "withheld_t": "t",
        "withheld_mean_t": "t/month",
        "base_price_usd_per_kg": "USD/kg",
        "months_to_recovery_mean": "months",
        "months_to_recovery_p95": "months",
    }
    for name, unit in units.items():
        ds[name].attrs["units"] = unit
    if not holders:  # NetCDF 3 cannot store empty dimensions
        ds = ds.drop_dims("holder")
    return ds


def _num(x: Any) -> float | None:
    value = float(x)
    return None if math.isnan(value) or math.isinf(value) else value


def summary(ds: xr.Dataset, run: RunOutput) -> dict[str, Any]:
    """The ``summary.json`` content: per mineral and per consumer headline figures."""
    minerals: dict[str, Any] = {}
    for m in ds["mineral"].values.tolist():
        sel = ds.sel(mineral=m)
        world = sel.sel(consumer=WORLD)
        consumers = {}
        for c in ds["consumer"].values.tolist():
            if c == WORLD or np.isnan(float(sel["baseline_demand_t"].sel(consumer=c))):
                continue
            row = sel.sel(consumer=c)
            consumers[c] = {
                "baseline_demand_t": _num(row["baseline_demand_t"]),
                "expected_shortfall_t": _num(row["expected_shortfall_t"]),
                "expected_shortfall_share": _num(
                    row["expected_shortfall_t"] / row["baseline_demand_t"]
                ),
                "p95_shortfall_t": _num(row["shortfall_quantile_t"].sel(quantile=0.95)),
                "cvar95_shortfall_t": _num(row["cvar95_shortfall_t"]),
                "months_to_recovery_mean": _num(row["months_to_recovery_mean"]),
            }
        reserves = {}
        plans = {
            plan.holder: (stat.market, plan)
            for stat in run.stats
            if stat.market.mineral == m
            for plan in stat.policies.reserves
        }
        for h in ds["holder"].values.tolist() if "holder" in ds.dims else []:
            target = float(sel["reserve_target_t"].sel(holder=h))
            if np.isnan(target):
                continue
            purchase = float(sel["reserve_purchase_usd"].sel(holder=h))
            revenue = float(sel["reserve_release_usd"].sel(holder=h))
            market, plan = plans[h]
            split = {
                code: _num((purchase - revenue) * share)
                for code, share in zip(market.consumers, plan.cost_split, strict=True)
                if share > 0
            }
            reserves[h] = {
                "target_t": target,
                "released_t": _num(sel["reserve_released_t"].sel(holder=h)),
                "purchase_cost_usd": _num(purchase),
                "release_revenue_usd": _num(revenue),
                "net_fiscal_cost_usd": _num(purchase - revenue),
                "net_fiscal_cost_by_member_usd": split,
                "min_days_of_cover": _num(sel["reserve_days_of_cover"].sel(holder=h).min()),
            }
        minerals[m] = {
            "baseline_demand_t": _num(world["baseline_demand_t"]),
            "expected_shortfall_t": _num(world["expected_shortfall_t"]),
            "expected_shortfall_share": _num(
                world["expected_shortfall_t"] / world["baseline_demand_t"]
            ),
            "p50_shortfall_t": _num(world["shortfall_quantile_t"].sel(quantile=0.5)),
            "p95_shortfall_t": _num(world["shortfall_quantile_t"].sel(quantile=0.95)),
            "p99_shortfall_t": _num(world["shortfall_quantile_t"].sel(quantile=0.99)),
            "cvar95_shortfall_t": _num(world["cvar95_shortfall_t"]),
            "peak_price_ratio": _num(sel["peak_price_ratio_mean"].sel(segment="alliance")),
            "peak_price_ratio_rest": _num(sel["peak_price_ratio_mean"].sel(segment="rest")),
            "trough_price_ratio_rest": _num(sel["trough_price_ratio_mean"].sel(segment="rest")),
            "p95_peak_price_ratio": _num(
                sel["peak_price_ratio_quantile"].sel(segment="alliance", quantile=0.95)
            ),
            "months_to_recovery_mean": _num(world["months_to_recovery_mean"]),
            "unrecovered_share": _num(world["unrecovered_share"]),
            "floor_cost_usd": _num(sel["floor_cost_usd"]),
            "withheld_t": _num(sel["withheld_t"]),
            "base_price_usd_per_kg": _num(sel["base_price_usd_per_kg"]),
            "consumers": consumers,
            "reserves": reserves,
        }
    return {
        "scenario": run.model.name,
        "paths": run.paths,
        "seed": run.seed,
        "horizon_months": run.model.horizon,
        "critmin_version": __version__,
        "minerals": minerals,
        "mass_balance_max_rel_error": float(ds["mass_balance_max_rel_error"].max())
        if ds.sizes["mineral"]
        else 0.0,
        "min_stock_t": float(ds["min_stock_t"].min()) if ds.sizes["mineral"] else 0.0,
    }


def summary_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per mineral and consumer (including WORLD) with the headline figures."""
    rows = []
    for m in ds["mineral"].values.tolist():
        sel = ds.sel(mineral=m)
        for c in ds["consumer"].values.tolist():
            base = float(sel["baseline_demand_t"].sel(consumer=c))
            if np.isnan(base):
                continue
            row = sel.sel(consumer=c)
            rows.append(
                {
                    "mineral": m,
                    "consumer": c,
                    "baseline_demand_t": base,
                    "expected_shortfall_t": float(row["expected_shortfall_t"]),
                    "expected_shortfall_share": float(row["expected_shortfall_t"]) / base
                    if base
                    else np.nan,
                    "p50_shortfall_t": float(row["shortfall_quantile_t"].sel(quantile=0.5)),
                    "p95_shortfall_t": float(row["shortfall_quantile_t"].sel(quantile=0.95)),
                    "p99_shortfall_t": float(row["shortfall_quantile_t"].sel(quantile=0.99)),
                    "cvar95_shortfall_t": float(row["cvar95_shortfall_t"]),
                    "months_to_recovery_mean": float(row["months_to_recovery_mean"]),
                    "peak_price_ratio_alliance": float(
                        sel["peak_price_ratio_mean"].sel(segment="alliance")
                    ),
                    "peak_price_ratio_rest": float(
                        sel["peak_price_ratio_mean"].sel(segment="rest")
                    ),
                }
            )
    return pd.DataFrame(rows)


def monthly_table(ds: xr.Dataset) -> pd.DataFrame:
    """Long table: mineral, consumer, month, mean demand, consumption and unmet demand."""
    frame = ds[["demand_mean_t", "consumption_mean_t", "unmet_mean_t"]].to_dataframe().reset_index()
    return frame.dropna(subset=["demand_mean_t"])


def iamc_table(
    ds: xr.Dataset, scenario: str, *, model: str = f"critmin {__version__}"
) -> pd.DataFrame:
    """IAMC long format: model, scenario, region, variable, unit, time, value.

    ``time`` is the month index from the start of the simulation.
    """
    rows = []
    for m in ds["mineral"].values.tolist():
        name = m.replace("-", " ").title().replace(" ", "-")
        sel = ds.sel(mineral=m)
        for c in ds["consumer"].values.tolist():
            base = float(sel["baseline_demand_t"].sel(consumer=c))
            if np.isnan(base):
                continue
            region = "World" if c == WORLD else c
            for variable, key in (
                (f"Demand|{name}", "demand_mean_t"),
                (f"Consumption|{name}", "consumption_mean_t"),
                (f"Shortfall|{name}", "unmet_mean_t"),
            ):
                values = sel[key].sel(consumer=c).values
                rows += [
                    (model, scenario, region, variable, "t/month", t, float(v))
                    for t, v in enumerate(values)
                ]
        for segment, region in (("alliance", "Alliance"), ("rest", "Rest of World")):
            values = sel["price_ratio_fan"].sel(segment=segment, fan_quantile=0.5).values
            rows += [
                (model, scenario, region, f"Price|{name}|Median", "ratio to baseline", t, float(v))
                for t, v in enumerate(values)
            ]
    return pd.DataFrame(
        rows, columns=["model", "scenario", "region", "variable", "unit", "time", "value"]
    )


def write_run(run: RunOutput, ds: xr.Dataset, folder: Path) -> dict[str, Any]:
    """Write a run folder; return the summary."""
    folder.mkdir(parents=True, exist_ok=True)
    result = summary(ds, run)
    (folder / SUMMARY_FILE).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (folder / SCENARIO_FILE).write_text(dump_scenario(run.model.scenario), encoding="utf-8")
    ds.to_netcdf(folder / NETCDF_FILE, engine="scipy")
    table = summary_table(ds)
    table.to_csv(folder / "summary.csv", index=False)
    table.to_parquet(folder / "summary.parquet", index=False)
    monthly = monthly_table(ds)
    monthly.to_csv(folder / "monthly.csv", index=False)
    monthly.to_parquet(folder / "monthly.parquet", index=False)
    iamc_table(ds, run.model.name).to_csv(folder / "iamc.csv", index=False)
    return result


def read_run(folder: Path) -> tuple[dict[str, Any], xr.Dataset]:
    """Read a run folder's summary and dataset back."""
    if not folder.is_dir():
        raise CritminError(
            "run folder not found",
            where=str(folder),
            allowed="a folder written by 'critmin simulate --out'",
        )
    missing = [f for f in (SUMMARY_FILE, NETCDF_FILE) if not (folder / f).is_file()]
    if missing:
        raise CritminError(
            "not a run folder: files missing",
            where=str(folder),
            given=", ".join(missing),
            allowed="a folder written by 'critmin simulate --out'",
        )
    try:
        result = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        ds = xr.load_dataset(folder / NETCDF_FILE, engine="scipy")
    except (ValueError, OSError, TypeError, KeyError) as exc:
        raise CritminError(f"cannot read run folder: {exc}", where=str(folder)) from None
    return result, ds
