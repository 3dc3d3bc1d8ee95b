"""``build_model(world, scenario) -> Model``: every check once, then plain arrays.

The model is what the engine simulates: the baseline market of each mineral,
the compiled reserve and floor plans, the event plans, the stochastic
generator's calibrations and the market parameters. Building it runs every
check of the scenario against the world, once; a problem comes back as a
:class:`~critmin.scenario.ScenarioError` listing every path and message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from critmin.model.events import (
    Calibration,
    EventPlan,
    StochasticPlan,
    calibrate_restrictions,
    check_targets,
    plan_events,
)
from critmin.model.market import MineralMarket, build_market
from critmin.model.params import Params
from critmin.model.policies import MineralPolicies, compile_policies, split_budgets
from critmin.scenario import (
    DemandSurge,
    Scenario,
    ScenarioError,
    StochasticRestrictions,
    check_against_world,
    value_bounds,
)
from critmin.world.load import World


@dataclass(frozen=True)
class Model:
    """A scenario built on a dataset: everything the engine needs, as plain arrays.

    Attributes
    ----------
    name
        The scenario's name.
    scenario
        The scenario it was built from (provenance; the engine does not read it).
    markets
        The baseline market of each mineral, in the scenario's order.
    policies
        The compiled reserves and floors of each mineral (same order).
    events
        The event plans, in the scenario's order.
    calibrations
        The stochastic generator's calibration, by event index.
    params
        Market parameters and the horizon.
    paths, seed
        The scenario's defaults (a run may override them).
    max_surge_share
        The largest total demand surge a path can see [share]: sizes the
        shortfall histograms.
    """

    name: str
    scenario: Scenario
    markets: tuple[MineralMarket, ...]
    policies: tuple[MineralPolicies, ...]
    events: tuple[EventPlan | StochasticPlan, ...]
    calibrations: dict[int, Calibration]
    params: Params
    paths: int
    seed: int
    max_surge_share: float

    @property
    def horizon(self) -> int:
        """Months simulated."""
        return self.params.horizon

    @property
    def minerals(self) -> list[str]:
        """Minerals simulated, in order."""
        return [m.mineral for m in self.markets]

    def without_reserves(self) -> Model:
        """The same model with every strategic reserve removed: the counterfactual
        of a run's reserves, simulated on the same draws."""
        return replace(self, policies=tuple(p.without_reserves() for p in self.policies))


def _calibrations(world: World, scenario: Scenario) -> dict[int, Calibration]:
    out = {
        i: calibrate_restrictions(world, e.imposer)
        for i, e in enumerate(scenario.events)
        if isinstance(e, StochasticRestrictions)
        and (e.rate_per_year is None or e.severity_share is None or e.mean_duration_months is None)
    }
    return out


def _max_surge(scenario: Scenario) -> float:
    return sum(
        max(value_bounds(e.increase_share)[1], 0.0)
        for e in scenario.events
        if isinstance(e, DemandSurge)
    )


def build_model(world: World, scenario: Scenario) -> Model:
    """Check ``scenario`` against ``world`` and build the model the engine runs.

    Raises
    ------
    ScenarioError
        Every problem of the scenario against the world (unknown minerals or
        countries, outages of non-producers, events whose targets buy
        nothing), each with its path in the scenario.
    CritminError
        A problem found while building a market or a policy (no production
        data to simulate, reserve members that consume nothing, no baseline
        price), in the usual what / where / given / allowed shape.
    """
    where = f"scenario {scenario.name}"
    problems = check_against_world(scenario, world)
    if problems:
        raise ScenarioError(where, problems)
    markets = [build_market(world, scenario, m) for m in scenario.mineral_ids()]
    problems = check_targets(scenario, markets)
    if problems:
        raise ScenarioError(where, problems)
    policies = [compile_policies(scenario, m) for m in markets]
    split_budgets(markets, policies)
    calibrations = _calibrations(world, scenario)
    events = plan_events(scenario, markets, calibrations)
    return Model(
        name=scenario.name,
        scenario=scenario,
        markets=tuple(markets),
        policies=tuple(policies),
        events=events,
        calibrations=calibrations,
        params=Params.from_scenario(scenario),
        paths=scenario.paths,
        seed=scenario.seed,
        max_surge_share=_max_surge(scenario),
    )
