"""The monthly kernel: one mineral, a batch of paths, the whole horizon.

Pure array code (no I/O). Every quantity is tonnes per month of the mineral's
final-stage basis. The steps of a month, in order (docs/methods.md,
"Disruption simulator", gives the equations):

1. output of miners and refiners, from outages, lagged prices, capacity, floors
   and (for refiners) feedstock;
2. flows by origin group, then export restrictions with leakage and re-routing;
3. demand with price response and surges; restocking and reserve purchases;
4. allocation of deliveries, then a spot pool within each price segment;
5. commercial stock draws, then strategic reserve releases;
6. prices from each segment's balance, with partial adjustment;
7. the mass balance of the month.

:func:`run_kernel` packs the market, the realised events and the policies into
plain arrays and runs the numba-compiled kernel of
:mod:`critmin.engine.compiled` on blocks of paths, spread over threads.
Trajectories are path-last: (month[, consumer|holder], path). A path's result
depends only on its own inputs, so it is bit-identical whatever the batch size
or the number of threads. ``tests/reference_kernel.py`` keeps the former NumPy
implementation as an independent oracle; ``tests/test_kernel_equivalence.py``
requires the two to agree.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import numpy as np

from critmin.engine.compiled import BLOCK, FINAL, MINING, simulate_blocks
from critmin.engine.events import MineralEvents, Restriction
from critmin.engine.outputs import CAUSES, SEGMENTS, TRAJECTORIES
from critmin.model import (
    ALLOCATION_CODES,
    DAYS_PER_MONTH,
    MineralMarket,
    MineralPolicies,
    Params,
)


def trajectory_sizes(
    market: MineralMarket, policies: MineralPolicies, params: Params
) -> dict[str, int]:
    """The size of each dimension of a mineral's trajectories (all but ``path``)."""
    return {
        "month": params.horizon,
        "consumer": len(market.consumers),
        "holder": len(policies.reserves),
        "segment": len(SEGMENTS),
        "cause": len(CAUSES),
    }


def trajectory_bytes_per_path(
    market: MineralMarket, policies: MineralPolicies, params: Params
) -> int:
    """Bytes a batch's trajectory buffers take per path for one mineral [bytes]."""
    sizes = trajectory_sizes(market, policies, params)
    return sum(
        int(np.prod([sizes[d] for d in p.dims], dtype=np.int64)) * np.dtype(p.dtype).itemsize
        for p in TRAJECTORIES
    )


class Trajectories:
    """Monthly results of a batch: one array per trajectory of
    :data:`critmin.engine.outputs.TRAJECTORIES`, by name.

    The kernel's arrays are path-last, ``(month[, consumer|holder|segment], path)``,
    C-contiguous, so the paths of a month (and consumer) are adjacent in memory.
    """

    __slots__ = ("arrays",)

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        missing = [p.name for p in TRAJECTORIES if p.name not in arrays]
        if missing:
            raise ValueError(f"trajectories missing: {missing}")
        self.arrays = arrays

    @classmethod
    def allocate(cls, sizes: dict[str, int], n: int) -> Trajectories:
        """Uninitialised path-last arrays for ``n`` paths; ``sizes`` of each dimension."""
        return cls(
            {
                p.name: np.empty((*(sizes[d] for d in p.dims), n), dtype=p.dtype)
                for p in TRAJECTORIES
            }
        )

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    def buffers(self) -> tuple[np.ndarray, ...]:
        """The arrays in the order of the kernel's buffers."""
        return tuple(self.arrays[p.name] for p in TRAJECTORIES)

    def fits(self, sizes: dict[str, int], n: int) -> bool:
        """Whether these arrays have the shapes of a batch of ``n`` paths."""
        return all(
            self.arrays[p.name].shape == (*(sizes[d] for d in p.dims), n) for p in TRAJECTORIES
        )


class _Market(NamedTuple):
    """The market and parameters of one mineral, as plain arrays and scalars."""

    two_stage: bool
    demand: np.ndarray  # (K,) baseline demand [t/month]
    alliance: np.ndarray  # (K,) bool
    inv_target: np.ndarray  # (K,) commercial stock target [t]
    restock_max: np.ndarray  # (K,) [t/month]
    final_output: np.ndarray  # (S,) [t/month]
    final_cap_ratio: np.ndarray  # (S,) capacity over output
    seller_alliance: np.ndarray  # (S,) bool
    final_group: np.ndarray  # (S,) origin group of each final producer
    final_groups: int
    flows0: np.ndarray  # (S, K) baseline flows [t/month]
    mining_output: np.ndarray  # (M,) [t/month, final basis]
    mining_cap_ratio: np.ndarray  # (M,)
    miner_alliance: np.ndarray  # (M,) bool
    mining_group: np.ndarray  # (M,)
    mining_groups: int
    feed0: np.ndarray  # (M, S) baseline ore flows [t/month]
    feed_target: np.ndarray  # (S,) refiners' feed stock target [t]
    feed_cap: np.ndarray  # (S,) [t]
    eps_d: float
    eps_s: float
    eta: float  # price elasticity of desired stocks
    p0_usd_per_t: float
    alpha: float  # price adjustment share
    log_cap: float  # log of the maximum price ratio
    rerouting: float
    has_floor: bool
    floor_covered: np.ndarray  # (S,) bool
    floor_share: float
    floor_ratio: float
    precaution: float  # allied buyers' extra stock target while restricted [share]
    trader0: np.ndarray  # (2,) traders' normal stocks by segment (rest, alliance) [t]
    normal_a: float  # allied segment's normal stocks: consumers' and traders' [t]
    normal_r: float  # the other segment's, with the imposer's producer stocks [t]
    producer0: float  # the imposer's stocks at the start [t]
    leak_max: float
    leak_rate: float
    sale_share: float  # share of the imposer's stocks sold a month when unrestricted
    lr_demand: float  # long-run demand elasticity beyond the short-run one (<= 0)
    demand_rate: float  # 1 / demand_adjustment_months
    lr_supply: float  # long-run supply elasticity beyond the short-run one (>= 0)
    supply_rate: float  # 2 / supply_response_months (each of two lag stages)
    log_growth: float  # log(1 + capacity_growth_max_share)
    allied_demand: float  # the allied segment's baseline demand [t/month]
    reroute_rate: float  # re-routing's response to the log spread; < 0: immediate


class _Events(NamedTuple):
    """Realised events of a batch: per-event masks, per-path draws (event, path)."""

    r_stage: np.ndarray  # (R,) FINAL or MINING
    r_group: np.ndarray  # (R,) origin group of the imposer at its stage
    r_target: np.ndarray  # (R, B) bool, B = max(K, S)
    r_start: np.ndarray  # (R, P) int
    r_end: np.ndarray  # (R, P) int
    r_on: np.ndarray  # (R, P) bool
    r_severity: np.ndarray  # (R, P)
    r_leakage: np.ndarray  # (R, P)
    o_stage: np.ndarray  # (O,)
    o_mask: np.ndarray  # (O, max(S, M)) bool
    o_start: np.ndarray  # (O, P)
    o_end: np.ndarray  # (O, P)
    o_on: np.ndarray  # (O, P)
    o_share: np.ndarray  # (O, P)
    u_mask: np.ndarray  # (U, K) bool
    u_start: np.ndarray  # (U, P)
    u_end: np.ndarray  # (U, P)
    u_on: np.ndarray  # (U, P)
    u_share: np.ndarray  # (U, P)
    r_home: np.ndarray  # (R, B) the imposer's own buyers' shares of what it withholds
    r_announced: np.ndarray  # (R,) month announced, -1 if not
    r_exposure: np.ndarray  # (R,) baseline volume blocked at severity 1 [t/month]
    r_half: np.ndarray  # (R, P) severity half-life [months], 0: constant
    r_floor: np.ndarray  # (R, P) severity it relaxes toward


class _Reserves(NamedTuple):
    """Reserve plans as arrays over holders (H) and consumers (K)."""

    members: np.ndarray  # (H, K) bool
    shares: np.ndarray  # (H, K) cost shares
    initial: np.ndarray  # (H,) [t]
    target: np.ndarray  # (H,) [t]
    trigger_price: np.ndarray  # (H,) price ratio
    trigger_short: np.ndarray  # (H,) share
    max_release: np.ndarray  # (H,) [t/month]
    allocation: np.ndarray  # (H,) ALLOCATION_CODES
    buy_below: np.ndarray  # (H,) price ratio
    max_buy: np.ndarray  # (H,) [t/month]
    budget: np.ndarray  # (H,) [USD]


# --- packing --------------------------------------------------------------------------------


def _groups(restrictions: list[Restriction], stage: str, n: int) -> tuple[np.ndarray, list[int]]:
    """Origin groups of a stage's producers: one per distinct imposer set, then 'other'."""
    sets: list[tuple[bool, ...]] = []
    index = []
    for r in restrictions:
        if r.stage != stage:
            continue
        key = tuple(bool(x) for x in r.imposer)
        if key not in sets:
            sets.append(key)
        index.append(sets.index(key))
    group = np.full(n, len(sets), dtype=np.int64)
    for g, key in reversed(list(enumerate(sets))):
        group[np.array(key, dtype=bool)] = g
    return group, index


def _bools(rows: list[np.ndarray], width: int, dtype: Any = np.bool_) -> np.ndarray:
    """Stack rows (boolean masks by default) of possibly different lengths into
    (len(rows), width), padded with zeros."""
    out = np.zeros((len(rows), width), dtype=dtype)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


def _rows(rows: list[np.ndarray], n: int, dtype: Any) -> np.ndarray:
    """Stack per-path arrays as the rows of a (len(rows), n) array."""
    if not rows:
        return np.zeros((0, n), dtype=dtype)
    return np.ascontiguousarray(np.stack(rows), dtype=dtype)


def _pack_market(
    market: MineralMarket,
    events: MineralEvents,
    policies: MineralPolicies,
    params: Params,
) -> tuple[_Market, list[int]]:
    """The market as arrays, and each restriction's origin group at its stage."""
    final = market.final
    S = len(final.codes)
    f_group, f_index = _groups(events.restrictions, final.stage, S)
    two_stage = market.mining is not None and market.feed_flows is not None
    group_of = [0] * len(events.restrictions)
    final_positions = [i for i, r in enumerate(events.restrictions) if r.stage == final.stage]
    for i, g in zip(final_positions, f_index, strict=True):
        group_of[i] = g
    if two_stage:
        assert market.mining is not None
        assert market.feed_flows is not None
        mining = market.mining
        M = len(mining.codes)
        m_group, m_index = _groups(events.restrictions, mining.stage, M)
        mining_positions = [i for i, r in enumerate(events.restrictions) if r.stage == mining.stage]
        for i, g in zip(mining_positions, m_index, strict=True):
            group_of[i] = g
        mining_output = mining.output.astype(float)
        mining_cap_ratio = mining.capacity / np.where(mining.output > 0, mining.output, 1.0)
        miner_alliance = np.array([c in market.alliance_members for c in mining.codes])
        feed0 = market.feed_flows.astype(float)
        mining_groups = int(m_group.max()) + 1
    else:
        m_group = np.zeros(0, dtype=np.int64)
        mining_output = np.zeros(0)
        mining_cap_ratio = np.zeros(0)
        miner_alliance = np.zeros(0, dtype=np.bool_)
        feed0 = np.zeros((0, S))
        mining_groups = 1
    feed_target = params.inventory_days * final.output / DAYS_PER_MONTH
    stocks = normal_stocks(market, params)
    inv_target = stocks.consumers
    floor = policies.floor
    eps_d, eps_s = market.demand_elasticity, market.supply_elasticity
    packed = _Market(
        two_stage=bool(two_stage),
        demand=np.ascontiguousarray(market.demand, dtype=float),
        alliance=np.ascontiguousarray(market.alliance, dtype=np.bool_),
        inv_target=inv_target.astype(float),
        restock_max=(params.restock_share_per_month * inv_target).astype(float),
        final_output=final.output.astype(float),
        final_cap_ratio=(final.capacity / np.where(final.output > 0, final.output, 1.0)).astype(
            float
        ),
        seller_alliance=np.array([c in market.alliance_members for c in final.codes], np.bool_),
        final_group=f_group,
        final_groups=int(f_group.max()) + 1,
        flows0=np.ascontiguousarray(market.flows, dtype=float),
        mining_output=mining_output,
        mining_cap_ratio=mining_cap_ratio.astype(float),
        miner_alliance=miner_alliance.astype(np.bool_),
        mining_group=m_group.astype(np.int64),
        mining_groups=mining_groups,
        feed0=np.ascontiguousarray(feed0, dtype=float),
        feed_target=feed_target.astype(float),
        feed_cap=(2.0 * feed_target).astype(float),
        eps_d=float(eps_d),
        eps_s=float(eps_s),
        eta=float(params.stock_demand_elasticity),
        p0_usd_per_t=float(market.base_price_usd_per_kg * 1000.0),
        alpha=float(params.price_adjustment_share),
        log_cap=math.log(params.max_price_ratio),
        rerouting=float(params.rerouting_share),
        has_floor=floor is not None,
        floor_covered=np.zeros(S, np.bool_) if floor is None else floor.covered.astype(np.bool_),
        floor_share=0.0 if floor is None else float(floor.covered_share),
        floor_ratio=0.0 if floor is None else float(floor.floor_ratio),
        precaution=float(params.precautionary_share),
        trader0=stocks.trader,
        normal_a=stocks.allied,
        normal_r=stocks.other,
        producer0=stocks.producer,
        leak_max=float(params.leakage_max_share),
        leak_rate=float(params.leakage_spread_rate),
        sale_share=float(params.stock_sale_share_per_month),
        lr_demand=float(min(market.long_run_demand_elasticity - eps_d, 0.0)),
        demand_rate=float(1.0 / params.demand_adjustment_months),
        lr_supply=float(max(market.long_run_supply_elasticity - eps_s, 0.0)),
        supply_rate=float(2.0 / params.supply_response_months),
        log_growth=math.log1p(params.capacity_growth_max_share),
        allied_demand=float(np.asarray(market.demand)[market.alliance.astype(bool)].sum()),
        reroute_rate=(
            -1.0 if params.rerouting_spread_rate is None else float(params.rerouting_spread_rate)
        ),
    )
    return packed, group_of


class NormalStocks(NamedTuple):
    """Normal commercial stocks of a market [t] (docs/methods.md, "Prices from stocks")."""

    consumers: np.ndarray  # (K,) consumers' target stocks
    trader: np.ndarray  # (2,) traders' stocks of the other and the allied segment
    producer: float  # the imposer's producers' or state stocks
    allied: float  # allied segment: its consumers' and traders' stocks
    other: float  # the other segment: its consumers', traders' and the imposer's


def normal_stocks(market: MineralMarket, params: Params) -> NormalStocks:
    """Each holder's normal stocks: consumers ``inventory_days`` of their demand,
    traders ``trader_stock_days`` of their segment's demand, the imposer
    ``producer_stock_days`` of world demand."""
    demand = np.asarray(market.demand, dtype=float)
    allied = np.asarray(market.alliance, dtype=bool)
    consumers = params.inventory_days * demand / DAYS_PER_MONTH
    by_segment = np.array([demand[~allied].sum(), demand[allied].sum()])
    trader = params.trader_stock_days * by_segment / DAYS_PER_MONTH
    producer = params.producer_stock_days * float(demand.sum()) / DAYS_PER_MONTH
    return NormalStocks(
        consumers=consumers,
        trader=trader.astype(float),
        producer=float(producer),
        allied=float(consumers[allied].sum() + trader[1]),
        other=float(consumers[~allied].sum() + trader[0] + producer),
    )


def home_shares(market: MineralMarket, restriction: Restriction, share: float) -> np.ndarray:
    """The imposer's own buyers' shares of the volume a restriction withholds.

    Buyers are consumers (final stage, weighted by baseline demand) or
    refiners (mining stage, weighted by baseline ore intake); the shares sum
    to ``share`` (``market.withheld_home_share``), or are all 0 when the
    imposer has no explicit buyer at that stage.
    """
    final_stage = restriction.stage == market.final.stage
    weight = (
        market.demand if final_stage or market.feed_flows is None else market.feed_flows.sum(axis=0)
    ).astype(float)
    mask = np.asarray(restriction.home, np.bool_)
    total = float(weight[mask].sum())
    if total <= 0:
        return np.zeros(len(weight))
    return np.where(mask, weight, 0.0) / total * share


def _pack_events(
    market: MineralMarket,
    events: MineralEvents,
    group_of: list[int],
    n: int,
    home_share: float,
) -> _Events:
    """The realised events of a batch as arrays (see :class:`_Events`)."""
    final_stage = market.final.stage
    K, S = len(market.consumers), len(market.final.codes)
    M = 0 if market.mining is None else len(market.mining.codes)
    rs, os_, us = events.restrictions, events.outages, events.surges
    return _Events(
        r_stage=np.array([FINAL if r.stage == final_stage else MINING for r in rs], np.int64),
        r_group=np.array(group_of, dtype=np.int64),
        r_target=_bools([r.targets for r in rs], max(K, S)),
        r_start=_rows([r.window.start for r in rs], n, np.int64),
        r_end=_rows([r.window.end for r in rs], n, np.int64),
        r_on=_rows([r.window.on for r in rs], n, np.bool_),
        r_severity=_rows([r.severity for r in rs], n, np.float64),
        r_leakage=_rows([r.leakage for r in rs], n, np.float64),
        o_stage=np.array([FINAL if o.stage == final_stage else MINING for o in os_], np.int64),
        o_mask=_bools([o.producers for o in os_], max(S, M)),
        o_start=_rows([o.window.start for o in os_], n, np.int64),
        o_end=_rows([o.window.end for o in os_], n, np.int64),
        o_on=_rows([o.window.on for o in os_], n, np.bool_),
        o_share=_rows([o.share for o in os_], n, np.float64),
        u_mask=_bools([u.consumers for u in us], K),
        u_start=_rows([u.window.start for u in us], n, np.int64),
        u_end=_rows([u.window.end for u in us], n, np.int64),
        u_on=_rows([u.window.on for u in us], n, np.bool_),
        u_share=_rows([u.share for u in us], n, np.float64),
        r_home=_bools([home_shares(market, r, home_share) for r in rs], max(K, S), np.float64),
        r_announced=np.array([r.announced for r in rs], np.int64),
        r_exposure=np.array([exposure(market, r) for r in rs], np.float64),
        r_half=_rows([_or_zeros(r.half_life, r.severity) for r in rs], n, np.float64),
        r_floor=_rows([_or_zeros(r.floor, r.severity) for r in rs], n, np.float64),
    )


def _or_zeros(values: np.ndarray | None, like: np.ndarray) -> np.ndarray:
    return np.zeros_like(like, dtype=float) if values is None else values


def exposure(market: MineralMarket, restriction: Restriction) -> float:
    """Baseline volume ``restriction`` would block at severity 1 and no leakage:
    the imposer's baseline flows to its targets (ore flows for a mining-stage
    restriction, in the final stage's basis) [t/month]."""
    final_stage = restriction.stage == market.final.stage
    base = market.flows if final_stage or market.feed_flows is None else market.feed_flows
    sellers = np.asarray(restriction.imposer, np.bool_)
    buyers = np.asarray(restriction.targets, np.bool_)[: base.shape[1]]
    return float(base[np.ix_(sellers, buyers)].sum())


def _pack_reserves(policies: MineralPolicies, K: int) -> _Reserves:
    """The reserve plans as arrays (see :class:`_Reserves`)."""
    plans = policies.reserves

    def values(name: str) -> np.ndarray:
        return np.array([float(getattr(p, name)) for p in plans], dtype=float)

    return _Reserves(
        members=_bools([p.members for p in plans], K),
        shares=np.array([p.cost_shares for p in plans], dtype=float).reshape(len(plans), K),
        initial=values("initial_t"),
        target=values("target_t"),
        trigger_price=values("trigger_price"),
        trigger_short=values("trigger_shortfall"),
        max_release=values("max_release_t"),
        allocation=np.array([ALLOCATION_CODES[p.allocation] for p in plans], dtype=np.int64),
        buy_below=values("buy_below"),
        max_buy=values("max_buy_t"),
        budget=values("budget_usd"),
    )


def run_kernel(
    market: MineralMarket,
    events: MineralEvents,
    policies: MineralPolicies,
    params: Params,
    n: int,
    *,
    workers: int = 1,
    reuse: Trajectories | None = None,
) -> Trajectories:
    """Simulate one mineral for ``n`` paths over the horizon.

    Parameters
    ----------
    market
        The mineral's baseline market.
    events
        The events realised for these ``n`` paths (per-path arrays of length ``n``).
    policies
        The policies compiled onto the market.
    params
        Market parameters.
    n
        Number of paths in the batch.
    workers
        Threads to spread the blocks of paths over; never changes the results.
    reuse
        Trajectories of an earlier batch of the same mineral and size to
        overwrite (saves allocating and zeroing memory each batch); ignored
        when the shapes differ.

    Returns
    -------
    Trajectories
        Monthly results, path-last arrays (month[, consumer|holder], path).
    """
    K = len(market.consumers)
    mk, group_of = _pack_market(market, events, policies, params)
    ev = _pack_events(market, events, group_of, n, params.withheld_home_share)
    rs = _pack_reserves(policies, K)
    sizes = trajectory_sizes(market, policies, params)
    traj = reuse if reuse is not None and reuse.fits(sizes, n) else Trajectories.allocate(sizes, n)
    if not mk.has_floor:
        traj["floor_cost_usd"][...] = 0.0  # the kernel writes them only under a floor
        traj["floor_covered_t"][...] = 0.0
    out = traj.buffers()
    parts = split_range(n, workers)
    if len(parts) <= 1:
        simulate_blocks(mk, ev, rs, out, 0, n)
    else:
        with ThreadPoolExecutor(len(parts)) as pool:
            futures = [pool.submit(simulate_blocks, mk, ev, rs, out, a, b) for a, b in parts]
            for future in futures:
                future.result()
    return traj


def split_range(n: int, workers: int, unit: int = BLOCK) -> list[tuple[int, int]]:
    """Split ``range(n)`` into at most ``workers`` contiguous parts (whole multiples of ``unit``).

    >>> split_range(200, 2, 64)
    [(0, 128), (128, 200)]
    """
    units = -(-n // unit)
    parts = max(1, min(workers, units))
    bounds = [min(n, (units * i // parts) * unit) for i in range(parts + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
