"""Historical replays against observed responses: docs/validation.md and its machinery."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from critmin import validation
from critmin.errors import CritminError
from critmin.results import to_dataset
from critmin.scenario import load_scenario
from critmin.validation import Check, Replay, Row, compare
from critmin.world.load import World, load_world

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "validation.md"


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


@pytest.fixture(scope="module")
def checks() -> tuple[Check, ...]:
    return validation.load_checks(validation.SCENARIO_DIR / validation.CHECKS_FILE)


def test_generated_sections_are_current(world: World) -> None:
    text = DOC.read_text(encoding="utf-8")
    rendered = validation.render(text, validation.sections(world))
    assert rendered == text, "docs/validation.md is stale: python -m critmin.validation"


def test_default_home_share_is_the_fitted_one() -> None:
    """The default was fitted on the USGS production series and is marked best there.

    On the dataset's primary series (World Mining Data 2024: China 33 % of antimony
    mine output against its assumed 40 % of demand) China has no antimony to export
    in the single-stage market, the restriction withholds nothing and every value
    gives the same outcome: the grid marks none as best (docs/validation.md).
    """
    text = DOC.read_text(encoding="utf-8")

    def best(name: str) -> list[str]:
        section = text.split(f"<!-- BEGIN generated:{name} -->")[1].split("<!-- END")[0]
        return [line for line in section.splitlines() if "(best)" in line]

    fitted = best("home-share-grid-usgs")
    assert len(fitted) == 1
    assert float(fitted[0].split("|")[1].replace("(best)", "")) == validation.DEFAULT_HOME_SHARE
    assert validation.DEFAULT_HOME_SHARE in validation.HOME_SHARE_GRID
    assert best("home-share-grid") == []


def test_gallium_elasticity_is_the_fitted_one(world: World) -> None:
    """market_parameters holds gallium's demand elasticity as calibrated on ga-ge-2023:
    the value the calibration grid of docs/validation.md marks best."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("<!-- BEGIN generated:calibration-grid -->")[1].split("<!-- END")[0]
    (line,) = [x for x in section.splitlines() if "(best)" in x]
    best = float(line.split("|")[1].replace("(best)", ""))
    rows = world.rows("market_parameters", mineral="gallium", parameter="demand_elasticity")
    assert len(rows) == 1
    assert float(rows["value"].iloc[0]) == best
    assert (rows["basis"].iloc[0], rows["calibrated_on"].iloc[0]) == ("calibrated", "ga-ge-2023")


def test_compare_replay_returns_one_replay_side_by_side(world: World) -> None:
    table = validation.compare_replay("replay-ree-licences-2025", world)
    assert set(table["replay"]) == {"replay-ree-licences-2025"}
    assert {"observed", "simulated", "agreement", "sources"} <= set(table.columns)
    dysprosium = table[table["market"] == "dysprosium oxide 99.5%, Europe (Argus)"]
    assert float(dysprosium["observed"].iloc[0]) == pytest.approx(2.04)
    with pytest.raises(CritminError, match="unknown replay"):
        validation.compare_replay("replay-nothing", world)


def test_calibration_rows_are_judged_and_counted_apart(checks: tuple[Check, ...]) -> None:
    """Each comparison is a calibration or a test row (the checks file says which
    before any fit); a calibration row is still judged, and the summary counts the
    two apart: test rows per replay and in all, calibration rows on their own line."""
    import pandas as pd

    from critmin.validation.report import summary_markdown

    fitted = {c.note for c in checks if c.calibration}
    assert "sets the default withheld_home_share" in fitted
    table = pd.DataFrame(
        {
            "replay": ["r", "r", "r"],
            "agreement": ["close", "miss", "close"],
            "role": ["test", "test", "calibration"],
        }
    )
    text = summary_markdown(table, {})
    assert "| all test rows | | | | | 2 | 1 | 0 | 1 |" in text
    assert "| calibration rows | | | | | 1 | 1 | 0 | 0 |" in text


def test_no_replay_price_path_is_set_by_the_cap() -> None:
    """In every replay under 1 % of path-months reach the numerical price guard (the
    summary's "at the cap" column, which the test above holds current)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("<!-- BEGIN generated:summary -->")[1].split("<!-- END")[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| `replay-")]
    assert len(rows) == len(validation.REPLAYS)
    for row in rows:
        assert float(row[5].replace("%", "").strip()) < 1.0, row[1]


def test_every_replay_has_checks_and_every_check_a_replay(checks: tuple[Check, ...]) -> None:
    names = {r.scenario for r in validation.REPLAYS}
    assert {c.replay for c in checks} == names
    for replay in validation.REPLAYS:
        assert (validation.SCENARIO_DIR / f"{replay.scenario}.yaml").is_file()


def test_observed_values_are_read_from_the_dataset(world: World, checks: tuple[Check, ...]) -> None:
    by_market = {c.rows[0].market: c for c in checks if c.rows}
    # one row: the stated change (fastmarkets-2023-gallium-preview: +114 %)
    value, kind, source = compare._observed(
        by_market["gallium 99.99%, in-whs Rotterdam (Fastmarkets)"], world
    )
    assert (value, kind, source) == (1.14, "change", "fastmarkets-2023-gallium-preview")
    # two levels: lanthanum oxide export over domestic price, 80 / 20.63
    value, kind, _ = compare._observed(
        by_market["lanthanum oxide, China export price (Lynas data)"], world
    )
    assert kind == "ratio"
    assert value == pytest.approx(80 / 20.63)
    # two changes in the same window: Europe +57.3 %, China -10.5 % -> ratio +75.8 %
    wedge = next(c for c in checks if c.quantity == "wedge" and c.replay.endswith("2024"))
    value, kind, _ = compare._observed(wedge, world)
    assert value == pytest.approx(1.573 / 0.895 - 1)
    # USGS annual average: high-purity gallium 450 / 560 US$/kg in 2023 / 2022
    annual = next(c for c in checks if c.series.startswith("gallium, high-purity"))
    value, kind, source = compare._observed(annual, world)
    assert value == pytest.approx(450 / 560 - 1)
    assert source == "usgs-mcs-2024-salient"


def test_missing_observed_row_is_reported(world: World) -> None:
    check = Check(
        "replay-ga-ge-2023",
        "gallium",
        "price_outside",
        ("2023-12", "2023-12"),
        None,
        (Row("ga-ge-2023", "gallium", "no such market", "2023-06", "2023-12"),),
    )
    with pytest.raises(CritminError, match="observed row not found"):
        compare._observed(check, world)


def test_unknown_quantity_in_checks_file_is_reported(tmp_path: Path) -> None:
    source = validation.SCENARIO_DIR / validation.CHECKS_FILE
    lines = source.read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1].replace(",price_outside,", ",price_sideways,")
    path = tmp_path / "checks.csv"
    path.write_text(f"{header}\n{first}\n", encoding="utf-8")
    with pytest.raises(CritminError, match="unknown quantity") as info:
        validation.load_checks(path)
    assert "line 2" in str(info.value)


GALLIUM_BAN = """\
name: replay-test
horizon_months: 6
paths: 64
minerals: [gallium]
market:
  alliance: [ALLIANCE, ROW]
  withheld_home_share: 0.0
  leakage_max_share: 0.0
  supply_elasticity: 0.0
  long_run_supply_elasticity: 0.0
  consumers:
    CHN: {{gallium: {{share_of_world_demand: 0.35, source: "assumption: test"}}}}
events:
  - type: export_restriction
    imposer: CHN
    minerals: [gallium]
    targets: [all]
    start_month: 1
    severity_share: {severity}
    leakage_share: {leakage}
"""


@pytest.mark.parametrize(("severity", "leakage"), [(1.0, 0.0), (0.5, 0.2)])
def test_simulated_exports_follow_severity_and_leakage(
    world: World, tmp_path: Path, severity: float, leakage: float
) -> None:
    """Worked by hand: every buyer but China is targeted, and no other producer sells
    to China (its own output covers its demand), so nothing can be re-routed and China's
    exports fall by exactly severity x (1 - leakage) from month 1, at baseline output
    (supply does not respond to prices, and leakage does not widen with the spread)."""
    path = tmp_path / "replay-test.yaml"
    path.write_text(GALLIUM_BAN.format(severity=severity, leakage=leakage), encoding="utf-8")
    replay = Replay("replay-test", "2020-01", "test")
    row = (Row("ga-ge-2023", "gallium", "China export statistics to world (gallium)", "x", "y"),)
    feb, jan = ("2020-02", "2020-02"), ("2020-01", "2020-01")
    checks = (
        Check("replay-test", "gallium", "exports", ("2020-03", "2020-04"), None, row),
        Check("replay-test", "gallium", "exports", feb, jan, row),
        Check("replay-test", "gallium", "exports", ("2019-12", "2020-01"), None, row),
    )
    run = validation.run_replay(replay, world, tmp_path)
    expected = -severity * (1 - leakage)
    for check in checks[:2]:
        value, low, high = compare._simulated(check, run, "change")
        assert value == pytest.approx(expected, abs=1e-9)
        assert np.isnan(low)
        assert np.isnan(high)
    assert compare._simulated(checks[2], run, "change")[0] == pytest.approx(0.0, abs=1e-12)
    # China's baseline exports: its output less its own use (0.35 of world demand)
    market = run.markets["gallium"]
    china = market.final.output[market.final.codes.index("CHN")]
    assert validation.baseline_exports_t(market) == pytest.approx(
        china - 0.35 * market.demand.sum()
    )


def test_monthly_withheld_volume_adds_up_and_is_causal(world: World) -> None:
    """The export comparisons rest on the monthly withheld series: it sums to the
    horizon total, and a run cut at month 5 withholds what the first 5 months do."""
    scenario = load_scenario(validation.SCENARIO_DIR / "replay-us-ban-2024.yaml")
    full = to_dataset(compare._simulate(world, scenario))
    short_scenario = scenario.model_copy(update={"horizon_months": 5})
    short = to_dataset(compare._simulate(world, short_scenario))
    for name in ("price_ratio_fan", "consumption_mean_t"):
        np.testing.assert_array_equal(full[name].isel(month=slice(0, 5)).values, short[name].values)
    monthly = full["withheld_mean_t"]
    np.testing.assert_allclose(monthly.sum("month").values, full["withheld_t"].values, rtol=1e-12)
    np.testing.assert_allclose(
        monthly.isel(month=slice(0, 5)).sum("month").values, short["withheld_t"].values, rtol=1e-12
    )
    assert float(monthly.sum()) > 0
