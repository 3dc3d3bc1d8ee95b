"""A run's results: built from a run or read from a run folder; summarised; written.

A run folder holds ``summary.json``, ``scenario.yaml`` (the resolved scenario)
and ``results.nc`` (every variable of :data:`critmin.engine.outputs.OUTPUTS`),
plus the exports asked for (:class:`Export`). The dataset is enough to rebuild
the summary, the tables and the report. A folder is written atomically: into a
hidden temporary folder beside it, then renamed, so an interrupted run never
leaves a folder that looks complete, and an earlier run in the same place stays
whole until the new one is. Its ``manifest.json``, written last, lists every
file with its size and SHA-256, the scenario, the seed and critmin's version;
reading a folder back (:meth:`Results.from_folder`, and so ``critmin report``
and ``critmin compare``) checks it first (:func:`check_run_folder`) and refuses
a folder that is incomplete or altered. Files added later (``report.html``) are
not in the manifest and do not matter.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from critmin.engine.run import RunOutput
from critmin.errors import CritminError
from critmin.results.dataset import to_dataset
from critmin.results.exports import (
    START_ATTR,
    check_start_month,
    iamc_table,
    minerals_table,
    monthly_table,
    prices_table,
    reserve_costs_table,
    reserve_effect_table,
    reserves_table,
    run_table,
    write_workbook,
)
from critmin.results.summary import summary, summary_table
from critmin.scenario import dump_scenario

#: Files of a run folder.
SUMMARY_FILE = "summary.json"
SCENARIO_FILE = "scenario.yaml"
NETCDF_FILE = "results.nc"
MANIFEST_FILE = "manifest.json"
WORKBOOK_FILE = "results.xlsx"
#: What a manifest says it is (its ``format``); bumped if its layout changes.
MANIFEST_FORMAT = "critmin-run-folder/1"
RUN_HINT = "a folder written by 'critmin simulate --out'"
#: Said when a folder cannot be trusted: how to get a good one.
RERUN_HINT = "a run folder written whole by 'critmin simulate --out'; run it again"


class Export(StrEnum):
    """Optional files of a run folder."""

    CSV = "csv"  # summary.csv and monthly.csv
    PARQUET = "parquet"  # summary.parquet and monthly.parquet
    IAMC = "iamc"  # iamc.csv, the IAMC long format
    XLSX = "xlsx"  # results.xlsx: the tables as an Excel workbook, with a glossary


def is_run_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a run, complete or not (a manifest, or the summary and
    dataset every run folder has): what ``--overwrite`` may replace."""
    if (folder / MANIFEST_FILE).is_file():
        return True
    return (folder / SUMMARY_FILE).is_file() and (folder / NETCDF_FILE).is_file()


def _digest(path: Path) -> dict[str, Any]:
    """Size [bytes] and SHA-256 of a file, read in 1 MiB pieces."""
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        for piece in iter(lambda: stream.read(1 << 20), b""):
            sha.update(piece)
    return {"bytes": path.stat().st_size, "sha256": sha.hexdigest()}


def write_manifest(folder: Path, attrs: dict[str, Any]) -> Path:
    """List every file of ``folder`` (its size and SHA-256) with the run's scenario,
    seed, paths and critmin version (from the dataset's ``attrs``) in
    ``manifest.json``, written last."""
    files = {
        p.name: _digest(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST_FILE
    }
    manifest = {
        "format": MANIFEST_FORMAT,
        "scenario": str(attrs.get("scenario", "")),
        "seed": int(attrs.get("seed", 0)),
        "paths": int(attrs.get("paths", 0)),
        "critmin_version": str(attrs.get("critmin_version", "")),
        "files": files,
    }
    path = folder / MANIFEST_FILE
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


def check_run_folder(folder: Path | str) -> dict[str, Any]:
    """The manifest of a complete, unaltered run folder; a :class:`CritminError` naming
    what is wrong otherwise (no folder, no or unreadable manifest, a file missing,
    truncated or changed since the run wrote it)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CritminError("run folder not found", where=str(folder), allowed=RUN_HINT)
    path = folder / MANIFEST_FILE
    if not path.is_file():
        raise CritminError(
            f"not a complete run folder: {MANIFEST_FILE} is missing (a run that was "
            "interrupted, or written by a critmin before 0.2)",
            where=str(folder),
            allowed=RERUN_HINT,
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        ok = manifest["format"] == MANIFEST_FORMAT and isinstance(files, dict)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        ok = False
    if not ok:
        raise CritminError(
            f"{MANIFEST_FILE} is not a critmin run manifest ({MANIFEST_FORMAT})",
            where=str(path),
            allowed=RERUN_HINT,
        )
    missing = [f for f in (SUMMARY_FILE, NETCDF_FILE) if f not in files]
    if missing:
        raise CritminError(
            f"{MANIFEST_FILE} does not list the files every run has",
            where=str(path),
            given=", ".join(missing),
            allowed=RERUN_HINT,
        )
    for name, expected in files.items():
        file = folder / str(name)
        if not file.is_file():
            raise CritminError(
                "incomplete run folder: a file its manifest lists is missing",
                where=str(folder),
                given=str(name),
                allowed=RERUN_HINT,
            )
        actual = _digest(file)
        if actual != expected:
            what = "truncated or changed" if actual["bytes"] != expected.get("bytes") else "changed"
            raise CritminError(
                f"altered run folder: {name} was {what} after the run wrote it "
                f"({actual['bytes']} bytes, sha256 {actual['sha256'][:12]}...; the manifest "
                f"says {expected.get('bytes')} bytes, {str(expected.get('sha256'))[:12]}...)",
                where=str(folder),
                given=str(name),
                allowed=RERUN_HINT,
            )
    return dict(manifest)


class Results:
    """The labelled results of one run.

    Parameters
    ----------
    dataset
        The run's dataset (:func:`critmin.results.to_dataset`).
    scenario_yaml
        The resolved scenario, as YAML, if known.
    """

    def __init__(self, dataset: xr.Dataset, scenario_yaml: str | None = None) -> None:
        self.dataset = dataset
        self.scenario_yaml = scenario_yaml
        self._summary: dict[str, Any] | None = None

    @classmethod
    def from_run(cls, run: RunOutput) -> Results:
        """Label a run (:func:`critmin.simulate`); the scenario's ``calendar_start``
        dates its months (:attr:`start_month`)."""
        results = cls(to_dataset(run), dump_scenario(run.model.scenario))
        results.start_month = run.model.scenario.calendar_start
        return results

    @classmethod
    def from_folder(cls, folder: Path | str) -> Results:
        """Read a run folder back, once :func:`check_run_folder` has found it complete
        and unaltered."""
        folder = Path(folder)
        manifest = check_run_folder(folder)
        try:
            ds = xr.load_dataset(folder / NETCDF_FILE, engine="scipy")
        except (ValueError, OSError, TypeError, KeyError) as exc:
            raise CritminError(f"cannot read run folder: {exc}", where=str(folder)) from None
        if str(ds.attrs.get("scenario")) != str(manifest.get("scenario")):
            raise CritminError(
                "the run folder's results.nc belongs to another scenario than its manifest",
                where=str(folder),
                given=f"{ds.attrs.get('scenario')} (results.nc), {manifest.get('scenario')} "
                "(manifest.json)",
                allowed=RERUN_HINT,
            )
        scenario = folder / SCENARIO_FILE
        text = scenario.read_text(encoding="utf-8") if scenario.is_file() else None
        return cls(ds, text)

    @property
    def name(self) -> str:
        """The scenario's name."""
        return str(self.dataset.attrs["scenario"])

    @property
    def start_month(self) -> str | None:
        """The calendar month of month 0 (``YYYY-MM``), if one was given; the IAMC
        table dates its months from it (:func:`critmin.results.iamc_table`)."""
        value = self.dataset.attrs.get(START_ATTR)
        return str(value) if value else None

    @start_month.setter
    def start_month(self, value: str | None) -> None:
        if value is None:
            self.dataset.attrs.pop(START_ATTR, None)
        else:
            self.dataset.attrs[START_ATTR] = check_start_month(value)

    @staticmethod
    def check_start_month(text: str, *, where: str = START_ATTR) -> str:
        """``text`` if it is a calendar month ``YYYY-MM``, else a :class:`CritminError`."""
        return check_start_month(text, where=where)

    def summary(self) -> dict[str, Any]:
        """Headline figures per mineral, consumer and reserve (``summary.json``)."""
        if self._summary is None:
            try:
                self._summary = summary(self.dataset)
            except KeyError as exc:
                raise CritminError(
                    "the run's results.nc lacks what the summary needs (written by another "
                    "critmin version?); run 'critmin simulate' again",
                    given=str(exc),
                ) from None
        return self._summary

    def table(self) -> pd.DataFrame:
        """The summary as one row per mineral and consumer (WORLD last per mineral)."""
        return summary_table(self.summary())

    def monthly(self) -> pd.DataFrame:
        """Mean demand, consumption and unmet demand per mineral, consumer and month."""
        return monthly_table(self.dataset)

    def iamc(self) -> pd.DataFrame:
        """The monthly means and median prices in the IAMC long format, dated from
        :attr:`start_month` (or a nominal calendar, see :mod:`critmin.results.exports`)."""
        return iamc_table(self.dataset, self.name)

    def sheets(self) -> dict[str, pd.DataFrame]:
        """The tables of ``results.xlsx``, by sheet: the summary, the minerals, the
        monthly means, the monthly price quantiles, the reserves (if the run has
        them) and the run; :func:`critmin.results.exports.write_workbook` adds the
        glossary."""
        result = self.summary()
        sheets = {
            "summary": self.table(),
            "minerals": minerals_table(result),
            "monthly": self.monthly(),
            "prices": prices_table(self.dataset),
        }
        reserves = reserves_table(result)
        if len(reserves):
            sheets["reserves"] = reserves
            sheets["reserve costs"] = reserve_costs_table(result)
            effect = reserve_effect_table(result)
            if len(effect):
                sheets["reserve effect"] = effect
        sheets["run"] = run_table(result, self.dataset)
        return sheets

    def write(self, folder: Path, exports: Iterable[Export] = ()) -> None:
        """Write the run's files into an existing, empty ``folder``."""
        (folder / SUMMARY_FILE).write_text(
            json.dumps(self.summary(), indent=2) + "\n", encoding="utf-8"
        )
        if self.scenario_yaml is not None:
            (folder / SCENARIO_FILE).write_text(self.scenario_yaml, encoding="utf-8")
        self.dataset.to_netcdf(folder / NETCDF_FILE, engine="scipy")
        wanted = set(exports)
        if wanted & {Export.CSV, Export.PARQUET}:
            table, monthly = self.table(), self.monthly()
            if Export.CSV in wanted:
                table.to_csv(folder / "summary.csv", index=False)
                monthly.to_csv(folder / "monthly.csv", index=False)
            if Export.PARQUET in wanted:
                table.to_parquet(folder / "summary.parquet", index=False)
                monthly.to_parquet(folder / "monthly.parquet", index=False)
        if Export.IAMC in wanted:
            self.iamc().to_csv(folder / "iamc.csv", index=False)
        if Export.XLSX in wanted:
            write_workbook(folder / WORKBOOK_FILE, self.sheets())
        write_manifest(folder, dict(self.dataset.attrs))

    def to_folder(
        self, folder: Path | str, exports: Iterable[Export] = (), *, overwrite: bool = False
    ) -> Path:
        """Write a run folder atomically (see the module); return its path.

        An earlier run folder there is replaced as a whole when ``overwrite``,
        else refused; any other non-empty folder, or a file, is refused
        (:func:`check_output_folder`).
        """
        folder = Path(folder)
        check_output_folder(folder, overwrite=overwrite)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
        try:
            self.write(tmp, exports)
            if folder.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
                folder.replace(old / folder.name)
                tmp.replace(folder)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.replace(folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return folder


def check_output_folder(
    folder: Path, *, overwrite: bool = False, option: str | None = None
) -> None:
    """Refuse, before any work, an output folder a run cannot be written to.

    Allowed: a new folder (its parent created if need be, and writable), an empty
    one, or an earlier run folder with ``overwrite``. Refused: an existing file,
    a folder holding anything else, a run folder without ``overwrite``, a parent
    that is a file or cannot be written. ``option`` (``--out``) names the setting
    in the messages.
    """
    where = f"{option} {folder}" if option else str(folder)
    hint = "a new or empty folder, or an earlier run folder with --overwrite"
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise CritminError(
                "the output path is an existing file, not a folder; nothing was written",
                where=where,
                allowed=hint,
            )
        if any(folder.iterdir()):
            if not is_run_folder(folder):
                raise CritminError(
                    "the output folder exists and holds files that are not a run; "
                    "nothing was written",
                    where=where,
                    allowed=hint,
                )
            if not overwrite:
                raise CritminError(
                    "the output folder already holds a run; nothing was written",
                    where=where,
                    allowed="--overwrite to replace it as a whole, or another folder",
                )
    parent = folder.parent
    ancestor = parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise CritminError(
            "the output folder cannot be created: its parent is not a writable folder",
            where=where,
            given=str(ancestor),
            allowed="a folder you can write to",
        )
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CritminError(
            f"the output folder cannot be created: {exc.strerror or exc}",
            where=where,
            allowed="a folder you can write to",
        ) from None
