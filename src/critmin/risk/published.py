"""The EU critical raw materials supply risk (2017 guidelines), from arguments or the dataset."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from critmin import countries
from critmin.countries import ROW
from critmin.errors import CritminError
from critmin.risk._common import (
    DEFAULT_STABILITY,
    UNATTRIBUTED,
    _check_stage,
    _stability,
    eu_parameters,
)
from critmin.risk.concentration import country_shares
from critmin.risk.exposure import _default_stage
from critmin.world.load import World
from critmin.world.schema import Stage
from critmin.world.trade import trade_rows, trade_years

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
    import_reliance: float | None = None,
    si_sr: float | None = None,
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
        None: the package's ``eu_crm_parameters`` value, else 1.0 (noted).
    si_sr
        Substitution index SI_SR [0-1]. None: the package's
        ``eu_crm_parameters`` value, else 1.0 = no credit for substitution (noted).
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
    table_ir, table_si, table_src = eu_parameters(world, mineral)
    if import_reliance is None:
        import_reliance = 1.0 if table_ir is None else table_ir
        notes.append(
            "IR = 1.0: no EU import reliance in the data package"
            if table_ir is None
            else f"IR from eu_crm_parameters ({table_src})"
        )
    if si_sr is None:
        si_sr = 1.0 if table_si is None else table_si
        notes.append(
            "SI_SR = 1.0: no substitution index in the data package (no credit for substitution)"
            if table_si is None
            else f"SI_SR from eu_crm_parameters ({table_src})"
        )
    ir = _check_fraction(import_reliance, where="import_reliance")
    si = _check_fraction(si_sr, where="si_sr")
    gs = _hhi_wgi_t(gs_codes, gs_shares, wgi, trade, where="governance")
    eu = _hhi_wgi_t(eu_codes, eu_shares, wgi, trade, where="governance")
    return EUSupplyRisk(gs, eu, _sr(gs, eu, ir, eol, si), ir, eol, si, tuple(notes))


#: Years of data the EU's 2023 criticality assessment averaged (European Commission 2023).
EU_2023_YEARS: tuple[int, ...] = (2016, 2017, 2018, 2019, 2020)

#: Stage words of the EU assessment (eu_crm_parameters notes) -> critmin stages.
_EU_STAGE = {"extraction": Stage.MINING.value, "processing": Stage.REFINING.value}


def eu_assessed_stage(world: World, mineral: str) -> str | None:
    """The stage the EU assessment evaluated (``stage=extraction`` in the note), if stated."""
    table = world.eu_crm_parameters
    notes = table.loc[table["mineral"] == mineral, "note"].astype(str)
    for note in notes:
        match = re.search(r"stage\s*=\s*(extraction|processing)", note)
        if match:
            return _EU_STAGE[match.group(1)]
    return None


def eu_sourcing_from_world(
    world: World, mineral: str, stage: str, years: Iterable[int]
) -> tuple[dict[str, float], dict[str, float], list[int], list[str]]:
    """EU sourcing and global supply of a mineral, averaged over the years that have both.

    EU sourcing is the production of each EU27 member plus the imports from
    each country outside the EU27 (trade between members netted out), on the
    stage's trade measure; global supply is each country's production.

    Returns
    -------
    eu_sourcing, global_supply, years_used, notes
        Mean annual tonnes by country [t], the years averaged, and caveats.
    """
    eu = countries.group_members("EU27")
    wanted = sorted({int(y) for y in years})
    prod_years = set(world.years(mineral, stage))
    trade_ok = set(trade_years(world, mineral, stage))
    used = [y for y in wanted if y in prod_years and y in trade_ok]
    notes: list[str] = []
    both = sorted(prod_years & trade_ok)
    if not used and both:
        # the data do not reach the requested years: the nearest later (or earlier) ones
        later = [y for y in both if y > max(wanted)]
        used = later[: len(wanted)] if later else both[-len(wanted) :]
        notes.append(
            f"no {stage} production and trade in {wanted[0]}-{wanted[-1]}: "
            f"{', '.join(str(y) for y in used)} used instead"
        )
    elif used != wanted:
        notes.append(
            f"years {', '.join(str(y) for y in wanted if y not in used)} lack production or "
            f"trade: averaged over {', '.join(str(y) for y in used)}"
        )
    if not used:
        raise CritminError(
            f"no year with both {stage} production and trade for {mineral}",
            where="years",
            given=", ".join(str(y) for y in wanted),
            allowed="none",
        )
    prod = world.rows("production", mineral=mineral, stage=stage, year=list(used))
    global_supply = (prod.groupby("country")["value_t"].sum() / len(used)).to_dict()
    members = prod[prod["country"].isin(eu)].groupby("country")["value_t"].sum() / len(used)
    imports: dict[str, float] = {}
    measure = ""
    for year in used:
        sel = trade_rows(world, mineral, stage, year)
        measure = sel.measure
        rows = sel.rows[sel.rows["has_quantity"]]
        into = rows[rows["importer"].isin(eu) & ~rows["exporter"].isin(eu)]
        for exporter, q in into.groupby("exporter")["quantity_t"].sum().items():
            imports[str(exporter)] = imports.get(str(exporter), 0.0) + float(q) / len(used)
    if measure == "gross_t":
        notes.append("imports in gross product tonnes (no content factor for these products)")
    sourcing = {str(k): float(v) for k, v in members.items()}
    for exporter, q in imports.items():
        sourcing[exporter] = sourcing.get(exporter, 0.0) + q
    return (
        sourcing,
        {str(k): float(v) for k, v in global_supply.items()},
        used,
        notes,
    )


def eu_supply_risk_assessed(
    world: World,
    mineral: str,
    *,
    stage: str | None = None,
    years: Iterable[int] = EU_2023_YEARS,
) -> EUSupplyRisk:
    """EU supply risk with EU sourcing from the dataset, as the EU assessment builds it.

    Global supply and EU sourcing (:func:`eu_sourcing_from_world`) are
    averaged over ``years`` (default: the 2023 assessment's 2016-2020, as far
    as the data reach), at the stage the assessment evaluated (its note in
    ``eu_crm_parameters``, else refining if it has data, else mining). IR,
    SI_SR and the trade factors as in :func:`eu_supply_risk_from_world`; the
    WGI of each country is its pv_risk_share in the last year used.
    """
    world.check_mineral(mineral, where="mineral")
    if stage is None:
        stage = eu_assessed_stage(world, mineral)
        if stage is None or not world.years(mineral, stage):
            stage = _default_stage(world, mineral)
    stage = _check_stage(stage, where="stage")
    sourcing, supply, used, notes = eu_sourcing_from_world(world, mineral, stage, years)
    base = eu_supply_risk_from_world(
        world, mineral, stage=stage, year=used[-1], eu_sourcing=sourcing or {ROW: 1.0}
    )
    codes = sorted(set(supply) | set(sourcing))
    g = _stability(world, pd.Series(codes), pd.Series([used[-1]] * len(codes)))
    wgi = {c: 10.0 * float(v) for c, v in zip(codes, g, strict=True)}
    gs_codes, gs_shares = _supply_shares(supply, where="global_supply")
    eu_codes, eu_shares = _supply_shares(sourcing or {ROW: 1.0}, where="eu_sourcing")
    gs = _hhi_wgi_t(gs_codes, gs_shares, wgi, {}, where="governance")
    eu_hhi = _hhi_wgi_t(eu_codes, eu_shares, wgi, {}, where="governance")
    sr = _sr(gs, eu_hhi, base.import_reliance, base.eol_rir, base.si_sr)
    kept = [n for n in base.notes if "global supply" not in n and "proxy" not in n]
    notes = [
        f"global supply and EU sourcing = mean {stage} production and extra-EU imports "
        f"over {used[0]}-{used[-1]}",
        *notes,
        *kept,
    ]
    return EUSupplyRisk(
        gs, eu_hhi, sr, base.import_reliance, base.eol_rir, base.si_sr, tuple(notes)
    )


def published_sr(world: World, mineral: str) -> float | None:
    """The SR the EU assessment published (``SR=`` in the eu_crm_parameters note), if any."""
    table = world.eu_crm_parameters
    for note in table.loc[table["mineral"] == mineral, "note"].astype(str):
        match = re.search(r"\bSR\s*=\s*([0-9.]+)", note)
        if match:
            return float(match.group(1).rstrip("."))
    return None


def eu_sr_comparison(world: World, *, years: Iterable[int] = EU_2023_YEARS) -> pd.DataFrame:
    """critmin's EU supply risk beside the EU 2023 published values, material by material.

    Columns: mineral, stage, published_sr, sr_proxy (global supply as the EU
    sourcing proxy, latest year), sr_eu_sourcing (:func:`eu_supply_risk_assessed`),
    difference (sr_eu_sourcing - published_sr), verdicts (critical at SR >= 1)
    and note (why it could not be computed, or the years used).
    """
    rows = []
    wanted = list(years)
    for mineral in sorted(set(world.eu_crm_parameters["mineral"])):
        published = published_sr(world, mineral)
        if published is None or mineral not in set(world.mineral_ids):
            continue
        row: dict[str, object] = {"mineral": mineral, "published_sr": published}
        stage = eu_assessed_stage(world, mineral)
        if stage is None or not world.years(mineral, stage):
            stage = _default_stage(world, mineral) if world.stages(mineral) else ""
        row["stage"] = stage
        try:
            proxy = eu_supply_risk_from_world(world, mineral, stage=stage or None)
            row["sr_proxy"] = proxy.sr
        except CritminError as exc:
            row["sr_proxy"] = np.nan
            row["note"] = str(exc)
        try:
            own = eu_supply_risk_assessed(world, mineral, stage=stage or None, years=wanted)
            row["sr_eu_sourcing"] = own.sr
            row["note"] = own.notes[0] + ("; " + own.notes[1] if len(own.notes) > 1 else "")
        except CritminError as exc:
            row["sr_eu_sourcing"] = np.nan
            row["note"] = str(exc)
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["difference"] = out["sr_eu_sourcing"] - out["published_sr"]
    out["published_critical"] = out["published_sr"] >= 1.0
    out["critical"] = (out["sr_eu_sourcing"] >= 1.0).astype(object)
    out.loc[out["sr_eu_sourcing"].isna(), "critical"] = None
    return out[
        [
            "mineral",
            "stage",
            "published_sr",
            "sr_proxy",
            "sr_eu_sourcing",
            "difference",
            "published_critical",
            "critical",
            "note",
        ]
    ]
