"""Market model v2: behaviours the storage price and the long-run responses must show.

Each test compares two runs that differ in one setting, on the tiny world or the
shipped data; none checks a value the model produced before (docs/methods.md,
"Prices from stocks" and "Long-run responses").
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import ban, run
from critmin.world.load import World


def path_price(ds: xr.Dataset, mineral: str = "gallium", segment: str = "alliance") -> Any:
    """The one path's monthly price ratio (the fan's median of a 1-path run)."""
    fan = ds["price_ratio_fan"].sel(mineral=mineral, segment=segment, fan_quantile=0.5)
    return fan.values


def shortfall(ds: xr.Dataset, mineral: str = "gallium", consumer: str = "WORLD") -> float:
    return float(ds["expected_shortfall_t"].sel(mineral=mineral, consumer=consumer))


#: A 3-month Chinese halt of gallium to the USA, starting in month 1.
HALT = ban(["gallium"], ["USA"], start_month=1, duration_months=3)


def test_more_stocks_lower_the_price_spike(tiny: World) -> None:
    """Competitive storage: stocks absorb a shock, so more of them mean a smaller spike."""
    peaks = []
    for days in (15.0, 45.0, 180.0):
        ds = run(tiny, horizon_months=12, events=[HALT], market={"inventory_days": days})
        peaks.append(float(path_price(ds).max()))
    assert peaks[0] > peaks[1] > peaks[2] > 1.0


def test_more_stocks_lower_the_gallium_replay_peak(world: World) -> None:
    """The shipped gallium halt (2023): 180 days of consumer stocks against 45 give a
    lower peak outside China and a smaller shortfall."""
    runs = {
        days: run(
            world,
            minerals=["gallium"],
            horizon_months=12,
            paths=1,
            events=[ban(["gallium"], ["all"], start_month=1, duration_months=3)],
            market={"inventory_days": days, "alliance": ["ALLIANCE", "ROW"]},
        )
        for days in (45.0, 180.0)
    }
    assert path_price(runs[180.0]).max() < path_price(runs[45.0]).max()
    assert shortfall(runs[180.0]) < shortfall(runs[45.0])


def test_prices_fall_back_after_a_halt_ends(tiny: World) -> None:
    """A price that rises must be able to fall: once the halt ends, the allied price
    falls from its peak back to within 10 % of baseline, and the shortfall ends."""
    ds = run(tiny, horizon_months=36, events=[HALT])
    price = path_price(ds)
    peak = int(np.argmax(price))
    assert price[peak] > 1.2
    assert peak <= 6
    assert abs(price[-1] - 1.0) < 0.1
    assert float(ds["unrecovered_share"].sel(mineral="gallium", consumer="USA")) == 0.0


def test_a_lasting_restriction_peaks_then_eases(tiny: World) -> None:
    """Under a restriction that stays in force, demand adapts and supply outside the
    imposer grows (long-run elasticities), so the allied price peaks and then falls
    while the restriction is still in force; without long-run responses it does not
    (after the storage price's small overshoot as stocks run out, it ends within 5 %
    of its peak and is not falling over its last year)."""
    lasting = ban(["gallium"], ["USA"], start_month=1, severity_share=0.5)
    ds = run(tiny, horizon_months=60, events=[lasting])
    price = path_price(ds)
    assert price.max() > 1.2
    assert price[-1] < 0.9 * price.max()
    static = run(
        tiny,
        horizon_months=60,
        events=[lasting],
        market={"long_run_demand_elasticity": -0.2, "long_run_supply_elasticity": 0.1},
    )
    flat = path_price(static)
    assert flat[-1] > price[-1]
    assert flat[-1] > 0.95 * flat.max()
    assert flat[-1] >= flat[-13]


def test_long_run_demand_response_cuts_the_shortfall(tiny: World) -> None:
    lasting = ban(["gallium"], ["USA"], start_month=1, severity_share=0.5)
    adapted = run(tiny, horizon_months=48, events=[lasting])
    rigid = run(
        tiny,
        horizon_months=48,
        events=[lasting],
        market={"long_run_demand_elasticity": -0.2, "long_run_supply_elasticity": 0.1},
    )
    assert shortfall(adapted) < shortfall(rigid)


def test_a_wide_spread_draws_volume_through_third_countries(tiny: World) -> None:
    """Leakage rises with the price spread: with room to leak (leakage_max_share 0.5)
    the imposer withholds less and the target is less short than with none."""
    lasting = ban(["gallium"], ["USA"], start_month=1)
    closed = run(tiny, horizon_months=12, events=[lasting], market={"leakage_max_share": 0.0})
    open_ = run(tiny, horizon_months=12, events=[lasting], market={"leakage_max_share": 0.5})
    assert float(open_["withheld_t"].sel(mineral="gallium")) < float(
        closed["withheld_t"].sel(mineral="gallium")
    )
    assert shortfall(open_, consumer="USA") < shortfall(closed, consumer="USA")
    # a restriction's own leakage above the maximum is kept (the maximum never lowers it)
    own = ban(["gallium"], ["USA"], start_month=1, leakage_share=0.6)
    kept = run(tiny, horizon_months=12, events=[own], market={"leakage_max_share": 0.0})
    wide = run(tiny, horizon_months=12, events=[own], market={"leakage_max_share": 0.6})
    np.testing.assert_allclose(
        kept["withheld_t"].sel(mineral="gallium"), wide["withheld_t"].sel(mineral="gallium")
    )


CHINA_40 = {"CHN": {"gallium": {"share_of_world_demand": 0.4, "source": "assumption: test"}}}


def test_the_imposers_glut_lowers_its_price_and_is_sold_off_after(tiny: World) -> None:
    """What China withholds stays in its stocks: its own price falls below baseline
    during the ban; after the ban China sells the stocks and its price recovers."""
    market = {"alliance": ["USA", "ROW"], "consumers": CHINA_40}
    ds = run(tiny, horizon_months=48, events=[HALT], market=market)
    china = path_price(ds, segment="rest")
    assert china[1:5].min() < 0.95
    assert abs(china[-1] - 1.0) < 0.05
    # more withheld (a longer ban), a deeper fall at home
    longer = run(
        tiny,
        horizon_months=48,
        events=[ban(["gallium"], ["USA"], start_month=1, duration_months=8)],
        market=market,
    )
    assert path_price(longer, segment="rest").min() < china.min()


def test_precaution_needs_withheld_volume(tiny: World) -> None:
    """The precautionary stock target scales with the volume withheld: a restriction
    that blocks nothing leaves the market at baseline; one that blocks some raises
    the allied price sooner with a precautionary share than without (the extra stock
    bought early is drawn later, so later prices can be lower)."""
    nothing = ban(["gallium"], ["USA"], start_month=1, severity_share=0.0)
    ds = run(tiny, horizon_months=12, events=[nothing], market={"precautionary_share": 1.0})
    np.testing.assert_allclose(path_price(ds), 1.0, rtol=0, atol=1e-12)
    some = ban(["gallium"], ["USA"], start_month=1, severity_share=0.3)
    calm = run(tiny, horizon_months=12, events=[some], market={"precautionary_share": 0.0})
    wary = run(tiny, horizon_months=12, events=[some], market={"precautionary_share": 0.5})
    assert path_price(wary)[2] > path_price(calm)[2] > 1.0


def test_a_reserve_never_buys_while_its_members_are_short(tiny: World) -> None:
    """A US reserve that wants to buy (below 1.4x the baseline price, toward 50 t) buys
    in calm months, but never in a month after one in which the USA was short, on any
    path of a random halt."""
    from builders import scenario
    from critmin.engine.run import simulate
    from critmin.model import build_model
    from critmin.results import to_dataset

    reserve = {
        "holder": "usa",
        "members": {"USA": 1.0},
        "minerals": ["gallium"],
        "target": {"tonnes": 50.0},
        "initial_stock": {"tonnes": 0.0},
        "drawdown_trigger": {"price_ratio_above": 1.5, "shortfall_share_above": None},
        "max_release_share_per_month": 0.1,
        "replenish": {"price_ratio_below": 1.4, "max_purchase_share_per_month": 0.05},
    }
    halt = {
        **ban(["gallium"], ["USA"]),
        "start_month": {"dist": "uniform", "low": 2, "high": 10},
        "duration_months": {"dist": "uniform", "low": 1, "high": 6},
        "probability": 0.7,
    }
    model = build_model(
        tiny,
        scenario(horizon_months=24, paths=40, events=[halt], policies={"reserves": [reserve]}),
    )
    ds = to_dataset(simulate(model, keep_paths=40))
    unmet = ds["path_unmet_t"].sel(mineral="gallium", consumer="USA").values  # month, path
    demand = ds["path_demand_t"].sel(mineral="gallium", consumer="USA").values
    bought = ds["path_reserve_purchase_usd"].sel(mineral="gallium", holder="usa").values
    short = unmet > 1e-9 * demand
    assert short.any()
    assert (bought[0] > 0).all()  # it buys in calm months
    after_short = short[:-1]
    assert after_short.any()
    assert (bought[1:][after_short] == 0).all()


# --- what a reserve does, against the same draws without it ------------------------------

#: A US-Japan gallium reserve, full at the start, that only releases.
STOCK_ONLY = {
    "holder": "allies",
    "members": {"USA": 1.0, "JPN": 1.0},
    "minerals": ["gallium"],
    "target": {"tonnes": 20.0},
    "initial_stock": {"tonnes": 20.0},
    "drawdown_trigger": {"price_ratio_above": 1.5, "shortfall_share_above": 0.02},
    "max_release_share_per_month": 0.2,
    "replenish": None,
}
#: Japan as an explicit gallium consumer of the tiny world (20 of its 100 t a year).
WITH_JAPAN = {
    "consumers": {"JPN": {"gallium": {"share_of_world_demand": 0.2, "source": "assumption: test"}}}
}
#: A random Chinese gallium halt on the USA and Japan.
RANDOM_HALT = {
    **ban(["gallium"], ["USA", "JPN"]),
    "start_month": {"dist": "uniform", "low": 1, "high": 8},
    "duration_months": {"dist": "uniform", "low": 1, "high": 12},
    "severity_share": {"dist": "uniform", "low": 0.2, "high": 1.0},
    "probability": 0.8,
}


def test_the_counterfactual_is_the_same_run_without_reserves(tiny: World) -> None:
    """The paired figures of a run are those of separate runs of its first paired
    paths (rounded up to whole chunks: 130 -> 192 of 200) without the reserves and
    with them, to the last bit, whatever the batch size; a mineral without reserves
    has none (NaN); with ``counterfactual_paths=0`` there are none at all."""
    from builders import scenario
    from critmin.engine.run import simulate
    from critmin.model import build_model
    from critmin.results import to_dataset

    model = build_model(
        tiny,
        scenario(
            horizon_months=24, paths=200, events=[RANDOM_HALT], minerals=["gallium", "graphite"],
            market={**WITH_JAPAN, "base_prices_usd_per_kg": {"graphite": 1.0}},
            policies={"reserves": [STOCK_ONLY]},
        ),
    )  # fmt: skip
    ds = to_dataset(simulate(model, batch_size=128, counterfactual_paths=130))
    assert ds.attrs["paired_paths"] == 192
    again = to_dataset(simulate(model, batch_size=64, counterfactual_paths=130))
    xr.testing.assert_identical(ds, again)
    bare = to_dataset(simulate(model.without_reserves(), paths=192)).sel(mineral="gallium")
    same = to_dataset(simulate(model, paths=192, counterfactual_paths=0)).sel(mineral="gallium")
    assert "expected_shortfall_without_reserves_t" not in same
    gallium = ds.sel(mineral="gallium")
    for name, paired, plain in (
        ("expected_shortfall_without_reserves_t", "expected_shortfall_paired_t",
         "expected_shortfall_t"),
        ("cvar95_shortfall_without_reserves_t", "cvar95_shortfall_paired_t",
         "cvar95_shortfall_t"),
        ("peak_price_ratio_without_reserves_mean", "peak_price_ratio_paired_mean",
         "peak_price_ratio_mean"),
    ):  # fmt: skip
        np.testing.assert_array_equal(gallium[name].values, bare[plain].values)
        np.testing.assert_array_equal(gallium[paired].values, same[plain].values)
        assert np.isnan(ds.sel(mineral="graphite")[name].values).all()
    removed = (
        gallium["expected_shortfall_without_reserves_t"] - gallium["expected_shortfall_paired_t"]
    )
    assert float(removed.sel(consumer="WORLD")) > 0  # the reserve works
    lean = to_dataset(simulate(model, batch_size=64, counterfactual_paths=0))
    paired = [v for v in ds if "without" in v or "paired" in v]
    assert not [v for v in lean if v in paired]
    xr.testing.assert_identical(lean, ds.drop_vars(paired).assign_attrs(paired_paths=0))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    members=st.sampled_from([{"USA": 1.0}, {"JPN": 1.0}, {"USA": 1.0, "JPN": 2.0}]),
    stock=st.floats(0.5, 60.0),
    trigger_price=st.floats(1.0, 4.0),
    trigger_short=st.floats(0.0, 0.3),
    release=st.floats(0.02, 1.0),
    allocation=st.sampled_from(["by_shortfall", "by_consumption", "by_cost_share"]),
    leakage=st.floats(0.0, 0.5),
    seed=st.integers(1, 10_000),
)
def test_a_reserve_with_stock_never_raises_its_members_shortfall(
    tiny: World,
    members: dict[str, float],
    stock: float,
    trigger_price: float,
    trigger_short: float,
    release: float,
    allocation: str,
    leakage: float,
    seed: int,
) -> None:
    """Under identical draws (the run's own counterfactual), a reserve that holds stock
    and releases it by any trigger, rate and allocation rule never raises its
    members' expected shortfall, together or one by one.

    The reserve makes no purchases: a reserve that buys competes with consumers for
    supply, and the run reports that cost as a negative shortfall removed (see
    docs/methods.md, "Strategic reserves")."""
    reserve = {
        **STOCK_ONLY,
        "members": members,
        "target": {"tonnes": stock},
        "initial_stock": {"tonnes": stock},
        "drawdown_trigger": {
            "price_ratio_above": trigger_price,
            "shortfall_share_above": trigger_short,
        },
        "max_release_share_per_month": release,
        "release_allocation": allocation,
    }
    ds = run(
        tiny,
        horizon_months=36,
        paths=64,
        seed=seed,
        events=[{**RANDOM_HALT, "leakage_share": leakage}],
        market=WITH_JAPAN,
        policies={"reserves": [reserve]},
    )
    assert ds.attrs["paired_paths"] == 64  # every path
    cell = ds.sel(mineral="gallium", consumer=list(members))
    with_, without = cell["expected_shortfall_t"], cell["expected_shortfall_without_reserves_t"]
    assert float(with_.sum()) <= float(without.sum()) * (1 + 1e-9) + 1e-9
    assert (with_ <= without * (1 + 1e-9) + 1e-9).all()


def test_a_release_covers_demand_the_price_rationed(tiny: World) -> None:
    """With price-responsive demand, a halt rations the USA by price more than by volume.
    A triggered reserve whose release cap does not bind covers the USA's whole gap to
    what it wants at baseline prices, so in such months the USA has no unmet demand;
    without the reserve it is short in those same months (same draws)."""
    from builders import scenario
    from critmin.engine.run import simulate
    from critmin.model import build_model
    from critmin.results import to_dataset

    reserve = {
        **STOCK_ONLY,
        "members": {"USA": 1.0},
        "target": {"tonnes": 60.0},
        "initial_stock": {"tonnes": 60.0},
        "drawdown_trigger": {"price_ratio_above": 1.2, "shortfall_share_above": 0.01},
        "max_release_share_per_month": 0.5,  # 30 t a month: more than the USA's demand
    }
    halt = {**RANDOM_HALT, "targets": ["USA"], "probability": 1.0}
    model = build_model(
        tiny,
        scenario(
            horizon_months=24, paths=64, events=[halt], market={"demand_elasticity": -0.4},
            policies={"reserves": [reserve]},
        ),
    )  # fmt: skip
    ds = to_dataset(simulate(model, keep_paths=64))
    bare = to_dataset(simulate(model.without_reserves(), keep_paths=64))
    released = ds["path_reserve_release_t"].sel(mineral="gallium", holder="allies").values
    stock = ds["path_reserve_stock_t"].sel(mineral="gallium", holder="allies").values
    unmet = ds["path_unmet_t"].sel(mineral="gallium", consumer="USA").values
    before = bare["path_unmet_t"].sel(mineral="gallium", consumer="USA").values
    covered = (released > 0) & (stock > 1e-9)  # released, and neither stock nor cap binding
    assert covered.sum() > 20
    assert (unmet[covered] <= 1e-9).all()
    assert (before[covered] > 1e-6).mean() > 0.9
