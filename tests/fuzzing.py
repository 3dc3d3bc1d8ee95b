"""Bad inputs for the command line, generated: malformed scenarios, option values and
data packages (hypothesis strategies), and the check every one must pass.

The check: the command exits 0 or 2, never prints a traceback, and when it
refuses (exit 2) its message names the field that was broken. Used by
``tests/test_fuzz.py`` (a few hundred inputs per run, and the corpus of
``tests/data/bad/``) and by ``benchmarks/fuzz_cli.py`` (10,000 and more).
"""

from __future__ import annotations

import copy
import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st
from typer.testing import CliRunner

from critmin.cli import app

TINY = Path(__file__).parent / "data" / "tiny"
BAD = Path(__file__).parent / "data" / "bad"

#: A small valid scenario every scenario mutation starts from.
BASE: dict[str, Any] = {
    "name": "fuzz",
    "horizon_months": 6,
    "paths": 16,
    "seed": 1,
    "minerals": ["gallium"],
    "market": {"inventory_days": 45, "demand_elasticity": -0.2, "alliance": ["ALLIANCE"]},
    "events": [
        {
            "type": "export_restriction",
            "imposer": "CHN",
            "minerals": ["gallium"],
            "targets": ["USA"],
            "announced_month": 0,
            "start_month": 1,
            "duration_months": 3,
            "severity_share": {"dist": "uniform", "low": 0.3, "high": 0.6},
            "leakage_share": 0.1,
        }
    ],
    "policies": {
        "reserves": [
            {
                "holder": "us",
                "members": {"USA": 1},
                "minerals": ["gallium"],
                "target": {"tonnes": 10},
            }
        ]
    },
}

#: Paths to the leaves of :data:`BASE` a mutation may break (keys and list indices).
LEAVES: tuple[tuple[Any, ...], ...] = (
    ("name",),
    ("horizon_months",),
    ("calendar_start",),
    ("paths",),
    ("seed",),
    ("minerals",),
    ("minerals", 0),
    ("market",),
    ("market", "inventory_days"),
    ("market", "demand_elasticity"),
    ("market", "alliance"),
    ("events",),
    ("events", 0),
    ("events", 0, "type"),
    ("events", 0, "imposer"),
    ("events", 0, "minerals"),
    ("events", 0, "targets"),
    ("events", 0, "announced_month"),
    ("events", 0, "start_month"),
    ("events", 0, "duration_months"),
    ("events", 0, "severity_share"),
    ("events", 0, "severity_share", "low"),
    ("events", 0, "severity_share", "high"),
    ("events", 0, "severity_share", "dist"),
    ("events", 0, "leakage_share"),
    ("policies",),
    ("policies", "reserves"),
    ("policies", "reserves", 0, "holder"),
    ("policies", "reserves", 0, "members"),
    ("policies", "reserves", 0, "members", "USA"),
    ("policies", "reserves", 0, "minerals"),
    ("policies", "reserves", 0, "target"),
    ("policies", "reserves", 0, "target", "tonnes"),
)

#: Values that are wrong almost anywhere: wrong types, non-finite, out of range.
BAD_VALUES: tuple[Any, ...] = (
    math.nan,
    math.inf,
    -math.inf,
    -1,
    -0.5,
    1.5,
    10**30,
    2**63,
    1e308,
    "",
    "abc",
    "gallium; rm -rf /",
    [],
    [None],
    {},
    {"dist": "uniform", "low": 2, "high": 1},
    {"dist": "weird", "low": 0, "high": 1},
    None,
    True,
    [1, 2, 3],
    "ÄÖÜ\u202e",
)


@dataclass(frozen=True)
class Case:
    """One generated input: the command-line arguments, the files they need, and the
    words one of which a refusal must contain (the field broken)."""

    args: tuple[str, ...]
    files: tuple[tuple[str, str], ...] = ()  # (relative path, text)
    package: tuple[str, str, str] | None = None  # (file, old text, new text) in tiny
    names: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The case as the corpus stores it."""
        return json.dumps(
            {"args": self.args, "files": self.files, "package": self.package, "names": self.names},
            indent=1,
            ensure_ascii=False,
            default=repr,
        )

    @classmethod
    def from_json(cls, text: str) -> Case:
        data = json.loads(text)
        package = tuple(data["package"]) if data.get("package") else None
        return cls(
            tuple(data["args"]),
            tuple(tuple(f) for f in data.get("files", [])),  # type: ignore[misc]
            package,  # type: ignore[arg-type]
            tuple(data.get("names", [])),
        )


def _set(tree: Any, path: tuple[Any, ...], value: Any) -> None:
    node = tree
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _words(path: tuple[Any, ...]) -> tuple[str, ...]:
    """What a message about ``path`` must mention: one of its keys (or the file)."""
    return tuple(str(k) for k in path if isinstance(k, str)) or ("scenario",)


@st.composite
def bad_scenarios(draw: st.DrawFn) -> Case:
    """A scenario with one field broken (or one key added, removed, duplicated),
    checked by ``critmin scenario validate``."""
    data = copy.deepcopy(BASE)
    kind = draw(st.sampled_from(["value", "value", "value", "unknown", "drop", "duplicate"]))
    path = draw(st.sampled_from(LEAVES))
    if kind == "value":
        value = draw(
            st.one_of(
                st.sampled_from(BAD_VALUES),
                st.floats(allow_nan=True, allow_infinity=True),
                st.integers(-(2**70), 2**70),
                st.text(max_size=8),
            )
        )
        _set(data, path, value)
    elif kind == "unknown":
        path = draw(st.sampled_from([("market",), ("events", 0), ("policies",), ()]))
        node = data
        for key in path:
            node = node[key]
        node["unknown_field"] = draw(st.sampled_from(BAD_VALUES))
        path = (*path, "unknown_field")
    elif kind == "drop":
        path = draw(st.sampled_from([p for p in LEAVES if len(p) > 1]))
        node = data
        for key in path[:-1]:
            node = node[key]
        if isinstance(node, list):
            node.pop(path[-1])
        else:
            node.pop(path[-1], None)
    else:
        data["policies"]["reserves"].append(copy.deepcopy(data["policies"]["reserves"][0]))
        path = ("policies", "reserves", 1, "holder")
    text = yaml.safe_dump(data, allow_unicode=True) if draw(st.booleans()) else json.dumps(data)
    if draw(st.integers(0, 19)) == 0:  # now and then, a file that is not YAML at all
        text = draw(st.sampled_from(["{", "- [", "key: [unclosed", "\t\x00", "[1, 2]", "42"]))
        path = ()
    return Case(("scenario", "validate", "{dir}/s.yaml"), (("s.yaml", text),), None, _words(path))


#: Option values that are wrong: (option, value, word the message must name).
BAD_OPTIONS: tuple[tuple[str, str], ...] = (
    ("--paths", "0"),
    ("--paths", "-5"),
    ("--paths", "abc"),
    ("--paths", "1e3"),
    ("--paths", "1000000000000000"),
    ("--seed", "-1"),
    ("--seed", str(2**63)),
    ("--seed", str(2**70)),
    ("--seed", "nan"),
    ("--batch-size", "0"),
    ("--batch-size", "-64"),
    ("--keep-paths", "-1"),
    ("--keep-paths", "999999"),
    ("--export", "xlsx,pdf"),
    ("--export", ""),
    ("--start", "2026-13"),
    ("--start", "July 2026"),
    ("--start", "1899-12"),
    ("--out", "{dir}/afile"),
    ("--out", "{dir}/afile/run"),
    ("--out", "{dir}/notes"),
    ("--out", "{dir}/run"),
    ("--source", "nowhere"),
    ("--data", "{dir}/missing"),
)


@st.composite
def bad_options(draw: st.DrawFn) -> Case:
    """``critmin simulate`` of a tiny valid scenario on the tiny package, with one or
    two option values wrong."""
    chosen = draw(st.lists(st.sampled_from(BAD_OPTIONS), min_size=1, max_size=2, unique=True))
    args = ["simulate", "{dir}/s.yaml", "--data", "{tiny}"]
    names = []
    for option, value in chosen:
        args += [option, value]
        names.append(option)
    if not any(o == "--paths" for o, _ in chosen):
        args += ["--paths", "16"]
    if not any(o == "--out" for o, _ in chosen):
        args += ["--out", "{dir}/out"]
    scenario = copy.deepcopy(BASE)
    scenario["policies"] = {}
    files = [("s.yaml", yaml.safe_dump(scenario)), ("afile", "x"), ("notes/keep.txt", "x")]
    return Case(tuple(args), tuple(files), None, tuple(names))


#: (table file, text in the tiny package, what replaces it).
PACKAGE_DAMAGE: tuple[tuple[str, str, str], ...] = (
    ("production.csv", "gallium,refining,CHN,2023,98", "gallium,refining,CHN,2023,nan"),
    ("production.csv", "gallium,refining,CHN,2023,98", "gallium,refining,CHN,2023,-98"),
    ("production.csv", "gallium,refining,CHN,2023,98", "gallium,refining,CHN,2023,abc"),
    ("production.csv", "gallium,refining,CHN,2023,98", "gallium,smelting,CHN,2023,98"),
    ("production.csv", "gallium,refining,CHN,2023,98", "gallium,refining,XXX,2023,98"),
    ("production.csv", "gallium,refining,CHN,2023,98", "gallium,refining,CHN,1e9,98"),
    ("production.csv", "mineral,", "mineral_typo,"),
    ("prices.csv", "gallium,", "gallium,gallium,"),
    ("sources.csv", "source_id", "source"),
    ("datapackage.json", '"resources"', '"resourcez"'),
    ("datapackage.json", "{", "{{"),
    ("minerals.csv", "gallium", "Gallium Metal"),
    ("countries.csv", "CHN", "CHN\nCHN"),
)


@st.composite
def bad_packages(draw: st.DrawFn) -> Case:
    """A copy of the tiny package with one file damaged, checked by
    ``critmin data validate``."""
    file, old, new = draw(st.sampled_from(PACKAGE_DAMAGE))
    return Case(("data", "validate", "{dir}/pkg"), (), (file, old, new), (file,))


def bad_inputs() -> st.SearchStrategy[Case]:
    """Every kind of bad input."""
    return st.one_of(bad_scenarios(), bad_options(), bad_packages())


runner = CliRunner()


def run_case(case: Case, folder: Path) -> tuple[int, str]:
    """Write the case's files under ``folder`` and run it through the CLI in-process."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in case.files:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if case.package is not None:
        pkg = folder / "pkg"
        if pkg.exists():
            shutil.rmtree(pkg)
        shutil.copytree(TINY, pkg)
        file, old, new = case.package
        target = pkg / file
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    args = [a.replace("{dir}", str(folder)).replace("{tiny}", str(TINY)) for a in case.args]
    result = runner.invoke(app, args)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\nTraceback: {type(result.exception).__name__}: {result.exception}"
    return result.exit_code, output


def verdict(case: Case, code: int, output: str) -> str | None:
    """Why the outcome is wrong, or None: an exit code other than 0 and 2, a traceback,
    or a refusal whose message names none of the broken field's words."""
    if "Traceback" in output:
        return "traceback"
    if code not in (0, 2):
        return f"exit code {code}"
    if code == 2 and case.names:
        flat = " ".join(output.split())
        # an option may be named as the setting it sets: --keep-paths, keep_paths
        words = {w for n in case.names for w in (n, n.lstrip("-"), n.lstrip("-").replace("-", "_"))}
        if not any(word in flat for word in words):
            return f"the message names none of {list(case.names)}"
    return None
