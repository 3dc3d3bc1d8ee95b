"""Running a replay and setting each simulated figure beside the observed one."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from critmin.engine.run import RunOutput, simulate
from critmin.errors import CritminError
from critmin.model import MineralMarket, build_model
from critmin.results import to_dataset
from critmin.scenario import Scenario, load_scenario
from critmin.validation.checks import (
    CHECKS_FILE,
    CLOSE_FACTOR,
    FLAT_SHARE,
    IMPOSER,
    PATHS,
    REPLAYS,
    SCENARIO_DIR,
    SEED,
    Check,
    Replay,
    load_checks,
    month_index,
    window_text,
)
from critmin.world.load import World, load_world


@dataclass
class ReplayRun:
    """What the comparisons need from one replay."""

    replay: Replay
    scenario: Scenario
    dataset: xr.Dataset
    markets: dict[str, MineralMarket]


def baseline_exports_t(market: MineralMarket, imposer: str = IMPOSER) -> float:
    """The imposer's baseline monthly deliveries to every consumer but itself [t/month]."""
    codes = market.final.codes
    if imposer not in codes:
        return 0.0
    row = market.flows[codes.index(imposer)]
    return float(sum(v for v, c in zip(row, market.consumers, strict=True) if c != imposer))


def _months(window: tuple[str, str], start: str) -> list[int]:
    first, last = (month_index(m, start) for m in window)
    return list(range(first, last + 1))


def _simulate(world: World, scenario: Scenario) -> RunOutput:
    return simulate(build_model(world, scenario), paths=PATHS, seed=SEED)


def run_replay(
    replay: Replay,
    world: World | None = None,
    scenario_dir: Path = SCENARIO_DIR,
    *,
    market: Mapping[str, float] | None = None,
) -> ReplayRun:
    """Run a replay.

    Parameters
    ----------
    replay
        The replay; its file is ``scenario_dir / f"{replay.scenario}.yaml"``.
    world
        The dataset; the shipped one when None.
    scenario_dir
        Folder of the scenario files.
    market
        ``market:`` settings to override, by field name (the calibration
        experiment's demand elasticity, the grid of ``withheld_home_share``,
        the sensitivity table); None keeps the scenario's.
    """
    world = load_world() if world is None else world
    path = scenario_dir / f"{replay.scenario}.yaml"
    if not path.is_file():
        raise CritminError(
            "replay scenario not found",
            where=str(path),
            allowed="a checkout with the scenarios/ folder, or scenario_dir=...",
        )
    scenario = load_scenario(path)
    if market:
        settings = scenario.market.model_copy(update=dict(market))
        scenario = scenario.model_copy(update={"market": settings})
    run = _simulate(world, scenario)
    return ReplayRun(replay, scenario, to_dataset(run), {m.mineral: m for m in run.model.markets})


def _price(run: ReplayRun, mineral: str, segment: str, quantile: float = 0.5) -> np.ndarray:
    fan = run.dataset["price_ratio_fan"].sel(
        mineral=mineral, segment=segment, fan_quantile=quantile
    )
    return np.asarray(fan.values, dtype=float)


def _mean(series: np.ndarray, months: Iterable[int]) -> float:
    """Mean over ``months`` of a monthly series, 1 (the baseline) before month 0."""
    values = []
    for m in months:
        if m >= len(series):
            raise CritminError(
                "comparison window beyond the replay's horizon",
                given=f"month {m}",
                allowed=f"months up to {len(series) - 1}",
            )
        values.append(1.0 if m < 0 else float(series[m]))
    return float(np.mean(values))


def _exports(run: ReplayRun, mineral: str, months: list[int]) -> float:
    """China's mean monthly exports over ``months`` [t/month]."""
    base = baseline_exports_t(run.markets[mineral])
    monthly = run.dataset["withheld_mean_t"].sel(mineral=mineral).values
    withheld = float(sum(monthly[m] for m in months if m >= 0))
    return (base * len(months) - withheld) / len(months)


def _observed(check: Check, world: World) -> tuple[float, str, str]:
    """Observed value, its kind (``change``, ``ratio`` or ``level``) and its sources."""
    if check.quantity == "annual_price":
        prices = world.prices
        rows = prices[prices["series"] == check.series].set_index("year")
        year = int(check.window[0][:4])
        prev = int(check.base[0][:4]) if check.base else year - 1
        price = rows["price_usd_per_kg"]
        return float(price[year] / price[prev]) - 1.0, "change", str(rows["source_id"][year])
    table = world.observed_responses
    found = []
    for key in check.rows:
        match = table[
            (table["event"] == key.event)
            & (table["mineral"] == key.mineral)
            & (table["market"] == key.market)
            & (table["period_from"] == key.period_from)
            & (table["period_to"] == key.period_to)
        ]
        if len(match) != 1:
            raise CritminError(
                "observed row not found in observed_responses",
                where=(
                    f"{CHECKS_FILE} ({check.replay}, {check.quantity} {window_text(check.window)})"
                ),
                given=str(key),
            )
        found.append(match.iloc[0])
    sources = ", ".join(dict.fromkeys(str(r["source_id"]) for r in found))
    values = [float(r["value"]) for r in found]
    metric = str(found[0]["metric"])
    if len(found) == 1:
        return values[0], "level" if metric == "price_level" else "change", sources
    if metric.endswith("_change_share"):
        return (1.0 + values[0]) / (1.0 + values[1]) - 1.0, "change", sources
    if found[0]["unit"] != found[1]["unit"]:
        raise CritminError(
            "observed rows of a ratio have different units",
            where=f"{CHECKS_FILE} ({check.replay}, {check.quantity} {window_text(check.window)})",
            given=f"{found[0]['unit']} and {found[1]['unit']}",
        )
    ratio = values[0] / values[1]
    return (
        (ratio, "ratio", sources) if check.quantity == "wedge" else (ratio - 1.0, "change", sources)
    )


def _simulated(check: Check, run: ReplayRun, kind: str) -> tuple[float, float, float]:
    """Simulated value (same kind as the observation) and its 5-95 % range (NaN if undefined)."""
    window = _months(check.window, run.replay.start)
    base = _months(check.base, run.replay.start) if check.base else None
    m, nan = check.mineral, math.nan
    if check.quantity == "exports":
        before = _exports(run, m, base) if base else baseline_exports_t(run.markets[m])
        if before <= 0:
            # the imposer exports nothing at baseline: no change can be computed
            return nan, nan, nan
        return _exports(run, m, window) / before - 1.0, nan, nan
    outside, inside = _price(run, m, "alliance"), _price(run, m, "rest")
    segment = "rest" if check.quantity == "price_inside" else "alliance"
    single = base is None and len(window) == 1 and window[0] >= 0
    if check.quantity in ("price_outside", "price_inside", "annual_price"):
        series = inside if segment == "rest" else outside
        value = _mean(series, window) / (_mean(series, base) if base else 1.0) - 1.0
        if not single:
            return value, nan, nan
        lo, hi = (_price(run, m, segment, q)[window[0]] - 1.0 for q in (0.05, 0.95))
        return value, float(lo), float(hi)
    if check.quantity == "price_level":
        price = float(run.dataset["base_price_usd_per_kg"].sel(mineral=m))
        lo, hi = (_price(run, m, "alliance", q)[window[-1]] * price for q in (0.05, 0.95))
        return _mean(outside, window) * price, float(lo), float(hi)
    now = _mean(outside, window) / _mean(inside, window)
    if kind == "ratio":
        return now, nan, nan
    before = _mean(outside, base) / _mean(inside, base) if base else 1.0
    return now / before - 1.0, nan, nan


def outcome(value: float, kind: str, base_price: float = 1.0) -> float:
    """A comparison's value as a ratio to "no change" (1 = nothing happened).

    A change ``x`` gives ``1 + x``; a ratio (an outside/inside price wedge) is
    itself; a price level is divided by the baseline price ``base_price``.

    >>> outcome(1.5, "change"), round(outcome(595.0, "level", 450.0), 3)
    (2.5, 1.322)
    """
    if kind == "change":
        return 1.0 + value
    if kind == "level":
        return value / base_price
    return value


def agreement(observed: float, simulated: float) -> str:
    """``close``, ``direction`` or ``miss`` for two outcomes (see :func:`outcome`).

    Directions are up, flat (within :data:`FLAT_SHARE` of 1) or down; different
    directions are a ``miss``. The same direction is ``close`` within a factor
    :data:`CLOSE_FACTOR` or within 0.1 (10 percentage points, which matters
    near a total stop), and ``direction`` otherwise.

    A simulated value that cannot be computed (NaN: e.g. the imposer exports
    nothing at baseline) is a ``miss``: the model cannot produce the behaviour.

    >>> agreement(2.14, 2.9), agreement(0.91, 1.0), agreement(1.57, 4.0), agreement(0.0, 0.08)
    ('close', 'miss', 'direction', 'close')
    >>> agreement(0.03, float("nan"))
    'miss'
    """
    if math.isnan(simulated):
        return "miss"

    def direction(x: float) -> int:
        return 0 if abs(x - 1.0) < FLAT_SHARE else (1 if x > 1.0 else -1)

    if direction(observed) != direction(simulated):
        return "miss"
    if abs(simulated - observed) <= 0.1:
        return "close"
    if observed > 0 and simulated > 0:
        if abs(math.log(simulated / observed)) <= math.log(CLOSE_FACTOR):
            return "close"
    return "direction"


def comparison_table(
    runs: dict[str, ReplayRun],
    world: World,
    checks: tuple[Check, ...],
    quantities: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every check of the given replays: observed and simulated side by side.

    Parameters
    ----------
    runs
        Replay results by scenario name (from :func:`run_replay`).
    world
        The dataset (its ``observed_responses`` and ``prices`` tables).
    checks
        The comparisons (:func:`load_checks`).
    quantities
        Only checks of these quantities; None = all.

    Returns
    -------
    pandas.DataFrame
        One row per check: replay, mineral, quantity, market, window, base,
        kind, observed, simulated, low and high (5-95 % of paths, NaN where not
        defined), agreement, sources and note.
    """
    wanted = None if quantities is None else set(quantities)
    rows = []
    for check in checks:
        run = runs.get(check.replay)
        if run is None or (wanted is not None and check.quantity not in wanted):
            continue
        observed, kind, sources = _observed(check, world)
        simulated, low, high = _simulated(check, run, kind)
        base_price = float(run.dataset["base_price_usd_per_kg"].sel(mineral=check.mineral))
        markets = [k.market for k in check.rows] or [check.series]
        judged = agreement(
            outcome(observed, kind, base_price), outcome(simulated, kind, base_price)
        )
        rows.append(
            {
                "replay": check.replay,
                "mineral": check.mineral,
                "quantity": check.quantity,
                "market": " / ".join(markets) if check.quantity == "wedge" else markets[0],
                "window": window_text(check.window),
                "base": window_text(check.base) if check.base else "baseline",
                "kind": kind,
                "observed": observed,
                "simulated": simulated,
                "low": low,
                "high": high,
                "agreement": judged,
                "role": "calibration" if check.calibration else "test",
                "sources": sources,
                "note": check.note,
            }
        )
    return pd.DataFrame(rows)


def compare_replay(
    name: str, world: World | None = None, scenario_dir: Path = SCENARIO_DIR
) -> pd.DataFrame:
    """Run one replay and return its comparisons, observed and simulated side by side.

    Parameters
    ----------
    name
        The replay's scenario name, e.g. ``"replay-ga-ge-2023"`` (see :data:`REPLAYS`).
    world
        The dataset; the shipped one when None.
    scenario_dir
        Folder of the replay scenario files and of :data:`CHECKS_FILE`.

    Returns
    -------
    pandas.DataFrame
        As :func:`comparison_table`, for this replay only.
    """
    replays = {r.scenario: r for r in REPLAYS}
    if name not in replays:
        raise CritminError("unknown replay", given=name, allowed=sorted(replays))
    world = load_world() if world is None else world
    checks = load_checks(scenario_dir / CHECKS_FILE)
    run = run_replay(replays[name], world, scenario_dir)
    return comparison_table({name: run}, world, checks)
