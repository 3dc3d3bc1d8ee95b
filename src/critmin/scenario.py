"""Scenario files: events, policies and market parameters for the simulator.

A scenario is a YAML file validated by the pydantic models below. Every section
is a named override of documented defaults: a file only states what differs
from them. ``critmin scenario schema`` writes the JSON Schema (for editor
autocompletion via a ``# yaml-language-server: $schema=...`` header) and
``critmin scenario validate FILE`` reports every error with its path in the
file, for example ``events[2].start_month: must be within the horizon (0..119)``.

Numbers that are uncertain may be given as distributions, drawn once per path:
``{dist: uniform, low: 0.6, high: 0.9}`` or
``{dist: triangular, low: 6, mode: 12, high: 36}``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from critmin import countries
from critmin.errors import CritminError
from critmin.world.schema import Stage

#: Scenario schema version written into the JSON Schema.
SCHEMA_VERSION = "1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Uniform(_Model):
    """A number drawn uniformly in [low, high] on each path."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be >= low ({self.low})")
        return self


class Triangular(_Model):
    """A number drawn from a triangular distribution on each path."""

    dist: Literal["triangular"]
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


def _codes(items: list[str], *, allow_all: bool = False) -> list[str]:
    """Check country codes and group names; return them upper-cased."""
    out = []
    for item in items:
        code = item.strip()
        if allow_all and code.lower() == "all":
            out.append("all")
            continue
        try:
            countries.expand([code])
        except CritminError as exc:
            raise ValueError(
                f"unknown country or group {code!r} (allowed: {exc.allowed})"
            ) from None
        out.append(code.upper())
    return out


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# ---------------------------------------------------------------------------
# events
# ---------------------------------------------------------------------------


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


class ExportRestriction(_Event):
    """An export restriction: the imposer blocks a share of its exports to the targets."""

    type: Literal["export_restriction"]
    imposer: list[str] = Field(description="Imposing country or group (ISO3 codes or names).")
    minerals: list[str] = Field(description="Mineral ids, or ['all'].")
    stage: Stage | None = Field(
        None, description="Stage whose exports are restricted; omitted = the mineral's last stage."
    )
    targets: list[str] = Field(
        default_factory=lambda: ["all"],
        description="Target countries or groups, or ['all'] for every other country.",
    )
    severity_share: Value = Field(
        1.0, description="Share of the imposer's exports to the targets that is blocked [0-1]."
    )
    leakage_share: Value = Field(
        0.0, description="Share of the blocked volume still arriving via third countries [0-1]."
    )

    _as_lists = field_validator("imposer", "minerals", "targets", mode="before")(_as_list)

    @field_validator("imposer")
    @classmethod
    def _imposer(cls, value: list[str]) -> list[str]:
        return _codes(value)

    @field_validator("targets")
    @classmethod
    def _targets(cls, value: list[str]) -> list[str]:
        return _codes(value, allow_all=True)

    @field_validator("severity_share", "leakage_share")
    @classmethod
    def _shares(cls, value: Value, info: ValidationInfo) -> Value:
        return _check_range(value, 0, 1, str(info.field_name))


class ProductionOutage(_Event):
    """A producer loses a share of its output (accident, strike, sanctions, flood)."""

    type: Literal["production_outage"]
    country: str = Field(description="Producing country (ISO3).")
    minerals: list[str] = Field(description="Mineral ids.")
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

    type: Literal["demand_surge"]
    minerals: list[str] = Field(description="Mineral ids.")
    consumers: list[str] = Field(
        default_factory=lambda: ["all"], description="Consumers (ISO3, groups, ROW) or ['all']."
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


class StochasticRestrictions(_Model):
    """Random export restrictions: Poisson arrivals with random severity and duration.

    Omitted parameters are calibrated on the historical restrictions in the
    dataset's ``policy_instruments`` table (see docs/methods.md).
    """

    type: Literal["stochastic_restrictions"]
    imposer: list[str] = Field(default_factory=lambda: ["CHN"], description="Imposer(s).")
    minerals: list[str] = Field(description="Candidate minerals; each arrival picks one.")
    targets: list[str] = Field(default_factory=lambda: ["all"], description="Targets.")
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

    _as_lists = field_validator("imposer", "minerals", "targets", mode="before")(_as_list)

    @field_validator("imposer")
    @classmethod
    def _imposer(cls, value: list[str]) -> list[str]:
        return _codes(value)

    @field_validator("targets")
    @classmethod
    def _targets(cls, value: list[str]) -> list[str]:
        return _codes(value, allow_all=True)

    @field_validator("severity_share", "leakage_share")
    @classmethod
    def _shares(cls, value: Value | None, info: ValidationInfo) -> Value | None:
        if value is not None:
            _check_range(value, 0, 1, str(info.field_name))
        return value


Event = Annotated[
    ExportRestriction | ProductionOutage | DemandSurge | StochasticRestrictions,
    Field(discriminator="type"),
]

# ---------------------------------------------------------------------------
# policies
# ---------------------------------------------------------------------------


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
    minerals: list[str] = Field(description="Minerals held.")
    initial_stock: Quantity | None = Field(
        None, description="Stock at month 0; omitted = the target."
    )
    target: Quantity = Field(description="Target stock.")
    drawdown_trigger: DrawdownTrigger = Field(default_factory=lambda: DrawdownTrigger())
    max_release_share_per_month: float = Field(
        0.15, gt=0, le=1, description="Monthly releases at most this share of the target."
    )
    release_allocation: Literal["by_consumption", "by_shortfall", "by_cost_share"] = Field(
        "by_shortfall", description="How a coordinated release is split among members."
    )
    replenish: Replenish | None = Field(default_factory=lambda: Replenish())
    cost_sharing: Literal["fixed", "by_consumption", "by_gdp"] = Field(
        "fixed", description="How purchase costs are split among members."
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
        if self.cost_sharing == "by_gdp":
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
    covered: list[str] = Field(description="Covered producer countries (ISO3).")
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
    members: list[str] = Field(description="Member consumers (ISO3 or groups).")
    approved_suppliers: list[str] = Field(description="Approved supplier countries or groups.")
    minerals: list[str] = Field(description="Minerals covered.")
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


# ---------------------------------------------------------------------------
# market
# ---------------------------------------------------------------------------


class ConsumerDemand(_Model):
    """A consumer's baseline demand for one mineral, where the dataset has none."""

    share_of_world_demand: float | None = Field(None, ge=0, le=1, description="[share]")
    tonnes_per_year: float | None = Field(None, ge=0, description="[t/yr]")
    source: str = Field(description="Where the figure comes from (or 'assumption: ...').")

    @model_validator(mode="after")
    def _one(self) -> ConsumerDemand:
        if (self.share_of_world_demand is None) == (self.tonnes_per_year is None):
            raise ValueError("give exactly one of share_of_world_demand, tonnes_per_year")
        return self


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
    max_price_ratio: float = Field(10.0, gt=1, description="Cap on price / baseline price.")
    rerouting_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of non-imposer sales to non-targets that can be redirected to targets.",
    )
    withheld_home_share: float = Field(
        0.35,
        ge=0,
        le=1,
        description=(
            "Share of the volume an imposer withholds that is offered to its own buyers "
            "(explicit consumers, or refiners for a mining-stage restriction) instead of "
            "leaving the market (default set on antimony in China, 2024-25: "
            "docs/validation.md)."
        ),
    )
    inventory_days: float = Field(
        45.0, ge=0, description="Consumers' commercial stocks at the start [days of demand]."
    )
    restock_share_per_month: float = Field(
        0.1, ge=0, le=1, description="Monthly restocking at most this share of target inventory."
    )
    capacity_headroom_share: float = Field(
        0.1, ge=0, le=5, description="Spare capacity above baseline output where none is known."
    )
    alliance: list[str] = Field(
        default_factory=lambda: [countries.ALLIANCE],
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


# ---------------------------------------------------------------------------
# the scenario
# ---------------------------------------------------------------------------


class Scenario(_Model):
    """A stress-test scenario: horizon, paths, seed, market, events and policies."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Scenario id (kebab-case).")
    description: str = Field("", description="What the scenario represents.")
    sources: list[str] = Field(default_factory=list, description="Sources of its assumptions.")
    horizon_months: int = Field(120, ge=1, le=600, description="Months simulated.")
    paths: int = Field(1000, ge=1, le=10_000_000, description="Monte Carlo paths.")
    seed: int = Field(0, ge=0, description="Random seed.")
    minerals: list[str] | None = Field(
        None, description="Minerals simulated; omitted = every mineral an event or policy names."
    )
    market: Market = Field(default_factory=lambda: Market())
    events: list[Event] = Field(default_factory=list)
    policies: Policies = Field(default_factory=Policies)

    @model_validator(mode="after")
    def _within_horizon(self) -> Scenario:
        last = self.horizon_months - 1
        for i, event in enumerate(self.events):
            if isinstance(event, StochasticRestrictions):
                if event.start_month > last:
                    raise _PathError(
                        f"events[{i}].start_month", f"must be within the horizon (0..{last})"
                    )
                continue
            low, high = value_bounds(event.start_month)
            if low < 0 or high > last:
                raise _PathError(
                    f"events[{i}].start_month", f"must be within the horizon (0..{last})"
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


class _PathError(ValueError):
    """A validation error that knows its path inside the scenario."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in (
            "export_restriction",
            "production_outage",
            "demand_surge",
            "stochastic_restrictions",
            "uniform",
            "triangular",
            "float",
        ):
            continue  # discriminator tags pydantic adds to the location
        else:
            out += f".{part}" if out else str(part)
    return out


def format_errors(exc: ValidationError) -> list[str]:
    """One ``path: message`` line per error in a pydantic ValidationError."""
    lines = []
    for error in exc.errors():
        ctx_error = (error.get("ctx") or {}).get("error")
        if isinstance(ctx_error, _PathError):
            lines.append(str(ctx_error))
            continue
        message = str(error["msg"])
        message = message.removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        path = _loc(tuple(error["loc"]))
        given = error.get("input")
        if error["type"] in ("extra_forbidden", "literal_error", "union_tag_invalid", "enum"):
            message += f" (given {given!r})" if not isinstance(given, dict) else ""
        lines.append(f"{path}: {message}" if path else message)
    # pydantic reports the same bad value once per union member; keep one line each
    return list(dict.fromkeys(lines))


class ScenarioError(CritminError):
    """A scenario that fails validation; ``problems`` lists every error with its path."""

    def __init__(self, where: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"the scenario has {len(problems)} error(s)", where=where)


def _raw_horizon_errors(data: dict[str, Any]) -> list[str]:
    """Start months outside the horizon, found on the raw mapping.

    Pydantic skips model-level checks when any field fails, so this check also
    runs on the raw data: every error is reported in one go.
    """
    horizon = data.get("horizon_months", Scenario.model_fields["horizon_months"].default)
    events = data.get("events")
    if not isinstance(horizon, int) or not isinstance(events, list):
        return []
    last = horizon - 1
    errors = []
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            continue
        start = event.get("start_month", 0)
        values = [start] if isinstance(start, int | float) else []
        if isinstance(start, dict):
            values = [
                v for k, v in start.items() if k in ("low", "high") and isinstance(v, int | float)
            ]
        if any(v < 0 or v > last for v in values):
            errors.append(f"events[{i}].start_month: must be within the horizon (0..{last})")
    return errors


def parse_scenario(data: Any, *, where: str = "scenario") -> Scenario:
    """Validate a mapping (e.g. parsed YAML) into a :class:`Scenario`."""
    if not isinstance(data, dict):
        raise ScenarioError(where, [f"a scenario must be a mapping (given {type(data).__name__})"])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = format_errors(exc)
        problems += [e for e in _raw_horizon_errors(data) if e not in problems]
        raise ScenarioError(where, problems) from None


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate a scenario YAML file."""
    path = Path(path)
    if not path.is_file():
        raise CritminError("scenario file not found", where=str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(f"{path}{line}", [f"not valid YAML: {problem}"]) from None
    except UnicodeDecodeError:
        raise ScenarioError(str(path), ["not a UTF-8 text file"]) from None
    return parse_scenario(data, where=str(path))


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML (defaults included)."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def json_schema() -> dict[str, Any]:
    """The scenario JSON Schema."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://critmin.invalid/scenario-schema-v{SCHEMA_VERSION}.json"
    schema["title"] = "critmin scenario"
    return schema


def write_json_schema(path: Path) -> Path:
    """Write the JSON Schema to ``path``."""
    path.write_text(json.dumps(json_schema(), indent=2) + "\n", encoding="utf-8")
    return path


def check_against_world(scenario: Scenario, world: Any) -> list[str]:
    """Errors that need the dataset: unknown minerals, missing stages, non-producers.

    Returns ``path: message`` lines (empty when the scenario fits the dataset).
    """
    known = set(world.mineral_ids)
    with_data = {m for m in known if world.stages(m)}
    errors: list[str] = []

    def mineral_ok(name: str, path: str) -> bool:
        if name not in known:
            errors.append(f"{path}: unknown mineral {name!r} (allowed: {', '.join(sorted(known))})")
            return False
        if name not in with_data:
            errors.append(
                f"{path}: {name} has no production data to simulate "
                f"(minerals with data: {', '.join(sorted(with_data))})"
            )
            return False
        return True

    if scenario.minerals is not None:
        for j, name in enumerate(scenario.minerals):
            mineral_ok(name, f"minerals[{j}]")
    for i, event in enumerate(scenario.events):
        names = event.minerals
        if names == ["all"]:
            continue
        for j, name in enumerate(names):
            if not mineral_ok(name, f"events[{i}].minerals[{j}]"):
                continue
            stage = getattr(event, "stage", None)
            stages = world.stages(name)
            if stage is not None and stage not in stages:
                errors.append(
                    f"events[{i}].stage: {name} has no {stage} data "
                    f"(stages with data: {', '.join(stages)})"
                )
            if isinstance(event, ProductionOutage):
                use = stage or stages[0]
                year = world.years(name, use)[-1]
                prod = world.production
                producers = set(
                    prod.loc[
                        (prod["mineral"] == name) & (prod["stage"] == use) & (prod["year"] == year),
                        "country",
                    ]
                )
                if event.country not in producers:
                    errors.append(
                        f"events[{i}].country: {event.country} does not produce {name} at the "
                        f"{use} stage in {year} "
                        f"(producers: {', '.join(sorted(producers - {'ROW'}))})"
                    )
    for i, reserve in enumerate(scenario.policies.reserves):
        for j, name in enumerate(reserve.minerals):
            mineral_ok(name, f"policies.reserves[{i}].minerals[{j}]")
    for i, floor in enumerate(scenario.policies.price_floors):
        mineral_ok(floor.mineral, f"policies.price_floors[{i}].mineral")
    for i, club in enumerate(scenario.policies.buyers_clubs):
        for j, name in enumerate(club.minerals):
            mineral_ok(name, f"policies.buyers_clubs[{i}].minerals[{j}]")
    for code, spec in scenario.market.consumers.items():
        for name in spec:
            if name not in known:
                errors.append(
                    f"market.consumers.{code}.{name}: unknown mineral "
                    f"(allowed: {', '.join(sorted(known))})"
                )
    for name in scenario.market.elasticity_overrides:
        if name not in known:
            errors.append(f"market.elasticity_overrides.{name}: unknown mineral")
    for name in scenario.market.base_prices_usd_per_kg:
        if name not in known:
            errors.append(f"market.base_prices_usd_per_kg.{name}: unknown mineral")
    if not scenario.mineral_ids() and scenario.minerals is None:
        errors.append("events: no event or policy names a mineral; nothing to simulate")
    return errors
