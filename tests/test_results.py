"""critmin.results: the dataset, the summary from the dataset alone, and run folders."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

from critmin.engine.outputs import OUTPUTS, OutputKind
from critmin.engine.run import simulate
from critmin.errors import CritminError
from critmin.model import build_model
from critmin.results import Export, Results, summary, summary_table, to_dataset
from critmin.scenario import parse_scenario
from critmin.world.load import World, load_world


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


SCENARIO: dict[str, Any] = {
    "name": "results-test",
    "horizon_months": 18,
    "paths": 150,
    "seed": 4,
    "market": {
        "consumers": {
            "JPN": {"graphite": {"share_of_world_demand": 0.05, "source": "assumption: test"}}
        }
    },
    "events": [
        {
            "type": "export_restriction",
            "imposer": "CHN",
            "minerals": ["gallium", "graphite"],
            "targets": ["USA", "JPN"],
            "severity_share": {"dist": "uniform", "low": 0.3, "high": 0.9},
            "duration_months": 8,
        }
    ],
    "policies": {
        "reserves": [
            {
                "holder": "quad",
                "members": {"JPN": 0.6, "USA": 0.4},
                "minerals": ["gallium"],
                "target": {"days_of_consumption": 60},
            }
        ]
    },
}


@pytest.fixture(scope="module")
def results(world: World) -> Results:
    return Results.from_run(simulate(build_model(world, parse_scenario(SCENARIO))))


def test_every_declared_variable_is_in_the_dataset_with_its_unit(results: Results) -> None:
    ds = results.dataset
    for o in OUTPUTS:
        if o.kind == OutputKind.SAMPLE:
            assert o.name not in ds  # no kept paths asked for
            continue
        assert ds[o.name].dims == o.dims, o.name
        assert ds[o.name].attrs["units"] == o.unit, o.name


def test_world_rows_are_sums_over_consumers(results: Results) -> None:
    ds = results.dataset
    for name in ("unmet_mean_t", "demand_mean_t", "consumption_mean_t", "baseline_demand_t"):
        parts = ds[name].drop_sel(consumer="WORLD").sum("consumer")
        np.testing.assert_allclose(ds[name].sel(consumer="WORLD"), parts, rtol=1e-12)
    # the flows of the baseline market add up to each consumer's baseline demand
    monthly = ds["baseline_flow_t"].sum("producer") * ds.attrs["horizon_months"]
    np.testing.assert_allclose(
        monthly.drop_sel(consumer="WORLD").fillna(0),
        ds["baseline_demand_t"].drop_sel(consumer="WORLD").fillna(0),
        rtol=1e-9,
    )


def test_the_summary_needs_only_the_dataset(results: Results, tmp_path: Path) -> None:
    folder = results.to_folder(tmp_path / "run")
    stored = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    again = Results.from_folder(folder)
    assert again.summary() == stored == results.summary()
    # the cost split of the reserve is in the dataset: 60 / 40 of the net cost
    split = stored["minerals"]["gallium"]["reserves"]["quad"]["net_fiscal_cost_by_member_usd"]
    net = stored["minerals"]["gallium"]["reserves"]["quad"]["net_fiscal_cost_usd"]
    assert split["JPN"] == pytest.approx(0.6 * net, rel=1e-12)
    assert split["USA"] == pytest.approx(0.4 * net, rel=1e-12)
    xr.testing.assert_identical(again.dataset, results.dataset)
    assert again.scenario_yaml == results.scenario_yaml


def test_the_table_is_the_summary_in_rows(results: Results) -> None:
    result = results.summary()
    table = summary_table(result)
    assert list(table.columns[:2]) == ["mineral", "consumer"]
    for row in table.itertuples():
        source = result["minerals"][row.mineral]
        figures = source if row.consumer == "WORLD" else source["consumers"][row.consumer]
        for column in ("expected_shortfall_t", "p95_shortfall_t", "cvar95_shortfall_t"):
            assert getattr(row, column) == figures[column]
        assert row.peak_price_ratio_alliance == source["peak_price_ratio"]
    world_rows = table[table["consumer"] == "WORLD"]
    assert list(world_rows["mineral"]) == list(result["minerals"])
    assert summary(results.dataset) == result


def test_a_folder_is_written_whole_or_not_at_all(
    results: Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "run"
    results.to_folder(target, [Export.CSV])
    before = (target / "summary.json").read_text(encoding="utf-8")

    def interrupted(self: Results, folder: Path, exports: Any = ()) -> None:
        (folder / "summary.json").write_text("{}", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(Results, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        results.to_folder(target, overwrite=True)
    # the earlier run is untouched, and nothing half-written is left beside it
    assert (target / "summary.json").read_text(encoding="utf-8") == before
    assert (target / "summary.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    with pytest.raises(KeyboardInterrupt):
        results.to_folder(tmp_path / "new")
    assert not (tmp_path / "new").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_replacing_a_run_folder_leaves_only_the_new_run(results: Results, tmp_path: Path) -> None:
    target = tmp_path / "run"
    results.to_folder(target, [Export.CSV, Export.PARQUET, Export.IAMC])
    (target / "report.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(CritminError, match="already holds a run") as refused:
        results.to_folder(target)
    assert refused.value.allowed == "--overwrite to replace it as a whole, or another folder"
    assert (target / "iamc.csv").is_file()
    results.to_folder(target, overwrite=True)
    assert sorted(p.name for p in target.iterdir()) == [
        "manifest.json",
        "results.nc",
        "scenario.yaml",
        "summary.json",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no leftovers


def test_the_manifest_lists_every_file_and_the_run(results: Results, tmp_path: Path) -> None:
    target = results.to_folder(tmp_path / "run", [Export.CSV, Export.IAMC])
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "critmin-run-folder/1"
    assert manifest["scenario"] == results.name
    assert (manifest["seed"], manifest["paths"]) == (
        results.dataset.attrs["seed"],
        results.dataset.attrs["paths"],
    )
    assert manifest["critmin_version"] == results.dataset.attrs["critmin_version"]
    names = sorted(p.name for p in target.iterdir() if p.name != "manifest.json")
    assert sorted(manifest["files"]) == names
    for name in names:
        data = (target / name).read_bytes()
        assert manifest["files"][name] == {
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    # a file added later (critmin report's report.html) does not matter
    (target / "report.html").write_text("<html></html>", encoding="utf-8")
    assert Results.from_folder(target).name == results.name


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "manifest.json").unlink(), "manifest.json is missing"),
        (lambda f: (f / "iamc.csv").unlink(), "a file its manifest lists is missing"),
        (lambda f: (f / "iamc.csv").write_bytes((f / "iamc.csv").read_bytes()[:100]),
         "iamc.csv was truncated or changed"),
        (lambda f: (f / "summary.json").write_text(
            (f / "summary.json").read_text(encoding="utf-8").replace("0", "1", 1),
            encoding="utf-8"), "summary.json was changed"),
        (lambda f: (f / "manifest.json").write_text("{", encoding="utf-8"),
         "is not a critmin run manifest"),
    ],
)  # fmt: skip
def test_an_incomplete_or_altered_folder_is_refused(
    results: Results, tmp_path: Path, damage: Any, message: str
) -> None:
    target = results.to_folder(tmp_path / "run", [Export.CSV, Export.IAMC])
    damage(target)
    with pytest.raises(CritminError, match=message) as refused:
        Results.from_folder(target)
    assert refused.value.where.startswith(str(target))
    assert "run it again" in str(refused.value.allowed)


def test_results_of_another_scenario_are_refused(results: Results, tmp_path: Path) -> None:
    """A results.nc copied in from another run: the manifest's scenario does not match."""
    target = results.to_folder(tmp_path / "run")
    path = target / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["scenario"] = "another-scenario"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CritminError, match="belongs to another scenario"):
        Results.from_folder(target)


def test_output_paths_are_checked_before_any_work(tmp_path: Path) -> None:
    from critmin.results import check_output_folder

    afile = tmp_path / "file"
    afile.write_text("x", encoding="utf-8")
    with pytest.raises(CritminError, match="is an existing file"):
        check_output_folder(afile)
    with pytest.raises(CritminError, match="cannot be created"):
        check_output_folder(afile / "run")  # its parent is a file
    check_output_folder(tmp_path / "new" / "run")  # parents are created
    assert (tmp_path / "new").is_dir()


def test_reading_a_folder_that_is_not_a_run_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CritminError, match="run folder not found"):
        Results.from_folder(tmp_path / "missing")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "summary.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CritminError, match="manifest.json is missing") as info:
        Results.from_folder(tmp_path / "half")
    assert "interrupted" in str(info.value)


def test_a_dataset_from_an_older_version_is_reported(results: Results) -> None:
    old = Results(results.dataset.drop_vars("reserve_cost_share"))
    with pytest.raises(CritminError, match="another critmin version"):
        old.summary()


def test_to_dataset_labels_kept_paths_on_a_path_dimension(world: World) -> None:
    model = build_model(world, parse_scenario(SCENARIO))
    ds = to_dataset(simulate(model, paths=100, keep_paths=10))
    assert ds.sizes["path"] == 10
    assert ds["path_unmet_t"].dims == ("mineral", "consumer", "month", "path")
    assert ds["path_price_ratio"].dims == ("mineral", "segment", "month", "path")
    assert ds["path_reserve_stock_t"].dims == ("mineral", "holder", "month", "path")
    assert ds["path_event_happened"].dims == ("mineral", "event", "path")
    assert ds.attrs["keep_paths"] == 10
