"""Price and purchase instruments as pure, vectorised functions over paths × months.

Every function takes prices in USD/kg and volumes in tonnes per month as arrays
that broadcast against ``(paths, months)`` (a scalar, a per-month row or a full
array), and returns what each party pays per path and month. Positive fiscal
cost is money the government pays. docs/methods.md, "Price instruments", gives
the equations and their sources.

* :func:`cfd_floor`: a contract-for-difference floor, with an optional ceiling
  above which a share of the upside comes back (the US Department of Defense's
  NdPr floor with MP Materials is of this form), a covered-volume cap and a term.
* :func:`border_adjusted_floor`: imports from outside a group pay the gap between
  the floor and their price; revenue, the price domestic buyers pay and the import
  volume displaced.
* :func:`split_cost`: a coordinated floor's cost split among members by a rule.
* :func:`contract_payments`: an offtake contract's price terms (fixed, collar,
  index-linked with a discount) and take-or-pay.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from critmin.errors import CritminError

#: Kilograms per tonne: prices are per kg, volumes in tonnes.
KG_PER_T = 1000.0


def _array(value: np.ndarray | float, where: str, *, low: float = 0.0) -> np.ndarray:
    """``value`` as a float array; a :class:`CritminError` if any element is not finite
    or is below ``low``."""
    out = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(out)):
        raise CritminError("not a finite number", where=where, allowed=f"numbers >= {low:g}")
    if np.any(out < low):
        raise CritminError(
            "value out of range",
            where=where,
            given=f"{float(out.min()):g}",
            allowed=f"numbers >= {low:g}",
        )
    return out


def _term_mask(shape: tuple[int, ...], term_months: int | None, start_month: int) -> np.ndarray:
    """1 in the months the instrument runs (``start_month`` to ``start_month +
    term_months - 1``, the last axis), else 0."""
    months = np.arange(shape[-1])
    end = np.inf if term_months is None else start_month + term_months
    return ((months >= start_month) & (months < end)).astype(float)


@dataclass(frozen=True)
class FloorPayments:
    """What a contract-for-difference floor pays, per path and month.

    ``fiscal_cost_usd``: the government's net payment (top-ups minus upside
    returned) [USD]; ``top_up_usd`` and ``upside_usd`` its two parts [USD, >= 0];
    ``covered_t``: the volume the contract covers [t]; ``paying``: whether the
    floor pays a top-up in the month.
    """

    fiscal_cost_usd: np.ndarray
    top_up_usd: np.ndarray
    upside_usd: np.ndarray
    covered_t: np.ndarray
    paying: np.ndarray


def cfd_floor(
    price_usd_per_kg: np.ndarray | float,
    volume_t: np.ndarray | float,
    floor_usd_per_kg: float,
    *,
    ceiling_usd_per_kg: float | None = None,
    upside_share: float = 1.0,
    volume_cap_t: float | None = None,
    term_months: int | None = None,
    start_month: int = 0,
) -> FloorPayments:
    """A contract-for-difference price floor.

    In a month the contract runs, the government tops the covered volume up to
    the floor when the market is below it, and takes back ``upside_share`` of the
    market's excess over the ceiling when it is above:

    ``top_up = max(floor - p, 0) * q * 1000``,
    ``upside = upside_share * max(p - ceiling, 0) * q * 1000``,
    ``q = min(volume, volume_cap)``; ``fiscal cost = top_up - upside``.

    Parameters
    ----------
    price_usd_per_kg
        Market price [USD/kg], broadcasting against (paths, months).
    volume_t
        The producer's sales [t per month].
    floor_usd_per_kg
        The floor [USD/kg], >= 0.
    ceiling_usd_per_kg
        Where upside sharing starts [USD/kg], >= the floor; None: no sharing.
    upside_share
        Share of the excess over the ceiling returned to the government (0-1).
    volume_cap_t
        Most tonnes per month covered; None: all sales.
    term_months, start_month
        The months the contract runs (from ``start_month``, for ``term_months``;
        None: to the end).

    Examples
    --------
    A constant market price of 80 below a floor of 110 on 10 t a month pays
    (110 - 80) * 10 t * 1000 kg/t = US$300,000 a month:

    >>> cfd_floor(np.full((1, 3), 80.0), 10.0, 110.0).fiscal_cost_usd
    array([[300000., 300000., 300000.]])
    """
    floor = float(_array(floor_usd_per_kg, "floor_usd_per_kg"))
    if ceiling_usd_per_kg is not None and ceiling_usd_per_kg < floor:
        raise CritminError(
            "the ceiling is below the floor",
            where="ceiling_usd_per_kg",
            given=f"{ceiling_usd_per_kg:g}",
            allowed=f"a price >= the floor ({floor:g} USD/kg)",
        )
    if not 0.0 <= upside_share <= 1.0:
        raise CritminError(
            "value out of range", where="upside_share", given=f"{upside_share:g}", allowed="0 to 1"
        )
    price = _array(price_usd_per_kg, "price_usd_per_kg")
    volume = _array(volume_t, "volume_t")
    price, volume = np.broadcast_arrays(np.atleast_2d(price), volume)
    covered = volume if volume_cap_t is None else np.minimum(volume, float(volume_cap_t))
    covered = covered * _term_mask(price.shape, term_months, start_month)
    top_up = np.maximum(floor - price, 0.0) * covered * KG_PER_T
    if ceiling_usd_per_kg is None:
        upside = np.zeros_like(top_up)
    else:
        upside = upside_share * np.maximum(price - ceiling_usd_per_kg, 0.0) * covered * KG_PER_T
    return FloorPayments(top_up - upside, top_up, upside, covered, top_up > 0)


@dataclass(frozen=True)
class BorderPayments:
    """What a border-adjusted floor does, per path and month.

    ``revenue_usd``: the charges collected on imports from outside the group
    [USD]; ``buyer_price_usd_per_kg``: what domestic buyers pay for imports
    (the higher of the import price and the floor) [USD/kg]; ``imports_t``: the
    imports after the charge [t]; ``displaced_t``: the imports the charge turns
    away [t].
    """

    revenue_usd: np.ndarray
    buyer_price_usd_per_kg: np.ndarray
    imports_t: np.ndarray
    displaced_t: np.ndarray


def border_adjusted_floor(
    import_price_usd_per_kg: np.ndarray | float,
    imports_t: np.ndarray | float,
    floor_usd_per_kg: float,
    *,
    import_elasticity: float = -1.0,
) -> BorderPayments:
    """A border-adjusted floor: imports from outside a group pay ``max(floor - p, 0)``
    per kg, so none lands below the floor.

    Imports respond to the landed price with a constant elasticity:
    ``m = m0 * (max(p, floor) / p) ** import_elasticity`` (``import_elasticity``
    <= 0; 0: no response), revenue ``= max(floor - p, 0) * m * 1000`` and the
    volume displaced ``m0 - m``.

    >>> b = border_adjusted_floor(50.0, 100.0, 100.0, import_elasticity=-1.0)
    >>> float(b.revenue_usd[0, 0]), float(b.imports_t[0, 0]), float(b.displaced_t[0, 0])
    (2500000.0, 50.0, 50.0)
    """
    floor = float(_array(floor_usd_per_kg, "floor_usd_per_kg"))
    if import_elasticity > 0:
        raise CritminError(
            "value out of range",
            where="import_elasticity",
            given=f"{import_elasticity:g}",
            allowed="a number <= 0",
        )
    price = _array(import_price_usd_per_kg, "import_price_usd_per_kg", low=1e-12)
    base = _array(imports_t, "imports_t")
    price, base = np.broadcast_arrays(np.atleast_2d(price), base)
    landed = np.maximum(price, floor)
    imports = base * (landed / price) ** import_elasticity
    revenue = np.maximum(floor - price, 0.0) * imports * KG_PER_T
    return BorderPayments(revenue, landed, imports, base - imports)


class SplitRule(StrEnum):
    """How a coordinated floor's cost is split among its members."""

    #: in proportion to each member's weight (covered volume, consumption, GDP, imports)
    PRO_RATA = "pro-rata"
    #: equal shares
    EQUAL = "equal"


def split_cost(
    cost_usd: np.ndarray, weights: dict[str, float], rule: SplitRule = SplitRule.PRO_RATA
) -> dict[str, np.ndarray]:
    """Each member's share of a coordinated instrument's cost (any shape), by ``rule``;
    the shares add up to the whole.

    >>> split_cost(np.array([90.0]), {"USA": 2.0, "JPN": 1.0})
    {'USA': array([60.]), 'JPN': array([30.])}
    """
    if not weights:
        raise CritminError("no members to share the cost", where="weights", allowed="1+ members")
    values = _array(np.array(list(weights.values())), "weights")
    if rule == SplitRule.EQUAL:
        values = np.ones_like(values)
    total = float(values.sum())
    if not total > 0:
        raise CritminError(
            "the members' weights add up to zero", where="weights", allowed="weights > 0"
        )
    return {m: cost_usd * (w / total) for m, w in zip(weights, values, strict=True)}


class PriceTerms(StrEnum):
    """An offtake contract's price terms."""

    FIXED = "fixed"  # a fixed price
    COLLAR = "collar"  # the market price held between a floor and a ceiling
    INDEX = "index"  # the market price less a discount share


@dataclass(frozen=True)
class Contract:
    """An offtake or club contract: volume, term and price terms.

    ``volume_t``: tonnes per month; ``price_usd_per_kg``: the fixed price;
    ``floor_usd_per_kg`` / ``ceiling_usd_per_kg``: a collar's bounds (either may be
    None); ``discount_share``: an index contract's discount; ``take_or_pay_share``:
    the share of the volume the buyer pays for even when it takes less.
    """

    volume_t: float
    terms: PriceTerms = PriceTerms.INDEX
    price_usd_per_kg: float | None = None
    floor_usd_per_kg: float | None = None
    ceiling_usd_per_kg: float | None = None
    discount_share: float = 0.0
    take_or_pay_share: float = 0.0
    term_months: int | None = None
    start_month: int = 0

    def __post_init__(self) -> None:
        _array(self.volume_t, "volume_t")
        if self.terms == PriceTerms.FIXED and self.price_usd_per_kg is None:
            raise CritminError(
                "a fixed-price contract needs its price",
                where="price_usd_per_kg",
                allowed="a price >= 0",
            )
        low, high = self.floor_usd_per_kg, self.ceiling_usd_per_kg
        if low is not None and high is not None and high < low:
            raise CritminError(
                "the ceiling is below the floor",
                where="ceiling_usd_per_kg",
                given=f"{high:g}",
                allowed=f"a price >= the floor ({low:g} USD/kg)",
            )
        for name in ("discount_share", "take_or_pay_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise CritminError(
                    "value out of range", where=name, given=f"{value:g}", allowed="0 to 1"
                )


@dataclass(frozen=True)
class ContractPayments:
    """A contract's money per path and month.

    ``price_usd_per_kg``: the contract price; ``taken_t``: the tonnes the buyer
    takes and pays for at the contract price; ``paid_usd``: what the buyer pays
    the supplier under the contract [USD]; ``extra_cost_usd``: what that costs the
    buyer above buying the same tonnes at the market price [USD] (negative when
    the contract is cheaper).
    """

    price_usd_per_kg: np.ndarray
    taken_t: np.ndarray
    paid_usd: np.ndarray
    extra_cost_usd: np.ndarray


def contract_price(contract: Contract, market_usd_per_kg: np.ndarray) -> np.ndarray:
    """The contract price for each market price [USD/kg].

    >>> collar = Contract(1.0, PriceTerms.COLLAR, floor_usd_per_kg=10, ceiling_usd_per_kg=20)
    >>> contract_price(collar, np.array([5.0, 15.0, 25.0]))
    array([10., 15., 20.])
    """
    market = np.asarray(market_usd_per_kg, dtype=float)
    if contract.terms == PriceTerms.FIXED:
        return np.full_like(market, float(contract.price_usd_per_kg or 0.0))
    if contract.terms == PriceTerms.COLLAR:
        low = -np.inf if contract.floor_usd_per_kg is None else contract.floor_usd_per_kg
        high = np.inf if contract.ceiling_usd_per_kg is None else contract.ceiling_usd_per_kg
        return np.clip(market, low, high)
    return market * (1.0 - contract.discount_share)


def contract_payments(
    contract: Contract,
    market_usd_per_kg: np.ndarray | float,
    available_t: np.ndarray | float | None = None,
) -> ContractPayments:
    """A contract's tonnes and payments on each path and month.

    The supplier delivers up to the contract volume, at most ``available_t`` (what
    it produces; default: the whole volume). The buyer takes everything offered
    while the contract price is at or below the market; when it is above, the
    buyer takes, and pays for, only the take-or-pay share (``take_or_pay_share``;
    0: nothing) and buys the rest spot:

    ``offered = min(volume, available)``;
    ``taken = offered`` if ``c <= p`` else ``top * offered``;
    ``paid = c * taken * 1000``; ``extra cost = (c - p) * taken * 1000``.

    >>> fixed = Contract(10.0, PriceTerms.FIXED, price_usd_per_kg=12.0, take_or_pay_share=0.8)
    >>> out = contract_payments(fixed, np.array([[15.0, 10.0]]))
    >>> out.taken_t, out.paid_usd, out.extra_cost_usd
    (array([[10.,  8.]]), array([[120000.,  96000.]]), array([[-30000.,  16000.]]))
    """
    market = np.atleast_2d(_array(market_usd_per_kg, "market_usd_per_kg"))
    volume = contract.volume_t * _term_mask(
        market.shape, contract.term_months, contract.start_month
    )
    offered = np.broadcast_to(volume, market.shape)
    if available_t is not None:
        offered = np.minimum(offered, _array(available_t, "available_t"))
    price = contract_price(contract, market)
    taken = np.where(price <= market, offered, contract.take_or_pay_share * offered)
    paid = price * taken * KG_PER_T
    return ContractPayments(price, taken, paid, paid - market * taken * KG_PER_T)
