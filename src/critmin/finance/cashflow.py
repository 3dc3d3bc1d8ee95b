"""Project cash-flow arithmetic over simulated paths: NPV, IRR, debt service, DSCR,
and the distribution of an instrument's annual fiscal cost.

Arrays are ``(paths, years)`` (or any leading shape, years last); year 0 is the
first year and is not discounted. docs/methods.md, "Project finance", gives the
equations and sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from critmin.errors import CritminError


def npv(rate: float, flows: np.ndarray) -> np.ndarray:
    """Net present value of yearly ``flows`` (years last) at ``rate``:
    ``sum_t flows_t / (1 + rate) ** t``.

    >>> round(float(npv(0.1, np.array([-100.0, 60.0, 60.0]))), 6)  # -100 + 60/1.1 + 60/1.21
    4.132231
    """
    if not rate > -1.0:
        raise CritminError("value out of range", where="rate", given=f"{rate:g}", allowed="> -1")
    flows = np.asarray(flows, dtype=float)
    factors = (1.0 + rate) ** -np.arange(flows.shape[-1])
    return np.asarray(flows @ factors)


class IrrStatus(StrEnum):
    """Whether a cash flow has an internal rate of return."""

    UNIQUE = "unique"  # exactly one rate above -100 % makes the NPV zero
    NONE = "none"  # no sign change (or no root above -100 %): no IRR exists
    MULTIPLE = "multiple"  # several rates make the NPV zero: the IRR is not defined


@dataclass(frozen=True)
class Irr:
    """Internal rates of return: ``rate`` (NaN unless ``status`` is unique) and why."""

    rate: np.ndarray
    status: np.ndarray  # IrrStatus values


#: With several sign changes, flows smaller than this share of the path's largest are
#: rounding noise (zero) when the NPV polynomial's roots are sought.
NEGLIGIBLE_FLOW = 1e-12


def _sign_changes(flows: np.ndarray) -> int:
    signs = np.sign(flows[flows != 0])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def _bisect(flows: np.ndarray) -> float:
    """The one rate of a flow with one sign change: its NPV is monotone in
    ``u = log(1 + r)``, so bisection on ``u`` over the range where the discount
    factors stay finite finds it; NaN if the root lies beyond that range."""
    flows = flows / float(np.abs(flows).max())  # so that no product overflows
    years = np.arange(flows.size)
    reach = 690.0 / max(flows.size - 1, 1)

    def value(u: float) -> float:
        return float(flows @ np.exp(-u * years))

    low, high = -reach, reach
    f_low = value(low)
    if np.sign(f_low) == np.sign(value(high)):
        return float("nan")
    for _ in range(80):  # the bracket shrinks to 1e-21 of its width
        mid = 0.5 * (low + high)
        f_mid = value(mid)
        if np.sign(f_mid) == np.sign(f_low):
            low, f_low = mid, f_mid
        else:
            high = mid
    return float(np.expm1(0.5 * (low + high)))


def _roots(flows: np.ndarray) -> list[float]:
    """Real rates r > -1 with NPV(r) = 0: roots x = 1 / (1 + r) > 0 of the polynomial
    sum_t flows_t x^t."""
    nonzero = np.flatnonzero(flows)
    trimmed = flows[: nonzero[-1] + 1]
    # numpy.roots takes the highest power first
    found = np.roots(trimmed[::-1]) if trimmed.size > 1 else np.array([])
    real = found[np.abs(found.imag) <= 1e-9 * np.maximum(1.0, np.abs(found.real))].real
    return sorted({round(float(1.0 / x - 1.0), 12) for x in real if x > 1e-12})


def irr(flows: np.ndarray) -> Irr:
    """Internal rate of return of each path's yearly cash flow (years last).

    The IRR is the rate r > -1 at which the NPV is zero. By Descartes' rule of
    signs, a flow that never changes sign has none, one that changes sign once
    has exactly one (found by bisection), and one with several sign changes may
    have several (the roots of the NPV polynomial in ``1 / (1 + r)``): then none
    is reported as *the* IRR (flows below :data:`NEGLIGIBLE_FLOW` of the path's
    largest count as zero there, so rounding noise adds no roots).

    >>> out = irr(np.array([[-100.0, 110.0, 0.0], [100.0, 50.0, 10.0], [-100.0, 230.0, -132.0]]))
    >>> out.rate.round(6).tolist(), out.status.tolist()
    ([0.1, nan, nan], ['unique', 'none', 'multiple'])
    """
    flows = np.asarray(flows, dtype=float)
    lead = flows.shape[:-1]
    rows = flows.reshape(-1, flows.shape[-1])
    rates = np.full(rows.shape[0], np.nan)
    status = np.full(rows.shape[0], IrrStatus.NONE.value, dtype=object)
    for i, row in enumerate(rows):
        changes = _sign_changes(row)
        if changes == 1:
            rates[i] = _bisect(row)
            if rates[i] == rates[i]:
                status[i] = IrrStatus.UNIQUE.value
        elif changes > 1:
            size = float(np.abs(row).max())
            roots = _roots(np.where(np.abs(row) > NEGLIGIBLE_FLOW * size, row, 0.0) / size)
            if len(roots) == 1:
                rates[i], status[i] = roots[0], IrrStatus.UNIQUE.value
            elif roots:
                status[i] = IrrStatus.MULTIPLE.value
    return Irr(rates.reshape(lead), status.reshape(lead))


def annuity_payment(principal: float, rate: float, years: int) -> float:
    """The level yearly payment that repays ``principal`` over ``years`` at ``rate``:
    ``P r / (1 - (1 + r) ** -n)`` (``P / n`` at a zero rate).

    >>> round(annuity_payment(1000.0, 0.08, 10), 2)
    149.03
    """
    if years < 1:
        raise CritminError("value out of range", where="tenor_years", given=str(years),
                           allowed="1 or more years")  # fmt: skip
    if rate == 0:
        return principal / years
    return principal * rate / (1.0 - (1.0 + rate) ** -years)


def debt_schedule(
    principal: float, rate: float, tenor_years: int, horizon_years: int, *, first_year: int = 0
) -> np.ndarray:
    """Yearly debt service of an annuity loan drawn before ``first_year``, repaid from
    ``first_year`` for ``tenor_years`` years, over ``horizon_years`` years."""
    service = np.zeros(horizon_years)
    payment = annuity_payment(principal, rate, tenor_years)
    service[first_year : first_year + tenor_years] = payment
    return service


def dscr(cfads: np.ndarray, debt_service: np.ndarray) -> np.ndarray:
    """Debt-service coverage ratio of each year: cash flow available for debt service
    over debt service; NaN in years without debt service.

    >>> dscr(np.array([130.0, 90.0, 50.0]), np.array([100.0, 100.0, 0.0]))
    array([1.3, 0.9, nan])
    """
    cfads = np.asarray(cfads, dtype=float)
    service = np.broadcast_to(np.asarray(debt_service, dtype=float), cfads.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(service > 0, cfads / service, np.nan)


def min_dscr(ratios: np.ndarray) -> np.ndarray:
    """The lowest DSCR over the years with debt service (years last); NaN without any."""
    ratios = np.asarray(ratios, dtype=float)
    out = np.full(ratios.shape[:-1], np.nan)
    has = ~np.all(np.isnan(ratios), axis=-1)
    out[has] = np.nanmin(ratios[has], axis=-1)
    return out


def covenant_probability(ratios: np.ndarray, threshold: float = 1.3) -> float:
    """Share of paths whose DSCR is at least ``threshold`` in every year with debt
    service (a lender's covenant); paths without debt service meet it."""
    lowest = min_dscr(ratios)
    return float(np.mean(np.isnan(lowest) | (lowest >= threshold)))


def annual(monthly: np.ndarray) -> np.ndarray:
    """Sum of each block of 12 months (months last; a last partial year is kept)."""
    monthly = np.asarray(monthly, dtype=float)
    months = monthly.shape[-1]
    years = -(-months // 12)
    padded = np.zeros((*monthly.shape[:-1], years * 12))
    padded[..., :months] = monthly
    return padded.reshape(*monthly.shape[:-1], years, 12).sum(axis=-1)


@dataclass(frozen=True)
class CostDistribution:
    """An instrument's fiscal cost over the simulated paths.

    ``expected_annual_usd``: mean over paths and years of the yearly cost;
    ``p95_annual_usd`` and ``cvar95_annual_usd``: the 95th percentile and the mean
    of the worst 5 % of path-years; ``expected_total_usd``: mean over paths of the
    total; ``usd_per_t_secured``: expected total cost over the expected tonnes
    covered (NaN when none); ``paying_probability_by_year``: per year, the share of
    paths on which the instrument pays in that year.
    """

    expected_annual_usd: float
    p95_annual_usd: float
    cvar95_annual_usd: float
    expected_total_usd: float
    usd_per_t_secured: float
    paying_probability_by_year: list[float]


def cvar(values: np.ndarray, level: float = 0.95) -> float:
    """Mean of the worst ``1 - level`` share of ``values`` (the largest), with the
    boundary value weighted so that exactly that share is averaged.

    >>> cvar(np.arange(1.0, 21.0), 0.95), cvar(np.arange(1.0, 21.0), 0.9)
    (20.0, 19.5)
    """
    flat = np.sort(np.asarray(values, dtype=float).ravel())[::-1]
    want = (1.0 - level) * flat.size
    whole = int(np.floor(want))
    part = want - whole
    total = flat[:whole].sum() + (part * flat[whole] if whole < flat.size else 0.0)
    return float(total / want) if want > 0 else float(flat[0])


def cost_distribution(
    cost_usd: np.ndarray, covered_t: np.ndarray, paying: np.ndarray | None = None
) -> CostDistribution:
    """The fiscal-cost distribution of ``cost_usd`` (paths × months) on the tonnes
    ``covered_t`` (the same shape); ``paying`` marks the months the instrument pays
    (default: cost > 0)."""
    cost = np.atleast_2d(np.asarray(cost_usd, dtype=float))
    yearly = annual(cost)
    pays = cost > 0 if paying is None else np.atleast_2d(paying)
    paying_years = annual(pays.astype(float)) > 0
    total = cost.sum(axis=-1)
    tonnes = float(np.atleast_2d(covered_t).sum(axis=-1).mean())
    return CostDistribution(
        expected_annual_usd=float(yearly.mean()),
        p95_annual_usd=float(np.quantile(yearly, 0.95)),
        cvar95_annual_usd=cvar(yearly, 0.95),
        expected_total_usd=float(total.mean()),
        usd_per_t_secured=float(total.mean() / tonnes) if tonnes > 0 else float("nan"),
        paying_probability_by_year=[float(v) for v in paying_years.mean(axis=0)],
    )
