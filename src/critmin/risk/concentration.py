"""Concentration of supply: HHI, top shares, China's share, shares outside a group."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from critmin import countries
from critmin.errors import CritminError
from critmin.risk._common import (
    _EPS,
    _KEY,
    _STAGES,
    UNATTRIBUTED,
    _as_list,
    _check_stage,
    _denoise,
    _members,
    _production,
    _stability,
    _totals,
)
from critmin.world.load import World, select

# ---------------------------------------------------------------------------
# concentration
# ---------------------------------------------------------------------------


#: Columns of the vulnerability table shown by the CLI and the report.
VULNERABILITY_COLUMNS = [
    "mineral",
    "stage",
    "year",
    "world_total_t",
    "hhi",
    "top_country",
    "top_share",
    "top3_share",
    "china_share",
    "gov_weighted_hhi",
    "outside_group_share",
    "is_bottleneck",
]


def _select_keys(
    world: World,
    minerals: str | Iterable[str] | None,
    stages: str | Iterable[str] | None,
    year: int | None,
) -> pd.DataFrame:
    """The (mineral, stage, year, world_total_t) rows a concentration call covers."""
    if minerals is None:
        chosen = world.mineral_ids
    else:
        chosen = [world.check_mineral(m, where="minerals") for m in _as_list(minerals)]
    stage_list = (
        _STAGES if stages is None else [_check_stage(s, where="stages") for s in _as_list(stages)]
    )
    tot = _totals(world)
    tot = tot[tot["mineral"].isin(chosen) & tot["stage"].isin(stage_list)]
    if year is None:
        if tot.empty:
            with_data = sorted(set(_totals(world)["mineral"]))
            raise CritminError(
                "no production data for the selected minerals and stages",
                where="minerals",
                given=", ".join(chosen),
                allowed=with_data or "none: the dataset has no production totals",
            )
        latest = tot.groupby(["mineral", "stage"])["year"].transform("max")
        return tot[tot["year"] == latest].reset_index(drop=True)
    keys = tot[tot["year"] == int(year)]
    if keys.empty:
        years = sorted({int(y) for y in tot["year"]})
        raise CritminError(
            "no production data for this year",
            where="year",
            given=year,
            allowed=[str(y) for y in years] or "none: the selection has no production data",
        )
    return keys.reset_index(drop=True)


def concentration(
    world: World,
    *,
    minerals: str | Iterable[str] | None = None,
    stages: str | Iterable[str] | None = None,
    year: int | None = None,
    group: str | Iterable[str] = countries.ALLIANCE,
) -> pd.DataFrame:
    """Concentration of supply for each mineral, stage and year.

    Parameters
    ----------
    world
        The dataset.
    minerals
        Mineral ids (or one id); None for every mineral.
    stages
        ``"mining"`` and/or ``"refining"``; None for both.
    year
        Calendar year [year]. None: for each mineral and stage, the latest year
        with a positive world total. A year that some minerals lack skips those
        minerals; a year that none has raises :class:`CritminError`.
    group
        A group name (``"ALLIANCE"``, ``"G7"``, ...) or a list of ISO3 codes and
        groups; supply from outside it is ``outside_group_share``.

    Returns
    -------
    pandas.DataFrame
        One row per (mineral, stage, year): ``world_total_t`` [t]; ``n_countries``
        (named countries with positive output); ``hhi`` [0-1] and ``hhi_10000``
        [0-10,000]; ``top_country`` (ISO3, "" if none), ``top_share``,
        ``top3_share``, ``china_share`` [share]; ``gov_weighted_hhi`` [0-1];
        ``outside_group_share``, ``unattributed_share`` [share];
        ``is_bottleneck`` (highest hhi among the mineral's rows; ties all True);
        ``basis`` (what the tonnes measure).

    Raises
    ------
    CritminError
        Unknown mineral or stage, unknown group member, or no data for ``year``.

    Notes
    -----
    With :math:`s_c = q_c / Q` (:math:`Q` the world total):
    :math:`HHI = \\sum_{c \\in named} s_c^2`;
    :math:`HHI_g = \\sum_{c \\in named} s_c^2 g_c` with :math:`g_c` the
    pv_risk_share (0.5 when missing);
    outside-group share :math:`= 1 - \\sum_{c \\in group} s_c`. ROW and the
    unattributed remainder add nothing to either HHI (a lower bound) and count as
    outside the group. See docs/methods.md.
    """
    members = _members(group)
    keys = _select_keys(world, minerals, stages, year)
    rows = keys.merge(_production(world), on=_KEY, how="inner")
    share = (rows["value_t"] / rows["world_total_t"]).to_numpy()
    country = rows["country"]
    named = ~country.isin(countries.AGGREGATES).to_numpy()
    g = _stability(world, country, rows["year"])
    sq = np.where(named, share**2, 0.0)
    rows = rows.assign(
        share=share,
        sq=sq,
        gsq=sq * g,
        in_group=np.where(country.isin(members), share, 0.0),
        row=np.where(named, 0.0, share),
        chn=np.where(country == "CHN", share, 0.0),
        chn_listed=(country == "CHN").to_numpy(),
        positive=named & (rows["value_t"].to_numpy() > 0),
    )
    agg = rows.groupby(_KEY).agg(
        attributed=("share", "sum"),
        hhi=("sq", "sum"),
        gov_weighted_hhi=("gsq", "sum"),
        in_group=("in_group", "sum"),
        row_share=("row", "sum"),
        china_share=("chn", "sum"),
        chn_listed=("chn_listed", "any"),
        n_countries=("positive", "sum"),
    )
    ranked = rows[named].sort_values(
        [*_KEY, "share", "country"], ascending=[True, True, True, False, True]
    )
    top1 = (
        ranked.groupby(_KEY)
        .head(1)
        .set_index(_KEY)[["country", "share"]]
        .rename(columns={"country": "top_country", "share": "top_share"})
    )
    top3 = ranked.groupby(_KEY).head(3).groupby(_KEY)["share"].sum().rename("top3_share")
    out = keys.join(agg, on=_KEY).join(top1, on=_KEY).join(top3, on=_KEY)
    numeric = ["attributed", "hhi", "gov_weighted_hhi", "in_group", "china_share", "row_share"]
    numeric += ["n_countries", "top_share", "top3_share"]
    out[numeric] = out[numeric].fillna(0.0)
    out["top_country"] = out["top_country"].fillna("").astype(str)
    out["n_countries"] = out["n_countries"].astype("int64")
    out["hhi_10000"] = out["hhi"] * 10_000.0
    out["outside_group_share"] = _denoise(1.0 - out["in_group"].to_numpy())
    out["unattributed_share"] = _denoise(1.0 - out["attributed"].to_numpy())
    # unknown is not zero: China folded into "other countries" has no known share
    folded = (out["unattributed_share"] + out["row_share"] > _EPS) & ~out["chn_listed"].fillna(
        False
    ).astype(bool)
    out["china_share"] = out["china_share"].mask(folded)
    peak = out.groupby("mineral")["hhi"].transform("max")
    out["is_bottleneck"] = (out["hhi"] >= peak - _EPS).astype(bool)
    basis = world.mineral_stages.set_index(["mineral", "stage"])["basis"]
    out = out.join(basis, on=["mineral", "stage"])
    out["basis"] = out["basis"].fillna("").astype(str)
    out["_order"] = out["stage"].map(_STAGES.index)
    out = out.sort_values(["mineral", "_order", "year"]).reset_index(drop=True)
    columns = [
        *_KEY,
        "world_total_t",
        "n_countries",
        "hhi",
        "hhi_10000",
        "top_country",
        "top_share",
        "top3_share",
        "china_share",
        "gov_weighted_hhi",
        "outside_group_share",
        "unattributed_share",
        "is_bottleneck",
        "basis",
    ]
    return out[columns]


def country_shares(world: World, mineral: str, stage: str, year: int) -> pd.DataFrame:
    """Each producer's share of world production, summing to 1.

    Parameters
    ----------
    world
        The dataset.
    mineral
        Mineral id.
    stage
        ``"mining"`` or ``"refining"``.
    year
        Calendar year [year]; must have a positive world total.

    Returns
    -------
    pandas.DataFrame
        Columns ``country``, ``value_t`` [t], ``share`` [share]. Named countries
        come first in descending order of share, then ``ROW`` (if published),
        then the ``unattributed`` remainder (world total minus the sum of the
        rows, possibly 0), so the shares sum to 1.

    Raises
    ------
    CritminError
        Unknown mineral or stage, or a year without data.
    """
    world.check_mineral(mineral, where="mineral")
    _check_stage(stage, where="stage")
    tot = select(_totals(world), mineral=mineral, stage=stage)
    match = select(tot, year=int(year))
    if match.empty:
        raise CritminError(
            f"no production data for {mineral} ({stage}) in this year",
            where="year",
            given=year,
            allowed=[str(y) for y in sorted(tot["year"])] or "none: no data for this stage",
        )
    total = float(match["world_total_t"].iloc[0])
    prod = select(_production(world), mineral=mineral, stage=stage, year=int(year))
    is_agg = prod["country"].isin(countries.AGGREGATES)
    named = prod[~is_agg].sort_values(["value_t", "country"], ascending=[False, True])
    remainder = total - float(prod["value_t"].sum())
    rest = pd.DataFrame({"country": [UNATTRIBUTED], "value_t": [_denoise(np.array(remainder))]})
    out = pd.concat(
        [named[["country", "value_t"]], prod[is_agg][["country", "value_t"]], rest],
        ignore_index=True,
    )
    out["value_t"] = out["value_t"].astype(float)
    out["share"] = out["value_t"] / total
    return out
