"""Scenario numbers that may be uncertain: fixed values or distributions.

A :data:`Value` is a fixed number or a distribution drawn once per path:
``{dist: uniform, low: 0.6, high: 0.9}`` or
``{dist: triangular, low: 6, mode: 12, high: 36}``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from critmin.scenario.base import _Model


class DistKind(StrEnum):
    """Kinds of scenario number: fixed, or a distribution (the ``dist`` field)."""

    FIXED = "fixed"
    UNIFORM = "uniform"
    TRIANGULAR = "triangular"


class Uniform(_Model):
    """A number drawn uniformly in [low, high] on each path."""

    dist: Literal[DistKind.UNIFORM]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be >= low ({self.low})")
        return self


class Triangular(_Model):
    """A number drawn from a triangular distribution on each path."""

    dist: Literal[DistKind.TRIANGULAR]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"must satisfy low <= mode <= high (given {self.low}, {self.mode}, {self.high})"
            )
        return self


Distribution = Annotated[Uniform | Triangular, Field(discriminator="dist")]
#: A fixed number or a distribution drawn once per path.
Value = float | Distribution


def value_bounds(value: Value) -> tuple[float, float]:
    """Smallest and largest value a :data:`Value` can take."""
    if isinstance(value, int | float):
        return float(value), float(value)
    return float(value.low), float(value.high)


def _check_range(value: Value, low: float, high: float, what: str) -> Value:
    lo, hi = value_bounds(value)
    if lo < low or hi > high:
        given = f"{lo:g}" if lo == hi else f"{lo:g}..{hi:g}"
        raise ValueError(f"must be within [{low:g}, {high:g}] (given {given})")
    return value
