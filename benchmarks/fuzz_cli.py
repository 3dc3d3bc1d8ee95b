"""Fuzz run: generated bad inputs through the command line, counted.

Run: .venv/bin/python benchmarks/fuzz_cli.py [--n 10000] [--seed 0] [--save]

Draws ``--n`` inputs from ``tests/fuzzing.py`` (malformed scenarios checked by
``critmin scenario validate``, wrong option values for ``critmin simulate`` on
the tiny package, damaged data packages for ``critmin data validate``) and runs
each through the CLI in-process. Prints how many exited 0 and 2, and every
failure (a traceback, another exit code, a refusal that names none of the
broken field's words); with ``--save``, failures are written to
``tests/data/bad/`` for the test suite to replay. Fixed seed: the same inputs
every run. Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzzing import BAD, Case, bad_inputs, run_case, verdict  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="inputs to generate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", action="store_true", help="write failures to tests/data/bad/")
    args = parser.parse_args()
    outcomes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    failures: list[tuple[str, Case, str]] = []
    start = time.perf_counter()

    @seed(args.seed)
    @settings(
        max_examples=args.n,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(bad_inputs())
    def one(case: Case) -> None:
        kinds[" ".join(case.args[:2]) if case.args[0] != "simulate" else "simulate"] += 1
        with tempfile.TemporaryDirectory() as tmp:
            code, output = run_case(case, Path(tmp))
        problem = verdict(case, code, output)
        outcomes[f"exit {code}"] += 1
        if problem is not None:
            outcomes["failed"] += 1
            failures.append((problem, case, output))

    one()
    elapsed = time.perf_counter() - start
    total = sum(v for k, v in outcomes.items() if k.startswith("exit"))
    print(
        f"{total:,} inputs in {elapsed:.0f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items()))
    )
    print("by command: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
    for problem, case, output in failures[:20]:
        message = " ".join(output.split())[-400:]
        print(f"--- {problem}: {' '.join(case.args)}\n    {message}")
    if args.save:
        BAD.mkdir(parents=True, exist_ok=True)
        for _, case, _ in failures:
            text = case.to_json()
            name = hashlib.sha256(text.encode()).hexdigest()[:12]
            (BAD / f"found-{name}.json").write_text(text + "\n", encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
