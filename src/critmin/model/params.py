"""Market parameters of a model: the scenario's ``market`` section and horizon."""

from __future__ import annotations

from dataclasses import dataclass

from critmin.scenario import Allocation, Scenario

#: Release allocation rules, as the codes the compiled kernel uses
#: (:func:`critmin.engine.steps.release`: 0 by shortfall, 1 by consumption, 2 by cost share).
ALLOCATION_CODES = {
    Allocation.BY_SHORTFALL: 0,
    Allocation.BY_CONSUMPTION: 1,
    Allocation.BY_COST_SHARE: 2,
}


@dataclass(frozen=True)
class Params:
    """Market parameters the kernel needs [see :class:`critmin.scenario.Market`]."""

    horizon: int
    price_adjustment_share: float
    max_price_ratio: float
    rerouting_share: float
    rerouting_spread_rate: float | None
    inventory_days: float
    restock_share_per_month: float
    withheld_home_share: float
    stock_demand_elasticity: float
    trader_stock_days: float
    producer_stock_days: float
    precautionary_share: float
    leakage_max_share: float
    leakage_spread_rate: float
    stock_sale_share_per_month: float
    demand_adjustment_months: float
    supply_response_months: float
    capacity_growth_max_share: float

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Params:
        """The parameters of ``scenario`` (its horizon and market section)."""
        market = scenario.market
        return cls(
            horizon=scenario.horizon_months,
            price_adjustment_share=market.price_adjustment_share,
            max_price_ratio=market.max_price_ratio,
            rerouting_share=market.rerouting_share,
            rerouting_spread_rate=market.rerouting_spread_rate,
            inventory_days=market.inventory_days,
            restock_share_per_month=market.restock_share_per_month,
            withheld_home_share=market.withheld_home_share,
            stock_demand_elasticity=market.stock_demand_elasticity,
            trader_stock_days=market.trader_stock_days,
            producer_stock_days=market.producer_stock_days,
            precautionary_share=market.precautionary_share,
            leakage_max_share=market.leakage_max_share,
            leakage_spread_rate=market.leakage_spread_rate,
            stock_sale_share_per_month=market.stock_sale_share_per_month,
            demand_adjustment_months=market.demand_adjustment_months,
            supply_response_months=market.supply_response_months,
            capacity_growth_max_share=market.capacity_growth_max_share,
        )
