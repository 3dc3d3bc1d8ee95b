"""A price floor on simulated price paths: the scenario with the floor, its run, and
the floor's fiscal cost from the kept paths.

:func:`with_floor` puts a contract-for-difference floor on one mineral of a
scenario (replacing any floor the scenario had on it), so that the simulator's
covered producers respond to the floor price; :func:`floor_payments` then prices
the contract on the run's kept paths: the simulated price of each segment (the
price ratio times the baseline price) and the output the floor covers there
(``path_floor_covered_t``). Without a ceiling, volume cap or term, the payments
equal the simulator's own ``path_floor_cost_usd`` (a test holds them equal); the
ceiling's shared upside, the cap and the term are the contract's terms on top,
which the simulated producers do not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from critmin.errors import CritminError
from critmin.finance.cashflow import CostDistribution, cost_distribution
from critmin.finance.instruments import FloorPayments, cfd_floor
from critmin.scenario import Scenario


@dataclass(frozen=True)
class FloorTerms:
    """A contract-for-difference floor on one mineral.

    ``covered``: the producing countries (ISO3 codes or groups) whose output it
    covers, ``covered_share`` the share of their output; ``ceiling_usd_per_kg``,
    ``upside_share``, ``volume_cap_t`` (tonnes a month) and ``term_months`` as in
    :func:`critmin.finance.cfd_floor`.
    """

    mineral: str
    floor_usd_per_kg: float
    covered: tuple[str, ...]
    covered_share: float = 1.0
    ceiling_usd_per_kg: float | None = None
    upside_share: float = 1.0
    volume_cap_t: float | None = None
    term_months: int | None = None


def with_floor(scenario: Scenario, terms: FloorTerms) -> Scenario:
    """``scenario`` with ``terms``' floor as its price floor on ``terms.mineral`` (any
    earlier floor on it replaced) and the mineral simulated."""
    if terms.term_months is not None and terms.term_months > scenario.horizon_months:
        raise CritminError(
            "the contract is longer than the scenario's horizon",
            where="term_months",
            given=str(terms.term_months),
            allowed=f"1 to horizon_months ({scenario.horizon_months})",
        )
    data = scenario.model_dump(mode="json", exclude_none=True)
    floors = [f for f in data["policies"].get("price_floors", []) if f["mineral"] != terms.mineral]
    floors.append(
        {
            "mineral": terms.mineral,
            "floor_usd_per_kg": terms.floor_usd_per_kg,
            "covered": list(terms.covered),
            "covered_share": terms.covered_share,
        }
    )
    data["policies"]["price_floors"] = floors
    if data.get("minerals") is not None and terms.mineral not in data["minerals"]:
        data["minerals"] = [*data["minerals"], terms.mineral]
    return Scenario.model_validate(data)


def floor_payments(ds: xr.Dataset, terms: FloorTerms) -> FloorPayments:
    """The floor's payments on each kept path and month of a run (``keep_paths``).

    For each price segment, :func:`critmin.finance.cfd_floor` on the segment's
    simulated price [USD/kg] and the output the floor covers there [t], summed
    over the segments. The volume cap applies to the total covered output, each
    segment's share of it in proportion.
    """
    if "path_floor_covered_t" not in ds or "path" not in ds.dims or not ds.sizes["path"]:
        raise CritminError(
            "the run kept no paths with a price floor",
            where="keep_paths",
            allowed="a run with keep_paths > 0 and a floor on the mineral",
        )
    one = ds.sel(mineral=terms.mineral)
    base = float(one["base_price_usd_per_kg"])
    price = one["path_price_ratio"].transpose("segment", "path", "month").values * base
    cover = one["path_floor_covered_t"].transpose("segment", "path", "month").values
    total = cover.sum(axis=0)
    if terms.volume_cap_t is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(total > terms.volume_cap_t, terms.volume_cap_t / total, 1.0)
        cover = cover * scale[None]
    parts = [
        cfd_floor(
            price[k],
            cover[k],
            terms.floor_usd_per_kg,
            ceiling_usd_per_kg=terms.ceiling_usd_per_kg,
            upside_share=terms.upside_share,
            term_months=terms.term_months,
        )
        for k in range(price.shape[0])
    ]

    def summed(name: str) -> np.ndarray:
        return np.sum([getattr(p, name) for p in parts], axis=0)

    return FloorPayments(
        fiscal_cost_usd=summed("fiscal_cost_usd"),
        top_up_usd=summed("top_up_usd"),
        upside_usd=summed("upside_usd"),
        covered_t=summed("covered_t"),
        paying=np.logical_or.reduce([p.paying for p in parts]),
    )


def floor_report(ds: xr.Dataset, terms: FloorTerms) -> dict[str, Any]:
    """The floor's fiscal cost on a run's kept paths, as ``critmin floor`` reports it
    (the keys are documented in docs/outputs.md, "critmin floor")."""
    payments = floor_payments(ds, terms)
    dist: CostDistribution = cost_distribution(
        payments.fiscal_cost_usd, payments.covered_t, payments.paying
    )
    simulated = ds.sel(mineral=terms.mineral)["path_floor_cost_usd"].sum("month").values
    return {
        "mineral": terms.mineral,
        "floor_usd_per_kg": terms.floor_usd_per_kg,
        "ceiling_usd_per_kg": terms.ceiling_usd_per_kg,
        "upside_share": terms.upside_share if terms.ceiling_usd_per_kg is not None else None,
        "covered": list(terms.covered),
        "covered_share": terms.covered_share,
        "volume_cap_t": terms.volume_cap_t,
        "term_months": terms.term_months,
        "scenario": str(ds.attrs.get("scenario", "")),
        "paths": int(ds.sizes["path"]),
        "months": int(ds.sizes["month"]),
        "seed": int(ds.attrs.get("seed", 0)),
        "base_price_usd_per_kg": float(ds.sel(mineral=terms.mineral)["base_price_usd_per_kg"]),
        "expected_annual_cost_usd": dist.expected_annual_usd,
        "p95_annual_cost_usd": dist.p95_annual_usd,
        "cvar95_annual_cost_usd": dist.cvar95_annual_usd,
        "expected_total_cost_usd": dist.expected_total_usd,
        "expected_top_up_usd": float(payments.top_up_usd.sum(axis=-1).mean()),
        "expected_upside_returned_usd": float(payments.upside_usd.sum(axis=-1).mean()),
        "usd_per_t_secured": dist.usd_per_t_secured,
        "expected_covered_t": float(payments.covered_t.sum(axis=-1).mean()),
        "paying_probability_by_year": dist.paying_probability_by_year,
        "simulator_expected_floor_cost_usd": float(np.mean(simulated)),
    }
