"""Fuzzing the boundary: generated bad scenarios, option values and data packages
through the command line exit 0 or 2, never with a traceback, and a refusal names
the broken field (``tests/fuzzing.py``). Every case that ever failed is kept in
``tests/data/bad/`` and replayed here. ``benchmarks/fuzz_cli.py`` runs 10,000 and
more of the same inputs (figures in docs/performance.md).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fuzzing import BAD, Case, bad_options, bad_packages, bad_scenarios, run_case, verdict

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def _check(case: Case) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        code, output = run_case(case, Path(tmp))
    problem = verdict(case, code, output)
    assert problem is None, f"{problem}\n{case.to_json()}\n{output}"


@FUZZ
@given(bad_scenarios())
def test_bad_scenarios_are_refused_cleanly(case: Case) -> None:
    _check(case)


@settings(FUZZ, max_examples=40)
@given(bad_options())
def test_bad_options_are_refused_cleanly(case: Case) -> None:
    _check(case)


@settings(FUZZ, max_examples=30)
@given(bad_packages())
def test_bad_packages_are_refused_cleanly(case: Case) -> None:
    _check(case)


CORPUS = sorted(BAD.glob("*.json"))


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_the_corpus_of_cases_found_stays_fixed(path: Path) -> None:
    """The inputs that once ended in a traceback or a silent run, kept as regressions."""
    case = Case.from_json(path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        code, output = run_case(case, Path(tmp))
    assert verdict(case, code, output) is None, output
    assert code == 2, output  # each of them is bad input, refused


def test_the_corpus_is_not_empty() -> None:
    assert len(CORPUS) >= 5
