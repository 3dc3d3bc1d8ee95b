"""The shipped ``project_finance`` table: loaded through the World, linked, flagged, plausible."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from critmin.world import checks
from critmin.world.load import World, load_world
from critmin.world.schema import TABLES_BY_NAME
from critmin.world.schema.tables import PROJECT_FINANCE_FIGURES

SHARES = (
    "royalty_share",
    "tax_rate_share",
    "processing_tax_offset_share",
    "gearing_share",
    "debt_rate_share",
)
YEARS = ("capex_years", "debt_tenor_years")

#: Projects issue 11 names; each must have a row.
NAMED = (
    "nmg-matawinie",
    "nmg-becancour",
    "lynas-kalgoorlie",
    "lynas-seadrift-texas",
    "mp-mountain-pass-mine",
    "mp-mountain-pass-separation",
    "mp-independence-fort-worth",
    "jogmec-sojitz-alcoa-gallium",
    "iluka-eneabba",
)


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


@pytest.fixture(scope="module")
def finance(world: World) -> pd.DataFrame:
    return world.project_finance


def _listed(cell: object) -> list[str]:
    if not isinstance(cell, str) or not cell.strip():
        return []
    return [item.strip() for item in cell.split(";")]


def _cited(row: pd.Series) -> list[str]:
    """The row's main source and its further sources."""
    return [row["source_id"], *_listed(row["other_source_ids"])]


def _filled(row: pd.Series, column: str) -> bool:
    value = row[column]
    if isinstance(value, str):
        return value.strip() != ""
    return not pd.isna(value)


def test_table_loads_through_the_world_with_the_declared_columns(finance: pd.DataFrame) -> None:
    assert list(finance.columns) == TABLES_BY_NAME["project_finance"].columns
    assert len(finance) >= len(NAMED)
    assert finance["project_id"].is_unique


def test_the_projects_issue_11_names_have_rows(finance: pd.DataFrame) -> None:
    assert set(NAMED) <= set(finance["project_id"])


def test_every_project_id_is_a_project(world: World, finance: pd.DataFrame) -> None:
    assert set(finance["project_id"]) <= set(world.projects["project_id"])


def test_every_row_names_sources_that_exist(world: World, finance: pd.DataFrame) -> None:
    known = set(world.sources["source_id"])
    for _, row in finance.iterrows():
        assert row["source_id"] in known, row["project_id"]
        ids = _cited(row)
        assert set(ids) <= known, (row["project_id"], set(ids) - known)


def test_estimated_fields_are_figures_given_and_status_agrees(finance: pd.DataFrame) -> None:
    for _, row in finance.iterrows():
        estimated = _listed(row["estimated_fields"])
        assert set(estimated) <= set(PROJECT_FINANCE_FIGURES), row["project_id"]
        filled = {c for c in PROJECT_FINANCE_FIGURES if _filled(row, c)}
        # a flagged figure is one the row gives
        assert set(estimated) <= filled, (row["project_id"], set(estimated) - filled)
        if not estimated:
            expected = "reported"
        elif filled <= set(estimated):
            expected = "estimated"
        else:
            expected = "mixed"
        assert row["status"] == expected, row["project_id"]


def test_every_estimated_figure_is_explained_in_the_note(finance: pd.DataFrame) -> None:
    for _, row in finance.iterrows():
        if _listed(row["estimated_fields"]):
            assert isinstance(row["note"], str), row["project_id"]
            assert len(row["note"]) > 40, row["project_id"]


def test_values_are_in_plausible_ranges(finance: pd.DataFrame) -> None:
    for column in SHARES:
        values = finance[column].dropna()
        assert ((values >= 0) & (values <= 1)).all(), column
    capex = finance["capex_usd"].dropna()
    assert (capex > 0).all()
    assert (capex < 2e10).all()  # no project here costs USD 20bn
    for column in YEARS:
        values = finance[column].dropna()
        assert (values >= 1).all(), column
    assert (finance["ramp_up_years"].dropna() >= 0).all()
    assert (finance["nameplate_t_per_year"].dropna() > 0).all()
    assert (finance["unit_opex_usd_per_kg"].dropna() > 0).all()
    first = finance["first_production_year"].dropna()
    assert ((first >= 1990) & (first <= 2040)).all()
    # tax rates of the hosts are statutory corporate rates, between 15 % and 40 %
    tax = finance["tax_rate_share"].dropna()
    assert ((tax >= 0.15) & (tax <= 0.40)).all()


def test_capex_schedules_add_up_to_one_over_the_construction_years(
    finance: pd.DataFrame,
) -> None:
    for _, row in finance.iterrows():
        shares = [float(s) for s in _listed(row["capex_schedule"])]
        if not shares:
            continue
        assert math.isclose(sum(shares), 1.0, abs_tol=1e-9), row["project_id"]
        if _filled(row, "capex_years"):
            assert len(shares) == int(row["capex_years"]), row["project_id"]


def test_processing_offset_only_for_australian_refining(
    world: World, finance: pd.DataFrame
) -> None:
    projects = world.projects.set_index("project_id")
    for _, row in finance.iterrows():
        project = projects.loc[row["project_id"]]
        offset = row["processing_tax_offset_share"]
        if project["country"] == "AUS" and project["stage"] == "refining":
            assert offset == pytest.approx(0.10), row["project_id"]
        else:
            assert offset == pytest.approx(0.0), row["project_id"]
    # the offset's source is cited by every row that applies it
    applied = finance[finance["processing_tax_offset_share"] > 0]
    for _, row in applied.iterrows():
        assert "industry-gov-au-cmpti" in _cited(row), row["project_id"]


def test_reported_figures_match_their_sources(finance: pd.DataFrame) -> None:
    rows = finance.set_index("project_id")
    # Iluka: midpoint of US$1.09-1.16bn; Lynas Kalgoorlie: A$800m = US$530.1m
    assert rows.loc["iluka-eneabba", "capex_usd"] == pytest.approx(1.125e9)
    assert rows.loc["lynas-kalgoorlie", "capex_usd"] == pytest.approx(530.1e6)
    assert rows.loc["iluka-eneabba", "tax_rate_share"] == pytest.approx(0.30)
    assert rows.loc["nmg-matawinie", "tax_rate_share"] == pytest.approx(0.265)
    # the NMG split adds back up to the integrated capex of the 2025 study (US$1,326m)
    nmg = rows.loc[["nmg-matawinie", "nmg-becancour"], "capex_usd"].sum()
    assert nmg == pytest.approx(1.326e9, rel=1e-3)


def test_a_bad_estimated_field_or_unknown_source_is_reported_by_the_checks(
    finance: pd.DataFrame,
) -> None:
    table = TABLES_BY_NAME["project_finance"]
    raw = finance.astype(object).where(finance.notna(), "").astype(str)
    bad = raw.copy()
    bad.loc[bad.index[0], "estimated_fields"] = "capex_usd;not_a_field"
    findings = checks.check_cells(table, bad)
    assert any(f.column == "estimated_fields" for f in findings)
    bad = raw.copy()
    bad.loc[bad.index[0], "other_source_ids"] = "x;no-such-source"
    found = checks.check_references(
        {"project_finance": bad, "sources": pd.DataFrame({"source_id": ["x"]})}
    )
    assert any(f.column == "other_source_ids" and f.value == "no-such-source" for f in found)
