"""Small scenarios for the model and engine tests: a scenario from fields, a ban, a run."""

from __future__ import annotations

from typing import Any

import xarray as xr

from critmin.engine.run import simulate
from critmin.model import build_model
from critmin.results import to_dataset
from critmin.scenario import Scenario, parse_scenario
from critmin.world.load import World


def scenario(**fields: Any) -> Scenario:
    """A 3-month, 1-path scenario (seed 1) with ``fields`` laid over it."""
    base: dict[str, Any] = {"name": "t", "horizon_months": 3, "paths": 1, "seed": 1}
    base.update(fields)
    return parse_scenario(base)


def run(world: World, **fields: Any) -> xr.Dataset:
    """The results dataset of :func:`scenario` (``fields``) on ``world``."""
    return to_dataset(simulate(build_model(world, scenario(**fields))))


def ban(minerals: list[str], targets: list[str], **extra: Any) -> dict[str, Any]:
    """A full Chinese export ban on ``targets``, no leakage, with ``extra`` fields."""
    event = {
        "type": "export_restriction",
        "imposer": "CHN",
        "minerals": minerals,
        "targets": targets,
        "severity_share": 1.0,
        "leakage_share": 0.0,
    }
    event.update(extra)
    return event
