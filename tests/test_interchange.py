"""Interchange with analysts' tools: iamc.csv read by pyam, results.xlsx read by openpyxl.

pyam (the IAMC community's reader, in the ``interchange`` test extra) is the
oracle of the IAMC file: it loads the file as written, and its values, sums and
unit conversions are checked against the run's dataset and summary.json, which
the tests read on their own.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

from critmin.cli import app
from critmin.errors import CritminError
from critmin.labels import LABELS, heading, label
from critmin.results import Export, Results, iamc_table
from critmin.results.exports import NOMINAL_START, sheet_label

runner = CliRunner()

SCENARIO = """
name: interchange-test
horizon_months: 24
paths: 120
seed: 5
market:
  consumers:
    JPN: {graphite: {share_of_world_demand: 0.05, source: "assumption: test"}}
events:
  - type: export_restriction
    imposer: CHN
    minerals: [gallium, graphite]
    targets: [USA, JPN]
    start_month: {dist: uniform, low: 0, high: 4}
    duration_months: {dist: triangular, low: 3, mode: 6, high: 18}
    severity_share: {dist: uniform, low: 0.3, high: 0.9}
    leakage_share: 0.1
policies:
  reserves:
    - holder: japan
      members: {JPN: 1}
      minerals: [graphite]
      target: {days_of_consumption: 60}
"""
MONTHS = 24
#: The sheets of results.xlsx for a run with reserves, in order.
SHEETS = ["summary", "minerals", "monthly", "prices", "reserves", "reserve costs",
          "reserve effect", "run", "glossary"]  # fmt: skip


#: IAMC variables of the monthly means, and their names in results.nc.
MEANS = (("Demand", "demand_mean_t"), ("Consumption", "consumption_mean_t"),
         ("Shortfall", "unmet_mean_t"))  # fmt: skip


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "interchange-test.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def folder(scenario_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder with the CSV tables, iamc.csv (dated from July 2026) and results.xlsx."""
    out = tmp_path_factory.mktemp("runs") / "run"
    code, text = run(
        "simulate", str(scenario_file), "--export", "csv,iamc", "--xlsx", "--start", "2026-07",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, text
    return out


@pytest.fixture(scope="module")
def ds(folder: Path) -> xr.Dataset:
    return xr.load_dataset(folder / "results.nc", engine="scipy")


@pytest.fixture(scope="module")
def stored(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "summary.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def pyam() -> ModuleType:
    # pyam's database layer (ixmp4) warns of SQLAlchemy deprecations on import
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import pyam

    return pyam


@pytest.fixture(scope="module")
def iam(pyam: ModuleType, folder: Path) -> Any:
    """iamc.csv as pyam reads it: the file's path, nothing done to it first."""
    return pyam.IamDataFrame(folder / "iamc.csv")


#: pyam reads CSV with pandas' default float parser, which is off the digits written
#: by up to about 1e-14 relatively (the file's text round-trips exactly: pandas with
#: float_precision="round_trip" reads back the same numbers, see below).
PARSER = 1e-13
#: openpyxl writes numbers with 16 significant digits (Excel shows 15).
DIGITS = 1e-15


def near(value: float) -> Any:
    """``value`` as a workbook cell holds it (:data:`DIGITS`)."""
    return pytest.approx(value, rel=DIGITS, abs=0)


def _series(iam: Any, variable: str, region: str) -> np.ndarray:
    """pyam's monthly values of one variable and region, in time order."""
    frame = iam.filter(variable=variable, region=region).timeseries()
    assert len(frame) == 1, (variable, region)
    return frame.iloc[0].to_numpy(dtype=float)


# -- iamc.csv through pyam ---------------------------------------------------------------


def test_pyam_loads_iamc_csv_unchanged(iam: Any, ds: xr.Dataset) -> None:
    assert iam.model == ["critmin 0.1.0"]
    assert iam.scenario == ["interchange-test"]
    consumers = [c for c in ds["consumer"].values.tolist() if c != "WORLD"]
    assert set(iam.region) == {*consumers, "World", "Alliance", "Rest of World"}
    assert set(iam.variable) == {
        f"{kind}|{name}"
        for kind in ("Demand", "Consumption", "Shortfall")
        for name in ("Gallium", "Graphite")
    } | {"Price|Gallium|Median", "Price|Graphite|Median"}
    assert set(iam.unit) == {"t/month", "ratio to baseline"}
    # monthly resolution as datetimes from the start month given (--start 2026-07)
    assert iam.time_col == "time"
    assert iam.time_domain == "datetime"
    assert list(iam.time) == list(pd.date_range("2026-07-01", periods=MONTHS, freq="MS"))


def test_pyam_values_are_the_datasets(iam: Any, ds: xr.Dataset) -> None:
    """Every consumer's and the world's monthly means, and the median prices."""
    checked = 0
    for mineral in ds["mineral"].values.tolist():
        name = mineral.title()
        sel = ds.sel(mineral=mineral)
        for consumer in ds["consumer"].values.tolist():
            if np.isnan(float(sel["baseline_demand_t"].sel(consumer=consumer))):
                assert consumer not in iam.filter(variable=f"*|{name}").region
                continue
            region = "World" if consumer == "WORLD" else consumer
            for variable, key in MEANS:
                expected = sel[key].sel(consumer=consumer).values
                actual = _series(iam, f"{variable}|{name}", region)
                np.testing.assert_allclose(actual, expected, rtol=PARSER, atol=0)
                checked += 1
        for segment, region in (("alliance", "Alliance"), ("rest", "Rest of World")):
            expected = sel["price_ratio_fan"].sel(segment=segment, fan_quantile=0.5).values
            actual = _series(iam, f"Price|{name}|Median", region)
            np.testing.assert_allclose(actual, expected, rtol=PARSER, atol=0)
    assert checked >= 2 * 3 * 3
    assert float(_series(iam, "Shortfall|Gallium", "World").max()) > 0  # the ban bites


def test_world_is_the_sum_of_the_consumers_for_pyam(iam: Any, ds: xr.Dataset) -> None:
    """pyam's aggregation check: World is the sum of every consumer, ROW included (as
    in results.nc), and the check notices a consumer left out."""
    consumers = ds["consumer"].values.tolist()
    assert "ROW" in consumers
    variables = [f"{v}|{m}" for v, _ in MEANS for m in ("Gallium", "Graphite")]
    for variable in variables:
        assert iam.check_aggregate_region(variable, region="World", rtol=1e-12) is None, variable
    partial = iam.filter(region="JPN", keep=False)
    assert partial.check_aggregate_region("Demand|Gallium", region="World") is not None


def test_pyam_validates_bounds_and_converts_units(iam: Any) -> None:
    tonnes = ["Demand|*", "Consumption|*", "Shortfall|*"]
    assert iam.validate(lower_bound=0.0, variable=tonnes) is None
    assert iam.validate(lower_bound=1e-6, variable="Price|*") is None
    assert (
        iam.require_data(region="World", variable=["Demand|Gallium", "Shortfall|Graphite"]) is None
    )
    # the unit is one pyam's unit registry (iam-units, pint) understands
    per_year = iam.convert_unit("t/month", to="kt/yr")
    assert set(per_year.unit) == {"kt/yr", "ratio to baseline"}
    np.testing.assert_allclose(
        _series(per_year, "Demand|Graphite", "JPN"),
        _series(iam, "Demand|Graphite", "JPN") * 12 / 1000,
        rtol=1e-12,
    )


def test_the_start_month_is_kept_with_the_run(folder: Path) -> None:
    """results.nc keeps the start month, so the folder rebuilds iamc.csv exactly."""
    again = Results.from_folder(folder)
    assert again.start_month == "2026-07"
    written = pd.read_csv(folder / "iamc.csv", float_precision="round_trip")
    pd.testing.assert_frame_equal(written, again.iamc())


def test_without_a_start_month_the_calendar_is_nominal(
    pyam: ModuleType, ds: xr.Dataset, tmp_path: Path
) -> None:
    bare = ds.copy()
    bare.attrs.pop("start_month")
    table = iamc_table(bare, "interchange-test")
    assert NOMINAL_START == "2000-01"
    assert table["time"].iloc[0] == "2000-01-01 00:00:00"
    assert sorted(set(table["time"]))[-1] == "2001-12-01 00:00:00"  # month 23
    path = tmp_path / "iamc.csv"
    table.to_csv(path, index=False)
    assert pyam.IamDataFrame(path).time_domain == "datetime"
    later = iamc_table(bare, "interchange-test", start="2025-11")
    assert list(later["time"].iloc[:3]) == [
        "2025-11-01 00:00:00", "2025-12-01 00:00:00", "2026-01-01 00:00:00"
    ]  # fmt: skip
    with pytest.raises(CritminError, match="not a calendar month"):
        iamc_table(bare, "x", start="2025-13")


def test_a_bad_start_month_is_refused_before_any_work(scenario_file: Path, tmp_path: Path) -> None:
    for bad in ("2026-13", "July 2026", "2026-7-1"):
        code, text = run(
            "simulate", str(scenario_file), "--start", bad, "--out", str(tmp_path / "x")
        )
        assert code == 2
        assert "--start: not a calendar month" in text
        assert "YYYY-MM" in text
    assert not (tmp_path / "x").exists()


def test_the_scenarios_calendar_dates_the_months_and_start_overrides_it(
    scenario_file: Path, tmp_path: Path
) -> None:
    """A scenario with ``calendar_start`` dates iamc.csv from it; ``--start`` wins."""
    dated = tmp_path / "dated.yaml"
    text = scenario_file.read_text(encoding="utf-8").replace(
        "horizon_months: 24", "horizon_months: 24\ncalendar_start: 2023-07"
    )
    dated.write_text(text.replace("paths: 120", "paths: 20"), encoding="utf-8")
    for extra, first, last in (
        ((), "2023-07-01 00:00:00", "2025-06-01 00:00:00"),
        (("--start", "2010-09"), "2010-09-01 00:00:00", "2012-08-01 00:00:00"),
    ):
        out = tmp_path / f"run{len(extra)}"
        code, output = run("simulate", str(dated), "--export", "iamc", *extra, "--out", str(out))
        assert code == 0, output
        assert "nominal calendar" not in output
        times = sorted(set(pd.read_csv(out / "iamc.csv")["time"]))
        assert (times[0], times[-1], len(times)) == (first, last, MONTHS)
    # the report names the calendar too
    assert run("report", str(tmp_path / "run0"))[0] == 0
    page = (tmp_path / "run0" / "report.html").read_text(encoding="utf-8")
    assert "over 24 months from July 2023 (month 0)" in " ".join(page.split())
    dated.write_text(text.replace("2023-07", "2023-13"), encoding="utf-8")
    code, output = run("simulate", str(dated), "--out", str(tmp_path / "bad"))
    assert code == 2
    assert "calendar_start: not a calendar month (given '2023-13'" in output
    assert not (tmp_path / "bad").exists()


# -- results.xlsx ------------------------------------------------------------------------


def _rows(sheet: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """A sheet's headings and its rows as {heading: value}."""
    values = list(sheet.iter_rows(values_only=True))
    head = [str(v) for v in values[0]]
    return head, [dict(zip(head, row, strict=True)) for row in values[1:]]


@pytest.fixture(scope="module")
def book(folder: Path) -> Any:
    return openpyxl.load_workbook(folder / "results.xlsx")


def test_workbook_sheets_and_headings_with_units(book: Any, folder: Path) -> None:
    assert book.sheetnames == SHEETS
    summary_head, _ = _rows(book["summary"])
    table = pd.read_csv(folder / "summary.csv")
    assert summary_head == [heading(c) for c in table.columns]
    assert "Expected shortfall [t]" in summary_head
    assert "Expected shortfall, share of demand [%]" in summary_head
    assert "Peak price, alliance [× baseline]" in summary_head
    monthly_head, _ = _rows(book["monthly"])
    assert monthly_head == [heading(c) for c in pd.read_csv(folder / "monthly.csv").columns]
    prices_head, _ = _rows(book["prices"])
    assert prices_head[:3] == ["Mineral", "Market", "Month"]
    assert "Price, median over paths [× baseline]" in prices_head
    for sheet in book:
        head, _ = _rows(sheet)
        assert len(set(head)) == len(head), sheet.title  # headings tell columns apart
        assert sheet.freeze_panes == "A2", sheet.title


def test_workbook_values_are_the_summary_json_figures(
    book: Any, stored: dict[str, Any], folder: Path
) -> None:
    """Cells are numbers equal to summary.json's (missing figures are empty cells),
    in number formats by kind."""
    _, rows = _rows(book["summary"])
    table = pd.read_csv(folder / "summary.csv")
    assert len(rows) == len(table)
    keys = [c for c in table.columns if c not in ("mineral", "consumer")]
    for row in rows:
        mineral = stored["minerals"][row["Mineral"]]
        figures = mineral if row["Consumer"] == "WORLD" else mineral["consumers"][row["Consumer"]]
        expected = {**figures, "peak_price_ratio_alliance": mineral["peak_price_ratio"],
                    "peak_price_ratio_rest": mineral["peak_price_ratio_rest"]}  # fmt: skip
        for key in keys:
            cell = row[heading(key)]
            if expected[key] is None:
                assert cell is None, key
            else:
                assert isinstance(cell, int | float), key
                assert cell == near(expected[key]), key
    sheet = book["summary"]
    head = [c.value for c in sheet[1]]
    formats = {head[j]: sheet.cell(row=2, column=j + 1).number_format for j in range(len(head))}
    assert formats["Expected shortfall [t]"] == "#,##0.0"
    assert formats["Expected shortfall, share of demand [%]"] == "0.0%"
    assert formats["Peak price, alliance [× baseline]"] == "0.00"
    _, minerals = _rows(book["minerals"])
    assert [r["Mineral"] for r in minerals] == list(stored["minerals"])
    for row in minerals:
        figures = stored["minerals"][row["Mineral"]]
        assert row[heading("withheld_t")] == near(figures["withheld_t"])
        assert row[heading("p95_peak_price_ratio")] == near(figures["p95_peak_price_ratio"])
        assert row[heading("trough_price_ratio_rest")] == near(figures["trough_price_ratio_rest"])


def test_workbook_monthly_prices_and_reserves(
    book: Any, stored: dict[str, Any], ds: xr.Dataset, folder: Path
) -> None:
    monthly = pd.read_csv(folder / "monthly.csv", float_precision="round_trip")
    _, rows = _rows(book["monthly"])
    assert len(rows) == len(monthly)
    for row, expected in zip(rows, monthly.itertuples(), strict=True):
        assert (row["Mineral"], row["Consumer"], row["Month"]) == (
            expected.mineral, expected.consumer, expected.month
        )  # fmt: skip
        assert row[heading("unmet_mean_t")] == near(expected.unmet_mean_t)
        assert row[heading("demand_mean_t")] == near(expected.demand_mean_t)
    _, prices = _rows(book["prices"])
    assert len(prices) == ds.sizes["mineral"] * ds.sizes["segment"] * MONTHS
    median = sheet_label("price_ratio_p50").heading
    for row in prices[::7]:
        fan = ds["price_ratio_fan"].sel(mineral=row["Mineral"], segment=row["Market"],
                                        month=row["Month"])  # fmt: skip
        assert row[median] == near(float(fan.sel(fan_quantile=0.5)))
    _, reserves = _rows(book["reserves"])
    assert [(r["Mineral"], r["Reserve holder"]) for r in reserves] == [("graphite", "japan")]
    japan = stored["minerals"]["graphite"]["reserves"]["japan"]
    for key in ("target_t", "released_t", "purchase_cost_usd", "net_fiscal_cost_usd",
                "min_days_of_cover"):  # fmt: skip
        assert reserves[0][heading(key)] == near(japan[key]), key
    _, costs = _rows(book["reserve costs"])
    split = japan["net_fiscal_cost_by_member_usd"]
    assert [r["Consumer"] for r in costs] == list(split)
    for r in costs:
        assert r[heading("net_fiscal_cost_by_member_usd")] == near(split[r["Consumer"]])
    _, effect = _rows(book["reserve effect"])
    world = next(r for r in effect if r["Consumer"] == "WORLD")
    by_consumer = stored["minerals"]["graphite"]["reserve_effect"]["by_consumer"]["WORLD"]
    assert world[heading("shortfall_removed_t")] == near(by_consumer["shortfall_removed_t"])
    assert world[heading("shortfall_with_t")] == near(by_consumer["expected_shortfall_t"])
    _, about = _rows(book["run"])
    values = {r["Parameter"]: r["Value"] for r in about}
    assert values["scenario"] == "interchange-test"
    assert (values["paths"], values["seed"], values["start_month"]) == (120, 5, "2026-07")


def test_workbook_glossary_explains_every_column(book: Any) -> None:
    keys: set[str] = set()
    for sheet in book.worksheets[:-1]:
        head, _ = _rows(sheet)
        keys |= set(head)
    head, rows = _rows(book["glossary"])
    assert head == ["Label", "Unit", "Key", "Meaning"]
    shown = {(f"{r['Label']} [{r['Unit']}]" if r["Unit"] else r["Label"]): r["Key"] for r in rows}
    assert keys <= set(shown)  # every heading is explained
    for row in rows:
        if row["Key"] in LABELS:
            assert row["Label"] == label(row["Key"]).text
            assert (row["Meaning"] or "") == label(row["Key"]).meaning


def test_the_manifest_lists_the_workbook(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    data = (folder / "results.xlsx").read_bytes()
    assert manifest["files"]["results.xlsx"] == {
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    Results.from_folder(folder)  # the folder checks out


def test_the_workbook_is_the_same_bytes_for_the_same_run(
    scenario_file: Path, folder: Path, tmp_path: Path
) -> None:
    """--export xlsx alone, the same seed: the same workbook, byte for byte; and the
    folder alone writes it again."""
    out = tmp_path / "again"
    code, text = run(
        "simulate", str(scenario_file), "--export", "xlsx", "--start", "2026-07", "--out", str(out)
    )
    assert code == 0, text
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json", "results.nc", "results.xlsx", "scenario.yaml", "summary.json"
    ]  # fmt: skip
    first = (folder / "results.xlsx").read_bytes()
    assert (out / "results.xlsx").read_bytes() == first
    rebuilt = Results.from_folder(folder).to_folder(tmp_path / "rebuilt", [Export.XLSX])
    assert (rebuilt / "results.xlsx").read_bytes() == first


def test_report_reads_a_folder_with_a_workbook(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, text = run("report", str(folder), "--out", str(target))
    assert code == 0, text
    assert target.stat().st_size > 0


def test_a_run_without_reserves_has_no_reserve_sheets(ds: xr.Dataset, tmp_path: Path) -> None:
    results = Results(ds.drop_dims("holder"))
    folder = results.to_folder(tmp_path / "bare", [Export.XLSX])
    sheets = openpyxl.load_workbook(folder / "results.xlsx").sheetnames
    assert sheets == ["summary", "minerals", "monthly", "prices", "run", "glossary"]
