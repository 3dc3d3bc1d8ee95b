"""Tests of the USGS Mineral Commodity Summaries reader.

Expected values are read off the fixture files (tests/data/usgs_mcs, see its README) or
the published MCS tables by hand, and unit conversions are worked out here (600,000 kg =
600 t; 400 US cents/lb = 4.00 $/lb x 2.20462262 lb/kg = 8.818 $/kg), not copied from the
reader's output.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from critmin import countries
from critmin.world.ingest import registry
from critmin.world.ingest.common import IngestResult, Problem, resolve_country
from critmin.world.ingest.usgs_mcs import (
    COLUMNS,
    read_leading_producers,
    read_salient_file,
    read_usgs_mcs,
    read_world_file,
)
from critmin.world.schema import TABLES_BY_NAME


@pytest.fixture(scope="module")
def fx(test_data: Path) -> Path:
    """Root of the MCS fixtures (laid out like ../shared/data)."""
    return test_data / "usgs_mcs"


def world(fx: Path, edition: int, code: str) -> IngestResult:
    return read_world_file(
        fx / f"usgs-mcs-{edition}" / "world" / f"mcs{edition}-{code}_world.csv", edition
    )


def salient(fx: Path, edition: int, code: str) -> IngestResult:
    path = fx / f"usgs-mcs-{edition}" / "salient" / f"mcs{edition}-{code}_salient.csv"
    return read_salient_file(path, edition)


def one(frame: pd.DataFrame, **where: Any) -> pd.Series:
    """The single row of ``frame`` matching ``where``."""
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    found = frame[mask]
    assert len(found) == 1, f"{len(found)} rows match {where}"
    return found.iloc[0]


def none(frame: pd.DataFrame | None, **where: Any) -> bool:
    """True if no row of ``frame`` matches ``where``."""
    if frame is None:
        return True
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    return not mask.any()


def problems(result: IngestResult | list[Problem], **where: Any) -> list[Problem]:
    """Problems whose attributes equal ``where`` (``file`` matches the end of the path)."""
    found = result.problems if isinstance(result, IngestResult) else result
    out = []
    for p in found:
        attrs = p.as_dict() | {"severity": str(p.severity)}
        if all(attrs[k].endswith(v) if k == "file" else attrs[k] == v for k, v in where.items()):
            out.append(p)
    return out


# --------------------------------------------------------------------------- world files


def test_gallium_kg_markers_capacity(fx: Path) -> None:
    res = world(fx, 2024, "galli")
    prod = res.tables["production"]
    assert list(prod.columns) == COLUMNS["production"]
    assert len(prod) == 12  # 6 countries x 2 years; the world total goes to totals
    china = one(prod, mineral="gallium", stage="refining", country="CHN", year=2023)
    assert china["value_t"] == 600.0  # 600,000 kg
    assert china["capacity_t"] == 1000.0  # 1,000,000 kg
    assert china["status"] == "estimated"
    # "estimated in 2022 also" makes the non-est 2022 column an estimate too
    assert one(prod, country="CHN", year=2022)["status"] == "estimated"
    japan = one(prod, country="JPN", year=2022)  # "Japane": e marker glued to the name
    assert (japan["value_t"], japan["status"]) == (3.0, "estimated")
    assert one(prod, country="KOR", year=2022)["value_t"] == 2.0  # "Korea, Republic ofe"
    usa = one(prod, country="USA", year=2022)  # "United<NBSP>States"
    assert (usa["value_t"], usa["status"]) == (0.0, "reported")
    row = one(prod, country="ROW", year=2023)  # "Other countries4", capacity "88,000" kg
    assert (row["value_t"], row["capacity_t"]) == (0.0, 88.0)
    totals = res.tables["production_totals"]
    total = one(totals, year=2023)
    assert total["published_total_t"] == 610.0
    assert "1,100 t" in total["note"]  # world capacity "1,100,000" kg
    assert problems(res, row=7, column="Country", value="Other countries4", severity="info")
    assert "reserves" not in res.tables
    stage = one(res.tables["mineral_stages"], mineral="gallium")
    assert (stage["stage"], stage["basis"], stage["coverage"]) == (
        "refining",
        "gallium metal, primary",
        "data",
    )


def test_graphite_numbers_codes_and_unmapped_rows(fx: Path) -> None:
    res = world(fx, 2024, "graph")
    prod = res.tables["production"]
    brazil = one(prod, mineral="graphite", stage="mining", country="BRA", year=2022)
    assert (brazil["value_t"], brazil["status"]) == (72000.0, "estimated")  # "72,000"
    assert one(prod, country="CHN", year=2023)["value_t"] == 1_230_000.0
    assert one(prod, country="CHN", year=2022)["status"] == "reported"
    assert one(prod, country="PRK", year=2022)["value_t"] == 8100.0
    # Sri Lanka: '--' (info) and '<1' (a bound, not an exact figure: warning), no rows
    assert none(prod, country="LKA")
    assert problems(res, row=6, column="Prod_t_2022", value="--", severity="info")
    assert problems(res, row=6, column="Prod_t_est_2023", value="<1", severity="warning")
    assert problems(res, row=6, column="Reserves_t", value="W", severity="warning")
    assert problems(res, row=7, column="Country", value="Atlantis", severity="warning")
    assert problems(res, row=8, column="Type", severity="warning")
    assert none(prod, country="JPN")
    reserves = res.tables["reserves"]
    assert set(reserves["year"]) == {2023}
    usa = one(reserves, mineral="graphite", country="USA")
    assert math.isnan(usa["value_t"])
    assert usa["note"] == "Included in World total."
    assert one(reserves, country="BRA")["value_t"] == 74_000_000.0
    assert one(reserves, country="WLD")["value_t"] == 280_000_000.0
    assert one(res.tables["production_totals"], year=2022)["published_total_t"] == 1_680_000.0


def test_fluorspar_misnamed_type_header(fx: Path) -> None:
    res = world(fx, 2024, "fluor")
    assert problems(res, row=1, column="Mine production, fluorspar", severity="info")
    prod = res.tables["production"]
    assert one(prod, mineral="fluorspar", country="CHN", year=2023)["value_t"] == 5_700_000.0
    assert one(prod, country="ROW", year=2022)["value_t"] == 190_000.0
    assert none(prod, country="USA")
    assert len(problems(res, row=2, value="NA", severity="warning")) == 2
    assert problems(res, row=2, column="Reserves_kt", value="NA", severity="info")


def test_nickel_qualified_reserves(fx: Path) -> None:
    res = world(fx, 2024, "nicke")
    reserves = res.tables["reserves"]
    other = one(reserves, mineral="nickel", country="ROW", year=2023)  # "    >9,100,000"
    assert (other["value_t"], other["qualifier"]) == (9_100_000.0, ">")
    total = one(reserves, country="WLD")  # ">130,000,000"
    assert (total["value_t"], total["qualifier"]) == (130_000_000.0, ">")
    assert one(reserves, country="CHN")["qualifier"] == "="
    prod = res.tables["production"]
    assert one(prod, country="NCL", year=2023)["value_t"] == 230_000.0  # "New Caledonia9"
    assert one(prod, country="CHN", year=2022)["status"] == "estimated"


def test_manganese_names_and_nbsp_numbers(fx: Path) -> None:
    prod = world(fx, 2024, "manga").tables["production"]
    assert one(prod, country="CIV", year=2022)["value_t"] == 394_000.0  # Côte d’Ivoire
    kazakhstan = one(prod, country="KAZ", year=2023)  # "Kazakhstan, concentrate"
    assert kazakhstan["value_t"] == 130_000.0
    assert "concentrate" in kazakhstan["note"]
    assert one(prod, country="VNM", year=2023)["value_t"] == 160_000.0  # "Vietnam<NBSP>"
    assert one(prod, country="ROW", year=2022)["value_t"] == 325_000.0  # NBSP-padded 325


def test_platinum_palladium_and_their_sum(fx: Path) -> None:
    res = world(fx, 2024, "plati")
    prod = res.tables["production"]
    russia = one(prod, mineral="palladium", country="RUS", year=2022)  # "Russiae"
    assert (russia["value_t"], russia["status"]) == (87.0, "estimated")
    assert one(prod, mineral="platinum", country="ZAF", year=2023)["value_t"] == 120.0
    pgm = prod[prod["mineral"] == "platinum-group-metals"]
    assert one(pgm, country="USA", year=2022)["value_t"] == pytest.approx(10.1 + 3.0)
    assert one(pgm, country="ZAF", year=2022)["value_t"] == pytest.approx(73.1 + 124.0)
    assert one(pgm, country="RUS", year=2023)["status"] == "estimated"
    # Finland: palladium withheld in 2022 -> no sum (platinum alone would understate it)
    assert none(pgm, country="FIN", year=2022)
    assert problems(res, row=5, column="Prod_kg_2022", value="W", severity="warning")
    assert any("sum not formed" in p.why for p in problems(res, row=5, column="Prod_kg_2022"))
    assert one(pgm, country="FIN", year=2023)["value_t"] == pytest.approx(1.0 + 1.6)
    # Zimbabwe has no palladium row: the sum is its platinum alone
    assert one(pgm, country="ZWE", year=2022)["value_t"] == 17.0
    totals = res.tables["production_totals"]
    assert one(totals, mineral="platinum-group-metals", year=2022)["published_total_t"] == 377.0
    assert one(totals, mineral="platinum-group-metals", year=2023)["published_total_t"] == 390.0
    reserves = res.tables["reserves"]
    assert set(reserves["mineral"]) == {"platinum-group-metals"}  # "Includes all PGMs"
    assert one(reserves, country="ZAF")["value_t"] == 63_000.0  # 63,000,000 kg
    stage = one(res.tables["mineral_stages"], mineral="platinum-group-metals")
    assert stage["basis"] == "platinum plus palladium metal content"


def test_titanium_mining_sums_ilmenite_and_rutile(fx: Path) -> None:
    res = world(fx, 2024, "timin")
    prod = res.tables["production"]
    assert set(prod["mineral"]) == {"titanium"}
    assert set(prod["stage"]) == {"mining"}
    assert one(prod, country="USA", year=2022)["value_t"] == 200_000.0  # rutile included
    assert one(prod, country="AUS", year=2022)["value_t"] == 600_000.0  # 400 + 200 kt
    assert one(prod, country="CHN", year=2022)["value_t"] == 3_140_000.0
    assert one(prod, country="SEN", year=2022)["value_t"] == 419_000.0  # 410 + 9 kt
    assert one(prod, country="SLE", year=2023)["value_t"] == 110_000.0  # rutile only
    totals = res.tables["production_totals"]
    assert len(totals) == 2  # only the "ilmenite and rutile" world total is used
    assert one(totals, year=2022)["published_total_t"] == 9_400_000.0
    reserves = res.tables["reserves"]
    assert one(reserves, country="USA")["value_t"] == 2_000_000.0
    assert one(reserves, country="AUS")["value_t"] == 215_000_000.0  # 180,000 + 35,000 kt
    assert one(reserves, country="WLD")["value_t"] == 750_000_000.0
    assert none(reserves, country="SEN")  # NA for both parts
    stage = one(res.tables["mineral_stages"], mineral="titanium")
    assert stage["basis"] == "titanium dioxide (TiO2) content of ilmenite and rutile"


def test_titanium_2023_combined_us_row(fx: Path) -> None:
    res = world(fx, 2023, "timin")
    prod = res.tables["production"]
    assert one(prod, country="USA", year=2021)["value_t"] == 100_000.0  # "Ilmenite and rutile"
    assert one(prod, country="KEN", year=2021)["value_t"] == 253_000.0  # 181 + 72 kt
    assert one(prod, country="ROW", year=2022)["value_t"] == 91_000.0  # 77 + 14 kt
    assert one(res.tables["production_totals"], year=2021)["published_total_t"] == 9_500_000.0
    reserves = res.tables["reserves"]
    assert one(reserves, country="KEN")["value_t"] == 560_000.0  # 390 + 170 kt
    other = one(reserves, country="ROW")  # ilmenite 14,000 kt, rutile NA: a lower bound
    assert (other["value_t"], other["qualifier"]) == (14_000_000.0, ">")


def test_titanium_sponge_capacity(fx: Path) -> None:
    res = world(fx, 2024, "titan")
    prod = res.tables["production"]
    china = one(prod, mineral="titanium", stage="refining", country="CHN", year=2023)
    assert (china["value_t"], china["capacity_t"]) == (220_000.0, 260_000.0)
    assert math.isnan(one(prod, country="CHN", year=2022)["capacity_t"])
    assert none(prod, country="USA")
    assert len(problems(res, row=2, value="W", severity="warning")) == 2
    assert problems(res, row=2, column="Cap_Sponge_t_2023", value="500", severity="info")
    assert problems(res, column="Cap_Pigment_t_2023", severity="info")
    # MCS 2023: the header says Cap_Sponge_t_2021, the metadata (and MCS practice) 2022
    old = world(fx, 2023, "titan")
    prod = old.tables["production"]
    assert one(prod, country="CHN", year=2022)["capacity_t"] == 181_000.0
    assert one(prod, country="CHN", year=2021)["value_t"] == 140_000.0  # "140,000"
    assert none(prod, country="AUS")
    assert none(prod, country="ROW")
    assert len(problems(old, row=2, severity="info")) == 2
    assert problems(old, column="Cap_Sponge_t_2021", row=1)


def test_vanadium_e_prefix_and_reserve_units(fx: Path) -> None:
    res = world(fx, 2024, "vanad")
    russia = one(res.tables["production"], country="RUS", year=2022)  # "e20,000"
    assert (russia["value_t"], russia["status"]) == (20_000.0, "estimated")
    assert one(res.tables["reserves"], country="CHN")["value_t"] == 4_400_000.0  # 4,400 kt
    # MCS 2023 prints thousand tonnes under a Reserves_t header (see the reader)
    old = world(fx, 2023, "vanad").tables["reserves"]
    assert one(old, country="CHN", year=2022)["value_t"] == 9_500_000.0
    assert one(old, country="WLD")["value_t"] == 26_000_000.0


def test_reserves_figure_in_notes_and_country_qualifier(fx: Path) -> None:
    res = world(fx, 2024, "antim")
    total = one(res.tables["reserves"], country="WLD")  # NA, notes ">2,000,000. ..."
    assert (total["value_t"], total["qualifier"], total["year"]) == (2_000_000.0, ">", 2023)
    # "World total (rounded)10": footnote marker on the world-total label
    assert one(res.tables["production_totals"], year=2022)["published_total_t"] == 83_100.0
    old = world(fx, 2023, "antim")
    russia = one(old.tables["production"], country="RUS", year=2021)  # "(recoverable)"
    assert russia["value_t"] == 20_000.0
    assert "recoverable" in russia["note"]
    assert one(old.tables["reserves"], country="WLD")["year"] == 2022


def test_withheld_cells_are_reported_with_file_line_column(fx: Path) -> None:
    res = world(fx, 2024, "lithi")
    assert none(res.tables["production"], country="USA")
    for column in ("Prod_t_2022", "Prod_t_est_2023"):
        (found,) = problems(res, file="mcs2024-lithi_world.csv", row=2, column=column, value="W")
        assert found.severity == "warning"
        assert "withheld" in found.why
    # The metadata says 2022 is estimated for "other countries" (no marker in the CSV)
    assert one(res.tables["production"], country="ROW", year=2022)["status"] == "estimated"
    assert "Excludes U.S. production" in one(res.tables["production_totals"], year=2022)["note"]


def test_reported_in_note_overrides_estimated_column(fx: Path) -> None:
    prod = world(fx, 2024, "mgmet").tables["production"]
    china = prod[prod["country"] == "CHN"].set_index("year")["status"]
    assert china.to_dict() == {2022: "reported", 2023: "estimated"}  # "Reported in 2022"
    assert one(prod, country="BRA", year=2022)["status"] == "estimated"  # Prod_kt_est_2022


def test_germanium_without_numbers(fx: Path) -> None:
    res = world(fx, 2023, "germa")
    assert "production" not in res.tables
    assert "production_totals" not in res.tables
    assert one(res.tables["mineral_stages"], mineral="germanium")["coverage"] == "no-data"
    assert problems(res, row=2, value="W", severity="warning")
    assert len(problems(res, row=4, value="NA", severity="warning")) == 2  # world total


# --------------------------------------------------------------------------- salient files


def test_gallium_salient_consumption_in_kg(fx: Path) -> None:
    res = salient(fx, 2024, "galli")
    cons = res.tables["consumption"]
    assert list(cons.columns) == COLUMNS["consumption"]
    y2022 = one(cons, mineral="gallium", year=2022)  # Consump_g 19,700 is kilograms
    assert (y2022["value_t"], y2022["kind"], y2022["status"]) == (19.7, "reported", "reported")
    assert (y2022["consumer"], y2022["sector"]) == ("USA", "all")
    assert one(cons, year=2023)["status"] == "estimated"  # the latest year of the edition
    price = one(
        res.tables["prices"],
        series="gallium, high-purity (99.999%+), US import unit value",
        year=2023,
    )
    assert (price["price_usd_per_kg"], price["unit_as_published"]) == (450.0, "$/kg")
    nir = one(res.tables["net_import_reliance"], year=2022)
    assert (nir["nir_share"], nir["qualifier"], nir["country"]) == (1.0, "=", "USA")


def test_nickel_duplicate_price_header(fx: Path) -> None:
    res = salient(fx, 2024, "nicke")
    prices = res.tables["prices"]
    assert set(prices["series"]) == {"nickel, LME cash"}
    assert one(prices, year=2022)["price_usd_per_kg"] == pytest.approx(25.815)  # $25,815/t
    # the second "Price_dt dlb (both used)" column is the same price in $/lb: 11.71 $/lb
    assert 11.71 * 2.20462262 == pytest.approx(25.815, rel=1e-3)
    assert problems(res, column="Price_dt dlb (both used)", severity="info")
    total = one(res.tables["consumption"], year=2022)
    assert (total["value_t"], total["status"]) == (210_000.0, "estimated")  # since 2020


def test_tungsten_misspelt_headers_and_mtu_price(fx: Path) -> None:
    res = salient(fx, 2024, "tungs")
    price = one(res.tables["prices"], mineral="tungsten", year=2022)
    assert price["price_usd_per_kg"] == pytest.approx(27.5)  # 275 $/mtu WO3 / 10 kg
    assert price["unit_as_published"] == "$/mtu WO3"
    assert "consumption" not in res.tables
    assert len(problems(res, value="W", severity="warning")) == 4
    nir = one(res.tables["net_import_reliance"], year=2023)  # NIR_ct ">50"
    assert (nir["nir_share"], nir["qualifier"]) == (0.5, ">")


def test_platinum_group_salient(fx: Path) -> None:
    res = salient(fx, 2024, "plati")
    prices = res.tables["prices"]
    platinum = one(prices, mineral="platinum", year=2023)  # $1,000 per troy ounce
    assert platinum["price_usd_per_kg"] == pytest.approx(1000 * 32.1507466)
    rhodium = one(prices, series="rhodium, Engelhard unfabricated", year=2023)
    assert rhodium["mineral"] == "platinum-group-metals"
    cons = res.tables["consumption"]
    sum_2022 = one(cons, mineral="platinum-group-metals", year=2022)
    assert sum_2022["value_t"] == pytest.approx(74.1 + 53.1)  # 74,100 + 53,100 kg
    nir = res.tables["net_import_reliance"]
    assert one(nir, mineral="palladium", year=2023)["nir_share"] == pytest.approx(0.37)
    assert not problems(res, severity="warning")  # "Less than a half unit" is unmapped


def test_copper_cents_and_e_marker(fx: Path) -> None:
    res = salient(fx, 2024, "coppe")
    price = one(
        res.tables["prices"], series="copper cathode, US producer (COMEX + premium)", year=2023
    )
    assert price["price_usd_per_kg"] == pytest.approx(4.00 * 2.20462262)  # 400 cents/lb
    assert price["unit_as_published"] == "cents/lb"
    cons = res.tables["consumption"]
    apparent = one(cons, kind="apparent", year=2022)  # "e1800" kt
    assert (apparent["value_t"], apparent["status"]) == (1_800_000.0, "estimated")
    reported = one(cons, kind="reported", year=2022)
    assert (reported["value_t"], reported["status"]) == (1_720_000.0, "reported")


def test_broken_salient_files_are_reported(fx: Path) -> None:
    cobalt = salient(fx, 2024, "cobal")  # holds the world table
    assert not cobalt.tables
    assert problems(cobalt, file="mcs2024-cobal_salient.csv", severity="warning")
    fluorspar = salient(fx, 2024, "fluor")  # data shifted one column right of the header
    assert not fluorspar.tables
    assert problems(fluorspar, file="mcs2024-fluor_salient.csv", row=2, severity="warning")


def test_rare_earths_salient(fx: Path) -> None:
    res = salient(fx, 2024, "raree")
    assert one(res.tables["consumption"], year=2021)["value_t"] == 7900.0  # "7,900"
    nir = one(res.tables["net_import_reliance"], year=2021)
    assert (nir["mineral"], nir["nir_share"], nir["qualifier"]) == ("rare-earths", 0.95, ">")
    assert problems(res, column="NIR_Concentrate_t", severity="info")  # the "E" column
    prices = res.tables["prices"]
    assert one(prices, mineral="dysprosium", year=2021)["price_usd_per_kg"] == 410.0


def test_niobium_2023_price_header(fx: Path) -> None:
    res = salient(fx, 2023, "niobi")
    assert one(res.tables["prices"], year=2022)["price_usd_per_kg"] == 24.0  # "Price_kg"
    reported = one(res.tables["consumption"], kind="reported", year=2019)
    assert (reported["value_t"], reported["status"]) == (6680.0, "estimated")


# --------------------------------------------------------------------------- both editions


def test_read_usgs_mcs_merges_editions(fx: Path) -> None:
    res = read_usgs_mcs(fx)
    for name in ("production", "production_totals", "reserves", "prices", "consumption"):
        assert list(res.tables[name].columns) == COLUMNS[name], name
    prod = res.tables["production"]
    gallium = prod[prod["mineral"] == "gallium"]
    new = one(gallium, country="CHN", year=2022)
    assert (new["value_t"], new["source_id"]) == (600.0, "usgs-mcs-2024-world")
    old = one(gallium, country="CHN", year=2021)
    assert (old["value_t"], old["status"], old["source_id"]) == (
        423.0,
        "reported",
        "usgs-mcs-2023-world",
    )
    # MCS 2024 dropped Ukraine; its MCS 2023 figure for 2022 must not come back
    assert one(gallium, country="UKR", year=2021)["value_t"] == 1.0
    assert none(gallium, country="UKR", year=2022)
    totals = res.tables["production_totals"]
    assert one(totals, mineral="gallium", year=2022)["published_total_t"] == 610.0
    assert one(totals, mineral="gallium", year=2021)["published_total_t"] == 434.0
    # magnesite: gross weight (MCS 2023) and contained MgO (MCS 2024) are not mixed
    magnesium = prod[(prod["mineral"] == "magnesium") & (prod["stage"] == "mining")]
    assert set(magnesium["year"]) == {2022, 2023}
    assert one(magnesium, country="CHN", year=2022)["status"] == "estimated"  # metadata
    assert one(magnesium, country="SVK", year=2022)["status"] == "reported"
    assert any("magnesite (gross weight)" in p.why for p in problems(res, severity="warning"))
    stage = one(res.tables["mineral_stages"], mineral="magnesium", stage="mining")
    assert stage["basis"] == "magnesium oxide (MgO) content of magnesite"
    # net import reliance: salient first, Fig2 where the salient file is broken
    nir = res.tables["net_import_reliance"]
    nickel = one(nir, mineral="nickel", year=2023)
    assert (nickel["nir_share"], nickel["source_id"]) == (0.57, "usgs-mcs-2024-salient")
    assert any("55%" in p.why and "57%" in p.why for p in res.problems)
    cobalt = one(nir, mineral="cobalt", year=2023)
    assert (cobalt["nir_share"], cobalt["source_id"]) == (0.67, "usgs-mcs-2024-trends")
    assert one(nir, mineral="cobalt", year=2022)["source_id"] == "usgs-mcs-2023-salient"
    assert one(nir, mineral="titanium", year=2023)["qualifier"] == ">"  # sponge metal
    vanadium = one(nir, mineral="vanadium", year=2023)  # "E": net exporter
    assert (vanadium["nir_share"], vanadium["qualifier"]) == (0.0, "E")
    sources = res.tables["import_sources"]
    gallium_sources = sources[sources["mineral"] == "gallium"].sort_values("rank")
    assert list(gallium_sources["partner"]) == ["JPN", "CHN", "DEU", "CAN"]
    assert set(sources["period"]) == {"2019-2022"}
    assert one(sources, mineral="indium", rank=1)["partner"] == "KOR"  # "Republic of Korea"
    assert one(sources, mineral="titanium", rank=1)["partner"] == "JPN"
    vanadium_sources = sources[sources["mineral"] == "vanadium"].sort_values("rank")
    assert list(vanadium_sources["partner"]) == ["CAN", "KOR", "AUT"]  # "Korea, Republic of"
    assert {s["source_id"] for s in res.sources} == {
        "usgs-mcs-2023-world",
        "usgs-mcs-2023-salient",
        "usgs-mcs-2024-world",
        "usgs-mcs-2024-salient",
        "usgs-mcs-2024-trends",
    }
    source = next(s for s in res.sources if s["source_id"] == "usgs-mcs-2024-world")
    assert source["doi_or_url"] == "doi:10.5066/P144BA54"
    assert source["licence"] == "US public domain"
    assert problems(res, value="Aluminum (bauxite)", severity="info")  # from T5


def test_leading_producers_fixture(fx: Path) -> None:
    found: list[Problem] = []
    t5 = read_leading_producers(
        fx / "usgs-mcs-2024/trends/MCS2024_T5_Critical_Minerals_Salient.csv", found
    )
    assert list(t5.columns) == [
        "mineral",
        "leading_country",
        "leading_country_prod",
        "world_total_prod",
        "leading_share",
        "year",
    ]
    gallium = one(t5, mineral="gallium")
    assert (gallium["leading_country"], gallium["leading_share"], gallium["year"]) == (
        "CHN",
        0.98,
        2023,
    )
    assert (gallium["leading_country_prod"], gallium["world_total_prod"]) == (600.0, 610.0)
    assert one(t5, mineral="cobalt")["leading_country"] == "COD"
    assert one(t5, mineral="titanium")["leading_country"] == "CHN"
    assert math.isnan(one(t5, mineral="germanium")["leading_share"])
    assert set(t5["mineral"]) <= set(registry.mineral_ids())
    assert {p.value for p in found} == {"Aluminum (bauxite)", "Zinc"}


# --------------------------------------------------------------------------- real files


@pytest.fixture(scope="module")
def real(shared_data: Path) -> IngestResult:
    return read_usgs_mcs(shared_data)


@pytest.mark.shared_data
def test_real_published_figures(real: IngestResult) -> None:
    prod = real.tables["production"]
    graphite = one(prod, mineral="graphite", stage="mining", country="CHN", year=2023)
    assert graphite["value_t"] == 1_230_000.0
    assert one(prod, mineral="cobalt", country="COD", year=2023)["value_t"] == 170_000.0
    totals = real.tables["production_totals"]
    assert one(totals, mineral="rare-earths", year=2023)["published_total_t"] == 350_000.0
    copper = one(
        real.tables["prices"], series="copper cathode, US producer (COMEX + premium)", year=2023
    )
    assert copper["price_usd_per_kg"] == pytest.approx(4.00 * 2.20462262)


@pytest.mark.shared_data
def test_real_leading_producers(shared_data: Path) -> None:
    t5 = read_leading_producers(
        shared_data / "usgs-mcs-2024/trends/MCS2024_T5_Critical_Minerals_Salient.csv"
    )
    gallium = one(t5, mineral="gallium")
    assert (gallium["leading_country"], gallium["leading_share"]) == ("CHN", 0.98)
    cobalt = one(t5, mineral="cobalt")
    assert (cobalt["leading_country"], cobalt["leading_share"]) == ("COD", 0.74)
    assert len(t5) == 20  # every critmin mineral USGS lists as critical, copper excepted


@pytest.mark.shared_data
def test_real_files_found_and_broken_ones_reported(real: IngestResult) -> None:
    assert not [p for p in real.problems if re.match(r"no (world|salient) file", p.why)]
    assert problems(real, file="mcs2024-cobal_salient.csv", severity="warning")
    assert problems(real, file="mcs2024-fluor_salient.csv", severity="warning")
    nir = real.tables["net_import_reliance"]
    cobalt = one(nir, mineral="cobalt", year=2023)  # the cobalt salient file is broken
    assert (cobalt["nir_share"], cobalt["source_id"]) == (0.67, "usgs-mcs-2024-trends")


def _data_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and non-blank rows (with 1-based line numbers) of a CSV, read independently."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [(reader.line_num, r) for r in reader if any(c.strip() for c in r)]
    return header, rows


@pytest.mark.shared_data
@pytest.mark.parametrize("edition", [2023, 2024])
def test_real_world_rows_are_never_dropped_silently(shared_data: Path, edition: int) -> None:
    """Every non-blank data row of every registry world file yields, for each production
    year, a production or world-total row, or a Problem naming its line."""
    codes: dict[str, set[str]] = {}
    for spec in registry.MINERALS:
        for code in spec.usgs_codes:
            codes.setdefault(code, set()).add(spec.mineral)
    codes["timin"].add("titanium")
    for code, minerals in codes.items():
        path = shared_data / f"usgs-mcs-{edition}" / "world" / f"mcs{edition}-{code}_world.csv"
        res = read_world_file(path, edition)
        header, rows = _data_rows(path)
        years = [int(m[1]) for c in header if (m := re.match(r"Prod_.*_(\d{4})$", c.strip()))]
        assert len(years) == 2, path
        prod = res.tables.get("production", pd.DataFrame(columns=COLUMNS["production"]))
        totals = res.tables.get("production_totals", pd.DataFrame(columns=["mineral", "year"]))
        flagged = {p.row for p in res.problems}
        for line, cells in rows:
            name = cells[1]
            for year in years:
                if line in flagged:
                    continue
                if name.strip().lower().startswith("world total"):
                    assert not none(totals, year=year), (path.name, line, year)
                    continue
                code3 = resolve_country(name).code or resolve_country(name.split(",")[0]).code
                here = prod[(prod["country"] == code3) & (prod["year"] == year)]
                assert set(here["mineral"]) & minerals, (path.name, line, name, year)


@pytest.mark.shared_data
def test_real_tables_are_valid(real: IngestResult) -> None:
    ids = set(registry.mineral_ids())
    for name, frame in real.tables.items():
        assert list(frame.columns) == COLUMNS[name], name
        key = [c for c in TABLES_BY_NAME[name].primary_key if c in frame.columns]
        assert not frame.duplicated(key).any(), name
        assert set(frame["mineral"]) <= ids, name
    prod = real.tables["production"]
    assert (prod["value_t"] >= 0).all()
    assert prod["country"].map(countries.is_code).all()
    assert set(prod["status"]) == {"reported", "estimated"}
    assert set(prod["year"]) == {2021, 2022, 2023}
    stages = set(
        zip(
            real.tables["mineral_stages"]["mineral"],
            real.tables["mineral_stages"]["stage"],
            strict=True,
        )
    )
    assert set(zip(prod["mineral"], prod["stage"], strict=True)) <= stages
    reserves = real.tables["reserves"]
    assert set(reserves["year"]) == {2022, 2023}
    assert reserves["country"].map(countries.is_code).all()
    nir = real.tables["net_import_reliance"]
    assert nir["nir_share"].between(0, 1).all()
    assert (real.tables["prices"]["price_usd_per_kg"] > 0).all()
    assert (real.tables["consumption"]["value_t"] >= 0).all()
    assert real.tables["import_sources"]["partner"].map(countries.is_country).all()
