"""GeoPolRisk: the geopolitical supply risk of a raw material for one importing economy.

:func:`geopolrisk` computes the score from given production, imports and
stability; :func:`geopolrisk_from_world` assembles those inputs from the
dataset (World Mining Data production, BACI imports, WGI political stability)
the way the method's reference implementation, geopolrisk-py, does. Where that
implementation departs from the published method, critmin's choice is stated
in docs/methods.md ("GeoPolRisk").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from critmin import countries
from critmin.errors import CritminError, check_choice
from critmin.risk._common import DEFAULT_STABILITY, _stability
from critmin.risk.published import _values
from critmin.world.load import World
from critmin.world.schema import Stage
from critmin.world.trade import consumer_production, members_of


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


class QuantityBasis(StrEnum):
    """What the import tonnes of :func:`geopolrisk_from_world` measure."""

    #: product tonnes as traded, summed over the HS codes (geopolrisk-py's convention)
    GROSS = "gross"
    #: tonnes of the mineral's basis, through the content factors of ``hs_codes``
    CONTENT = "content"


@dataclass(frozen=True)
class GeoPolRiskAssessment:
    """GeoPolRisk of one importer, mineral and year, with the inputs behind it.

    Attributes
    ----------
    country, mineral, stage, year
        What was assessed; ``stage`` is the production stage of the HHI.
    hhi, import_risk, score
        As in :class:`GeoPolRisk` [0-1].
    domestic_production_t
        The importer's own production [t].
    imports_t
        Its imports over the HS codes [t of ``basis``].
    hs_codes
        HS codes whose imports count.
    basis
        ``gross`` or ``content``.
    top_supplier, top_supplier_share
        Largest exporter to the country and its share of the imports.
    n_suppliers
        Exporters with a quantity.
    production_source, trade_source
        Source ids of production and trade.
    notes
        Conventions applied on the caller's behalf.
    """

    country: str
    mineral: str
    stage: str
    year: int
    hhi: float
    import_risk: float
    score: float
    domestic_production_t: float
    imports_t: float
    hs_codes: tuple[str, ...]
    basis: str
    top_supplier: str
    top_supplier_share: float
    n_suppliers: int
    production_source: str
    trade_source: str
    notes: tuple[str, ...] = field(default=())


def geopolrisk_codes(world: World, mineral: str) -> list[str]:
    """The HS codes GeoPolRisk counts as imports of a mineral.

    The World Mining Data HS Code Map's codes for the mineral's production
    table (``minerals.hs_codes``), the product list geopolrisk-py uses.
    """
    table = world.minerals
    text = table.loc[table["mineral"] == mineral, "hs_codes"]
    cell = str(text.iloc[0]) if len(text) else ""
    return [c for c in cell.split(";") if c]


def _stage_for(world: World, mineral: str, stage: str | None) -> str:
    if stage is not None:
        return check_choice(stage, [s.value for s in Stage], what="unknown stage", where="stage")
    stages = world.stages(mineral)
    if not stages:
        raise CritminError(
            f"{mineral} has no production data",
            where="mineral",
            given=mineral,
            allowed=[m for m in world.mineral_ids if world.stages(m)],
        )
    return Stage.MINING.value if Stage.MINING.value in stages else stages[0]


def geopolrisk_from_world(
    world: World,
    country: str,
    mineral: str,
    year: int,
    *,
    basis: str = QuantityBasis.GROSS,
    stage: str | None = None,
    codes: Iterable[str] | None = None,
    stability: Mapping[str, float] | None = None,
) -> GeoPolRiskAssessment:
    """GeoPolRisk of a country's supply of a mineral in one year, from the dataset.

    Parameters
    ----------
    world
        The dataset.
    country
        Importing country (ISO3), or a group such as ``EU27`` taken as one
        economy: imports from outside it, its members' production as domestic
        production (geopolrisk-py instead counts imports between members with
        a stability of 0).
    mineral
        Mineral id.
    year
        Calendar year [year]: production, trade and stability of that year.
    basis
        ``gross`` (default): import tonnes as traded, summed over the HS codes,
        as geopolrisk-py does; ``content``: tonnes of the mineral's basis
        through the content factors of ``hs_codes`` (codes without a factor
        are left out, and the notes say so).
    stage
        Production stage of the HHI; None: mining where it has data (the
        stage of the World Mining Data table), else the mineral's only stage.
    codes
        HS codes whose imports count; None: :func:`geopolrisk_codes`.
    stability
        Stability values [0-1, 1 = least stable] that replace the dataset's for
        the exporters named (for example your own governance scores).

    Returns
    -------
    GeoPolRiskAssessment

    Raises
    ------
    CritminError
        Unknown country, mineral, stage or basis; no production or trade in
        ``year``; a mineral with no HS code; no imports and no production.

    Notes
    -----
    HHI over the primary production series of ``stage`` in ``year`` (ROW adds
    nothing to its numerator); imports :math:`f_i` by exporter over ``codes``
    (rows without a quantity are left out, as geopolrisk-py reads them as 0);
    :math:`g_i` the exporter's pv_risk_share in ``year`` (its latest earlier
    value where ``year`` is missing, 0.5 where it has none); domestic
    production from the same production series (0 when not listed).
    """
    code, members = members_of(country)
    world.check_mineral(mineral, where="mineral")
    basis = check_choice(
        str(basis), [b.value for b in QuantityBasis], what="unknown basis", where="basis"
    )
    stage = _stage_for(world, mineral, stage)
    year = int(year)
    hs = list(codes) if codes is not None else geopolrisk_codes(world, mineral)
    if not hs:
        raise CritminError(
            f"no HS code for {mineral}: its imports cannot be counted",
            where="mineral",
            given=mineral,
            allowed=sorted(m for m in world.mineral_ids if geopolrisk_codes(world, m)),
        )
    rows = world.rows("production", mineral=mineral, stage=stage, year=year)
    if rows.empty:
        raise CritminError(
            f"no {stage} production of {mineral} in this year",
            where="year",
            given=year,
            allowed=[str(y) for y in world.years(mineral, stage)] or "none",
        )
    production = rows.groupby("country")["value_t"].sum().to_dict()
    trade = world.trade_of(mineral)
    trade = trade[trade["hs_code"].isin(hs)]
    flows = trade[trade["year"] == year]
    if flows.empty:
        years = sorted({int(y) for y in trade["year"]})
        raise CritminError(
            f"no trade of {mineral} (HS {', '.join(hs)}) in this year",
            where="year",
            given=year,
            allowed=[str(y) for y in years] or "none",
        )
    column = "gross_t" if basis == QuantityBasis.GROSS else "value_t"
    notes: list[str] = []
    mine = flows[flows["importer"].isin(members) & ~flows["exporter"].isin(members)]
    unknown = mine[mine[column].isna()]
    if not unknown.empty:
        notes.append(
            f"{len(unknown)} import rows without a quantity left out "
            f"(US${unknown['value_usd'].sum() / 1e6:,.1f} million)"
        )
    if basis == QuantityBasis.CONTENT:
        gross_only = sorted(
            set(mine.loc[mine["value_t"].isna() & mine["gross_t"].notna(), "hs_code"])
        )
        if gross_only:
            notes.append(f"HS {', '.join(gross_only)} left out: no content factor")
    imports = mine.dropna(subset=[column]).groupby("exporter")[column].sum()
    imports = imports[imports > 0]
    own = consumer_production(world, members, mineral, stage, year)
    domestic = own.value_t
    if np.isnan(domestic):
        domestic = 0.0
        notes.append(f"{code}'s production unknown to the source: taken as 0")
    exporters = pd.Series(list(imports.index), dtype=str)
    g = _stability(world, exporters, pd.Series([year] * len(exporters)))
    scores = dict(zip(exporters, g, strict=True))
    if stability:
        scores.update({str(k).upper(): float(v) for k, v in stability.items()})
        notes.append("stability given for " + ", ".join(sorted(stability)))
    result = geopolrisk(
        {str(k): float(v) for k, v in production.items()},
        {str(k): float(v) for k, v in imports.items()},
        scores,
        domestic,
    )
    total = float(imports.sum())
    top = str(imports.idxmax()) if total > 0 else ""
    return GeoPolRiskAssessment(
        country=code,
        mineral=mineral,
        stage=stage,
        year=year,
        hhi=result.hhi,
        import_risk=result.import_risk,
        score=result.score,
        domestic_production_t=float(domestic),
        imports_t=total,
        hs_codes=tuple(hs),
        basis=basis,
        top_supplier=top,
        top_supplier_share=float(imports.max() / total) if total > 0 else 0.0,
        n_suppliers=int(len(imports)),
        production_source=str(rows["source_id"].iloc[0]),
        trade_source=";".join(sorted(set(flows["source_id"]))),
        notes=tuple(notes),
    )


def geopolrisk_table(
    world: World,
    countries_: Iterable[str],
    minerals: Iterable[str],
    year: int,
    *,
    basis: str = QuantityBasis.GROSS,
) -> pd.DataFrame:
    """:func:`geopolrisk_from_world` over countries x minerals, one row each.

    A pair that cannot be assessed (no production or trade that year, no HS
    code) gets NaN figures and the reason in ``note``; nothing is dropped.
    """
    rows = []
    for country in countries_:
        for mineral in minerals:
            try:
                r = geopolrisk_from_world(world, country, mineral, year, basis=basis)
            except CritminError as exc:
                rows.append(
                    {
                        "country": country.upper(),
                        "mineral": mineral,
                        "year": int(year),
                        "hhi": np.nan,
                        "import_risk": np.nan,
                        "score": np.nan,
                        "top_supplier": "",
                        "top_supplier_share": np.nan,
                        "note": exc.message,
                    }
                )
                continue
            rows.append(
                {
                    "country": r.country,
                    "mineral": r.mineral,
                    "year": r.year,
                    "hhi": r.hhi,
                    "import_risk": r.import_risk,
                    "score": r.score,
                    "top_supplier": r.top_supplier,
                    "top_supplier_share": r.top_supplier_share,
                    "note": "; ".join(r.notes),
                }
            )
    return pd.DataFrame(rows)


def geopolrisk_year(world: World, mineral: str, year: int | None = None) -> int | None:
    """Latest year (at most ``year``) with production and GeoPolRisk trade for a mineral."""
    codes = geopolrisk_codes(world, mineral)
    stages = world.stages(mineral)
    if not codes or not stages:
        return None
    stage = _stage_for(world, mineral, None)
    trade = world.trade_of(mineral)
    traded = set(trade.loc[trade["hs_code"].isin(codes), "year"])
    both = sorted({int(y) for y in traded} & set(world.years(mineral, stage)))
    if year is not None:
        both = [y for y in both if y <= int(year)]
    return both[-1] if both else None
