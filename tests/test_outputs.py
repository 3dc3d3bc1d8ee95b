"""critmin.engine.outputs: the output-variable table is consistent, used and documented."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from critmin.docsections import fill_sections
from critmin.engine.events import realise
from critmin.engine.kernel import Trajectories, run_kernel
from critmin.engine.outputs import (
    BUFFER,
    HISTOGRAM_REDUCTIONS,
    OUTPUTS,
    PER_PATH,
    TRAJECTORIES,
    OutputKind,
    PathKind,
    Reduction,
    markdown,
    per_path,
)
from critmin.model import build_model
from critmin.scenario import parse_scenario
from critmin.world.load import load_world

DOC = Path(__file__).resolve().parents[1] / "docs" / "outputs.md"
UNIT_SUFFIXES = {"_t": ("t", "t/month"), "_usd": ("USD",), "_share": ("share",)}


def test_names_are_unique_and_suffixes_match_units() -> None:
    names = [o.name for o in OUTPUTS]
    assert len(names) == len(set(names))
    assert len({p.name for p in PER_PATH}) == len(PER_PATH)
    for item in (*OUTPUTS, *PER_PATH):
        for suffix, units in UNIT_SUFFIXES.items():
            if item.name.endswith(suffix) and not item.name.endswith("_per_kg"):
                assert item.unit in units, (item.name, item.unit)


def test_every_statistic_names_a_per_path_source_it_can_reduce() -> None:
    for o in OUTPUTS:
        if o.kind == OutputKind.STATISTIC:
            assert o.source is not None
            assert o.reduction is not None
            p = per_path(o.source)
            if o.reduction in HISTOGRAM_REDUCTIONS:
                assert p.scale is not None, o.name
            if o.reduction == Reduction.TOTAL:
                assert p.dims[0] == "month", o.name
        elif o.kind == OutputKind.SAMPLE and o.source is not None:
            assert per_path(o.source).kept
            assert o.dims[-1] == "path"
        elif o.kind in (OutputKind.COUNTERFACTUAL, OutputKind.PAIRED):
            # a statistic the run computes anyway, of the counterfactual's paths
            same = [
                s for s in OUTPUTS
                if s.kind == OutputKind.STATISTIC
                and (s.source, s.reduction, s.dims) == (o.source, o.reduction, o.dims)
            ]  # fmt: skip
            assert same, o.name
        else:
            assert o.reduction is None


def test_the_kernel_writes_every_element_of_every_buffer() -> None:
    """Buffers are allocated from the table uninitialised: fill them with NaN first."""
    world = load_world()
    scenario = parse_scenario(
        {
            "name": "buffers",
            "horizon_months": 12,
            "paths": 70,
            "events": [
                {
                    "type": "export_restriction",
                    "imposer": "CHN",
                    "minerals": ["gallium"],
                    "start_month": 3,
                },
            ],
            "policies": {
                "reserves": [
                    {
                        "holder": "usa",
                        "members": {"USA": 1},
                        "minerals": ["gallium"],
                        "target": {"days_of_consumption": 30},
                    }
                ],
                "price_floors": [
                    {"mineral": "gallium", "floor_usd_per_kg": 2000.0, "covered": ["JPN"]}
                ],
            },
        }
    )
    model = build_model(world, scenario)
    market, policies = model.markets[0], model.policies[0]
    events = realise(model.events, [market], model.seed, model.horizon, [0, 1], 70)
    sizes = {
        "month": 12,
        "consumer": len(market.consumers),
        "holder": len(policies.reserves),
        "segment": 2,
        "cause": 6,
    }
    stale = Trajectories.allocate(sizes, 70)
    for array in stale.arrays.values():
        array[...] = True if array.dtype == np.bool_ else np.nan
    traj = run_kernel(market, events[market.mineral], policies, model.params, 70, reuse=stale)
    assert traj is stale  # the arrays were reused, so every element was written
    for p in TRAJECTORIES:
        array = traj[p.name]
        assert array.shape == (*(sizes[d] for d in p.dims), 70), p.name
        assert array.dtype == p.dtype, p.name
        if array.dtype != np.bool_:
            assert not np.isnan(array).any(), p.name
    # the boolean buffer started all True: the months before the restriction were written
    assert not traj["restricted"][:3].any()
    assert traj["restricted"][3:].all()


def test_buffer_positions_follow_the_table() -> None:
    assert list(BUFFER) == [p.name for p in PER_PATH if p.kind == PathKind.TRAJECTORY]
    assert list(BUFFER.values()) == list(range(len(TRAJECTORIES)))


def test_docs_list_every_output() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert fill_sections(text, {"outputs": markdown()}) == text, (
        "docs/outputs.md is stale: python -m critmin.engine.outputs docs/outputs.md"
    )
    for o in OUTPUTS:
        assert f"`{o.name}`" in text


@pytest.mark.parametrize("reduction", list(Reduction))
def test_every_reduction_is_used_and_documented(reduction: Reduction) -> None:
    assert any(o.reduction == reduction for o in OUTPUTS)
    assert f"| {reduction} |" in DOC.read_text(encoding="utf-8")
