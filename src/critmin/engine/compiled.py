"""The compiled monthly kernel: blocks of paths, path-last arrays, numba.

:func:`simulate_blocks` simulates blocks of :data:`BLOCK` consecutive paths.
Within a block every array has the path as its last, contiguous axis, and
each step loops over producers and consumers outside and over the block's
paths inside, so the compiler vectorises the arithmetic across paths (the
inner dimensions, a few consumers and a dozen producers, are too small to
vectorise on their own). Export restrictions differ from path to path: each
path applies its own active restrictions in scenario order, and the block
applies the i-th active restriction of each of its paths together
(:func:`critmin.engine.restrictions.restrict`); a path with fewer applies a
zero factor, which leaves its flows exactly unchanged. The steps of a month
are in :mod:`critmin.engine.steps`.

The arithmetic of a path is that of the NumPy reference kernel
(``tests/reference_kernel.py``) operation by operation, with two exceptions
that change only rounding: sums over producers and consumers are sequential
(NumPy sums long axes pairwise), and prices are carried as their logarithm
(the documented update is in log space), so that a power $p^\\varepsilon$ is
computed as $\\exp(\\varepsilon \\ln p)$. A path's result depends only on its
own inputs, never on the block, the batch or the thread that computes it.

The functions here take the plain arrays packed by :mod:`critmin.engine.kernel`
(named tuples ``mk``, ``ev`` and ``rs``, and ``out``, the output buffers in the
order of :data:`critmin.engine.outputs.TRAJECTORIES`; see there) and release the
GIL, so threads can run blocks in parallel.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

from critmin.engine.outputs import BUFFER
from critmin.engine.restrictions import activity, by_group, factors, restrict
from critmin.engine.steps import (
    CAPX_A,
    CAPX_R,
    F_ROWS,
    FINAL,
    HOME,
    HOME_FINAL,
    HOME_MINING,
    JIT,
    L_CAP,
    L_FEED,
    L_OUTAGE,
    MINED,
    MINING,
    OFFERED,
    PRODUCED,
    RESP_A,
    RESP_R,
    WH_FINAL,
    WH_MINING,
    WITHHELD,
    account,
    adapt,
    allocate,
    demand,
    floor_cost,
    fmax,
    fmin,
    outage,
    powers,
    prices,
    purchases,
    refine,
    release,
    supply,
)

#: Paths per block (the kernel's unit of vectorisation and of parallel work).
BLOCK = 64
#: Positions of the output buffers in ``out`` (compile-time constants).
Y_DEMAND, Y_CONSUMPTION, Y_UNMET = BUFFER["demand_t"], BUFFER["consumption_t"], BUFFER["unmet_t"]
Y_PRICE, Y_STOCK = BUFFER["price_ratio"], BUFFER["reserve_stock_t"]
Y_PURCHASE, Y_RELEASE_USD = BUFFER["reserve_purchase_usd"], BUFFER["reserve_release_usd"]
Y_RELEASE_T, Y_FLOOR = BUFFER["reserve_release_t"], BUFFER["floor_cost_usd"]
Y_WITHHELD, Y_ERROR = BUFFER["withheld_t"], BUFFER["mass_error_share"]
Y_FLOOR_COVERED = BUFFER["floor_covered_t"]
Y_MIN_STOCK, Y_RESTRICTED = BUFFER["min_stock_t"], BUFFER["restricted"]
Y_AT_CAP = BUFFER["at_cap"]
Y_CAUSE = BUFFER["unmet_by_cause_t"]


@njit(**JIT)
def _block(p0: int, nb: int, mk: Any, ev: Any, rs: Any, out: Any) -> None:  # pragma: no cover
    """Simulate paths ``p0 .. p0 + nb - 1`` of the batch over the horizon."""
    # unpack once: an array taken from a tuple inside a loop costs a reference count
    two_stage, demand0, alliance, inv_target, restock_max = mk[0], mk[1], mk[2], mk[3], mk[4]
    final_output, final_cap, seller_alliance, final_group, GF = mk[5], mk[6], mk[7], mk[8], mk[9]
    flows0, mining_output, mining_cap, miner_alliance = mk[10], mk[11], mk[12], mk[13]
    mining_group, GM, feed0, feed_target, feed_cap = mk[14], mk[15], mk[16], mk[17], mk[18]
    eps_d, eps_s, eta, p0_usd_per_t = mk[19], mk[20], mk[21], mk[22]
    alpha, log_cap, rerouting, has_floor = mk[23], mk[24], mk[25], mk[26]
    floor_covered, floor_share, floor_ratio = mk[27], mk[28], mk[29]
    precaution, trader0, normal_a, normal_r = mk[30], mk[31], mk[32], mk[33]
    producer0, leak_max, leak_rate, sale_share = mk[34], mk[35], mk[36], mk[37]
    lr_demand, demand_rate, lr_supply, supply_rate = mk[38], mk[39], mk[40], mk[41]
    log_growth, allied_demand, reroute_rate = mk[42], mk[43], mk[44]
    members, shares, initial, target, trigger_price, trigger_short = rs[0:6]
    max_release, allocation, buy_below, max_buy, budget = rs[6:11]
    # this block's paths only (indexing [..., p0 + j] would cost a sign check per access)
    q = slice(p0, p0 + nb)
    r_stage, r_group, r_target = ev[0], ev[1], ev[2]
    r_start, r_end, r_on = ev[3][:, q], ev[4][:, q], ev[5][:, q]
    r_severity, r_leakage = ev[6][:, q], ev[7][:, q]
    o_stage, o_mask = ev[8], ev[9]
    o_start, o_end, o_on, o_share = ev[10][:, q], ev[11][:, q], ev[12][:, q], ev[13][:, q]
    u_mask = ev[14]
    u_start, u_end, u_on, u_share = ev[15][:, q], ev[16][:, q], ev[17][:, q], ev[18][:, q]
    r_home, r_announced, r_exposure = ev[19], ev[20], ev[21]
    r_half, r_floor = ev[22][:, q], ev[23][:, q]
    y_demand, y_consumption = out[Y_DEMAND][:, :, q], out[Y_CONSUMPTION][:, :, q]
    y_unmet, y_stock = out[Y_UNMET][:, :, q], out[Y_STOCK][:, :, q]
    y_price_a, y_price_r = out[Y_PRICE][:, 0, q], out[Y_PRICE][:, 1, q]
    y_purchase, y_release_usd = out[Y_PURCHASE][:, :, q], out[Y_RELEASE_USD][:, :, q]
    y_release_t, y_floor = out[Y_RELEASE_T][:, :, q], out[Y_FLOOR][:, q]
    y_withheld, y_error = out[Y_WITHHELD][:, q], out[Y_ERROR][:, q]
    y_cover_a, y_cover_r = out[Y_FLOOR_COVERED][:, 0, q], out[Y_FLOOR_COVERED][:, 1, q]
    y_min_stock, y_restricted = out[Y_MIN_STOCK][q], out[Y_RESTRICTED][:, q]
    y_cap_a, y_cap_r = out[Y_AT_CAP][:, 0, q], out[Y_AT_CAP][:, 1, q]
    y_cause = out[Y_CAUSE][:, :, q]
    y_cause[:, :, :] = 0.0

    T = y_price_a.shape[0]
    K = demand0.shape[0]
    S = final_output.shape[0]
    M = mining_output.shape[0]
    H = initial.shape[0]
    R = r_stage.shape[0]
    B = r_target.shape[1]
    log_floor = math.log(floor_ratio) if has_floor else 0.0

    # the restrictions that happen on each path of the block, in scenario order
    n_on = np.zeros(nb, np.int64)
    for r in range(R):
        for j in range(nb):
            if r_on[r, j]:
                n_on[j] += 1
    most = 1
    for j in range(nb):
        most = fmax(most, n_on[j])
    on_start = np.zeros((most, nb), np.int64)
    on_end = np.zeros((most, nb), np.int64)
    on_stage = np.zeros((most, nb), np.int64)
    on_group = np.zeros((most, nb), np.int64)
    on_severity = np.zeros((most, nb))
    on_leakage = np.zeros((most, nb))
    on_half = np.zeros((most, nb))
    on_floor = np.zeros((most, nb))
    on_mask = np.zeros((most, B, nb))
    on_home = np.zeros((most, B, nb))
    n_on[:] = 0
    for r in range(R):
        for j in range(nb):
            if r_on[r, j]:
                i = n_on[j]
                on_start[i, j] = r_start[r, j]
                on_end[i, j] = r_end[r, j]
                on_stage[i, j] = r_stage[r]
                on_group[i, j] = r_group[r]
                on_severity[i, j] = r_severity[r, j]
                on_leakage[i, j] = r_leakage[r, j]
                on_half[i, j] = r_half[r, j]
                on_floor[i, j] = r_floor[r, j]
                for k in range(B):
                    on_mask[i, k, j] = 1.0 if r_target[r, k] else 0.0
                    on_home[i, k, j] = r_home[r, k]
                n_on[j] = i + 1
    # announced restrictions (each path's, from the announcement to the start)
    n_ann = 0
    for r in range(R):
        if r_announced[r] >= 0:
            n_ann += 1
    ann_r = np.zeros(n_ann, np.int64)
    n_ann = 0
    for r in range(R):
        if r_announced[r] >= 0:
            ann_r[n_ann] = r
            n_ann += 1
    ann = np.zeros(nb)
    n_act = np.zeros((2, nb), np.int64)
    act_severity = np.zeros((2, most, nb))
    act_leakage = np.zeros((2, most, nb))
    act_start = np.zeros((2, most, nb))
    act_half = np.zeros((2, most, nb))
    act_floor = np.zeros((2, most, nb))
    act_factor = np.zeros((2, most, nb))
    spread = np.zeros(nb)
    reroute = np.zeros(nb)
    act_group = np.zeros((2, most, nb), np.int64)
    act_mask = np.zeros((2, most, B, nb))
    act_home = np.zeros((2, most, B, nb))
    split = np.zeros(nb, np.bool_)
    change = np.full(nb, -1, np.int64)

    # state
    inv = np.empty((K, nb))
    for k in range(K):
        inv[k, :] = inv_target[k]
    stock = np.empty((H, nb))
    for h in range(H):
        stock[h, :] = initial[h]
    spent = np.zeros((H, nb))
    feed = np.empty((S, nb))
    for s in range(S):
        feed[s, :] = feed_target[s]
    ts = np.empty((2, nb))  # traders' stocks by segment (0 rest, 1 alliance)
    ts[0, :] = trader0[0]
    ts[1, :] = trader0[1]
    ps = np.full(nb, producer0)  # the imposer's stocks
    lp_a = np.zeros(nb)  # log price ratios
    lp_r = np.zeros(nb)
    lt_a = np.zeros(nb)  # log clearing prices (start of next month's search)
    lt_r = np.zeros(nb)
    seen = np.full((2, 3, nb), np.nan)  # the inputs lt_a, lt_r solved
    lr = np.zeros((8, nb))  # long-run demand and capacity states (steps.adapt)
    pr_a = np.ones(nb)  # price ratios
    pr_r = np.ones(nb)
    min_stock = np.full(nb, np.inf)

    # work space
    f = np.zeros((F_ROWS, nb))
    kk = np.zeros((17, K, nb))
    hh = np.zeros((9, H, nb))
    w = np.zeros((7, nb))
    buy_req = np.zeros((H, K, nb))
    pool = np.zeros((2, nb))
    outage_f = np.empty((S, nb))
    produced = np.empty((S, nb))
    wanted_f = np.empty((S, nb))
    util_f = np.empty((S, nb))
    outage_m = np.empty((M, nb))
    mined = np.empty((M, nb))
    util_m = np.empty((M, nb))
    not_covered = np.zeros(M, np.bool_)
    ore = np.zeros((GM, S, nb))
    home_m = np.zeros((S, nb))  # withheld ore offered to the imposer's refiners
    flows = np.zeros((GF, K, nb))
    n_groups = fmax(GM, GF)
    lost = np.zeros((B, nb))
    taken = np.zeros((n_groups, B, nb))
    share = np.zeros((n_groups, nb))

    for t in range(T):
        activity(
            t, n_on, on_start, on_end, on_stage, on_severity, on_leakage, on_half, on_floor,
            on_group, on_mask, on_home, change, n_act, act_severity, act_leakage, act_start,
            act_half, act_floor, act_group, act_mask, act_home, split,
        )  # fmt: skip
        for j in range(nb):
            spread[j] = fmax(lp_a[j] - lp_r[j], 0.0)
        factors(
            t, n_act, act_severity, act_leakage, act_start, act_half, act_floor, spread,
            leak_max, leak_rate, rerouting, reroute_rate, act_factor, reroute,
        )  # fmt: skip
        powers(
            lp_a, lp_r, pr_a, pr_r, eps_s, eps_d, eta, log_floor, has_floor, alliance, lr, f, kk
        )  # fmt: skip

        # 1. output: miners, then refiners limited by feed ------------------------------
        f[MINED : WH_FINAL + 1, :] = 0.0
        f[HOME_MINING : HOME_FINAL + 1, :] = 0.0
        f[L_OUTAGE : L_CAP + 1, :] = 0.0
        kk[HOME] = 0.0
        outage(t, FINAL, o_stage, o_mask, o_start, o_end, o_on, o_share, outage_f)
        supply(
            final_output, final_cap, seller_alliance, floor_covered, floor_share, outage_f, f,
            produced,
        )  # fmt: skip
        # what limited the selling stage's supply: baseline output lost to outages, and
        # output the price called for beyond capacity
        for s in range(S):
            resp = f[RESP_A] if seller_alliance[s] else f[RESP_R]
            capx = f[CAPX_A] if seller_alliance[s] else f[CAPX_R]
            for j in range(nb):
                up = fmax(outage_f[s, j], 0.0)
                f[L_OUTAGE, j] += final_output[s] * (1.0 - up)
                f[L_CAP, j] += final_output[s] * up * fmax(resp[j] - final_cap[s], 0.0) * capx[j]
        if two_stage:
            outage(t, MINING, o_stage, o_mask, o_start, o_end, o_on, o_share, outage_m)
            supply(mining_output, mining_cap, miner_alliance, not_covered, 0.0, outage_m, f, mined)
            for m in range(M):
                for j in range(nb):
                    f[MINED, j] += mined[m, j]
            by_group(mined, mining_output, mining_group, feed0, util_m, ore)
            restrict(
                ore, n_act[MINING], act_factor[MINING], act_group[MINING], act_mask[MINING],
                act_home[MINING], reroute, f[WH_MINING], f[HOME_MINING], home_m, w, lost,
                taken, share,
            )  # fmt: skip
            wanted_f[:, :] = produced
            refine(ore, feed_cap, feed, f, produced)
            for s in range(S):
                for j in range(nb):
                    f[L_FEED, j] += wanted_f[s, j] - produced[s, j]  # refiners short of feed
        for s in range(S):
            for j in range(nb):
                f[PRODUCED, j] += produced[s, j]

        # 2. flows and restrictions -----------------------------------------------------
        by_group(produced, final_output, final_group, flows0, util_f, flows)
        restrict(
            flows, n_act[FINAL], act_factor[FINAL], act_group[FINAL], act_mask[FINAL],
            act_home[FINAL], reroute, f[WH_FINAL], f[HOME_FINAL], kk[HOME], w, lost, taken,
            share,
        )  # fmt: skip
        offered = kk[OFFERED]
        for k in range(K):
            offered[k, :] = 0.0
            for g in range(GF):
                for j in range(nb):
                    offered[k, j] += flows[g, k, j]
        for j in range(nb):
            # as the reference: each stage's withheld volume added to zero, mining first
            f[WITHHELD, j] = ((0.0 + f[WH_MINING, j]) if two_stage else 0.0) + f[WH_FINAL, j]

        # 3. demand, restocking, reserve purchases ------------------------------------
        # volume announced restrictions would block, from the announcement to the start
        ann[:] = 0.0
        for a in range(n_ann):
            r = ann_r[a]
            for j in range(nb):
                if r_on[r, j] and r_announced[r] <= t and t < r_start[r, j]:
                    ann[j] += r_severity[r, j] * r_exposure[r]
        demand(
            t, demand0, alliance, inv_target, restock_max, precaution, allied_demand, split, ann,
            u_mask, u_start, u_end, u_on, u_share, inv, f, kk,
        )  # fmt: skip
        purchases(
            t, p0_usd_per_t, members, shares, target, buy_below, max_buy, budget, stock, spent,
            f, kk, hh, buy_req, y_demand, y_unmet,
        )  # fmt: skip

        # 4. allocation; 5. commercial draws and strategic releases ---------------------
        allocate(alliance, split, sale_share, f, kk, pool, ts, ps, w)
        release(
            t, demand0, p0_usd_per_t, members, shares, trigger_price, trigger_short,
            max_release, allocation, inv, stock, spent, kk, hh, buy_req, y_purchase,
            y_release_usd, y_release_t,
        )  # fmt: skip

        # 6. records, prices and 7. the mass balance ----------------------------------
        account(
            t, two_stage, alliance, inv, stock, feed, ts, ps, f, kk, min_stock, y_demand,
            y_consumption, y_unmet, y_stock, y_cause,
        )  # fmt: skip
        if has_floor:
            floor_cost(
                t, floor_ratio, floor_share, p0_usd_per_t, floor_covered, seller_alliance,
                pr_a, pr_r, produced, y_floor, y_cover_a, y_cover_r,
            )  # fmt: skip
        prices(
            t, two_stage, eps_d, eta, normal_a, normal_r, alpha, log_cap, split, f,
            lt_a, lt_r, seen, lp_a, lp_r, pr_a, pr_r, y_error, y_price_a, y_price_r, y_withheld,
            y_restricted, y_cap_a, y_cap_r,
        )  # fmt: skip
        adapt(lp_a, lp_r, lr_demand, demand_rate, lr_supply, supply_rate, log_growth, lr)
    for j in range(nb):
        y_min_stock[j] = min_stock[j]


@njit(**JIT)
def simulate_blocks(
    mk: Any, ev: Any, rs: Any, out: Any, start: int, stop: int
) -> None:  # pragma: no cover - compiled
    """Simulate paths ``start .. stop - 1`` of the batch, block by block."""
    for p0 in range(start, stop, BLOCK):
        _block(p0, fmin(BLOCK, stop - p0), mk, ev, rs, out)
