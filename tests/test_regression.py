"""Every shipped scenario gives the stored summary.json and results.nc, bit for bit.

The snapshots in tests/data/regression/ were written by tests/regression.py; new
keys and variables may be added, but every stored one must match exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regression import cases, fixture_path, snapshot


def _same(stored: Any, now: Any, where: str) -> list[str]:
    """Differences between a stored value and the current one (new dict keys allowed)."""
    if isinstance(stored, dict):
        if not isinstance(now, dict):
            return [f"{where}: was a mapping"]
        out: list[str] = []
        for key, value in stored.items():
            if key not in now:
                out.append(f"{where}.{key}: missing")
            else:
                out += _same(value, now[key], f"{where}.{key}")
        return out
    if isinstance(stored, list):
        if not isinstance(now, list) or len(now) != len(stored):
            return [f"{where}: list changed"]
        out = []
        for i, (a, b) in enumerate(zip(stored, now, strict=True)):
            out += _same(a, b, f"{where}[{i}]")
        return out
    return [] if stored == now else [f"{where}: {stored!r} -> {now!r}"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "paths", "batch_size"),
    cases(),
    ids=lambda v: v.stem if isinstance(v, Path) else str(v),
)
def test_bit_identical_to_the_stored_snapshot(path: Path, paths: int, batch_size: int) -> None:
    stored = json.loads(fixture_path(path, paths).read_text(encoding="utf-8"))
    differences = _same(stored, snapshot(path, paths, batch_size), path.stem)
    assert not differences, "\n".join(differences[:20])
