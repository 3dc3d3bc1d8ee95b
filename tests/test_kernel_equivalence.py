"""The compiled kernel against the NumPy reference kernel, and reproducibility.

``tests/reference_kernel.py`` is the former NumPy implementation of the
monthly kernel (vectorised over paths). Random scenarios on the shipped world
go through both; every trajectory array must agree to a relative 1e-9:
``|fast - reference| <= 1e-9 * max(|reference|, scale)``, where ``scale`` is
the natural size of the quantity (a consumer's largest demand for its
demand, consumption and unmet demand; a holder's largest stock or release for
its reserve arrays; world demand for withheld volume and the lowest stock;
1 for price ratios). The scale stands in for the reference where the exact
value is 0 and both kernels return rounding noise around it (an unmet demand
of 1e-13 t against 0). The relative mass-balance errors must agree to 1e-12
absolute; the restriction flags exactly.

Thresholds are drawn away from the baseline price ratio (1) and a zero unmet
share: at exactly those values a reserve's decision flips on rounding noise in
either kernel, which is not a difference between them.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from critmin.engine.events import CHUNK, realise
from critmin.engine.kernel import Trajectories, run_kernel, split_range
from critmin.engine.run import simulate
from critmin.engine.stats import Histogram, Sum, linear_edges, log_edges
from critmin.model import build_model
from critmin.results import to_dataset
from critmin.scenario import Scenario, parse_scenario
from critmin.world.load import World, load_world
from reference_kernel import run_reference_kernel

TWO_STAGE = ("graphite", "rare-earths", "cobalt")
MINERALS = ("gallium", *TWO_STAGE)
#: Producers that can impose restrictions, and outages (mineral, country, stage).
IMPOSERS = (["CHN"], ["CHN", "RUS"], ["RUS"], ["JPN"], ["MOZ"], ["COD"], ["USA"], ["FIN"])
OUTAGES = (
    ("gallium", "CHN", None),
    ("graphite", "MOZ", "mining"),
    ("graphite", "CHN", "refining"),
    ("rare-earths", "MMR", "mining"),
    ("cobalt", "COD", "mining"),
    ("cobalt", "FIN", "refining"),
)
#: Targets that name a buyer of every mineral: consumers at the final stage, refiners at
#: the mining stage (the scenario check refuses restrictions that would do nothing).
TARGETS = (["all"], ["ALLIANCE"], ["USA"], ["USA", "JPN"])
MINING_TARGETS = (["all"], ["ALLIANCE"], ["USA", "JPN"])
#: Japan as an explicit consumer where the dataset has none, so it can hold reserves.
JAPAN = {
    m: {"share_of_world_demand": 0.04, "source": "assumption: test"}
    for m in ("graphite", "rare-earths", "cobalt")
}


@functools.cache
def shipped() -> World:
    """The shipped world, loaded once (a hypothesis test cannot take the fixture: it
    would print the whole world with every example)."""
    return load_world()


@pytest.fixture(scope="module")
def world() -> World:
    return shipped()


# --- scenarios ----------------------------------------------------------------------------


def shares(low: float = 0.0, high: float = 1.0) -> st.SearchStrategy[Any]:
    """A fixed share or a uniform distribution of shares."""
    fixed = st.floats(low, high)
    spread = st.tuples(st.floats(low, high), st.floats(low, high)).map(
        lambda ab: {"dist": "uniform", "low": min(ab), "high": max(ab)}
    )
    return st.one_of(fixed, spread)


@st.composite
def restrictions(draw: st.DrawFn, minerals: list[str], horizon: int) -> dict[str, Any]:
    stage = draw(st.sampled_from([None, "refining", "mining"]))
    pool = [m for m in minerals if m in TWO_STAGE] if stage == "mining" else minerals
    if not pool:
        stage, pool = None, minerals
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool), unique=True))
    event: dict[str, Any] = {
        "type": "export_restriction",
        "imposer": draw(st.sampled_from(IMPOSERS)),
        "minerals": chosen,
        "targets": draw(st.sampled_from(MINING_TARGETS if stage == "mining" else TARGETS)),
        "start_month": draw(
            st.one_of(
                st.integers(0, horizon - 1),
                st.just({"dist": "uniform", "low": 0, "high": horizon - 1}),
            )
        ),
        "duration_months": draw(
            st.one_of(
                st.none(),
                st.integers(1, horizon),
                st.just({"dist": "triangular", "low": 1, "mode": 6, "high": horizon}),
            )
        ),
        "probability": draw(st.floats(0.3, 1.0)),
        "severity_share": draw(shares()),
        "leakage_share": draw(shares(0.0, 0.5)),
    }
    if stage is not None:
        event["stage"] = stage
    start = event["start_month"]
    earliest = start if isinstance(start, int) else start["low"]
    if draw(st.booleans()):
        event["announced_month"] = draw(st.integers(0, earliest))
    if draw(st.booleans()):  # a severity that relaxes toward a floor
        severity = event["severity_share"]
        lowest = severity if isinstance(severity, float) else severity["low"]
        event["severity_half_life_months"] = draw(
            st.one_of(st.floats(0.5, 24.0), st.just({"dist": "uniform", "low": 1, "high": 12}))
        )
        event["severity_floor_share"] = draw(st.floats(0.0, 1.0)) * lowest
    return event


@st.composite
def reserves(draw: st.DrawFn, minerals: list[str], index: int) -> dict[str, Any]:
    members = draw(st.sampled_from([{"USA": 1.0}, {"JPN": 1.0}, {"USA": 0.6, "JPN": 0.4}]))
    trigger = draw(st.one_of(st.none(), st.floats(1.05, 3.0)))
    short = draw(st.one_of(st.none(), st.floats(0.01, 0.5)))
    replenish = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "price_ratio_below": st.one_of(st.floats(0.5, 0.97), st.floats(1.03, 2.5)),
                    "max_purchase_share_per_month": st.floats(0.01, 0.5),
                    "budget_usd": st.one_of(st.none(), st.floats(1e3, 1e9)),
                }
            ),
        )
    )
    if replenish is not None and trigger is not None and replenish["price_ratio_below"] >= trigger:
        # a reserve must buy below its release trigger (and away from the baseline, 1)
        below = 0.95 * trigger
        replenish["price_ratio_below"] = below if not 0.97 < below < 1.03 else 0.96
    reserve: dict[str, Any] = {
        "holder": f"holder-{index}",
        "members": members,
        "minerals": draw(
            st.lists(st.sampled_from(minerals), min_size=1, max_size=len(minerals), unique=True)
        ),
        "target": draw(
            st.one_of(
                st.floats(10.0, 2000.0).map(lambda x: {"tonnes": x}),
                st.floats(10.0, 180.0).map(lambda x: {"days_of_consumption": x}),
            )
        ),
        "initial_stock": draw(
            st.one_of(st.none(), st.floats(0.0, 120.0).map(lambda x: {"days_of_consumption": x}))
        ),
        "drawdown_trigger": {"price_ratio_above": trigger, "shortfall_share_above": short},
        "max_release_share_per_month": draw(st.floats(0.05, 1.0)),
        "release_allocation": draw(
            st.sampled_from(["by_shortfall", "by_consumption", "by_cost_share"])
        ),
        "replenish": replenish,
        "cost_sharing": draw(st.sampled_from(["fixed", "by_consumption", "by_gdp"])),
    }
    if reserve["cost_sharing"] == "by_gdp":
        reserve["gdp_usd"] = {"USA": 2.7e13, "JPN": 4.2e12}
    return reserve


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    minerals = draw(st.lists(st.sampled_from(MINERALS), min_size=1, max_size=3, unique=True))
    horizon = draw(st.integers(6, 24))
    events: list[dict[str, Any]] = draw(
        st.lists(restrictions(minerals, horizon), min_size=1, max_size=4)
    )
    for mineral, country, stage in draw(
        st.lists(st.sampled_from([o for o in OUTAGES if o[0] in minerals]), max_size=2)
    ):
        outage = {
            "type": "production_outage",
            "country": country,
            "minerals": [mineral],
            "share_lost": draw(shares()),
            "start_month": draw(st.integers(0, horizon - 1)),
            "duration_months": draw(st.integers(1, horizon)),
        }
        events.append(outage if stage is None else {**outage, "stage": stage})
    if draw(st.booleans()):
        events.append(
            {
                "type": "demand_surge",
                "minerals": minerals,
                "consumers": draw(st.sampled_from([["all"], ["USA"], ["USA", "ROW"]])),
                "increase_share": draw(shares(0.0, 0.5)),
                "start_month": draw(st.integers(0, horizon - 1)),
            }
        )
    if draw(st.booleans()):
        events.append(
            {
                "type": "stochastic_restrictions",
                "minerals": minerals,
                "targets": draw(st.sampled_from(TARGETS)),
                "rate_per_year": draw(st.floats(0.5, 6.0)),
                "severity_share": draw(shares()),
                "mean_duration_months": draw(st.floats(1.0, 60.0)),
                "leakage_share": draw(shares(0.0, 0.5)),
            }
        )
    draw(st.randoms()).shuffle(events)
    policies: dict[str, Any] = {
        "reserves": [draw(reserves(minerals, i)) for i in range(draw(st.integers(0, 2)))],
    }
    if draw(st.booleans()):
        mineral = draw(st.sampled_from(minerals))
        policies["price_floors"] = [
            {
                "mineral": mineral,
                "floor_usd_per_kg": draw(st.floats(0.5, 1000.0)),
                "covered": draw(st.sampled_from([["CHN"], ["JPN", "USA"], ["ALLIANCE"]])),
                "covered_share": draw(st.floats(0.01, 1.0)),
            }
        ]
    if draw(st.booleans()):
        policies["buyers_clubs"] = [
            {
                "name": "club",
                "members": draw(st.sampled_from([["USA"], ["USA", "JPN"]])),
                "approved_suppliers": draw(st.sampled_from([["JPN"], ["ALLIANCE"], ["RUS"]])),
                "minerals": minerals,
                "share_of_member_demand": draw(st.floats(0.01, 1.0)),
            }
        ]
    eps, eta = draw(st.floats(-1.0, 0.0)), draw(st.floats(0.1, 5.0))
    inventory_days = draw(st.floats(0.0, 90.0))
    # at least 10 days of traders' stocks: with (almost) no stocks and a price-blind
    # demand the storage price is ill-conditioned (its sensitivity to the month's
    # volumes grows as demand / stocks), so rounding differences between the two
    # kernels, amplified by the long-run supply response, would be all that differs
    trader_days = draw(st.floats(10.0, 90.0))
    # nor a long-run supply response stronger than the price response of stocks and
    # demand: that is a divergent cobweb (Ezekiel 1938), in which a rounding error of
    # 1e-15 grows 25-fold a month, so rounding, not the model, sets the path
    damping = eta * (inventory_days + trader_days) / 30.4375 - eps
    supply_lr = draw(st.floats(0.0, min(2.0, damping)))
    return {
        "name": "equivalence",
        "horizon_months": horizon,
        "paths": draw(st.integers(1, 130)),
        "seed": draw(st.integers(0, 2**32 - 1)),
        "minerals": minerals,
        "market": {
            "alliance": draw(st.sampled_from([["ALLIANCE"], ["ALLIANCE", "ROW"], ["USA"]])),
            "consumers": {"JPN": {m: JAPAN[m] for m in minerals if m in JAPAN}},
            "demand_elasticity": eps,
            "supply_elasticity": draw(st.floats(0.0, 0.5)),
            "price_adjustment_share": draw(st.floats(0.05, 1.0)),
            "max_price_ratio": draw(st.floats(1.5, 20.0)),
            "rerouting_share": draw(st.floats(0.0, 1.0)),
            "rerouting_spread_rate": draw(st.one_of(st.none(), st.floats(0.0, 5.0))),
            "withheld_home_share": draw(st.floats(0.0, 1.0)),
            "inventory_days": inventory_days,
            "restock_share_per_month": draw(st.floats(0.0, 0.5)),
            "stock_demand_elasticity": eta,
            "trader_stock_days": trader_days,
            "producer_stock_days": draw(st.floats(0.0, 60.0)),
            "precautionary_share": draw(st.floats(0.0, 1.0)),
            "leakage_max_share": draw(st.floats(0.0, 1.0)),
            "leakage_spread_rate": draw(st.floats(0.0, 5.0)),
            "stock_sale_share_per_month": draw(st.floats(0.0, 1.0)),
            "long_run_demand_elasticity": draw(st.floats(-2.0, 0.0)),
            "demand_adjustment_months": draw(st.floats(1.0, 60.0)),
            "long_run_supply_elasticity": supply_lr,
            "supply_response_months": draw(st.floats(2.0, 48.0)),
            "capacity_growth_max_share": draw(st.floats(0.0, 3.0)),
        },
        "events": events,
        "policies": policies,
    }


# --- comparison ---------------------------------------------------------------------------


def _by_last(values: np.ndarray) -> np.ndarray:
    """The largest magnitude of each series (last axis) of a (P, T, X) array."""
    return np.abs(values).max(axis=(0, 1), initial=0.0)


def assert_equivalent(fast: Trajectories, ref: Trajectories, p0_usd_per_t: float) -> None:
    """Every array of ``fast`` (path-last) agrees with ``ref`` (path-first); see above."""
    world = float(np.abs(ref["demand_t"]).sum(axis=2).max(initial=0.0))
    consumer = _by_last(ref["demand_t"])
    holder = np.maximum(_by_last(ref["reserve_stock_t"]), _by_last(ref["reserve_release_t"]))
    scales: dict[str, Any] = {
        "demand_t": consumer,
        "consumption_t": consumer,
        "unmet_t": consumer,
        "price_ratio": 1.0,
        "reserve_stock_t": holder,
        "reserve_release_t": holder,
        "reserve_purchase_usd": holder * p0_usd_per_t * 20.0,
        "reserve_release_usd": holder * p0_usd_per_t * 20.0,
        "floor_cost_usd": world * p0_usd_per_t,
        "floor_covered_t": world,
        "withheld_t": world,
        "min_stock_t": world,
        "unmet_by_cause_t": world * ref["demand_t"].shape[1],  # summed over the months
    }
    for name in fast.arrays:
        got = np.moveaxis(fast[name], -1, 0)  # path first, as the reference
        want = ref[name]
        assert got.shape == want.shape, name
        if name in ("restricted", "at_cap"):
            np.testing.assert_array_equal(got, want, err_msg=name)
        elif name == "mass_error_share":
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12, err_msg=name)
        else:
            tolerance = 1e-9 * np.maximum(np.abs(want), scales[name])
            bad = ~(np.abs(got - want) <= tolerance)
            assert not bad.any(), (
                f"{name}: {int(bad.sum())} of {bad.size} differ; largest difference "
                f"{np.abs(got - want)[bad].max():.3g} at {np.argwhere(bad)[0].tolist()}"
            )


def compare_kernels(world: World, scenario: Scenario, chunks: list[int] | None = None) -> None:
    """Run every mineral of ``scenario`` through both kernels for one batch."""
    model = build_model(world, scenario)
    markets, policies, params = list(model.markets), list(model.policies), model.params
    if chunks is None:
        chunks = list(range(-(-scenario.paths // CHUNK)))
    n = sum(min(CHUNK, scenario.paths - c * CHUNK) for c in chunks)
    events = realise(model.events, markets, model.seed, model.horizon, chunks, scenario.paths)
    for market, policy in zip(markets, policies, strict=True):
        # the reference divides by requests that can be subnormal (1e-312 t): the quotient
        # overflows to inf and min(1, inf) = 1 is the intended result, so no warning
        with np.errstate(over="ignore"):
            ref = run_reference_kernel(market, events[market.mineral], policy, params, n)
        fast = run_kernel(market, events[market.mineral], policy, params, n, workers=2)
        assert_equivalent(fast, ref, market.base_price_usd_per_kg * 1000.0)


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=scenarios())
def test_random_scenarios_agree_with_the_reference(data: dict[str, Any]) -> None:
    compare_kernels(shipped(), parse_scenario(data))


def everything(**overrides: Any) -> Scenario:
    """One scenario with every feature at once: concurrent restrictions by different
    imposers at both stages, outages at both stages, a surge, random arrivals, reserves
    with each release rule and budgets, a floor and a buyers' club."""
    ban = {"type": "export_restriction", "severity_share": 0.9, "leakage_share": 0.1}
    data: dict[str, Any] = {
        "name": "everything",
        "horizon_months": 48,
        "paths": 200,
        "seed": 11,
        "minerals": ["gallium", "graphite", "rare-earths", "cobalt"],
        "market": {"consumers": {"JPN": JAPAN}},
        "events": [
            {
                **ban,
                "imposer": ["CHN"],
                "minerals": ["gallium", "graphite"],
                "targets": ["all"],
                "announced_month": 1,
                "start_month": 3,
                "severity_half_life_months": 6,
                "severity_floor_share": 0.3,
            },
            {
                **ban,
                "imposer": ["CHN"],
                "minerals": ["graphite", "rare-earths"],
                "stage": "mining",
                "targets": ["ALLIANCE"],
                "start_month": {"dist": "uniform", "low": 0, "high": 12},
                "duration_months": 18,
            },
            {
                **ban,
                "imposer": ["MOZ"],
                "minerals": ["graphite"],
                "stage": "mining",
                "targets": ["all"],
                "start_month": 3,
            },
            {
                **ban,
                "imposer": ["RUS"],
                "minerals": ["gallium"],
                "targets": ["USA", "JPN"],
                "severity_share": {"dist": "uniform", "low": 0.2, "high": 1.0},
            },
            {
                **ban,
                "imposer": ["JPN"],
                "minerals": ["graphite"],
                "targets": ["USA"],
                "start_month": 2,
                "probability": 0.5,
            },
            {
                **ban,
                "imposer": ["FIN"],
                "minerals": ["cobalt"],
                "targets": ["all"],
                "start_month": 5,
            },
            {
                "type": "production_outage",
                "country": "COD",
                "minerals": ["cobalt"],
                "share_lost": {"dist": "uniform", "low": 0.1, "high": 0.6},
                "start_month": 4,
                "duration_months": 12,
            },
            {
                "type": "production_outage",
                "country": "CHN",
                "minerals": ["graphite"],
                "stage": "refining",
                "share_lost": 0.3,
                "start_month": 10,
            },
            {
                "type": "demand_surge",
                "minerals": ["rare-earths", "gallium"],
                "consumers": ["USA"],
                "increase_share": 0.4,
                "start_month": 6,
            },
            {
                "type": "stochastic_restrictions",
                "minerals": ["gallium", "rare-earths", "cobalt"],
                "rate_per_year": 4.0,
                "severity_share": {"dist": "uniform", "low": 0.3, "high": 1.0},
                "mean_duration_months": 12.0,
            },
        ],  # fmt: skip
        "policies": {
            "reserves": [
                {
                    "holder": "usa",
                    "members": {"USA": 1.0},
                    "minerals": ["gallium", "graphite", "cobalt"],
                    "target": {"days_of_consumption": 90},
                    "drawdown_trigger": {"price_ratio_above": 1.3, "shortfall_share_above": 0.05},
                    "release_allocation": "by_shortfall",
                    "replenish": {"price_ratio_below": 1.2, "budget_usd": 2.0e6},
                },
                {
                    "holder": "pool",
                    "members": {"USA": 0.5, "JPN": 0.5},
                    "minerals": ["gallium", "rare-earths", "graphite"],
                    "target": {"days_of_consumption": 60},
                    "initial_stock": {"days_of_consumption": 20},
                    "drawdown_trigger": {"price_ratio_above": 1.5},
                    "release_allocation": "by_consumption",
                    "replenish": {"price_ratio_below": 1.4, "max_purchase_share_per_month": 0.2},
                    "cost_sharing": "by_consumption",
                },
                {
                    "holder": "japan",
                    "members": {"JPN": 1.0},
                    "minerals": ["rare-earths", "cobalt"],
                    "target": {"tonnes": 500.0},
                    "drawdown_trigger": {"shortfall_share_above": 0.02},
                    "release_allocation": "by_cost_share",
                },
            ],
            "price_floors": [
                {"mineral": "rare-earths", "floor_usd_per_kg": 110.0, "covered": ["USA", "MYS"]}
            ],
            "buyers_clubs": [
                {
                    "name": "club",
                    "members": ["USA", "JPN"],
                    "approved_suppliers": ["ALLIANCE"],
                    "minerals": ["gallium", "cobalt"],
                    "share_of_member_demand": 0.5,
                }
            ],
        },
    }
    data.update(overrides)
    return parse_scenario(data)


def test_every_feature_at_once_agrees_with_the_reference(world: World) -> None:
    compare_kernels(world, everything())


def test_a_later_partial_batch_agrees_with_the_reference(world: World) -> None:
    """Chunks 2 and 3 of a 250-path run: a batch that does not start at path 0 and ends
    with a partial chunk."""
    compare_kernels(world, everything(paths=250), chunks=[2, 3])


# --- reproducibility ----------------------------------------------------------------------


def test_kernel_is_bit_identical_whatever_the_threads(world: World) -> None:
    scenario = everything(paths=300)
    model = build_model(world, scenario)
    markets, policies = list(model.markets), list(model.policies)
    params = dataclasses.replace(
        model.params,
        horizon=48,
        price_adjustment_share=0.5,
        max_price_ratio=10.0,
        rerouting_share=0.5,
        inventory_days=45.0,
        restock_share_per_month=0.1,
        withheld_home_share=1.0,
        producer_stock_days=20.0,
    )
    chunks = list(range(5))
    events = realise(model.events, markets, model.seed, model.horizon, chunks, scenario.paths)
    for market, policy in zip(markets, policies, strict=True):
        one = run_kernel(market, events[market.mineral], policy, params, 300, workers=1)
        three = run_kernel(market, events[market.mineral], policy, params, 300, workers=3)
        for name in one.arrays:
            np.testing.assert_array_equal(one[name], three[name], name)


def test_run_is_bit_identical_whatever_the_workers_and_batches(world: World) -> None:
    scenario = everything(paths=333, horizon_months=24)
    model = build_model(world, scenario)
    reference = to_dataset(simulate(model, workers=1, batch_size=1024))
    for workers, batch in ((2, 1024), (2, 64), (3, 200), (1, 128)):
        other = to_dataset(simulate(model, workers=workers, batch_size=batch))
        xr.testing.assert_identical(reference, other)


def test_split_range_covers_the_paths_in_whole_blocks() -> None:
    assert split_range(0, 2) == []
    assert split_range(10, 4) == [(0, 10)]
    parts = split_range(1000, 3, 64)
    assert parts[0][0] == 0
    assert parts[-1][1] == 1000
    assert all(a % 64 == 0 for a, _ in parts)
    assert all(b == c for (_, b), (c, _) in zip(parts, parts[1:], strict=False))


# --- streaming statistics -----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.floats(-1.0, 12.0, allow_nan=False),
            st.sampled_from([0.0, 1e-3, 0.1, 1.0, 10.0, 1e300, -1e300, np.nan]),
        ),
        min_size=1,
        max_size=300,
    ),
    log_scale=st.booleans(),
)
def test_histogram_bins_as_numpy(values: list[float], log_scale: bool) -> None:
    """Counts match ``np.searchsorted(edges, v, 'right')`` exactly, in any batching."""
    x = np.array(values)
    edges = log_edges(0.1, 10.0, 50) if log_scale else linear_edges(10.0, 50)
    hist = Histogram(edges, (2,), log_scale=log_scale)
    batch = np.stack([x, x[::-1]])
    sizes = [min(CHUNK, len(x) - i) for i in range(0, len(x), CHUNK)]
    hist.add(batch, sizes)
    for row in range(2):
        want = np.bincount(np.searchsorted(edges, batch[row], side="right"), minlength=52)
        np.testing.assert_array_equal(hist.counts[row], want)


def test_sums_do_not_depend_on_the_batches() -> None:
    rng = np.random.default_rng(3)
    values = rng.lognormal(0.0, 3.0, (4, 5, 1000))
    sizes = [CHUNK] * 15 + [40]
    whole = Sum.zeros((4, 5))
    whole.add(values, sizes)
    parts = Sum.zeros((4, 5))
    first = 0
    for n_chunks in (1, 7, 3, 5):  # batches of whole chunks, the last one partial
        these = sizes[first : first + n_chunks]
        start = sum(sizes[:first])
        parts.add(values[..., start : start + sum(these)], these)
        first += n_chunks
    np.testing.assert_array_equal(whole.total, parts.total)
    np.testing.assert_allclose(whole.total, values.sum(axis=-1), rtol=1e-12)
    assert whole.count == parts.count == 1000
