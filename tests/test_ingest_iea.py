"""Tests of the IEA Critical Minerals Data Explorer readers (2024 xlsx, 2025 JSON).

Fixtures: a tiny workbook built here with openpyxl in the real layout (blocks
at other cells than in the real file, to show they are found by title), and
tests/data/iea/iea_cmde_2025_small.json. Expected figures are worked out by
hand from the printed kt figures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from critmin.world.ingest.common import IngestResult, Severity
from critmin.world.ingest.iea import (
    SOURCE_ID_2024,
    SOURCE_ID_2025,
    mineral_for,
    read_iea_2024,
    read_iea_2025,
)
from critmin.world.schema import TABLES_BY_NAME

XLSX = Path("iea-critical-minerals-2024") / "CM_Data_Explorer_May_2024.xlsx"
JSON = Path("iea-critical-minerals-2025") / "iea_critical_minerals_data_explorer_2025.json"

Cells = dict[str, object]

# fmt: off
SUPPLY: Cells = {
    "A1": "Total supply for key energy transition minerals, base case (kt)",
    **{f"{c}3": y for c, y in zip("BCDE", (2023, 2030, 2035, 2040), strict=True)},
    **{f"{c}3": y for c, y in zip("HIJK", (2023, 2030, 2035, 2040), strict=True)},
    # Nickel mining 2023, copied from the real workbook: six countries.
    "A5": "Nickel - Mining",
    "A6": "Indonesia", "B6": 1787, "C6": 2494.8,
    "A7": "Philippines", "B7": 390.7, "C7": 344.7,
    "A8": "New Caledonia", "B8": 210, "C8": 247,
    "A9": "Russia", "B9": 193.8, "C9": 215,
    "A10": "Canada", "B10": 193.7, "C10": 155.6,
    "A11": "Australia", "B11": 111.4, "C11": 87.2,
    "A12": "Rest of world", "B12": 675.3, "C12": 637.8,
    "A13": "Total", "B13": 3450.5, "C13": 4094.9,
    "A14": "Top 3 share", "B14": 0.692, "C14": 0.754,
    # Cobalt refining 2023, copied: total row labelled 'Total clean technologies'.
    "G5": "Cobalt - Refining",
    "G6": "China", "H6": 171.7, "I6": 230.8,
    "G7": "Finland", "H7": 18.8, "I7": 19.9,
    "G8": "Japan", "H8": 5.6, "I8": 12.6,
    "G9": "Indonesia", "H9": 0, "I9": 8.9,
    "G10": "Canada", "H10": 6.9, "I10": 8.2,
    "G12": "Rest of world", "H12": 20.8, "I12": 32.5,
    "G13": "Total clean technologies", "H13": 223.8, "I13": 312.9,
    "G14": "Top 3 share", "H14": 0.882, "I14": 0.841,
    # Lithium chemicals (refining) 2023, copied.
    "A18": "Lithium - Chemicals",
    "A19": "China", "B19": 113.9, "C19": 213.1,
    "A20": "Chile", "B20": 46.4, "C20": 55.8,
    "A21": "Argentina", "B21": 9.1, "C21": 47.1,
    "A22": "Australia", "B22": 5.5, "C22": 29.8,
    "A23": "Rest of world", "B23": 1.4, "C23": 26.9,
    "A24": "Total", "B24": 176.3, "C24": 372.7,
    "A25": "Top 3 share", "B25": 0.96, "C25": 0.85,
    # Made up: named countries exceed Total (an impossible block).
    "G18": "Lithium - Mining",
    "G19": "Australia", "H19": 84.1, "I19": 146.3,
    "G20": "China", "H20": 34, "I20": 103.4,
    "G21": "Rest of world", "H21": 0, "I21": 1,
    "G22": "Total", "H22": 100, "I22": 250.7,
    "A28": "Notes: Supply projections are built from the project pipeline.",
}

DEMAND: Cells = {
    "A2": "Demand for key energy transition minerals (kt)",
    "D4": "Stated Policies scenario",
    "B5": 2023, "D5": 2030, "E5": 2035,
    "A7": "Copper",
    "A8": "Solar PV", "B8": 1208.23, "D8": 1691.18, "E8": 1727.66,
    "A9": "Electricity networks", "B9": 4143.48, "D9": 6103.96, "E9": 6168.15,
    "A10": "Hydrogen technologies", "D10": 0.0119, "E10": 0.0132,  # made up: no 2023 figure
    "A11": "Total clean technologies", "B11": 5351.71, "D11": 7795.14, "E11": 7895.81,
    "A12": "Other uses", "B12": 19543.3, "D12": 20340.9, "E12": 21038.4,
    "A13": "Total demand", "B13": 24895.01, "D13": 28136.04, "E13": 28934.21,
    "A14": "Share of clean technologies in total demand ", "B14": 0.215, "D14": 0.277,
    "A16": "Magnet rare earth elements",
    "A17": "Wind", "B17": 9.742581, "D17": 17.023811,
    "A18": "Electric vehicles", "B18": 6.577538, "D18": 22.768095,
    "A19": "Total clean technologies", "B19": 16.320119, "D19": 39.791906,
    "A20": "Other uses", "B20": 76.3, "D20": 87.4,
    "A21": "Total demand", "B21": 92.620119, "D21": 127.191906,
    "A24": "Notes: Lithium demand is in lithium (Li) content.",
}

CLEANTECH: Cells = {
    "A2": "Mineral demand for clean energy technologies - by mineral (kt)",
    "D4": "Stated Policies scenario",
    "B5": 2023, "D5": 2030, "E5": 2035,
    "A7": "Copper", "B7": 6371.7, "D7": 10542.2,
    "A8": "Gallium", "B8": 0.0155539, "D8": 0.159822,
    "A9": "PGMs (other than iridum)", "B9": 0.000977366, "D9": 0.00668803,
    "A10": "Neodymium", "B10": 12.5989, "D10": 30.8188,
    "A11": "Dysprosium", "B11": 1.33468, "D11": 3.10684,
    "A12": "Praseodymium", "B12": 2.00412, "D12": 4.98847,
    "A13": "Boron", "B13": 0.206005, "D13": 0.401025,
    "A14": "Total", "B14": 6387.9, "D14": 10587.4,
}
# fmt: on


@pytest.fixture(scope="module")
def small_2024(tmp_path_factory: pytest.TempPathFactory) -> IngestResult:
    workbook = Workbook()
    workbook.active.title = "Cover"  # type: ignore[union-attr]
    for name, cells in (
        ("1 Total demand for key minerals", DEMAND),
        ("2 Total supply for key minerals", SUPPLY),
        ("3.2 Cleantech demand by mineral", CLEANTECH),
    ):
        sheet = workbook.create_sheet(name)
        for address, value in cells.items():
            sheet[address] = value
    path = tmp_path_factory.mktemp("iea") / "CM_Data_Explorer_small.xlsx"
    workbook.save(path)
    return read_iea_2024(path)


@pytest.fixture(scope="module")
def small_2025(test_data: Path) -> IngestResult:
    return read_iea_2025(test_data / "iea" / "iea_cmde_2025_small.json")


@pytest.fixture(scope="module")
def real_2024(shared_data: Path) -> IngestResult:
    return read_iea_2024(shared_data / XLSX)


@pytest.fixture(scope="module")
def real_2025(shared_data: Path) -> IngestResult:
    return read_iea_2025(shared_data / JSON)


def prod(result: IngestResult, mineral: str, stage: str, country: str) -> pd.Series:
    frame = result.tables["production"]
    row = frame[(frame.mineral == mineral) & (frame.stage == stage) & (frame.country == country)]
    assert len(row) == 1, (mineral, stage, country, len(row))
    return row.iloc[0]


def total_t(result: IngestResult, mineral: str, stage: str) -> float:
    frame = result.tables["production_totals"]
    row = frame[(frame.mineral == mineral) & (frame.stage == stage)]
    assert len(row) == 1
    return float(row.published_total_t.iloc[0])


def demand(result: IngestResult, mineral: str, sector: str) -> float:
    frame = result.tables["consumption"]
    row = frame[(frame.mineral == mineral) & (frame.sector == sector)]
    assert len(row) == 1, (mineral, sector, len(row))
    return float(row.value_t.iloc[0])


def why(result: IngestResult, *words: str) -> list[str]:
    return [p.why for p in result.problems if all(w in p.why for w in words)]


def test_mineral_names() -> None:
    assert mineral_for("Rare Earth Elements") == "rare-earths"
    assert mineral_for("PGMs (other than iridum)") == "platinum-group-metals"
    assert mineral_for("Neodymium") == "ndpr"
    assert mineral_for("Silicon") is None


# ---------------------------------------------------------------- 2024 fixture


def test_xlsx_nickel_rest_of_world(small_2024: IngestResult) -> None:
    # ROW = 3450.5 - (1787 + 390.7 + 210 + 193.8 + 193.7 + 111.4) = 563.9 kt
    row = prod(small_2024, "nickel", "mining", "ROW")
    assert row.value_t == pytest.approx(563_900)
    assert row.status == "estimated"
    assert "675.3" in row.note
    assert prod(small_2024, "nickel", "mining", "AUS").value_t == pytest.approx(111_400)
    assert total_t(small_2024, "nickel", "mining") == pytest.approx(3_450_500)
    # the printed 675.3 kt exceeds the derived 563.9 kt by Australia's 111.4 kt
    [warning] = [p for p in small_2024.problems if "Nickel - Mining" in p.why]
    assert warning.severity == Severity.WARNING
    assert "675.3" in warning.why
    assert "by 111.4 kt" in warning.why
    assert "Australia" in warning.why


def test_xlsx_rows_add_up_to_total(small_2024: IngestResult) -> None:
    totals = small_2024.tables["production_totals"].set_index(["mineral", "stage"])
    for key in [("nickel", "mining"), ("cobalt", "refining"), ("lithium", "refining")]:
        assert totals.at[key, "rows_sum_t"] == pytest.approx(totals.at[key, "published_total_t"])
    # the impossible block: named 118.1 kt against a Total of 100 kt
    assert totals.at[("lithium", "mining"), "published_total_t"] == pytest.approx(100_000)
    assert totals.at[("lithium", "mining"), "rows_sum_t"] == pytest.approx(118_100)


def test_xlsx_cobalt_total_label(small_2024: IngestResult) -> None:
    assert total_t(small_2024, "cobalt", "refining") == pytest.approx(223_800)
    row = prod(small_2024, "cobalt", "refining", "ROW")
    assert row.value_t == pytest.approx(20_800)
    assert row.status == "reported"  # 223.8 - 203.0 = 20.8 as printed
    assert prod(small_2024, "cobalt", "refining", "IDN").value_t == 0.0
    label = why(small_2024, "Total clean technologies")
    assert len(label) == 1


def test_xlsx_negative_rest_of_world_is_an_error(small_2024: IngestResult) -> None:
    # 100 - (84.1 + 34) = -18.1 kt: no ROW row, nothing clamped
    frame = small_2024.tables["production"]
    mining = frame[(frame.mineral == "lithium") & (frame.stage == "mining")]
    assert set(mining.country) == {"AUS", "CHN"}
    errors = [p for p in small_2024.problems if p.severity == Severity.ERROR]
    assert len(errors) == 1
    assert "Lithium - Mining" in errors[0].why
    assert "-18.1" in errors[0].why


def test_xlsx_chemicals_are_refining_and_stages(small_2024: IngestResult) -> None:
    assert prod(small_2024, "lithium", "refining", "CHN").value_t == pytest.approx(113_900)
    stages = small_2024.tables["mineral_stages"]
    assert set(zip(stages.mineral, stages.stage, strict=True)) == {
        ("cobalt", "refining"),
        ("lithium", "refining"),
    }
    assert set(stages.unit) == {"t"}
    assert set(stages.coverage) == {"data"}
    assert "lithium (Li) content" in stages.set_index("mineral").at["lithium", "basis"]


def test_xlsx_base_year_only(small_2024: IngestResult) -> None:
    assert set(small_2024.tables["production"].year) == {2023}
    assert set(small_2024.tables["consumption"].year) == {2023}
    assert set(small_2024.tables["production"].source_id) == {SOURCE_ID_2024}


def test_xlsx_demand(small_2024: IngestResult) -> None:
    assert demand(small_2024, "copper", "Solar PV") == pytest.approx(1_208_230)
    assert demand(small_2024, "copper", "Other uses") == pytest.approx(19_543_300)
    assert demand(small_2024, "copper", "all") == pytest.approx(24_895_010)
    sectors = set(small_2024.tables["consumption"].query("mineral == 'copper'").sector)
    assert sectors == {"Solar PV", "Electricity networks", "Other uses", "all"}
    # a sector with projections but no 2023 figure: no row, reported
    assert why(small_2024, "Copper 2023", "'Hydrogen technologies'", "no row")
    # the sectors (1208.23 + 4143.48) add up to the clean-tech total 5351.71: no warning
    assert not why(small_2024, "Copper 2023", "differs")
    assert demand(small_2024, "rare-earths", "all") == pytest.approx(92_620.119)
    frame = small_2024.tables["consumption"]
    assert set(frame.consumer) == {"WLD"}
    assert set(frame.kind) == {"demand"}
    assert set(frame.status) == {"reported"}


def test_xlsx_cleantech(small_2024: IngestResult) -> None:
    assert demand(small_2024, "gallium", "clean technologies") == pytest.approx(15.5539)
    # NdPr = Neodymium 12.5989 + Praseodymium 2.00412 kt
    assert demand(small_2024, "ndpr", "clean technologies") == pytest.approx(14_603.02)
    assert demand(small_2024, "dysprosium", "clean technologies") == pytest.approx(1_334.68)
    assert demand(small_2024, "platinum-group-metals", "clean technologies") == pytest.approx(
        0.977366
    )
    # copper has a total-demand block: its clean-tech line is not used again
    assert "clean technologies" not in set(
        small_2024.tables["consumption"].query("mineral == 'copper'").sector
    )
    boron = [p for p in small_2024.problems if "'Boron'" in p.why]
    assert len(boron) == 1
    assert boron[0].severity == Severity.INFO


# ---------------------------------------------------------------- 2025 fixture


def test_json_nickel_rest_of_world(small_2025: IngestResult) -> None:
    # ROW = 3861 - (2463 + 345 + 116 + 190 + 118 + 100) = 529 kt; printed 629
    assert prod(small_2025, "nickel", "mining", "ROW").value_t == pytest.approx(529_000)
    assert why(small_2025, "629", "by 100 kt", "Australia")
    assert set(small_2025.tables["production"].year) == {2024}


def test_json_notes_key_is_skipped(small_2025: IngestResult) -> None:
    frame = small_2025.tables["production"]
    ree = frame[(frame.mineral == "rare-earths")]
    assert set(ree.country) == {"CHN", "MMR", "ROW"}
    assert prod(small_2025, "rare-earths", "mining", "ROW").value_t == pytest.approx(17_200)
    notes = [p for p in small_2025.problems if "notes" in p.why]
    assert len(notes) == 1
    assert notes[0].severity == Severity.INFO


def test_json_demand_and_cleantech(small_2025: IngestResult) -> None:
    assert demand(small_2025, "lithium", "Electric vehicles") == pytest.approx(109_026)
    assert demand(small_2025, "lithium", "all") == pytest.approx(205_000)
    assert demand(small_2025, "gallium", "clean technologies") == pytest.approx(21.7731)
    assert demand(small_2025, "platinum-group-metals", "clean technologies") == pytest.approx(
        1.23991
    )
    # Neodymium without Praseodymium: no ndpr row, a warning
    assert "ndpr" not in set(small_2025.tables["consumption"].mineral)
    assert why(small_2025, "ndpr", "praseodymium")
    assert why(small_2025, "'source' field", "2024")
    assert {s["source_id"] for s in small_2025.sources} == {SOURCE_ID_2025}
    assert "third party" in small_2025.sources[0]["note"]


def test_missing_files(tmp_path: Path) -> None:
    for reader in (read_iea_2024, read_iea_2025):
        result = reader(tmp_path / "nope")
        assert not result.tables
        assert result.problems[0].severity == Severity.ERROR


# ---------------------------------------------------------------- real files


def test_real_2024_nickel_mining(real_2024: IngestResult) -> None:
    expected_kt = 3450.5 - (1787 + 390.7 + 210 + 193.8 + 193.7 + 111.4)
    assert prod(real_2024, "nickel", "mining", "ROW").value_t == pytest.approx(expected_kt * 1e3)
    assert why(real_2024, "Nickel - Mining 2023", "675.3", "by 111.4 kt", "Australia")


@pytest.mark.parametrize(
    ("mineral", "china_kt", "total_kt"),
    [
        ("cobalt", 171.7, 223.8),
        ("lithium", 113.9, 176.3),
        ("nickel", 1065.3, 3796.1),
        ("graphite", 1851.9, 2037.2),
        ("rare-earths", 70.3, 76.3),
    ],
)
def test_real_2024_china_refining_shares(
    real_2024: IngestResult, mineral: str, china_kt: float, total_kt: float
) -> None:
    share = prod(real_2024, mineral, "refining", "CHN").value_t / total_t(
        real_2024, mineral, "refining"
    )
    assert share == pytest.approx(china_kt / total_kt)


def test_real_2024_indonesia_leads_nickel_refining(real_2024: IngestResult) -> None:
    frame = real_2024.tables["production"]
    nickel = frame[(frame.mineral == "nickel") & (frame.stage == "refining")]
    assert nickel.loc[nickel.value_t.idxmax(), "country"] == "IDN"
    assert prod(real_2024, "nickel", "refining", "IDN").value_t == pytest.approx(1_413_700)


def test_real_2024_shapes(real_2024: IngestResult) -> None:
    frame = real_2024.tables["production"]
    assert set(frame.year) == {2023}
    assert len(real_2024.tables["production_totals"]) == 12  # 6 minerals x 2 stages
    stages = real_2024.tables["mineral_stages"]
    assert set(stages.stage) == {"refining"}
    assert set(stages.mineral) == {
        "copper",
        "cobalt",
        "lithium",
        "nickel",
        "graphite",
        "rare-earths",
    }
    assert why(real_2024, "Cobalt - Refining", "Total clean technologies")
    assert not [p for p in real_2024.problems if p.severity == Severity.ERROR]
    # printed ROW too high by the sixth country: nickel mining and refining, battery graphite
    assert len(why(real_2024, "printed Rest of world")) == 3


def test_real_2024_demand(real_2024: IngestResult) -> None:
    assert demand(real_2024, "copper", "all") == pytest.approx(25_915_000)
    assert demand(real_2024, "lithium", "Electric vehicles") == pytest.approx(82_852.7)
    assert demand(real_2024, "graphite", "all") == pytest.approx(4_632_368.2049, rel=1e-9)
    assert demand(real_2024, "ndpr", "clean technologies") == pytest.approx(
        (12.5989 + 2.00412) * 1e3
    )
    assert demand(real_2024, "terbium", "clean technologies") == pytest.approx(382.399)
    assert demand(real_2024, "vanadium", "clean technologies") == pytest.approx(14.0472)
    cleantech = real_2024.tables["consumption"].query("sector == 'clean technologies'")
    assert set(cleantech.mineral) == {
        "gallium", "germanium", "indium", "magnesium", "manganese", "niobium",
        "platinum-group-metals", "tantalum", "tin", "titanium", "tungsten", "vanadium",
        "ndpr", "dysprosium", "terbium",
    }  # fmt: skip


def test_real_2025(real_2025: IngestResult) -> None:
    assert prod(real_2025, "nickel", "mining", "ROW").value_t == pytest.approx(529_000)
    assert why(real_2025, "Nickel - mining 2024", "629", "Australia")
    # nickel refining: printed 631.42 exceeds 3483.697 - 2965.377 by Canada's 113.1
    assert why(real_2025, "Nickel - refining 2024", "by 113.1 kt", "Canada")
    assert len([p for p in real_2025.problems if "notes" in p.why]) == 2
    assert total_t(real_2025, "rare-earths", "mining") == pytest.approx(75_098.79032554382)
    share = prod(real_2025, "cobalt", "refining", "CHN").value_t / total_t(
        real_2025, "cobalt", "refining"
    )
    assert share == pytest.approx(196.1433565869552 / 250.14973829515156)
    assert demand(real_2025, "ndpr", "clean technologies") == pytest.approx(
        (14.567 + 2.32253) * 1e3
    )
    assert demand(real_2025, "rare-earths", "all") == pytest.approx(90_921.77761290353)
    assert set(real_2025.tables["production"].year) == {2024}


def test_real_tables_follow_the_schema(real_2024: IngestResult, real_2025: IngestResult) -> None:
    for result in (real_2024, real_2025):
        for name, frame in result.tables.items():
            table = TABLES_BY_NAME[name]
            assert list(frame.columns) == table.columns, name
            assert not frame.duplicated(list(table.primary_key)).any(), name
        assert (result.tables["production"].value_t >= 0).all()
        assert (result.tables["consumption"].value_t >= 0).all()


def test_malformed_json_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        '{"supply": {"Nickel": {"mining": "oops"}}, "totalDemand": [], "cleantechByMineral": {}}',
        encoding="utf-8",
    )
    result = read_iea_2025(path)
    assert "production" not in result.tables
    errors = [p.why for p in result.problems if p.severity == Severity.ERROR]
    assert any("supply/Nickel/mining" in w for w in errors)
    assert any("'totalDemand'" in w for w in errors)
    path.write_text("[1, 2", encoding="utf-8")
    assert read_iea_2025(path).problems[0].why.startswith("not valid JSON")


def test_workbook_without_the_sheets(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    result = read_iea_2024(path)
    assert not result.tables
    assert len([p for p in result.problems if "not found" in p.why]) == 3
