"""Results of a simulation: the labelled dataset, the summary, run folders and exports.

:func:`to_dataset` labels a run (:mod:`critmin.results.dataset`);
:func:`summary` condenses a dataset into headline figures
(:mod:`critmin.results.summary`); :class:`Results` reads and writes run folders
(:mod:`critmin.results.folder`), which ``critmin report`` and ``critmin
compare`` read back.
"""

from __future__ import annotations

from critmin.engine.outputs import CAUSES, WORLD
from critmin.results.dataset import to_dataset
from critmin.results.exports import iamc_table, monthly_table
from critmin.results.folder import (
    NETCDF_FILE,
    SCENARIO_FILE,
    SUMMARY_FILE,
    Export,
    Results,
    check_output_folder,
    check_run_folder,
    is_run_folder,
)
from critmin.results.summary import summary, summary_table

__all__ = [
    "CAUSES",
    "NETCDF_FILE",
    "SCENARIO_FILE",
    "SUMMARY_FILE",
    "WORLD",
    "Export",
    "Results",
    "iamc_table",
    "check_output_folder",
    "check_run_folder",
    "is_run_folder",
    "monthly_table",
    "summary",
    "summary_table",
    "to_dataset",
]
