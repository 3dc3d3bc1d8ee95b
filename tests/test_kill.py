"""Runs that survive a kill: ``critmin simulate`` killed with SIGKILL at random moments,
some of them while it writes its run folder, never leaves a folder that reading
accepts unless it is complete.

Each kill targets a folder that already holds a complete run (so the old run must
survive a kill during the replacement) or a new one. After each kill the folder is
either refused with a clear error or read back whole: every file the manifest
lists parses, the summary is the one its dataset gives, and the dataset is the
scenario's.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from critmin.errors import CritminError
from critmin.results import Results, summary

SCENARIO = """
name: kill-test
horizon_months: 36
paths: 600
seed: 5
events:
  - type: export_restriction
    imposer: CHN
    minerals: [gallium, graphite]
    targets: [USA]
    start_month: {dist: uniform, low: 0, high: 6}
    duration_months: {dist: triangular, low: 2, mode: 6, high: 18}
    severity_share: {dist: uniform, low: 0.3, high: 0.9}
"""
#: Kills at random moments, and kills as soon as the hidden partial folder appears.
RANDOM_KILLS = 6
WRITE_KILLS = 6


def _command(scenario: Path, out: Path, *extra: str) -> list[str]:
    code = "from critmin.cli import main; main()"
    return [sys.executable, "-c", code, "simulate", str(scenario), "--out", str(out),
            "--export", "csv,iamc", *extra]  # fmt: skip


def _accepted_is_complete(folder: Path) -> bool:
    """Whether reading accepts ``folder``; if it does, it must be whole."""
    try:
        results = Results.from_folder(folder)
    except CritminError:
        return False
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert results.name == "kill-test" == manifest["scenario"]
    stored = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert stored == json.loads(json.dumps(summary(results.dataset)))
    iamc = pd.read_csv(folder / "iamc.csv")
    assert len(iamc) == len(results.iamc())
    assert len(pd.read_csv(folder / "monthly.csv")) == len(results.monthly())
    return True


def test_no_killed_run_is_ever_read_as_complete(tmp_path: Path) -> None:
    scenario = tmp_path / "kill-test.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    env = {**os.environ, "COLUMNS": "120"}
    # a complete run to start from, timed
    first = tmp_path / "first"
    start = time.perf_counter()
    subprocess.run(_command(scenario, first), env=env, check=True, capture_output=True)
    whole = time.perf_counter() - start
    assert _accepted_is_complete(first)

    rng = random.Random(20261204)
    outcomes = {"refused": 0, "accepted": 0, "old run kept": 0}
    while_writing = 0
    for i in range(RANDOM_KILLS + WRITE_KILLS):
        # every other kill targets a folder holding a complete run, to be replaced
        replace = i % 2 == 0
        out = tmp_path / f"run-{i}"
        if replace:
            subprocess.run(_command(scenario, out), env=env, check=True, capture_output=True)
            before = (out / "manifest.json").read_text(encoding="utf-8")
        extra = ("--overwrite", "--seed", "9") if replace else ()
        child = subprocess.Popen(
            _command(scenario, out, *extra), env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if i < RANDOM_KILLS:
            time.sleep(rng.uniform(0.0, whole))
        else:  # as soon as the run starts writing its folder
            deadline = time.perf_counter() + 5 * whole
            while time.perf_counter() < deadline and child.poll() is None:
                if any(p.name.startswith(f".{out.name}.partial-") for p in tmp_path.iterdir()):
                    while_writing += 1
                    time.sleep(rng.uniform(0.0, 0.05))
                    break
                time.sleep(0.001)
        child.send_signal(signal.SIGKILL)
        child.wait()
        if out.exists() and _accepted_is_complete(out):
            now = (out / "manifest.json").read_text(encoding="utf-8")
            outcomes["old run kept" if replace and now == before else "accepted"] += 1
        else:
            assert not replace, "a kill during a replacement lost the earlier complete run"
            outcomes["refused"] += 1
    # every kill ended in one of the three safe outcomes, and at least one kill landed
    # before the rename (else the test exercised nothing)
    assert sum(outcomes.values()) == RANDOM_KILLS + WRITE_KILLS
    assert while_writing >= WRITE_KILLS // 2, while_writing
    assert outcomes["refused"] + outcomes["old run kept"] >= 1, outcomes


@pytest.mark.parametrize("damage", ["truncate", "swap"])
def test_report_refuses_a_damaged_folder(tmp_path: Path, damage: str) -> None:
    """The two cases found by hand: a truncated iamc.csv, and a folder whose results
    belong to another scenario; ``critmin report`` exits 2 on both, naming the file."""
    scenario = tmp_path / "kill-test.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "run"
    subprocess.run(_command(scenario, out), check=True, capture_output=True)
    if damage == "truncate":
        data = (out / "iamc.csv").read_bytes()
        (out / "iamc.csv").write_bytes(data[: len(data) // 2])
        expected = "iamc.csv"
    else:
        other = tmp_path / "other.yaml"
        other.write_text(SCENARIO.replace("kill-test", "other-test"), encoding="utf-8")
        subprocess.run(_command(other, tmp_path / "b"), check=True, capture_output=True)
        (out / "results.nc").write_bytes((tmp_path / "b" / "results.nc").read_bytes())
        expected = "results.nc"
    code = "from critmin.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "report", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert expected in done.stderr + done.stdout
    assert not (out / "report.html").exists()
