"""Label a run as an xarray Dataset: every variable of :data:`critmin.engine.outputs.OUTPUTS`.

Statistics come from the run's streaming statistics, model figures from the
model the run simulated, derived figures from other variables, and per-path
samples from the first ``keep_paths`` paths. In a run with strategic
reserves, the paired statistics are those of its first ``paired_paths`` paths
without the reserves (counterfactual) and with them (paired); NaN for a
mineral without reserves. Coordinates: ``mineral``;
``consumer`` (the consumers of every mineral, sorted, then ``ROW`` and
``WORLD``, the world total); ``holder`` (reserve holders); ``producer``
(final-stage producers); ``month``; ``segment``; ``quantile`` and
``fan_quantile``; ``path`` and ``event`` for samples. A cell a mineral does
not have (a consumer it does not serve) is NaN.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr

from critmin import __version__
from critmin.countries import ROW
from critmin.engine.outputs import (
    CAUSES,
    FAN_QUANTILES,
    OUTPUTS,
    QUANTILES,
    SEGMENTS,
    WORLD,
    Output,
    OutputKind,
    PathKind,
    Reduction,
    per_path,
)
from critmin.engine.run import EVENT_DRAWS, RunOutput
from critmin.model import DAYS_PER_MONTH, MineralMarket, MineralPolicies

#: A labelled per-mineral value: its dims, their coordinates, the values.
Local = tuple[tuple[str, ...], dict[str, list], np.ndarray]


def _coords(run: RunOutput) -> dict[str, list]:
    model = run.model
    markets, policies = model.markets, model.policies
    consumers = sorted({c for m in markets for c in m.consumers} - {ROW}) + [ROW, WORLD]
    producers = sorted({c for m in markets for c in m.final.codes} - {ROW})
    if any(ROW in m.final.codes for m in markets):
        producers.append(ROW)
    events: list[str] = []
    types: dict[str, str] = {}
    for kept in run.kept:
        for label, kind in kept.events:
            if label not in types:
                events.append(label)
                types[label] = kind
    return {
        "mineral": [m.mineral for m in markets],
        "consumer": consumers,
        "month": list(range(model.horizon)),
        "quantile": list(QUANTILES),
        "fan_quantile": list(FAN_QUANTILES),
        "segment": list(SEGMENTS),
        "cause": list(CAUSES),
        "holder": sorted({p.holder for pol in policies for p in pol.reserves}),
        "producer": producers,
        "path": list(range(run.keep_paths)),
        "event": events,
        "event_type": [types[e] for e in events],
    }


def _local_coords(market: MineralMarket, policies: MineralPolicies, horizon: int) -> dict:
    return {
        "consumer": list(market.consumers),
        "holder": [p.holder for p in policies.reserves],
        "segment": list(SEGMENTS),
        "cause": list(CAUSES),
        "month": list(range(horizon)),
        "quantile": list(QUANTILES),
        "fan_quantile": list(FAN_QUANTILES),
        "producer": list(market.final.codes),
    }


def _statistic(run: RunOutput, i: int, o: Output) -> Local:
    """One mineral's value of a statistic, with its own dims and coordinates; of a
    paired statistic, that of the paired paths without or with the reserves (NaN
    for a mineral without reserves)."""
    assert o.source is not None
    assert o.reduction is not None
    market, policies = run.model.markets[i], run.model.policies[i]
    p = per_path(o.source)
    paired = o.kind in (OutputKind.COUNTERFACTUAL, OutputKind.PAIRED)
    pairs = run.without_reserves if o.kind == OutputKind.COUNTERFACTUAL else run.with_reserves
    stats = pairs.get(i, run.stats[i]) if paired else run.stats[i]
    value = stats.statistic(o.source, o.reduction)
    if paired and i not in pairs:  # no reserves, no comparison (the run's own shape)
        value = np.full(np.shape(value), np.nan)
    dims = p.dims
    if o.reduction == Reduction.TOTAL:
        dims = dims[1:]
    elif o.reduction in (Reduction.MAX, Reduction.MIN):
        dims = ()
    elif o.reduction == Reduction.FAN:
        dims = (*dims, "fan_quantile")
    elif o.reduction == Reduction.QUANTILES:
        dims = (*dims, "quantile")
    coords = _local_coords(market, policies, run.model.horizon)
    if "consumer" in dims:
        coords["consumer"] = [*market.consumers, WORLD]
        if p.kind == PathKind.TRAJECTORY:
            value = _with_world(value, dims)
    return dims, coords, value


def _with_world(value: np.ndarray, dims: tuple[str, ...]) -> np.ndarray:
    """``value`` with a last consumer row, the world: the sum over consumers."""
    axis = dims.index("consumer")
    return np.concatenate([value, value.sum(axis=axis, keepdims=True)], axis=axis)


def _model_figure(run: RunOutput, i: int, name: str) -> Local:
    """One mineral's value of a figure of the model."""
    market, policies = run.model.markets[i], run.model.policies[i]
    coords = _local_coords(market, policies, run.model.horizon)
    plans = policies.reserves
    if name == "baseline_demand_t":
        coords["consumer"] = [*market.consumers, WORLD]
        total = np.append(market.demand, market.demand.sum()) * run.model.horizon
        return ("consumer",), coords, total
    if name == "base_price_usd_per_kg":
        return (), coords, np.asarray(market.base_price_usd_per_kg)
    if name == "baseline_flow_t":
        return ("producer", "consumer"), coords, np.asarray(market.flows, dtype=float)
    by_holder: dict[str, Callable[[], np.ndarray]] = {
        "reserve_target_t": lambda: np.array([p.target_t for p in plans], dtype=float),
        "reserve_initial_t": lambda: np.array([p.initial_t for p in plans], dtype=float),
        "reserve_member_demand_t": lambda: np.array(
            [float((market.demand * p.members).sum()) for p in plans]
        ),
    }
    if name in by_holder:
        return ("holder",), coords, by_holder[name]()
    if name == "reserve_cost_share":
        shares = np.array([p.cost_split for p in plans], dtype=float)
        return ("holder", "consumer"), coords, shares.reshape(len(plans), len(market.consumers))
    raise ValueError(f"no model figure {name!r}")


def _sample(run: RunOutput, i: int, o: Output) -> Local:
    """One mineral's per-path sample."""
    market, policies = run.model.markets[i], run.model.policies[i]
    coords = _local_coords(market, policies, run.model.horizon)
    coords["path"] = list(range(run.keep_paths))
    kept = run.kept[i]
    if o.source is not None:
        dims = (*per_path(o.source).dims, "path")
        value = kept.trajectories[o.source]
        if "consumer" in dims:
            coords["consumer"] = [*market.consumers, WORLD]
            value = _with_world(value, dims)
        return dims, coords, value
    coords["event"] = [label for label, _ in kept.events]
    draw = o.name.removeprefix("path_event_")
    assert draw in EVENT_DRAWS
    return ("event", "path"), coords, kept.draws[draw].astype(float)


def _place(o: Output, locals_: list[Local], coords: dict[str, list]) -> np.ndarray:
    """The variable's array over the global coordinates; NaN where a mineral has no cell."""
    shape = [len(coords[d]) for d in o.dims]
    full = np.full(shape, np.nan)
    for i, (dims, local, value) in enumerate(locals_):
        order = [dims.index(d) for d in o.dims[1:]]
        value = np.transpose(np.asarray(value, dtype=float), order)
        index = [
            np.array([coords[d].index(c) for c in local[d]], dtype=np.int64) for d in o.dims[1:]
        ]
        key: tuple[Any, ...] = (i, *np.ix_(*index))
        full[key] = value
    return full


def _derived(name: str, data: dict[str, np.ndarray]) -> np.ndarray:
    """A variable computed from others."""
    if name == "reserve_days_of_cover":
        daily = data["reserve_member_demand_t"] / DAYS_PER_MONTH
        stock = data["reserve_stock_mean_t"]
        out = np.full(stock.shape, np.nan)
        for i, j in zip(*np.nonzero(daily > 0), strict=True):
            out[i, j] = stock[i, j] / daily[i, j]
        return out
    if name == "withheld_t":  # a mean over paths is additive
        return np.array([float(row.sum()) for row in data["withheld_mean_t"]])
    raise ValueError(f"no derived variable {name!r}")


def to_dataset(run: RunOutput) -> xr.Dataset:
    """Label a run's statistics (and kept paths) as an xarray Dataset; see the module."""
    coords = _coords(run)
    minerals = range(len(run.model.markets))
    data: dict[str, np.ndarray] = {}
    for o in OUTPUTS:
        if o.kind == OutputKind.SAMPLE:
            if not run.keep_paths or ("event" in o.dims and not coords["event"]):
                continue
            data[o.name] = _place(o, [_sample(run, i, o) for i in minerals], coords)
        elif o.kind == OutputKind.STATISTIC or (
            o.kind in (OutputKind.COUNTERFACTUAL, OutputKind.PAIRED) and run.paired_paths
        ):
            data[o.name] = _place(o, [_statistic(run, i, o) for i in minerals], coords)
        elif o.kind == OutputKind.MODEL:
            data[o.name] = _place(o, [_model_figure(run, i, o.name) for i in minerals], coords)
    for o in OUTPUTS:
        if o.kind == OutputKind.DERIVED:
            data[o.name] = _derived(o.name, data)
    event_types = coords.pop("event_type")
    if not run.keep_paths:
        del coords["path"]
    if not coords["event"]:
        del coords["event"]
    ds = xr.Dataset(
        {
            o.name: xr.Variable(
                o.dims, data[o.name], attrs={"units": o.unit, "long_name": o.description}
            )
            for o in OUTPUTS
            if o.name in data
        },
        coords=coords,
        attrs={
            "scenario": run.model.name,
            "paths": run.paths,
            "seed": run.seed,
            "horizon_months": run.model.horizon,
            "keep_paths": run.keep_paths,
            "paired_paths": run.paired_paths,
            # each mineral's market parameters and where they came from (JSON text)
            "market_parameters": json.dumps(
                {
                    m.mineral: {
                        name: {"value": float(getattr(m, name)), "source": source}
                        for name, source in m.parameter_sources.items()
                    }
                    for m in run.model.markets
                }
            ),
            "critmin_version": __version__,
            "units": "tonnes of each mineral's final-stage basis; prices as ratios to baseline",
        },
    )
    if "event" in coords:
        ds = ds.assign_coords(event_type=("event", event_types))
    if not coords["holder"]:  # NetCDF 3 cannot store empty dimensions
        ds = ds.drop_dims("holder")
    return ds
