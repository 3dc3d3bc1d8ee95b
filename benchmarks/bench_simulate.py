"""Benchmark: the disruption simulator on the reference workload, at growing sizes.

Run: .venv/bin/python benchmarks/bench_simulate.py [--scenario FILE] [--sizes 1000 3000 10000]

The reference workload is ``scenarios/china-escalation.yaml`` on the shipped
world (120 months; its 10,000 paths are the largest size). Every size runs in
its own process, through the code path of ``critmin simulate`` (the
command's own loading and checking, :func:`critmin.engine.run.simulate`,
then :meth:`critmin.results.Results.to_folder` into a temporary run
folder), with the scenario's fixed seed. Reported per size:

- wall times of each step [s] and throughput in path-months and
  path-mineral-months per second;
- peak memory: the process's peak resident set size (``ru_maxrss`` from
  :func:`resource.getrusage`), which counts everything (Python, NumPy,
  numba, the dataset), not only traced allocations;
- the ratio of the simulation's wall time to a NumPy streaming probe timed in
  the same process (``a * b + c`` on float64 arrays of 10**7 elements, best
  of 5): the probe measures the machine, so the ratio compares code speed
  across machines and across noisy moments on a shared one.

It also times numba's compilation (a first run in an empty numba cache, then
the same run with the cache filled) and the command itself end to end
(``critmin simulate SCENARIO --out DIR`` in a subprocess: interpreter start,
imports, data, simulation and run folder). Record the figures in
docs/performance.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from critmin.engine.events import CHUNK

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = ROOT / "scenarios" / "china-escalation.yaml"


def probe(repeat: int = 5, n: int = 10**7) -> float:
    """Best wall time of ``a * b + c`` on float64 arrays of ``n`` elements [s]."""
    rng = np.random.default_rng(0)
    a, b, c = rng.random(n), rng.random(n), rng.random(n)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        a * b + c
        best = min(best, time.perf_counter() - start)
    return best


def child(scenario_file: Path, paths: int, workers: int | None) -> dict[str, Any]:
    """One measured run in this process, through the command's code path."""
    start = time.perf_counter()
    import critmin.cli  # noqa: F401  (the command's imports)
    from critmin.api import build_model, load_world
    from critmin.engine.run import simulate, warm_up
    from critmin.results import Results

    imported = time.perf_counter()
    world = load_world()
    world_loaded = time.perf_counter()
    model = build_model(world, scenario_file)
    loaded = time.perf_counter()
    # the first call loads the compiled functions from numba's cache: timed apart
    warm_up(model)
    warm = time.perf_counter()
    run = simulate(model, paths=paths, workers=workers)
    simulated = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        Results.from_run(run).to_folder(Path(tmp) / "run")
    written = time.perf_counter()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the probe
    probe_s = probe()
    minerals = len(run.stats)
    months = model.horizon
    return {
        "paths": paths,
        "minerals": minerals,
        "months": months,
        "import_s": imported - start,
        "load_world_s": world_loaded - imported,
        "build_model_s": loaded - world_loaded,
        "load_check_s": loaded - imported,
        "first_call_s": warm - loaded,
        "simulate_s": simulated - warm,
        "write_s": written - simulated,
        "total_s": written - start,
        "path_months_per_s": paths * months / (simulated - warm),
        "path_mineral_months_per_s": paths * months * minerals / (simulated - warm),
        "peak_rss_mb": peak_rss_mb,
        "probe_s": probe_s,
        "simulate_over_probe": (simulated - warm) / probe_s,
        "mass_balance_max_rel_error": max(s.extremes["mass_error_share"] for s in run.stats),
    }


def in_child(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run this script with ``args`` in a fresh process; return its JSON result."""
    out = subprocess.run(
        [sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def compile_times(scenario: Path) -> tuple[float, float]:
    """First call of a small run with an empty numba cache, then with it filled [s]."""
    with tempfile.TemporaryDirectory() as cache:
        env = {"NUMBA_CACHE_DIR": cache}
        first = in_child(["--child", str(CHUNK), "--scenario", str(scenario)], env)
        cached = in_child(["--child", str(CHUNK), "--scenario", str(scenario)], env)
    return first["first_call_s"], cached["first_call_s"]


def command(scenario: Path) -> tuple[float, float]:
    """``critmin simulate SCENARIO --out DIR`` end to end: wall [s] and peak RSS [MB]."""
    exe = Path(sys.executable).with_name("critmin")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(exe), "simulate", str(scenario), "--out", str(Path(tmp) / "run")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own resource usage
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"critmin simulate failed with exit code {proc.returncode}")
    return wall, usage.ru_maxrss / 1024


def machine() -> str:
    """CPU model, cores, memory and versions of this machine."""
    import numba

    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()} {model}, {os.cpu_count()} cores, {memory:.0f} GB RAM; "
        f"Python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}"
    )


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--workers", type=int, default=None, help="threads (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best is shown")
    parser.add_argument("--no-compile", action="store_true", help="skip the compile timing")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.scenario, args.child, args.workers)))
        return

    print(f"machine: {machine()}")
    print(f"scenario: {args.scenario}")
    extra = [] if args.workers is None else ["--workers", str(args.workers)]
    if not args.no_compile:
        first, cached = compile_times(args.scenario)
        print(
            f"numba: first call compiling {first:.1f} s; "
            f"first call loading from the cache {cached:.2f} s"
        )
    header = (
        f"{'paths':>7s} {'import':>6s} {'world':>6s} {'model':>6s} {'1st call':>8s} "
        f"{'simulate':>9s} {'write':>6s} {'total':>6s} "
        f"{'path-months/s':>14s} {'p-mineral-m/s':>14s} {'peak RSS':>9s} {'sim/probe':>10s}"
    )
    print(header)
    for size in args.sizes:
        runs = [
            in_child(["--child", str(size), "--scenario", str(args.scenario), *extra])
            for _ in range(args.repeat)
        ]
        r = min(runs, key=lambda x: x["simulate_s"])
        print(
            f"{size:7d} {r['import_s']:6.2f} {r['load_world_s']:6.2f} {r['build_model_s']:6.2f} "
            f"{r['first_call_s']:8.2f} {r['simulate_s']:9.2f} {r['write_s']:6.2f} "
            f"{r['total_s']:6.2f} {r['path_months_per_s']:14,.0f} "
            f"{r['path_mineral_months_per_s']:14,.0f} {r['peak_rss_mb']:7.0f}MB "
            f"{r['simulate_over_probe']:10.0f}"
        )
    print(f"probe (a*b+c, 1e7 float64, best of 5): {probe() * 1000:.1f} ms in this process")
    wall, rss = min(command(args.scenario) for _ in range(args.repeat))
    print(
        f"critmin simulate {args.scenario.name} (its own paths), end to end: {wall:.2f} s, "
        f"peak RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
