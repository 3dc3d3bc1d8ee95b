"""Scenario market parameters: elasticities, price dynamics, stocks, extra consumers."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from critmin import countries
from critmin.scenario.base import _as_list, _codes, _Model


class ConsumerDemand(_Model):
    """A consumer's baseline demand for one mineral.

    Give a share of world demand or tonnes per year with their source; give
    neither to take the consumer's apparent consumption from the dataset's
    production and trade.
    """

    share_of_world_demand: float | None = Field(None, ge=0, le=1, description="[share]")
    tonnes_per_year: float | None = Field(None, ge=0, description="[t/yr]")
    source: str = Field(
        "apparent consumption (dataset)",
        description="Where the figure comes from (or 'assumption: ...').",
    )

    @model_validator(mode="after")
    def _one(self) -> ConsumerDemand:
        if self.share_of_world_demand is not None and self.tonnes_per_year is not None:
            raise ValueError("give at most one of share_of_world_demand, tonnes_per_year")
        return self

    @property
    def from_dataset(self) -> bool:
        """True when neither a share nor tonnes are given."""
        return self.share_of_world_demand is None and self.tonnes_per_year is None


class Market(_Model):
    """Market parameters. Defaults and their sources are in docs/methods.md."""

    demand_elasticity: float = Field(
        -0.2, le=0, ge=-5, description="Short-run price elasticity of demand [-]."
    )
    supply_elasticity: float = Field(
        0.1, ge=0, le=5, description="Short-run price elasticity of supply [-]."
    )
    elasticity_overrides: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Per-mineral overrides: {mineral: {demand: -0.1, supply: 0.05}}.",
    )
    price_adjustment_share: float = Field(
        0.5, gt=0, le=1, description="Share of the gap to the clearing price closed each month."
    )
    max_price_ratio: float = Field(
        100.0,
        gt=1,
        description=(
            "Numerical guard on price / baseline price (and its inverse), above the largest "
            "moves observed (x45 for yttrium in Europe in 2025, x26 for dysprosium in "
            "2010-11); price_cap_binding_share reports how often it is reached."
        ),
    )
    rerouting_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description=(
            "Largest share of non-imposer sales to non-targets that can be redirected to "
            "targets [share]."
        ),
    )
    rerouting_spread_rate: float | None = Field(
        0.5,
        ge=0,
        le=20,
        description=(
            "How fast re-routing rises from 0 toward rerouting_share with the log price "
            "spread between the segments, as leakage does [-]; null: the full "
            "rerouting_share from a restriction's first month, with no spread needed."
        ),
    )
    withheld_home_share: float = Field(
        0.75,
        ge=0,
        le=1,
        description=(
            "Share of the volume an imposer withholds that is offered to its own buyers "
            "(explicit consumers, or refiners for a mining-stage restriction); the rest, "
            "and what they do not buy, joins the imposer's stocks (default set on antimony "
            "in China, 2024-25: docs/validation.md)."
        ),
    )
    inventory_days: float = Field(
        45.0, ge=0, description="Consumers' commercial stocks at the start [days of demand]."
    )
    restock_share_per_month: float = Field(
        0.1, ge=0, le=1, description="Monthly restocking at most this share of target inventory."
    )
    stock_demand_elasticity: float = Field(
        1.5,
        gt=0,
        le=20,
        description=(
            "Price elasticity of the stocks buyers and traders want to hold [-]: desired "
            "stocks are normal stocks x price ratio^-e (docs/methods.md, 'Prices from stocks')."
        ),
    )
    trader_stock_days: float = Field(
        30.0,
        ge=0,
        le=720,
        description=(
            "Normal stocks held by traders and producers outside the imposer, in days of "
            "their segment's demand [days]."
        ),
    )
    producer_stock_days: float = Field(
        0.0,
        ge=0,
        le=720,
        description=(
            "Stocks held by the imposer's producers or state at the start, in days of world "
            "demand [days]."
        ),
    )
    precautionary_share: float = Field(
        0.25,
        ge=0,
        le=1,
        description=(
            "While a restriction is in force, allied-segment buyers want up to this much "
            "more stock than normal [share], in proportion to the share of their demand the "
            "imposer withholds; restocking stays within restock_share_per_month."
        ),
    )
    leakage_max_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description=(
            "Largest share of restricted volume that reaches targets through third "
            "countries when the price spread is wide [share]."
        ),
    )
    leakage_spread_rate: float = Field(
        0.5,
        ge=0,
        le=20,
        description=(
            "How fast leakage rises from a restriction's own leakage share to "
            "leakage_max_share with the log price spread between the segments [-]."
        ),
    )
    stock_sale_share_per_month: float = Field(
        0.1,
        ge=0,
        le=1,
        description=(
            "Share of the imposer's withheld stocks sold each month once no restriction "
            "is in force [share/month]."
        ),
    )
    long_run_demand_elasticity: float = Field(
        -0.6,
        le=0,
        ge=-5,
        description=(
            "Long-run price elasticity of demand (substitution, thrifting) [-]; demand moves "
            "toward it over demand_adjustment_months, never less responsive than short-run."
        ),
    )
    demand_adjustment_months: float = Field(
        24.0,
        ge=1,
        le=240,
        description="Time constant of the long-run demand response [months].",
    )
    long_run_supply_elasticity: float = Field(
        0.6,
        ge=0,
        le=5,
        description=(
            "Long-run price elasticity of supply (restarts, new capacity) [-], reached after "
            "supply_response_months on average, never less than the short-run elasticity."
        ),
    )
    supply_response_months: float = Field(
        12.0,
        ge=2,
        le=240,
        description="Mean lag of the long-run supply response to prices [months].",
    )
    capacity_growth_max_share: float = Field(
        1.0,
        ge=0,
        le=10,
        description=(
            "Largest long-run growth of each producer's output above baseline capacity [share]."
        ),
    )
    capacity_headroom_share: float = Field(
        0.1, ge=0, le=5, description="Spare capacity above baseline output where none is known."
    )
    alliance: list[str] = Field(
        default_factory=lambda: [countries.ALLIANCE],
        min_length=1,
        description="Countries/groups whose market forms the allied price segment.",
    )
    base_year: int | None = Field(
        None, description="Year of the baseline; omitted = latest year with data per stage."
    )
    min_supplier_share: float = Field(
        0.005, ge=0, le=0.5, description="Producers below this share are merged into ROW."
    )
    consumers: dict[str, dict[str, ConsumerDemand]] = Field(
        default_factory=dict,
        description=(
            "Extra consumers: {ISO3: {mineral: {share_of_world_demand | tonnes_per_year, source}}}."
        ),
    )
    base_prices_usd_per_kg: dict[str, float] = Field(
        default_factory=dict, description="Baseline prices overriding the dataset [USD/kg]."
    )

    _as_lists = field_validator("alliance", mode="before")(_as_list)

    @field_validator("alliance")
    @classmethod
    def _alliance(cls, value: list[str]) -> list[str]:
        return _codes(value)

    @field_validator("consumers")
    @classmethod
    def _consumer_codes(
        cls, value: dict[str, dict[str, ConsumerDemand]]
    ) -> dict[str, dict[str, ConsumerDemand]]:
        out = {}
        for code, spec in value.items():
            iso = code.strip().upper()
            if not countries.is_country(iso):
                raise ValueError(f"unknown consumer {code!r} (allowed: ISO3 codes)")
            out[iso] = spec
        return out
