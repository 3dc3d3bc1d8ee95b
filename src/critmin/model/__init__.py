"""The model-building room: ``build_model(world, scenario) -> Model``.

Everything the engine simulates is decided here, once, from the dataset and a
scenario: the baseline markets (:mod:`critmin.model.market`), the compiled
reserves, floors and buyers' clubs (:mod:`critmin.model.policies`), the event
plans and the stochastic generator's calibration (:mod:`critmin.model.events`)
and the market parameters (:mod:`critmin.model.params`). The engine imports
this package and nothing above it.
"""

from critmin.model.build import Model, build_model
from critmin.model.events import (
    LICENCE_SEVERITY,
    BanOrLicence,
    Calibration,
    Dist,
    DistKind,
    EventPlan,
    EventType,
    StochasticPlan,
    Target,
    calibrate_restrictions,
    check_targets,
    plan_events,
)
from critmin.model.market import (
    ROW,
    MineralMarket,
    Stage2,
    baseline_table,
    build_market,
    build_markets,
    follow_trade,
    named_consumers,
    pool_flows,
    ras,
    trade_matrix,
)
from critmin.model.params import ALLOCATION_CODES, Params
from critmin.model.policies import (
    DAYS_PER_MONTH,
    FloorPlan,
    MineralPolicies,
    ReservePlan,
    apply_club,
    compile_policies,
    split_budgets,
)

__all__ = [
    "BanOrLicence",
    "ALLOCATION_CODES",
    "DAYS_PER_MONTH",
    "LICENCE_SEVERITY",
    "ROW",
    "Calibration",
    "Dist",
    "DistKind",
    "EventPlan",
    "EventType",
    "FloorPlan",
    "MineralMarket",
    "MineralPolicies",
    "Model",
    "Params",
    "ReservePlan",
    "Stage2",
    "StochasticPlan",
    "Target",
    "apply_club",
    "baseline_table",
    "build_market",
    "build_markets",
    "build_model",
    "calibrate_restrictions",
    "check_targets",
    "compile_policies",
    "follow_trade",
    "named_consumers",
    "plan_events",
    "pool_flows",
    "ras",
    "split_budgets",
    "trade_matrix",
]
