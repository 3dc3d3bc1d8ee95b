"""Tests for critmin.risk: tiny worlds with answers worked out by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from critmin import risk
from critmin.errors import CritminError
from critmin.world import checks
from critmin.world.load import World
from critmin.world.schema import TABLES, TABLES_BY_NAME

# ---------------------------------------------------------------------------
# helper: a World from a few rows, typed exactly as a loaded package is
# ---------------------------------------------------------------------------

Row = tuple[object, ...]


def make_world(
    *,
    production: Iterable[Row] = (),
    totals: Iterable[Row] = (),
    governance: Iterable[Row] = (),
    nir: Iterable[Row] = (),
    trade: Iterable[Row] = (),
    eol: Mapping[str, float] | None = None,
) -> World:
    """Build a World from tuples; unspecified columns get the loader's defaults.

    production: (mineral, stage, country, year, value_t)
    totals:     (mineral, stage, year, world_total_t)
    governance: (country, year, pv_risk_share)
    nir:        (mineral, country, year, nir_share, qualifier)
    trade:      (mineral, stage, exporter, importer, year, value_t)
    eol:        {mineral: eol_rir_share}
    """
    prod = pd.DataFrame(
        list(production), columns=["mineral", "stage", "country", "year", "value_t"]
    ).assign(status="reported", source_id="test")
    tot = pd.DataFrame(list(totals), columns=["mineral", "stage", "year", "world_total_t"])
    sums = prod.groupby(["mineral", "stage", "year"])["value_t"].sum()
    tot["rows_sum_t"] = [
        sums.get((m, s, y), 0.0)
        for m, s, y in tot[["mineral", "stage", "year"]].itertuples(index=False)
    ]
    tot = tot.assign(total_kind="published", source_id="test")
    gov = pd.DataFrame(list(governance), columns=["country", "year", "pv_risk_share"])
    gov = gov.assign(pv_estimate=2.5 - 5 * gov["pv_risk_share"], source_id="test")
    nirs = pd.DataFrame(
        list(nir), columns=["mineral", "country", "year", "nir_share", "qualifier"]
    ).assign(source_id="test")
    trd = pd.DataFrame(
        list(trade), columns=["mineral", "stage", "exporter", "importer", "year", "value_t"]
    ).assign(source_id="test")
    ids = sorted(set(tot["mineral"]) | set(prod["mineral"]) | set(nirs["mineral"]))
    eol = eol or {}
    minerals = pd.DataFrame(
        {
            "mineral": ids,
            "name": ids,
            "stages": "mining;refining",
            "eol_rir_share": [eol.get(m, "") for m in ids],
        }
    )
    stages = tot[["mineral", "stage"]].drop_duplicates()
    stages = stages.assign(basis="contained " + stages["mineral"], unit="t", coverage="data")
    raw = {
        "minerals": minerals,
        "mineral_stages": stages,
        "production": prod,
        "production_totals": tot,
        "governance": gov,
        "net_import_reliance": nirs,
        "trade": trd,
    }
    tables = {
        table.name: checks.coerce(table, raw[table.name].astype(str).reset_index(drop=True))
        if table.name in raw
        else _empty(table.name)
        for table in TABLES
    }
    return World(Path("test-world"), tables)


@cache
def _empty_typed(name: str) -> pd.DataFrame:
    table = TABLES_BY_NAME[name]
    return checks.coerce(table, pd.DataFrame(columns=table.columns))


def _empty(name: str) -> pd.DataFrame:
    return _empty_typed(name).copy()


# ---------------------------------------------------------------------------
# the shared hand-made world
# ---------------------------------------------------------------------------
#
# cobalt  mining   2023, total 100: COD 50, AUS 30, ZMB 20          -> 0.5 / 0.3 / 0.2
#         refining 2023, total 100: CHN 75, FIN 10, CAN 5 (10 unattributed)
# gallium refining 2023, total 1000: CHN 900, JPN 20, ROW 50 (30 unattributed)
# graphite refining 2023, total 200: CHN 150, USA 20, JPN 20, ROW 10
# tungsten mining 2019 and 2023, total 100: CHN 80, VNM 10, ROW 10
# nickel  mining   2023, total 100: IDN 30, PHL 10, AUS 25, CAN 25, USA 10
#
# governance (pv_risk_share): COD 0.9 (2023), AUS 0.2 (2023), CAN 0.2 (2023),
#   JPN 0.1 (2023), USA 0.3 (2023), VNM 0.3 (2023),
#   CHN 0.6 (2020), 0.55 (2022), 0.4 (2025);  ZMB, FIN, IDN, PHL missing -> 0.5
# net import reliance of the USA: cobalt 0.76 '>' (2023), gallium 1.0 (2023),
#   graphite 0.5 (2022) and 0.6 (2023), nickel 0.4 (2023); none for tungsten
# EoL-RIR: cobalt 0.2, the rest unknown.

PRODUCTION = [
    ("cobalt", "mining", "COD", 2023, 50),
    ("cobalt", "mining", "AUS", 2023, 30),
    ("cobalt", "mining", "ZMB", 2023, 20),
    ("cobalt", "refining", "CHN", 2023, 75),
    ("cobalt", "refining", "FIN", 2023, 10),
    ("cobalt", "refining", "CAN", 2023, 5),
    ("gallium", "refining", "CHN", 2023, 900),
    ("gallium", "refining", "JPN", 2023, 20),
    ("gallium", "refining", "ROW", 2023, 50),
    ("graphite", "refining", "CHN", 2023, 150),
    ("graphite", "refining", "USA", 2023, 20),
    ("graphite", "refining", "JPN", 2023, 20),
    ("graphite", "refining", "ROW", 2023, 10),
    ("tungsten", "mining", "CHN", 2019, 80),
    ("tungsten", "mining", "VNM", 2019, 10),
    ("tungsten", "mining", "ROW", 2019, 10),
    ("tungsten", "mining", "CHN", 2023, 80),
    ("tungsten", "mining", "VNM", 2023, 10),
    ("tungsten", "mining", "ROW", 2023, 10),
    ("nickel", "mining", "IDN", 2023, 30),
    ("nickel", "mining", "PHL", 2023, 10),
    ("nickel", "mining", "AUS", 2023, 25),
    ("nickel", "mining", "CAN", 2023, 25),
    ("nickel", "mining", "USA", 2023, 10),
]
TOTALS = [
    ("cobalt", "mining", 2023, 100),
    ("cobalt", "refining", 2023, 100),
    ("gallium", "refining", 2023, 1000),
    ("graphite", "refining", 2023, 200),
    ("tungsten", "mining", 2019, 100),
    ("tungsten", "mining", 2023, 100),
    ("nickel", "mining", 2023, 100),
]
GOVERNANCE = [
    ("COD", 2023, 0.9),
    ("AUS", 2023, 0.2),
    ("CAN", 2023, 0.2),
    ("JPN", 2023, 0.1),
    ("USA", 2023, 0.3),
    ("VNM", 2023, 0.3),
    ("CHN", 2020, 0.6),
    ("CHN", 2022, 0.55),
    ("CHN", 2025, 0.4),
]
NIR = [
    ("cobalt", "USA", 2023, 0.76, ">"),
    ("gallium", "USA", 2023, 1.0, "="),
    ("graphite", "USA", 2022, 0.5, "="),
    ("graphite", "USA", 2023, 0.6, "="),
    ("nickel", "USA", 2023, 0.4, "="),
]


@pytest.fixture(scope="module")
def world() -> World:
    return make_world(
        production=PRODUCTION,
        totals=TOTALS,
        governance=GOVERNANCE,
        nir=NIR,
        eol={"cobalt": 0.2},
    )


def row(frame: pd.DataFrame, **match: object) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in match.items():
        mask &= (frame[column] == value).to_numpy()
    assert mask.sum() == 1, f"expected one row for {match}, got {mask.sum()}"
    return frame[mask].iloc[0]


# ---------------------------------------------------------------------------
# concentration
# ---------------------------------------------------------------------------


def test_concentration_three_producers(world: World) -> None:
    # shares 0.5 / 0.3 / 0.2: HHI = 0.25 + 0.09 + 0.04 = 0.38 (3,800 points)
    # gov-weighted: 0.25*0.9 + 0.09*0.2 + 0.04*0.5 (ZMB missing) = 0.263
    # alliance holds AUS only: outside = 1 - 0.3 = 0.7
    out = concentration_row(world, "cobalt", "mining")
    assert out["hhi"] == pytest.approx(0.38)
    assert out["hhi_10000"] == pytest.approx(3800)
    assert out["gov_weighted_hhi"] == pytest.approx(0.263)
    assert out["outside_group_share"] == pytest.approx(0.7)
    assert out["top_country"] == "COD"
    assert out["top_share"] == pytest.approx(0.5)
    assert out["top3_share"] == pytest.approx(1.0)
    assert out["china_share"] == 0.0
    assert out["n_countries"] == 3
    assert out["unattributed_share"] == 0.0
    assert out["world_total_t"] == 100
    assert out["basis"] == "contained cobalt"


def concentration_row(world: World, mineral: str, stage: str, **kwargs: object) -> pd.Series:
    return row(risk.concentration(world, **kwargs), mineral=mineral, stage=stage)  # type: ignore[arg-type]


def test_concentration_with_row_and_unattributed(world: World) -> None:
    # CHN 0.9, JPN 0.02, ROW 0.05, unattributed 0.03.
    # HHI over named countries only: 0.81 + 0.0004 = 0.8104 (ROW atomised).
    # top 3 over named countries: 0.9 + 0.02 = 0.92.
    # outside the alliance: everything but JPN, ROW and remainder included: 0.98.
    # gov-weighted: 0.81*0.55 (CHN 2022, latest <= 2023) + 0.0004*0.1 = 0.44554
    out = concentration_row(world, "gallium", "refining")
    assert out["hhi"] == pytest.approx(0.8104)
    assert out["top3_share"] == pytest.approx(0.92)
    assert out["china_share"] == pytest.approx(0.9)
    assert out["unattributed_share"] == pytest.approx(0.03)
    assert out["outside_group_share"] == pytest.approx(0.98)
    assert out["gov_weighted_hhi"] == pytest.approx(0.44554)
    assert out["n_countries"] == 2


def test_governance_year_selection(world: World) -> None:
    # tungsten: CHN 0.8, VNM 0.1, ROW 0.1.
    # 2023 uses CHN 2022 (0.55): 0.64*0.55 + 0.01*0.3 = 0.355
    # 2019 precedes every CHN figure, so the latest (2025, 0.4) is used;
    # VNM has only 2023 (0.3): 0.64*0.4 + 0.01*0.3 = 0.259
    latest = concentration_row(world, "tungsten", "mining")
    assert latest["year"] == 2023
    assert latest["gov_weighted_hhi"] == pytest.approx(0.355)
    early = concentration_row(world, "tungsten", "mining", year=2019)
    assert early["gov_weighted_hhi"] == pytest.approx(0.259)


def test_year_skips_minerals_without_it(world: World) -> None:
    out = risk.concentration(world, year=2019)
    assert list(out["mineral"]) == ["tungsten"]


def test_bottleneck_is_the_most_concentrated_stage(world: World) -> None:
    # cobalt refining: 0.75^2 + 0.1^2 + 0.05^2 = 0.575 > mining 0.38
    out = risk.concentration(world, minerals="cobalt")
    assert list(out["stage"]) == ["mining", "refining"]
    assert list(out["is_bottleneck"]) == [False, True]
    assert row(out, stage="refining")["hhi"] == pytest.approx(0.575)
    assert row(out, stage="refining")["unattributed_share"] == pytest.approx(0.1)


def test_bottleneck_ties_mark_both_stages() -> None:
    w = make_world(
        production=[("tin", "mining", "CHN", 2023, 5), ("tin", "refining", "IDN", 2023, 5)],
        totals=[("tin", "mining", 2023, 10), ("tin", "refining", 2023, 10)],
    )
    assert list(risk.concentration(w)["is_bottleneck"]) == [True, True]


def test_group_as_list_and_named_group(world: World) -> None:
    # cobalt mining: COD 0.5, AUS 0.3, ZMB 0.2
    assert concentration_row(world, "cobalt", "mining", group=["COD"])[
        "outside_group_share"
    ] == pytest.approx(0.5)
    assert concentration_row(world, "cobalt", "mining", group=["COD", "ZMB"])[
        "outside_group_share"
    ] == pytest.approx(0.3)
    # G7 holds none of the three
    assert concentration_row(world, "cobalt", "mining", group="G7")[
        "outside_group_share"
    ] == pytest.approx(1.0)


def test_aggregate_as_group_member_is_refused(world: World) -> None:
    with pytest.raises(CritminError, match="aggregate"):
        risk.concentration(world, group=["USA", "ROW"])


def test_unknown_mineral_lists_allowed(world: World) -> None:
    with pytest.raises(CritminError, match="unknown mineral") as info:
        risk.concentration(world, minerals=["cobalt", "unobtainium"])
    assert "allowed: cobalt, gallium, graphite, nickel, tungsten" in str(info.value)


def test_year_without_data_lists_valid_years(world: World) -> None:
    with pytest.raises(CritminError, match="no production data") as info:
        risk.concentration(world, year=1999)
    assert "allowed: 2019, 2023" in str(info.value)


def test_unknown_stage(world: World) -> None:
    with pytest.raises(CritminError, match="unknown stage") as info:
        risk.concentration(world, stages="smelting")
    assert "allowed: mining, refining" in str(info.value)


# ---------------------------------------------------------------------------
# country_shares
# ---------------------------------------------------------------------------


def test_country_shares_rows_and_remainder(world: World) -> None:
    out = risk.country_shares(world, "gallium", "refining", 2023)
    assert list(out["country"]) == ["CHN", "JPN", "ROW", "unattributed"]
    assert out["share"].tolist() == pytest.approx([0.9, 0.02, 0.05, 0.03])
    assert out["value_t"].tolist() == pytest.approx([900, 20, 50, 30])


def test_country_shares_bad_year(world: World) -> None:
    with pytest.raises(CritminError, match="no production data") as info:
        risk.country_shares(world, "tungsten", "mining", 2020)
    assert "allowed: 2019, 2023" in str(info.value)


# ---------------------------------------------------------------------------
# import reliance and exposure
# ---------------------------------------------------------------------------


def test_import_reliance_latest_per_mineral(world: World) -> None:
    out = risk.import_reliance(world, "USA")
    assert list(out["mineral"]) == ["gallium", "cobalt", "graphite", "nickel"]
    assert out["nir_share"].tolist() == pytest.approx([1.0, 0.76, 0.6, 0.4])
    assert row(out, mineral="cobalt")["qualifier"] == ">"
    assert set(out.columns) == {"mineral", "year", "nir_share", "qualifier", "source_id"}


def test_import_reliance_year(world: World) -> None:
    out = risk.import_reliance(world, "USA", year=2022)
    assert list(out["mineral"]) == ["graphite"]
    assert out["nir_share"].tolist() == pytest.approx([0.5])
    with pytest.raises(CritminError, match="allowed: 2022, 2023"):
        risk.import_reliance(world, "USA", year=2010)


def test_import_reliance_unknown_consumer(world: World) -> None:
    with pytest.raises(CritminError, match="allowed: USA"):
        risk.import_reliance(world, "JPN")
    with pytest.raises(CritminError, match="unknown country code"):
        risk.import_reliance(world, "XXX")


def test_exposure_world_pool(world: World) -> None:
    # graphite refining 2023: CHN 150, USA 20, JPN 20, ROW 10 of 200; NIR 0.6.
    # pool without the USA = 180: CHN 0.6*150/180 = 0.5, JPN 0.6*20/180 = 0.0667,
    # ROW 0.6*10/180 = 0.0333, unattributed 0; the sum is the NIR.
    out = risk.exposure(world, "USA", "graphite")
    assert list(out["supplier"]) == ["CHN", "JPN", "ROW", "unattributed"]
    assert out["exposure_share"].tolist() == pytest.approx([0.5, 0.6 * 20 / 180, 0.6 * 10 / 180, 0])
    assert out["exposure_share"].sum() == pytest.approx(0.6)
    assert set(out["method"]) == {"world-pool"}
    assert set(out["stage"]) == {"refining"}


def test_exposure_with_unattributed_remainder(world: World) -> None:
    # cobalt refining (default stage: refining has data): CHN 75, FIN 10, CAN 5,
    # 10 unattributed; USA produces none, NIR 0.76:
    # CHN 0.57, FIN 0.076, CAN 0.038, unattributed 0.076.
    out = risk.exposure(world, "USA", "cobalt")
    assert out["supplier"].tolist() == ["CHN", "FIN", "CAN", "unattributed"]
    assert out["exposure_share"].tolist() == pytest.approx([0.57, 0.076, 0.038, 0.076])


def test_exposure_uses_trade_when_present() -> None:
    # imports of the USA: CHN 30, KOR 10 -> CHN 0.6*30/40 = 0.45, KOR 0.15
    w = make_world(
        production=[("graphite", "refining", "CHN", 2023, 150)],
        totals=[("graphite", "refining", 2023, 200)],
        nir=[("graphite", "USA", 2023, 0.6, "=")],
        trade=[
            ("graphite", "refining", "CHN", "USA", 2023, 30),
            ("graphite", "refining", "KOR", "USA", 2023, 10),
            ("graphite", "refining", "KOR", "JPN", 2023, 99),
        ],
    )
    out = risk.exposure(w, "USA", "graphite")
    assert out["supplier"].tolist() == ["CHN", "KOR"]
    assert out["exposure_share"].tolist() == pytest.approx([0.45, 0.15])
    assert set(out["method"]) == {"trade"}


def test_exposure_default_stage_is_mining_without_refining(world: World) -> None:
    # nickel mining: pool without USA (10) = 90; NIR 0.4 -> IDN 0.4*30/90
    out = risk.exposure(world, "USA", "nickel")
    assert set(out["stage"]) == {"mining"}
    assert row(out, supplier="IDN")["exposure_share"] == pytest.approx(0.4 * 30 / 90)


def test_exposure_errors() -> None:
    w = make_world(
        production=[("beryllium", "mining", "USA", 2023, 100)],
        totals=[("beryllium", "mining", 2023, 100)],
        nir=[("beryllium", "USA", 2023, 0.1, "=")],
    )
    with pytest.raises(CritminError, match="only producer"):
        risk.exposure(w, "USA", "beryllium")
    with pytest.raises(CritminError, match="no net import reliance"):
        risk.exposure(w, "JPN", "beryllium")
    with pytest.raises(CritminError, match="unknown mineral"):
        risk.exposure(w, "USA", "unobtainium")


# ---------------------------------------------------------------------------
# EU supply risk
# ---------------------------------------------------------------------------

GS = {"CHN": 60.0, "COD": 30.0, "FIN": 10.0}
EU = {"FIN": 50.0, "COD": 30.0, "CHN": 20.0}
WGI = {"CHN": 6.0, "COD": 9.0, "FIN": 1.0}


def test_eu_supply_risk_by_hand() -> None:
    # global shares 0.6 / 0.3 / 0.1, t_CHN = 1.1 (an input, not a critmin value):
    #   HHI_GS = 0.36*6*1.1 + 0.09*9 + 0.01*1 = 2.376 + 0.81 + 0.01 = 3.196
    # EU sourcing shares FIN 0.5, COD 0.3, CHN 0.2:
    #   HHI_EU = 0.25*1 + 0.09*9 + 0.04*6*1.1 = 0.25 + 0.81 + 0.264 = 1.324
    # IR = 0.8: 3.196*0.4 + 1.324*0.6 = 1.2784 + 0.7944 = 2.0728
    # EoL-RIR 0.1 and SI_SR 0.9: 2.0728 * 0.9 * 0.9 = 1.678968
    out = risk.eu_supply_risk(GS, EU, WGI, 0.8, 0.1, 0.9, trade_factor={"CHN": 1.1})
    assert out.hhi_wgi_t_gs == pytest.approx(3.196)
    assert out.hhi_wgi_t_eu == pytest.approx(1.324)
    assert out.sr == pytest.approx(1.678968)


def test_eu_supply_risk_shares_equal_tonnes() -> None:
    tonnes = risk.eu_supply_risk(GS, EU, WGI, 0.8, 0.1, 0.9)
    shares = risk.eu_supply_risk(
        {"CHN": 0.6, "COD": 0.3, "FIN": 0.1},
        {"FIN": 0.5, "COD": 0.3, "CHN": 0.2},
        WGI,
        0.8,
        0.1,
        0.9,
    )
    assert shares.sr == pytest.approx(tonnes.sr)
    # without the trade factor: HHI_GS = 2.16 + 0.81 + 0.01 = 2.98
    assert tonnes.hhi_wgi_t_gs == pytest.approx(2.98)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"wgi_scaled": {"CHN": 6.0, "COD": 9.0}}, "no scaled WGI"),
        ({"wgi_scaled": {**WGI, "CHN": 11.0}}, "allowed: 0 to 10"),
        ({"import_reliance": 1.5}, "allowed: 0 to 1"),
        ({"global_supply": {"CHN": -1.0, "COD": 3.0}}, "tonnes or shares >= 0"),
        ({"global_supply": {"CHN": 0.0}}, "all zero"),
        ({"eu_sourcing": {"XXX": 1.0}}, "unknown country code"),
        ({"trade_factor": {"CHN": 0.0}}, "a factor > 0"),
    ],
)
def test_eu_supply_risk_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "global_supply": GS,
        "eu_sourcing": EU,
        "wgi_scaled": WGI,
        "import_reliance": 0.8,
        "eol_rir": 0.1,
        "si_sr": 0.9,
    }
    args.update(kwargs)
    with pytest.raises(CritminError, match=message):
        risk.eu_supply_risk(**args)  # type: ignore[arg-type]


def test_eu_supply_risk_from_world(world: World) -> None:
    # cobalt mining 2023: WGI = 10 * pv_risk_share: COD 9, AUS 2, ZMB 5 (missing)
    #   HHI_GS = 0.25*9 + 0.09*2 + 0.04*5 = 2.63; EU sourcing = global proxy;
    #   SR = 2.63 * (1 - 0.2 EoL-RIR) * 1 = 2.104
    out = risk.eu_supply_risk_from_world(world, "cobalt", stage="mining", year=2023)
    assert out.hhi_wgi_t_gs == pytest.approx(2.63)
    assert out.hhi_wgi_t_eu == pytest.approx(2.63)
    assert out.sr == pytest.approx(2.104)
    assert any("proxy" in note for note in out.notes)
    # an explicit EU sourcing: FIN 10 (missing, WGI 5) and AUS 30 (WGI 2):
    #   shares 0.25 / 0.75: HHI_EU = 0.0625*5 + 0.5625*2 = 1.4375
    #   IR 0.5: (2.63*0.25 + 1.4375*0.75) * 0.8 = (0.6575 + 1.078125) * 0.8 = 1.3885
    own = risk.eu_supply_risk_from_world(
        world,
        "cobalt",
        stage="mining",
        year=2023,
        eu_sourcing={"FIN": 10, "AUS": 30},
        import_reliance=0.5,
    )
    assert own.hhi_wgi_t_eu == pytest.approx(1.4375)
    assert own.sr == pytest.approx(1.3885)
    assert not any("proxy" in note for note in own.notes)


# ---------------------------------------------------------------------------
# GeoPolRisk
# ---------------------------------------------------------------------------


def test_geopolrisk_by_hand() -> None:
    # production 600 / 300 / 100: HHI = 0.36 + 0.09 + 0.01 = 0.46
    # imports CHN 40 (g 0.7), AUS 40 (g 0.1), KOR 20 (missing, g 0.5);
    # domestic production 100: (28 + 4 + 10) / (100 + 100) = 0.21
    # score = 0.46 * 0.21 = 0.0966
    out = risk.geopolrisk(
        {"CHN": 600, "AUS": 300, "USA": 100},
        {"CHN": 40, "AUS": 40, "KOR": 20},
        {"CHN": 0.7, "AUS": 0.1},
        domestic_production=100,
    )
    assert out.hhi == pytest.approx(0.46)
    assert out.import_risk == pytest.approx(0.21)
    assert out.score == pytest.approx(0.0966)


def test_geopolrisk_without_domestic_production() -> None:
    # all imports from one exporter of stability 0.8: import risk 0.8
    out = risk.geopolrisk({"CHN": 1.0}, {"CHN": 5.0}, {"CHN": 0.8})
    assert out.hhi == pytest.approx(1.0)
    assert out.import_risk == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (({"CHN": -1.0}, {"CHN": 1.0}, {}), "allowed: tonnes >= 0"),
        (({"CHN": 1.0}, {"CHN": -1.0}, {}), "allowed: tonnes >= 0"),
        (({"CHN": 1.0}, {"CHN": 1.0}, {"CHN": 1.5}), "allowed: 0 to 1"),
        (({"CHN": 0.0, "AUS": 0.0}, {"CHN": 1.0}, {}), "all zero"),
        (({"CHN": 1.0}, {}, {}), "domestic production plus imports is zero"),
        (({"XYZ": 1.0}, {"CHN": 1.0}, {}), "unknown country code"),
        (({"CHN": float("nan")}, {"CHN": 1.0}, {}), "allowed: tonnes >= 0"),
    ],
)
def test_geopolrisk_rejects_bad_input(
    args: tuple[dict[str, float], dict[str, float], dict[str, float]], message: str
) -> None:
    production, imports, stability = args
    with pytest.raises(CritminError, match=message):
        risk.geopolrisk(production, imports, stability)


def test_geopolrisk_negative_domestic_production() -> None:
    with pytest.raises(CritminError, match="domestic_production"):
        risk.geopolrisk({"CHN": 1.0}, {"CHN": 1.0}, {}, domestic_production=-5)


# ---------------------------------------------------------------------------
# priorities
# ---------------------------------------------------------------------------
#
# Indicators (USA, alliance, default thresholds), each the maximum over stages:
#   mineral   hhi     top   china  outside eu_sr   nir    met
#   gallium   0.8104  0.90  0.90   0.98    4.4554  1.0    6
#   graphite  0.5825  0.75  0.75   0.80    3.1338  0.6    6
#   cobalt    0.575   0.75  0.75   0.85    2.519   0.76   6
#   tungsten  0.65    0.80  0.80   1.00    3.55    -      5
#   nickel    0.235   0.30  0.00   0.40    0.78    0.4    0
# eu_sr = 10 * gov_weighted_hhi * (1 - EoL-RIR); e.g. cobalt refining
#   (0.5625*0.55 + 0.01*0.5 + 0.0025*0.2) * 10 * 0.8 = 2.519 > mining 2.104.
# nickel outside = IDN 0.3 + PHL 0.1 = 0.4; gov = 0.09*0.5 + 0.01*0.5
#   + 2*0.0625*0.2 + 0.01*0.3 = 0.078 -> eu_sr 0.78.


def test_priorities_ranking(world: World) -> None:
    out = risk.priorities(world)
    assert out["mineral"].tolist() == ["gallium", "graphite", "cobalt", "tungsten", "nickel"]
    assert out["rank"].tolist() == [1, 2, 3, 4, 5]
    assert out["score"].tolist() == [6, 6, 6, 5, 0]
    assert out["is_priority"].tolist() == [True, True, True, True, False]
    tungsten = row(out, mineral="tungsten")
    assert "nir_share" not in tungsten["indicators_met"]
    assert np.isnan(tungsten["nir_share_value"])
    assert row(out, mineral="nickel")["indicators_met"] == []


def test_priorities_values_stage_and_year(world: World) -> None:
    out = risk.priorities(world)
    cobalt = row(out, mineral="cobalt")
    assert cobalt["bottleneck_stage"] == "refining"
    assert cobalt["hhi_value"] == pytest.approx(0.575)
    assert cobalt["hhi_threshold"] == 0.25
    assert cobalt["eu_sr_value"] == pytest.approx(2.519)
    assert cobalt["eu_sr_stage"] == "refining"
    assert cobalt["nir_share_value"] == pytest.approx(0.76)
    assert cobalt["nir_share_year"] == 2023
    nickel = row(out, mineral="nickel")
    assert nickel["outside_group_share_value"] == pytest.approx(0.4)
    assert nickel["eu_sr_value"] == pytest.approx(0.78)


def test_priorities_eu_sr_matches_eu_supply_risk_from_world(world: World) -> None:
    out = risk.priorities(world)
    direct = risk.eu_supply_risk_from_world(world, "gallium", stage="refining", year=2023)
    assert row(out, mineral="gallium")["eu_sr_value"] == pytest.approx(direct.sr)


def test_priorities_thresholds_from_dict(world: World) -> None:
    # HHI >= 0.7 only gallium (0.8104); requiring all 6 leaves gallium alone a priority
    out = risk.priorities(world, thresholds={"hhi": 0.7, "min_indicators": 6})
    assert out["mineral"].tolist()[0] == "gallium"
    assert out.loc[out["is_priority"], "mineral"].tolist() == ["gallium"]
    assert "hhi" not in row(out, mineral="graphite")["indicators_met"]


def test_thresholds_reject_unknown_and_bad_values() -> None:
    with pytest.raises(CritminError, match="unknown threshold") as info:
        risk.Thresholds.from_dict({"hhii": 0.3})
    assert "allowed: hhi, top_share, china_share" in str(info.value)
    with pytest.raises(CritminError, match="thresholds.hhi") as bad:
        risk.Thresholds.from_dict({"hhi": 2})
    assert "allowed: a number from 0 to 1" in str(bad.value)
    with pytest.raises(CritminError, match="min_indicators"):
        risk.Thresholds.from_dict({"min_indicators": 0})


def test_priorities_year(world: World) -> None:
    out = risk.priorities(world, year=2019)
    assert out["mineral"].tolist() == ["tungsten"]
    assert row(out, mineral="tungsten")["hhi_year"] == 2019


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

POOL = ["CHN", "USA", "AUS", "COD", "IDN", "CHL", "RUS", "ZAF", "BRA", "CAN"]


@st.composite
def supplies(draw: st.DrawFn) -> tuple[dict[str, float], float, float]:
    """Tonnes by named country, ROW tonnes (maybe 0) and an unattributed remainder."""
    names = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=len(POOL), unique=True))
    values = draw(
        st.lists(st.floats(1e-3, 1e6, allow_nan=False), min_size=len(names), max_size=len(names))
    )
    row_t = draw(st.one_of(st.just(0.0), st.floats(1e-3, 1e6)))
    extra = draw(st.one_of(st.just(0.0), st.floats(1e-3, 1e6)))
    return dict(zip(names, values, strict=True)), row_t, extra


def supply_world(named: Mapping[str, float], row_t: float, extra: float, k: float = 1.0) -> World:
    rows = [("tin", "mining", c, 2023, v * k) for c, v in named.items()]
    if row_t > 0:
        rows.append(("tin", "mining", "ROW", 2023, row_t * k))
    total = (sum(named.values()) + row_t + extra) * k
    return make_world(production=rows, totals=[("tin", "mining", 2023, total)])


@settings(max_examples=40, deadline=None)
@given(supplies())
def test_hhi_bounds(supply: tuple[dict[str, float], float, float]) -> None:
    named, row_t, extra = supply
    out = risk.concentration(supply_world(named, row_t, extra)).iloc[0]
    assert 0.0 <= out["hhi"] <= 1.0 + 1e-12
    assert 0.0 <= out["gov_weighted_hhi"] <= out["hhi"] + 1e-12
    if row_t == 0 and extra == 0:
        # shares sum to 1 over n named countries: HHI >= 1/n
        assert out["hhi"] >= 1.0 / len(named) - 1e-9


@settings(max_examples=40, deadline=None)
@given(supplies(), st.floats(1e-3, 1e3), st.randoms(use_true_random=False))
def test_hhi_invariant_to_order_and_unit(
    supply: tuple[dict[str, float], float, float], k: float, rnd: object
) -> None:
    named, row_t, extra = supply
    base = risk.concentration(supply_world(named, row_t, extra)).iloc[0]
    items = list(named.items())
    rnd.shuffle(items)  # type: ignore[attr-defined]
    scaled = risk.concentration(supply_world(dict(items), row_t, extra, k=k)).iloc[0]
    assert scaled["hhi"] == pytest.approx(base["hhi"], rel=1e-9, abs=1e-15)
    assert scaled["outside_group_share"] == pytest.approx(base["outside_group_share"], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(supplies())
def test_country_shares_sum_to_one(supply: tuple[dict[str, float], float, float]) -> None:
    named, row_t, extra = supply
    out = risk.country_shares(supply_world(named, row_t, extra), "tin", "mining", 2023)
    assert out["share"].sum() == pytest.approx(1.0, abs=1e-9)
    assert out["country"].iloc[-1] == "unattributed"
    assert ("ROW" in set(out["country"])) == (row_t > 0)


tonnes = st.floats(0, 1e6, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.sampled_from(POOL), st.floats(1e-3, 1e6), min_size=1),
    st.dictionaries(st.sampled_from(POOL), tonnes, min_size=1),
    st.dictionaries(st.sampled_from(POOL), st.floats(0, 1)),
    tonnes,
)
def test_geopolrisk_import_risk_in_unit_interval(
    production: dict[str, float],
    imports: dict[str, float],
    stability: dict[str, float],
    domestic: float,
) -> None:
    if domestic + sum(imports.values()) <= 0:
        with pytest.raises(CritminError):
            risk.geopolrisk(production, imports, stability, domestic)
        return
    out = risk.geopolrisk(production, imports, stability, domestic)
    assert 0.0 <= out.import_risk <= 1.0
    assert 0.0 <= out.hhi <= 1.0
    assert out.score == pytest.approx(out.hhi * out.import_risk)


def test_china_share_is_unknown_not_zero_when_folded_into_other_countries() -> None:
    # tungsten: VNM 40, ROW 60 (China may be inside "other countries"): unknown, NaN;
    # cobalt: COD 70, AUS 30 = the world total (every producer listed): China is 0
    w = make_world(
        production=[
            ("tungsten", "mining", "VNM", 2023, 40),
            ("tungsten", "mining", "ROW", 2023, 60),
            ("cobalt", "mining", "COD", 2023, 70),
            ("cobalt", "mining", "AUS", 2023, 30),
        ],
        totals=[("tungsten", "mining", 2023, 100), ("cobalt", "mining", 2023, 100)],
    )
    out = risk.concentration(w)
    assert np.isnan(row(out, mineral="tungsten")["china_share"])
    assert row(out, mineral="cobalt")["china_share"] == 0.0
