"""Steps 2 and 3 of the build: choose one source per series, then set world totals.

Also holds the series (:data:`SERIES`), their precedence (:func:`series_order`)
and the series never compared with a stage's main one (:data:`NOT_COMPARABLE`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from critmin.countries import WLD
from critmin.world import checks
from critmin.world.editions import edition_rank, series_of
from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.ingest.registry import MINERALS_BY_ID
from critmin.world.schema import TABLES_BY_NAME, Stage, TotalKind

#: Minerals whose refining stage comes from the IEA Critical Minerals Data Explorer.
IEA_REFINING = frozenset({"copper", "cobalt", "lithium", "nickel", "graphite", "rare-earths"})


def series_order(mineral: str, stage: str) -> list[str]:
    """The precedence of series for a mineral and stage (first with data is primary).

    Refining of copper, cobalt, lithium, nickel, graphite and rare earths: the
    IEA Critical Minerals Data Explorer, then USGS MCS, then World Mining Data
    (the IEA is the only source of refined output by country for these). Every
    other mineral and stage: World Mining Data, then USGS MCS, then the IEA
    (WMD is the one source with every year from 2018 to 2024 for every mineral
    it covers, and the production input of the GeoPolRisk method).

    >>> series_order("cobalt", "refining")
    ['iea-cmde', 'usgs-mcs', 'wmd']
    >>> series_order("cobalt", "mining")
    ['wmd', 'usgs-mcs', 'iea-cmde']
    """
    if stage == Stage.REFINING and mineral in IEA_REFINING:
        return ["iea-cmde", "usgs-mcs", "wmd"]
    return ["wmd", "usgs-mcs", "iea-cmde"]


def series_rule(mineral: str, stage: str) -> str:
    """The precedence rule of :func:`series_order` in words."""
    order = " > ".join(series_order(mineral, stage))
    if stage == Stage.REFINING and mineral in IEA_REFINING:
        why = "the IEA is the only source of refined output by country for this mineral"
    else:
        why = "World Mining Data covers every year 2018-2024 for every mineral it has"
    return (
        f"first series with data in the order {order} ({why}); every year from that "
        "series only, newest edition first; other series are cross-checks"
    )


def source_rank(mineral: str, stage: str, source_id: str) -> int:
    """Precedence of a source for a mineral and stage (lower wins).

    Series by :func:`series_order`, then editions within a series, newest first.
    """
    order = series_order(mineral, stage)
    series = series_of(source_id)
    position = order.index(series) if series in order else len(order)
    return position * 10 + edition_rank(source_id)


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


def _chosen_keys(result: IngestResult, problems: list[Problem]) -> pd.DataFrame:
    """Every comparable (mineral, stage, year, source_id) with data, ranked.

    Columns: mineral, stage, year, source_id, series, rank, primary (the key
    belongs to the mineral-stage's primary series) and chosen (the newest
    edition of the primary series for that year).
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
    ok = pd.Series(_per_series(keys, comparable), index=keys.index, dtype=bool)
    for row in keys[~ok].drop_duplicates(["mineral", "stage", "source_id"]).itertuples():
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
    keys = keys[ok].copy()
    keys["series"] = keys["source_id"].map(series_of)
    keys["rank"] = _per_series(keys, source_rank)
    keys["series_rank"] = keys["rank"] // 10
    best = keys.groupby(["mineral", "stage"])["series_rank"].transform("min")
    keys["primary"] = keys["series_rank"] == best
    first = (
        keys[keys["primary"]]
        .sort_values(["mineral", "stage", "year", "rank"])
        .drop_duplicates(["mineral", "stage", "year"])
    )
    keys["chosen"] = keys.index.isin(first.index)
    return keys.drop(columns="series_rank")


@dataclass(frozen=True)
class Selection:
    """What :func:`select_production` chose.

    Attributes
    ----------
    production, totals
        The primary series' rows and world totals (tables ``production`` and
        ``production_totals``).
    series
        ``production_series``: every eligible source's rows plus a ``WLD`` row
        holding its world total.
    precedence
        ``source_precedence``: the primary series of each mineral and stage.
    """

    production: pd.DataFrame
    totals: pd.DataFrame
    series: pd.DataFrame
    precedence: pd.DataFrame


def select_production(result: IngestResult, problems: list[Problem]) -> Selection:
    """Choose one series per mineral and stage (see :class:`Selection`).

    A source is eligible for a mineral and stage if it has rows or a published
    total there and is not listed in :data:`NOT_COMPARABLE`. The primary series
    is the first of :func:`series_order` that has any eligible source; every
    year of the stage comes from it (its newest edition with that year), and
    a year the primary series lacks stays empty rather than being filled from
    another series: no series silently changes source between years. Rows are
    never mixed across sources within one year, which would double-count
    countries that one source lists under "other countries".
    """
    keys = _chosen_keys(result, problems)
    prod = _frame(result, "production")
    totals = _frame(result, "production_totals")
    on = ["mineral", "stage", "year", "source_id"]
    every = keys[on]
    all_rows = prod.merge(every, on=on, how="inner")
    all_totals = totals.drop(columns=["world_total_t", "rows_sum_t", "total_kind"], errors="ignore")
    all_totals = all_totals.merge(every, on=on, how="right")
    rows_sum = all_rows.groupby(on)["value_t"].sum()
    all_totals["rows_sum_t"] = [
        float(rows_sum.get(key, 0.0))
        for key in zip(
            all_totals.mineral, all_totals.stage, all_totals.year, all_totals.source_id, strict=True
        )
    ]
    all_totals = world_totals(all_totals)
    chosen = keys.loc[keys["chosen"], on]
    production = all_rows.merge(chosen, on=on, how="inner")
    world = all_totals.merge(chosen, on=on, how="inner")
    series = pd.concat(
        [
            all_rows[[*on, "country", "value_t", "status", "note"]],
            all_totals.assign(
                country=WLD,
                value_t=all_totals["world_total_t"],
                status=all_totals["status"] if "status" in all_totals else "reported",
                note="world total (" + all_totals["total_kind"].astype(str) + ")",
            )[[*on, "country", "value_t", "status", "note"]],
        ],
        ignore_index=True,
    )
    series["status"] = series["status"].fillna("").replace("", "reported")
    return Selection(production, world, series, precedence_table(keys))


def precedence_table(keys: pd.DataFrame) -> pd.DataFrame:
    """The ``source_precedence`` table from the ranked keys of :func:`_chosen_keys`."""
    rows = []
    for (mineral, stage), group in keys.groupby(["mineral", "stage"], sort=True):
        primary = group[group["primary"]]
        chosen = group[group["chosen"]]
        years = sorted({int(y) for y in chosen["year"]})
        editions = sorted(set(chosen["source_id"]), key=edition_rank)
        others = [s for s in series_order(str(mineral), str(stage)) if s in set(group["series"])]
        others += sorted(set(group["series"]) - set(others))
        name = str(primary["series"].iloc[0])
        others = [s for s in others if s != name]
        breaks = []
        for other in others:
            theirs = sorted({int(y) for y in group.loc[group["series"] == other, "year"]})
            extra = [y for y in theirs if y not in years]
            if extra:
                breaks.append(f"{other} also has {_span(extra)}: not filled in")
        rows.append(
            {
                "mineral": mineral,
                "stage": stage,
                "primary_series": name,
                "primary_source_ids": ";".join(editions),
                "years": _span(years),
                "other_series": ";".join(others),
                "rule": series_rule(str(mineral), str(stage)),
                "breaks": "; ".join(breaks),
                "note": "",
            }
        )
    return pd.DataFrame(rows)


def _span(years: list[int]) -> str:
    """Years as compact ranges.

    >>> _span([2018, 2019, 2020, 2023])
    '2018-2020, 2023'
    """
    parts: list[str] = []
    start = prev = None
    for y in sorted(years):
        if start is None:
            start = prev = y
        elif prev is not None and y == prev + 1:
            prev = y
        else:
            parts.append(f"{start}-{prev}" if start != prev else f"{start}")
            start = prev = y
    if start is not None:
        parts.append(f"{start}-{prev}" if start != prev else f"{start}")
    return ", ".join(parts)
