"""Tests of critmin.world.trade: apparent consumption, NIR, import sources, hubs.

Tiny worlds with answers worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin import countries
from critmin.errors import CritminError
from critmin.risk import nir_table
from critmin.world import checks
from critmin.world.load import World
from critmin.world.schema import TABLES
from critmin.world.trade import (
    apparent_consumption,
    import_sources,
    reattribute_hubs,
    trade_rows,
)


def world_of(
    production: list[tuple[object, ...]],
    totals: list[tuple[object, ...]],
    trade: list[tuple[object, ...]],
    hs: list[tuple[object, ...]] = (),  # type: ignore[assignment]
    nir: list[tuple[object, ...]] = (),  # type: ignore[assignment]
) -> World:
    """production (mineral, stage, country, year, t); totals (mineral, stage, year, t);
    trade (mineral, stage, hs_code, exporter, importer, year, value_t, gross_t);
    hs (hs_code, mineral, stage, status, factor, same_basis)."""
    raw = {
        "production": pd.DataFrame(
            production, columns=["mineral", "stage", "country", "year", "value_t"]
        ).assign(status="reported", source_id="prod-src"),
        "production_totals": pd.DataFrame(
            totals, columns=["mineral", "stage", "year", "world_total_t"]
        ).assign(source_id="prod-src", total_kind="published"),
        "trade": pd.DataFrame(
            trade,
            columns=[
                "mineral",
                "stage",
                "hs_code",
                "exporter",
                "importer",
                "year",
                "value_t",
                "gross_t",
            ],
        ).assign(source_id="trade-src", value_usd=1.0),
        "hs_codes": pd.DataFrame(
            list(hs),
            columns=[
                "hs_code",
                "mineral",
                "stage",
                "status",
                "content_factor",
                "same_basis_as_production",
            ],
        ).assign(description="product"),
        "minerals": pd.DataFrame({"mineral": ["cobalt", "graphite"], "name": ["c", "g"]}),
        "net_import_reliance": pd.DataFrame(
            list(nir), columns=["mineral", "country", "year", "nir_share", "qualifier"]
        ).assign(source_id="usgs"),
    }
    tables = {}
    for table in TABLES:
        frame = raw.get(table.name, pd.DataFrame(columns=table.columns))
        tables[table.name] = checks.coerce(table, frame.astype(str).replace("nan", ""))
    return World(Path("test"), tables)


# cobalt mining 2023, world 100 (complete list): COD 70, AUS 20, FIN 10.
# trade (Co content): COD->CHN 50, COD->FIN 5, AUS->JPN 8, FIN->DEU 3, DEU->FRA 1,
#   CHN->JPN 2, AUS->DEU 4, a JPN import from KOR without a quantity.
PROD = [
    ("cobalt", "mining", "COD", 2023, 70),
    ("cobalt", "mining", "AUS", 2023, 20),
    ("cobalt", "mining", "FIN", 2023, 10),
]
TOT = [("cobalt", "mining", 2023, 100)]
TRADE = [
    ("cobalt", "mining", "810510", "COD", "CHN", 2023, 50, 140),
    ("cobalt", "mining", "810510", "COD", "FIN", 2023, 5, 14),
    ("cobalt", "mining", "810510", "AUS", "JPN", 2023, 8, 20),
    ("cobalt", "mining", "810510", "FIN", "DEU", 2023, 3, 8),
    ("cobalt", "mining", "810510", "DEU", "FRA", 2023, 1, 3),
    ("cobalt", "mining", "810510", "CHN", "JPN", 2023, 2, 6),
    ("cobalt", "mining", "810510", "AUS", "DEU", 2023, 4, 10),
    ("cobalt", "mining", "810510", "KOR", "JPN", 2023, "", ""),
]
HS = [("810510", "cobalt", "mining", "content", 0.35, "true")]


@pytest.fixture(scope="module")
def world() -> World:
    return world_of(PROD, TOT, TRADE, HS)


def one(frame: pd.DataFrame) -> pd.Series:
    assert len(frame) == 1
    return frame.iloc[0]


def test_apparent_consumption_of_an_importer(world: World) -> None:
    # JPN: production 0 (the source lists every producer), imports 8 + 2 = 10, exports 0
    # AC = 10, NIR = 10 / 10 = 1; the KOR row without a quantity is not counted
    row = one(apparent_consumption(world, "JPN", "cobalt", stage="mining", years=2023))
    assert row["production_t"] == 0
    assert row["imports_t"] == pytest.approx(10)
    assert row["apparent_consumption_t"] == pytest.approx(10)
    assert row["nir_share"] == pytest.approx(1.0)
    assert row["qualifier"] == "="
    assert row["missing_quantity_rows"] == 1
    assert row["status"] == "derived"
    assert row["source_id"] == "trade-src;prod-src"


def test_apparent_consumption_of_a_producer_and_net_exporter(world: World) -> None:
    # FIN: production 10, imports 5, exports 3: AC = 12, NIR = 2 / 12
    fin = one(apparent_consumption(world, "FIN", "cobalt", stage="mining", years=2023))
    assert fin["apparent_consumption_t"] == pytest.approx(12)
    assert fin["nir_share"] == pytest.approx(2 / 12)
    # COD: production 70, exports 55: AC = 15, net exporter: NIR 0, qualifier E
    cod = one(apparent_consumption(world, "COD", "cobalt", stage="mining", years=2023))
    assert cod["apparent_consumption_t"] == pytest.approx(15)
    assert cod["nir_share"] == 0
    assert cod["qualifier"] == "E"


def test_eu27_nets_out_trade_between_members(world: World) -> None:
    # EU27 = FIN + DEU + FRA: production 10; extra-EU imports COD->FIN 5, AUS->DEU 4 = 9;
    # FIN->DEU 3 and DEU->FRA 1 are internal; extra-EU exports 0. AC = 19, NIR = 9 / 19
    assert {"FIN", "DEU", "FRA"} <= countries.group_members("EU27")
    eu = one(apparent_consumption(world, "EU27", "cobalt", stage="mining", years=2023))
    assert eu["consumer"] == "EU27"
    assert eu["imports_t"] == pytest.approx(9)
    assert eu["exports_t"] == pytest.approx(0)
    assert eu["apparent_consumption_t"] == pytest.approx(19)
    assert eu["nir_share"] == pytest.approx(9 / 19)


def test_unknown_production_gives_a_lower_bound() -> None:
    # the source lists COD 70 only and folds 30 t into other countries: JPN's output is
    # unknown (at most 30). Imports 10: NIR >= 10 / (30 + 10) = 0.25, AC unknown
    w = world_of([("cobalt", "mining", "COD", 2023, 70)], TOT, TRADE, HS)
    row = one(apparent_consumption(w, "JPN", "cobalt", stage="mining", years=2023))
    assert np.isnan(row["production_t"])
    assert np.isnan(row["apparent_consumption_t"])
    assert row["nir_share"] == pytest.approx(0.25)
    assert row["qualifier"] == ">"
    assert "production unknown" in row["note"]


def test_basis_mismatch_gives_no_consumption() -> None:
    hs = [("810510", "cobalt", "mining", "content", 0.35, "false")]
    w = world_of(PROD, TOT, TRADE, hs)
    row = one(apparent_consumption(w, "JPN", "cobalt", stage="mining", years=2023))
    assert np.isnan(row["nir_share"])
    assert "not on the production series' basis" in row["note"]


def test_gross_weight_codes_are_left_out_of_basis_sums() -> None:
    # a second code in gross weight only: the basis measure leaves it out and says so
    trade = [*TRADE, ("cobalt", "mining", "282200", "CHN", "JPN", 2023, "", 99)]
    hs = [*HS, ("282200", "cobalt", "mining", "gross-weight", "", "false")]
    sel = trade_rows(world_of(PROD, TOT, trade, hs), "cobalt", "mining", 2023)
    assert sel.measure == "value_t"
    assert sel.codes == ("810510",)
    assert any("282200" in e for e in sel.excluded)


def test_import_sources_shares(world: World) -> None:
    # JPN imports AUS 8, CHN 2 (KOR has no quantity): shares 0.8, 0.2
    out = import_sources(world, "JPN", "cobalt", stage="mining", year=2023)
    assert out["supplier"].tolist() == ["AUS", "CHN"]
    assert out["import_share"].tolist() == pytest.approx([0.8, 0.2])


def test_hub_reattribution_by_hand() -> None:
    # hub HKG produces 0, imports CHN 30 and AUS 10 (supply pool 40: 75 % CHN, 25 % AUS)
    # and exports 8 to JPN: JPN's 8 become CHN 6 and AUS 2; JPN's direct KOR 4 stays.
    flows = pd.DataFrame(
        {
            "exporter": ["CHN", "AUS", "HKG", "KOR"],
            "importer": ["HKG", "HKG", "JPN", "JPN"],
            "quantity_t": [30.0, 10.0, 8.0, 4.0],
        }
    )
    out = reattribute_hubs(flows, pd.Series(dtype=float), ["HKG"])
    jpn = out[out["importer"] == "JPN"].groupby("exporter")["quantity_t"].sum()
    assert jpn.to_dict() == pytest.approx({"CHN": 6.0, "AUS": 2.0, "KOR": 4.0})
    assert set(out.loc[out["importer"] == "JPN", "via"]) == {"HKG", ""}


def test_hub_chain_and_own_production() -> None:
    # NLD produces 10 and imports 30 from CHN; BEL imports 20 from NLD and 20 from USA.
    # NLD pool 40: 25 % NLD, 75 % CHN. BEL pool 40: half NLD's mix, half USA:
    # BEL mix = 12.5 % NLD, 37.5 % CHN, 50 % USA. BEL exports 16 to DEU:
    # NLD 2, CHN 6, USA 8. Quantities are preserved.
    flows = pd.DataFrame(
        {
            "exporter": ["CHN", "NLD", "USA", "BEL"],
            "importer": ["NLD", "BEL", "BEL", "DEU"],
            "quantity_t": [30.0, 20.0, 20.0, 16.0],
        }
    )
    out = reattribute_hubs(flows, pd.Series({"NLD": 10.0}), ["NLD", "BEL"])
    deu = out[out["importer"] == "DEU"].groupby("exporter")["quantity_t"].sum()
    assert deu.to_dict() == pytest.approx({"NLD": 2.0, "CHN": 6.0, "USA": 8.0})
    assert out["quantity_t"].sum() == pytest.approx(flows["quantity_t"].sum())


def test_import_sources_with_hubs() -> None:
    # JPN imports 8 from CHN and 2 from FIN; FIN (a hub here) imports 5 from COD and
    # produces 10: FIN's mix 10/15 FIN, 5/15 COD; JPN's 2 from FIN -> FIN 4/3, COD 2/3
    trade = [
        ("cobalt", "mining", "810510", "CHN", "JPN", 2023, 8, 8),
        ("cobalt", "mining", "810510", "FIN", "JPN", 2023, 2, 2),
        ("cobalt", "mining", "810510", "COD", "FIN", 2023, 5, 5),
    ]
    w = world_of(PROD, TOT, trade, HS)
    out = import_sources(w, "JPN", "cobalt", stage="mining", year=2023, hubs=["FIN"])
    got = dict(zip(out["supplier"], out["imports_t"], strict=True))
    assert got == pytest.approx({"CHN": 8.0, "FIN": 4 / 3, "COD": 2 / 3})


def test_errors(world: World) -> None:
    with pytest.raises(CritminError, match="unknown country or group"):
        apparent_consumption(world, "XXX", "cobalt")
    with pytest.raises(CritminError, match="no trade of cobalt"):
        import_sources(world, "JPN", "cobalt", stage="mining", year=1990)


def test_hub_loop_without_origin_stays_with_the_hubs() -> None:
    # HKG and SGP trade only with each other (no production, no other imports) and HKG
    # ships 5 to JPN: nothing can be traced to an origin, so HKG keeps its 5
    flows = pd.DataFrame(
        {
            "exporter": ["HKG", "SGP", "HKG"],
            "importer": ["SGP", "HKG", "JPN"],
            "quantity_t": [2.0, 3.0, 5.0],
        }
    )
    out = reattribute_hubs(flows, pd.Series(dtype=float), ["HKG", "SGP"])
    jpn = out[out["importer"] == "JPN"].groupby("exporter")["quantity_t"].sum()
    assert jpn.to_dict() == pytest.approx({"HKG": 5.0})


def test_nir_table_puts_published_beside_derived() -> None:
    # JPN: derived NIR 1 (imports 10, no production) and a published 0.9: difference +0.1
    w = world_of(PROD, TOT, TRADE, HS, nir=[("cobalt", "JPN", 2023, 0.9, "=")])
    row = one(nir_table(w, "JPN"))
    assert row["nir_share"] == pytest.approx(0.9)
    assert row["derived_nir_share"] == pytest.approx(1.0)
    assert row["difference"] == pytest.approx(0.1)
    assert row["derived_stage"] == "mining"
    # FIN has no published figure: derived 2/12 only
    fin = one(nir_table(w, "FIN"))
    assert np.isnan(fin["nir_share"])
    assert fin["derived_nir_share"] == pytest.approx(2 / 12)
