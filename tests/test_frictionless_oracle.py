"""The data package against Frictionless Data's own validator (frictionless-py), used
as an oracle: the shipped package passes it, and on a damaged copy it and critmin's
checks both find the damage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

frictionless = pytest.importorskip("frictionless", reason="the test extra installs it")

from critmin.world import checks  # noqa: E402
from critmin.world.load import default_path  # noqa: E402

# frictionless-py leaves the files it reads open for the garbage collector to close
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def test_the_shipped_package_passes_frictionless_validation() -> None:
    report = frictionless.validate(str(default_path() / "datapackage.json"))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "note"])[:10]
    assert report.stats["tasks"] == len(
        frictionless.Package(str(default_path() / "datapackage.json")).resources
    )


def test_frictionless_and_critmin_find_the_same_bad_cell(tmp_path: Path, test_data: Path) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(test_data / "tiny", package)
    assert frictionless.validate(str(package / "datapackage.json")).valid
    path = package / "production.csv"
    text = path.read_text(encoding="utf-8")
    assert "gallium,refining,CHN,2023,98" in text
    path.write_text(text.replace("gallium,refining,CHN,2023,98", "gallium,refining,CHN,2023,abc"))
    report = frictionless.validate(str(package / "datapackage.json"))
    assert not report.valid
    theirs = [(task.name, e.field_name, e.type) for task in report.tasks for e in task.errors]
    assert theirs == [("production", "value_t", "type-error")]
    ours = [f for f in checks.errors(checks.check_package(package)[1]) if f.table == "production"]
    assert [f.column for f in ours] == ["value_t"]
