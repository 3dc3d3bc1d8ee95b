"""Flat tables of a run's dataset for spreadsheets and scenario databases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from critmin import __version__
from critmin.engine.outputs import WORLD


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
