"""Export restrictions in the compiled kernel: which are active, and what they do to flows.

Restrictions differ from path to path. Each path applies its own active
restrictions in scenario order; a block of paths applies the i-th active
restriction of each of its paths together (:func:`restrict`), one pass per
imposer group, and a path with fewer restrictions applies a zero factor,
which leaves its flows exactly unchanged. Arrays are path-last, as in
:mod:`critmin.engine.steps`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from critmin.engine.steps import JIT, fmax, fmin


@njit(**JIT)
def by_group(
    made: np.ndarray,
    output: np.ndarray,
    group: np.ndarray,
    base: np.ndarray,
    util: np.ndarray,
    flows: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Flows (G, buyers, paths) by origin group: baseline flows scaled by utilisation.

    ``made`` (producers, paths) over baseline ``output`` is each producer's
    utilisation (0 for a producer with no baseline output).
    """
    nb = made.shape[1]
    flows[:, :, :] = 0.0
    for s in range(output.shape[0]):
        out_s = output[s]
        g = group[s]
        for j in range(nb):
            util[s, j] = made[s, j] / out_s if out_s > 0 else 0.0
        for k in range(base.shape[1]):
            b = base[s, k]
            for j in range(nb):
                flows[g, k, j] += util[s, j] * b


@njit(**JIT)
def activity(
    t: int,
    n_on: np.ndarray,
    on_start: np.ndarray,
    on_end: np.ndarray,
    on_stage: np.ndarray,
    on_severity: np.ndarray,
    on_leakage: np.ndarray,
    on_half: np.ndarray,
    on_floor: np.ndarray,
    on_group: np.ndarray,
    on_mask: np.ndarray,
    on_home: np.ndarray,
    change: np.ndarray,
    n_act: np.ndarray,
    severity: np.ndarray,
    leakage: np.ndarray,
    start: np.ndarray,
    half: np.ndarray,
    floor: np.ndarray,
    group: np.ndarray,
    mask: np.ndarray,
    home: np.ndarray,
    split: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Active restrictions of month ``t``, per stage and path, in scenario order.

    ``on_*[i, ..., j]`` describe the i-th restriction happening on path ``j`` of
    the block (``n_on[j]`` of them). Keeps ``severity[s, n, j]`` (as drawn),
    ``leakage[s, n, j]``, its ``start``, ``half`` (life) and ``floor`` (of the
    severity's relaxation), ``group[s, n, j]``, ``mask[s, n, :, j]`` and
    ``home[s, n, :, j]`` as the n-th restriction of stage ``s`` active on path
    ``j`` (``n_act[s, j]`` of them; the severity is 0 and the group -1 beyond)
    and ``split[j]`` (any active). A path's lists
    are rebuilt only in a month when one of its restrictions starts or ends
    (``change[j]``, the next such month, is kept up to date; start with -1).
    """
    nb = n_on.shape[0]
    most = on_start.shape[0]
    B = mask.shape[2]
    for j in range(nb):
        if change[j] >= 0 and t != change[j]:
            continue
        n_act[0, j] = 0
        n_act[1, j] = 0
        for s in range(2):
            for n in range(most):
                severity[s, n, j] = 0.0
                leakage[s, n, j] = 0.0
                half[s, n, j] = 0.0
                group[s, n, j] = -1
        following = 1 << 30
        for i in range(n_on[j]):
            begin = on_start[i, j]
            end = on_end[i, j]
            if begin <= t and t < end:
                s = on_stage[i, j]
                n = n_act[s, j]
                severity[s, n, j] = on_severity[i, j]
                leakage[s, n, j] = on_leakage[i, j]
                start[s, n, j] = begin
                half[s, n, j] = on_half[i, j]
                floor[s, n, j] = on_floor[i, j]
                group[s, n, j] = on_group[i, j]
                for k in range(B):
                    mask[s, n, k, j] = on_mask[i, k, j]
                    home[s, n, k, j] = on_home[i, k, j]
                n_act[s, j] = n + 1
            if begin > t:
                following = fmin(following, begin)
            if end > t:
                following = fmin(following, end)
        change[j] = following
        split[j] = n_act[0, j] + n_act[1, j] > 0


@njit(**JIT)
def factors(
    t: int,
    n_act: np.ndarray,
    severity: np.ndarray,
    leakage: np.ndarray,
    start: np.ndarray,
    half: np.ndarray,
    floor: np.ndarray,
    spread: np.ndarray,
    leak_max: float,
    leak_rate: float,
    rerouting: float,
    reroute_rate: float,
    factor: np.ndarray,
    reroute: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Share of flows each active restriction blocks this month: severity x (1 - leakage),
    and the share of other suppliers' sales that can be re-routed to targets.

    A restriction with a half-life (``half`` > 0) relaxes from its drawn
    severity ``v`` toward ``floor`` (licences granted):
    ``floor + (v - floor) 0.5^((t - start) / half)``.

    Leakage rises with the log price spread ``spread`` (paths; allied over
    the other segment, 0 when not positive) from the restriction's own share
    toward ``leak_max`` (never below its own share):
    ``l + (max(l_max, l) - l) (1 - exp(-leak_rate * spread))``. Re-routing
    (``reroute``, paths) rises the same way from 0 toward ``rerouting``:
    ``rerouting (1 - exp(-reroute_rate * spread))``, or is ``rerouting`` from
    the first month when ``reroute_rate`` is negative (no spread needed).
    """
    S, most, nb = severity.shape
    for j in range(nb):
        pull = 0.0 if spread[j] == 0 else 1.0 - math.exp(-leak_rate * spread[j])
        if reroute_rate < 0:
            reroute[j] = rerouting
        else:
            reroute[j] = (
                0.0 if spread[j] == 0 else rerouting * -math.expm1(-reroute_rate * spread[j])
            )
        for s in range(S):
            # beyond n_act the severity is 0, so is the factor (restrict relies on it)
            for n in range(most):
                lk = leakage[s, n, j]
                lk = lk + (fmax(leak_max, lk) - lk) * pull
                v = severity[s, n, j]
                h = half[s, n, j]
                if h > 0:
                    lo = floor[s, n, j]
                    v = lo + (v - lo) * math.pow(0.5, (t - start[s, n, j]) / h)
                factor[s, n, j] = v * (1.0 - lk)


@njit(**JIT)
def restrict_group(
    flows: np.ndarray,
    g: int,
    factor: np.ndarray,
    mask: np.ndarray,
    home: np.ndarray,
    rerouting: np.ndarray,
    withheld: np.ndarray,
    homed: np.ndarray,
    home_k: np.ndarray,
    w: np.ndarray,
    lost: np.ndarray,
    taken: np.ndarray,
    share: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """One restriction per path, all imposed by origin group ``g``, on flows (G, B, paths).

    ``factor`` (paths) is severity x (1 - leakage), 0 where a path has none;
    ``mask`` (B, paths) is 1 for targets. ``withheld`` (paths) receives the
    volume withheld. The blocked volume leaves the group's flows to the
    targets (the leaked share still arrives); up to ``rerouting`` (paths) of the
    other groups' sales to non-targets is redirected to the targets, pro rata to
    what each lost, and the imposer's blocked volume replaces it at the
    non-targets; the rest is withheld (``withheld``, paths). ``home`` (B,
    paths) holds the imposer's own buyers' shares of the withheld volume
    (summing to ``withheld_home_share``, or 0 without own buyers): that much
    goes to them, summed in ``homed`` (paths) and ``home_k`` (B, paths).
    """
    G, B, nb = flows.shape
    need, avail, moved, per_lost, frac, back = w[0], w[1], w[2], w[3], w[4], w[5]
    need[:] = 0.0
    avail[:] = 0.0
    for k in range(B):
        for j in range(nb):
            x = flows[g, k, j] * mask[k, j] * factor[j]
            lost[k, j] = x
            flows[g, k, j] -= x
            need[j] += x
    for h in range(G):
        if h != g:
            for k in range(B):
                for j in range(nb):
                    avail[j] += flows[h, k, j] * (1.0 - mask[k, j])
    for j in range(nb):
        m = fmin(rerouting[j] * avail[j], need[j])
        moved[j] = m
        per_lost[j] = m / need[j] if need[j] > 0 else 0.0
        frac[j] = m / avail[j] if avail[j] > 0 else 0.0
    # what each other group gives up, and its share of the volume moved
    for h in range(G):
        if h != g:
            share[h, :] = 0.0
            for k in range(B):
                for j in range(nb):
                    x = flows[h, k, j] * (1.0 - mask[k, j]) * frac[j]
                    taken[h, k, j] = x
                    share[h, j] += x
            for j in range(nb):
                share[h, j] = share[h, j] / moved[j] if moved[j] > 0 else 0.0
    for h in range(G):
        if h != g:
            for k in range(B):
                for j in range(nb):
                    to_target = share[h, j] * (lost[k, j] * per_lost[j])
                    flows[h, k, j] = (flows[h, k, j] - taken[h, k, j]) + to_target
    # the imposer ships to the non-targets what they gave up
    for k in range(B):
        back[:] = 0.0
        for h in range(G):
            if h != g:
                for j in range(nb):
                    back[j] += taken[h, k, j]
        for j in range(nb):
            flows[g, k, j] += back[j]
    for j in range(nb):
        withheld[j] += need[j] - moved[j]
    # the imposer's own buyers are offered their share of what it withheld
    for k in range(B):
        for j in range(nb):
            x = (need[j] - moved[j]) * home[k, j]
            flows[g, k, j] += x
            home_k[k, j] += x
            homed[j] += x


@njit(**JIT)
def restrict(
    flows: np.ndarray,
    n_act: np.ndarray,
    factor: np.ndarray,
    group: np.ndarray,
    mask: np.ndarray,
    home: np.ndarray,
    rerouting: np.ndarray,
    withheld: np.ndarray,
    homed: np.ndarray,
    home_k: np.ndarray,
    w: np.ndarray,
    lost: np.ndarray,
    taken: np.ndarray,
    share: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Apply each path's active restrictions (from :func:`activity`) in order.

    Step ``i`` applies the i-th restriction of every path at once, one pass
    per imposer group present (usually one); in a pass, the paths of other
    groups get a zero factor.
    """
    nb = n_act.shape[0]
    steps = 0
    for j in range(nb):
        steps = fmax(steps, n_act[j])
    part = w[6]
    for i in range(steps):
        lo = 1 << 30
        hi = -1
        for j in range(nb):
            g = group[i, j]
            if g >= 0:
                lo = fmin(lo, g)
                hi = fmax(hi, g)
        if lo == hi:
            restrict_group(
                flows, lo, factor[i], mask[i], home[i], rerouting, withheld, homed, home_k, w,
                lost, taken, share,
            )  # fmt: skip
            continue
        for g in range(lo, hi + 1):
            for j in range(nb):
                part[j] = factor[i, j] if group[i, j] == g else 0.0
            restrict_group(
                flows, g, part, mask[i], home[i], rerouting, withheld, homed, home_k, w, lost,
                taken, share,
            )  # fmt: skip
