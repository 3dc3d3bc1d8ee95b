"""Words, units and number formats for the figures critmin shows.

One glossary for every place a figure reaches a reader: the HTML reports'
tables and charts, the CLI's tables and the spreadsheet export. Each entry maps
a column or JSON key (``expected_shortfall_t``) to a label in words
("Expected shortfall"), its unit ("t") and what it means, and says how its
values print (:class:`Kind`): tonnes with thousands separators and three
significant figures below a thousand, shares as percentages, money in
millions or billions. A key the glossary lacks prints as itself; the tests
check that every column the reports and the CLI show has an entry.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported when a glossary is built, not with the module
    import pandas as pd


class Kind(StrEnum):
    """How a figure's values print."""

    TONNES = "tonnes"
    SHARE = "share"  # a fraction, printed as a percentage
    RATIO = "ratio"  # a multiple of a baseline
    USD = "usd"  # US dollars, in millions or billions
    USD_PER_T = "usd_per_t"
    USD_PER_KG = "usd_per_kg"
    MONTHS = "months"
    DAYS = "days"
    INDEX = "index"  # a score or an index without a unit (HHI on 0-1, GeoPolRisk)
    COUNT = "count"  # whole numbers: counts, ranks, years
    FLAG = "flag"  # yes or no
    TEXT = "text"


#: The unit shown after a label, by kind ("" for none).
UNITS: dict[Kind, str] = {
    Kind.TONNES: "t",
    Kind.SHARE: "%",
    Kind.RATIO: "× baseline",
    Kind.USD: "USD",
    Kind.USD_PER_T: "USD/t",
    Kind.USD_PER_KG: "USD/kg",
    Kind.MONTHS: "months",
    Kind.DAYS: "days",
}


@dataclass(frozen=True)
class Label:
    """A figure's label in words, how it prints, and what it means."""

    text: str
    kind: Kind
    meaning: str = ""

    @property
    def unit(self) -> str:
        """The unit shown after the label ("" for none)."""
        return UNITS.get(self.kind, "")

    @property
    def heading(self) -> str:
        """The label with its unit: ``Expected shortfall [t]``."""
        return f"{self.text} [{self.unit}]" if self.unit else self.text


_T, _S, _R, _U = Kind.TONNES, Kind.SHARE, Kind.RATIO, Kind.USD
_M, _I, _N, _X = Kind.MONTHS, Kind.INDEX, Kind.COUNT, Kind.TEXT

#: The glossary: column or JSON key -> label.
LABELS: dict[str, Label] = {
    # identifiers
    "mineral": Label("Mineral", _X),
    "consumer": Label("Consumer", _X, "ISO3 code; ROW is the rest of the world, WORLD the total"),
    "name": Label("Name", _X),
    "holder": Label("Reserve holder", _X),
    "stage": Label("Stage", _X, "mining or refining"),
    "year": Label("Year", _N),
    "month": Label("Month", _N, "months from the start of the simulation"),
    "segment": Label("Market", _X, "alliance, or the rest of the world"),
    "parameter": Label("Parameter", _X),
    "value": Label("Value", _X),
    "source": Label("Where it came from", _X),
    "note": Label("Note", _X),
    "metric": Label("Figure", _X),
    "a": Label("Run A", _X),
    "b": Label("Run B", _X),
    "b_minus_a": Label("B minus A", _X),
    # a run's shortfall
    "baseline_demand_t": Label(
        "Demand at baseline", _T, "what the consumer would buy over the horizon at baseline prices"
    ),
    "expected_shortfall_t": Label(
        "Expected shortfall", _T, "unmet demand over the horizon, the mean over paths"
    ),
    "expected_shortfall_share": Label(
        "Expected shortfall, share of demand", _S, "expected shortfall over baseline demand"
    ),
    "p50_shortfall_t": Label("Median shortfall", _T, "half the paths have less"),
    "p95_shortfall_t": Label("Shortfall, 1-in-20 bad case", _T, "95th percentile over paths"),
    "p99_shortfall_t": Label("Shortfall, 1-in-100 bad case", _T, "99th percentile over paths"),
    "cvar95_shortfall_t": Label(
        "Shortfall, mean of the worst 5 %", _T, "CVaR95: the mean of the worst 5 % of paths"
    ),
    "months_to_recovery_mean": Label(
        "Months to recovery, paths that recovered",
        _M,
        "mean over the paths that recovered within the horizon; see the unrecovered share",
    ),
    "months_to_recovery_p95": Label(
        "Months to recovery, 1-in-20 slow case",
        _M,
        "95th percentile over paths; empty when more than 5 % never recovered",
    ),
    "unrecovered_share": Label(
        "Paths not recovered at the horizon", _S, "share of paths still short at the end"
    ),
    "short_path_share": Label(
        "Chance of running short",
        _S,
        "share of paths with at least one month short by more than 0.5 % of demand",
    ),
    "unmet_by_cause_share": Label("Unmet demand by cause", _S),
    # prices
    "peak_price_ratio": Label(
        "Peak price, alliance", _R, "mean over paths of each path's highest monthly price"
    ),
    "peak_price_ratio_alliance": Label(
        "Peak price, alliance", _R, "mean over paths of each path's highest monthly price"
    ),
    "peak_price_ratio_rest": Label(
        "Peak price, rest of world", _R, "mean over paths of each path's highest monthly price"
    ),
    "trough_price_ratio_rest": Label(
        "Lowest price, rest of world",
        _R,
        "mean over paths of each path's lowest price (the imposer's withheld volume lowers it)",
    ),
    "p95_peak_price_ratio": Label("Peak price, 1-in-20 bad case", _R),
    "price_cap_binding_share": Label(
        "Months at the price cap", _S, "share of path-months whose price hit the numerical cap"
    ),
    "base_price_usd_per_kg": Label("Baseline price", Kind.USD_PER_KG),
    **{
        f"price_ratio_p{round(q * 100):02d}": Label(
            f"Price, {'median' if q == 0.5 else f'{round(q * 100)}th percentile'} over paths",
            _R,
            f"the month's price as a ratio to the baseline price; {round(q * 100)} % of paths "
            "have a lower one",
        )
        for q in (0.05, 0.25, 0.5, 0.75, 0.95)
    },
    "withheld_t": Label("Withheld by the imposer", _T),
    # costs
    "floor_cost_usd": Label("Price floors' cost", _U, "mean over paths, total over the horizon"),
    "reserve_net_cost_usd": Label(
        "Reserves' net cost", _U, "purchases minus the revenue of releases, mean over paths"
    ),
    "fiscal_cost_usd": Label("Fiscal cost", _U, "floors' cost plus reserves' net cost"),
    "reserve_purchase_usd": Label("Purchases", _U),
    "purchase_cost_usd": Label("Purchases", _U),
    "reserve_release_usd": Label("Revenue of releases", _U, "releases sold at the market price"),
    "release_revenue_usd": Label("Revenue of releases", _U, "releases sold at the market price"),
    "net_fiscal_cost_usd": Label("Net cost", _U, "purchases minus the revenue of releases"),
    "cost_by_member": Label("Net cost by member", _X),
    "net_fiscal_cost_by_member_usd": Label("Net cost by member", _U),
    # price instruments (critmin floor)
    "expected_annual_cost_usd": Label(
        "Expected fiscal cost a year", _U, "mean over paths and years"
    ),
    "p95_annual_cost_usd": Label(
        "Fiscal cost a year, 1-in-20 bad year", _U, "95th percentile of path-years"
    ),
    "cvar95_annual_cost_usd": Label(
        "Fiscal cost a year, mean of the worst 5 %", _U, "CVaR95 of path-years"
    ),
    "expected_total_cost_usd": Label("Expected fiscal cost over the horizon", _U),
    "expected_top_up_usd": Label("Expected top-ups paid", _U),
    "expected_upside_returned_usd": Label(
        "Expected upside returned", _U, "the share of prices above the ceiling paid back"
    ),
    "expected_covered_t": Label("Expected tonnes covered over the horizon", _T),
    "usd_per_t_secured": Label(
        "Fiscal cost per tonne covered", Kind.USD_PER_T, "expected cost over expected tonnes"
    ),
    "simulator_expected_floor_cost_usd": Label(
        "Simulator's expected floor cost", _U, "the simulator's own account of the top-ups"
    ),
    "paying_probability_by_year": Label("Chance the floor pays, by year", _S),
    "floor_usd_per_kg": Label("Floor", Kind.USD_PER_KG),
    "ceiling_usd_per_kg": Label("Ceiling", Kind.USD_PER_KG),
    # reserves
    "target_t": Label("Target stock", _T),
    "released_t": Label("Released, mean over paths", _T),
    "min_days_of_cover": Label(
        "Lowest days of cover", Kind.DAYS, "lowest monthly mean stock over members' daily demand"
    ),
    "shortfall_without_t": Label("Expected shortfall without reserves", _T),
    "shortfall_with_t": Label("Expected shortfall with reserves", _T),
    "shortfall_removed_t": Label("Shortfall the reserves remove", _T),
    "removed_share": Label("Share of the shortfall removed", _S),
    "cvar95_without_t": Label("Worst 5 % without reserves", _T, "CVaR95"),
    "cvar95_with_t": Label("Worst 5 % with reserves", _T, "CVaR95"),
    "usd_per_t_removed": Label("Net cost per tonne removed", Kind.USD_PER_T),
    # what limited supply
    "price": Label("Priced out", _S, "buyers took less because the price rose"),
    "restriction": Label("Export restriction", _S),
    "output_outage": Label("Outages", _S),
    "refiners_feed": Label("Refiners short of feed", _S),
    "capacity": Label("Capacity", _S, "capacity capped the producers' response to the price"),
    "stocks": Label("Stocks ran out", _S, "no supply was lost that month"),
    # monthly table
    "demand_mean_t": Label("Demand, mean over paths", _T, "per month"),
    "consumption_mean_t": Label("Consumption, mean over paths", _T, "per month"),
    "unmet_mean_t": Label("Unmet demand, mean over paths", _T, "per month"),
    # concentration and priorities
    "world_total_t": Label("World total", _T),
    "n_countries": Label("Countries with data", _N),
    "hhi": Label("Concentration (HHI, 0-1)", _I, "Herfindahl-Hirschman index of country shares"),
    "hhi_10000": Label("Concentration (HHI, 0-10,000)", _N),
    "top_country": Label("Largest producer", _X),
    "top_share": Label("Largest producer's share", _S),
    "top3_share": Label("Three largest producers' share", _S),
    "china_share": Label("Share of supply from China", _S),
    "gov_weighted_hhi": Label(
        "Governance-weighted concentration", _I, "HHI weighted by producers' WGI governance"
    ),
    "outside_group_share": Label("Share of supply from outside the allied group", _S),
    "unattributed_share": Label("Share not attributed to a country", _S),
    "is_bottleneck": Label("Most concentrated stage", Kind.FLAG),
    "basis": Label("What the tonnes measure", _X),
    "rank": Label("Rank", _N),
    "score": Label("Priority score", _I, "indicators met, weighted"),
    "is_priority": Label("Priority mineral", Kind.FLAG),
    "indicators_met": Label("Indicators met", _X),
    "bottleneck_stage": Label("Most concentrated stage", _X),
    "hhi_value": Label("Concentration (HHI, 0-1)", _I),
    "top_share_value": Label("Largest producer's share", _S),
    "china_share_value": Label("Share of supply from China", _S),
    "nir_share_value": Label("Net import reliance", _S),
    "outside_group_share_value": Label("Share of supply from outside the allied group", _S),
    "eu_sr_value": Label("EU supply risk", _I),
    # dependence
    "nir_share": Label("Net import reliance", _S, "imports minus exports over apparent use"),
    "nir_qualifier": Label("Reliance qualifier", _X, "<, > or E (net exporter)"),
    "qualifier": Label("Reliance qualifier", _X, "<, > or E (net exporter)"),
    "nir_source": Label("Reliance source", _X),
    "top_supplier": Label("Largest supplier", _X),
    "top_supplier_share": Label("Largest supplier's share of imports", _S),
    "geopolrisk": Label("GeoPolRisk score", _I),
    "geopolrisk_year": Label("GeoPolRisk year", _N),
    "supplier": Label("Supplier", _X),
    "exposure_share": Label("Share of exposure", _S),
    "import_share": Label("Share of imports", _S),
    "imports_t": Label("Imports", _T),
    "value_usd": Label("Import value", _U),
    "via": Label("Via", _X),
    "published_import_rank": Label("Import rank (published)", _N),
    "hs_code": Label("HS code", _X),
    "product": Label("Product", _X),
    "derived_stage": Label("Derived: stage", _X),
    "derived_year": Label("Derived: year", _N),
    "derived_nir_share": Label("Derived: net import reliance", _S),
    "derived_qualifier": Label("Derived: qualifier", _X),
    "difference": Label("Difference", _S),
    "derived_note": Label("Derived: note", _X),
    "source_id": Label("Source id", _X),
    # data coverage and sources
    "coverage": Label("Coverage", _X),
    "unit": Label("Unit", _X),
    "title": Label("Title", _X),
    "publisher": Label("Publisher", _X),
    "doi_or_url": Label("DOI or URL", _X),
    "licence": Label("Licence", _X),
    "estimated_share": Label(
        "Share of the total estimated", _S, "tonnes a source estimated rather than reported"
    ),
}


#: Short words for the priority indicators a mineral meets (``indicators_met``).
INDICATOR_WORDS: dict[str, str] = {
    "hhi": "concentrated",
    "top_share": "one dominant producer",
    "china_share": "China-dominated",
    "nir_share": "import-reliant",
    "outside_group_share": "supplied from outside the group",
    "eu_sr": "EU supply risk",
}


def label(key: str) -> Label:
    """The label of ``key``; a key the glossary lacks labels itself, as text."""
    return LABELS.get(key) or Label(key, Kind.TEXT)


def heading(key: str) -> str:
    """The heading of ``key``'s column: its label and unit."""
    return label(key).heading


def tonnes(value: float) -> str:
    """Tonnes for a reader: thousands separators, three significant figures below a thousand.

    Below half a kilogram a figure is rounding noise of the model's arithmetic: 0.

    >>> tonnes(1234567.8), tonnes(610.0), tonnes(49.119), tonnes(0.01234), tonnes(3e-11)
    ('1,234,568', '610', '49.1', '0.0123', '0')
    """
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size < 5e-4:
        return "0"
    return f"{value:.3g}"


def share(value: float) -> str:
    """A fraction as a percentage, with two significant figures when it is small; below
    a millionth it is rounding noise (0 %), below 0.01 % it shows as such.

    >>> share(0.4567), share(0.004567), share(0.0), share(1.0), share(0.9996)
    ('45.7%', '0.46%', '0%', '100.0%', '>99.9%')
    >>> share(2.2e-17), share(3e-5)
    ('0%', '<0.01%')
    """
    if abs(value) < 1e-6:
        return "0%"
    if abs(value) < 1e-4:
        return f"{'-' if value < 0 else ''}<0.01%"
    if abs(value) < 0.01:
        return f"{value * 100:.2g}%"
    text = f"{value:.1%}"
    if text in ("100.0%", "-100.0%") and abs(value) != 1:  # never round to all of it
        return f"{'-' if value < 0 else ''}>99.9%"
    return text


def usd(value: float) -> str:
    """US dollars in millions or billions.

    >>> usd(382049.6), usd(2.5e9), usd(-1.109e7), usd(0.0)
    ('$0.38 M', '$2.50 bn', '-$11.09 M', '$0')
    """
    if value == 0:
        return "$0"
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e9:
        return f"{sign}${size / 1e9:,.2f} bn"
    return f"{sign}${size / 1e6:,.2f} M"


def _plain(value: float, spec: str) -> str:
    return format(value, spec)


def format_value(key: str, value: object) -> str:
    """``value`` of column ``key`` as text for a reader; unknown values are empty.

    >>> format_value("expected_shortfall_t", 610.0), format_value("unrecovered_share", 0.25)
    ('610', '25.0%')
    >>> format_value("peak_price_ratio", 2.345), format_value("is_priority", True)
    ('×2.35', 'yes')
    """
    if value is None or type(value).__name__ == "NAType":  # pandas.NA
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    kind = label(key).kind
    if kind == Kind.FLAG:
        return "yes" if bool(value) else "no"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    number = float(value)
    if math.isinf(number):
        return str(value)
    match kind:
        case Kind.TONNES:
            return tonnes(number)
        case Kind.SHARE:
            return share(number)
        case Kind.RATIO:
            return f"×{number:.2f}"
        case Kind.USD:
            return usd(number)
        case Kind.USD_PER_T:
            return f"${number:,.0f}"
        case Kind.USD_PER_KG:
            return f"${number:,.2f}"
        case Kind.MONTHS:
            return _plain(number, ".1f")
        case Kind.DAYS:
            return _plain(number, ",.0f")
        case Kind.COUNT:
            return _plain(number, ".0f")
        case _:
            return _plain(number, ".3g") if abs(number) < 1000 else _plain(number, ",.0f")


def glossary(keys: list[str] | None = None) -> pd.DataFrame:
    """Label, unit, key and meaning of ``keys`` (default: the whole glossary), one row each."""
    import pandas as pd

    chosen = list(dict.fromkeys(keys if keys is not None else LABELS))
    return pd.DataFrame(
        [
            {
                "label": label(k).text,
                "unit": label(k).unit,
                "key": k,
                "meaning": label(k).meaning,
            }
            for k in chosen
        ],
        columns=["label", "unit", "key", "meaning"],
    )
