"""Historical replays: simulated market responses against observed ones.

Each replay in ``scenarios/replay-*.yaml`` is run with a fixed, modest number
of paths and a fixed seed, and every observed figure of the dataset's
``observed_responses`` table (and the USGS annual prices of the ``prices``
table) that it can speak to is set beside the simulated figure for the same
calendar window. ``python -m critmin.validation docs/validation.md`` rewrites
the tables between the ``<!-- BEGIN generated:NAME -->`` and
``<!-- END generated:NAME -->`` markers of that file; a test checks that the
committed file is current.

What is compared
----------------
Month 0 of each replay is a calendar month (:data:`REPLAYS`); months before it
are the baseline (price ratio 1, baseline export volumes).

* ``price_outside`` and ``price_inside``: the median over paths of the price
  ratio of the allied segment (every buyer outside China, in the replays) or of
  the other segment (China alone), averaged over the months of the window and
  divided by the same over the base window.
* ``wedge``: the outside price over the inside price (a level, or its change).
* ``price_level``: the median price ratio times the scenario's baseline price
  [USD/kg], beside an observed level.
* ``exports``: China's exports of the mineral (final stage): its baseline
  deliveries to every consumer but itself, less the volume its restrictions
  withhold in the window's months (mean over paths, ``withheld_mean_t``), at
  baseline output.
* ``annual_price``: the calendar-year mean of the outside price against the
  previous year, beside the USGS annual average price change.

Agreement (:func:`agreement`) compares outcomes as ratios to "no change":
different directions (up, flat within 2 %, down) are a ``miss``; the same
direction within a factor of 1.5 (or within 10 percentage points) is ``close``;
otherwise ``direction``.

The modules: :mod:`~critmin.validation.checks` (the replays and comparisons),
:mod:`~critmin.validation.compare` (runs and side-by-side figures),
:mod:`~critmin.validation.calibrate` (one-parameter fits) and
:mod:`~critmin.validation.report` (the Markdown sections and the command).
"""

from __future__ import annotations

from critmin.validation.calibrate import (
    CALIBRATION_MARKET,
    DEFAULT_ELASTICITY,
    DEFAULT_HOME_SHARE,
    ELASTICITY_GRID,
    HOME_SHARE_GRID,
    HOME_SHARE_MARKET,
    PRICE_QUANTITIES,
    calibrate_demand_elasticity,
    calibration_target,
    fit_home_share,
    home_share_target,
)
from critmin.validation.checks import (
    CHECKS_FILE,
    CLOSE_FACTOR,
    FLAT_SHARE,
    IMPOSER,
    PATHS,
    REPLAYS,
    SCENARIO_DIR,
    SEED,
    Check,
    Quantity,
    Replay,
    Row,
    load_checks,
    month_index,
)
from critmin.validation.compare import (
    ReplayRun,
    agreement,
    baseline_exports_t,
    compare_replay,
    comparison_table,
    outcome,
    run_replay,
)
from critmin.validation.report import (
    calibration_markdown,
    home_share_markdown,
    main,
    markdown_table,
    render,
    sections,
    summary_markdown,
)

__all__ = [
    "CALIBRATION_MARKET",
    "CHECKS_FILE",
    "CLOSE_FACTOR",
    "Check",
    "DEFAULT_ELASTICITY",
    "DEFAULT_HOME_SHARE",
    "ELASTICITY_GRID",
    "FLAT_SHARE",
    "HOME_SHARE_GRID",
    "HOME_SHARE_MARKET",
    "IMPOSER",
    "PATHS",
    "PRICE_QUANTITIES",
    "Quantity",
    "REPLAYS",
    "Replay",
    "ReplayRun",
    "Row",
    "SCENARIO_DIR",
    "SEED",
    "agreement",
    "baseline_exports_t",
    "calibrate_demand_elasticity",
    "calibration_markdown",
    "calibration_target",
    "compare_replay",
    "comparison_table",
    "fit_home_share",
    "home_share_markdown",
    "home_share_target",
    "load_checks",
    "main",
    "markdown_table",
    "month_index",
    "outcome",
    "render",
    "run_replay",
    "sections",
    "summary_markdown",
]
