"""The steps of a month in the compiled kernel (numba), on one block of paths.

Each function takes plain arrays, path-last (the block's paths on the last,
contiguous axis), loops over producers or consumers outside and over paths
inside, and releases the GIL. :func:`critmin.engine.compiled.simulate_blocks`
calls them month by month; docs/methods.md ("The monthly step") gives the
equations, ``tests/reference_kernel.py`` the NumPy reference they reproduce.
Work arrays with named rows (``f``, ``kk``, ``hh``) carry the month's
quantities between steps.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

#: Options of every compiled function: cached on disk, GIL released, no Python
#: exceptions on division (x / 0 is inf or nan, as in NumPy; the code guards it).
JIT: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}
#: Stage codes.
FINAL, MINING = 0, 1
#: log(1e-9): the reference kernel floors prices at 1e-9 before raising them to a power.
LOG_PRICE_FLOOR = math.log(1e-9)


@njit(inline="always")
def fmin(a: Any, b: Any) -> Any:  # pragma: no cover - compiled
    """The smaller of two numbers (a select: numba's ``min`` blocks vectorisation)."""
    return a if a < b else b


@njit(inline="always")
def fmax(a: Any, b: Any) -> Any:  # pragma: no cover - compiled
    """The larger of two numbers (a select: numba's ``max`` blocks vectorisation)."""
    return a if a > b else b


# Rows of the per-path work array ``f`` (quantities of the month, one per path).
(
    RESP_A, RESP_R, FLOOR_A, FLOOR_R, DEM_A, DEM_R, MINED, WITHHELD, SPILL, FEED_CHANGE,
    PRODUCED, WH_MINING, WH_FINAL, UNSOLD, WANT, DES_A, DES_R, AV_A, AV_R, DES_W, AV_W,
    CONSUMED, RESTOCKED_SUM, BOUGHT_SUM, DRAW_SUM, RELEASED_SUM, LOW, FLOOR_COST,
    HOME_MINING, HOME_FINAL, HOME_LEFT, STK_A, STK_R, TS_IN, PS_OUT, LRD_A, LRD_R,
    CAPX_A, CAPX_R, PREC, L_OUTAGE, L_FEED, L_CAP,
) = range(43)  # fmt: skip
#: Rows of ``f``.
F_ROWS = 43
#: Newton steps of the storage clearing price (:func:`clearing`), from last month's,
#: at most; it stops once the error Newton's quadratic convergence leaves after a
#: step is estimated below the tolerance (in log price).
CLEARING_STEPS = 12
CLEARING_TOLERANCE = 1e-11
#: Demand plus stocks [t] at or below which a segment is empty (its price stays at
#: baseline): far below any real quantity, far above the subnormal range.
EMPTY = 1e-200
# Rows of the per-consumer work array ``kk`` (K, paths each).
(
    OFFERED, DESIRED, DEMAND, RESTOCK_REQ, BUY_TOTAL, USED, RESTOCKED, BOUGHT, REQUEST, SERVED,
    GAP, DRAW, RELEASED, BUY_FRAC, WEIGHT, PRICE_K, HOME,
) = range(17)  # fmt: skip
# Rows of the per-holder work array ``hh`` (H, paths each).
MEMBER_PRICE, PURCHASE, M_DEMAND, M_GAP, LIMIT, WSUM, REL_T, REL_USD, COST = range(9)
#: Members' unmet share of demand above which a reserve does not buy next month.
SHORT_FLOOR = 1e-9


@njit(**JIT)
def serve(
    request: np.ndarray,
    served: np.ndarray,
    pool: np.ndarray,
    alliance: np.ndarray,
    split: np.ndarray,
    w: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Serve ``request`` (K, paths) pro rata from ``pool`` (2, paths) into ``served``.

    Consumers of the alliance (pool 1) and the rest (pool 0) share their
    segment's pool where ``split``; elsewhere one world pool serves everyone.
    The pool is updated. ``w`` (7, paths) is work space.
    """
    K, nb = request.shape
    need1, need0, world, f1, f0, s1, s0 = w[0], w[1], w[2], w[3], w[4], w[5], w[6]
    for j in range(nb):
        need1[j] = 0.0
        need0[j] = 0.0
    for k in range(K):
        if alliance[k]:
            for j in range(nb):
                need1[j] += request[k, j]
        else:
            for j in range(nb):
                need0[j] += request[k, j]
    for j in range(nb):
        need = need0[j] + need1[j]
        world[j] = fmin(1.0, (pool[0, j] + pool[1, j]) / need) if need > 0 else 1.0
        f1[j] = fmin(1.0, pool[1, j] / need1[j]) if need1[j] > 0 else 1.0
        f0[j] = fmin(1.0, pool[0, j] / need0[j]) if need0[j] > 0 else 1.0
        s1[j] = 0.0
        s0[j] = 0.0
    for k in range(K):
        if alliance[k]:
            for j in range(nb):
                x = request[k, j] * (f1[j] if split[j] else world[j])
                served[k, j] = x
                s1[j] += x
        else:
            for j in range(nb):
                x = request[k, j] * (f0[j] if split[j] else world[j])
                served[k, j] = x
                s0[j] += x
    for j in range(nb):
        total = pool[0, j] + pool[1, j]
        share1 = pool[1, j] / total if total > 0 else 0.5
        used = s0[j] + s1[j]
        if split[j]:
            pool[1, j] -= s1[j]
            pool[0, j] -= s0[j]
        else:
            pool[1, j] -= used * share1
            pool[0, j] -= used * (1.0 - share1)
        pool[0, j] = fmax(pool[0, j], 0.0)
        pool[1, j] = fmax(pool[1, j], 0.0)


@njit(**JIT)
def exp_or_one(x: float) -> float:  # pragma: no cover - compiled
    """exp(x), without computing it at 0 (the baseline of most states)."""
    return 1.0 if x == 0 else math.exp(x)


@njit(**JIT)
def powers(
    lp_a: np.ndarray,
    lp_r: np.ndarray,
    pr_a: np.ndarray,
    pr_r: np.ndarray,
    eps_s: float,
    eps_d: float,
    eta: float,
    log_floor: float,
    has_floor: bool,
    alliance: np.ndarray,
    adapted: np.ndarray,
    f: np.ndarray,
    kk: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Supply, demand and stock-demand responses to the month's prices, and each
    consumer's price.

    ``p ** e`` is computed as ``exp(e * log p)`` from the log prices, with
    ``log p`` floored at log(1e-9); a floor price replaces ``p`` by
    ``max(p, floor)`` (``log_floor`` is its log). ``STK_*`` is ``p ** -eta``,
    the desired stocks over normal stocks; ``LRD_*`` and ``CAPX_*`` are the
    long-run demand and capacity factors, ``exp`` of :func:`adapt`'s states
    ``adapted`` (8, paths).
    """
    nb = lp_a.shape[0]
    for j in range(nb):
        f[LRD_A, j] = exp_or_one(adapted[0, j])
        f[LRD_R, j] = exp_or_one(adapted[1, j])
        f[CAPX_A, j] = exp_or_one(adapted[6, j])
        f[CAPX_R, j] = exp_or_one(adapted[7, j])
        la = fmax(lp_a[j], LOG_PRICE_FLOOR)
        lr = fmax(lp_r[j], LOG_PRICE_FLOOR)
        same = la == lr
        x = math.exp(eps_s * la)
        f[RESP_A, j] = x
        f[RESP_R, j] = x if same else math.exp(eps_s * lr)
        x = math.exp(eps_d * la)
        f[DEM_A, j] = x
        f[DEM_R, j] = x if same else math.exp(eps_d * lr)
        x = math.exp(-eta * la)
        f[STK_A, j] = x
        f[STK_R, j] = x if same else math.exp(-eta * lr)
        if has_floor:
            fa = fmax(la, log_floor)
            fr = fmax(lr, log_floor)
            x = math.exp(eps_s * fa)
            f[FLOOR_A, j] = x
            f[FLOOR_R, j] = x if fa == fr else math.exp(eps_s * fr)
    for k in range(alliance.shape[0]):
        kk[PRICE_K, k, :] = pr_a if alliance[k] else pr_r


@njit(**JIT)
def outage(
    t: int,
    stage: int,
    o_stage: np.ndarray,
    o_mask: np.ndarray,
    o_start: np.ndarray,
    o_end: np.ndarray,
    o_on: np.ndarray,
    o_share: np.ndarray,
    outage: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Output factor of each producer of ``stage``: 1 minus the shares lost (not floored)."""
    n, nb = outage.shape
    outage[:, :] = 1.0
    for o in range(o_stage.shape[0]):
        if o_stage[o] == stage:
            for s in range(n):
                if o_mask[o, s]:
                    for j in range(nb):
                        on = o_on[o, j] & (o_start[o, j] <= t) & (t < o_end[o, j])
                        outage[s, j] -= o_share[o, j] if on else 0.0


@njit(**JIT)
def supply(
    output: np.ndarray,
    cap: np.ndarray,
    in_alliance: np.ndarray,
    covered: np.ndarray,
    covered_share: float,
    outage: np.ndarray,
    f: np.ndarray,
    wanted: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Output producers want to make: baseline x outage x fmin(price response, capacity)
    x the long-run capacity factor of their segment (``CAPX_*``).

    Covered producers respond to the floor price for ``covered_share`` of output.
    """
    nb = outage.shape[1]
    for s in range(output.shape[0]):
        out_s = output[s]
        cap_s = cap[s]
        resp = f[RESP_A] if in_alliance[s] else f[RESP_R]
        capx = f[CAPX_A] if in_alliance[s] else f[CAPX_R]
        if covered[s]:
            flo = f[FLOOR_A] if in_alliance[s] else f[FLOOR_R]
            for j in range(nb):
                response = fmin(resp[j], cap_s)
                response = covered_share * fmin(flo[j], cap_s) + (1.0 - covered_share) * response
                wanted[s, j] = out_s * fmax(outage[s, j], 0.0) * response * capx[j]
        else:
            for j in range(nb):
                response = fmin(resp[j], cap_s)
                wanted[s, j] = out_s * fmax(outage[s, j], 0.0) * response * capx[j]


@njit(**JIT)
def refine(
    ore: np.ndarray, feed_cap: np.ndarray, feed: np.ndarray, f: np.ndarray, produced: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Refiners make fmin(wanted, ore delivered + feed stock); the stock above its cap spills.

    ``produced`` holds the wanted output on entry and the output made on exit.
    """
    G, S, nb = ore.shape
    for s in range(S):
        cap = feed_cap[s]
        for j in range(nb):
            delivered = 0.0
            for g in range(G):
                delivered += ore[g, s, j]
            available = delivered + feed[s, j]
            made = fmin(produced[s, j], available)
            produced[s, j] = made
            new = available - made
            over = fmax(new - cap, 0.0)
            f[SPILL, j] += over
            new -= over
            f[FEED_CHANGE, j] += new - feed[s, j]
            feed[s, j] = new


@njit(**JIT)
def demand(
    t: int,
    demand0: np.ndarray,
    alliance: np.ndarray,
    inv_target: np.ndarray,
    restock_max: np.ndarray,
    precaution: float,
    allied_demand: float,
    split: np.ndarray,
    announced: np.ndarray,
    u_mask: np.ndarray,
    u_start: np.ndarray,
    u_end: np.ndarray,
    u_on: np.ndarray,
    u_share: np.ndarray,
    inv: np.ndarray,
    f: np.ndarray,
    kk: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Desired demand (with surges and the long-run factor ``LRD_*``), price-responsive
    demand and restocking requests.

    Consumers restock toward their target stock times the stock-demand factor
    (``STK_*``, less at high prices); while a restriction is in force, allied
    buyers aim higher by ``PREC``: ``precaution`` times the volume withheld this
    month, and the volume announced restrictions would block (``announced``,
    paths, from the announcement to the start), over the allied segment's
    baseline demand ``allied_demand`` (at most 1)."""
    desired, demand, restock_req = kk[DESIRED], kk[DEMAND], kk[RESTOCK_REQ]
    nb = inv.shape[1]
    for j in range(nb):
        risk = f[WITHHELD, j] if split[j] else 0.0
        risk += announced[j]
        at_risk = fmin(risk / allied_demand, 1.0) if allied_demand > 0 else 0.0
        f[PREC, j] = precaution * at_risk
    for k in range(demand0.shape[0]):
        desired[k, :] = 1.0
        for u in range(u_mask.shape[0]):
            if u_mask[u, k]:
                for j in range(nb):
                    on = u_on[u, j] & (u_start[u, j] <= t) & (t < u_end[u, j])
                    desired[k, j] += u_share[u, j] if on else 0.0
        d0 = demand0[k]
        cap = restock_max[k]
        goal = inv_target[k]
        dem = f[DEM_A] if alliance[k] else f[DEM_R]
        lrd = f[LRD_A] if alliance[k] else f[LRD_R]
        stk = f[STK_A] if alliance[k] else f[STK_R]
        for j in range(nb):
            x = d0 * desired[k, j] * lrd[j]
            desired[k, j] = x
            demand[k, j] = x * dem[j]
            aim = goal * (1.0 + (f[PREC, j] if alliance[k] else 0.0)) * stk[j]
            restock_req[k, j] = fmax(fmin(cap, aim - inv[k, j]), 0.0)


@njit(**JIT)
def purchases(
    t: int,
    p0_usd_per_t: float,
    members: np.ndarray,
    shares: np.ndarray,
    target: np.ndarray,
    buy_below: np.ndarray,
    max_buy: np.ndarray,
    budget: np.ndarray,
    stock: np.ndarray,
    spent: np.ndarray,
    f: np.ndarray,
    kk: np.ndarray,
    hh: np.ndarray,
    buy_req: np.ndarray,
    y_demand: np.ndarray,
    y_unmet: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Reserve purchase requests, split among members by cost share, and their total.

    A reserve does not buy while its members are short: in a month after one in
    which their unmet demand (``y_unmet``) exceeded :data:`SHORT_FLOOR` of their
    desired demand (``y_demand``)."""
    H, K, nb = buy_req.shape
    price_k, buy_total, member_price, want = kk[PRICE_K], kk[BUY_TOTAL], hh[MEMBER_PRICE], f[WANT]
    m_demand, m_gap = hh[M_DEMAND], hh[M_GAP]  # here: last month's members' demand and unmet
    buy_total[:, :] = 0.0
    for h in range(H):
        member_price[h, :] = 0.0
        m_demand[h, :] = 0.0
        m_gap[h, :] = 0.0
        for k in range(K):
            c = shares[h, k]
            for j in range(nb):
                member_price[h, j] += price_k[k, j] * c
            if members[h, k] and t > 0:
                for j in range(nb):
                    m_demand[h, j] += y_demand[t - 1, k, j]
                    m_gap[h, j] += y_unmet[t - 1, k, j]
        for j in range(nb):
            mp = member_price[h, j]
            budget_t = fmax(budget[h] - spent[h, j], 0.0) / (p0_usd_per_t * fmax(mp, 1e-9))
            x = fmin(fmin(max_buy[h], target[h] - stock[h, j]), budget_t)
            short = m_gap[h, j] > SHORT_FLOOR * m_demand[h, j]
            want[j] = fmax(x, 0.0) if (mp < buy_below[h]) and not short else 0.0
        for k in range(K):
            c = shares[h, k]
            for j in range(nb):
                x = want[j] * c
                buy_req[h, k, j] = x
                buy_total[k, j] += x


@njit(**JIT)
def allocate(
    alliance: np.ndarray,
    split: np.ndarray,
    sale_share: float,
    f: np.ndarray,
    kk: np.ndarray,
    pool: np.ndarray,
    ts: np.ndarray,
    ps: np.ndarray,
    w: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Each consumer's deliveries go to demand, restocking, then purchases; the rest is
    pooled per price segment with the segment's trader stocks ``ts`` (2, paths)
    and serves what is still requested, in the same order; what is left is the
    traders' stock of next month.

    Volume an imposer withheld and offered to its own buyers (``kk[HOME]``) is
    used last; what of it they cannot use, and what it withheld without
    offering it at home, joins the imposer's stocks ``ps`` (paths) rather than
    the pool (it could otherwise reach the restriction's targets). In a month
    with no restriction in force, ``sale_share`` of those stocks is sold into
    the pool."""
    offered, demand, restock_req, buy_total, home = (
        kk[OFFERED],
        kk[DEMAND],
        kk[RESTOCK_REQ],
        kk[BUY_TOTAL],
        kk[HOME],
    )
    used, restocked, bought = kk[USED], kk[RESTOCKED], kk[BOUGHT]
    request, served = kk[REQUEST], kk[SERVED]
    K, nb = offered.shape
    pool[:, :] = 0.0
    home_left = f[HOME_LEFT]
    home_left[:] = 0.0
    for k in range(K):
        seg = pool[1] if alliance[k] else pool[0]
        for j in range(nb):
            u = fmin(offered[k, j], demand[k, j])
            left = offered[k, j] - u
            x_r = fmin(left, restock_req[k, j])
            left -= x_r
            x_b = fmin(left, buy_total[k, j])
            left -= x_b
            used[k, j] = u
            restocked[k, j] = x_r
            bought[k, j] = x_b
            kept = fmin(left, home[k, j])
            home_left[j] += kept
            seg[j] += left - kept
    for j in range(nb):
        sale = 0.0 if split[j] else sale_share * ps[j]
        ps[j] -= sale
        f[PS_OUT, j] = sale
        f[TS_IN, j] = ts[0, j] + ts[1, j]
        pool[0, j] += ts[0, j] + sale
        pool[1, j] += ts[1, j]
    for k in range(K):
        for j in range(nb):
            request[k, j] = demand[k, j] - used[k, j]
    serve(request, served, pool, alliance, split, w)
    for k in range(K):
        for j in range(nb):
            used[k, j] += served[k, j]
            request[k, j] = restock_req[k, j] - restocked[k, j]
    serve(request, served, pool, alliance, split, w)
    for k in range(K):
        for j in range(nb):
            restocked[k, j] += served[k, j]
            request[k, j] = buy_total[k, j] - bought[k, j]
    serve(request, served, pool, alliance, split, w)
    for k in range(K):
        for j in range(nb):
            bought[k, j] += served[k, j]
    for j in range(nb):
        f[UNSOLD, j] = (pool[0, j] + pool[1, j]) + home_left[j]
        ts[0, j] = pool[0, j]
        ts[1, j] = pool[1, j]
        lost = f[WITHHELD, j] - (f[HOME_MINING, j] + f[HOME_FINAL, j])
        ps[j] += home_left[j] + lost


@njit(**JIT)
def release(
    t: int,
    demand0: np.ndarray,
    p0_usd_per_t: float,
    members: np.ndarray,
    shares: np.ndarray,
    trigger_price: np.ndarray,
    trigger_short: np.ndarray,
    max_release: np.ndarray,
    allocation: np.ndarray,
    inv: np.ndarray,
    stock: np.ndarray,
    spent: np.ndarray,
    kk: np.ndarray,
    hh: np.ndarray,
    buy_req: np.ndarray,
    y_purchase: np.ndarray,
    y_release_usd: np.ndarray,
    y_release_t: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Commercial stocks cover the gap first; then triggered reserves release, and
    purchases made enter the reserves.

    A release covers the members' gap to what they want at baseline prices (their
    desired demand, or their demand at the price if larger), so it relieves demand
    the price rationed as well as volume that found no seller; the trigger's
    shortfall share is that gap over the same want."""
    demand, used, restocked, bought = kk[DEMAND], kk[USED], kk[RESTOCKED], kk[BOUGHT]
    desired = kk[DESIRED]
    buy_total, gap, draw, released = kk[BUY_TOTAL], kk[GAP], kk[DRAW], kk[RELEASED]
    buy_frac, weight, price_k = kk[BUY_FRAC], kk[WEIGHT], kk[PRICE_K]
    member_price, purchase, m_demand, m_gap = (
        hh[MEMBER_PRICE],
        hh[PURCHASE],
        hh[M_DEMAND],
        hh[M_GAP],
    )
    limit, wsum, rel_t, rel_usd, cost = hh[LIMIT], hh[WSUM], hh[REL_T], hh[REL_USD], hh[COST]
    H, K, nb = buy_req.shape
    for k in range(K):
        for j in range(nb):
            g_k = demand[k, j] - used[k, j]
            d_k = fmin(inv[k, j], g_k)
            gap[k, j] = fmax(desired[k, j], demand[k, j]) - used[k, j] - d_k
            draw[k, j] = d_k
            inv[k, j] = inv[k, j] + restocked[k, j] - d_k
            released[k, j] = 0.0
            bt = buy_total[k, j]
            buy_frac[k, j] = bought[k, j] / bt if bt > 0 else 0.0
    for h in range(H):
        # the member price is that of the purchases: prices have not moved since
        purchase[h, :] = 0.0
        m_demand[h, :] = 0.0
        m_gap[h, :] = 0.0
        for k in range(K):
            for j in range(nb):
                purchase[h, j] += buy_req[h, k, j] * buy_frac[k, j]
            if members[h, k]:
                for j in range(nb):
                    m_demand[h, j] += fmax(desired[k, j], demand[k, j])
                    m_gap[h, j] += gap[k, j]
        for j in range(nb):
            short = m_gap[h, j] / m_demand[h, j] if m_demand[h, j] > 0 else 0.0
            on = (member_price[h, j] > trigger_price[h]) | (short > trigger_short[h])
            limit[h, j] = fmin(stock[h, j], max_release[h]) if on else 0.0
        rule = allocation[h]
        wsum[h, :] = 0.0
        for k in range(K):
            for j in range(nb):
                if rule == 0:
                    x = gap[k, j] if members[h, k] else 0.0
                elif rule == 1:
                    x = demand0[k] if members[h, k] else 0.0
                else:
                    x = shares[h, k]
                weight[k, j] = x
                wsum[h, j] += x
        for j in range(nb):
            limit[h, j] = limit[h, j] / wsum[h, j] if wsum[h, j] > 0 else 0.0
        rel_t[h, :] = 0.0
        rel_usd[h, :] = 0.0
        cost[h, :] = 0.0
        for k in range(K):
            member = members[h, k]
            for j in range(nb):
                a = fmin(gap[k, j], weight[k, j] * limit[h, j]) if member else 0.0
                gap[k, j] -= a
                released[k, j] += a
                rel_t[h, j] += a
                rel_usd[h, j] += a * price_k[k, j]
                cost[h, j] += buy_req[h, k, j] * buy_frac[k, j] * price_k[k, j]
        for j in range(nb):
            c = cost[h, j] * p0_usd_per_t
            stock[h, j] += purchase[h, j] - rel_t[h, j]
            spent[h, j] += c
            y_purchase[t, h, j] = c
            y_release_usd[t, h, j] = rel_usd[h, j] * p0_usd_per_t
            y_release_t[t, h, j] = rel_t[h, j]


@njit(**JIT)
def account(
    t: int,
    two_stage: bool,
    alliance: np.ndarray,
    inv: np.ndarray,
    stock: np.ndarray,
    feed: np.ndarray,
    ts: np.ndarray,
    ps: np.ndarray,
    f: np.ndarray,
    kk: np.ndarray,
    min_stock: np.ndarray,
    y_demand: np.ndarray,
    y_consumption: np.ndarray,
    y_unmet: np.ndarray,
    y_stock: np.ndarray,
    y_cause: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Record the month's demand, consumption, unmet demand and reserve stocks; sum
    what the prices and the mass balance need; track the lowest stock.

    Unmet demand is added to ``y_cause`` (consumer, cause) by what limited supply
    (:data:`critmin.engine.outputs.CAUSES`): the part the price rationed (desired
    less price-responsive demand), then the rest pro rata to the month's losses
    (``WH_FINAL``, ``L_OUTAGE``, ``L_FEED``, ``L_CAP``), or to stocks without any.

    For the prices, each segment (and the world) sums its desired demand
    (``DES_*``) and what it can draw on next month (``AV_*``): its consumers'
    stocks, its traders' stocks and this month's deliveries and releases, the
    imposer's stocks counting in the other segment."""
    desired, offered = kk[DESIRED], kk[OFFERED]
    used, draw, released, restocked, bought = (
        kk[USED],
        kk[DRAW],
        kk[RELEASED],
        kk[RESTOCKED],
        kk[BOUGHT],
    )
    K, nb = desired.shape
    f[DES_A:LOW, :] = 0.0
    low = f[LOW]
    low[:] = np.inf
    for k in range(K):
        des, av = (f[DES_A], f[AV_A]) if alliance[k] else (f[DES_R], f[AV_R])
        for j in range(nb):
            x = desired[k, j]
            # what reserves bought is locked away: only their releases reach the market
            available = inv[k, j] + offered[k, j] + released[k, j] - bought[k, j]
            f[DES_W, j] += x
            f[AV_W, j] += available
            des[j] += x
            av[j] += available
            consumption = used[k, j] + draw[k, j] + released[k, j]
            y_demand[t, k, j] = desired[k, j]
            y_consumption[t, k, j] = consumption
            u = fmax(desired[k, j] - consumption, 0.0)
            y_unmet[t, k, j] = u
            priced = fmin(u, fmax(desired[k, j] - kk[DEMAND, k, j], 0.0))
            rest = u - priced
            y_cause[k, 0, j] += priced
            losses = ((f[WH_FINAL, j] + f[L_OUTAGE, j]) + f[L_FEED, j]) + f[L_CAP, j]
            if losses > 0:
                y_cause[k, 1, j] += rest * (f[WH_FINAL, j] / losses)
                y_cause[k, 2, j] += rest * (f[L_OUTAGE, j] / losses)
                y_cause[k, 3, j] += rest * (f[L_FEED, j] / losses)
                y_cause[k, 4, j] += rest * (f[L_CAP, j] / losses)
            else:
                y_cause[k, 5, j] += rest
            f[CONSUMED, j] += consumption
            f[RESTOCKED_SUM, j] += restocked[k, j]
            f[BOUGHT_SUM, j] += bought[k, j]
            f[DRAW_SUM, j] += draw[k, j]
            f[RELEASED_SUM, j] += released[k, j]
            low[j] = fmin(low[j], inv[k, j])
    for j in range(nb):
        f[AV_A, j] += ts[1, j]
        f[AV_R, j] += ts[0, j] + ps[j]
        f[AV_W, j] += (ts[0, j] + ts[1, j]) + ps[j]
    for h in range(stock.shape[0]):
        for j in range(nb):
            y_stock[t, h, j] = stock[h, j]
            low[j] = fmin(low[j], stock[h, j])
    if two_stage:
        for s in range(feed.shape[0]):
            for j in range(nb):
                low[j] = fmin(low[j], feed[s, j])
    for j in range(nb):
        min_stock[j] = fmin(min_stock[j], low[j])


@njit(**JIT)
def clearing(
    demand: float,
    stocks: float,
    available: float,
    x: float,
    eps_d: float,
    eta: float,
    log_cap: float,
) -> float:  # pragma: no cover - compiled
    """The log price ratio at which demand and desired stocks take up what is available.

    Solves ``demand p^eps_d + stocks p^-eta = available`` for ``log p`` by
    at most :data:`CLEARING_STEPS` Newton steps on the log of the left side, from
    ``x`` (last month's), each kept within +-``log_cap``, stopping once the
    error left after a step is estimated below :data:`CLEARING_TOLERANCE`.
    ``log_cap`` when nothing is available, 0 when nothing is wanted (demand and
    stocks below :data:`EMPTY`, so that a subnormal figure, which compiled code
    may flush to zero, cannot decide the price of an empty segment); with
    neither demand nor stocks responding to the price, +-``log_cap`` as they
    exceed what is available (by more than 1e-9 of it; else ``x``).
    """
    if demand + stocks <= EMPTY:
        return 0.0
    if available <= 0:
        return log_cap
    if demand <= 0:  # stocks alone: stocks p^-eta = available
        return fmin(fmax((math.log(stocks) - math.log(available)) / eta, -log_cap), log_cap)
    # log(left side) = log(demand) + eps_d x + log(1 + r), r = stocks/demand p^-(eta + eps_d):
    # one exp and one log a step
    target = math.log(available) - math.log(demand)
    k = stocks / demand
    for _ in range(CLEARING_STEPS):
        r = k * math.exp(-(eta + eps_d) * x)
        d1 = (eps_d - eta * r) / (1.0 + r)  # slope of log(left side) in x
        if d1 >= 0:  # neither demand nor stocks respond: all or nothing
            g = eps_d * x + math.log(1.0 + r) - target
            if abs(g) <= 1e-9:
                return x
            return log_cap if g > 0 else -log_cap
        d2 = (eps_d * eps_d + eta * eta * r) / (1.0 + r) - d1 * d1  # its curvature
        step = fmin(fmax(x - (eps_d * x + math.log(1.0 + r) - target) / d1, -log_cap), log_cap)
        # Newton's error after this step is about |d2 / (2 d1)| (step - x)^2
        dx = step - x
        converged = abs(0.5 * d2 / d1) * dx * dx < CLEARING_TOLERANCE
        x = step
        if converged:
            break
    return x


@njit(**JIT)
def solve(
    slot: int,
    j: int,
    demand: float,
    stocks: float,
    available: float,
    last: np.ndarray,
    seen: np.ndarray,
    eps_d: float,
    eta: float,
    log_cap: float,
) -> float:  # pragma: no cover - compiled
    """:func:`clearing` from ``last[j]``, or ``last[j]`` itself when the inputs are
    exactly those it solved (``seen[slot, :, j]``; a market at rest)."""
    if seen[slot, 0, j] == demand and seen[slot, 1, j] == stocks:
        if seen[slot, 2, j] == available:
            return last[j]
    seen[slot, 0, j] = demand
    seen[slot, 1, j] = stocks
    seen[slot, 2, j] = available
    return clearing(demand, stocks, available, last[j], eps_d, eta, log_cap)


@njit(**JIT)
def prices(
    t: int,
    two_stage: bool,
    eps_d: float,
    eta: float,
    normal_a: float,
    normal_r: float,
    alpha: float,
    log_cap: float,
    split: np.ndarray,
    f: np.ndarray,
    lt_a: np.ndarray,
    lt_r: np.ndarray,
    seen: np.ndarray,
    lp_a: np.ndarray,
    lp_r: np.ndarray,
    pr_a: np.ndarray,
    pr_r: np.ndarray,
    y_error: np.ndarray,
    y_price_a: np.ndarray,
    y_price_r: np.ndarray,
    y_withheld: np.ndarray,
    y_restricted: np.ndarray,
    y_cap_a: np.ndarray,
    y_cap_r: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Record the mass balance and this month's prices; set next month's prices.

    Each segment's clearing price (the world's when no restriction splits the
    market) is the storage price of :func:`clearing`: its demand and its normal
    stocks (``normal_a``, ``normal_r`` [t]; allied buyers' ``PREC`` share more
    while a restriction is announced or in force) against what it can draw on. The log price
    moves ``alpha`` of the way there, within +-``log_cap``; ``lt_*`` keep the
    clearing prices to start next month's search, ``seen`` (2, 3, paths) the
    inputs they solved (:func:`solve`). ``y_cap_*`` record whether a segment's
    clearing price is at the cap.
    """
    for j in range(lp_a.shape[0]):
        inflow = (f[MINED, j] if two_stage else f[PRODUCED, j]) + f[DRAW_SUM, j]
        inflow += f[RELEASED_SUM, j] + (f[TS_IN, j] + f[PS_OUT, j])
        # withheld volume offered at home is counted where it went (consumption, ...)
        lost = f[WITHHELD, j] - (f[HOME_MINING, j] + f[HOME_FINAL, j])
        outflow = f[CONSUMED, j] + f[RESTOCKED_SUM, j] + f[BOUGHT_SUM, j] + lost
        outflow = outflow + f[UNSOLD, j] + f[SPILL, j] + f[FEED_CHANGE, j]
        y_error[t, j] = abs(inflow - outflow) / fmax(abs(inflow), 1e-12)
        y_price_a[t, j] = pr_a[j]
        y_price_r[t, j] = pr_r[j]
        y_withheld[t, j] = f[WITHHELD, j]
        y_restricted[t, j] = split[j]
        if split[j]:
            stocks_a = normal_a * (1.0 + f[PREC, j])
            log_a = solve(0, j, f[DES_A, j], stocks_a, f[AV_A, j], lt_a, seen, eps_d, eta, log_cap)
            log_r = solve(1, j, f[DES_R, j], normal_r, f[AV_R, j], lt_r, seen, eps_d, eta, log_cap)
        else:
            stocks_w = normal_a * (1.0 + f[PREC, j]) + normal_r
            log_a = solve(0, j, f[DES_W, j], stocks_w, f[AV_W, j], lt_a, seen, eps_d, eta, log_cap)
            log_r = log_a
            seen[1, 0, j] = np.nan  # lt_r is not the rest segment's own price now
        lt_a[j] = log_a
        lt_r[j] = log_r
        y_cap_a[t, j] = abs(log_a) >= log_cap
        y_cap_r[t, j] = abs(log_r) >= log_cap
        x = fmin(fmax((1 - alpha) * lp_a[j] + alpha * log_a, -log_cap), log_cap)
        y = fmin(fmax((1 - alpha) * lp_r[j] + alpha * log_r, -log_cap), log_cap)
        lp_a[j] = x
        lp_r[j] = y
        pr_a[j] = math.exp(x)
        pr_r[j] = pr_a[j] if y == x else math.exp(y)


@njit(**JIT)
def adapt(
    lp_a: np.ndarray,
    lp_r: np.ndarray,
    lr_demand: float,
    demand_rate: float,
    lr_supply: float,
    supply_rate: float,
    log_growth: float,
    lr: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Long-run responses to the prices just set, per segment (a, r) and path.

    ``lr`` rows: 0-1 the log demand factor, which moves ``demand_rate`` of the
    way to ``lr_demand * log p`` each month; 2-3 and 4-5 two stages of
    exponential smoothing of ``log p`` at ``supply_rate`` (an Erlang-2 lag);
    6-7 the log capacity factor ``min(lr_supply * stage 2, log_growth)``.
    """
    for j in range(lp_a.shape[0]):
        for x in range(2):
            lp = lp_a[j] if x == 0 else lp_r[j]
            lr[x, j] += demand_rate * (lr_demand * lp - lr[x, j])
            lr[2 + x, j] += supply_rate * (lp - lr[2 + x, j])
            lr[4 + x, j] += supply_rate * (lr[2 + x, j] - lr[4 + x, j])
            lr[6 + x, j] = fmin(lr_supply * lr[4 + x, j], log_growth)


@njit(**JIT)
def floor_cost(
    t: int,
    floor_ratio: float,
    floor_share: float,
    p0_usd_per_t: float,
    covered: np.ndarray,
    seller_alliance: np.ndarray,
    pr_a: np.ndarray,
    pr_r: np.ndarray,
    produced: np.ndarray,
    y_floor: np.ndarray,
    y_cover_a: np.ndarray,
    y_cover_r: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """What the state pays covered producers: (floor - price) on the covered share of
    output; and that covered output, by the segment it sells in."""
    nb = pr_a.shape[0]
    for j in range(nb):
        y_floor[t, j] = 0.0
        y_cover_a[t, j] = 0.0
        y_cover_r[t, j] = 0.0
    for s in range(covered.shape[0]):
        if covered[s]:
            price = pr_a if seller_alliance[s] else pr_r
            cover = y_cover_a if seller_alliance[s] else y_cover_r
            for j in range(nb):
                y_floor[t, j] += fmax(floor_ratio - price[j], 0.0) * produced[s, j]
                cover[t, j] += produced[s, j] * floor_share
    for j in range(nb):
        y_floor[t, j] = y_floor[t, j] * floor_share * p0_usd_per_t
