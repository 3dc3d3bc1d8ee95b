"""critmin.model: build_model checks a scenario once and resolves it into plain arrays."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from critmin import countries
from critmin.engine.run import simulate
from critmin.errors import CritminError
from critmin.model import BanOrLicence, Dist, EventPlan, StochasticPlan, build_model, pool_flows
from critmin.results import to_dataset
from critmin.scenario import ScenarioError, parse_scenario
from critmin.world.load import World, load_world


@pytest.fixture(scope="module")
def tiny(test_data: Path) -> World:
    return load_world(test_data / "tiny")


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


def scenario(**fields: Any) -> Any:
    base: dict[str, Any] = {"name": "t", "horizon_months": 3, "paths": 1, "seed": 1}
    base.update(fields)
    return parse_scenario(base)


def run(world: World, **fields: Any) -> Any:
    return to_dataset(simulate(build_model(world, scenario(**fields))))


def ban(minerals: list[str], targets: list[str], **extra: Any) -> dict[str, Any]:
    event = {
        "type": "export_restriction",
        "imposer": "CHN",
        "minerals": minerals,
        "targets": targets,
        "severity_share": 1.0,
        "leakage_share": 0.0,
    }
    event.update(extra)
    return event


# --- baseline market --------------------------------------------------------------------


def test_pool_flows_domestic_first_then_pool() -> None:
    # CHN makes 8 and uses 5; AUS makes 2; USA needs 5 from the pool of CHN 3 + AUS 2
    flows = pool_flows(np.array([8.0, 2.0]), ["CHN", "AUS"], np.array([5.0, 5.0]), ["CHN", "USA"])
    np.testing.assert_allclose(flows, [[5.0, 3.0], [0.0, 2.0]])


# --- errors --------------------------------------------------------------------------------


def test_unknown_mineral_in_scenario_is_reported_with_its_path(world: World) -> None:
    with pytest.raises(ScenarioError) as info:
        build_model(world, scenario(events=[ban(["galium"], ["USA"])]))
    assert any(
        p.startswith("events[0].minerals[0]: unknown mineral 'galium'") for p in info.value.problems
    )


def test_reserve_member_without_demand_is_refused(world: World) -> None:
    reserve = {
        "holder": "can",
        "members": {"CAN": 1},
        "minerals": ["gallium"],
        "target": {"tonnes": 1},
    }
    with pytest.raises(CritminError, match="not consumers of gallium"):
        build_model(world, scenario(policies={"reserves": [reserve]}))


def test_outage_of_a_non_producer_is_refused(world: World) -> None:
    event = {
        "type": "production_outage",
        "country": "FRA",
        "minerals": ["cobalt"],
        "share_lost": 0.5,
    }
    with pytest.raises(ScenarioError) as info:
        build_model(world, scenario(events=[event]))
    assert "FRA does not produce cobalt" in info.value.problems[0]


def test_reserve_budget_is_a_total_split_by_target_value(tiny: World) -> None:
    """A 2.255 M$ budget over two 10 t targets priced 450 and 1 $/kg: parts by value.

    Gallium's target is worth 4.5 M$ and graphite's 10 k$, so gallium gets
    2.255 M$ x 4.5 / 4.51 = 2.25 M$ (5 t at 450 $/kg) and graphite 5 k$ (5 t at 1 $/kg).
    """
    reserve = {
        "holder": "usa",
        "members": {"USA": 1.0},
        "minerals": ["gallium", "graphite"],
        "target": {"tonnes": 10.0},
        "initial_stock": {"tonnes": 0.0},
        "drawdown_trigger": {"price_ratio_above": None, "shortfall_share_above": 1.0},
        "replenish": {
            "price_ratio_below": 100.0,
            "max_purchase_share_per_month": 1.0,
            "budget_usd": 2.255e6,
        },
    }
    fields: dict[str, Any] = {
        "market": {"base_prices_usd_per_kg": {"gallium": 450.0, "graphite": 1.0}},
        "policies": {"reserves": [reserve]},
    }
    model = build_model(tiny, scenario(**fields))
    parts = {
        m.mineral: p.reserves[0].budget_usd
        for m, p in zip(model.markets, model.policies, strict=True)
    }
    assert parts == pytest.approx({"gallium": 2.25e6, "graphite": 5.0e3}, rel=1e-12)
    ds = run(tiny, **fields)
    spent = ds["reserve_purchase_usd"].sel(holder="usa")
    # purchases raise the price, so the budget buys at most 5 t of each
    assert float(spent.sum()) == pytest.approx(2.255e6, rel=1e-9)
    stock = ds["reserve_stock_mean_t"].sel(holder="usa")[..., -1]
    assert float(stock.max()) <= 5.0 + 1e-9


def test_every_problem_comes_back_at_once(world: World) -> None:
    bad = scenario(
        events=[
            ban(["galium"], ["USA"]),
            {
                "type": "production_outage",
                "country": "FRA",
                "minerals": ["cobalt"],
                "share_lost": 0.5,
            },
        ]
    )
    with pytest.raises(ScenarioError) as info:
        build_model(world, bad)
    problems = info.value.problems
    assert any(p.startswith("events[0].minerals[0]: unknown mineral") for p in problems)
    assert any("FRA does not produce cobalt" in p for p in problems)


def test_groups_are_expanded_once_into_masks(world: World) -> None:
    model = build_model(world, scenario(events=[ban(["gallium"], ["ALLIANCE"])]))
    plan = model.events[0]
    assert isinstance(plan, EventPlan)
    (target,) = [t for t in plan.targets if t.stage == "refining"]
    market = model.markets[0]
    allies = set(countries.expand([countries.ALLIANCE]))
    expected = [c in allies for c in market.consumers]
    assert list(target.buyers) == expected
    assert list(target.sellers) == [c == "CHN" for c in market.final.codes]
    # the engine receives plain arrays only: the model is frozen
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.name = "other"  # type: ignore[misc]


def test_stochastic_generator_is_calibrated_only_where_it_needs_to_be(world: World) -> None:
    given = {
        "type": "stochastic_restrictions",
        "minerals": ["gallium"],
        "rate_per_year": 0.5,
        "mean_duration_months": 6,
        "severity_share": 0.7,
    }
    model = build_model(world, scenario(events=[given]))
    assert model.calibrations == {}
    plan = model.events[0]
    assert isinstance(plan, StochasticPlan)
    assert plan.severity == Dist("fixed", 0.7, 0.7)
    assert (plan.rate_per_year, plan.mean_duration_months) == (0.5, 6)
    calibrated = build_model(
        world, scenario(events=[{"type": "stochastic_restrictions", "minerals": ["gallium"]}])
    )
    cal = calibrated.calibrations[0]
    plan = calibrated.events[0]
    assert isinstance(plan, StochasticPlan)
    assert plan.severity == BanOrLicence(cal.ban_probability, cal.licence_severity)
    assert plan.rate_per_year == cal.rate_per_year
    assert cal.n_events > 0


def test_reserve_plans_hold_tonnes_and_cost_shares(world: World) -> None:
    reserve = {
        "holder": "pair",
        "members": {"JPN": 3, "USA": 1},
        "minerals": ["gallium"],
        "target": {"days_of_consumption": 30},
    }
    model = build_model(world, scenario(policies={"reserves": [reserve]}))
    market, plan = model.markets[0], model.policies[0].reserves[0]
    members = np.array([c in ("JPN", "USA") for c in market.consumers])
    assert plan.target_t == pytest.approx(float(market.demand[members].sum()) * 30 / 30.4375)
    split = dict(zip(market.consumers, plan.cost_split, strict=True))
    assert split["JPN"] == pytest.approx(0.75)
    assert split["USA"] == pytest.approx(0.25)
