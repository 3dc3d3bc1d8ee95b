"""Validation of data packages: every problem named with table, line, column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from critmin.errors import DataPackageError
from critmin.world import checks
from critmin.world.load import load_world


@pytest.fixture
def package(tmp_path: Path, test_data: Path) -> Path:
    """A writable copy of the tiny hand-made package."""
    target = tmp_path / "pkg"
    shutil.copytree(test_data / "tiny", target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(folder: Path) -> list[checks.Finding]:
    return checks.errors(checks.check_package(folder)[1])


def test_tiny_package_is_valid(package: Path) -> None:
    _, findings = checks.check_package(package)
    assert findings == []


def test_missing_table_is_an_error(package: Path) -> None:
    (package / "production.csv").unlink()
    (finding,) = _errors(package)
    assert finding.table == "production"
    assert "production.csv is missing" in finding.what


def test_missing_optional_table_is_fine(package: Path) -> None:
    """An optional table may be left out, and then its declaration too."""
    import json

    (package / "trade.csv").unlink()
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "trade"]
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert _errors(package) == []


def test_bad_stage_names_line_column_value_and_allowed(package: Path) -> None:
    _replace(package / "production.csv", "gallium,refining,JPN,2023", "gallium,smelting,JPN,2023")
    found = [f for f in _errors(package) if f.column == "stage"]
    assert len(found) == 1
    (f,) = found
    # line 1 is the header; the JPN 2023 gallium row is the second data row
    assert (f.table, f.line, f.value) == ("production", 3, "smelting")
    assert f.allowed is not None
    assert "mining, refining" in f.allowed
    assert str(f).startswith("error: production.csv line 3, column stage:")


def test_bad_country_code(package: Path) -> None:
    _replace(package / "production.csv", "graphite,mining,MOZ", "graphite,mining,XXZ")
    (f,) = [f for f in _errors(package) if f.column == "country"]
    assert (f.line, f.value) == (8, "XXZ")
    assert f.what == "not an ISO3 country code"


def test_negative_tonnage(package: Path) -> None:
    _replace(
        package / "production.csv", "graphite,mining,BRA,2023,10", "graphite,mining,BRA,2023,-10"
    )
    found = [f for f in _errors(package) if f.column == "value_t"]
    assert [(f.line, f.what) for f in found] == [(9, "below the allowed range")]


def test_text_in_number_column(package: Path) -> None:
    _replace(
        package / "production.csv", "graphite,refining,JPN,2023,5", "graphite,refining,JPN,2023,5t"
    )
    (f,) = [f for f in _errors(package) if f.column == "value_t"]
    assert (f.value, f.what) == ("5t", "not a number")


def test_duplicate_primary_key(package: Path) -> None:
    path = package / "production.csv"
    path.write_text(
        path.read_text() + "graphite,refining,USA,2023,5,,reported,hand,\n", encoding="utf-8"
    )
    found = [f for f in _errors(package) if "duplicate" in f.what]
    assert len(found) == 1
    assert found[0].line == 14


def test_unknown_mineral_reference(package: Path) -> None:
    _replace(package / "net_import_reliance.csv", "gallium,USA", "galium,USA")
    found = [f for f in _errors(package) if "refers to" in f.what]
    assert [(f.table, f.column, f.value) for f in found] == [
        ("net_import_reliance", "mineral", "galium")
    ]


def test_missing_column_is_error_extra_column_is_warning(package: Path) -> None:
    path = package / "governance.csv"
    lines = path.read_text().splitlines()
    rows = [line.rsplit(",", 1)[0] + ",x" for line in lines]  # replace source_id by 'extra'
    rows[0] = rows[0].rsplit(",", 1)[0] + ",extra"
    path.write_text("\n".join(rows) + "\n")
    _, findings = checks.check_package(package)
    levels = {(f.level, f.what.split(" ")[0]) for f in findings if f.table == "governance"}
    assert (checks.Level.ERROR, "column") in levels  # source_id is missing
    assert (checks.Level.WARNING, "unknown") in levels  # extra is ignored


def test_totals_outside_rounding_is_a_warning(package: Path) -> None:
    _replace(
        package / "production_totals.csv",
        "graphite,mining,2023,100,100",
        "graphite,mining,2023,200,200",
    )
    _, findings = checks.check_package(package)
    (f,) = [f for f in findings if f.table == "production_totals"]
    assert f.level == checks.Level.WARNING
    assert "sum to 100.0 t" in f.what
    assert "published world total 200.0 t" in f.what


def test_share_above_one_is_an_error(package: Path) -> None:
    _replace(
        package / "production_totals.csv", "gallium,refining,2023,100", "gallium,refining,2023,50"
    )
    found = [f for f in _errors(package) if "share of CHN" in f.what]
    assert len(found) == 1
    assert "1.960" in found[0].what


def test_ragged_row_is_reported_with_its_line(package: Path) -> None:
    path = package / "reserves.csv"
    path.write_text(path.read_text() + "graphite,BRA,2023\n")
    (f,) = _errors(package)
    assert (f.table, f.line) == ("reserves", 3)


def test_bad_date(package: Path) -> None:
    _replace(package / "policy_instruments.csv", "2023-08-01", "1 Aug 2023")
    (f,) = _errors(package)
    assert (f.column, f.what) == ("effective", "not a date")


def test_binary_file_is_reported_not_raised(package: Path) -> None:
    (package / "prices.csv").write_bytes(b"\xff\xfe\x00bad")
    (f,) = _errors(package)
    assert f.table == "prices"
    assert "cannot read" in f.what


def test_not_a_folder(tmp_path: Path) -> None:
    (f,) = _errors(tmp_path / "nope")
    assert "is not a folder" in f.what


def test_load_world_refuses_bad_package_listing_every_problem(package: Path) -> None:
    _replace(package / "production.csv", "gallium,refining,JPN", "gallium,smelting,JPN")
    _replace(package / "production.csv", "graphite,mining,MOZ", "graphite,mining,XXZ")
    with pytest.raises(DataPackageError) as info:
        load_world(package)
    text = "\n".join(info.value.problems)
    assert "column stage" in text
    assert "column country" in text


def test_rounding_tolerance_follows_printed_digits() -> None:
    # 350,000 printed with 4 trailing zeros is good to +/- 5,000
    assert checks.rounding_tolerance_t(350_000) == 5_000
    assert checks.rounding_tolerance_t(1_600_000) == 50_000
    assert checks.rounding_tolerance_t(230_000) == 5_000
    # no trailing zeros: exact to 0.05 %
    assert checks.rounding_tolerance_t(3450.5) == pytest.approx(1.72525)


def test_reference_price_series_must_be_one_of_the_minerals_series(package: Path) -> None:
    with (package / "prices.csv").open("a", encoding="utf-8") as out:
        out.write("gallium,gallium spot,2023,300,2023,USD/kg,reported,hand,\n")
    header = "mineral,reference_price_series,consumption_stage,source_id,note\n"
    (package / "market_conventions.csv").write_text(
        header + "gallium,gallium spot,,hand,\ngraphite,gallium spot,mining,hand,\n",
        encoding="utf-8",
    )
    (finding,) = _errors(package)
    assert (finding.table, finding.line, finding.column) == (
        "market_conventions",
        3,
        "reference_price_series",
    )
    assert "no prices row of graphite has this series" in str(finding)
    _replace(package / "market_conventions.csv", "graphite,gallium spot", "graphite,")
    assert _errors(package) == []


@pytest.mark.parametrize(
    ("damage", "what"),
    [
        (lambda p: (p / "datapackage.json").unlink(), "missing: a complete data package"),
        (lambda p: (p / "datapackage.json").write_text("{ not json", encoding="utf-8"),
         "not valid JSON"),
        (lambda p: (p / "datapackage.json").write_text('{"name": "x"}', encoding="utf-8"),
         "has no 'resources' list"),
        (lambda p: _replace(p / "datapackage.json", '"name": "reserves"', '"name": "reservez"'),
         "resources[7] declares an unknown table"),
        (lambda p: _replace(p / "datapackage.json", '"path": "reserves.csv"',
                            '"path": "reserve.csv"'),
         "resources[7] (reserves) names the wrong file"),
        (lambda p: (p / "trade.csv").unlink(), "declares a file that is not in the package"),
    ],
)  # fmt: skip
def test_a_bad_or_missing_descriptor_is_an_error(package: Path, damage: object, what: str) -> None:
    """datapackage.json is checked, not ignored: it must exist in a complete package,
    parse, and declare known tables by their own files, each present."""
    damage(package)  # type: ignore[operator]
    found = [f for f in _errors(package) if f.table == "datapackage.json"]
    assert [f.what for f in found if what in f.what], [str(f) for f in found]
    assert str(found[0]).startswith("error: datapackage.json: ")
    with pytest.raises(DataPackageError):
        load_world(package)


def test_an_overlay_need_not_declare_its_tables_but_a_descriptor_must_be_valid(
    tmp_path: Path,
) -> None:
    from critmin.world.load import default_path

    overlay = tmp_path / "overlay"
    overlay.mkdir()
    shutil.copy(default_path() / "prices.csv", overlay / "prices.csv")
    assert load_world(overlay).overlay is not None  # no descriptor: fine for an overlay
    (overlay / "datapackage.json").write_text("[]", encoding="utf-8")
    with pytest.raises(DataPackageError) as refused:
        load_world(overlay)
    assert any("datapackage.json: has no 'resources' list" in p for p in refused.value.problems)
