"""Scenario files: events, policies and market parameters for the simulator.

A scenario is a YAML file validated by the pydantic models of this package. Every
section is a named override of documented defaults: a file only states what differs
from them. ``critmin scenario schema`` writes the JSON Schema (for editor
autocompletion via a ``# yaml-language-server: $schema=...`` header) and
``critmin scenario validate FILE`` reports every error with its path in the
file, for example ``events[2].start_month: must be within the horizon (0..119)``.

Numbers that are uncertain may be given as distributions, drawn once per path:
``{dist: uniform, low: 0.6, high: 0.9}`` or
``{dist: triangular, low: 6, mode: 12, high: 36}``.

Every name is importable from ``critmin.scenario``; the submodules hold one idea
each: ``values`` (fixed numbers and distributions), ``events``, ``policies``,
``market``, ``model`` (the :class:`Scenario` itself), ``errors`` (validation
errors and their ``path: message`` lines), ``load`` (reading, writing, JSON
Schema) and ``check`` (checks against the dataset); ``base`` holds the shared
base model and country-code checks.
"""

from critmin.scenario.base import _as_list as _as_list
from critmin.scenario.base import _codes as _codes
from critmin.scenario.base import _Model as _Model
from critmin.scenario.check import check_against_world
from critmin.scenario.errors import ScenarioError, format_errors
from critmin.scenario.errors import _loc as _loc
from critmin.scenario.errors import _PathError as _PathError
from critmin.scenario.events import (
    DemandSurge,
    Event,
    EventType,
    ExportRestriction,
    ProductionOutage,
    StochasticRestrictions,
)
from critmin.scenario.events import _Event as _Event
from critmin.scenario.load import (
    SCHEMA_VERSION,
    dump_scenario,
    json_schema,
    load_scenario,
    parse_scenario,
    write_json_schema,
)
from critmin.scenario.load import _raw_horizon_errors as _raw_horizon_errors
from critmin.scenario.market import ConsumerDemand, Market
from critmin.scenario.model import Scenario
from critmin.scenario.policies import (
    Allocation,
    BuyersClub,
    CostSharing,
    DrawdownTrigger,
    Policies,
    PriceFloor,
    Quantity,
    Replenish,
    Reserve,
)
from critmin.scenario.values import (
    DistKind,
    Distribution,
    Triangular,
    Uniform,
    Value,
    value_bounds,
)
from critmin.scenario.values import _check_range as _check_range

__all__ = [
    "SCHEMA_VERSION",
    "Allocation",
    "BuyersClub",
    "CostSharing",
    "DistKind",
    "EventType",
    "ConsumerDemand",
    "DemandSurge",
    "Distribution",
    "DrawdownTrigger",
    "Event",
    "ExportRestriction",
    "Market",
    "Policies",
    "PriceFloor",
    "ProductionOutage",
    "Quantity",
    "Replenish",
    "Reserve",
    "Scenario",
    "ScenarioError",
    "StochasticRestrictions",
    "Triangular",
    "Uniform",
    "Value",
    "check_against_world",
    "dump_scenario",
    "format_errors",
    "json_schema",
    "load_scenario",
    "parse_scenario",
    "value_bounds",
    "write_json_schema",
]
