"""Scenario events: export restrictions, production outages, demand surges.

Also random export restrictions (:class:`StochasticRestrictions`) and the
:data:`Event` union the scenario's ``events`` list is validated against.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from critmin import countries
from critmin.scenario.base import _as_list, _codes, _Model
from critmin.scenario.values import Value, _check_range, value_bounds
from critmin.world.schema import Stage


class EventType(StrEnum):
    """Event types (the ``type`` field of a scenario event)."""

    EXPORT_RESTRICTION = "export_restriction"
    PRODUCTION_OUTAGE = "production_outage"
    DEMAND_SURGE = "demand_surge"
    STOCHASTIC_RESTRICTIONS = "stochastic_restrictions"


class _Event(_Model):
    start_month: Value = Field(
        0, description="First month of the event [month], 0 = first simulated month."
    )
    duration_months: Value | None = Field(
        None, description="Length [months]; omitted = open-ended (to the horizon)."
    )
    probability: float = Field(
        1.0, ge=0, le=1, description="Probability that the event happens on a path [share]."
    )
    note: str = Field("", description="Free text: what the event represents, its sources.")

    @field_validator("duration_months")
    @classmethod
    def _positive_duration(cls, value: Value | None) -> Value | None:
        if value is not None:
            _check_range(value, 1, 10_000, "duration_months")
        return value


class _Restricting(_Model):
    """Checks shared by the restriction events (their fields are their own)."""

    _as_lists = field_validator(
        "imposer", "minerals", "targets", mode="before", check_fields=False
    )(_as_list)

    @field_validator("imposer", check_fields=False)
    @classmethod
    def _imposer(cls, value: list[str]) -> list[str]:
        return _codes(value)

    @field_validator("targets", check_fields=False)
    @classmethod
    def _targets(cls, value: list[str]) -> list[str]:
        return _codes(value, allow_all=True)

    @field_validator("severity_share", "leakage_share", check_fields=False)
    @classmethod
    def _shares(cls, value: Value | None, info: ValidationInfo) -> Value | None:
        if value is not None:
            _check_range(value, 0, 1, str(info.field_name))
        return value


class ExportRestriction(_Event, _Restricting):
    """An export restriction: the imposer blocks a share of its exports to the targets."""

    type: Literal[EventType.EXPORT_RESTRICTION]
    imposer: list[str] = Field(
        min_length=1, description="Imposing country or group (ISO3 codes or names)."
    )
    minerals: list[str] = Field(min_length=1, description="Mineral ids, or ['all'].")
    stage: Stage | None = Field(
        None, description="Stage whose exports are restricted; omitted = the mineral's last stage."
    )
    targets: list[str] = Field(
        default_factory=lambda: ["all"],
        min_length=1,
        description="Target countries or groups, or ['all'] for every other country.",
    )
    severity_share: Value = Field(
        1.0, description="Share of the imposer's exports to the targets that is blocked [0-1]."
    )
    leakage_share: Value = Field(
        0.0, description="Share of the blocked volume still arriving via third countries [0-1]."
    )
    severity_half_life_months: Value | None = Field(
        None,
        description=(
            "Months for the severity's excess over severity_floor_share to halve, as "
            "licences come to be granted; omitted = the severity stays as drawn [months]."
        ),
    )
    severity_floor_share: Value = Field(
        0.0,
        description=(
            "Severity the restriction relaxes toward (with severity_half_life_months), "
            "at most the lowest severity_share [0-1]."
        ),
    )
    announced_month: int | None = Field(
        None,
        ge=0,
        le=10_000,
        description=(
            "Month the restriction is announced, at or before its earliest start_month; "
            "from then until it starts, allied buyers build precautionary stocks "
            "(market.precautionary_share of the volume it would block) [month]; "
            "omitted = unannounced."
        ),
    )

    @field_validator("severity_half_life_months")
    @classmethod
    def _half_life(cls, value: Value | None) -> Value | None:
        if value is not None:
            _check_range(value, 0.5, 10_000, "severity_half_life_months")
        return value

    @model_validator(mode="after")
    def _announced_before_start(self) -> ExportRestriction:
        floor = value_bounds(self.severity_floor_share)
        if floor[0] < 0 or floor[1] > value_bounds(self.severity_share)[0]:
            raise ValueError(
                f"severity_floor_share {floor[0]:g}-{floor[1]:g} is outside 0 to the lowest "
                f"severity_share {value_bounds(self.severity_share)[0]:g}"
            )
        if self.announced_month is not None:
            earliest = value_bounds(self.start_month)[0]
            if self.announced_month > earliest:
                raise ValueError(
                    f"announced_month {self.announced_month} is after the earliest "
                    f"start_month {earliest:g} (allowed: 0 to {earliest:g})"
                )
        return self


class ProductionOutage(_Event):
    """A producer loses a share of its output (accident, strike, sanctions, flood)."""

    type: Literal[EventType.PRODUCTION_OUTAGE]
    country: str = Field(description="Producing country (ISO3).")
    minerals: list[str] = Field(min_length=1, description="Mineral ids.")
    stage: Stage | None = Field(None, description="Stage; omitted = the mineral's first stage.")
    share_lost: Value = Field(description="Share of the country's output lost [0-1].")

    _as_lists = field_validator("minerals", mode="before")(_as_list)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        code = value.strip().upper()
        if not countries.is_country(code):
            raise ValueError(f"unknown country {value!r} (allowed: ISO3 codes, e.g. COD, IDN)")
        return code

    @field_validator("share_lost")
    @classmethod
    def _share(cls, value: Value) -> Value:
        return _check_range(value, 0, 1, "share_lost")


class DemandSurge(_Event):
    """Demand of some consumers rises by a share (e.g. a defence build-up)."""

    type: Literal[EventType.DEMAND_SURGE]
    minerals: list[str] = Field(min_length=1, description="Mineral ids.")
    consumers: list[str] = Field(
        default_factory=lambda: ["all"],
        min_length=1,
        description="Consumers (ISO3, groups, ROW) or ['all'].",
    )
    increase_share: Value = Field(description="Relative increase of demand [share, e.g. 0.2].")

    _as_lists = field_validator("minerals", "consumers", mode="before")(_as_list)

    @field_validator("consumers")
    @classmethod
    def _consumers(cls, value: list[str]) -> list[str]:
        return _codes(value, allow_all=True)

    @field_validator("increase_share")
    @classmethod
    def _increase(cls, value: Value) -> Value:
        return _check_range(value, -0.99, 10, "increase_share")


class StochasticRestrictions(_Restricting):
    """Random export restrictions: Poisson arrivals with random severity and duration.

    Omitted parameters are calibrated on the historical restrictions in the
    dataset's ``policy_instruments`` table (see docs/methods.md).
    """

    type: Literal[EventType.STOCHASTIC_RESTRICTIONS]
    imposer: list[str] = Field(
        default_factory=lambda: ["CHN"], min_length=1, description="Imposer(s)."
    )
    minerals: list[str] = Field(
        min_length=1, description="Candidate minerals; each arrival picks one."
    )
    targets: list[str] = Field(
        default_factory=lambda: ["all"], min_length=1, description="Targets."
    )
    stage: Stage | None = Field(None, description="Stage; omitted = the mineral's last stage.")
    rate_per_year: float | None = Field(
        None, ge=0, le=50, description="Arrivals per year; omitted = calibrated."
    )
    severity_share: Value | None = Field(None, description="Severity; omitted = calibrated.")
    mean_duration_months: float | None = Field(
        None, gt=0, le=600, description="Mean duration (exponential); omitted = calibrated."
    )
    leakage_share: Value = Field(0.1, description="Leakage share [0-1].")
    start_month: int = Field(0, ge=0, description="First month arrivals can occur.")
    end_month: int | None = Field(None, ge=0, description="Last month arrivals can occur.")
    note: str = Field("", description="Free text.")


Event = Annotated[
    ExportRestriction | ProductionOutage | DemandSurge | StochasticRestrictions,
    Field(discriminator="type"),
]
