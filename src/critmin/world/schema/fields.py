"""Column types and allowed values: the machinery the table declarations use.

The vocabularies (:class:`Stage`, :class:`Status`, ...), the id patterns, the
:class:`Field` and :class:`Table` declarations, and the constructors of columns
shared by several tables (source, mineral, stage, year, status, note).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

DType = Literal["string", "integer", "number", "date", "boolean"]


class Stage(StrEnum):
    """Supply-chain stages."""

    MINING = "mining"
    REFINING = "refining"


class Status(StrEnum):
    """Whether a figure was reported by its source or estimated."""

    REPORTED = "reported"
    ESTIMATED = "estimated"
    #: computed by critmin from other figures (named by the row's source ids)
    DERIVED = "derived"


class Coverage(StrEnum):
    """Whether the dataset has country data for a mineral at a stage."""

    DATA = "data"
    NO_DATA = "no-data"
    NOT_APPLICABLE = "not-applicable"


class TotalKind(StrEnum):
    """How a world total was obtained."""

    PUBLISHED_ROUNDED = "published-rounded"
    PUBLISHED = "published"
    SUM_OF_ROWS = "sum-of-rows"


class NirQualifier(StrEnum):
    """Qualifier of a published net import reliance figure."""

    EXACT = "="
    ABOVE = ">"
    BELOW = "<"
    NET_EXPORTER = "E"


class InstrumentKind(StrEnum):
    """Kinds of policy instrument."""

    EXPORT_RESTRICTION = "export-restriction"
    RESERVE = "reserve"
    PRICE_FLOOR = "price-floor"
    OFFTAKE = "offtake"
    FINANCE = "finance"


class ConsumptionKind(StrEnum):
    """What a consumption figure measures."""

    APPARENT = "apparent"
    REPORTED = "reported"
    DEMAND = "demand"


#: Pattern of a mineral id: lowercase kebab-case English.
MINERAL_ID_PATTERN = r"[a-z]+(-[a-z]+)*"
#: Pattern of a country code column: ISO3 or an explicit aggregate.
COUNTRY_PATTERN = r"[A-Z]{3}"


@dataclass(frozen=True)
class Field:
    """One column of a table."""

    name: str
    dtype: DType
    description: str
    unit: str = ""
    required: bool = True
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    #: ``"table.column"`` this column must refer to.
    references: str | None = None
    #: True if the column holds ISO3 codes (or aggregates) to be checked.
    country: bool = False
    #: Semicolon-separated list of values (each checked like a scalar).
    list_valued: bool = False

    def frictionless(self) -> dict[str, Any]:
        """This field as a Frictionless Table Schema field descriptor."""
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.dtype,
            "description": self.description,
        }
        if self.unit:
            out["unit"] = self.unit
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum and not self.list_valued:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if self.pattern and not self.list_valued:
            constraints["pattern"] = self.pattern
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class Table:
    """One table of the dataset."""

    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    optional: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    #: Shipped gzip-compressed (``name.csv.gz``); a plain ``name.csv`` is read too.
    compressed: bool = False

    @property
    def path(self) -> str:
        """File name inside a data package as critmin writes it."""
        return f"{self.name}.csv.gz" if self.compressed else f"{self.name}.csv"

    @property
    def paths(self) -> tuple[str, ...]:
        """File names critmin reads this table from, in order of preference."""
        plain = f"{self.name}.csv"
        return (self.path, plain) if self.compressed else (plain, f"{plain}.gz")

    def column(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def columns(self) -> list[str]:
        """Column names in order."""
        return [f.name for f in self.fields]


def _source() -> Field:
    return Field(
        "source_id",
        "string",
        "Source of the figure (sources.source_id).",
        references="sources.source_id",
    )


def _mineral(description: str = "Mineral id (minerals.mineral).") -> Field:
    return Field(
        "mineral", "string", description, pattern=MINERAL_ID_PATTERN, references="minerals.mineral"
    )


def _stage() -> Field:
    return Field("stage", "string", "Supply-chain stage.", enum=tuple(Stage))


def _year(description: str = "Calendar year of the figure.") -> Field:
    return Field("year", "integer", description, minimum=1990, maximum=2100)


def _status() -> Field:
    return Field(
        "status",
        "string",
        "Whether the source reported the figure or estimated it (or critmin estimated it).",
        enum=tuple(Status),
    )


def _note() -> Field:
    return Field("note", "string", "Free-text note from the source or the build.", required=False)
