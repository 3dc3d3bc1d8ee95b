"""critmin.finance: price instruments, contracts and cash flows, checked by hand, by
brute force and against numpy-financial (a peer implementation of NPV, IRR and PMT
used as the oracle)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy_financial as npf
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from critmin.errors import CritminError
from critmin.finance import (
    Contract,
    IrrStatus,
    PriceTerms,
    SplitRule,
    annual,
    annuity_payment,
    border_adjusted_floor,
    cfd_floor,
    contract_payments,
    cost_distribution,
    covenant_probability,
    cvar,
    debt_schedule,
    dscr,
    irr,
    min_dscr,
    npv,
    split_cost,
)

# -- price floors ------------------------------------------------------------------------


def test_constant_price_below_the_floor_pays_the_gap_times_the_volume() -> None:
    """60 USD/kg against a 110 floor on 500 t a month for 24 months: 50 * 500,000 kg =
    US$25 M a month, every month; nothing comes back without a ceiling."""
    out = cfd_floor(np.full((3, 24), 60.0), 500.0, 110.0)
    np.testing.assert_array_equal(out.fiscal_cost_usd, 25e6)
    np.testing.assert_array_equal(out.upside_usd, 0.0)
    assert out.paying.all()
    dist = cost_distribution(out.fiscal_cost_usd, out.covered_t, out.paying)
    assert dist.expected_annual_usd == pytest.approx(12 * 25e6)
    assert dist.p95_annual_usd == pytest.approx(12 * 25e6)
    assert dist.cvar95_annual_usd == pytest.approx(12 * 25e6)
    assert dist.usd_per_t_secured == pytest.approx(50.0 * 1000)  # the gap per tonne
    assert dist.paying_probability_by_year == [1.0, 1.0]


def test_floor_ceiling_cap_and_term_by_hand() -> None:
    """Floor 110, ceiling 150, 30 % of the upside back (the MP Materials form), at most
    100 t a month covered, for the first two of three months."""
    price = np.array([[90.0, 200.0, 50.0]])
    out = cfd_floor(price, 120.0, 110.0, ceiling_usd_per_kg=150.0, upside_share=0.3,
                    volume_cap_t=100.0, term_months=2)  # fmt: skip
    # month 0: (110-90) * 100 t * 1000; month 1: -0.3 * (200-150) * 100,000; month 2: out of term
    np.testing.assert_allclose(out.fiscal_cost_usd, [[2.0e6, -1.5e6, 0.0]])
    np.testing.assert_allclose(out.covered_t, [[100.0, 100.0, 0.0]])
    np.testing.assert_array_equal(out.paying, [[True, False, False]])


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"floor_usd_per_kg": -1.0}, "floor_usd_per_kg"),
        ({"floor_usd_per_kg": float("nan")}, "floor_usd_per_kg"),
        ({"floor_usd_per_kg": 110.0, "ceiling_usd_per_kg": 100.0}, "ceiling_usd_per_kg"),
        ({"floor_usd_per_kg": 110.0, "upside_share": 1.5}, "upside_share"),
    ],
)
def test_bad_floor_terms_are_refused(kwargs: dict[str, float], where: str) -> None:
    with pytest.raises(CritminError) as info:
        cfd_floor(np.ones((1, 2)), 1.0, **kwargs)  # type: ignore[arg-type]
    assert info.value.where == where


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(1.0, 400.0), min_size=12, max_size=36),
    st.floats(0.0, 300.0),
    st.floats(0.0, 1000.0),
)
def test_floor_cost_is_the_sum_of_the_gaps_by_brute_force(
    prices: list[float], floor: float, volume: float
) -> None:
    out = cfd_floor(np.array([prices]), volume, floor)
    expected = sum(max(floor - p, 0.0) * volume * 1000.0 for p in prices)
    assert float(out.fiscal_cost_usd.sum()) == pytest.approx(expected, rel=1e-12, abs=1e-6)


def test_border_adjusted_floor_by_hand() -> None:
    """Imports at 80 against a floor of 100, 1,000 t, import elasticity -0.5: the
    landed price is 100, imports fall to 1000 * (100/80)^-0.5 = 894.43 t, revenue
    20 USD/kg on them; above the floor nothing changes."""
    out = border_adjusted_floor(np.array([[80.0, 120.0]]), 1000.0, 100.0, import_elasticity=-0.5)
    kept = 1000.0 * (100.0 / 80.0) ** -0.5
    np.testing.assert_allclose(out.imports_t, [[kept, 1000.0]])
    np.testing.assert_allclose(out.revenue_usd, [[20.0 * kept * 1000.0, 0.0]])
    np.testing.assert_allclose(out.buyer_price_usd_per_kg, [[100.0, 120.0]])
    np.testing.assert_allclose(out.displaced_t, [[1000.0 - kept, 0.0]])
    with pytest.raises(CritminError, match="out of range"):
        border_adjusted_floor(80.0, 1.0, 100.0, import_elasticity=0.5)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0.0, 1e6), min_size=1, max_size=8),
    st.sampled_from(list(SplitRule)),
)
def test_split_cost_adds_up_to_the_whole(weights: list[float], rule: SplitRule) -> None:
    members = {f"m{i}": w for i, w in enumerate(weights)}
    if sum(weights) == 0 and rule == SplitRule.PRO_RATA:
        with pytest.raises(CritminError):
            split_cost(np.array([10.0]), members, rule)
        return
    shares = split_cost(np.array([123.0, 0.0]), members, rule)
    np.testing.assert_allclose(sum(shares.values()), [123.0, 0.0])
    if rule == SplitRule.EQUAL:
        assert len({float(v[0]) for v in shares.values()}) == 1


# -- contracts ---------------------------------------------------------------------------


def test_a_collar_with_the_market_inside_it_costs_nothing_extra() -> None:
    market = np.array([[12.0, 15.0, 18.0]])
    collar = Contract(5.0, PriceTerms.COLLAR, floor_usd_per_kg=10.0, ceiling_usd_per_kg=20.0)
    out = contract_payments(collar, market)
    np.testing.assert_array_equal(out.extra_cost_usd, 0.0)
    np.testing.assert_allclose(out.paid_usd, market * 5.0 * 1000.0)


def test_contract_terms_by_hand() -> None:
    """Index-linked at a 10 % discount; a fixed price with 80 % take-or-pay, which the
    buyer honours when the market falls below the contract price."""
    index = contract_payments(Contract(2.0, PriceTerms.INDEX, discount_share=0.1),
                              np.array([[100.0]]))  # fmt: skip
    assert float(index.paid_usd[0, 0]) == pytest.approx(90.0 * 2000.0)
    assert float(index.extra_cost_usd[0, 0]) == pytest.approx(-10.0 * 2000.0)
    fixed = Contract(10.0, PriceTerms.FIXED, price_usd_per_kg=50.0, take_or_pay_share=0.8,
                     term_months=2)  # fmt: skip
    out = contract_payments(fixed, np.array([[60.0, 40.0, 40.0]]), available_t=6.0)
    np.testing.assert_allclose(out.taken_t, [[6.0, 4.8, 0.0]])  # at most 6 t offered
    np.testing.assert_allclose(out.paid_usd, [[300e3, 240e3, 0.0]])
    np.testing.assert_allclose(out.extra_cost_usd, [[-60e3, 48e3, 0.0]])
    with pytest.raises(CritminError, match="ceiling is below the floor"):
        Contract(1.0, PriceTerms.COLLAR, floor_usd_per_kg=20.0, ceiling_usd_per_kg=10.0)
    with pytest.raises(CritminError, match="needs its price"):
        Contract(1.0, PriceTerms.FIXED)


# -- cash flows --------------------------------------------------------------------------


def test_npv_of_a_hand_built_cash_flow() -> None:
    """-1,000 now, then 300 a year for five years at 8 %: by hand
    -1000 + 300 (1 - 1.08^-5) / 0.08 = 197.81."""
    flows = np.array([-1000.0, 300, 300, 300, 300, 300])
    by_hand = -1000.0 + 300.0 * (1 - 1.08**-5) / 0.08
    assert float(npv(0.08, flows)) == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(197.81, abs=0.01)
    assert float(npv(0.08, flows)) == pytest.approx(npf.npv(0.08, flows), rel=1e-12)


@settings(max_examples=80, deadline=None)
@given(
    st.floats(100.0, 1e4),
    # money amounts: none, or at least a thousandth of a unit (not 1e-300, where the
    # oracle's polynomial roots break down)
    st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 5e3)), min_size=2, max_size=25).filter(
        lambda v: max(v) >= 1.0
    ),
)
def test_irr_of_conventional_flows_matches_numpy_financial(
    outlay: float, inflows: list[float]
) -> None:
    """One outlay then inflows (at least one of a unit or more): one sign change, so
    exactly one IRR, numpy-financial's."""
    flows = np.array([-outlay, *inflows])
    out = irr(flows[None, :])
    oracle = npf.irr(flows)
    assert out.status[0] == IrrStatus.UNIQUE
    assert float(out.rate[0]) == pytest.approx(oracle, rel=1e-6, abs=1e-9)
    assert float(npv(float(out.rate[0]), flows)) == pytest.approx(0.0, abs=1e-6 * outlay)


def test_irr_edge_cases() -> None:
    """No sign change: no IRR. -100, +230, -132 (two sign changes): NPV is zero at both
    10 % and 20 %, so there is no single IRR. All zeros: none."""
    out = irr(np.array([[100.0, 50.0, 10.0], [-100.0, 230.0, -132.0], [0.0, 0.0, 0.0]]))
    assert out.status.tolist() == [IrrStatus.NONE, IrrStatus.MULTIPLE, IrrStatus.NONE]
    assert np.isnan(out.rate).all()
    for rate in (0.1, 0.2):  # the two roots, by hand
        assert float(npv(rate, np.array([-100.0, 230.0, -132.0]))) == pytest.approx(0.0, abs=1e-9)


def test_annuity_and_dscr_on_a_textbook_example() -> None:
    """A 1,000 loan at 8 % over 10 years pays 149.03 a year (numpy-financial's PMT);
    cash flow available for debt service of 193.74 covers it 1.30 times."""
    payment = annuity_payment(1000.0, 0.08, 10)
    assert payment == pytest.approx(-npf.pmt(0.08, 10, 1000.0), rel=1e-12)
    service = debt_schedule(1000.0, 0.08, 10, 14, first_year=2)
    assert service[:2].tolist() == [0.0, 0.0]
    assert service[12:].tolist() == [0.0, 0.0]
    # the payments repay the loan: valued a year before the first, they are the principal
    assert float(npv(0.08, service[2:12])) == pytest.approx(1000.0 * 1.08, rel=1e-12)
    cfads = np.full(14, payment * 1.3)
    cfads[5] = payment * 1.1
    ratios = dscr(cfads[None, :], service)
    assert np.isnan(ratios[0, :2]).all()
    assert float(min_dscr(ratios)[0]) == pytest.approx(1.1)
    assert covenant_probability(ratios, 1.3) == 0.0
    assert covenant_probability(dscr(np.full((1, 14), payment * 1.3), service), 1.3) == 1.0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 200.0))
def test_a_floor_never_lowers_the_covenant_probability(seed: int, floor: float) -> None:
    """The same price draws with and without a floor (no ceiling): revenue is never
    lower with it, so no path that met the covenant stops meeting it."""
    rng = np.random.default_rng(seed)
    months = 120
    price = 80.0 * np.exp(np.cumsum(rng.normal(0, 0.08, size=(200, months)), axis=1))
    volume, opex = 100.0, 60.0  # t a month; USD/kg
    market = (price - opex) * volume * 1000.0
    top_up = cfd_floor(price, volume, floor).fiscal_cost_usd
    service = debt_schedule(40e6, 0.07, 8, 10, first_year=1)
    without = dscr(annual(market), service)
    with_ = dscr(annual(market + top_up), service)
    assert covenant_probability(with_) >= covenant_probability(without)
    assert np.all(np.nan_to_num(with_ - without, nan=0.0) >= -1e-12)


def test_cvar_by_brute_force() -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(size=1000)
    assert cvar(values, 0.95) == pytest.approx(np.sort(values)[-50:].mean(), rel=1e-12)
    assert cvar(np.array([1.0, 2.0, 3.0, 4.0]), 0.5) == 3.5


def test_annual_sums_by_year_and_keeps_a_partial_year() -> None:
    monthly = np.arange(1.0, 15.0)[None, :]  # 14 months
    np.testing.assert_array_equal(annual(monthly), [[78.0, 27.0]])


def test_cost_distribution_by_hand() -> None:
    """Two paths, 24 months: path 0 pays 1 a month in year 1 only, path 1 nothing. Yearly
    costs 12, 0 (path 0) and 0, 0: mean 3; the floor pays in year 1 on half the paths."""
    cost = np.zeros((2, 24))
    cost[0, :12] = 1.0
    dist = cost_distribution(cost, np.ones((2, 24)))
    assert dist.expected_annual_usd == 3.0
    assert dist.expected_total_usd == 6.0
    assert dist.usd_per_t_secured == pytest.approx(6.0 / 24.0)
    assert dist.paying_probability_by_year == [0.5, 0.0]
    assert dist.cvar95_annual_usd == 12.0


# -- a floor on simulated paths ------------------------------------------------------------

FLOOR_SCENARIO = """
name: floor-test
horizon_months: 36
paths: 64
seed: 11
events:
  - type: export_restriction
    imposer: CHN
    minerals: [rare-earths]
    targets: [USA, JPN]
    start_month: 3
    duration_months: {dist: triangular, low: 3, mode: 9, high: 24}
    severity_share: {dist: uniform, low: 0.3, high: 0.9}
"""


@pytest.fixture(scope="module")
def floor_run() -> tuple[Any, Any]:
    from critmin.api import build_model, load_world, simulate
    from critmin.finance.floors import FloorTerms, with_floor
    from critmin.scenario import parse_scenario

    terms = FloorTerms("rare-earths", 110.0, ("USA", "AUS", "MYS"), covered_share=0.8)
    scenario = with_floor(parse_scenario(yaml.safe_load(FLOOR_SCENARIO)), terms)
    results = simulate(build_model(load_world(), scenario), keep_paths=64)
    return results.dataset, terms


def test_the_floor_priced_on_the_paths_is_the_simulators_floor_cost(
    floor_run: tuple[Any, Any],
) -> None:
    """On the same kept paths, (floor - segment price) on the covered output of each
    segment equals what the simulator's kernel paid the covered producers."""
    from critmin.finance.floors import floor_payments

    ds, terms = floor_run
    payments = floor_payments(ds, terms)
    simulated = ds.sel(mineral="rare-earths")["path_floor_cost_usd"].transpose("path", "month")
    assert float(simulated.sum()) > 0
    np.testing.assert_allclose(payments.fiscal_cost_usd, simulated.values, rtol=1e-12, atol=1e-3)
    # the covered output is the covered producers' output times the covered share
    cover = ds.sel(mineral="rare-earths")["path_floor_covered_t"]
    np.testing.assert_allclose(payments.covered_t, cover.sum("segment").transpose("path", "month"))


def test_contract_terms_on_the_paths_by_hand(floor_run: tuple[Any, Any]) -> None:
    """A ceiling returns upside, a cap scales the covered tonnes, a term stops payments,
    each checked against the path arrays directly."""
    from dataclasses import replace

    from critmin.finance.floors import floor_payments, floor_report

    ds, terms = floor_run
    one = ds.sel(mineral="rare-earths")
    base = float(one["base_price_usd_per_kg"])
    price = one["path_price_ratio"].transpose("segment", "path", "month").values * base
    cover = one["path_floor_covered_t"].transpose("segment", "path", "month").values
    capped = floor_payments(ds, replace(terms, ceiling_usd_per_kg=150.0, upside_share=0.3,
                                        term_months=12))  # fmt: skip
    top = (np.maximum(110.0 - price, 0) * cover).sum(axis=0) * 1000.0
    up = (0.3 * np.maximum(price - 150.0, 0) * cover).sum(axis=0) * 1000.0
    expected = (top - up)[:, :12]
    np.testing.assert_allclose(capped.fiscal_cost_usd[:, :12], expected, rtol=1e-12, atol=1e-3)
    assert np.all(capped.fiscal_cost_usd[:, 12:] == 0)
    limit = float(cover.sum(axis=0).max()) / 2
    halved = floor_payments(ds, replace(terms, volume_cap_t=limit))
    assert float(halved.covered_t.max()) == pytest.approx(limit)
    report = floor_report(ds, terms)
    assert report["expected_total_cost_usd"] == pytest.approx(
        report["simulator_expected_floor_cost_usd"], rel=1e-12
    )
    assert len(report["paying_probability_by_year"]) == 3


def test_a_term_longer_than_the_horizon_is_refused() -> None:
    from critmin.finance.floors import FloorTerms, with_floor
    from critmin.scenario import parse_scenario

    scenario = parse_scenario(yaml.safe_load(FLOOR_SCENARIO))
    with pytest.raises(CritminError, match="longer than the scenario's horizon"):
        with_floor(scenario, FloorTerms("rare-earths", 110.0, ("USA",), term_months=37))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--level", "-5"], "--level: value out of range"),
        (["--level", "nan"], "--level: value out of range"),
        (["--level", "110", "--ceiling", "100"], "--ceiling: the ceiling is below the floor"),
        (["--level", "110", "--upside-share", "2"], "--upside-share: value out of range"),
        (["--level", "110", "--paths", "0"], "--paths: value out of range"),
        (["--level", "110", "--term-months", "0"], "--term-months: value out of range"),
        (["--level", "110", "--covered", "XXX"], "XXX"),
    ],
)
def test_floor_command_refuses_bad_input(args: list[str], message: str) -> None:
    from typer.testing import CliRunner

    from critmin.cli import app

    result = CliRunner().invoke(app, ["floor", "rare-earths", *args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_floor_command_json(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from critmin.cli import app

    scenario = tmp_path / "s.yaml"
    scenario.write_text(FLOOR_SCENARIO, encoding="utf-8")
    result = CliRunner().invoke(app, ["floor", "rare-earths", "--level", "110", "--covered",
                                      "USA,AUS,MYS", "--scenario", str(scenario), "--paths",
                                      "40", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["paths"] == 40
    assert report["expected_total_cost_usd"] == pytest.approx(
        report["simulator_expected_floor_cost_usd"], rel=1e-12
    )
    assert report["p95_annual_cost_usd"] <= report["cvar95_annual_cost_usd"] + 1e-6
    assert 0 <= min(report["paying_probability_by_year"]) <= 1


# -- project cash flows --------------------------------------------------------------------


def _tiny_project(**changes: Any) -> Any:
    from critmin.finance.projects import ProjectFinance

    base = {
        "project_id": "tiny",
        "capex_usd": 100e6,
        "nameplate_t": 1000.0,  # t a year
        "unit_opex_usd_per_kg": 20.0,
        "capex_schedule": (0.4, 0.6),
        "ramp_up": (0.5,),
        "royalty_share": 0.05,
        "tax_rate": 0.3,
        "depreciation_years": 5,
        "gearing_share": 0.6,
        "debt_rate": 0.08,
        "debt_tenor_years": 5,
        "discount_rate": 0.1,
    }
    return ProjectFinance(**{**base, **changes})


def test_project_cash_flows_by_hand() -> None:
    """Build over two years (40 %, 60 % of US$100 M), then 500 t, then 1,000 t a year at
    a constant US$50/kg: revenue 25 M then 50 M; opex 10 M then 20 M; royalties 5 %;
    depreciation 20 M a year; the 60 M loan repaid over 5 years at 8 %."""
    from critmin.finance.projects import project_cash_flows

    project = _tiny_project()
    flows = project_cash_flows(project, np.full((1, 8), 50.0))
    np.testing.assert_allclose(flows.output_t[0], [0, 0, 500, 1000, 1000, 1000, 1000, 1000])
    np.testing.assert_allclose(flows.revenue[0, 2:4], [25e6, 50e6])
    np.testing.assert_allclose(flows.opex[0, 2:4], [10e6, 20e6])
    np.testing.assert_allclose(flows.royalties[0, 2:4], [1.25e6, 2.5e6])
    payment = 60e6 * 0.08 / (1 - 1.08**-5)
    np.testing.assert_allclose(flows.debt_service[0], [0, 0, *[payment] * 5, 0])
    interest2 = 60e6 * 0.08
    tax2 = 0.3 * max(25e6 - 10e6 - 1.25e6 - 20e6 - interest2, 0.0)  # a loss: no tax
    assert tax2 == 0.0
    interest3 = (60e6 - (payment - interest2)) * 0.08
    tax3 = 0.3 * (50e6 - 20e6 - 2.5e6 - 20e6 - interest3)
    np.testing.assert_allclose(flows.tax[0, 2:4], [tax2, tax3])
    np.testing.assert_allclose(flows.project[0, :2], [-40e6, -60e6])
    np.testing.assert_allclose(flows.cfads[0, 3], 50e6 - 20e6 - 2.5e6 - tax3)
    # equity puts in the 40 % the loan does not
    np.testing.assert_allclose(flows.equity[0, :2], [-16e6, -24e6])


def test_australian_processing_offset_lowers_tax_by_a_tenth_of_opex() -> None:
    from critmin.finance.projects import Support, project_cash_flows

    project = _tiny_project(processing_offset_share=0.1)
    price = np.full((1, 8), 50.0)
    with_ = project_cash_flows(project, price)
    without = project_cash_flows(project, price, Support(tax_incentive=False))
    np.testing.assert_allclose(without.tax - with_.tax, 0.1 * with_.opex)


def test_bankability_and_the_tipping_floor_against_a_grid() -> None:
    """Random price paths around a level too low for the covenant: a floor lifts the
    covenant probability; the bisection's tipping floor is the grid's first level that
    reaches the target (to the grid step), and the probability never falls."""
    from critmin.finance.projects import Support, bankability, project_cash_flows, tipping_floor

    rng = np.random.default_rng(7)
    price = 38.0 * np.exp(rng.normal(0, 0.25, size=(300, 12)))
    project = _tiny_project()
    bare = bankability(project_cash_flows(project, price), project)
    assert bare.covenant_probability < 0.8
    grid = np.arange(0.0, 120.0, 0.5)
    probs = []
    for level in grid:  # the covenant alone, as the bisection computes it
        flows = project_cash_flows(project, price, Support(floor_usd_per_kg=level))
        probs.append(covenant_probability(dscr(flows.cfads, flows.debt_service)))
    assert all(b >= a for a, b in zip(probs, probs[1:], strict=False))
    first = grid[int(np.argmax(np.array(probs) >= 0.8))]
    found = tipping_floor(project, price, target=0.8, tolerance_usd_per_kg=0.01)
    assert found is not None
    assert first - 0.5 <= found <= first + 0.01
    summary = bare.summary()
    assert set(summary["irr_status_shares"]) == {"unique", "none", "multiple"}
    assert sum(summary["irr_status_shares"].values()) == pytest.approx(1.0)


def test_offtake_and_club_add_revenue_by_hand() -> None:
    from critmin.finance.projects import Support, project_cash_flows

    project = _tiny_project()
    price = np.full((1, 8), 50.0)
    base = project_cash_flows(project, price).revenue
    offtake = project_cash_flows(
        project, price, Support(offtake_share=0.5, offtake_usd_per_kg=70.0)
    )
    np.testing.assert_allclose(offtake.revenue, base * (0.5 + 0.5 * 70.0 / 50.0))
    club = project_cash_flows(project, price, Support(club_share=0.25, club_premium_usd_per_kg=4.0))
    np.testing.assert_allclose(club.revenue, base * (50.0 + 0.25 * 4.0) / 50.0)
    with pytest.raises(CritminError, match="do not add up to 1"):
        _tiny_project(capex_schedule=(0.5, 0.4))


def test_project_parameters_from_a_table_row() -> None:
    from critmin.finance.projects import from_table_row, output_profile

    row: dict[str, object] = {
        "project_id": "p",
        "capex_usd": 300e6,
        "capex_years": 3,
        "capex_schedule": "",
        "ramp_up_years": 2,
        "nameplate_t_per_year": 900.0,
        "unit_opex_usd_per_kg": 12.0,
        "sustaining_capex_usd_per_year": None,
        "royalty_share": 0.0,
        "tax_rate_share": 0.3,
        "processing_tax_offset_share": 0.1,
        "gearing_share": 0.5,
        "debt_tenor_years": 8,
        "debt_rate_share": 0.07,
    }
    project = from_table_row(row)
    assert project.capex_schedule == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    np.testing.assert_allclose(output_profile(project, 7), [0, 0, 0, 300, 600, 900, 900])
    assert project.sustaining_capex_usd == 0.0
    assert from_table_row({**row, "capex_schedule": "0.2;0.8"}).capex_schedule == (0.2, 0.8)
    with pytest.raises(CritminError) as info:
        from_table_row({**row, "unit_opex_usd_per_kg": None, "gearing_share": ""})
    assert "missing unit_opex_usd_per_kg, gearing_share" in str(info.value)
    # without debt, no debt terms are needed
    bare = from_table_row(
        {**row, "gearing_share": 0.0, "debt_tenor_years": "", "debt_rate_share": ""}
    )
    assert bare.gearing_share == 0.0


def test_the_shipped_projects_that_have_every_figure_build_cash_flows() -> None:
    """Each shipped project_finance row either builds a project (and its cash flows on a
    flat price) or is refused for naming what it lacks; never a number from nothing."""
    from critmin.api import load_world
    from critmin.finance.projects import from_table_row, project_cash_flows

    table = load_world().table("project_finance")
    built, refused = [], []
    for row in table.to_dict(orient="records"):
        try:
            project = from_table_row(row)
        except CritminError as exc:
            refused.append((row["project_id"], str(exc)))
            continue
        flows = project_cash_flows(project, np.full((1, 20), 50.0))
        assert float(flows.capex.sum()) == pytest.approx(project.capex_usd, rel=1e-9)
        built.append(row["project_id"])
    assert "nmg-becancour" in built
    assert all("incomplete" in message and "missing" in message for _, message in refused)
    assert "mp-mountain-pass-mine" in {pid for pid, _ in refused}  # no public capex
