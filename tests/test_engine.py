"""The disruption simulator: hand-computed cases on the tiny world, and invariants."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import ban, run, scenario
from critmin.engine.run import simulate
from critmin.model import DAYS_PER_MONTH, build_market, build_model
from critmin.results import to_dataset
from critmin.scenario import ScenarioError
from critmin.world.load import World, load_world

#: No price response of demand or supply, short- or long-run, and no buffer beyond
#: consumers' stocks: the hand-computed cases follow volumes alone.
STATIC = {
    "demand_elasticity": 0.0,
    "supply_elasticity": 0.0,
    "long_run_demand_elasticity": 0.0,
    "long_run_supply_elasticity": 0.0,
    "trader_stock_days": 0.0,
    "leakage_max_share": 0.0,
    "precautionary_share": 0.0,
    "rerouting_spread_rate": None,
}


def usa_unmet(ds: xr.Dataset, mineral: str = "gallium") -> float:
    return float(ds["expected_shortfall_t"].sel(mineral=mineral, consumer="USA"))


def causes(ds: xr.Dataset, mineral: str = "gallium", consumer: str = "WORLD") -> dict:
    """Expected unmet demand by what limited supply, cause -> t."""
    row = ds["unmet_by_cause_t"].sel(mineral=mineral, consumer=consumer)
    return {str(c): float(v) for c, v in zip(row["cause"].values, row.values, strict=True)}


# --- baseline market --------------------------------------------------------------------


def test_tiny_gallium_market_by_hand(tiny: World) -> None:
    market = build_market(tiny, scenario(minerals=["gallium"]), "gallium")
    # 2023: CHN 98, JPN 1, ROW 1 t; USA consumes 19 of the world's 100 t
    assert market.final.codes == ["CHN", "JPN", "ROW"]
    assert market.consumers == ["USA", "ROW"]
    np.testing.assert_allclose(market.demand * 12, [19.0, 81.0])
    # ROW buys its own 1 t first; the rest of demand (USA 19, ROW 80) from the pool of
    # CHN 98 and JPN 1, in proportion to the deficits
    np.testing.assert_allclose(
        market.flows * 12, [[98 * 19 / 99, 98 * 80 / 99], [19 / 99, 80 / 99], [0.0, 1.0]]
    )
    assert market.base_price_usd_per_kg == 450.0


# --- hand-computed restrictions ------------------------------------------------------------

#: One month of demand held as commercial stock.
ONE_MONTH = {"inventory_days": DAYS_PER_MONTH}


def test_ban_without_rerouting_by_hand(tiny: World) -> None:
    """USA loses CHN's 98/99 of its supply; one month of stock; no re-routing.

    Month 0: the stock covers the gap 19/12 * 98/99, leaving 19/12 * 1/99.
    Month 1: unmet 19/12 * 98/99 - 19/12 * 1/99 = 19/12 * 97/99.
    Month 2: unmet 19/12 * 98/99.
    """
    ds = run(
        tiny,
        events=[ban(["gallium"], ["USA"])],
        market={**STATIC, **ONE_MONTH, "rerouting_share": 0.0},
    )
    assert usa_unmet(ds) == pytest.approx(19 / 12 * (97 + 98) / 99, rel=1e-12)
    assert float(ds["expected_shortfall_t"].sel(mineral="gallium", consumer="ROW")) == 0.0
    # all of it for want of what the restriction withheld (prices are fixed)
    by_cause = causes(ds, consumer="USA")
    assert by_cause.pop("restriction") == pytest.approx(usa_unmet(ds), rel=1e-12)
    assert set(by_cause.values()) == {0.0}
    # withheld by China: its sales to the USA, 98 * 19 / 99 t a year, for 3 months
    assert float(ds["withheld_t"].sel(mineral="gallium")) == pytest.approx(98 * 19 / 99 / 4)
    # month by month: 98 * 19 / 99 / 12 t in each of the 3 months
    monthly = ds["withheld_mean_t"].sel(mineral="gallium").values
    assert monthly == pytest.approx([98 * 19 / 99 / 12] * 3, rel=1e-12)


def test_full_rerouting_sends_all_other_supply_to_the_target(tiny: World) -> None:
    """With re-routing 1, the USA gets every non-Chinese tonne: JPN 1 + ROW 1 = 2 t/yr.

    Month 0: gap 17/12 covered by the stock (19/12), leaving 2/12.
    Month 1: unmet 17/12 - 2/12 = 15/12. Month 2: unmet 17/12.
    """
    ds = run(
        tiny,
        events=[ban(["gallium"], ["USA"])],
        market={**STATIC, **ONE_MONTH, "rerouting_share": 1.0},
    )
    assert usa_unmet(ds) == pytest.approx(32 / 12, rel=1e-12)
    # ROW is made whole by China's re-routed volume
    assert float(ds["expected_shortfall_t"].sel(mineral="gallium", consumer="ROW")) == 0.0


def test_rerouting_waits_for_the_price_spread(tiny: World) -> None:
    """Re-routing follows the spread: none in the first month, then
    ``1 - exp(-rate * spread)`` of the other suppliers' sales to non-targets.

    No stocks, so the USA's unmet demand is its gap. Month 0: no spread yet, so
    the USA loses China's 19/12 * 98/99 t as without re-routing. Month 1: the
    spread s = log(p_alliance / p_rest) in force moves JPN's 80/99 and ROW's 1 t a
    year at most, in the share 1 - exp(-0.5 s) (re-routing share 1).
    """
    market = {**STATIC, "inventory_days": 0.0, "producer_stock_days": 0.0}
    market.update({"rerouting_share": 1.0, "rerouting_spread_rate": 0.5})
    ds = run(tiny, events=[ban(["gallium"], ["USA"])], market=market)
    unmet = ds["unmet_mean_t"].sel(mineral="gallium", consumer="USA").values
    gap = 19 / 12 * 98 / 99
    assert unmet[0] == pytest.approx(gap, rel=1e-12)
    fan = ds["price_ratio_fan"].sel(mineral="gallium", fan_quantile=0.5, month=1)
    spread = math.log(float(fan.sel(segment="alliance")) / float(fan.sel(segment="rest")))
    assert spread > 1.0  # the USA short, China's market glutted
    moved = (1.0 - math.exp(-0.5 * spread)) * (80 / 99 + 1) / 12
    assert unmet[1] == pytest.approx(gap - moved, rel=1e-9)


def test_an_announcement_acts_only_through_precautionary_stocks(tiny: World) -> None:
    """Announced in month 0, a US ban starting in month 2 changes nothing when buyers
    take no precaution; with precaution, prices rise before the start and the stocks
    built meanwhile leave the USA less short once the ban bites."""
    ev = ban(["gallium"], ["USA"], start_month=2)
    said = {**ev, "announced_month": 0}
    calm = {"precautionary_share": 0.0}
    quiet, told = (run(tiny, events=[e], market=calm, horizon_months=6) for e in (ev, said))
    for name in ("unmet_mean_t", "price_ratio_fan", "consumption_mean_t"):
        xr.testing.assert_identical(quiet[name], told[name])
    wary = {"precautionary_share": 1.0}
    quiet, told = (run(tiny, events=[e], market=wary, horizon_months=6) for e in (ev, said))
    fan = {k: d["price_ratio_fan"].sel(mineral="gallium", segment="alliance", fan_quantile=0.5)
           for k, d in (("quiet", quiet), ("told", told))}  # fmt: skip
    assert float(fan["quiet"].sel(month=1)) == 1.0  # nothing has happened yet
    assert float(fan["told"].sel(month=1)) > 1.0  # buyers stock up on the news
    assert usa_unmet(told) < usa_unmet(quiet)


def test_an_announcement_after_the_start_is_refused() -> None:
    with pytest.raises(ScenarioError) as error:
        scenario(events=[ban(["gallium"], ["USA"], start_month=2, announced_month=3)])
    (problem,) = error.value.problems
    assert problem.startswith("events[0]")
    assert "announced_month 3 is after the earliest start_month 2 (allowed: 0 to 2)" in problem


def test_a_relaxing_severity_halves_its_excess_each_half_life(tiny: World) -> None:
    """Severity 1 relaxing toward 0.5 with a half-life of one month blocks
    1, 0.75, 0.625 of China's sales to the USA (19/12 * 98/99 t a month); with no
    stocks and no re-routing the USA is short by exactly that."""
    market = {**STATIC, "inventory_days": 0.0, "rerouting_share": 0.0}
    event = ban(["gallium"], ["USA"], severity_half_life_months=1, severity_floor_share=0.5)
    ds = run(tiny, events=[event], market=market)
    unmet = ds["unmet_mean_t"].sel(mineral="gallium", consumer="USA").values
    assert unmet == pytest.approx(19 / 12 * 98 / 99 * np.array([1.0, 0.75, 0.625]), rel=1e-12)


def test_leakage_lets_half_the_blocked_volume_through(tiny: World) -> None:
    """Leakage 0.5: the USA loses 19/12 * 49/99 a month.

    Months 0 and 1 are covered by the stock (19/12); month 2 draws the last
    19/12 * 1/99, so unmet = 19/12 * 48/99.
    """
    ds = run(
        tiny,
        events=[ban(["gallium"], ["USA"], leakage_share=0.5)],
        market={**STATIC, **ONE_MONTH, "rerouting_share": 0.0},
    )
    assert usa_unmet(ds) == pytest.approx(19 / 12 * 48 / 99, rel=1e-12)


def test_reserve_covers_the_gap_by_hand(tiny: World) -> None:
    """A 10 t US reserve releasing up to 5 t a month covers months 1 and 2 entirely."""
    reserve = {
        "holder": "usa",
        "members": {"USA": 1.0},
        "minerals": ["gallium"],
        "target": {"tonnes": 10.0},
        "drawdown_trigger": {"price_ratio_above": None, "shortfall_share_above": 0.0},
        "max_release_share_per_month": 0.5,
        "replenish": None,
    }
    ds = run(
        tiny,
        events=[ban(["gallium"], ["USA"])],
        market={**STATIC, **ONE_MONTH, "rerouting_share": 0.0},
        policies={"reserves": [reserve]},
    )
    assert usa_unmet(ds) == pytest.approx(0.0, abs=1e-12)
    released = float(ds["reserve_released_t"].sel(mineral="gallium", holder="usa"))
    assert released == pytest.approx(19 / 12 * (97 + 98) / 99, rel=1e-12)
    final_stock = float(ds["reserve_stock_mean_t"].sel(mineral="gallium", holder="usa")[-1])
    assert final_stock == pytest.approx(10.0 - released, rel=1e-12)


def test_price_floor_cost_by_hand(tiny: World) -> None:
    """Floor 900 $/kg over a 450 $/kg market on China's 98 t/yr: 450 $/kg x 98,000 kg."""
    ds = run(
        tiny,
        horizon_months=12,
        minerals=["gallium"],
        market=STATIC,
        policies={
            "price_floors": [{"mineral": "gallium", "floor_usd_per_kg": 900, "covered": ["CHN"]}]
        },
    )
    assert float(ds["floor_cost_usd"].sel(mineral="gallium")) == pytest.approx(450 * 98_000)


def test_mining_ban_starves_refiners_elsewhere(tiny: World) -> None:
    """Graphite ore: CHN refines all its own ore, so MOZ is the exporter that matters.

    Refiners' feed deficits (CHN 30, JPN 5, USA 5 t/yr) are met from the pool of
    MOZ 20, BRA 10 and ROW 10, so MOZ sells the US refiner 20 * 5/40 = 2.5 t/yr.
    A MOZ ban on ore to the USA withholds 2.5/12 t a month: 1.25 t over 6 months.
    With no stocks anywhere, the US refiner makes 2.5/12 t a month less, so
    consumers are short by exactly as much: 1.25 t.
    """
    ds = run(
        tiny,
        horizon_months=6,
        events=[{**ban(["graphite"], ["USA"], stage="mining"), "imposer": "MOZ"}],
        market={
            **STATIC,
            "rerouting_share": 0.0,
            "inventory_days": 0.0,
            "base_prices_usd_per_kg": {"graphite": 1.0},
        },
    )
    assert float(ds["withheld_t"].sel(mineral="graphite")) == pytest.approx(1.25, rel=1e-12)
    shortfall = float(ds["expected_shortfall_t"].sel(mineral="graphite", consumer="WORLD"))
    assert shortfall == pytest.approx(1.25, rel=1e-9)
    assert float(ds["mass_balance_max_rel_error"].sel(mineral="graphite")) < 1e-12
    # what limited supply: the US refiner's feed (the ore ban is upstream of it)
    by_cause = causes(ds, mineral="graphite")
    assert by_cause.pop("refiners_feed") == pytest.approx(1.25, rel=1e-9)
    assert max(by_cause.values()) < 1e-12


def test_unmet_demand_by_cause_by_hand(tiny: World) -> None:
    """Fixed prices, no stocks, no re-routing, three months.

    - China (98 of 99 t/yr of gallium output) loses half its output: the world is
      short 98/2/12 t a month, 12.25 t in all, for want of output (an outage).
    - Demand rises by 10 % with output unchanged: 10 % of the world's 100 t/yr,
      2.5 t in all, with no supply lost, so stocks (none) could not cover it.
    - With a price-responsive demand and some stock, a halt on the USA raises the
      price, and the part of the unmet demand the price rationed is at least the
      desired demand above the priced demand on every path: here all of the USA's
      unmet demand is rationed by price, for stocks cover the physical gap.
    """
    still = {**STATIC, "rerouting_share": 0.0, "inventory_days": 0.0}
    outage = {
        "type": "production_outage", "country": "CHN", "minerals": ["gallium"],
        "share_lost": 0.5, "start_month": 0, "duration_months": 3,
    }  # fmt: skip
    ds = run(tiny, minerals=["gallium"], events=[outage], market=still)
    by_cause = causes(ds)
    assert by_cause.pop("output_outage") == pytest.approx(98 / 2 / 12 * 3, rel=1e-12)
    assert max(by_cause.values()) < 1e-12
    surge = {"type": "demand_surge", "minerals": ["gallium"], "increase_share": 0.1}
    ds = run(tiny, minerals=["gallium"], events=[surge], market=still)
    by_cause = causes(ds)
    assert by_cause.pop("stocks") == pytest.approx(100 * 0.1 / 12 * 3, rel=1e-12)
    assert max(by_cause.values()) < 1e-12
    ds = run(
        tiny, horizon_months=12, minerals=["gallium"],
        events=[ban(["gallium"], ["USA"], start_month=1, duration_months=3)],
        market={"demand_elasticity": -0.3, "inventory_days": 90.0},
    )  # fmt: skip
    by_cause = causes(ds, consumer="USA")
    assert by_cause["price"] > 0
    assert by_cause["price"] == pytest.approx(usa_unmet(ds), rel=1e-12)


def test_chinese_ore_ban_has_no_effect_when_china_refines_all_its_ore(tiny: World) -> None:
    ds = run(
        tiny,
        horizon_months=6,
        events=[ban(["graphite"], ["USA"], stage="mining")],
        market={**STATIC, "base_prices_usd_per_kg": {"graphite": 1.0}},
    )
    assert float(ds["withheld_t"].sel(mineral="graphite")) == 0.0
    assert float(ds["expected_shortfall_t"].sel(mineral="graphite", consumer="WORLD")) == 0.0


# --- invariants ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "minerals", [["gallium"], ["graphite", "rare-earths", "cobalt", "tungsten"]]
)
def test_no_events_stays_at_baseline(world: World, minerals: list[str]) -> None:
    ds = run(world, horizon_months=24, paths=70, minerals=minerals)
    # floating-point noise only: relative to baseline demand
    relative = ds["expected_shortfall_t"] / ds["baseline_demand_t"]
    assert float(np.abs(relative).max()) < 1e-12
    assert float(np.abs(ds["price_ratio_fan"] - 1.0).max()) < 1e-12
    gap = (ds["consumption_mean_t"] - ds["demand_mean_t"]) / ds["demand_mean_t"]
    assert float(np.abs(gap).max()) < 1e-12
    assert float(ds["withheld_t"].max()) == 0.0


def test_same_seed_bit_identical_whatever_the_batch_size(world: World) -> None:
    events = [
        {
            **ban(["gallium", "graphite"], ["USA", "JPN"]),
            "severity_share": {"dist": "uniform", "low": 0.2, "high": 0.9},
            "duration_months": {"dist": "triangular", "low": 2, "mode": 6, "high": 18},
            "start_month": {"dist": "uniform", "low": 0, "high": 6},
        },
        {"type": "stochastic_restrictions", "minerals": ["rare-earths", "antimony"]},
    ]
    sc = scenario(horizon_months=24, paths=300, seed=42, events=events)
    model = build_model(world, sc)
    results = [to_dataset(simulate(model, batch_size=b)) for b in (64, 200, 1024)]
    for other in results[1:]:
        xr.testing.assert_identical(results[0], other)
    different = to_dataset(simulate(model, seed=43))
    assert not different.equals(results[0])


severities = st.floats(0.0, 1.0)
shares = st.floats(0.0, 1.0)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    severity=severities,
    leakage=shares,
    rerouting=shares,
    outage=shares,
    surge=st.floats(0.0, 1.0),
    start=st.integers(0, 10),
    duration=st.integers(1, 20),
    stock_days=st.floats(0.0, 120.0),
)
def test_mass_balance_and_no_negative_stock(
    world: World,
    severity: float,
    leakage: float,
    rerouting: float,
    outage: float,
    surge: float,
    start: int,
    duration: int,
    stock_days: float,
) -> None:
    events = [
        {
            **ban(["graphite", "rare-earths", "gallium"], ["ALLIANCE"]),
            "severity_share": severity,
            "leakage_share": leakage,
            "start_month": start,
            "duration_months": duration,
        },
        {
            "type": "production_outage",
            "country": "COD",
            "minerals": ["cobalt"],
            "share_lost": outage,
            "start_month": start,
            "duration_months": duration,
        },
        {
            "type": "demand_surge",
            "minerals": ["graphite"],
            "increase_share": surge,
            "start_month": start,
        },
    ]
    reserve = {
        "holder": "usa",
        "members": {"USA": 1},
        "minerals": ["graphite", "gallium"],
        "target": {"days_of_consumption": 90},
        "initial_stock": {"days_of_consumption": stock_days},
    }
    ds = run(
        world,
        horizon_months=30,
        paths=64,
        events=events,
        market={"rerouting_share": rerouting},
        policies={"reserves": [reserve]},
    )
    assert float(ds["mass_balance_max_rel_error"].max()) < 1e-9
    assert float(ds["min_stock_t"].min()) >= -1e-9
    assert float(ds["expected_shortfall_t"].min()) >= 0.0
    # unmet demand by cause: non-negative, and it adds up to the unmet demand
    by_cause = ds["unmet_by_cause_t"]
    assert float(by_cause.min()) >= -1e-9
    total = ds["expected_shortfall_t"]
    np.testing.assert_allclose(by_cause.sum("cause", skipna=False), total, rtol=1e-6, atol=1e-9)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    low=st.floats(0.0, 60.0),
    extra=st.floats(0.0, 120.0),
    severity=st.floats(0.1, 1.0),
    trigger=st.floats(1.0, 3.0),
)
def test_more_initial_reserve_never_raises_expected_shortfall(
    world: World, low: float, extra: float, severity: float, trigger: float
) -> None:
    def shortfall(days: float) -> float:
        reserve = {
            "holder": "japan",
            "members": {"JPN": 1},
            "minerals": ["gallium"],
            "target": {"days_of_consumption": 180},
            "initial_stock": {"days_of_consumption": days},
            "drawdown_trigger": {"price_ratio_above": trigger, "shortfall_share_above": 0.02},
            "replenish": None,
        }
        events = [
            {
                **ban(["gallium"], ["JPN", "USA"]),
                "severity_share": {"dist": "uniform", "low": severity * 0.5, "high": severity},
                "duration_months": {"dist": "uniform", "low": 3, "high": 24},
            }
        ]
        ds = run(
            world,
            horizon_months=36,
            paths=64,
            seed=5,
            events=events,
            policies={"reserves": [reserve]},
        )
        return float(ds["expected_shortfall_t"].sel(mineral="gallium", consumer="JPN"))

    assert shortfall(low + extra) <= shortfall(low) * (1 + 1e-9) + 1e-9


# --- withheld volume stays in the imposer's market ----------------------------------------

#: China as an explicit gallium consumer of the tiny world: 40 of its 100 t a year.
CHINA_40 = {"CHN": {"gallium": {"share_of_world_demand": 0.4, "source": "assumption: test"}}}


def storage_price(
    demand: float, stocks: float, available: float, eps_d: float, eta: float
) -> float:
    """The price ratio p with demand p^eps_d + stocks p^-eta = available, by bisection
    on log p (independent of the kernel's Newton steps)."""
    lo, hi = -20.0, 20.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if demand * np.exp(eps_d * mid) + stocks * np.exp(-eta * mid) > available:
            lo = mid
        else:
            hi = mid
    return float(np.exp(0.5 * (lo + hi)))


def test_withheld_volume_lowers_the_imposers_price_by_hand(tiny: World) -> None:
    """China (40 t/yr of demand) stops its sales to the USA; what it withholds stays
    in China and lowers its own price.

    China first supplies itself (40 t), ROW its own 1 t; the pool of CHN's 58 t and
    JPN's 1 t meets USA 19 and ROW 40 pro rata, so CHN sold 58 x 19/59 t a year to
    the USA. With no re-routing, W = 58 x 19/59/12 a month is withheld and offered
    to China's buyers. China alone is the rest segment (alliance USA, ROW); its
    stock is full (N = D = 40/12, one month) and it uses D, so W stays unsold in
    China's stocks. The rest segment can draw on its consumers' stock N, the
    month's deliveries D + W and the imposer's stock W: the storage price solves
    D p^-0.2 + N p^-1.5 = N + D + 2W, and the price moves half way in log. China
    then consumes D p_1^-0.2 (it has more than enough on offer). With nothing
    offered at home (home share 0) the withheld W still sits in China's stocks:
    D p^-0.2 + N p^-1.5 = N + D + W, a smaller fall.
    """
    market = {
        **STATIC,
        "demand_elasticity": -0.2,
        "rerouting_share": 0.0,
        "alliance": ["USA", "ROW"],
        "consumers": CHINA_40,
        "withheld_home_share": 1.0,
        "stock_demand_elasticity": 1.5,
        **ONE_MONTH,
    }
    d = 40 / 12
    w = 58 * 19 / 59 / 12
    ds = run(tiny, horizon_months=2, events=[ban(["gallium"], ["USA"])], market=market)
    p1 = storage_price(d, d, 2 * d + 2 * w, -0.2, 1.5) ** 0.5
    assert p1 < 1
    china = ds["consumption_mean_t"].sel(mineral="gallium", consumer="CHN").values
    assert china == pytest.approx([d, d * p1**-0.2], rel=1e-9)
    # the lowest price of China's segment is p_1 (month 0 is at baseline)
    trough = ds["trough_price_ratio_mean"].sel(mineral="gallium", segment="rest")
    assert float(trough) == pytest.approx(p1, rel=1e-9)
    # the withheld volume is still China's lost exports
    assert float(ds["withheld_t"].sel(mineral="gallium")) == pytest.approx(2 * w, rel=1e-12)
    # none of it reaches the USA, so its shortfall is that of a ban kept off the market
    off = run(
        tiny,
        horizon_months=2,
        events=[ban(["gallium"], ["USA"])],
        market={**market, "withheld_home_share": 0.0},
    )
    assert usa_unmet(ds) == pytest.approx(usa_unmet(off), rel=1e-12)
    p1_off = storage_price(d, d, 2 * d + w, -0.2, 1.5) ** 0.5
    assert p1 < p1_off < 1
    china_off = off["consumption_mean_t"].sel(mineral="gallium", consumer="CHN").values
    assert china_off == pytest.approx([d, d * p1_off**-0.2], rel=1e-9)


def test_withheld_volume_offered_at_home_never_reaches_targets(tiny: World) -> None:
    """A ban on everyone but China, ROW in China's price segment: what China cannot use
    at home stays unsold there instead of reaching ROW through the segment's spot pool.
    With price-blind demand, the targets' shortfalls do not depend on the home share."""
    market = {
        **STATIC,
        "rerouting_share": 0.0,
        "alliance": ["USA"],
        "consumers": CHINA_40,
        **ONE_MONTH,
    }
    runs = {
        share: run(
            tiny,
            horizon_months=6,
            events=[ban(["gallium"], ["all"])],
            market={**market, "withheld_home_share": share},
        )
        for share in (0.0, 0.5, 1.0)
    }
    for share in (0.5, 1.0):
        for consumer in ("USA", "ROW", "CHN"):
            got = runs[share]["expected_shortfall_t"].sel(mineral="gallium", consumer=consumer)
            want = runs[0.0]["expected_shortfall_t"].sel(mineral="gallium", consumer=consumer)
            assert float(got) == pytest.approx(float(want), rel=1e-12, abs=1e-12)
    assert float(runs[0.0]["expected_shortfall_t"].sel(mineral="gallium", consumer="ROW")) > 0


def test_chinese_ore_ban_blocks_the_ore_trade_records(tiny: World, tmp_path: Path) -> None:
    """With recorded trade, Chinese ore reaches the US refiner, so the ban blocks it.

    Without trade (the test above) the pool sends no Chinese ore abroad. An overlay
    trade table recording 5 t/yr of Chinese graphite ore to the USA makes the US
    refiner's feed column follow it: its 5 t/yr come from China (the pool prior
    weighs 1e-6), so banning Chinese ore to the USA withholds 5/12 t a month,
    2.5 t over 6 months.
    """
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "trade.csv").write_text(
        "mineral,stage,hs_code,exporter,importer,year,value_t,gross_t,value_usd,source_id,note\n"
        "graphite,mining,,CHN,USA,2023,5,5,,hand,\n",
        encoding="utf-8",
    )
    package = tmp_path / "package"
    package.mkdir()
    for path in tiny.path.iterdir():
        if path.name != "trade.csv":
            (package / path.name).write_bytes(path.read_bytes())
    (package / "trade.csv").write_bytes((overlay / "trade.csv").read_bytes())
    traded = load_world(package)
    market = build_market(
        traded,
        scenario(minerals=["graphite"], market={"base_prices_usd_per_kg": {"graphite": 1.0}}),
        "graphite",
    )
    assert market.mining is not None
    assert market.feed_flows is not None
    chn, usa = market.mining.codes.index("CHN"), market.final.codes.index("USA")
    assert market.feed_flows[chn, usa] * 12 == pytest.approx(5.0, rel=1e-4)
    ds = run(
        traded,
        horizon_months=6,
        events=[ban(["graphite"], ["USA"], stage="mining")],
        market={
            **STATIC,
            "rerouting_share": 0.0,
            "base_prices_usd_per_kg": {"graphite": 1.0},
        },
    )
    assert float(ds["withheld_t"].sel(mineral="graphite")) == pytest.approx(2.5, rel=1e-4)


def test_mining_stage_restriction_changes_flows_on_the_shipped_data(world: World) -> None:
    """Natural graphite ore follows BACI trade: China's ore exports reach refiners abroad.

    Without re-routing by other miners (which would swap volumes and offset the
    ban), banning Chinese ore to refiners outside China withholds real volume
    and, without stocks to cover it (the ore lost is about 0.2 % of refined output),
    leaves consumers short: the shortfall equals the ore withheld. Under the pool
    assumption the same ban withheld nothing.
    """
    market = {"rerouting_share": 0.0, "inventory_days": 0.0, **STATIC}
    base = run(world, minerals=["graphite"], horizon_months=6, market=market)
    hit = run(
        world,
        horizon_months=6,
        events=[ban(["graphite"], ["JPN", "KOR", "USA", "ROW"], stage="mining")],
        market=market,
    )
    assert float(hit["withheld_t"].sel(mineral="graphite")) > 0
    assert float(base["withheld_t"].sel(mineral="graphite")) == 0
    before = float(base["expected_shortfall_t"].sel(mineral="graphite", consumer="WORLD"))
    after = float(hit["expected_shortfall_t"].sel(mineral="graphite", consumer="WORLD"))
    assert before == pytest.approx(0.0, abs=1e-6)
    assert after == pytest.approx(float(hit["withheld_t"].sel(mineral="graphite")), rel=1e-9)


def test_price_cap_binding_share_by_hand(tiny: World) -> None:
    """A full ban on every buyer from month 1 of 6, all of them in the allied segment,
    with no stocks anywhere: only JPN's and ROW's 2 of 100 t are offered, so the
    demand-only clearing price (2/100)^(1/-0.2) is cut to the x10 cap in months 1 to
    5 (5 of 6 path-months); with partial adjustment (alpha 0.5) the price then climbs
    10^0.5, 10^0.75, 10^0.875, 10^0.9375: the cap, not the market, sets it."""
    calm = run(tiny, minerals=["gallium"], horizon_months=6)
    assert float(calm["price_cap_binding_share"].sel(mineral="gallium")) == 0.0
    ds = run(
        tiny,
        minerals=["gallium"],
        horizon_months=6,
        events=[ban(["gallium"], ["all"], start_month=1)],
        market={
            **STATIC,
            "demand_elasticity": -0.2,
            "alliance": ["USA", "ROW"],
            "inventory_days": 0.0,
            "price_adjustment_share": 0.5,
            "max_price_ratio": 10.0,
        },
    )
    assert float(ds["price_cap_binding_share"].sel(mineral="gallium")) == pytest.approx(5 / 6)
    median = ds["price_ratio_fan"].sel(mineral="gallium", segment="alliance", fan_quantile=0.5)
    np.testing.assert_allclose(
        median.values, [1, 1, 10**0.5, 10**0.75, 10**0.875, 10**0.9375], rtol=1e-3
    )


def test_unrecovered_paths_are_never_averaged_as_recovered(tiny: World) -> None:
    """An open-ended US ban on half the paths, no stocks, no re-routing: those paths are
    short to the last month (not recovered), the others never short (0 months). The mean
    months to recovery is over the recovered paths only (0), the share unrecovered is
    the ban's, and the P95 is undefined (more than 5 % never recover). A one-month halt
    on every path: recovered after 1 month, mean and P95 1. Paths ever short: the banned
    half, then all."""
    market = {**STATIC, "inventory_days": 0.0, "rerouting_share": 0.0}
    ds = run(tiny, events=[ban(["gallium"], ["USA"], probability=0.5)], market=market,
             horizon_months=12, paths=400)  # fmt: skip
    usa = ds.sel(mineral="gallium", consumer="USA")
    share = float(usa["unrecovered_share"])
    assert 0.4 < share < 0.6
    # the banned paths, and only they, were ever short
    assert float(usa["short_path_share"]) == pytest.approx(share, abs=1e-12)
    assert float(usa["months_to_recovery_mean"]) == 0.0
    assert np.isnan(float(usa["months_to_recovery_p95"]))
    halt = ban(["gallium"], ["USA"], duration_months=1)
    ds = run(tiny, events=[halt], market=market, horizon_months=12, paths=64)
    usa = ds.sel(mineral="gallium", consumer="USA")
    assert float(usa["unrecovered_share"]) == 0.0
    assert float(usa["short_path_share"]) == 1.0
    assert float(usa["months_to_recovery_mean"]) == 1.0
    assert float(usa["months_to_recovery_p95"]) == pytest.approx(1.0, abs=0.5)
