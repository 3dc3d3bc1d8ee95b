"""Scenario policies: strategic reserves, price floors and buyers' clubs."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_validator

from critmin import countries
from critmin.scenario.base import _as_list, _codes, _Model
from critmin.scenario.errors import _PathError


class Allocation(StrEnum):
    """How a coordinated reserve release is split among the members."""

    BY_SHORTFALL = "by_shortfall"
    BY_CONSUMPTION = "by_consumption"
    BY_COST_SHARE = "by_cost_share"


class CostSharing(StrEnum):
    """How a reserve's purchase costs are split among the members."""

    FIXED = "fixed"
    BY_CONSUMPTION = "by_consumption"
    BY_GDP = "by_gdp"


class Quantity(_Model):
    """A stock or target: tonnes, or days of the members' consumption or imports."""

    tonnes: float | None = Field(None, ge=0, description="Tonnes [t].")
    days_of_consumption: float | None = Field(
        None, ge=0, description="Days of the members' baseline consumption [days]."
    )
    days_of_imports: float | None = Field(
        None, ge=0, description="Days of the members' baseline net imports [days]."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Quantity:
        given = [
            n
            for n in ("tonnes", "days_of_consumption", "days_of_imports")
            if getattr(self, n) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of tonnes, days_of_consumption, days_of_imports "
                f"(given {', '.join(given) or 'none'})"
            )
        return self


class DrawdownTrigger(_Model):
    """When a reserve may release: either condition suffices."""

    price_ratio_above: float | None = Field(
        1.5, gt=0, description="Release when the holder's market price exceeds k x baseline."
    )
    shortfall_share_above: float | None = Field(
        0.05,
        ge=0,
        le=1,
        description="Release when the members' unmet demand exceeds this share of demand.",
    )


class Replenish(_Model):
    """When and how fast a reserve buys."""

    price_ratio_below: float = Field(
        1.1, gt=0, description="Buy only when the price is below k x baseline."
    )
    max_purchase_share_per_month: float = Field(
        0.05, ge=0, le=1, description="Monthly purchases at most this share of the target."
    )
    budget_usd: float | None = Field(
        None,
        ge=0,
        description=(
            "Total purchase budget over the horizon and the reserve's minerals [USD], "
            "split across the minerals by the baseline value of their targets; "
            "omitted = unlimited."
        ),
    )


class Reserve(_Model):
    """A strategic reserve held by a country or an alliance pool."""

    holder: str = Field(description="Name of the holder (a country code or a pool name).")
    members: dict[str, float] = Field(
        description="Member countries and their fixed cost shares (normalised to 1)."
    )
    minerals: list[str] = Field(min_length=1, description="Minerals held.")
    initial_stock: Quantity | None = Field(
        None, description="Stock at month 0; omitted = the target."
    )
    target: Quantity = Field(description="Target stock.")
    drawdown_trigger: DrawdownTrigger = Field(default_factory=lambda: DrawdownTrigger())
    max_release_share_per_month: float = Field(
        0.15, gt=0, le=1, description="Monthly releases at most this share of the target."
    )
    release_allocation: Allocation = Field(
        Allocation.BY_SHORTFALL, description="How a coordinated release is split among members."
    )
    replenish: Replenish | None = Field(default_factory=lambda: Replenish())
    cost_sharing: CostSharing = Field(
        CostSharing.FIXED, description="How purchase costs are split among members."
    )
    gdp_usd: dict[str, float] | None = Field(
        None, description="Members' GDP [USD] for cost_sharing: by_gdp, with its source in note."
    )
    note: str = Field("", description="Free text: what the reserve represents, its sources.")

    _as_lists = field_validator("minerals", mode="before")(_as_list)

    @field_validator("members", mode="before")
    @classmethod
    def _members(cls, value: Any) -> Any:
        if isinstance(value, list | str):
            items = _as_list(value)
            return {str(m): 1.0 for m in items}
        return value

    @field_validator("members")
    @classmethod
    def _member_codes(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise ValueError("at least one member is required")
        out = {}
        for code, share in value.items():
            iso = code.strip().upper()
            if not countries.is_country(iso):
                raise ValueError(f"unknown member country {code!r} (allowed: ISO3 codes)")
            if share < 0:
                raise ValueError(f"cost share of {code} must be >= 0 (given {share})")
            out[iso] = float(share)
        if sum(out.values()) <= 0:
            raise ValueError("cost shares must not all be zero")
        return out

    @model_validator(mode="after")
    def _gdp(self) -> Reserve:
        if self.cost_sharing == CostSharing.BY_GDP:
            missing = sorted(set(self.members) - set(self.gdp_usd or {}))
            if missing:
                raise ValueError(
                    "cost_sharing by_gdp needs gdp_usd for every member "
                    f"(missing {', '.join(missing)})"
                )
        trigger = self.drawdown_trigger.price_ratio_above
        if self.replenish is not None and trigger is not None:
            if self.replenish.price_ratio_below >= trigger:
                raise ValueError(
                    f"replenish.price_ratio_below ({self.replenish.price_ratio_below:g}) must be "
                    f"below drawdown_trigger.price_ratio_above ({trigger:g}), or the reserve "
                    "would buy and release in the same month"
                )
        return self


class PriceFloor(_Model):
    """A guaranteed minimum price for covered producers; the state pays the difference."""

    mineral: str = Field(description="Mineral id.")
    floor_usd_per_kg: float = Field(gt=0, description="Floor price [USD/kg].")
    covered: list[str] = Field(min_length=1, description="Covered producer countries (ISO3).")
    covered_share: float = Field(
        1.0, gt=0, le=1, description="Share of the covered countries' output under the floor."
    )
    note: str = Field("", description="Free text and sources.")

    _as_lists = field_validator("covered", mode="before")(_as_list)

    @field_validator("covered")
    @classmethod
    def _covered(cls, value: list[str]) -> list[str]:
        return _codes(value)


class BuyersClub(_Model):
    """Members commit to buy a volume from approved suppliers."""

    name: str = Field(description="Name of the club.")
    members: list[str] = Field(min_length=1, description="Member consumers (ISO3 or groups).")
    approved_suppliers: list[str] = Field(
        min_length=1, description="Approved supplier countries or groups."
    )
    minerals: list[str] = Field(min_length=1, description="Minerals covered.")
    share_of_member_demand: float = Field(
        gt=0, le=1, description="Committed volume as a share of the members' baseline demand."
    )
    premium_usd_per_kg: float = Field(0.0, ge=0, description="Price premium paid [USD/kg].")
    note: str = Field("", description="Free text and sources.")

    _as_lists = field_validator("members", "approved_suppliers", "minerals", mode="before")(
        _as_list
    )

    @field_validator("members", "approved_suppliers")
    @classmethod
    def _codes_ok(cls, value: list[str]) -> list[str]:
        return _codes(value)


class Policies(_Model):
    """Policies in force over the whole horizon."""

    reserves: list[Reserve] = Field(default_factory=list)
    price_floors: list[PriceFloor] = Field(default_factory=list)
    buyers_clubs: list[BuyersClub] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> Policies:
        """Two reserves of one holder for a mineral, or two clubs of one name, would
        be merged without a word in the results (labelled by them): refused."""
        for kind, items in (
            ("reserves", [(r.holder, set(r.minerals)) for r in self.reserves]),
            ("buyers_clubs", [(c.name, set(c.minerals)) for c in self.buyers_clubs]),
        ):
            for i, (name, minerals) in enumerate(items):
                for j, (other, theirs) in enumerate(items[:i]):
                    shared = minerals & theirs or ({"all"} & (minerals | theirs))
                    if other == name and shared:
                        what = "holder" if kind == "reserves" else "name"
                        raise _PathError(
                            f"policies.{kind}[{i}].{what}",
                            f"{name!r} already has {kind}[{j}] for {', '.join(sorted(shared))}; "
                            "one per mineral (list the minerals in one entry, or rename it)",
                        )
        return self
