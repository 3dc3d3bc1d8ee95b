"""Policies compiled onto a market: strategic reserves, price floors, buyers' clubs.

Reserve members must be explicit consumers of the mineral (from the dataset or
the scenario's ``market.consumers``), since a reserve serves its members'
demand. Quantities are tonnes per month of the final stage's basis.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from critmin import countries
from critmin.countries import ROW
from critmin.errors import CritminError
from critmin.model.market import MineralMarket, pool_flows
from critmin.scenario import (
    Allocation,
    BuyersClub,
    CostSharing,
    PriceFloor,
    Quantity,
    Reserve,
    Scenario,
)

#: Average days per month [days].
DAYS_PER_MONTH = 365.25 / 12.0


@dataclass
class ReservePlan:
    """One reserve holder's rules for one mineral, as arrays over consumers."""

    holder: str
    members: np.ndarray
    cost_shares: np.ndarray
    cost_split: np.ndarray
    target_t: float
    initial_t: float
    trigger_price: float
    trigger_shortfall: float
    max_release_t: float
    allocation: Allocation
    buy_below: float
    max_buy_t: float
    budget_usd: float
    #: position of the reserve in ``policies.reserves`` (to split its budget)
    index: int = -1


@dataclass
class FloorPlan:
    """A price floor on the final stage's covered producers."""

    covered: np.ndarray
    covered_share: float
    floor_ratio: float
    floor_usd_per_kg: float


@dataclass
class MineralPolicies:
    """Every policy compiled onto one mineral's market."""

    reserves: list[ReservePlan]
    floor: FloorPlan | None
    club_premium_usd_per_month: float

    def without_reserves(self) -> MineralPolicies:
        """The same policies with the strategic reserves removed (the counterfactual
        a run compares its reserves against)."""
        return replace(self, reserves=[])


def _tonnes(q: Quantity, market: MineralMarket, members: np.ndarray) -> float:
    """A stock in tonnes: given, or days of the members' consumption or net imports."""
    if q.tonnes is not None:
        return float(q.tonnes)
    demand = float(market.demand[members].sum())
    if q.days_of_consumption is not None:
        return q.days_of_consumption * demand / DAYS_PER_MONTH
    own = 0.0
    for j in np.flatnonzero(members):
        code = market.consumers[j]
        if code in market.final.codes:
            own += float(market.flows[market.final.codes.index(code), j])
    return float(q.days_of_imports or 0.0) * max(demand - own, 0.0) / DAYS_PER_MONTH


def compile_reserve(
    reserve: Reserve, market: MineralMarket, where: str, index: int = -1
) -> ReservePlan:
    """A :class:`ReservePlan` for one reserve and mineral."""
    missing = [m for m in reserve.members if m not in market.consumers]
    if missing:
        raise CritminError(
            f"reserve members are not consumers of {market.mineral} in the simulation",
            where=f"{where}.members",
            given=", ".join(missing),
            allowed=(
                "explicit consumers: "
                + ", ".join(c for c in market.consumers if c != ROW)
                + " (add others under market.consumers with a sourced demand)"
            ),
        )
    members = np.array([c in reserve.members for c in market.consumers])
    shares = np.array([reserve.members.get(c, 0.0) for c in market.consumers], dtype=float)
    shares = shares / shares.sum()
    if reserve.cost_sharing == CostSharing.FIXED:
        split = shares
    elif reserve.cost_sharing == CostSharing.BY_CONSUMPTION:
        split = np.where(members, market.demand, 0.0)
        split = split / split.sum() if split.sum() > 0 else shares
    else:
        gdp = reserve.gdp_usd or {}
        split = np.array(
            [gdp.get(c, 0.0) if m else 0.0 for c, m in zip(market.consumers, members, strict=True)]
        )
        split = split / split.sum()
    target = _tonnes(reserve.target, market, members)
    initial = (
        target if reserve.initial_stock is None else _tonnes(reserve.initial_stock, market, members)
    )
    trigger = reserve.drawdown_trigger
    replenish = reserve.replenish
    return ReservePlan(
        holder=reserve.holder,
        members=members,
        cost_shares=shares,
        cost_split=split,
        target_t=target,
        initial_t=initial,
        trigger_price=np.inf if trigger.price_ratio_above is None else trigger.price_ratio_above,
        trigger_shortfall=np.inf
        if trigger.shortfall_share_above is None
        else trigger.shortfall_share_above,
        max_release_t=reserve.max_release_share_per_month * target,
        allocation=reserve.release_allocation,
        buy_below=0.0 if replenish is None else replenish.price_ratio_below,
        max_buy_t=0.0 if replenish is None else replenish.max_purchase_share_per_month * target,
        budget_usd=np.inf
        if replenish is None or replenish.budget_usd is None
        else replenish.budget_usd,
        index=index,
    )


def compile_floor(floor: PriceFloor, market: MineralMarket) -> FloorPlan:
    """A :class:`FloorPlan` over the final stage's producers."""
    covered = set(countries.expand(floor.covered))
    mask = np.array([c in covered for c in market.final.codes])
    return FloorPlan(
        covered=mask,
        covered_share=floor.covered_share,
        floor_ratio=floor.floor_usd_per_kg / market.base_price_usd_per_kg,
        floor_usd_per_kg=floor.floor_usd_per_kg,
    )


def apply_club(club: BuyersClub, market: MineralMarket) -> float:
    """Shift baseline flows so members buy the committed share from approved suppliers.

    Members' purchases from other suppliers are swapped with non-members'
    purchases from approved suppliers, so every producer's output and every
    consumer's total supply are unchanged (a mass-balanced swap). Returns the
    club's premium cost [USD/month].
    """
    members = np.array([c in set(countries.expand(club.members)) for c in market.consumers])
    approved = np.array(
        [c in set(countries.expand(club.approved_suppliers)) for c in market.final.codes]
    )
    flows = market.flows
    committed = 0.0
    for k in np.flatnonzero(members):
        want = club.share_of_member_demand * market.demand[k]
        have = flows[approved, k].sum()
        need = want - have
        if need <= 0:
            committed += want
            continue
        # what approved suppliers sell to non-members, and non-approved to this member
        give = flows[np.ix_(approved, ~members)]
        take = flows[~approved, k]
        x = min(need, give.sum(), take.sum())
        if x <= 0:
            committed += have
            continue
        from_give = give * (x / give.sum())
        from_take = take * (x / take.sum())
        flows[np.ix_(approved, ~members)] -= from_give
        flows[approved, k] += from_give.sum(axis=1)
        flows[~approved, k] -= from_take
        # non-members receive the members' former non-approved supply, in proportion
        # to what they lost
        lost = from_give.sum(axis=0)
        flows[np.ix_(~approved, ~members)] += np.outer(from_take, lost / lost.sum())
        committed += have + x
    return committed * 1000.0 * club.premium_usd_per_kg


def split_budgets(markets: list[MineralMarket], policies: list[MineralPolicies]) -> None:
    """Split each reserve's total budget across its minerals, in place.

    A reserve's ``budget_usd`` is a total over its minerals and the horizon.
    The minerals are simulated independently, so the total is divided ahead
    of the run in proportion to the baseline value of each mineral's target
    (target tonnes x baseline price); a reserve whose targets are all zero
    splits it equally. A reserve holding one mineral keeps its whole budget.
    """
    plans: dict[int, list[tuple[ReservePlan, float]]] = {}
    for market, policy in zip(markets, policies, strict=True):
        for plan in policy.reserves:
            value = plan.target_t * 1000.0 * market.base_price_usd_per_kg
            plans.setdefault(plan.index, []).append((plan, value))
    for entries in plans.values():
        if len(entries) < 2 or not np.isfinite(entries[0][0].budget_usd):
            continue
        total = sum(v for _, v in entries)
        for plan, value in entries:
            share = value / total if total > 0 else 1.0 / len(entries)
            plan.budget_usd = plan.budget_usd * share


def compile_policies(scenario: Scenario, market: MineralMarket) -> MineralPolicies:
    """Compile every policy that names this market's mineral."""
    reserves = [
        compile_reserve(r, market, f"policies.reserves[{i}]", i)
        for i, r in enumerate(scenario.policies.reserves)
        if market.mineral in r.minerals
    ]
    floors = [f for f in scenario.policies.price_floors if f.mineral == market.mineral]
    if len(floors) > 1:
        raise CritminError(
            f"more than one price floor on {market.mineral}",
            where="policies.price_floors",
            allowed="one floor per mineral",
        )
    premium = 0.0
    for club in scenario.policies.buyers_clubs:
        if market.mineral in club.minerals:
            premium += apply_club(club, market)
    return MineralPolicies(
        reserves=reserves,
        floor=compile_floor(floors[0], market) if floors else None,
        club_premium_usd_per_month=premium,
    )


__all__ = [
    "DAYS_PER_MONTH",
    "FloorPlan",
    "MineralPolicies",
    "ReservePlan",
    "compile_policies",
    "split_budgets",
    "pool_flows",
]
