"""The :class:`Scenario` model: horizon, paths, seed, market, events and policies."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from critmin.scenario.base import _Model
from critmin.scenario.errors import _PathError
from critmin.scenario.events import Event, StochasticRestrictions
from critmin.scenario.market import Market
from critmin.scenario.policies import Policies
from critmin.scenario.values import value_bounds


class Scenario(_Model):
    """A stress-test scenario: horizon, paths, seed, market, events and policies."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Scenario id (kebab-case).")
    description: str = Field("", description="What the scenario represents.")
    sources: list[str] = Field(default_factory=list, description="Sources of its assumptions.")
    horizon_months: int = Field(120, ge=1, le=600, description="Months simulated.")
    calendar_start: str | None = Field(
        None,
        description="Calendar month of month 0, YYYY-MM (e.g. 2023-07): dates the months of "
        "the exports (iamc.csv); omitted = no calendar (a nominal one from 2000-01).",
    )
    paths: int = Field(1000, ge=1, le=10_000_000, description="Monte Carlo paths.")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Random seed (0 to 2^63 - 1).")
    minerals: list[str] | None = Field(
        None,
        min_length=1,
        description="Minerals simulated; omitted = every mineral an event or policy names.",
    )
    market: Market = Field(default_factory=lambda: Market())
    events: list[Event] = Field(default_factory=list)
    policies: Policies = Field(default_factory=Policies)

    @field_validator("calendar_start")
    @classmethod
    def _calendar_month(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])", value):
            raise ValueError(
                f"not a calendar month (given {value!r}; allowed: YYYY-MM from 1900-01 to "
                "2199-12, e.g. 2023-07)"
            )
        return value

    @model_validator(mode="after")
    def _within_horizon(self) -> Scenario:
        last = self.horizon_months - 1
        for i, event in enumerate(self.events):
            if isinstance(event, StochasticRestrictions):
                if event.start_month > last:
                    raise _PathError(
                        f"events[{i}].start_month",
                        f"must be within the horizon (0..{last}, horizon_months {last + 1})",
                    )
                continue
            low, high = value_bounds(event.start_month)
            if low < 0 or high > last:
                raise _PathError(
                    f"events[{i}].start_month",
                    f"must be within the horizon (0..{last}, horizon_months {last + 1})",
                )
        return self

    def mineral_ids(self) -> list[str]:
        """Minerals named by events and policies (or the explicit list)."""
        if self.minerals is not None:
            return list(self.minerals)
        names: set[str] = set()
        for event in self.events:
            names |= set(event.minerals)
        for reserve in self.policies.reserves:
            names |= set(reserve.minerals)
        names |= {f.mineral for f in self.policies.price_floors}
        for club in self.policies.buyers_clubs:
            names |= set(club.minerals)
        return sorted(names)
