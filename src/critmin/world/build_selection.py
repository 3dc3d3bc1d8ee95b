"""Steps 2 and 3 of the build: choose one source per series, then set world totals.

Also holds the precedence of sources (:func:`source_rank`) and the series
never compared with a stage's main one (:data:`NOT_COMPARABLE`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from critmin.world import checks
from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.ingest.registry import MINERALS_BY_ID
from critmin.world.schema import TABLES_BY_NAME, Stage, TotalKind

#: Minerals whose refining stage comes from the IEA Critical Minerals Data Explorer.
IEA_REFINING = frozenset({"copper", "cobalt", "lithium", "nickel", "graphite", "rare-earths"})


def source_rank(mineral: str, stage: str, source_id: str) -> int:
    """Precedence of a source for a mineral and stage (lower wins).

    Refining of copper, cobalt, lithium, nickel, graphite and rare earths comes
    first from the IEA (2025 edition, then 2024), then USGS. Everything else
    comes first from the latest USGS MCS edition, then the earlier edition,
    then World Mining Data, then the IEA.
    """
    if stage == Stage.REFINING and mineral in IEA_REFINING:
        order = [
            "iea-cmde-2025",
            "iea-cmde-2024",
            "usgs-mcs-2024-world",
            "usgs-mcs-2023-world",
            "wmd-2024",
        ]
    else:
        order = [
            "usgs-mcs-2024-world",
            "usgs-mcs-2023-world",
            "wmd-2024",
            "iea-cmde-2025",
            "iea-cmde-2024",
        ]
    return order.index(source_id) if source_id in order else len(order)


def _frame(result: IngestResult, table: str) -> pd.DataFrame:
    columns = TABLES_BY_NAME[table].columns
    frame = result.tables.get(table)
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.copy()
    for col in columns:
        if col not in frame.columns:
            frame[col] = np.nan
    return frame


#: Source series that do not measure the same thing as the stage's main series
#: and so are never used for it (nor compared with it).
NOT_COMPARABLE: dict[tuple[str, str, str], str] = {
    ("rare-earths", "mining", "iea-cmde-2024"): (
        "IEA mining covers magnet rare-earth elements only, USGS total rare-earth oxide"
    ),
    ("rare-earths", "mining", "iea-cmde-2025"): (
        "IEA mining covers magnet rare-earth elements only, USGS total rare-earth oxide"
    ),
}


def _per_series(frame: pd.DataFrame, func: Callable[[str, str, str], Any]) -> list[Any]:
    """``func(mineral, stage, source_id)`` for every row of ``frame``."""
    return [
        func(str(m), str(s), str(src))
        for m, s, src in zip(frame["mineral"], frame["stage"], frame["source_id"], strict=True)
    ]


def comparable(mineral: str, stage: str, source_id: str) -> bool:
    """False for series listed in :data:`NOT_COMPARABLE`."""
    return (mineral, stage, source_id) not in NOT_COMPARABLE


def world_totals(totals: pd.DataFrame) -> pd.DataFrame:
    """Set ``world_total_t`` and ``total_kind`` from the published total and the rows.

    The published total is the denominator whenever the rows agree with it
    within its rounding (:func:`critmin.world.checks.rounding_tolerance_t`):
    this reproduces the shares the sources themselves publish (USGS computes
    leading-producer shares over its rounded world total). Where no total is
    published, or the rows exceed it by more than its rounding, the sum of the
    rows is used instead and the note says so.
    """
    totals = totals.copy()
    published = pd.to_numeric(totals["published_total_t"], errors="coerce")
    rows_sum = totals["rows_sum_t"].astype(float)
    tolerance = published.fillna(0.0).map(checks.rounding_tolerance_t)
    use_published = published.notna() & (rows_sum <= published.fillna(0.0) + tolerance)
    totals["world_total_t"] = np.where(use_published, published.fillna(0.0), rows_sum)
    rounded = totals["source_id"].str.startswith("usgs")
    totals["total_kind"] = np.where(
        use_published,
        np.where(rounded, TotalKind.PUBLISHED_ROUNDED.value, TotalKind.PUBLISHED.value),
        TotalKind.SUM_OF_ROWS.value,
    )
    note = totals["note"].fillna("").astype(str)
    exceeds = published.notna() & ~use_published
    totals["note"] = np.where(
        exceeds,
        (
            note + " Country rows exceed the published total by more than its rounding; "
            "the sum of the rows is used."
        ).str.strip(),
        np.where(
            published.isna(), (note + " No published total; sum of the rows.").str.strip(), note
        ),
    )
    return totals


def select_production(
    result: IngestResult, problems: list[Problem]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Choose one source per mineral, stage and year; return production and totals.

    A source is eligible for a (mineral, stage, year) if it has rows or a
    published total there and is not listed in :data:`NOT_COMPARABLE`. Among
    eligible sources the one with the lowest :func:`source_rank` wins, and
    all of that year's rows come from it (rows are never mixed across sources
    within one year, which would double-count countries that one source lists
    under "other countries").
    """
    prod = _frame(result, "production")
    totals = _frame(result, "production_totals")
    prod = prod[prod["mineral"].isin(MINERALS_BY_ID)]
    totals = totals[totals["mineral"].isin(MINERALS_BY_ID)]
    keys = pd.concat(
        [
            prod[["mineral", "stage", "year", "source_id"]],
            totals[["mineral", "stage", "year", "source_id"]],
        ]
    ).drop_duplicates()
    keys["rank"] = [
        source_rank(m, s, src)
        for m, s, src in zip(keys.mineral, keys.stage, keys.source_id, strict=False)
    ]
    keys["ok"] = [
        comparable(m, s, src)
        for m, s, src in zip(keys.mineral, keys.stage, keys.source_id, strict=False)
    ]
    for row in keys[~keys["ok"]].drop_duplicates(["mineral", "stage", "source_id"]).itertuples():
        problems.append(
            Problem(
                file=str(row.source_id),
                why=(
                    f"{row.mineral} {row.stage} not used: "
                    f"{NOT_COMPARABLE[(str(row.mineral), str(row.stage), str(row.source_id))]}"
                ),
                severity=Severity.INFO,
                check="select",
            )
        )
    chosen = (
        keys[keys["ok"]]
        .sort_values(["mineral", "stage", "year", "rank"])
        .drop_duplicates(["mineral", "stage", "year"])[["mineral", "stage", "year", "source_id"]]
    )
    on = ["mineral", "stage", "year", "source_id"]
    prod = prod.merge(chosen, on=on, how="inner")
    totals = totals.drop(columns=["world_total_t", "rows_sum_t", "total_kind"], errors="ignore")
    totals = totals.merge(chosen, on=on, how="right")
    rows_sum = prod.groupby(["mineral", "stage", "year"])["value_t"].sum()
    totals["rows_sum_t"] = [
        float(rows_sum.get((m, s, y), 0.0))
        for m, s, y in zip(totals.mineral, totals.stage, totals.year, strict=False)
    ]
    return prod, world_totals(totals)
