"""Step 4 of the build: cross-check sources against each other and Table 5.

Every disagreement becomes a :class:`~critmin.world.ingest.common.Problem` in
the build report; nothing here changes the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from critmin.countries import ROW, WLD
from critmin.world.build_selection import Selection
from critmin.world.editions import edition_rank, series_of
from critmin.world.ingest.common import Problem, Severity
from critmin.world.schema import Stage


def _compare(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    label: str,
    rel_tol: float,
    problems: list[Problem],
    on: list[str],
) -> None:
    """Report rows of ``left`` and ``right`` that differ by more than ``rel_tol``."""
    merged = left.merge(right, on=on, suffixes=("_a", "_b"))
    if merged.empty:
        return
    a, b = merged["value_t_a"].astype(float), merged["value_t_b"].astype(float)
    denom = np.maximum(np.abs(a), np.abs(b))
    rel = np.where(denom > 0, np.abs(a - b) / np.where(denom > 0, denom, 1.0), 0.0)
    for row, r in zip(merged[rel > rel_tol].itertuples(), rel[rel > rel_tol], strict=False):
        where = " ".join(str(getattr(row, c)) for c in on)
        problems.append(
            Problem(
                file=label,
                why=(
                    f"{where}: {row.source_id_a} {row.value_t_a:,.1f} t vs "
                    f"{row.source_id_b} {row.value_t_b:,.1f} t ({r:.1%} apart)"
                ),
                severity=Severity.WARNING,
                check="cross-source",
            )
        )


def cross_check_series(selection: Selection, problems: list[Problem]) -> None:
    """Compare every other series with the primary one, where both cover the same thing.

    For each mineral and stage, the newest edition of each non-primary series
    is compared with the primary series year by year: country figures more
    than 10 % apart and world totals more than 5 % apart are reported
    (``check`` ``cross-source``).
    """
    series = selection.series.copy()
    series["series"] = series["source_id"].map(series_of)
    series["_edition"] = series["source_id"].map(edition_rank)
    key = ["mineral", "stage", "country", "year"]
    newest = series.sort_values("_edition").drop_duplicates([*key, "series"])
    primary = selection.precedence[["mineral", "stage", "primary_series"]]
    newest = newest.merge(primary, on=["mineral", "stage"], how="inner")
    main = newest[newest["series"] == newest["primary_series"]]
    other = newest[newest["series"] != newest["primary_series"]]
    cols = [*key, "value_t", "source_id"]
    for name in sorted(set(other["series"])):
        theirs = other[other["series"] == name]
        named = (main["country"] != ROW) & (main["country"] != WLD)
        mine = theirs["country"].isin([ROW, WLD])
        _compare(
            main.loc[named, cols],
            theirs.loc[~mine, cols],
            label=f"primary vs {name}",
            rel_tol=0.10,
            problems=problems,
            on=key,
        )
        _compare(
            main.loc[main["country"] == WLD, cols],
            theirs.loc[theirs["country"] == WLD, cols],
            label=f"primary vs {name} totals",
            rel_tol=0.05,
            problems=problems,
            on=key,
        )


#: Minerals whose USGS MCS 2024 Table 5 figure is metal (refining-stage) output.
T5_REFINING = frozenset({"gallium", "indium", "magnesium", "titanium"})


def cross_check_leading_producers(
    t5: pd.DataFrame, production: pd.DataFrame, totals: pd.DataFrame, problems: list[Problem]
) -> None:
    """Compare computed leading-producer shares with USGS MCS 2024 Table 5.

    Table 5 prints whole percentages, so a computed 2023 share within 0.5
    percentage points agrees. The stage compared is refining for the minerals
    in :data:`T5_REFINING` (Table 5 reports their metal output) and mining
    for the rest.
    """
    for row in t5.to_dict(orient="records"):
        mineral = str(row["mineral"])
        stage = Stage.REFINING if mineral in T5_REFINING else Stage.MINING
        tot = totals[
            (totals["mineral"] == mineral) & (totals["stage"] == stage) & (totals["year"] == 2023)
        ]
        if tot.empty:
            problems.append(
                Problem(
                    "MCS2024 T5",
                    f"{mineral} {stage}: no 2023 production to compare",
                    severity=Severity.INFO,
                    check="leading-producers",
                )
            )
            continue
        rows = production[
            (production["mineral"] == mineral)
            & (production["stage"] == stage)
            & (production["year"] == 2023)
            & (production["country"] == row["leading_country"])
        ]
        share = float(rows["value_t"].sum()) / float(tot["world_total_t"].iloc[0])
        published = float(row["leading_share"])
        ok = abs(share - published) <= 0.005 + 1e-9
        problems.append(
            Problem(
                "MCS2024 T5",
                (
                    f"{mineral} {stage} 2023: {row['leading_country']} share {share:.3f} vs "
                    f"published {published:.2f}" + ("" if ok else " (disagrees)")
                ),
                severity=Severity.INFO if ok else Severity.WARNING,
                check="leading-producers",
            )
        )
