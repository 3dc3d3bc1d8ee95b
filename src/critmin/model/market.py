"""Baseline markets: who supplies whom, how much, at what price.

:func:`build_markets` turns the dataset and a scenario into one
:class:`MineralMarket` per simulated mineral: plain arrays of baseline monthly
output by producer, demand by consumer, the baseline flow matrices between
stages, capacities, the base price and the elasticities. Everything here is
deterministic; the monthly dynamics are in :mod:`critmin.engine`.

Equations and assumptions are in docs/methods.md, section "Disruption simulator".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from critmin import countries
from critmin.countries import ROW
from critmin.errors import CritminError
from critmin.scenario import Scenario
from critmin.world.load import World
from critmin.world.schema import MARKET_PARAMETER_NAMES, Stage
from critmin.world.trade import (
    apparent_consumption,
    reattribute_hubs,
    trade_rows,
    trade_years,
)


@dataclass
class Stage2:
    """One stage's producers: codes, baseline monthly output and capacity [t/month]."""

    stage: str
    codes: list[str]
    output: np.ndarray
    capacity: np.ndarray
    year: int


@dataclass
class MineralMarket:
    """Baseline market of one mineral, in tonnes per month of the final stage's basis.

    Attributes
    ----------
    mineral
        Mineral id.
    final
        Producers of the final stage (refiners, or miners for one-stage minerals).
    mining
        Miners when the mineral has two stages, else None.
    yield_ratio
        Final-stage output per tonne of mined output at baseline [t/t]; converts
        mining quantities to the final basis.
    consumers
        Consumer codes (explicit consumers, then ``ROW``).
    demand
        Baseline demand per consumer [t/month].
    demand_sources
        Where each consumer's demand comes from.
    flows
        Baseline deliveries from final-stage producers to consumers, shape
        (producers, consumers) [t/month]; rows sum to output, columns to demand.
    feed_flows
        Baseline ore flows from miners to refiners, shape (miners, refiners)
        [t/month, final basis], or None.
    alliance
        True for consumers in the allied price segment.
    base_price_usd_per_kg
        Baseline price [USD/kg] and ``price_source``.
    """

    mineral: str
    final: Stage2
    mining: Stage2 | None
    yield_ratio: float
    consumers: list[str]
    demand: np.ndarray
    demand_sources: list[str]
    flows: np.ndarray
    feed_flows: np.ndarray | None
    alliance: np.ndarray
    alliance_members: frozenset[str]
    base_price_usd_per_kg: float
    price_source: str
    demand_elasticity: float
    supply_elasticity: float
    long_run_demand_elasticity: float = 0.0
    long_run_supply_elasticity: float = 0.0
    #: where each per-mineral market parameter came from (parameter -> text)
    parameter_sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def stages(self) -> list[str]:
        """Stages simulated, upstream first."""
        return [s.stage for s in (self.mining, self.final) if s is not None]

    def producers(self, stage: str) -> Stage2:
        """The producers of ``stage``."""
        if self.mining is not None and stage == self.mining.stage:
            return self.mining
        if stage == self.final.stage:
            return self.final
        raise CritminError(
            f"{self.mineral} has no {stage} stage in the simulation",
            where="stage",
            given=stage,
            allowed=self.stages,
        )


def _stage_supply(
    world: World, mineral: str, stage: str, year: int | None, min_share: float, headroom: float
) -> Stage2:
    """Producers of one stage in the base year, small ones merged into ROW."""
    years = world.years(mineral, stage)
    if not years:
        raise CritminError(f"no production data for {mineral} {stage}", where="minerals")
    use = year if year is not None and year in years else years[-1]
    rows = world.rows("production", mineral=mineral, stage=stage, year=use)
    totals = world.rows("production_totals", mineral=mineral, stage=stage, year=use)
    total = float(totals["world_total_t"].iloc[0])
    named = rows[rows["country"] != ROW].sort_values(
        ["value_t", "country"], ascending=[False, True]
    )
    keep = named[named["value_t"] >= min_share * total]
    codes = keep["country"].tolist()
    output = keep["value_t"].to_numpy(dtype=float)
    capacity = keep["capacity_t"].to_numpy(dtype=float)
    rest = total - float(output.sum())
    if rest > 0:
        codes.append(ROW)
        output = np.append(output, rest)
        capacity = np.append(capacity, np.nan)
    known = np.isfinite(capacity) & (capacity >= output)
    capacity = np.where(known, capacity, output * (1.0 + headroom))
    return Stage2(stage, codes, output / 12.0, capacity / 12.0, int(use))


def pool_flows(
    supply: np.ndarray, supply_codes: list[str], demand: np.ndarray, demand_codes: list[str]
) -> np.ndarray:
    """Baseline flows: domestic supply first, the rest through a world pool.

    Each buyer first takes its own country's output (up to its demand); the
    remaining demand is met from the pool of all producers' exportable surplus,
    in proportion to each producer's surplus. ``ROW`` buys from ``ROW`` first.
    Rows of the result sum to ``supply`` and columns to ``demand`` when the
    totals are equal.

    >>> pool_flows(np.array([8.0, 2.0]), ["CHN", "AUS"], np.array([5.0, 5.0]), ["CHN", "USA"])
    array([[5., 3.],
           [0., 2.]])
    """
    flows = np.zeros((len(supply), len(demand)))
    surplus = supply.astype(float).copy()
    deficit = demand.astype(float).copy()
    for j, code in enumerate(demand_codes):
        if code in supply_codes:
            i = supply_codes.index(code)
            own = min(surplus[i], deficit[j])
            flows[i, j] += own
            surplus[i] -= own
            deficit[j] -= own
    total_deficit = deficit.sum()
    total_surplus = surplus.sum()
    if total_deficit > 0 and total_surplus > 0:
        scale = min(1.0, total_deficit / total_surplus)
        flows += np.outer(surplus * scale, deficit / total_deficit)
    return flows


def ras(
    matrix: np.ndarray, rows: np.ndarray, cols: np.ndarray, *, iterations: int = 20_000
) -> np.ndarray:
    """Scale ``matrix`` so its rows and columns sum to the given margins (RAS / IPF).

    Iterates until every row and column sum is within 1e-13 of the margins'
    total (relative), or ``iterations`` is reached.

    RAS keeps the seed's cross-product ratio (here 1 x 3 / (1 x 1) = 3): with
    margins rows (3, 3) and columns (2, 4) the top-left cell x solves
    x (1 + x) / ((3 - x)(2 - x)) = 3, so x = 4 - sqrt(7):

    >>> out = ras(np.array([[1.0, 1.0], [1.0, 3.0]]), np.array([3.0, 3.0]), np.array([2.0, 4.0]))
    >>> bool(abs(out[0, 0] - (4 - 7**0.5)) < 1e-12), out.sum(axis=0).round(12).tolist()
    (True, [2.0, 4.0])
    """
    out = matrix.astype(float).copy()
    scale = max(float(np.sum(rows)), 1e-300)
    for _ in range(iterations):
        r = out.sum(axis=1)
        out *= np.divide(rows, r, out=np.ones_like(rows, dtype=float), where=r > 0)[:, None]
        c = out.sum(axis=0)
        out *= np.divide(cols, c, out=np.ones_like(cols, dtype=float), where=c > 0)[None, :]
        if np.max(np.abs(out.sum(axis=1) - rows)) <= 1e-13 * scale:
            break
    return out


#: Weight of the pool prior in a trade-based flow matrix: keeps the RAS feasible
#: where a producer's recorded exports fall short of its exportable surplus.
TRADE_PRIOR_WEIGHT = 1e-6


#: Trade older than this many years before the base year is not used for flows.
MAX_TRADE_AGE_YEARS = 2


def trade_matrix(
    world: World,
    mineral: str,
    stage: str,
    year: int,
    suppliers: list[str],
    buyers: list[str],
    *,
    to_end_users: bool,
) -> tuple[np.ndarray, int | None, float]:
    """Recorded trade from suppliers to buyers of one stage, aggregated to their codes.

    Trade more than :data:`MAX_TRADE_AGE_YEARS` years before the base year is
    not used (germanium's HS 1992 trade ends in 2006). With ``to_end_users``
    (flows to consumers), ores that go to smelters first are left out
    (``hs_codes.smelter_feed``). Exporters that are producers of the stage map
    to their code, or to ``ROW``
    when merged into it; exporters that produce nothing at the stage
    (re-exporters, hubs) are left out, and their share of the trade is
    returned. Importers not among ``buyers`` map to ``ROW`` if it is a buyer.

    Returns
    -------
    matrix, year, left_out_share
        Trade [t of the measure of :func:`critmin.world.trade.trade_rows`] of
        shape (suppliers, buyers); the trade year used (the base year if the
        trade has it, else the latest earlier year, else the latest year; None
        when there is no trade); the share of the trade left out.
    """
    years = [y for y in trade_years(world, mineral, stage) if year - y <= MAX_TRADE_AGE_YEARS]
    earlier = [y for y in years if y <= year]
    if not earlier and not years:
        return np.zeros((len(suppliers), len(buyers))), None, 0.0
    use = earlier[-1] if earlier else years[0]
    rows = trade_rows(world, mineral, stage, use, end_use_only=to_end_users).rows
    rows = rows[rows["has_quantity"] & (rows["quantity_t"] > 0)]
    prod = world.rows("production", mineral=mineral, stage=stage, year=year)
    prod = prod[prod["value_t"] > 0]
    output = prod.groupby("country")["value_t"].sum()
    producers = set(output.index)
    # re-exports: what countries that produce nothing at this stage ship on is traced
    # back to where they bought it (the proportional mix of their imports)
    traders = sorted(set(rows["exporter"]) - producers)
    rows = reattribute_hubs(rows[["exporter", "importer", "quantity_t"]], output, traders)
    s_index = {c: i for i, c in enumerate(suppliers)}
    b_index = {c: j for j, c in enumerate(buyers)}
    row_s = s_index.get(ROW)
    row_b = b_index.get(ROW)
    exporter = rows["exporter"].map(lambda c: s_index.get(c, row_s if c in producers else None))
    importer = rows["importer"].map(lambda c: b_index.get(c, row_b))
    keep = exporter.notna() & importer.notna()
    total = float(rows["quantity_t"].sum())
    matrix = np.zeros((len(suppliers), len(buyers)))
    np.add.at(
        matrix,
        (exporter[keep].astype(int).to_numpy(), importer[keep].astype(int).to_numpy()),
        rows.loc[keep, "quantity_t"].to_numpy(dtype=float),
    )
    left_out = 1.0 - float(rows.loc[keep, "quantity_t"].sum()) / total if total > 0 else 0.0
    return matrix, int(use), left_out


def follow_trade(
    base: np.ndarray,
    seed: np.ndarray,
    supply: np.ndarray,
    supply_codes: list[str],
    demand: np.ndarray,
    demand_codes: list[str],
) -> tuple[np.ndarray, list[str]]:
    """Baseline flows whose import mix follows recorded trade, scaled to the margins.

    Each buyer with recorded imports keeps its own country's supply from
    ``base`` (the pool flows: domestic supply first) and spreads the rest of
    its demand over suppliers in proportion to its recorded imports, blended
    with the pool's mix at weight :data:`TRADE_PRIOR_WEIGHT`. The matrix is
    then scaled by RAS so rows sum to ``supply`` and columns to ``demand``.

    >>> base = np.array([[5.0, 3.0], [0.0, 2.0]])
    >>> seed = np.array([[0.0, 0.0], [0.0, 4.0]])
    >>> flows, used = follow_trade(base, seed, np.array([8.0, 2.0]), ["CHN", "AUS"],
    ...                            np.array([5.0, 5.0]), ["CHN", "USA"])
    >>> used, flows.round(3).tolist()
    (['USA'], [[5.0, 3.0], [0.0, 2.0]])
    """
    flows = base.copy()
    used = []
    for j, code in enumerate(demand_codes):
        mix = seed[:, j].astype(float).copy()
        own = supply_codes.index(code) if code in supply_codes else None
        if own is not None:
            mix[own] = 0.0
        if mix.sum() <= 0:
            continue
        domestic = flows[own, j] if own is not None else 0.0
        need = flows[:, j].sum() - domestic
        prior = flows[:, j].copy()
        if own is not None:
            prior[own] = 0.0
        prior = prior / prior.sum() if prior.sum() > 0 else np.zeros_like(prior)
        weights = (1 - TRADE_PRIOR_WEIGHT) * mix / mix.sum() + TRADE_PRIOR_WEIGHT * prior
        column = need * weights / weights.sum()
        if own is not None:
            column[own] += domestic
        flows[:, j] = column
        used.append(code)
    if used:
        flows = ras(flows, supply, demand)
    return flows, used


#: Order of preference among consumption kinds.
_KIND_ORDER = {"apparent": 0, "reported": 1, "demand": 2}


def _world_total(world: World, mineral: str, stage: str, year: int) -> float | None:
    rows = world.rows("production_totals", mineral=mineral, stage=stage)
    if rows.empty:
        return None
    exact = rows[rows["year"] == year]
    use = exact if not exact.empty else rows[rows["year"] == rows["year"].max()]
    return float(use["world_total_t"].iloc[0])


def named_consumers(scenario: Scenario, mineral: str) -> list[str]:
    """Countries the scenario names as buyers of ``mineral``, sorted.

    Targets of export restrictions, consumers of demand surges, members of
    reserves and buyers' clubs, and ``market.consumers`` entries, for events
    and policies that cover the mineral; groups are expanded, ``all`` and
    ``ROW`` are not countries.
    """
    named: set[str] = set()

    def covers(minerals: list[str]) -> bool:
        return minerals == ["all"] or mineral in minerals

    for event in scenario.events:
        if not covers(list(event.minerals)):
            continue
        for attr in ("targets", "consumers"):
            given = [c for c in getattr(event, attr, []) if c not in ("all", ROW)]
            named |= set(countries.expand(given))
    for reserve in scenario.policies.reserves:
        if covers(reserve.minerals):
            named |= set(countries.expand(list(reserve.members)))
    for club in scenario.policies.buyers_clubs:
        if covers(club.minerals):
            named |= set(countries.expand(club.members))
    for code, spec in scenario.market.consumers.items():
        if mineral in spec:
            named.add(code)
    return sorted(c for c in named if countries.is_country(c))


def _apparent_share(
    world: World, consumer: str, mineral: str, stages: list[str]
) -> tuple[float, str] | None:
    """A consumer's share of world output from its apparent consumption, if known.

    The final stage is tried first, then the mining stage: the latest trade
    year with an exact apparent consumption, over that stage's world total.
    """
    for stage in reversed(stages):
        tot = world.rows("production_totals", mineral=mineral, stage=stage)
        totals = dict(zip(tot["year"].astype(int), tot["world_total_t"].astype(float), strict=True))
        years = [y for y in trade_years(world, mineral, stage) if totals.get(y, 0.0) > 0]
        for year in reversed(years):
            row = apparent_consumption(
                world, consumer, mineral, stage=stage, years=year, end_use_only=True
            ).iloc[0]
            consumed = float(row["apparent_consumption_t"])
            if np.isfinite(consumed) and consumed > 0:
                share = min(consumed / totals[year], 1.0)
                return share, (
                    f"apparent consumption {year} from {row['source_id']} "
                    f"(production + imports - exports, {stage} basis) over world {stage} output"
                )
    return None


def _consumer_demand(
    world: World,
    scenario: Scenario,
    mineral: str,
    world_demand: float,
    reference_stage: str,
    stages: list[str],
) -> tuple[list[str], np.ndarray, list[str]]:
    """Explicit consumers' baseline demand [t/month], then ROW as the remainder.

    A consumer's share of world demand comes, in order of preference, from the
    scenario's ``market.consumers``; from the ``consumption`` table (its latest
    figure over the world total of the reference stage in the same year:
    apparent, else reported, else demand); or from the ``demand_shares``
    table (latest year). A country the scenario names (:func:`named_consumers`)
    with none of these takes its apparent consumption from production and
    trade (:func:`critmin.world.trade.apparent_consumption`) over the world
    output of the same stage. The share is applied to the base year's world
    demand.
    """
    shares: dict[str, tuple[float, str]] = {}
    rows = world.rows("demand_shares", mineral=mineral)
    rows = rows[rows["consumer"].map(countries.is_country).astype(bool)]
    for code, group in rows.groupby("consumer"):
        latest = group.sort_values("year").iloc[-1]
        shares[str(code)] = (
            float(latest["share_of_world_demand"]),
            f"{latest['source_id']} ({int(latest['year'])} share of world demand)",
        )
    rows = world.rows("consumption", mineral=mineral, sector="all", kind=list(_KIND_ORDER))
    rows = rows[rows["consumer"].map(countries.is_country).astype(bool)]
    for code, group in rows.groupby("consumer"):
        group = group.assign(_k=group["kind"].map(_KIND_ORDER))
        best = group[group["_k"] == group["_k"].min()].sort_values("year").iloc[-1]
        total = _world_total(world, mineral, reference_stage, int(best["year"]))
        if not total:
            continue
        shares[str(code)] = (
            float(best["value_t"]) / total,
            f"{best['source_id']} ({int(best['year'])} {best['kind']} consumption "
            f"over world {reference_stage} output)",
        )
    for code, spec in scenario.market.consumers.items():
        demand = spec.get(mineral)
        if demand is None or demand.from_dataset:
            continue
        if demand.share_of_world_demand is not None:
            share = demand.share_of_world_demand
        else:
            share = float(demand.tonnes_per_year or 0.0) / 12.0 / world_demand
        shares[code] = (share, f"scenario: {demand.source}")
    for code in named_consumers(scenario, mineral):
        if code not in shares:
            derived = _apparent_share(world, code, mineral, stages)
            if derived is not None:
                shares[code] = derived
    codes = sorted(shares)
    values = [shares[c][0] * world_demand for c in codes]
    sources = [shares[c][1] for c in codes]
    if sum(values) > world_demand * (1 + 1e-9):
        raise CritminError(
            f"explicit consumers' demand for {mineral} exceeds world demand",
            where="market.consumers",
            given=", ".join(f"{c} {shares[c][0]:.3f}" for c in codes),
            allowed="shares of world demand summing to at most 1",
        )
    codes.append(ROW)
    values.append(max(world_demand - sum(values), 0.0))
    sources.append("world demand minus the explicit consumers")
    return codes, np.array(values), sources


#: The per-mineral keys of ``market.elasticity_overrides`` and the parameter each sets.
_OVERRIDES = {"demand_elasticity": "demand", "supply_elasticity": "supply"}


def market_parameters(
    world: World, scenario: Scenario, mineral: str
) -> tuple[dict[str, float], dict[str, str]]:
    """The per-mineral market parameters (``MARKET_PARAMETER_NAMES``) and where each
    came from, first found of: the scenario's per-mineral ``elasticity_overrides``,
    a value the scenario's ``market:`` section sets, the package's
    ``market_parameters`` table, the scenario default (critmin's assumption)."""
    market = scenario.market
    override = market.elasticity_overrides.get(mineral, {})
    rows = world.rows("market_parameters", mineral=mineral)
    table = {str(r["parameter"]): r for _, r in rows.iterrows()}
    values: dict[str, float] = {}
    sources: dict[str, str] = {}
    for name in MARKET_PARAMETER_NAMES:
        key = _OVERRIDES.get(name)
        if key is not None and key in override:
            values[name] = float(override[key])
            sources[name] = f"scenario: market.elasticity_overrides.{mineral}.{key}"
        elif name in market.model_fields_set:
            values[name] = float(getattr(market, name))
            sources[name] = f"scenario: market.{name}"
        elif name in table:
            row = table[name]
            values[name] = float(row["value"])
            how = (
                f"calibrated on {row['calibrated_on']}"
                if row["basis"] == "calibrated"
                else "published"
            )
            sources[name] = f"market_parameters: {row['source_id']} ({how})"
        else:
            values[name] = float(getattr(market, name))
            sources[name] = "default: critmin's assumption (docs/methods.md)"
    return values, sources


def _convention(world: World, mineral: str, column: str) -> str | None:
    """The ``market_conventions`` entry of ``mineral`` in ``column`` (None if there is none)."""
    rows = world.rows("market_conventions", mineral=mineral)
    values = [str(v) for v in rows[column] if isinstance(v, str) and v]
    return values[0] if values else None


def _base_price(world: World, scenario: Scenario, mineral: str) -> tuple[float, str]:
    if mineral in scenario.market.base_prices_usd_per_kg:
        return float(scenario.market.base_prices_usd_per_kg[mineral]), "scenario"
    series = _convention(world, mineral, "reference_price_series")
    rows = world.rows("prices", mineral=mineral)
    rows = rows[rows["price_usd_per_kg"].notna()]
    if series is not None and (rows["series"] == series).any():
        rows = rows[rows["series"] == series]
    if rows.empty:
        raise CritminError(
            f"no baseline price for {mineral}",
            where="market.base_prices_usd_per_kg",
            allowed="a price in the dataset or one given in the scenario",
        )
    latest = rows[rows["year"] == rows["year"].max()].iloc[0]
    return (
        float(latest["price_usd_per_kg"]),
        f"{latest['series']} {int(latest['year'])} ({latest['source_id']})",
    )


def build_market(world: World, scenario: Scenario, mineral: str) -> MineralMarket:
    """The baseline market of one mineral (see the module docstring)."""
    market = scenario.market
    stages = world.stages(mineral)
    if not stages:
        raise CritminError(
            f"{mineral} has no production data to simulate",
            where="minerals",
            given=mineral,
            allowed=[m for m in world.mineral_ids if world.stages(m)],
        )
    final_stage = stages[-1]
    final = _stage_supply(
        world,
        mineral,
        final_stage,
        market.base_year,
        market.min_supplier_share,
        market.capacity_headroom_share,
    )
    mining = None
    yield_ratio = 1.0
    if len(stages) == 2:
        mining = _stage_supply(
            world,
            mineral,
            Stage.MINING.value,
            market.base_year,
            market.min_supplier_share,
            market.capacity_headroom_share,
        )
        yield_ratio = float(final.output.sum() / mining.output.sum())
        mining = Stage2(
            mining.stage,
            mining.codes,
            mining.output * yield_ratio,
            mining.capacity * yield_ratio,
            mining.year,
        )
    world_demand = float(final.output.sum())
    basis = _convention(world, mineral, "consumption_stage")
    reference = basis if basis is not None and basis in stages else final.stage
    consumers, demand, sources = _consumer_demand(
        world, scenario, mineral, world_demand, reference, stages
    )
    flows = pool_flows(final.output, final.codes, demand, consumers)
    seed, trade_year, left_out = trade_matrix(
        world, mineral, final.stage, final.year, final.codes, consumers, to_end_users=True
    )
    flows, traded = follow_trade(flows, seed, final.output, final.codes, demand, consumers)
    notes = []
    if traded:
        notes.append(
            f"{final.stage} flows to {', '.join(traded)} follow {trade_year} bilateral trade "
            f"(re-exports traced to their origin; {left_out:.0%} of it, shipped by traders "
            "with no recorded imports, left out)"
        )
    else:
        notes.append(f"{final.stage} flows: world-pool assumption (no bilateral trade)")
    feed = None
    if mining is not None:
        feed = pool_flows(mining.output, mining.codes, final.output, final.codes)
        seed, trade_year, left_out = trade_matrix(
            world, mineral, mining.stage, mining.year, mining.codes, final.codes, to_end_users=False
        )
        feed, fed = follow_trade(feed, seed, mining.output, mining.codes, final.output, final.codes)
        if fed:
            notes.append(
                f"ore flows to refiners {', '.join(fed)} follow {trade_year} bilateral trade "
                f"(re-exports traced to their origin; {left_out:.0%} of it left out)"
            )
        else:
            notes.append("ore flows to refiners: world-pool assumption (no mining-stage trade)")
    alliance_members = set(countries.expand(market.alliance))
    alliance = np.array([c in alliance_members for c in consumers])
    price, price_source = _base_price(world, scenario, mineral)
    values, parameter_sources = market_parameters(world, scenario, mineral)
    return MineralMarket(
        mineral=mineral,
        final=final,
        mining=mining,
        yield_ratio=yield_ratio,
        consumers=consumers,
        demand=demand,
        demand_sources=sources,
        flows=flows,
        feed_flows=feed,
        alliance=alliance,
        alliance_members=frozenset(alliance_members),
        base_price_usd_per_kg=price,
        price_source=price_source,
        demand_elasticity=values["demand_elasticity"],
        supply_elasticity=values["supply_elasticity"],
        long_run_demand_elasticity=values["long_run_demand_elasticity"],
        long_run_supply_elasticity=values["long_run_supply_elasticity"],
        parameter_sources=parameter_sources,
        notes=notes,
    )


def build_markets(world: World, scenario: Scenario) -> list[MineralMarket]:
    """One :class:`MineralMarket` per mineral the scenario simulates (unchecked:
    :func:`critmin.model.build_model` checks the events against them)."""
    return [build_market(world, scenario, m) for m in scenario.mineral_ids()]


def baseline_table(markets: list[MineralMarket]) -> pd.DataFrame:
    """The baseline of each market, one row per mineral (for reports)."""
    rows = []
    for m in markets:
        rows.append(
            {
                "mineral": m.mineral,
                "stages": ";".join(m.stages),
                "final_stage_year": m.final.year,
                "world_demand_t_per_year": float(m.demand.sum() * 12),
                "yield_ratio": m.yield_ratio,
                "base_price_usd_per_kg": m.base_price_usd_per_kg,
                "price_source": m.price_source,
                "consumers": ";".join(m.consumers),
            }
        )
    return pd.DataFrame(rows)
