"""Regression snapshots of every shipped scenario: summary.json and results.nc.

A snapshot runs a scenario with :data:`PATHS` paths and its own seed through the
code path of ``critmin simulate`` (build_model, simulate, Results.to_folder), reads the
written ``summary.json`` and ``results.nc`` back, and records the summary and,
for every variable and coordinate of the dataset, its dims, dtype, shape and the
sha256 of its bytes. tests/test_regression.py compares the current code with
the stored snapshots in tests/data/regression/, so a restructuring that changes
any number, to the last bit, fails.

The snapshots hold on any x86-64 machine: the simulator's exponentials and
logarithms are the C library's (math.exp, math.log, and numba's calls to them),
never NumPy's vectorised ones, whose last bit depends on the CPU's instruction
set (the price histograms' edges took NumPy's exp until a machine without
AVX-512 moved them).

Write the snapshots (only when a change of numbers is intended, and say so in the
commit): ``python tests/regression.py [NAME ...]``.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
FIXTURES = Path(__file__).resolve().parent / "data" / "regression"
PATHS = 64
#: Scenarios also snapshot with several chunks in several batches (exact-order sums
#: across chunks and batches): name -> (paths, batch size).
MULTI_CHUNK = {"china-escalation": (320, 128), "coordinated-reserve-build": (200, 64)}


def scenario_files() -> list[Path]:
    """Every shipped scenario file."""
    return sorted(SCENARIOS.glob("*.yaml"))


def _array_record(array: xr.DataArray) -> dict[str, Any]:
    values = np.ascontiguousarray(array.values)
    if values.dtype.kind in "OUS":
        data = json.dumps([str(v) for v in values.ravel().tolist()]).encode()
    else:
        data = values.tobytes()
    return {
        "dims": list(array.dims),
        "dtype": str(values.dtype),
        "shape": list(values.shape),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def snapshot(path: Path, paths: int = PATHS, batch_size: int = 1024) -> dict[str, Any]:
    """Run one scenario and record what its run folder holds."""
    from critmin.engine.run import simulate
    from critmin.model import build_model
    from critmin.results import Results
    from critmin.scenario import load_scenario
    from critmin.world.load import load_world

    scenario = load_scenario(path)
    run = simulate(build_model(load_world(), scenario), paths=paths, batch_size=batch_size)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "run"
        Results.from_run(run).to_folder(folder)
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        ds = xr.load_dataset(folder / "results.nc", engine="scipy")
    return {
        "scenario": path.stem,
        "paths": paths,
        "summary": summary,
        "variables": {str(k): _array_record(v) for k, v in ds.data_vars.items()},
        "coords": {str(k): _array_record(v) for k, v in ds.coords.items()},
    }


def fixture_path(path: Path, paths: int = PATHS) -> Path:
    """Where the snapshot of a scenario file is stored."""
    return FIXTURES / (f"{path.stem}.json" if paths == PATHS else f"{path.stem}-{paths}.json")


def cases() -> list[tuple[Path, int, int]]:
    """Every snapshot: scenario file, paths, batch size."""
    out = [(p, PATHS, 1024) for p in scenario_files()]
    out += [(SCENARIOS / f"{name}.yaml", n, b) for name, (n, b) in MULTI_CHUNK.items()]
    return out


def main() -> int:
    """Write the snapshot of every shipped scenario."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    only = set(sys.argv[1:])
    for path, paths, batch in cases():
        target = fixture_path(path, paths)
        if only and target.stem not in only:
            continue
        target.write_text(
            json.dumps(snapshot(path, paths, batch), indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        sys.stdout.write(f"{target.stem}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
