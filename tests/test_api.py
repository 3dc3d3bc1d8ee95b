"""The public API: explicit, importable, documented, and what the README shows works."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import critmin
from critmin import risk

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "china-escalation.yaml"


def test_all_is_curated_and_importable() -> None:
    assert len(critmin.__all__) == len(set(critmin.__all__))
    assert {
        "load_world",
        "load_scenario",
        "build_model",
        "simulate",
        "Results",
        "run_scenario",
        "compare_runs",
        "sources_for",
        "CritminError",
    } <= set(critmin.__all__)
    for name in critmin.__all__:
        value = getattr(critmin, name)
        if callable(value) and not isinstance(value, type):
            assert value.__doc__, f"{name} has no docstring"
    with pytest.raises(AttributeError):
        critmin.nothing_here  # noqa: B018


def test_import_critmin_is_light() -> None:
    """Importing the package loads none of the data, the engine or the reports."""
    code = (
        "import sys, critmin; "
        "print(','.join(m for m in ('pandas', 'xarray', 'numba', 'plotly') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_risk_all_names_exist() -> None:
    for name in risk.__all__:
        assert hasattr(risk, name), name
    assert {"concentration", "geopolrisk", "priorities", "eu_supply_risk"} <= set(risk.__all__)


def test_package_ships_py_typed() -> None:
    from importlib import resources

    assert resources.files("critmin").joinpath("py.typed").is_file()


def test_build_simulate_and_read_back(tmp_path: Path) -> None:
    world = critmin.load_world()
    model = critmin.build_model(world, SCENARIO)
    results = critmin.simulate(model, paths=200, keep_paths=20)
    assert results.dataset.sizes["path"] == 20
    folder = results.to_folder(tmp_path / "run")
    back = critmin.Results.from_folder(folder)
    assert back.summary() == json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert back.summary()["paths"] == 200
    # the one-call form gives the same numbers
    again = critmin.run_scenario(SCENARIO, world=world, paths=200, out=tmp_path / "again")
    assert again.summary()["minerals"] == results.summary()["minerals"]
    # a scenario object works as well as a path
    scenario = critmin.load_scenario(SCENARIO)
    assert critmin.build_model(world, scenario).name == model.name


def test_compare_runs_takes_results_or_folders(tmp_path: Path) -> None:
    world = critmin.load_world()
    a = critmin.run_scenario(SCENARIO, world=world, paths=64, out=tmp_path / "a")
    b = critmin.run_scenario(SCENARIO, world=world, paths=64, seed=99)
    table = critmin.compare_runs(tmp_path / "a", b)
    assert list(table.columns) == ["mineral", "metric", "a", "b", "b_minus_a"]
    row = table[(table["mineral"] == "gallium") & (table["metric"] == "expected_shortfall_t")]
    ga = a.summary()["minerals"]["gallium"]["expected_shortfall_t"]
    gb = b.summary()["minerals"]["gallium"]["expected_shortfall_t"]
    assert row["b_minus_a"].item() == gb - ga
    same = critmin.compare_runs(a, a)
    assert (same["b_minus_a"].dropna() == 0).all()


def test_bad_input_raises_a_clear_error(tmp_path: Path) -> None:
    world = critmin.load_world()
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nevents:\n  - type: export_restriction\n    imposer: CHN\n"
        "    minerals: [galium]\n",
        encoding="utf-8",
    )
    with pytest.raises(critmin.ScenarioError) as info:
        critmin.build_model(world, bad)
    assert str(bad) in str(info.value)
    assert any("unknown mineral 'galium'" in p for p in info.value.problems)
    model = critmin.build_model(world, SCENARIO)
    cases = [
        ({"paths": 0}, "paths", "1 or more"),
        ({"paths": 2.5}, "paths", "an int"),
        ({"seed": -1}, "seed", f"0 to {2**63 - 1}"),
        ({"seed": 2**64}, "seed", f"0 to {2**63 - 1}"),
        ({"keep_paths": -1}, "keep_paths", f"0 to {model.paths}"),
        ({"batch_size": 0}, "batch_size", "1 or more"),
        ({"counterfactual_paths": -1}, "counterfactual_paths", "0 or more"),
        ({"workers": 0}, "workers", "1 or more"),
    ]
    for kwargs, where, allowed in cases:
        with pytest.raises(critmin.CritminError) as refused:
            critmin.simulate(model, **kwargs)
        assert (refused.value.where, refused.value.allowed) == (where, allowed), kwargs
    with pytest.raises(critmin.CritminError, match="a model is needed"):
        critmin.simulate(None)  # type: ignore[arg-type]
    # a path count whose plan cannot fit in memory is refused up front, with the way out
    with pytest.raises(critmin.CritminError, match="would need about") as refused:
        critmin.simulate(model, paths=10**13)
    assert "larger --batch-size" in str(refused.value.allowed)
    with pytest.raises(critmin.CritminError, match="unknown mineral"):
        critmin.sources_for(world, "galium")


def test_sources_for_a_mineral_lists_what_its_rows_cite() -> None:
    world = critmin.load_world()
    everything = critmin.sources_for(world)
    assert len(everything.sources) == len(world.sources)
    gallium = critmin.sources_for(world, "gallium")
    cited = set(world.production.loc[world.production["mineral"] == "gallium", "source_id"])
    assert cited <= set(gallium.sources["source_id"])
    assert len(gallium.sources) < len(everything.sources)
    assert set(gallium.series["stage"]) == set(world.stages("gallium"))
    chosen = critmin.sources_for(world.with_source("usgs-mcs"), "gallium")
    assert set(chosen.series["rule"]) == {"--source usgs-mcs"}


def test_the_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python block uses only the public API, and runs."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "the README has no Python example"
    for block in blocks:
        imports = re.findall(r"^\s*(?:from|import) (\S+)", block, re.M)
        assert set(imports) == {"critmin"}, imports
        names = set(re.findall(r"critmin\.(\w+)", block))
        assert names <= set(critmin.__all__), names - set(critmin.__all__)
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "readme", "OUT": str(tmp_path / "readme-run")}
    for block in blocks:
        exec(compile(block.replace('"runs/china"', "OUT"), "README.md", "exec"), namespace)
