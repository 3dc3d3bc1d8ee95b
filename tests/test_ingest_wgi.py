"""Tests of the WGI Political Stability reader, on a tiny fixture and on the real file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from critmin.world.ingest.common import IngestResult, Severity
from critmin.world.ingest.wgi import SOURCE_ID, read_wgi, risk_share
from critmin.world.schema import TABLES_BY_NAME

REAL = Path("wgi") / "wgi_political_stability_1996_2022.sqlite"


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
