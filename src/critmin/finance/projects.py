"""A project's yearly cash flows on simulated price paths, with and without
instruments, and the bankability figures lenders look at.

:class:`ProjectFinance` holds a project's parameters (capex and its schedule,
ramp-up, unit opex, royalties, tax, Australia's processing offset, debt terms);
:func:`project_cash_flows` turns price paths (paths × years, USD/kg) into its
cash flows, optionally under a floor, an offtake, a club premium or without the
tax incentive; :func:`bankability` condenses them into NPV and IRR distributions,
the minimum DSCR and the covenant probability; :func:`tipping_floor` finds by
bisection the lowest floor that lifts the covenant probability above a target on
the same draws. docs/methods.md, "Project finance", gives the equations.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from critmin.errors import CritminError
from critmin.finance.cashflow import (
    IrrStatus,
    covenant_probability,
    debt_schedule,
    dscr,
    irr,
    min_dscr,
    npv,
)
from critmin.finance.instruments import KG_PER_T


@dataclass(frozen=True)
class ProjectFinance:
    """A project's financial parameters (money in USD, output in tonnes of product).

    ``capex_schedule``: shares of ``capex_usd`` spent in each construction year
    (years 0, 1, ...; production starts the year after the last); ``ramp_up``:
    output as a share of nameplate in each of the first production years (then
    1); ``depreciation_years``: straight-line tax depreciation of the capex;
    ``processing_offset_share``: a refundable tax offset on operating costs
    (Australia's Critical Minerals Production Tax Incentive, 10 % of eligible
    processing costs); ``gearing_share`` of the capex is debt at ``debt_rate``,
    repaid as an annuity over ``debt_tenor_years`` from the first production year.
    """

    project_id: str
    capex_usd: float
    nameplate_t: float
    unit_opex_usd_per_kg: float
    capex_schedule: tuple[float, ...] = (1.0,)
    ramp_up: tuple[float, ...] = ()
    sustaining_capex_usd: float = 0.0
    royalty_share: float = 0.0
    tax_rate: float = 0.0
    processing_offset_share: float = 0.0
    depreciation_years: int = 10
    gearing_share: float = 0.0
    debt_rate: float = 0.08
    debt_tenor_years: int = 10
    discount_rate: float = 0.08

    def __post_init__(self) -> None:
        if not abs(sum(self.capex_schedule) - 1.0) < 1e-9:
            raise CritminError(
                "the capex schedule's shares do not add up to 1",
                where=f"{self.project_id}: capex_schedule",
                given=";".join(f"{v:g}" for v in self.capex_schedule),
                allowed="shares per construction year adding up to 1",
            )
        for name in ("royalty_share", "tax_rate", "processing_offset_share", "gearing_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise CritminError(
                    "value out of range",
                    where=f"{self.project_id}: {name}",
                    given=f"{value:g}",
                    allowed="0 to 1",
                )
        if self.capex_usd < 0 or self.nameplate_t < 0 or self.unit_opex_usd_per_kg < 0:
            raise CritminError(
                "a negative capex, output or opex",
                where=self.project_id,
                allowed="capex_usd, nameplate_t and unit_opex_usd_per_kg >= 0",
            )

    @property
    def first_production_year(self) -> int:
        """The first year with output: the year after construction."""
        return len(self.capex_schedule)


@dataclass(frozen=True)
class Support:
    """Instruments on a project's sales.

    ``floor_usd_per_kg``: a contract-for-difference floor on ``floor_share`` of
    output (topping the price up to the floor); ``offtake_share`` of output sold at
    ``offtake_usd_per_kg`` (a fixed price); ``club_premium_usd_per_kg``: a buyers'
    club's premium on ``club_share`` of output; ``tax_incentive``: whether the
    processing offset applies.
    """

    floor_usd_per_kg: float | None = None
    floor_share: float = 1.0
    offtake_share: float = 0.0
    offtake_usd_per_kg: float | None = None
    club_share: float = 0.0
    club_premium_usd_per_kg: float = 0.0
    tax_incentive: bool = True


@dataclass(frozen=True)
class ProjectCashFlows:
    """A project's yearly cash flows per path [USD], paths × years."""

    output_t: np.ndarray
    revenue: np.ndarray
    opex: np.ndarray
    royalties: np.ndarray
    tax: np.ndarray
    capex: np.ndarray
    debt_service: np.ndarray
    cfads: np.ndarray
    project: np.ndarray  # unlevered: revenue - opex - royalties - tax - capex
    equity: np.ndarray  # project flows + debt drawn - debt service


def output_profile(project: ProjectFinance, years: int) -> np.ndarray:
    """Output in each year [t]: 0 while building, the ramp-up shares, then nameplate."""
    out = np.zeros(years)
    start = project.first_production_year
    for k in range(start, years):
        step = k - start
        share = project.ramp_up[step] if step < len(project.ramp_up) else 1.0
        out[k] = share * project.nameplate_t
    return out


def project_cash_flows(
    project: ProjectFinance, price_usd_per_kg: np.ndarray, support: Support | None = None
) -> ProjectCashFlows:
    """Yearly cash flows on each path of ``price_usd_per_kg`` (paths × years, the
    project's selling price; year 0 is the first construction year).

    Revenue is the market price on output, topped up to a floor on the covered share,
    at the offtake price on the offtake share, plus the club premium on the club
    share; opex and royalties follow output and revenue; tax is the tax rate on
    revenue less opex, royalties, straight-line depreciation and interest, never
    below zero, less the refundable processing offset on opex when the incentive
    applies; debt (``gearing_share`` of capex) is drawn with the capex and repaid as
    an annuity from the first production year.
    """
    support = support or Support()
    price = np.atleast_2d(np.asarray(price_usd_per_kg, dtype=float))
    paths, years = price.shape
    output = np.broadcast_to(output_profile(project, years), price.shape)
    sold = output * KG_PER_T
    realised = price
    if support.floor_usd_per_kg is not None:
        top_up = np.maximum(support.floor_usd_per_kg - price, 0.0)
        realised = realised + support.floor_share * top_up
    if support.offtake_share > 0:
        fixed = support.offtake_usd_per_kg
        if fixed is None:
            raise CritminError(
                "an offtake needs its price", where="offtake_usd_per_kg", allowed="USD/kg >= 0"
            )
        realised = (1 - support.offtake_share) * realised + support.offtake_share * fixed
    realised = realised + support.club_share * support.club_premium_usd_per_kg
    revenue = realised * sold
    opex = np.broadcast_to(project.unit_opex_usd_per_kg * sold, price.shape)
    royalties = project.royalty_share * revenue
    capex = np.zeros(years)
    for k, share in enumerate(project.capex_schedule[:years]):
        capex[k] = share * project.capex_usd
    sustaining = np.where(output[0] > 0, project.sustaining_capex_usd, 0.0)
    capex = capex + sustaining
    debt = project.gearing_share * project.capex_usd
    service = (
        debt_schedule(
            debt,
            project.debt_rate,
            project.debt_tenor_years,
            years,
            first_year=project.first_production_year,
        )  # fmt: skip
        if debt > 0
        else np.zeros(years)
    )
    interest = _interest(debt, project.debt_rate, service)
    depreciation = np.zeros(years)
    start = project.first_production_year
    depreciation[start : start + project.depreciation_years] = (
        project.capex_usd / project.depreciation_years
    )
    taxable = revenue - opex - royalties - depreciation - interest
    tax = project.tax_rate * np.maximum(taxable, 0.0)
    if support.tax_incentive and project.processing_offset_share > 0:
        tax = tax - project.processing_offset_share * opex
    operating = revenue - opex - royalties - tax
    cfads = operating - sustaining
    project_flows = operating - capex
    drawn = np.zeros(years)
    for k, share in enumerate(project.capex_schedule[:years]):
        drawn[k] = share * debt
    equity = project_flows + drawn - service
    return ProjectCashFlows(
        output_t=np.array(output),
        revenue=revenue,
        opex=np.array(opex),
        royalties=royalties,
        tax=tax,
        capex=np.broadcast_to(capex, price.shape).copy(),
        debt_service=np.broadcast_to(service, price.shape).copy(),
        cfads=cfads,
        project=project_flows,
        equity=equity,
    )


def _interest(debt: float, rate: float, service: np.ndarray) -> np.ndarray:
    """The interest part of each year's annuity payment on ``debt``."""
    out = np.zeros_like(service)
    balance = debt
    for k, pay in enumerate(service):
        if pay > 0:
            out[k] = balance * rate
            balance -= pay - out[k]
    return out


@dataclass(frozen=True)
class Bankability:
    """A project's figures over the paths.

    ``npv_usd``: per path, the unlevered NPV at the project's discount rate;
    ``irr``: per path, the unlevered IRR (NaN where none or several exist) and
    ``irr_status`` why; ``min_dscr``: per path, the lowest DSCR in the repayment
    years; ``covenant_probability``: the share of paths whose DSCR meets the
    covenant in every repayment year.
    """

    npv_usd: np.ndarray
    irr: np.ndarray
    irr_status: np.ndarray
    min_dscr: np.ndarray
    covenant_probability: float

    def summary(self) -> dict[str, object]:
        """The distributions as JSON-ready figures."""
        statuses = {s.value: float(np.mean(self.irr_status == s.value)) for s in IrrStatus}
        found = self.irr[~np.isnan(self.irr)]
        return {
            "npv_mean_usd": float(self.npv_usd.mean()),
            "npv_p05_usd": float(np.quantile(self.npv_usd, 0.05)),
            "npv_p50_usd": float(np.quantile(self.npv_usd, 0.5)),
            "npv_p95_usd": float(np.quantile(self.npv_usd, 0.95)),
            "npv_positive_share": float(np.mean(self.npv_usd > 0)),
            "irr_p50": float(np.quantile(found, 0.5)) if found.size else None,
            "irr_status_shares": statuses,
            "min_dscr_p05": float(np.nanquantile(self.min_dscr, 0.05))
            if np.any(~np.isnan(self.min_dscr))
            else None,
            "covenant_probability": self.covenant_probability,
        }


def bankability(
    flows: ProjectCashFlows, project: ProjectFinance, covenant: float = 1.3
) -> Bankability:
    """NPV, IRR, minimum DSCR and covenant probability of ``flows``."""
    ratios = dscr(flows.cfads, flows.debt_service)
    rates = irr(flows.project)
    return Bankability(
        npv_usd=npv(project.discount_rate, flows.project),
        irr=rates.rate,
        irr_status=rates.status,
        min_dscr=min_dscr(ratios),
        covenant_probability=covenant_probability(ratios, covenant),
    )


def tipping_floor(
    project: ProjectFinance,
    price_usd_per_kg: np.ndarray,
    *,
    target: float = 0.8,
    covenant: float = 1.3,
    support: Support | None = None,
    high_usd_per_kg: float | None = None,
    tolerance_usd_per_kg: float = 0.01,
) -> float | None:
    """The lowest floor [USD/kg] at which the covenant probability on these draws
    reaches ``target``; None if even ``high_usd_per_kg`` (default: ten times the
    highest price drawn) does not. Found by bisection, which is exact because the
    covenant probability never falls as the floor rises (a floor only adds revenue:
    tested in tests/test_finance.py)."""
    base = support or Support()

    def probability(level: float) -> float:
        flows = project_cash_flows(project, price_usd_per_kg, replace(base, floor_usd_per_kg=level))
        return covenant_probability(dscr(flows.cfads, flows.debt_service), covenant)

    high = float(high_usd_per_kg or 10.0 * float(np.max(price_usd_per_kg)))
    if probability(0.0) >= target:
        return 0.0
    if probability(high) < target:
        return None
    low = 0.0
    while high - low > tolerance_usd_per_kg:
        mid = 0.5 * (low + high)
        if probability(mid) >= target:
            high = mid
        else:
            low = mid
    return high


#: ``project_finance`` figures a project's cash flows cannot do without.
REQUIRED_FIGURES = (
    "capex_usd",
    "nameplate_t_per_year",
    "unit_opex_usd_per_kg",
    "royalty_share",
    "tax_rate_share",
    "gearing_share",
    "debt_tenor_years",
    "debt_rate_share",
)


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


def from_table_row(row: dict[str, object], *, discount_rate: float = 0.08) -> ProjectFinance:
    """A project's parameters from its ``project_finance`` row.

    The capex is spread by ``capex_schedule`` (else evenly over ``capex_years``,
    else in one year); output ramps up linearly over ``ramp_up_years``, the k-th
    production year at (k + 1) / (ramp_up_years + 1) of nameplate; an empty
    processing offset or sustaining capex is 0, and a project without debt
    (``gearing_share`` 0) needs no debt terms. A row missing any other of
    :data:`REQUIRED_FIGURES` (neither found in a source nor estimated) is refused,
    never filled in silently.
    """
    pid = str(row.get("project_id", "?"))
    unlevered = not _blank(row.get("gearing_share")) and float(str(row["gearing_share"])) == 0
    needed = [
        k
        for k in REQUIRED_FIGURES
        if not (unlevered and k in ("debt_tenor_years", "debt_rate_share"))
    ]
    missing = [k for k in needed if _blank(row.get(k))]
    if missing:
        raise CritminError(
            "the project's finance figures are incomplete",
            where=f"project_finance: {pid}",
            given="missing " + ", ".join(missing),
            allowed="every figure from a source, or a documented estimate named in "
            "estimated_fields",
        )
    schedule_text = row.get("capex_schedule")
    if not _blank(schedule_text):
        schedule = tuple(float(v) for v in str(schedule_text).split(";"))
    else:
        years = 1 if _blank(row.get("capex_years")) else int(str(row["capex_years"]))
        schedule = tuple([1.0 / years] * years)
    ramp = 0 if _blank(row.get("ramp_up_years")) else int(str(row["ramp_up_years"]))

    def number(key: str) -> float:
        value = row.get(key)
        return 0.0 if _blank(value) else float(str(value))

    return ProjectFinance(
        project_id=pid,
        capex_usd=number("capex_usd"),
        nameplate_t=number("nameplate_t_per_year"),
        unit_opex_usd_per_kg=number("unit_opex_usd_per_kg"),
        capex_schedule=schedule,
        ramp_up=tuple((k + 1) / (ramp + 1) for k in range(ramp)),
        sustaining_capex_usd=number("sustaining_capex_usd_per_year"),
        royalty_share=number("royalty_share"),
        tax_rate=number("tax_rate_share"),
        processing_offset_share=number("processing_tax_offset_share"),
        gearing_share=number("gearing_share"),
        debt_rate=number("debt_rate_share"),
        debt_tenor_years=max(int(number("debt_tenor_years")), 1),
        discount_rate=discount_rate,
    )
