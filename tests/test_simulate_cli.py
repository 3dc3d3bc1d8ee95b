"""The simulator through its command line: simulate, compare, scenario schema/validate."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

from critmin.cli import app
from critmin.scenario import json_schema

runner = CliRunner()

SCENARIO = """
name: cli-test
horizon_months: 24
paths: 100
seed: 3
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


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "cli-test.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_simulate_writes_the_summary_contract_and_is_reproducible(
    scenario_file: Path, tmp_path: Path
) -> None:
    code, _ = run(
        "simulate",
        str(scenario_file),
        "--paths",
        "150",
        "--seed",
        "7",
        "--out",
        str(tmp_path / "a"),
    )
    assert code == 0
    code, _ = run(
        "simulate",
        str(scenario_file),
        "--paths",
        "150",
        "--seed",
        "7",
        "--out",
        str(tmp_path / "b"),
        "--batch-size",
        "64",
    )
    assert code == 0
    a = (tmp_path / "a" / "summary.json").read_text()
    assert a == (tmp_path / "b" / "summary.json").read_text()
    summary = json.loads(a)
    assert (summary["scenario"], summary["paths"], summary["seed"]) == ("cli-test", 150, 7)
    assert set(summary["minerals"]) == {"gallium", "graphite"}
    for values in summary["minerals"].values():
        assert {"expected_shortfall_t", "p95_shortfall_t", "peak_price_ratio"} <= set(values)
        assert values["p95_shortfall_t"] >= 0
    assert summary["mass_balance_max_rel_error"] < 1e-9
    assert "japan" in summary["minerals"]["graphite"]["reserves"]


def test_run_folder_exports(scenario_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    code, _ = run("simulate", str(scenario_file), "--out", str(out))
    assert code == 0
    # the default: the run's own four files and the CSV tables, nothing else
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "monthly.csv",
        "results.nc",
        "scenario.yaml",
        "summary.csv",
        "summary.json",
    ]
    ds = xr.load_dataset(out / "results.nc", engine="scipy")
    assert {"mineral", "consumer", "month"} <= set(ds.dims)
    assert "path" not in ds.dims
    assert ds["expected_shortfall_t"].attrs["units"] == "t"
    # round_trip: pandas' default parser can be one unit in the last place off
    table = pd.read_csv(out / "summary.csv", float_precision="round_trip")
    world = table[(table["mineral"] == "gallium") & (table["consumer"] == "WORLD")].iloc[0]
    summary = json.loads((out / "summary.json").read_text())
    assert world["expected_shortfall_t"] == summary["minerals"]["gallium"]["expected_shortfall_t"]
    japan = table[(table["mineral"] == "graphite") & (table["consumer"] == "JPN")].iloc[0]
    assert (
        japan["p95_shortfall_t"]
        == summary["minerals"]["graphite"]["consumers"]["JPN"]["p95_shortfall_t"]
    )
    # asked for: Parquet and IAMC too; the run folder is replaced only with --overwrite
    code, text = run("simulate", str(scenario_file), "--out", str(out), "--export", "iamc")
    assert code == 2
    assert "already holds a run" in text
    assert "--overwrite" in text
    code, _ = run(
        "simulate", str(scenario_file), "--out", str(out), "--export", "parquet,iamc",
        "--overwrite",
    )  # fmt: skip
    assert code == 0
    assert not (out / "summary.csv").exists()
    iamc = pd.read_csv(out / "iamc.csv")
    assert list(iamc.columns) == [
        "model",
        "scenario",
        "region",
        "variable",
        "unit",
        "time",
        "value",
    ]
    assert {"Shortfall|Gallium", "Price|Graphite|Median"} <= set(iamc["variable"])
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert {"mineral", "consumer", "month", "unmet_mean_t"} <= set(monthly.columns)
    code, text = run("simulate", str(scenario_file), "--out", str(out), "--export", "xls")
    assert code == 2
    assert "unknown export" in text
    assert "csv, parquet, iamc, xlsx" in text


def test_keep_paths_writes_per_path_trajectories(scenario_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "kept"
    code, _ = run(
        "simulate", str(scenario_file), "--paths", "150", "--keep-paths", "70",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0
    ds = xr.load_dataset(out / "results.nc", engine="scipy")
    assert ds.sizes["path"] == 70
    unmet = ds["path_unmet_t"]
    assert unmet.dims == ("mineral", "consumer", "month", "path")
    # the kept paths' mean is not the mean of all 150, but each path's own numbers
    # add up: unmet is the demand wanted less consumption, every month (consumption
    # can exceed it when prices are below baseline)
    kept = ds.sel(mineral="gallium", consumer="USA")
    gap = (kept["path_demand_t"] - kept["path_consumption_t"]).clip(min=0.0)
    assert float(abs(gap - kept["path_unmet_t"]).max()) < 1e-9 * float(kept["path_demand_t"].max())
    assert float(kept["path_unmet_t"].max()) > 0
    assert set(ds["event_type"].values) == {"export_restriction"}
    starts = ds["path_event_start_month"].sel(mineral="gallium")
    assert float(starts.min()) >= 0
    assert float(starts.max()) <= 4
    code, text = run(
        "simulate", str(scenario_file), "--paths", "10", "--keep-paths", "11",
        "--out", str(tmp_path / "x"),
    )  # fmt: skip
    assert code == 2
    assert "--keep-paths" in text
    assert not (tmp_path / "x").exists()


def test_an_existing_folder_that_is_not_a_run_is_left_alone(
    scenario_file: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    code, text = run("simulate", str(scenario_file), "--paths", "64", "--out", str(mine))
    assert code == 2
    assert "holds files that are not a run" in text
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


def test_compare_two_runs(scenario_file: Path, tmp_path: Path) -> None:
    run("simulate", str(scenario_file), "--seed", "1", "--out", str(tmp_path / "a"))
    run("simulate", str(scenario_file), "--seed", "1", "--out", str(tmp_path / "b"))
    code, out = run("compare", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert all(r["b_minus_a"] == 0 for r in rows if r["b_minus_a"] is not None)
    code, out = run("compare", str(tmp_path / "a"), str(tmp_path / "nope"))
    assert code == 2
    assert "run folder not found" in out


def test_scenario_validate_lists_every_error_with_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nhorizon_months: 12\nevents:\n"
        "  - type: export_restriction\n    imposer: CHN\n    minerals: [galium]\n"
        "    start_month: 20\n"
        "  - type: demand_surge\n    minerals: [graphite]\n    increase_share: 0.2\n"
        "    colour: red\n",
        encoding="utf-8",
    )
    code, out = run("scenario", "validate", str(bad))
    assert code == 2
    assert "events[0].start_month: must be within the horizon (0..11, horizon_months 12)" in out
    assert "events[1].colour: unknown key" in out


def test_scenario_validate_checks_the_dataset(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nevents:\n  - type: export_restriction\n    imposer: CHN\n"
        "    minerals: [gallium, galium]\n",
        encoding="utf-8",
    )
    code, out = run("scenario", "validate", str(bad))
    assert code == 2
    assert "events[0].minerals[1]: unknown mineral 'galium'" in out


def test_scenario_validate_good_file(scenario_file: Path) -> None:
    code, out = run("scenario", "validate", str(scenario_file))
    assert code == 0
    assert "valid" in out


def test_not_yaml_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    code, out = run("simulate", str(bad))
    assert code == 2
    assert "not valid YAML" in out
    code, out = run("simulate", str(tmp_path / "missing.yaml"))
    assert code == 2
    assert "scenario file not found" in out


def test_schema_command_writes_the_json_schema(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    code, _ = run("scenario", "schema", "--out", str(target))
    assert code == 0
    schema = json.loads(target.read_text())
    assert schema == json_schema()
    assert {"events", "policies", "market", "horizon_months"} <= set(schema["properties"])


def test_shipped_scenario_keeps_paths_and_rebuilds_its_summary(tmp_path: Path) -> None:
    """The issue's check: 500 paths, 50 kept; the folder alone rebuilds summary.json."""
    from critmin.results import Results

    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "china-escalation.yaml"
    out = tmp_path / "esc"
    code, _ = run(
        "simulate", str(scenario), "--paths", "500", "--keep-paths", "50", "--out", str(out)
    )
    assert code == 0
    ds = xr.load_dataset(out / "results.nc", engine="scipy")
    assert ds.sizes["path"] == 50
    for name in ("unmet_t", "consumption_t", "price_ratio", "reserve_stock_t",
                 "reserve_release_t", "reserve_purchase_usd", "floor_cost_usd"):  # fmt: skip
        assert f"path_{name}" in ds
    assert ds.sizes["event"] >= 1
    stored = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert Results.from_folder(out).summary() == stored


def test_compare_refuses_runs_that_are_not_comparable(scenario_file: Path, tmp_path: Path) -> None:
    """Runs of different horizons and minerals are not subtracted unless --force,
    which says what differs."""
    short = tmp_path / "short.yaml"
    text = SCENARIO.replace("horizon_months: 24", "horizon_months: 12")
    short.write_text(text.replace("[gallium, graphite]", "[gallium]"), encoding="utf-8")
    assert run("simulate", str(scenario_file), "--out", str(tmp_path / "a"))[0] == 0
    assert run("simulate", str(short), "--out", str(tmp_path / "b"))[0] == 0
    code, text = run("compare", str(tmp_path / "a"), str(tmp_path / "b"))
    assert code == 2
    assert "not comparable" in text
    assert "horizon: 24 months (A) against 12 (B)" in text
    assert "--force" in text
    code, text = run("compare", str(tmp_path / "a"), str(tmp_path / "b"), "--force", "-f", "json")
    assert code == 0
    assert "warning: the runs differ: horizon: 24 months (A) against 12 (B)" in text
