"""The shipped data package: valid, reproducible from the raw data, and faithful to it."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pandas as pd
import pytest

from critmin import risk
from critmin.world import checks
from critmin.world.build import build_package
from critmin.world.ingest.usgs_mcs import read_leading_producers
from critmin.world.load import World, default_path, load_world
from critmin.world.schema import TABLES

REQUIRED_MINERALS = [
    "graphite",
    "gallium",
    "germanium",
    "rare-earths",
    "cobalt",
    "nickel",
    "lithium",
    "antimony",
    "tungsten",
    "manganese",
    "copper",
    "platinum-group-metals",
    "vanadium",
    "titanium",
    "magnesium",
    "niobium",
    "tantalum",
    "tin",
    "indium",
    "fluorspar",
]


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


def test_shipped_package_passes_every_check() -> None:
    _, findings = checks.check_package(default_path())
    assert checks.errors(findings) == []


@pytest.mark.slow
def test_fresh_build_reproduces_shipped_package(tmp_path: Path, shared_data: Path) -> None:
    build_package(shared_data, tmp_path)
    names = [t.path for t in TABLES] + ["datapackage.json", "build-report.csv"]
    match, mismatch, errors = filecmp.cmpfiles(default_path(), tmp_path, names, shallow=False)
    assert mismatch == [], "run `make data` and commit the result"
    assert errors == []
    assert sorted(match) == sorted(names)


def test_required_minerals_are_covered_with_both_stages_explained(world: World) -> None:
    stages = world.mineral_stages
    for mineral in REQUIRED_MINERALS:
        rows = stages[stages["mineral"] == mineral]
        assert sorted(rows["stage"]) == ["mining", "refining"], mineral
        assert (rows["coverage"] == "data").any(), mineral
        # a stage without data says so, with a reason
        for row in rows[rows["coverage"] != "data"].itertuples():
            assert row.note, f"{mineral} {row.stage} has no data and no reason"


def test_years_2018_to_2023_for_mining_minerals(world: World) -> None:
    for mineral in ["graphite", "cobalt", "nickel", "lithium", "antimony", "tungsten"]:
        years = world.years(mineral, "mining")
        assert set(range(2018, 2024)) <= set(years), mineral


def test_every_row_has_a_known_source(world: World) -> None:
    known = set(world.sources["source_id"])
    for name, table in world.tables.items():
        if "source_id" in table.columns and not table.empty:
            used = set(table["source_id"]) - {""}
            assert used <= known, name


def test_leading_producer_shares_match_usgs_mcs_2024_table_5(
    world: World, shared_data: Path
) -> None:
    """Table 5 prints whole percentages of the rounded world total."""
    t5 = read_leading_producers(
        shared_data / "usgs-mcs-2024/trends/MCS2024_T5_Critical_Minerals_Salient.csv"
    )
    conc = risk.concentration(world.with_source("usgs-mcs"), year=2023)
    checked = 0
    for row in t5.itertuples():
        # Table 5's stage: metal (refining) for these, mine production for the rest
        refined = {"gallium", "indium", "magnesium", "titanium"}
        stage = "refining" if row.mineral in refined else "mining"
        mine = conc[(conc["mineral"] == row.mineral) & (conc["stage"] == stage)]
        if mine.empty:
            continue  # germanium: Table 5 prints NA (and USGS gives no mine output)
        r = mine.iloc[0]
        assert r["top_country"] == row.leading_country, row.mineral
        assert abs(r["top_share"] - row.leading_share) <= 0.005 + 1e-9, row.mineral
        checked += 1
    assert checked >= 18


#: USGS MCS 2024 (2023 estimates), Table 5 and the commodity pages
USGS_SHARES = (
    1_230_000 / 1_600_000,
    170_000 / 230_000,
    240_000 / 350_000,
    1_800_000 / 3_600_000,
    86_000 / 180_000,
    40_000 / 83_000,
    63_000 / 78_000,
    600_000 / 610_000,
)


@pytest.mark.parametrize(
    ("mineral", "stage", "country", "share"),
    [
        # USGS MCS 2024 (2023 estimates), Table 5 and the commodity pages
        ("graphite", "mining", "CHN", 1_230_000 / 1_600_000),
        ("cobalt", "mining", "COD", 170_000 / 230_000),
        ("rare-earths", "mining", "CHN", 240_000 / 350_000),
        ("nickel", "mining", "IDN", 1_800_000 / 3_600_000),
        ("lithium", "mining", "AUS", 86_000 / 180_000),
        ("antimony", "mining", "CHN", 40_000 / 83_000),
        ("tungsten", "mining", "CHN", 63_000 / 78_000),
        ("gallium", "refining", "CHN", 600_000 / 610_000),
        # World Mining Data (primary): Gallium 2023 CHN 701 of 713 t; Tungsten (W) 2023
        # CHN 65,980 of 81,395 t
        ("gallium", "refining", "CHN", 701 / 713),
        ("tungsten", "mining", "CHN", 65_980 / 81_395),
        # IEA Critical Minerals Data Explorer 2024, sheet 2, base year 2023 (kt)
        ("cobalt", "refining", "CHN", 171.7 / 223.8),
        ("lithium", "refining", "CHN", 113.9 / 176.3),
        ("nickel", "refining", "IDN", 1413.7 / 3796.1),
        ("graphite", "refining", "CHN", 1851.9 / 2037.2),
        ("rare-earths", "refining", "CHN", 70.3 / 76.3),
    ],
)
def test_2023_leading_shares_match_published_figures(
    world: World, mineral: str, stage: str, country: str, share: float
) -> None:
    # the USGS figures are an alternative series (the primary one is World Mining Data)
    series = world.with_source("usgs-mcs") if share in USGS_SHARES else world
    row = risk.concentration(series, minerals=mineral, stages=stage, year=2023).iloc[0]
    assert row["top_country"] == country
    assert row["top_share"] == pytest.approx(share, abs=1e-9)


def test_china_nickel_refining_2023_from_iea(world: World) -> None:
    row = risk.concentration(world, minerals="nickel", stages="refining", year=2023).iloc[0]
    assert row["china_share"] == pytest.approx(1065.3 / 3796.1)


def test_estimates_are_flagged(world: World) -> None:
    prod = world.with_source("usgs-mcs").production
    # USGS prints 2023 as estimates (Prod_t_est_2023)
    usgs_2023 = prod[(prod["source_id"] == "usgs-mcs-2024-world") & (prod["year"] == 2023)]
    assert len(usgs_2023) > 100
    assert (usgs_2023["status"] == "estimated").all()
    prod = world.production
    # World Mining Data marks China's 2022 gallium as reported
    ga = prod[(prod["mineral"] == "gallium") & (prod["year"] == 2020) & (prod["country"] == "CHN")]
    assert ga["status"].tolist() == ["reported"]


def test_wgi_missing_estimates_are_not_zero_risk(world: World) -> None:
    gov = world.governance
    assert gov["pv_risk_share"].between(0, 1).all()
    # recomputed from the estimate, not taken from the source's Normalized table
    expected = ((2.5 - gov["pv_estimate"]) / 5).clip(0, 1)
    assert (gov["pv_risk_share"] - expected).abs().max() < 2e-6  # both printed to 6 decimals


def test_datapackage_lists_every_table_with_units(world: World) -> None:
    descriptor = json.loads((default_path() / "datapackage.json").read_text())
    names = [r["name"] for r in descriptor["resources"]]
    assert names == [t.name for t in TABLES]
    production = descriptor["resources"][names.index("production")]
    units = {f["name"]: f.get("unit") for f in production["schema"]["fields"]}
    assert units["value_t"] == "t"


def test_build_report_lists_unmapped_cells(world: World) -> None:
    report = pd.read_csv(default_path() / "build-report.csv", dtype=str, keep_default_na=False)
    assert set(report.columns) >= {"severity", "file", "row", "column", "value", "why"}
    withheld = report[report["value"] == "W"]
    assert len(withheld) > 0
    assert (withheld["file"] != "").all()


def test_docs_data_md_generated_sections_are_current(world: World) -> None:
    from critmin.world.docs import render

    path = Path(__file__).resolve().parents[1] / "docs" / "data.md"
    text = path.read_text(encoding="utf-8")
    assert render(text, world) == text, "run `python -m critmin.world.docs docs/data.md`"


def test_every_schema_table_is_an_attribute_and_a_copy(world: World) -> None:
    for table in TABLES:
        frame = getattr(world, table.name)
        assert list(frame.columns) == list(world.tables.shared()[table.name].columns)
    before = world.production["value_t"].sum()
    taken = world.production
    taken.loc[:, "value_t"] = -1.0
    taken.drop(taken.index, inplace=True)
    assert world.production["value_t"].sum() == before
    # the cached shipped world is one object: a second load sees the same numbers
    assert load_world().production["value_t"].sum() == before
    with pytest.raises(AttributeError):
        world.no_such_table  # noqa: B018


def test_rows_equals_a_hand_written_mask(world: World) -> None:
    prod = world.production
    by_hand = prod[
        (prod["mineral"] == "gallium") & (prod["stage"] == "refining") & (prod["year"] == 2023)
    ]
    chosen = world.rows("production", mineral="gallium", stage="refining", year=2023)
    pd.testing.assert_frame_equal(chosen, by_hand)
    assert not chosen.empty
    # None matches anything; a list matches any of its members
    pd.testing.assert_frame_equal(
        world.rows("production", mineral="gallium", stage=None, year=[2022, 2023]),
        prod[(prod["mineral"] == "gallium") & prod["year"].isin([2022, 2023])],
    )
    chosen.loc[:, "value_t"] = 0.0
    assert world.rows("production", mineral="gallium", year=2023)["value_t"].sum() > 0


def test_rows_names_an_unknown_table_or_column(world: World) -> None:
    from critmin.errors import CritminError

    with pytest.raises(CritminError, match="unknown table"):
        world.rows("productions", mineral="gallium")
    with pytest.raises(CritminError, match="unknown column") as caught:
        world.rows("production", minerl="gallium")
    assert "minerl" in str(caught.value)


def test_traded_minerals_are_the_trade_tables_minerals(world: World) -> None:
    assert world.traded_minerals == sorted(set(world.trade["mineral"]))
