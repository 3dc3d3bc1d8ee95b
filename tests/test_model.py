"""critmin.model: build_model checks a scenario once and resolves it into plain arrays."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest

from builders import ban, run, scenario
from critmin import countries
from critmin.errors import CritminError
from critmin.model import (
    BanOrLicence,
    Dist,
    EventPlan,
    StochasticPlan,
    build_market,
    build_model,
    pool_flows,
)
from critmin.scenario import ScenarioError
from critmin.world.load import Tables, World

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


def _with_conventions(world: World, rows: list[dict[str, str]]) -> World:
    """``world`` with its ``market_conventions`` table replaced by ``rows``."""
    tables = world.tables.shared()
    tables["market_conventions"] = pd.DataFrame(
        rows, columns=list(tables["market_conventions"].columns)
    )
    return dataclasses.replace(world, tables=Tables(tables))


def test_base_price_is_the_datasets_reference_series(world: World) -> None:
    plain = scenario(minerals=["gallium"])
    prices = world.rows("prices", mineral="gallium")
    prices = prices[prices["price_usd_per_kg"].notna()]
    named = world.rows("market_conventions", mineral="gallium")["reference_price_series"]
    (series,) = named.tolist()
    for chosen in sorted(set(prices["series"]))[:3] + [series]:
        of_series = prices[prices["series"] == chosen]
        latest = of_series[of_series["year"] == of_series["year"].max()].iloc[0]
        changed = _with_conventions(
            world, [{"mineral": "gallium", "reference_price_series": chosen, "source_id": "x"}]
        )
        market = build_market(changed, plain, "gallium")
        assert market.base_price_usd_per_kg == float(latest["price_usd_per_kg"])
        assert market.price_source.startswith(f"{chosen} {int(latest['year'])}")
    # without a convention: the latest year of any series
    market = build_market(_with_conventions(world, []), plain, "gallium")
    assert int(market.price_source.rsplit(" (", 1)[0].rsplit(" ", 1)[1]) == prices["year"].max()


def test_consumption_shares_are_taken_on_the_stage_the_dataset_names(world: World) -> None:
    """USA's rare-earth demand: its apparent consumption over world mine output (the
    convention) or over world refined output (without it), times world demand."""
    plain = scenario(minerals=["rare-earths"])
    cons = world.rows("consumption", mineral="rare-earths", consumer="USA", kind="apparent")
    latest = cons[cons["year"] == cons["year"].max()].iloc[0]
    year = int(latest["year"])
    expected = {}
    for stage in ("mining", "refining"):
        total = world.rows("production_totals", mineral="rare-earths", stage=stage, year=year)
        expected[stage] = float(latest["value_t"]) / float(total["world_total_t"].iloc[0])
    assert expected["mining"] != pytest.approx(expected["refining"], rel=1e-3)
    for stage, conventions in (
        ("mining", [{"mineral": "rare-earths", "consumption_stage": "mining", "source_id": "x"}]),
        ("refining", []),
    ):
        market = build_market(_with_conventions(world, conventions), plain, "rare-earths")
        usa = market.consumers.index("USA")
        share = market.demand[usa] / market.demand.sum()
        assert share == pytest.approx(expected[stage], rel=1e-12)
    shipped = build_market(world, plain, "rare-earths")
    usa = shipped.consumers.index("USA")
    assert shipped.demand[usa] / shipped.demand.sum() == pytest.approx(expected["mining"])


# --- per-mineral market parameters ---------------------------------------------------------


def test_market_parameters_come_from_the_scenario_then_the_table_then_the_default(
    tiny: World, tmp_path: Any
) -> None:
    """A package's ``market_parameters`` set gallium's demand elasticity (-0.5,
    published) and long-run supply elasticity (0.9, calibrated on an event); the
    scenario's ``market:`` section overrides them, its per-mineral overrides
    override that, and a parameter no one sets keeps the scenario default."""
    import shutil

    from critmin.world.load import load_world

    package = tmp_path / "tiny"
    shutil.copytree(tiny.path, package)
    pd.DataFrame(
        [
            ["gallium", "demand_elasticity", -0.5, "published", "", "", "hand", ""],
            ["gallium", "long_run_supply_elasticity", 0.9, "calibrated", "ga-ge-2023", "",
             "hand", ""],
        ],
        columns=["mineral", "parameter", "value", "basis", "calibrated_on", "scope",
                 "source_id", "note"],
    ).to_csv(package / "market_parameters.csv", index=False)  # fmt: skip
    # a calibrated value must name an observed event
    with pytest.raises(CritminError, match="data package has 1 error"):
        load_world(package)
    pd.DataFrame(
        [["ga-ge-2023", "gallium", "price_change_share", "Rotterdam", "2023-07", "2023-12",
          1.14, "share", "hand", ""]],
        columns=["event", "mineral", "metric", "market", "period_from", "period_to", "value",
                 "unit", "source_id", "note"],
    ).to_csv(package / "observed_responses.csv", index=False)  # fmt: skip
    world = load_world(package)

    def market(**fields: Any) -> Any:
        return build_model(world, scenario(minerals=["gallium"], **fields)).markets[0]

    plain = market()
    assert (plain.demand_elasticity, plain.long_run_supply_elasticity) == (-0.5, 0.9)
    assert plain.parameter_sources["demand_elasticity"] == "market_parameters: hand (published)"
    assert plain.parameter_sources["long_run_supply_elasticity"] == (
        "market_parameters: hand (calibrated on ga-ge-2023)"
    )
    default = scenario().market
    assert plain.supply_elasticity == default.supply_elasticity
    assert plain.long_run_demand_elasticity == default.long_run_demand_elasticity
    assert plain.parameter_sources["supply_elasticity"].startswith("default")
    set_here = market(market={"demand_elasticity": -0.1})
    assert set_here.demand_elasticity == -0.1
    assert set_here.parameter_sources["demand_elasticity"] == "scenario: market.demand_elasticity"
    assert set_here.long_run_supply_elasticity == 0.9  # the table still sets the rest
    per_mineral = market(
        market={"demand_elasticity": -0.1, "elasticity_overrides": {"gallium": {"demand": -0.3}}}
    )
    assert per_mineral.demand_elasticity == -0.3
    # the table's values act as the same values set in the scenario, to the last bit
    events = [ban(["gallium"], ["USA"], start_month=1, duration_months=12)]
    here = run(world, horizon_months=36, minerals=["gallium"], events=events)
    same = {"demand_elasticity": -0.5, "long_run_supply_elasticity": 0.9}
    there = run(tiny, horizon_months=36, minerals=["gallium"], events=events, market=same)
    bare = run(tiny, horizon_months=36, minerals=["gallium"], events=events)
    shortfall = "expected_shortfall_t"
    np.testing.assert_array_equal(here[shortfall].values, there[shortfall].values)
    assert not np.array_equal(here[shortfall].values, bare[shortfall].values)
