"""Where the dataset's figures come from: the sources behind a mineral, and its series.

:func:`sources_for` answers "which sources does this mineral's data cite, and
which production series is primary at each stage?" (``critmin data sources
MINERAL``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from critmin.world.load import World


@dataclass(frozen=True)
class Provenance:
    """The sources behind some of the dataset, and the production series used.

    ``sources``: rows of the ``sources`` table. ``series``: for each stage of
    the mineral, the primary production series, the rule that chose it, the
    years it covers and the other series (empty without a mineral).
    """

    sources: pd.DataFrame
    series: pd.DataFrame


def _cited(world: World, mineral: str) -> set[str]:
    """Source ids cited by any row about ``mineral``."""
    used: set[str] = set()
    for name, frame in world.tables.items():
        if "mineral" in frame.columns and "source_id" in frame.columns:
            used |= set(frame.loc[frame["mineral"] == mineral, "source_id"])
        if name == "policy_instruments":
            has = frame["minerals"].str.split(";").apply(lambda ms: mineral in ms)
            used |= set(frame.loc[has, "source_id"])
        if name == "hs_codes":
            used |= set(frame.loc[frame["mineral"] == mineral, "factor_source_id"])
    minerals = world.minerals
    used |= set(minerals.loc[minerals["mineral"] == mineral, "eol_rir_source_id"])
    return used


def sources_for(world: World, mineral: str | None = None) -> Provenance:
    """The sources behind the dataset, or behind one mineral's figures.

    With ``mineral``: only the sources its rows cite, and for each stage the
    primary production series (or the series chosen with
    :meth:`World.with_source`, where it covers the mineral).

    Raises
    ------
    CritminError
        If the mineral is unknown.
    """
    if mineral is None:
        return Provenance(world.sources.copy(), world.source_precedence.iloc[0:0].copy())
    world.check_mineral(mineral, where="mineral")
    sources = world.sources[world.sources["source_id"].isin(_cited(world, mineral))]
    precedence = world.source_precedence
    precedence = precedence[precedence["mineral"] == mineral]
    chosen = world.source
    if chosen:
        names = world.series_names(mineral)
        precedence = precedence.assign(
            primary_series=[chosen if chosen in names else p for p in precedence["primary_series"]],
            rule=f"--source {chosen}",
        )
    return Provenance(sources.reset_index(drop=True), precedence.reset_index(drop=True))
