"""Tests of the World Mining Data reader, on a tiny fixture and on the real file.

Expected figures are worked out by hand from the raw tables (quoted in the
comments), not taken from the reader's output.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from critmin.world.ingest.common import IngestResult, Severity
from critmin.world.ingest.wmd import EOL_SOURCE_ID, SOURCE_ID, read_wmd
from critmin.world.schema import TABLES_BY_NAME

# Mass fraction of Li in Li2O from IUPAC atomic weights (Li 6.94, O 15.999).
LI_PER_LI2O = 2 * 6.94 / (2 * 6.94 + 15.999)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, test_data: Path) -> IngestResult:
    """The reader's result on tests/data/wmd/wmd_small.sql loaded into SQLite."""
    db = tmp_path_factory.mktemp("wmd") / "wmd_small.sqlite"
    with closing(sqlite3.connect(db)) as con:
        con.executescript((test_data / "wmd" / "wmd_small.sql").read_text(encoding="utf-8"))
    return read_wmd(db)


@pytest.fixture(scope="module")
def real(shared_data: Path) -> IngestResult:
    return read_wmd(shared_data / "world-mining-data" / "world_mining_data_2018_2022.sqlite")


def value(result: IngestResult, mineral: str, country: str, year: int) -> pd.Series:
    prod = result.tables["production"]
    row = prod[(prod.mineral == mineral) & (prod.country == country) & (prod.year == year)]
    assert len(row) == 1, (mineral, country, year, len(row))
    return row.iloc[0]


def total(result: IngestResult, mineral: str, year: int) -> pd.Series:
    tot = result.tables["production_totals"]
    row = tot[(tot.mineral == mineral) & (tot.year == year)]
    assert len(row) == 1
    return row.iloc[0]


def problems_with(result: IngestResult, *words: str) -> list[str]:
    return [p.why for p in result.problems if all(w in p.why for w in words)]


# ---------------------------------------------------------------- fixture (quirks)


def test_plain_figure_and_status(small: IngestResult) -> None:
    china = value(small, "gallium", "CHN", 2022)
    assert china.value_t == 606.0
    assert china.status == "reported"
    assert china.stage == "refining"
    assert china.source_id == SOURCE_ID
    assert value(small, "gallium", "RUS", 2022).status == "estimated"


def test_li2o_converted_to_lithium(small: IngestResult) -> None:
    # Australia 2022: 149,800 t Li2O x 13.88 / 29.879 = 69,588.14 t Li
    row = value(small, "lithium", "AUS", 2022)
    assert row.value_t == pytest.approx(149_800 * 13.88 / 29.879, rel=1e-9)
    assert row.value_t == pytest.approx(69_588.14, abs=0.01)
    assert "converted from Li2O at 0.4645" in row.note


def test_total_row_gives_published_total(small: IngestResult) -> None:
    # Lithium Total 2022: 260,150 t Li2O
    row = total(small, "lithium", 2022)
    assert row.published_total_t == pytest.approx(260_150 * LI_PER_LI2O)
    assert row.world_total_t == row.published_total_t
    assert row.rows_sum_t == pytest.approx((149_800 + 110_350) * LI_PER_LI2O)
    assert row.total_kind == "published"
    assert "DELETE" not in set(small.tables["production"].country)


def test_pgm_sums_platinum_and_palladium_in_tonnes(small: IngestResult) -> None:
    # South Africa 2022: Pt 134,750 kg + Pd 78,155 kg = 212.905 t
    zaf = value(small, "platinum-group-metals", "ZAF", 2022)
    assert zaf.value_t == pytest.approx(212.905)
    assert "sum of WMD tables 'Platinum' + 'Palladium'" in zaf.note
    # Uzbekistan is only in the Palladium table: 93 kg
    uzb = value(small, "platinum-group-metals", "UZB", 2022)
    assert uzb.value_t == pytest.approx(0.093)
    assert "only" in uzb.note
    # Totals: (137,550 + 78,248) kg
    assert total(small, "platinum-group-metals", 2022).published_total_t == pytest.approx(215.798)
    assert value(small, "platinum", "ZAF", 2022).value_t == pytest.approx(134.75)


def test_null_cell_gives_no_row_and_a_problem(small: IngestResult) -> None:
    prod = small.tables["production"]
    guyana = prod[(prod.mineral == "manganese") & (prod.country == "GUY")]
    assert list(guyana.year) == [2022]
    assert problems_with(small, "Manganese", "GUY", "NULL")
    # China's palladium 2022 is NULL: no PGM row for China 2022, reported
    pgm = prod[(prod.mineral == "platinum-group-metals") & (prod.country == "CHN")]
    assert list(pgm.year) == [2021]
    assert problems_with(small, "platinum-group-metals", "CHN 2022", "incomplete")
    # ... so the PGM rows no longer add up to the published total, reported too
    assert problems_with(small, "platinum-group-metals mining 2022", "differs")


def test_non_iso_codes(small: IngestResult) -> None:
    # Kosovo is R20 in Country_ISO: mapped from its name, with a problem
    assert value(small, "nickel", "XKX", 2022).value_t == 300.0
    assert problems_with(small, "'R20'", "Kosovo", "XKX")
    # Z99 'Atlantis' cannot be mapped: skipped, with a problem
    assert "Z99" not in set(small.tables["production"].country)
    assert problems_with(small, "'Z99'", "Atlantis", "skipped")


def test_provisional_is_reported_with_a_note(small: IngestResult) -> None:
    india = value(small, "manganese", "IND", 2022)
    assert india.status == "reported"
    assert "provisional" in india.note


def test_incomparable_basis_gives_no_rows(small: IngestResult) -> None:
    assert "magnesium" not in set(small.tables["production"].mineral)
    assert "magnesium" not in set(small.tables["minerals"].mineral)
    info = [p for p in small.problems if p.why.startswith("magnesium:")]
    assert len(info) == 1
    assert info[0].severity == Severity.INFO
    assert "Magnesite" in info[0].why


def test_missing_table_is_an_error(small: IngestResult) -> None:
    errors = [p for p in small.problems if p.severity == Severity.ERROR]
    assert any("'Cobalt' not found" in p.why for p in errors)


def test_minerals_hs_codes_and_eol_rir(small: IngestResult) -> None:
    minerals = small.tables["minerals"].set_index("mineral")
    # main code first, then complementary; both tables for PGM
    assert minerals.at["lithium", "hs_codes"] == "282520;283691"
    assert minerals.at["platinum-group-metals", "hs_codes"] == "711011;711021;711019;711510;711029"
    assert minerals.at["platinum-group-metals", "eol_rir_share"] == pytest.approx(0.12)
    assert minerals.at["lithium", "eol_rir_source_id"] == EOL_SOURCE_ID
    assert "SCRREEN2_factsheets_LITHIUM" in minerals.at["lithium", "note"]
    # 'Not Available' -> no codes, with an info problem
    assert pd.isna(minerals.at["gallium", "hs_codes"])
    assert any(
        "Gallium" in p.why and "Not Available" in p.why and p.severity == Severity.INFO
        for p in small.problems
    )
    sources = {s["source_id"] for s in small.sources}
    assert sources == {SOURCE_ID, EOL_SOURCE_ID}


def test_missing_file_is_reported(tmp_path: Path) -> None:
    result = read_wmd(tmp_path / "nope.sqlite")
    assert not result.tables
    assert result.problems[0].severity == Severity.ERROR


# ---------------------------------------------------------------- the real file


def test_real_gallium_china(real: IngestResult) -> None:
    china = value(real, "gallium", "CHN", 2022)
    assert (china.value_t, china.status, china.stage) == (606.0, "reported", "refining")
    assert total(real, "gallium", 2022).published_total_t == 616.0


def test_real_lithium_conversion(real: IngestResult) -> None:
    # 'Lithium (Li2O)' Australia 2022 = 149,800 t Li2O
    assert value(real, "lithium", "AUS", 2022).value_t == pytest.approx(149_800 * LI_PER_LI2O)
    assert total(real, "lithium", 2022).published_total_t == pytest.approx(345_829 * LI_PER_LI2O)


def test_real_cobalt_is_mine_production(real: IngestResult) -> None:
    # DR Congo 115,371 t and China 1,750 t in 2022: a mine-production series
    assert value(real, "cobalt", "COD", 2022).value_t == 115_371.0
    assert value(real, "cobalt", "COD", 2022).stage == "mining"
    assert value(real, "cobalt", "CHN", 2022).value_t == 1_750.0


def test_real_pgm(real: IngestResult) -> None:
    assert value(real, "platinum-group-metals", "ZAF", 2022).value_t == pytest.approx(212.905)
    assert value(real, "platinum-group-metals", "CHN", 2022).status == "estimated"
    assert value(real, "platinum-group-metals", "UZB", 2022).value_t == pytest.approx(0.093)
    # Total 2022: Pt 183,022 kg + Pd 202,012 kg
    assert total(real, "platinum-group-metals", 2022).published_total_t == pytest.approx(385.034)


def test_real_nulls_and_codes(real: IngestResult) -> None:
    # Manganese: Guyana NULL 2018-2021, Angola NULL 2018-2019; Fluorspar: Nigeria NULL 2018
    nulls = problems_with(real, "NULL value")
    assert len(nulls) == 7
    prod = real.tables["production"]
    assert list(prod[(prod.mineral == "manganese") & (prod.country == "GUY")].year) == [2022]
    assert value(real, "nickel", "XKX", 2022).value_t == 300.0
    assert value(real, "manganese", "IND", 2022).note.endswith(
        "provisional figure (WMD data_source 'p')"
    )


def test_real_totals_match_rows(real: IngestResult) -> None:
    tot = real.tables["production_totals"]
    assert (tot.rows_sum_t - tot.published_total_t).abs().max() < 1e-3
    assert len(tot) == 21 * 5  # 21 minerals with comparable tables, 2018-2022


def test_real_minerals_and_reference_quirk(real: IngestResult) -> None:
    minerals = real.tables["minerals"].set_index("mineral")
    assert minerals.at["copper", "hs_codes"] == "260300"
    assert minerals.at["copper", "eol_rir_share"] == pytest.approx(0.55)
    assert minerals.at["rare-earths", "hs_codes"] == "284690;284610;280530"
    assert pd.isna(minerals.at["indium", "hs_codes"])
    warned = problems_with(real, "Titanium (TiO2)", "factsheet of Tungsten")
    assert len(warned) == 1


def test_real_tables_follow_the_schema(real: IngestResult) -> None:
    for name in ("production", "production_totals"):
        frame = real.tables[name]
        assert list(frame.columns) == TABLES_BY_NAME[name].columns
        key = list(TABLES_BY_NAME[name].primary_key)
        assert not frame.duplicated(key).any()
    prod = real.tables["production"]
    assert (prod.value_t >= 0).all()
    assert set(prod.status) <= {"reported", "estimated"}
    assert set(real.tables["minerals"].columns) <= set(TABLES_BY_NAME["minerals"].columns)
    assert "mineral_stages" not in real.tables


def test_without_hs_code_map(tmp_path: Path) -> None:
    db = tmp_path / "gallium_only.sqlite"
    with closing(sqlite3.connect(db)) as con:
        con.executescript(
            """
            CREATE TABLE "Gallium" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
              "2022" INTEGER, "unit" TEXT, "data_source" TEXT);
            INSERT INTO "Gallium" VALUES ('China', '156', 'CHN', 606, 'metr. t', 'r'),
              ('Total', 'DELETE', 'DELETE', 606, 'metr. t', 'nan');
            """
        )
    result = read_wmd(db)
    assert value(result, "gallium", "CHN", 2022).value_t == 606.0
    assert "minerals" not in result.tables
    assert any("'HS Code Map' not found" in p.why for p in result.problems)
