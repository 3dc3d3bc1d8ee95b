"""Policy economics: price instruments, contracts and project cash flows over the
simulator's price paths (docs/methods.md, "Price instruments" and "Project finance").

The functions here are pure and vectorised over paths × months (instruments) or
paths × years (cash flows); they take arrays, not runs, so that each can be checked
by hand.
"""

from critmin.finance.cashflow import (
    CostDistribution,
    Irr,
    IrrStatus,
    annual,
    annuity_payment,
    cost_distribution,
    covenant_probability,
    cvar,
    debt_schedule,
    dscr,
    irr,
    min_dscr,
    npv,
)
from critmin.finance.instruments import (
    KG_PER_T,
    BorderPayments,
    Contract,
    ContractPayments,
    FloorPayments,
    PriceTerms,
    SplitRule,
    border_adjusted_floor,
    cfd_floor,
    contract_payments,
    contract_price,
    split_cost,
)

__all__ = [
    "KG_PER_T",
    "BorderPayments",
    "Contract",
    "ContractPayments",
    "CostDistribution",
    "FloorPayments",
    "Irr",
    "IrrStatus",
    "PriceTerms",
    "SplitRule",
    "annual",
    "annuity_payment",
    "border_adjusted_floor",
    "cfd_floor",
    "contract_payments",
    "contract_price",
    "cost_distribution",
    "covenant_probability",
    "cvar",
    "debt_schedule",
    "dscr",
    "irr",
    "min_dscr",
    "npv",
    "split_cost",
]
