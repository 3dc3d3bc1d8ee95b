"""critmin: an open model and decision-support tool for critical-minerals supply security.

The public API is listed in ``__all__`` (see :mod:`critmin.api`, where each
verb is documented); everything else is internal. Names are imported on first
use, so ``import critmin`` is quick.

>>> import critmin
>>> world = critmin.load_world()
>>> "gallium" in world.mineral_ids
True
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("critmin")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from critmin.errors import CritminError, DataPackageError

if TYPE_CHECKING:
    from critmin import risk
    from critmin.api import (
        Backend,
        Export,
        Model,
        Provenance,
        Results,
        Scenario,
        World,
        build_model,
        compare_runs,
        load_scenario,
        load_world,
        run_scenario,
        simulate,
        sources_for,
    )
    from critmin.scenario import ScenarioError

#: Where each lazily imported public name lives.
_LAZY = {
    "Backend": "critmin.api",
    "Export": "critmin.api",
    "Model": "critmin.api",
    "Provenance": "critmin.api",
    "Results": "critmin.api",
    "Scenario": "critmin.api",
    "World": "critmin.api",
    "build_model": "critmin.api",
    "compare_runs": "critmin.api",
    "load_scenario": "critmin.api",
    "load_world": "critmin.api",
    "run_scenario": "critmin.api",
    "simulate": "critmin.api",
    "sources_for": "critmin.api",
    "ScenarioError": "critmin.scenario",
}
#: Public subpackages, imported on first use.
_MODULES = ("risk",)

__all__ = [
    "Backend",
    "CritminError",
    "DataPackageError",
    "Export",
    "Model",
    "Provenance",
    "Results",
    "Scenario",
    "ScenarioError",
    "World",
    "__version__",
    "build_model",
    "compare_runs",
    "load_scenario",
    "load_world",
    "risk",
    "run_scenario",
    "simulate",
    "sources_for",
]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return import_module(f"critmin.{name}")
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'critmin' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
