"""The EU critical raw materials supply risk (2017 guidelines), from arguments or the dataset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from critmin import countries
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
