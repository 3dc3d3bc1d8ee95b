"""The shipped scenarios: each validates, runs through the CLI and cites its sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from critmin.cli import app
from critmin.scenario import json_schema, load_scenario
from critmin.world.load import load_world

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
HEADER = "# yaml-language-server: $schema=scenario-schema.json"
#: Paths per CLI run in these tests: few, to keep them fast.
PATHS = 64

runner = CliRunner()


def test_every_expected_scenario_is_shipped() -> None:
    names = {f.stem for f in FILES}
    assert {
        "coordinated-reserve-build",
        "g7-expansion",
        "china-escalation",
        "australia-strategic-reserve",
        "us-project-vault",
        "replay-ree-japan-2010",
        "replay-ga-ge-2023",
        "replay-us-ban-2024",
        "replay-ree-licences-2025",
        "replay-japan-controls-2026",
    } <= names


def test_schema_file_is_current() -> None:
    written = json.loads((SCENARIOS / "scenario-schema.json").read_text(encoding="utf-8"))
    assert written == json_schema()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario_validates_and_is_documented(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADER
    result = runner.invoke(app, ["scenario", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert len(scenario.description) > 100
    assert scenario.sources
    # each event and reserve explains itself and its sources in its note
    for event in scenario.events:
        assert event.note, f"{path.stem}: an event has no note"
    for reserve in scenario.policies.reserves:
        assert reserve.note, f"{path.stem}: reserve {reserve.holder} has no note"
    for code, minerals in scenario.market.consumers.items():
        for mineral, demand in minerals.items():
            assert demand.source.strip(), f"{path.stem}: {code} {mineral} has no source"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_sources_name_dataset_ids_or_full_citations(path: Path) -> None:
    known = set(load_world().sources["source_id"])
    instruments = set(load_world().policy_instruments["instrument_id"])
    for entry in load_scenario(path).sources:
        ids = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", entry)) & (known | instruments)
        cited = "http" in entry or "docs/" in entry or "doi:" in entry
        assert ids or cited, f"{path.stem}: source {entry!r} cites nothing checkable"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario_runs_through_the_cli_and_reports(path: Path, tmp_path: Path) -> None:
    out = tmp_path / path.stem
    result = runner.invoke(app, ["simulate", str(path), "--paths", str(PATHS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"] == path.stem
    assert summary["paths"] == PATHS
    assert summary["seed"] == load_scenario(path).seed
    assert summary["mass_balance_max_rel_error"] < 1e-9
    assert set(summary["minerals"]) == set(load_scenario(path).mineral_ids())
    for mineral, figures in summary["minerals"].items():
        for key in ("expected_shortfall_t", "p95_shortfall_t", "peak_price_ratio"):
            assert figures[key] is not None, f"{mineral}: {key} missing"
        assert figures["expected_shortfall_t"] >= 0
        assert figures["p95_shortfall_t"] >= 0
        guard = load_scenario(path).market.max_price_ratio
        assert 1.0 / guard <= figures["peak_price_ratio"] <= guard
    # and it produces its report
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert path.stem in html


def test_pathways_share_their_common_draws() -> None:
    """Pathways (a) and (c) list today's restrictions first, identically, so that the
    same seed draws the same values on each path: a paired comparison."""
    load = yaml.safe_load
    a = load((SCENARIOS / "coordinated-reserve-build.yaml").read_text(encoding="utf-8"))
    b = load((SCENARIOS / "g7-expansion.yaml").read_text(encoding="utf-8"))
    c = load((SCENARIOS / "china-escalation.yaml").read_text(encoding="utf-8"))
    assert a["seed"] == b["seed"] == c["seed"]
    drawn = ("start_month", "duration_months", "probability", "severity_share", "leakage_share")

    def draws(event: dict[str, object]) -> tuple[object, ...]:
        return tuple(event.get(k) for k in drawn)

    assert [draws(e) for e in a["events"]] == [draws(e) for e in b["events"]]
    assert [draws(e) for e in a["events"]] == [draws(e) for e in c["events"][:4]]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize(
    ("field", "put"),
    [
        ("events[0].severity_share", lambda d, v: d["events"][0].update(severity_share=v)),
        ("events[0].severity_share.high", lambda d, v: d["events"][0].update(
            severity_share={"dist": "uniform", "low": 0.1, "high": v})),
        ("market.inventory_days", lambda d, v: d.setdefault("market", {}).update(
            inventory_days=v)),
    ],
)  # fmt: skip
def test_nan_and_infinities_are_refused_where_they_are(bad: float, field: str, put: object) -> None:
    """A NaN or an infinity in any number of a scenario is an error naming the field,
    never a run with plausible-looking numbers."""
    from critmin.scenario import ScenarioError, parse_scenario

    data: dict = {
        "name": "t",
        "events": [{"type": "export_restriction", "imposer": "CHN", "minerals": ["gallium"]}],
    }
    put(data, bad)  # type: ignore[operator]
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data)
    assert refused.value.problems == [f"{field}: Input should be a finite number"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(minerals=[]), "minerals: List should have at least 1 item"),
        (lambda d: d["events"][0].update(targets=[]), "events[0].targets: List should have"),
        (lambda d: d["events"][0].update(minerals=[]), "events[0].minerals: List should have"),
        (lambda d: d.update(market={"alliance": []}), "market.alliance: List should have"),
        (lambda d: d.update(policies={"reserves": [RESERVE, {**RESERVE, "members": {"JPN": 1}}]}),
         "policies.reserves[1].holder: 'a' already has reserves[0] for gallium"),
    ],
)  # fmt: skip
def test_empty_sets_and_duplicate_holders_are_refused(change: object, problem: str) -> None:
    """Sets that must be non-empty are, and a holder has one reserve per mineral (two
    would be merged in the results, which are labelled by holder)."""
    from critmin.scenario import ScenarioError, parse_scenario

    data: dict = {
        "name": "t",
        "minerals": ["gallium"],
        "events": [{"type": "export_restriction", "imposer": "CHN", "minerals": ["gallium"]}],
    }
    change(data)  # type: ignore[operator]
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data)
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems


RESERVE = {"holder": "a", "members": {"USA": 1}, "minerals": ["gallium"], "target": {"tonnes": 9}}


def test_one_holder_may_hold_reserves_of_different_minerals() -> None:
    from critmin.scenario import parse_scenario

    other = {**RESERVE, "minerals": ["graphite"]}
    scenario = parse_scenario({"name": "t", "policies": {"reserves": [RESERVE, other]}})
    assert [r.holder for r in scenario.policies.reserves] == ["a", "a"]
