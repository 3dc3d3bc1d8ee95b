"""Run a scenario: batches of paths through the kernel, reduced into streaming statistics.

Memory is bounded by the batch size and the number of histogram bins, never by
the number of paths. Results are bit-identical for a given seed whatever the
batch size (which is rounded to whole chunks of :data:`CHUNK` paths).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from critmin.engine.events import CHUNK, MineralEvents, realise
from critmin.engine.kernel import Trajectories, run_kernel
from critmin.engine.stats import Histogram, Sum, chunk_sizes, linear_edges, log_edges
from critmin.model import MineralMarket, MineralPolicies, Model, Params

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
    trough_price: Histogram  # (2,) alliance, rest: each path's lowest price ratio
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
    withheld_month: Sum  # (T,)
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
            price_alliance_month=Histogram(fan_price, (horizon,), log_scale=True),
            price_rest_month=Histogram(fan_price, (horizon,), log_scale=True),
            peak_price=Histogram(price_edges, (2,), with_sums=True, log_scale=True),
            trough_price=Histogram(price_edges, (2,), with_sums=True, log_scale=True),
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
            withheld_month=Sum.zeros((horizon,)),
            restricted_month=Sum.zeros((horizon,)),
        )
        stats.demand_total_t = np.append(market.demand, market.demand.sum()) * horizon
        return stats

    def add(self, traj: Trajectories, sizes: list[int]) -> None:
        """Reduce one batch's trajectories (path-last, in whole chunks of ``sizes``)."""
        T, K, P = traj.unmet.shape
        cum = np.empty((K + 1, P))
        share = np.empty((T, P))
        peaks = np.empty((2, P))
        troughs = np.empty((2, P))
        months = np.empty((K + 1, P))
        never = np.empty((K + 1, P))
        _per_path(
            traj.unmet, traj.demand, traj.price_alliance, traj.price_rest, RECOVERY_SHARE,
            cum, share, peaks, troughs, months, never,
        )  # fmt: skip
        self.shortfall_t.add(cum, sizes)
        self.shortfall_share_month.add(share, sizes)
        self.price_alliance_month.add(traj.price_alliance, sizes)
        self.price_rest_month.add(traj.price_rest, sizes)
        self.peak_price.add(peaks, sizes)
        self.trough_price.add(troughs, sizes)
        self.recovery.add(months, sizes)
        self.unrecovered.add(never, sizes)
        self.consumer_unmet_month.add(traj.unmet, sizes)
        self.consumer_demand_month.add(traj.demand, sizes)
        self.consumption_month.add(traj.consumption, sizes)
        self.reserve_stock_month.add(traj.reserve_stock, sizes)
        self.reserve_stock_fan.add(traj.reserve_stock, sizes)
        # per-path totals over the horizon, summed month by month
        self.reserve_released_t.add(traj.reserve_release_t.sum(axis=0), sizes)
        self.reserve_purchase_usd.add(traj.reserve_purchase_usd.sum(axis=0), sizes)
        self.reserve_release_usd.add(traj.reserve_release_usd.sum(axis=0), sizes)
        self.floor_cost_usd.add(traj.floor_cost_usd.sum(axis=0), sizes)
        self.withheld_month.add(traj.withheld, sizes)
        self.restricted_month.add(traj.restricted, sizes)
        self.mass_error_max = max(self.mass_error_max, float(traj.mass_error.max(initial=0.0)))
        self.min_stock = min(self.min_stock, float(traj.min_stock.min(initial=np.inf)))


@njit(cache=True, nogil=True, error_model="numpy")
def _per_path(
    unmet: np.ndarray,
    demand: np.ndarray,
    price_a: np.ndarray,
    price_r: np.ndarray,
    threshold: float,
    cum: np.ndarray,
    share: np.ndarray,
    peaks: np.ndarray,
    troughs: np.ndarray,
    months: np.ndarray,
    never: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Per-path figures of a batch (path-last arrays), written into the last six.

    ``cum`` (K + 1, P): unmet demand summed over months, per consumer and for
    the world (last row); ``share`` (T, P): the world's unmet share of
    demand per month; ``peaks`` (2, P): the highest alliance and rest price
    ratios; ``troughs`` (2, P): the lowest; ``months`` (K + 1, P): months
    from the first month with an unmet share above ``threshold`` to the end
    of the last such month (0 when never above); ``never`` (K + 1, P): 1
    where the share is still above the threshold in the last month.
    """
    T, K, P = unmet.shape
    first = np.full((K + 1, P), -1, np.int64)
    last = np.full((K + 1, P), -1, np.int64)
    world_unmet = np.empty(P)
    world_demand = np.empty(P)
    cum[:, :] = 0.0
    for t in range(T):
        world_unmet[:] = 0.0
        world_demand[:] = 0.0
        for k in range(K):
            for p in range(P):
                u = unmet[t, k, p]
                d = demand[t, k, p]
                cum[k, p] += u
                world_unmet[p] += u
                world_demand[p] += d
                if (u / d if d > 0 else 0.0) > threshold:
                    if first[k, p] < 0:
                        first[k, p] = t
                    last[k, p] = t
        for p in range(P):
            s = world_unmet[p] / world_demand[p] if world_demand[p] > 0 else 0.0
            share[t, p] = s
            cum[K, p] += world_unmet[p]
            if s > threshold:
                if first[K, p] < 0:
                    first[K, p] = t
                last[K, p] = t
    for p in range(P):
        high_a = -np.inf
        high_r = -np.inf
        low_a = np.inf
        low_r = np.inf
        for t in range(T):
            high_a = max(high_a, price_a[t, p])
            high_r = max(high_r, price_r[t, p])
            low_a = min(low_a, price_a[t, p])
            low_r = min(low_r, price_r[t, p])
        peaks[0, p] = high_a
        peaks[1, p] = high_r
        troughs[0, p] = low_a
        troughs[1, p] = low_r
    for k in range(K + 1):
        for p in range(P):
            months[k, p] = last[k, p] - first[k, p] + 1 if first[k, p] >= 0 else 0
            never[k, p] = 1.0 if last[k, p] == T - 1 else 0.0


@dataclass
class RunOutput:
    """Everything a run produces before it is labelled (see :mod:`critmin.results`)."""

    model: Model
    paths: int
    seed: int
    batch_size: int
    stats: list[MineralStats]


def batches(n_paths: int, batch_size: int) -> Iterator[list[int]]:
    """Chunk indices of each batch, in order."""
    n_chunks = -(-n_paths // CHUNK)
    per = max(1, -(-batch_size // CHUNK))
    for start in range(0, n_chunks, per):
        yield list(range(start, min(start + per, n_chunks)))


def default_workers() -> int:
    """Threads a run uses by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return max(1, os.cpu_count() or 1)


def _step(
    market: MineralMarket,
    events: MineralEvents,
    policy: MineralPolicies,
    stat: MineralStats,
    params: Params,
    sizes: list[int],
    workers: int,
    reuse: Trajectories | None,
) -> tuple[float, Trajectories]:
    """One mineral, one batch: the kernel, then the reduction into its statistics.

    Returns the time taken [s] (to schedule the next batch) and the
    trajectories, whose memory the next batch of this mineral reuses.
    """
    start = time.perf_counter()
    n = int(sum(sizes))
    traj = run_kernel(market, events, policy, params, n, workers=workers, reuse=reuse)
    stat.add(traj, sizes)
    return time.perf_counter() - start, traj


def simulate(
    model: Model,
    *,
    paths: int | None = None,
    seed: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> RunOutput:
    """Run ``model``; return the streaming statistics.

    Parameters
    ----------
    model
        A model built by :func:`critmin.model.build_model`.
    paths, seed
        Paths [paths] and seed; None for the scenario's.
    batch_size
        Paths per batch [paths]; rounded up to whole chunks of 64. Affects
        memory and speed only, never the results.
    progress
        Called with the number of paths done after each batch.
    workers
        Threads to run on [threads]; default: every CPU available
        (:func:`default_workers`). Affects speed only, never the results.

    Notes
    -----
    Batches run one after the other. Within a batch, the minerals are spread
    over the threads (each mineral's kernel and statistics run on one
    thread); with fewer minerals than threads, each kernel spreads its paths
    over the threads instead. Every path's computation is independent of
    the others, and each mineral's statistics receive the batches in order,
    so the results are bit-identical whatever the number of threads.
    """
    n_paths = model.paths if paths is None else int(paths)
    run_seed = model.seed if seed is None else int(seed)
    markets = list(model.markets)
    policies = list(model.policies)
    params = model.params
    stats = [
        MineralStats.create(m, p, model.horizon, model.max_surge_share, params.max_price_ratio)
        for m, p in zip(markets, policies, strict=True)
    ]
    threads = max(1, default_workers() if workers is None else int(workers))
    per_mineral = min(threads, max(len(markets), 1))
    kernel_workers = max(1, threads // per_mineral)
    plan = list(batches(n_paths, batch_size))
    cost = [0.0] * len(markets)  # seconds each mineral took in the last batch
    buffers: list[Trajectories | None] = [None] * len(markets)
    done = 0

    def draw_events(chunks: list[int]) -> dict[str, MineralEvents]:
        return realise(model.events, markets, run_seed, model.horizon, chunks, n_paths)

    with ThreadPoolExecutor(per_mineral) as pool:
        events = draw_events(plan[0]) if plan else {}
        for b, chunks in enumerate(plan):
            sizes = chunk_sizes(chunks, n_paths)
            # the slowest minerals first, so the threads finish together
            order = sorted(range(len(markets)), key=lambda i: -cost[i])
            futures = {
                i: pool.submit(
                    _step,
                    markets[i],
                    events[markets[i].mineral],
                    policies[i],
                    stats[i],
                    params,
                    sizes,
                    kernel_workers,
                    buffers[i],
                )  # fmt: skip
                for i in order
            }
            # draw the next batch's events while the threads work on this one
            if b + 1 < len(plan):
                events = draw_events(plan[b + 1])
            for i, future in futures.items():
                cost[i], buffers[i] = future.result()
            done += int(sum(sizes))
            if progress is not None:
                progress(done)
    return RunOutput(model, n_paths, run_seed, batch_size, stats)
