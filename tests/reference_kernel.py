"""The NumPy monthly kernel, kept as an independent oracle for the production kernel.

This is the vectorised NumPy implementation that :mod:`critmin.engine.kernel`
replaced (moved here unchanged apart from this docstring, its imports and its
name). It loops over months and vectorises over paths; arrays are indexed
(path, ...). ``tests/test_kernel_equivalence.py`` runs random scenarios through
both and requires them to agree. Do not "fix" this file to match the
production kernel: a disagreement is a finding.

The steps of a month, in order (docs/methods.md, "Disruption simulator"):

1. output of miners and refiners, from outages, lagged prices, capacity, floors
   and (for refiners) feedstock;
2. flows by origin group, then export restrictions with leakage and re-routing;
3. demand with price response and surges; restocking and reserve purchases;
4. allocation of deliveries, then a spot pool within each price segment;
5. commercial stock draws, then strategic reserve releases;
6. prices from each segment's balance, with partial adjustment;
7. the mass balance of the month.
"""

from __future__ import annotations

import numpy as np

from critmin.engine.events import MineralEvents, Restriction
from critmin.engine.kernel import Trajectories
from critmin.model import DAYS_PER_MONTH, MineralMarket, MineralPolicies, Params


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


def _home(weight: np.ndarray, r: Restriction, share: float) -> np.ndarray:
    """The imposer's own buyers' shares of what ``r`` withholds (0 without any)."""
    mine = weight * r.home
    return mine / mine.sum() * share if mine.sum() > 0 else np.zeros(len(weight))


def _restrict(
    flows: np.ndarray,
    restrictions: list[tuple[Restriction, int]],
    month: int,
    rerouting: float,
    weight: np.ndarray,
    home_share: float,
    spread: np.ndarray,
    params: Params,
) -> tuple[np.ndarray, np.ndarray]:
    """Apply active restrictions to flows by origin group; return the volume withheld
    and, per buyer, the part of it offered to the imposer's own buyers.

    ``flows`` has shape (P, G, K) (origin group, buyer) and is updated in place.
    A restriction blocks ``severity`` of its group's flows to its targets; the
    ``leakage`` share of that still arrives, raised toward
    ``params.leakage_max_share`` as the log price spread ``spread`` (P,) widens.
    Up to ``rerouting`` of the other groups' sales to non-targets is redirected to
    the targets, rising as ``1 - exp(-params.rerouting_spread_rate * spread)``
    (the full ``rerouting`` when that rate is None), and the
    imposer's blocked volume replaces it at the non-targets; the rest of the
    blocked volume is withheld (unsold by the imposer), and ``home_share`` of it
    is offered to the imposer's own buyers, pro rata to ``weight``.
    """
    withheld = np.zeros(flows.shape[0])
    homed = np.zeros((flows.shape[0], flows.shape[2]))
    for r, g in restrictions:
        active = r.window.active(month)
        if not active.any():
            continue
        pull = 1.0 - np.exp(-params.leakage_spread_rate * spread)
        leak = r.leakage + (np.maximum(params.leakage_max_share, r.leakage) - r.leakage) * pull
        severity = r.severity
        if r.half_life is not None:  # relaxing toward the floor as licences are granted
            age = month - r.window.start
            severity = r.floor + (r.severity - r.floor) * np.power(0.5, age / r.half_life)
        factor = np.where(active, severity * (1.0 - leak), 0.0)
        target = r.targets
        lost = flows[:, g, :] * target[None, :] * factor[:, None]  # (P, K)
        flows[:, g, :] -= lost
        need = lost.sum(axis=1)
        others = np.ones(flows.shape[1], dtype=bool)
        others[g] = False
        from_others = flows[:, others, :]  # (P, G-1, K)
        available = (from_others * (~target)[None, None, :]).sum(axis=(1, 2))
        rate = params.rerouting_spread_rate
        reroute = rerouting * (1.0 if rate is None else -np.expm1(-rate * spread))
        moved = np.minimum(reroute * available, need)
        # targets receive `moved` from the other groups, pro rata to what they lost
        to_target = lost * np.divide(moved, need, out=np.zeros_like(need), where=need > 0)[:, None]
        frac = np.divide(moved, available, out=np.zeros_like(moved), where=available > 0)
        taken = from_others * (~target)[None, None, :] * frac[:, None, None]  # (P, G-1, K)
        origin_share = np.divide(
            taken.sum(axis=2),
            moved[:, None],
            out=np.zeros(taken.shape[:2]),
            where=moved[:, None] > 0,
        )
        flows[:, others, :] -= taken
        flows[:, others, :] += origin_share[:, :, None] * to_target[:, None, :]
        # the imposer ships to the non-targets what they gave up
        flows[:, g, :] += taken.sum(axis=1)
        withheld += need - moved
        to_home = (need - moved)[:, None] * _home(weight, r, home_share)[None, :]
        flows[:, g, :] += to_home
        homed += to_home
    return withheld, homed


def _serve(
    request: np.ndarray, pool: np.ndarray, segment: np.ndarray, split: np.ndarray
) -> np.ndarray:
    """Serve ``request`` (P, K) pro rata from ``pool`` (P, 2); update the pool.

    Consumers in segment 1 (alliance) and 0 (rest) share their segment's pool
    where ``split``; elsewhere one world pool serves everyone.
    """
    in1 = segment.astype(bool)
    need1 = (request * in1).sum(axis=1)
    need0 = (request * ~in1).sum(axis=1)
    world_frac = np.minimum(
        1.0,
        np.divide(
            pool.sum(axis=1), need0 + need1, out=np.ones_like(need0), where=(need0 + need1) > 0
        ),
    )
    f1 = np.minimum(1.0, np.divide(pool[:, 1], need1, out=np.ones_like(need1), where=need1 > 0))
    f0 = np.minimum(1.0, np.divide(pool[:, 0], need0, out=np.ones_like(need0), where=need0 > 0))
    frac = np.where(
        split[:, None], np.where(in1[None, :], f1[:, None], f0[:, None]), world_frac[:, None]
    )
    served = request * frac
    s1 = (served * in1).sum(axis=1)
    s0 = (served * ~in1).sum(axis=1)
    total = pool.sum(axis=1)
    # unsplit: take from the world pool in proportion to each segment's pool
    share1 = np.divide(pool[:, 1], total, out=np.full_like(total, 0.5), where=total > 0)
    used = s0 + s1
    pool[:, 1] -= np.where(split, s1, used * share1)
    pool[:, 0] -= np.where(split, s0, used * (1.0 - share1))
    np.maximum(pool, 0.0, out=pool)
    return served


def _supply_response(price: np.ndarray, elasticity: float, cap_ratio: np.ndarray) -> np.ndarray:
    return np.minimum(np.power(np.maximum(price, 1e-9), elasticity), cap_ratio[None, :])


def run_reference_kernel(
    market: MineralMarket, events: MineralEvents, policies: MineralPolicies, params: Params, n: int
) -> Trajectories:
    """Simulate one mineral for ``n`` paths over the horizon."""
    T = params.horizon
    K = len(market.consumers)
    H = len(policies.reserves)
    final = market.final
    S = len(final.codes)
    eps_d, eps_s = market.demand_elasticity, market.supply_elasticity
    eta = params.stock_demand_elasticity
    home_share = params.withheld_home_share
    p0_usd_per_t = market.base_price_usd_per_kg * 1000.0
    alliance = market.alliance.astype(bool)
    seller_alliance = np.array([c in market.alliance_members for c in final.codes])

    # origin groups per stage
    f_group, f_index = _groups(events.restrictions, final.stage, S)
    n_fg = int(f_group.max()) + 1
    f_restr = [
        (r, f_index[i])
        for i, r in enumerate([r for r in events.restrictions if r.stage == final.stage])
    ]
    onehot_f = np.zeros((S, n_fg))
    onehot_f[np.arange(S), f_group] = 1.0

    mining = market.mining if market.mining is not None else final
    two_stage = market.mining is not None and market.feed_flows is not None
    if two_stage:
        assert market.feed_flows is not None
        M = len(mining.codes)
        m_group, m_index = _groups(events.restrictions, mining.stage, M)
        n_mg = int(m_group.max()) + 1
        m_restr = [
            (r, m_index[i])
            for i, r in enumerate([r for r in events.restrictions if r.stage == mining.stage])
        ]
        onehot_m = np.zeros((M, n_mg))
        onehot_m[np.arange(M), m_group] = 1.0
        miner_alliance = np.array([c in market.alliance_members for c in mining.codes])
        feed0 = market.feed_flows  # (M, R) final basis
        feed_target = params.inventory_days * final.output / DAYS_PER_MONTH
        feed_stock = np.tile(feed_target, (n, 1))
        feed_cap = 2.0 * feed_target
        m_cap_ratio = mining.capacity / np.where(mining.output > 0, mining.output, 1.0)

    f_cap_ratio = final.capacity / np.where(final.output > 0, final.output, 1.0)
    flows0 = market.flows  # (S, K)
    inv_target = params.inventory_days * market.demand / DAYS_PER_MONTH
    inv = np.tile(inv_target, (n, 1))
    restock_max = params.restock_share_per_month * inv_target
    # normal stocks (docs/methods.md, "Prices from stocks"): traders' per segment
    # (0 rest, 1 alliance) and the imposer's
    seg_demand = np.array([market.demand[~alliance].sum(), market.demand[alliance].sum()])
    trader0 = params.trader_stock_days * seg_demand / DAYS_PER_MONTH
    producer0 = params.producer_stock_days * market.demand.sum() / DAYS_PER_MONTH
    normal_a = inv_target[alliance].sum() + trader0[1]
    normal_r = inv_target[~alliance].sum() + trader0[0] + producer0
    traders = np.tile(trader0, (n, 1))  # (P, 2)
    imposer = np.full(n, producer0)
    last_a = np.zeros(n)  # last month's log clearing prices
    last_r = np.zeros(n)
    # long-run responses per segment (column 0 alliance, 1 rest): log demand factor,
    # two smoothing stages of the log price, log capacity factor
    lr_d = min(market.long_run_demand_elasticity - eps_d, 0.0)
    lr_s = max(market.long_run_supply_elasticity - eps_s, 0.0)
    z_demand = np.zeros((n, 2))
    stage1 = np.zeros((n, 2))
    stage2 = np.zeros((n, 2))
    z_capacity = np.zeros((n, 2))

    stock = np.array([[p.initial_t for p in policies.reserves]] * n).reshape(n, H)
    spent = np.zeros((n, H))
    pr_a = np.ones(n)
    pr_r = np.ones(n)
    floor = policies.floor

    out = Trajectories(
        {
            "demand_t": np.zeros((n, T, K)),
            "consumption_t": np.zeros((n, T, K)),
            "unmet_t": np.zeros((n, T, K)),
            "price_ratio": np.zeros((n, T, 2)),
            "reserve_stock_t": np.zeros((n, T, H)),
            "reserve_purchase_usd": np.zeros((n, T, H)),
            "reserve_release_usd": np.zeros((n, T, H)),
            "reserve_release_t": np.zeros((n, T, H)),
            "floor_cost_usd": np.zeros((n, T)),
            "floor_covered_t": np.zeros((n, T, 2)),
            "withheld_t": np.zeros((n, T)),
            "mass_error_share": np.zeros((n, T)),
            "min_stock_t": np.full(n, np.inf),
            "restricted": np.zeros((n, T), dtype=bool),
            "at_cap": np.zeros((n, T, 2), dtype=bool),
            "unmet_by_cause_t": np.zeros((n, K, 6)),
        }
    )

    for t in range(T):
        price_k = np.where(alliance[None, :], pr_a[:, None], pr_r[:, None])  # (P, K)
        price_s = np.where(seller_alliance[None, :], pr_a[:, None], pr_r[:, None])  # (P, S)
        growth = np.exp(z_capacity)
        growth_s = np.where(seller_alliance[None, :], growth[:, :1], growth[:, 1:])
        split = np.zeros(n, dtype=bool)
        for r in events.restrictions:
            split |= r.window.active(t)
        spread = np.maximum(np.log(pr_a) - np.log(pr_r), 0.0)

        # 1. output ----------------------------------------------------------------
        outage_f = np.ones((n, S))
        for o in events.outages:
            if o.stage == final.stage:
                outage_f -= (
                    np.where(o.window.active(t), o.share, 0.0)[:, None] * o.producers[None, :]
                )
        np.maximum(outage_f, 0.0, out=outage_f)
        response = _supply_response(price_s, eps_s, f_cap_ratio)
        if floor is not None:
            floored = _supply_response(np.maximum(price_s, floor.floor_ratio), eps_s, f_cap_ratio)
            response = np.where(
                floor.covered[None, :],
                floor.covered_share * floored + (1.0 - floor.covered_share) * response,
                response,
            )
        wanted = final.output[None, :] * outage_f * response * growth_s  # (P, S)
        # what limited the selling stage's supply: baseline output lost to outages, and
        # output the price called for beyond capacity
        loss_outage = (final.output[None, :] * (1.0 - outage_f)).sum(axis=1)
        uncapped = np.power(np.maximum(price_s, 1e-9), eps_s)
        beyond = np.maximum(uncapped - f_cap_ratio[None, :], 0.0)
        loss_cap = (final.output[None, :] * outage_f * beyond * growth_s).sum(axis=1)
        loss_feed = np.zeros(n)
        mined_total = np.zeros(n)
        withheld = np.zeros(n)
        homed_m = np.zeros((n, S))
        spill = np.zeros(n)
        feed_change = np.zeros(n)
        if two_stage:
            outage_m = np.ones((n, M))
            for o in events.outages:
                if o.stage == mining.stage:
                    outage_m -= (
                        np.where(o.window.active(t), o.share, 0.0)[:, None] * o.producers[None, :]
                    )
            np.maximum(outage_m, 0.0, out=outage_m)
            price_m = np.where(miner_alliance[None, :], pr_a[:, None], pr_r[:, None])
            growth_m = np.where(miner_alliance[None, :], growth[:, :1], growth[:, 1:])
            mined = (
                mining.output[None, :]
                * outage_m
                * _supply_response(price_m, eps_s, m_cap_ratio)
                * growth_m
            )
            mined_total = mined.sum(axis=1)
            util = np.divide(
                mined,
                mining.output[None, :],
                out=np.zeros_like(mined),
                where=mining.output[None, :] > 0,
            )
            ore = np.einsum("pm,mg,mr->pgr", util, onehot_m, feed0)  # (P, Gm, R)
            wh, homed_m = _restrict(
                ore,
                m_restr,
                t,
                params.rerouting_share,
                feed0.sum(axis=0),
                home_share,
                spread,
                params,
            )
            withheld += wh
            delivered_feed = ore.sum(axis=1)  # (P, R)
            available_feed = delivered_feed + feed_stock
            produced = np.minimum(wanted, available_feed)
            loss_feed = (wanted - produced).sum(axis=1)  # refiners short of feed
            new_stock = available_feed - produced
            over = np.maximum(new_stock - feed_cap[None, :], 0.0)
            spill = over.sum(axis=1)
            new_stock -= over
            feed_change = (new_stock - feed_stock).sum(axis=1)
            feed_stock = new_stock
        else:
            produced = wanted
        produced_total = produced.sum(axis=1)

        # 2. flows and restrictions --------------------------------------------------
        util_f = np.divide(
            produced,
            final.output[None, :],
            out=np.zeros_like(produced),
            where=final.output[None, :] > 0,
        )
        flows = np.einsum("ps,sg,sk->pgk", util_f, onehot_f, flows0)  # (P, G, K)
        wh, homed_f = _restrict(
            flows, f_restr, t, params.rerouting_share, market.demand, home_share, spread, params
        )
        withheld += wh
        wh_final = wh
        offered = flows.sum(axis=1)  # (P, K)

        # 3. demand, restocking, reserve purchases --------------------------------------
        surge = np.ones((n, K))
        for s in events.surges:
            surge += np.where(s.window.active(t), s.share, 0.0)[:, None] * s.consumers[None, :]
        adapted = np.exp(np.where(alliance[None, :], z_demand[:, :1], z_demand[:, 1:]))
        desired = market.demand[None, :] * surge * adapted  # at baseline prices
        demand = desired * np.power(np.maximum(price_k, 1e-9), eps_d)
        # desired stocks fall with the price; allied buyers want more while restricted
        # allied buyers want more stock while a restriction withholds supply
        allied_d0 = market.demand[alliance].sum()
        # and from an announcement to the start, for the volume it would block
        risk = np.where(split, withheld, 0.0)
        for r in events.restrictions:
            if r.announced >= 0:
                waiting = r.window.on & (r.announced <= t) & (t < r.window.start)
                base = market.flows if r.stage == market.final.stage else market.feed_flows
                blocked = float(
                    base[np.asarray(r.imposer, bool)][:, r.targets[: base.shape[1]]].sum()
                )
                risk = risk + np.where(waiting, r.severity * blocked, 0.0)
        at_risk = np.minimum(risk / allied_d0, 1.0) if allied_d0 > 0 else np.zeros(n)
        precaution = params.precautionary_share * at_risk
        extra = np.where(alliance[None, :], precaution[:, None], 0.0)
        aim = inv_target[None, :] * (1.0 + extra) * np.power(np.maximum(price_k, 1e-9), -eta)
        restock_req = np.clip(np.minimum(restock_max[None, :], aim - inv), 0.0, None)
        buy_req = np.zeros((n, H, K))
        for h, plan in enumerate(policies.reserves):
            # no purchases in a month after one in which the members were short
            if t > 0:
                was = out["demand_t"][:, t - 1] * plan.members
                short = out["unmet_t"][:, t - 1] * plan.members
                members_short = short.sum(axis=1) > 1e-9 * was.sum(axis=1)
            else:
                members_short = np.zeros(n, dtype=bool)
            member_price = (price_k * plan.cost_shares[None, :]).sum(axis=1)
            budget_t = np.maximum(plan.budget_usd - spent[:, h], 0.0) / (
                p0_usd_per_t * np.maximum(member_price, 1e-9)
            )
            want = np.minimum(np.minimum(plan.max_buy_t, plan.target_t - stock[:, h]), budget_t)
            buying = (member_price < plan.buy_below) & ~members_short
            want = np.where(buying, np.maximum(want, 0.0), 0.0)
            buy_req[:, h, :] = want[:, None] * plan.cost_shares[None, :]
        buy_total = buy_req.sum(axis=1)

        # 4. allocation: own deliveries, then the spot pool ---------------------------
        used = np.minimum(offered, demand)
        rest = offered - used
        restocked = np.minimum(rest, restock_req)
        rest -= restocked
        bought = np.minimum(rest, buy_total)
        rest -= bought
        # withheld volume offered at home is used last; its leftover stays unsold at home
        home_left = np.minimum(rest, homed_f)
        rest -= home_left
        pool = np.stack([(rest * ~alliance).sum(axis=1), (rest * alliance).sum(axis=1)], axis=1)
        # traders' stocks join their segment's pool; with no restriction in force the
        # imposer sells a share of its stocks into the other segment
        sale = np.where(split, 0.0, params.stock_sale_share_per_month * imposer)
        imposer = imposer - sale
        from_stocks = traders.sum(axis=1) + sale
        pool += traders
        pool[:, 0] += sale
        used += _serve(demand - used, pool, alliance, split)
        restocked += _serve(restock_req - restocked, pool, alliance, split)
        bought += _serve(buy_total - bought, pool, alliance, split)
        unsold = pool.sum(axis=1) + home_left.sum(axis=1)
        traders = pool.copy()  # what the pool did not sell
        # what the imposer withheld and its buyers did not take stays in its stocks
        imposer = (
            imposer + home_left.sum(axis=1) + (withheld - homed_f.sum(axis=1) - homed_m.sum(axis=1))
        )

        # 5. commercial draws, then strategic releases ---------------------------------
        gap = demand - used
        draw = np.minimum(inv, gap)
        inv = inv + restocked - draw
        # releases cover the gap to what members want at baseline prices (or more)
        want = np.maximum(desired, demand)
        gap = want - used - draw
        released = np.zeros((n, K))
        buy_frac = np.divide(bought, buy_total, out=np.zeros_like(bought), where=buy_total > 0)
        for h, plan in enumerate(policies.reserves):
            purchase = (buy_req[:, h, :] * buy_frac).sum(axis=1)
            member_demand = (want * plan.members).sum(axis=1)
            member_gap = (gap * plan.members).sum(axis=1)
            member_price = (price_k * plan.cost_shares[None, :]).sum(axis=1)
            short = np.divide(
                member_gap, member_demand, out=np.zeros_like(member_gap), where=member_demand > 0
            )
            triggered = (member_price > plan.trigger_price) | (short > plan.trigger_shortfall)
            limit = np.where(triggered, np.minimum(stock[:, h], plan.max_release_t), 0.0)
            if plan.allocation == "by_shortfall":
                weight = gap * plan.members
            elif plan.allocation == "by_consumption":
                weight = np.broadcast_to(market.demand * plan.members, gap.shape)
            else:
                weight = np.broadcast_to(plan.cost_shares, gap.shape)
            wsum = weight.sum(axis=1)
            alloc = (
                np.minimum(
                    gap,
                    weight
                    * np.divide(limit, wsum, out=np.zeros_like(limit), where=wsum > 0)[:, None],
                )
                * plan.members
            )
            gap -= alloc
            released += alloc
            release_t = alloc.sum(axis=1)
            stock[:, h] += purchase - release_t
            cost = (buy_req[:, h, :] * buy_frac * price_k).sum(axis=1) * p0_usd_per_t
            spent[:, h] += cost
            out["reserve_purchase_usd"][:, t, h] = cost
            out["reserve_release_usd"][:, t, h] = (alloc * price_k).sum(axis=1) * p0_usd_per_t
            out["reserve_release_t"][:, t, h] = release_t
        consumption = used + draw + released

        # 6. prices -----------------------------------------------------------------------
        # storage price: demand and desired stocks take up stocks plus this month's flow
        avail = inv + offered + released - bought  # reserve purchases are locked away
        des_a, des_r = (desired * alliance).sum(axis=1), (desired * ~alliance).sum(axis=1)
        av_a = (avail * alliance).sum(axis=1) + traders[:, 1]
        av_r = (avail * ~alliance).sum(axis=1) + traders[:, 0] + imposer
        cap = np.log(params.max_price_ratio)
        stocks_a = normal_a * (1.0 + precaution)
        log_a = np.where(
            split,
            _clearing(des_a, stocks_a, av_a, last_a, eps_d, eta, cap),
            _clearing(des_a + des_r, stocks_a + normal_r, av_a + av_r, last_a, eps_d, eta, cap),
        )
        log_r = np.where(split, _clearing(des_r, normal_r, av_r, last_r, eps_d, eta, cap), log_a)
        last_a, last_r = log_a, log_r
        out["at_cap"][:, t, 0] = np.abs(log_a) >= cap
        out["at_cap"][:, t, 1] = np.abs(log_r) >= cap
        alpha = params.price_adjustment_share
        if floor is not None:
            cost = np.maximum(floor.floor_ratio - price_s, 0.0) * produced * floor.covered[None, :]
            out["floor_cost_usd"][:, t] = cost.sum(axis=1) * floor.covered_share * p0_usd_per_t
            cover = produced * floor.covered[None, :] * floor.covered_share
            out["floor_covered_t"][:, t, 0] = (cover * seller_alliance[None, :]).sum(axis=1)
            out["floor_covered_t"][:, t, 1] = (cover * ~seller_alliance[None, :]).sum(axis=1)

        # 7. mass balance ---------------------------------------------------------------
        inflow = (
            (mined_total if two_stage else produced_total)
            + draw.sum(axis=1)
            + released.sum(axis=1)
            + from_stocks
        )
        outflow = (
            consumption.sum(axis=1)
            + restocked.sum(axis=1)
            + bought.sum(axis=1)
            + (withheld - homed_f.sum(axis=1) - homed_m.sum(axis=1))
            + unsold
            + spill
            + feed_change
        )
        out["mass_error_share"][:, t] = np.abs(inflow - outflow) / np.maximum(np.abs(inflow), 1e-12)

        out["demand_t"][:, t] = desired
        out["consumption_t"][:, t] = consumption
        unmet = np.maximum(desired - consumption, 0.0)
        out["unmet_t"][:, t] = unmet
        # unmet demand by what limited supply: the price, then pro rata to the losses
        priced = np.minimum(unmet, np.maximum(desired - demand, 0.0))
        rest = unmet - priced
        losses = np.stack([wh_final, loss_outage, loss_feed, loss_cap], axis=1)  # (P, 4)
        total = losses.sum(axis=1)
        split_by = np.divide(
            losses, total[:, None], out=np.zeros_like(losses), where=total[:, None] > 0
        )
        cause = out["unmet_by_cause_t"]
        cause[:, :, 0] += priced
        cause[:, :, 1:5] += rest[:, :, None] * split_by[:, None, :]
        cause[:, :, 5] += np.where(total[:, None] > 0, 0.0, rest)
        out["price_ratio"][:, t, 0] = pr_a
        out["price_ratio"][:, t, 1] = pr_r
        out["reserve_stock_t"][:, t] = stock
        out["withheld_t"][:, t] = withheld
        out["restricted"][:, t] = split
        lowest = np.minimum(inv.min(axis=1), stock.min(axis=1) if H else np.inf)
        if two_stage:
            lowest = np.minimum(lowest, feed_stock.min(axis=1))
        np.minimum(out["min_stock_t"], lowest, out=out["min_stock_t"])

        x_a = np.clip((1 - alpha) * np.log(pr_a) + alpha * log_a, -cap, cap)
        x_r = np.clip((1 - alpha) * np.log(pr_r) + alpha * log_r, -cap, cap)
        pr_a, pr_r = np.exp(x_a), np.exp(x_r)
        # long-run responses: partial adjustment of demand, Erlang-2 lag of capacity
        log_p = np.stack([x_a, x_r], axis=1)
        z_demand += (lr_d * log_p - z_demand) / params.demand_adjustment_months
        rate = 2.0 / params.supply_response_months
        stage1 += rate * (log_p - stage1)
        stage2 += rate * (stage1 - stage2)
        z_capacity = np.minimum(lr_s * stage2, np.log1p(params.capacity_growth_max_share))
    return out


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, 0 where den is 0."""
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def _log(x: np.ndarray) -> np.ndarray:
    """Natural log with 0 mapped to a very negative number instead of -inf."""
    return np.log(np.maximum(x, 1e-300))


def _clearing(
    demand: np.ndarray,
    stocks: float,
    available: np.ndarray,
    start: np.ndarray,
    eps_d: float,
    eta: float,
    cap: float,
) -> np.ndarray:
    """Log price x with demand e^(eps_d x) + stocks e^(-eta x) = available (per path).

    Twelve Newton steps on the log of the left side from ``start``, each clipped
    to +-``cap``; ``cap`` where nothing is available, 0 where nothing is wanted.
    """
    x = start.copy()
    done = np.zeros(x.shape, dtype=bool)
    target = _log(available)
    for _ in range(12):
        a = demand * np.exp(eps_d * x)
        b = stocks * np.exp(-eta * x)
        total = a + b
        slope = eps_d * a - eta * b
        flat = (slope >= 0) & ~done
        level = np.abs(total - available) <= 1e-9 * available
        x = np.where(flat & ~level, np.where(total > available, cap, -cap), x)
        done |= flat
        step = np.divide(_log(total) - target, slope, out=np.zeros_like(x), where=slope < 0)
        x = np.where(done, x, np.clip(x - step * total, -cap, cap))
    x = np.where(available <= 0, cap, x)
    # an empty segment (below 1e-200 t, clear of subnormal figures) stays at baseline
    return np.where(demand + stocks <= 1e-200, 0.0, x)
