"""Fitting one market parameter on one observation: the demand elasticity (an
experiment) and the share of withheld volume kept at home (its default)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from critmin.errors import CritminError
from critmin.scenario import Market
from critmin.validation.checks import (
    REPLAYS,
    SCENARIO_DIR,
    Check,
)
from critmin.validation.compare import (
    _observed,
    _simulated,
    outcome,
    run_replay,
)
from critmin.world.load import World

#: The documented default short-run demand elasticity, used by every replay [-].
DEFAULT_ELASTICITY = float(Market.model_fields["demand_elasticity"].default)
#: Demand elasticities tried by the calibration experiment [-].
ELASTICITY_GRID: tuple[float, ...] = (-0.2, -0.3, -0.5, -0.7, -1.0, -1.5, -2.0)
#: Observed market of the calibration experiment's target.
CALIBRATION_MARKET = "gallium 99.99%, in-whs Rotterdam (Fastmarkets)"
#: Shares of withheld volume offered at home tried when setting its default [-].
HOME_SHARE_GRID: tuple[float, ...] = tuple(i / 20 for i in range(21))
#: Observed market the default ``withheld_home_share`` is set on (a ``price_inside``
#: comparison marked as calibration in :data:`CHECKS_FILE`).
HOME_SHARE_MARKET = "antimony, China domestic (Argus)"
#: The documented default share of withheld volume offered at home [-].
DEFAULT_HOME_SHARE = float(Market.model_fields["withheld_home_share"].default)
#: Quantities compared again with the calibrated elasticity (the elasticity
#: does not change the volumes China withholds).
PRICE_QUANTITIES: tuple[str, ...] = ("price_outside", "price_inside", "wedge", "price_level")


def _find(checks: tuple[Check, ...], market: str, quantity: str, what: str) -> Check:
    """The comparison of ``quantity`` against the observed ``market``."""
    for c in checks:
        if c.rows and c.rows[0].market == market and c.quantity == quantity:
            return c
    raise CritminError(f"the {what} is not among the checks", allowed=market)


def calibration_target(checks: tuple[Check, ...]) -> Check:
    """The observation the calibration experiment fits: Rotterdam gallium, end-2023."""
    return _find(checks, CALIBRATION_MARKET, "price_outside", "calibration target")


def calibrate_demand_elasticity(
    world: World, checks: tuple[Check, ...], scenario_dir: Path = SCENARIO_DIR
) -> tuple[float, pd.DataFrame]:
    """Fit the demand elasticity on one observation, over :data:`ELASTICITY_GRID`.

    The target is :func:`calibration_target`; the best value minimises the
    absolute log ratio of simulated to observed outcome. The elasticity stands
    in for what the model lacks (stocks outside consumers, substitution,
    recycling); the point is whether one value fitted on one event carries over.

    Parameters
    ----------
    world
        The dataset.
    checks
        The comparisons (:func:`load_checks`), which hold the target.
    scenario_dir
        Folder of the replay scenario files.

    Returns
    -------
    tuple
        The best elasticity [-] and the grid: elasticity, observed and simulated
        change, absolute log error.
    """
    return _fit(world, calibration_target(checks), "demand_elasticity", ELASTICITY_GRID,
                scenario_dir, column="elasticity")  # fmt: skip


def home_share_target(checks: tuple[Check, ...]) -> Check:
    """The observation the default ``withheld_home_share`` is set on: antimony in China."""
    return _find(checks, HOME_SHARE_MARKET, "price_inside", "home-share target")


def fit_home_share(
    world: World, checks: tuple[Check, ...], scenario_dir: Path = SCENARIO_DIR
) -> tuple[float, pd.DataFrame]:
    """The share of withheld volume offered at home that best reproduces one observation.

    Over :data:`HOME_SHARE_GRID`, the replay of :func:`home_share_target` is run
    and the simulated change of China's price compared with the observed one
    (absolute log ratio of outcomes); the best value is the documented default
    (a test holds them equal).

    Returns
    -------
    tuple
        The best share [-] and the grid: share, observed and simulated change,
        absolute log error.
    """
    return _fit(world, home_share_target(checks), "withheld_home_share", HOME_SHARE_GRID,
                scenario_dir, column="share")  # fmt: skip


def _fit(
    world: World,
    target: Check,
    parameter: str,
    grid: tuple[float, ...],
    scenario_dir: Path,
    *,
    column: str,
) -> tuple[float, pd.DataFrame]:
    """Run ``target``'s replay with each value of ``grid`` for the market ``parameter``.

    Returns the value with the least absolute log ratio of simulated to observed
    outcome (NaN when every value gives the same outcome: not identified), and
    the grid (``column``, observed, simulated, error).
    """
    replay = next(r for r in REPLAYS if r.scenario == target.replay)
    observed, kind, _ = _observed(target, world)
    rows = []
    for value in grid:
        run = run_replay(replay, world, scenario_dir, market={parameter: value})
        simulated, _, _ = _simulated(target, run, kind)
        error = abs(math.log(outcome(simulated, kind) / outcome(observed, kind)))
        rows.append({column: value, "observed": observed, "simulated": simulated, "error": error})
    table = pd.DataFrame(rows)
    errors = table["error"].to_numpy()
    if np.ptp(errors) <= 1e-12:
        # every value gives the same outcome: the observation does not identify it
        return float("nan"), table
    return float(table[column].iloc[int(errors.argmin())]), table
