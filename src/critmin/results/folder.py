"""A run's results: built from a run or read from a run folder; summarised; written.

A run folder holds ``summary.json``, ``scenario.yaml`` (the resolved scenario)
and ``results.nc`` (every variable of :data:`critmin.engine.outputs.OUTPUTS`),
plus the exports asked for (:class:`Export`). The dataset is enough to rebuild
the summary, the tables and the report. A folder is written atomically: into a
hidden temporary folder beside it, then renamed, so an interrupted run never
leaves a folder that looks complete, and an earlier run in the same place stays
whole until the new one is.
"""

from __future__ import annotations

import json
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
from critmin.results.exports import iamc_table, monthly_table
from critmin.results.summary import summary, summary_table
from critmin.scenario import dump_scenario

#: Files of a run folder.
SUMMARY_FILE = "summary.json"
SCENARIO_FILE = "scenario.yaml"
NETCDF_FILE = "results.nc"
RUN_HINT = "a folder written by 'critmin simulate --out'"


class Export(StrEnum):
    """Optional files of a run folder."""

    CSV = "csv"  # summary.csv and monthly.csv
    PARQUET = "parquet"  # summary.parquet and monthly.parquet
    IAMC = "iamc"  # iamc.csv, the IAMC long format


def is_run_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a complete run (its summary and its dataset)."""
    return (folder / SUMMARY_FILE).is_file() and (folder / NETCDF_FILE).is_file()


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
        """Label a run (:func:`critmin.simulate`)."""
        return cls(to_dataset(run), dump_scenario(run.model.scenario))

    @classmethod
    def from_folder(cls, folder: Path | str) -> Results:
        """Read a run folder back."""
        folder = Path(folder)
        if not folder.is_dir():
            raise CritminError("run folder not found", where=str(folder), allowed=RUN_HINT)
        missing = [f for f in (SUMMARY_FILE, NETCDF_FILE) if not (folder / f).is_file()]
        if missing:
            raise CritminError(
                "not a run folder: files missing",
                where=str(folder),
                given=", ".join(missing),
                allowed=RUN_HINT,
            )
        try:
            ds = xr.load_dataset(folder / NETCDF_FILE, engine="scipy")
        except (ValueError, OSError, TypeError, KeyError) as exc:
            raise CritminError(f"cannot read run folder: {exc}", where=str(folder)) from None
        scenario = folder / SCENARIO_FILE
        text = scenario.read_text(encoding="utf-8") if scenario.is_file() else None
        return cls(ds, text)

    @property
    def name(self) -> str:
        """The scenario's name."""
        return str(self.dataset.attrs["scenario"])

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
        """The monthly means and median prices in the IAMC long format."""
        return iamc_table(self.dataset, self.name)

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

    def to_folder(self, folder: Path | str, exports: Iterable[Export] = ()) -> Path:
        """Write a run folder atomically (see the module); return its path.

        An existing run folder there is replaced; any other non-empty folder is
        left alone and reported.
        """
        folder = Path(folder)
        if folder.exists():
            if not folder.is_dir() or (any(folder.iterdir()) and not is_run_folder(folder)):
                raise CritminError(
                    "the output folder exists and is not a run folder; nothing was written",
                    where=str(folder),
                    allowed="a new folder, an empty one, or an earlier run folder to replace",
                )
        folder.parent.mkdir(parents=True, exist_ok=True)
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
