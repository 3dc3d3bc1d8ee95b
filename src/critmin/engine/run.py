"""Run a scenario: batches of paths through the kernel, reduced into streaming statistics.

Memory is bounded by the batch size and the number of histogram bins, never by
the number of paths. Results are bit-identical for a given seed whatever the
batch size (which is rounded to whole chunks of :data:`CHUNK` paths).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from critmin.engine.events import CHUNK, Calibration, calibrate_restrictions, realise
from critmin.engine.kernel import Params, Trajectories, run_kernel
from critmin.engine.market import MineralMarket, build_markets
from critmin.engine.policies import MineralPolicies, compile_policies
from critmin.engine.stats import Histogram, Sum, chunk_sizes, linear_edges, log_edges
from critmin.scenario import Scenario, ScenarioError, StochasticRestrictions, check_against_world
from critmin.world.load import World

#: Default paths per batch (rounded to whole chunks).
DEFAULT_BATCH = 1024
#: Share of baseline demand below which a month counts as recovered.
RECOVERY_SHARE = 0.005
#: Bins of the per-path histograms.
SHORTFALL_BINS = 2000
PRICE_BINS = 400
FAN_BINS = 200


@dataclass
class MineralStats:
    """Streaming statistics of one mineral."""

    market: MineralMarket
    policies: MineralPolicies
    horizon: int
    shortfall_t: Histogram  # cumulative unmet demand per consumer, plus world (last)
    shortfall_share_month: Histogram  # world unmet share per month
    price_alliance_month: Histogram
    price_rest_month: Histogram
    peak_price: Histogram  # (2,) alliance, rest
    recovery: Histogram  # months to recovery, per consumer plus world
    unrecovered: Sum
    consumer_unmet_month: Sum  # (T, K)
    consumer_demand_month: Sum  # (T, K)
    consumption_month: Sum  # (T, K)
    reserve_stock_month: Sum  # (T, H)
    reserve_stock_fan: Histogram  # (T, H)
    reserve_released_t: Sum  # (H,)
    reserve_purchase_usd: Sum  # (H,)
    reserve_release_usd: Sum  # (H,)
    floor_cost_usd: Sum  # ()
    withheld_t: Sum  # ()
    restricted_month: Sum  # (T,) share of paths restricted
    mass_error_max: float = 0.0
    min_stock: float = float("inf")
    demand_total_t: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def create(
        cls,
        market: MineralMarket,
        policies: MineralPolicies,
        horizon: int,
        max_surge: float,
        max_price: float,
    ) -> MineralStats:
        """Empty statistics sized for this market."""
        K = len(market.consumers)
        H = len(policies.reserves)
        cum = np.append(market.demand, market.demand.sum()) * horizon * (1.0 + max_surge)
        edges = np.stack([linear_edges(c, SHORTFALL_BINS) for c in cum])
        price_edges = log_edges(1.0 / max_price, max_price, PRICE_BINS)
        fan_price = log_edges(1.0 / max_price, max_price, FAN_BINS)
        stock_high = (
            max(
                [p.target_t for p in policies.reserves]
                + [p.initial_t for p in policies.reserves]
                + [1.0]
            )
            * 1.25
        )
        stats = cls(
            market=market,
            policies=policies,
            horizon=horizon,
            shortfall_t=Histogram(edges, (K + 1,), with_sums=True),
            shortfall_share_month=Histogram(linear_edges(1.0 + max_surge, FAN_BINS), (horizon,)),
            price_alliance_month=Histogram(fan_price, (horizon,)),
            price_rest_month=Histogram(fan_price, (horizon,)),
            peak_price=Histogram(price_edges, (2,), with_sums=True),
            recovery=Histogram(np.arange(0.5, horizon + 1.5), (K + 1,)),
            unrecovered=Sum.zeros((K + 1,)),
            consumer_unmet_month=Sum.zeros((horizon, K)),
            consumer_demand_month=Sum.zeros((horizon, K)),
            consumption_month=Sum.zeros((horizon, K)),
            reserve_stock_month=Sum.zeros((horizon, H)),
            reserve_stock_fan=Histogram(linear_edges(stock_high, FAN_BINS), (horizon, H)),
            reserve_released_t=Sum.zeros((H,)),
            reserve_purchase_usd=Sum.zeros((H,)),
            reserve_release_usd=Sum.zeros((H,)),
            floor_cost_usd=Sum.zeros(()),
            withheld_t=Sum.zeros(()),
            restricted_month=Sum.zeros((horizon,)),
        )
        stats.demand_total_t = np.append(market.demand, market.demand.sum()) * horizon
        return stats

    def add(self, traj: Trajectories, sizes: list[int]) -> None:
        """Reduce one batch's trajectories."""
        unmet = traj.unmet
        world_unmet = unmet.sum(axis=2)
        per_path = np.concatenate([unmet.sum(axis=1), world_unmet.sum(axis=1)[:, None]], axis=1)
        self.shortfall_t.add(per_path, sizes)
        world_demand = traj.demand.sum(axis=2)
        share_month = np.divide(
            world_unmet, world_demand, out=np.zeros_like(world_unmet), where=world_demand > 0
        )
        self.shortfall_share_month.add(share_month, sizes)
        self.price_alliance_month.add(traj.price_alliance, sizes)
        self.price_rest_month.add(traj.price_rest, sizes)
        peaks = np.stack([traj.price_alliance.max(axis=1), traj.price_rest.max(axis=1)], axis=1)
        self.peak_price.add(peaks, sizes)
        shares = np.concatenate(
            [
                np.divide(unmet, traj.demand, out=np.zeros_like(unmet), where=traj.demand > 0),
                share_month[:, :, None],
            ],
            axis=2,
        )
        months, never = months_to_recovery(shares, RECOVERY_SHARE)
        self.recovery.add(months, sizes)
        self.unrecovered.add(never.astype(float), sizes)
        self.consumer_unmet_month.add(unmet, sizes)
        self.consumer_demand_month.add(traj.demand, sizes)
        self.consumption_month.add(traj.consumption, sizes)
        self.reserve_stock_month.add(traj.reserve_stock, sizes)
        self.reserve_stock_fan.add(traj.reserve_stock, sizes)
        self.reserve_released_t.add(traj.reserve_release_t.sum(axis=1), sizes)
        self.reserve_purchase_usd.add(traj.reserve_purchase_usd.sum(axis=1), sizes)
        self.reserve_release_usd.add(traj.reserve_release_usd.sum(axis=1), sizes)
        floor = traj.floor_cost_usd.sum(axis=1)
        self.floor_cost_usd.add(floor, sizes)
        self.withheld_t.add(traj.withheld.sum(axis=1), sizes)
        self.restricted_month.add(traj.restricted.astype(float), sizes)
        self.mass_error_max = max(self.mass_error_max, float(traj.mass_error.max()))
        self.min_stock = min(self.min_stock, float(traj.min_stock.min()))


def months_to_recovery(shares: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Months from the first month above ``threshold`` to the first month after the
    last such month, per path and series; 0 when never above; ``never`` flags
    series still above the threshold in the last month.

    ``shares`` has shape (paths, months, series).
    """
    above = shares > threshold
    T = shares.shape[1]
    anyabove = above.any(axis=1)
    first = np.argmax(above, axis=1)
    last = T - 1 - np.argmax(above[:, ::-1, :], axis=1)
    months = np.where(anyabove, last - first + 1, 0).astype(float)
    never = above[:, -1, :]
    return months, never


@dataclass
class RunOutput:
    """Everything a run produces before it is labelled (see :mod:`critmin.results`)."""

    scenario: Scenario
    paths: int
    seed: int
    batch_size: int
    stats: list[MineralStats]
    calibrations: dict[int, Calibration]


def batches(n_paths: int, batch_size: int) -> Iterator[list[int]]:
    """Chunk indices of each batch, in order."""
    n_chunks = -(-n_paths // CHUNK)
    per = max(1, -(-batch_size // CHUNK))
    for start in range(0, n_chunks, per):
        yield list(range(start, min(start + per, n_chunks)))


def prepare(
    world: World, scenario: Scenario
) -> tuple[list[MineralMarket], list[MineralPolicies], dict[int, Calibration]]:
    """Baseline markets, compiled policies and generator calibrations."""
    markets = build_markets(world, scenario)
    policies = [compile_policies(scenario, m) for m in markets]
    calibrations = {
        i: calibrate_restrictions(world, e.imposer)
        for i, e in enumerate(scenario.events)
        if isinstance(e, StochasticRestrictions)
        and (e.rate_per_year is None or e.severity_share is None or e.mean_duration_months is None)
    }
    for i, e in enumerate(scenario.events):
        if isinstance(e, StochasticRestrictions) and i not in calibrations:
            calibrations[i] = Calibration(0, 1, 0, (0, 1), 0, 0, 0, 0, ())
    return markets, policies, calibrations


def _max_surge(scenario: Scenario) -> float:
    from critmin.scenario import DemandSurge, value_bounds

    total = 0.0
    for e in scenario.events:
        if isinstance(e, DemandSurge):
            total += max(value_bounds(e.increase_share)[1], 0.0)
    return total


def simulate(
    world: World,
    scenario: Scenario,
    *,
    paths: int | None = None,
    seed: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> RunOutput:
    """Run ``scenario`` on ``world``; return the streaming statistics.

    Parameters
    ----------
    world
        The dataset.
    scenario
        A validated scenario.
    paths, seed
        Override the scenario's number of paths and seed.
    batch_size
        Paths per batch [paths]; rounded up to whole chunks of 64. Affects
        memory and speed only, never the results.
    progress
        Called with the number of paths done after each batch.
    """
    if paths is not None or seed is not None:
        scenario = scenario.model_copy(
            update={
                "paths": paths or scenario.paths,
                "seed": scenario.seed if seed is None else seed,
            }
        )
    problems = check_against_world(scenario, world)
    if problems:
        raise ScenarioError(f"scenario {scenario.name}", problems)
    markets, policies, calibrations = prepare(world, scenario)
    params = Params(
        horizon=scenario.horizon_months,
        price_adjustment_share=scenario.market.price_adjustment_share,
        max_price_ratio=scenario.market.max_price_ratio,
        rerouting_share=scenario.market.rerouting_share,
        inventory_days=scenario.market.inventory_days,
        restock_share_per_month=scenario.market.restock_share_per_month,
    )
    surge = _max_surge(scenario)
    stats = [
        MineralStats.create(m, p, scenario.horizon_months, surge, scenario.market.max_price_ratio)
        for m, p in zip(markets, policies, strict=True)
    ]
    done = 0
    for chunks in batches(scenario.paths, batch_size):
        sizes = chunk_sizes(chunks, scenario.paths)
        n = int(sum(sizes))
        events = realise(scenario, markets, chunks, scenario.paths, calibrations)
        for market, policy, stat in zip(markets, policies, stats, strict=True):
            traj = run_kernel(market, events[market.mineral], policy, params, n)
            stat.add(traj, sizes)
        done += n
        if progress is not None:
            progress(done)
    return RunOutput(scenario, scenario.paths, scenario.seed, batch_size, stats, calibrations)
