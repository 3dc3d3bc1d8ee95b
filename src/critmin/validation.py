"""Historical replays: simulated market responses against observed ones.

Each replay in ``scenarios/replay-*.yaml`` is run with a fixed, modest number
of paths and a fixed seed, and every observed figure of the dataset's
``observed_responses`` table (and the USGS annual prices of the ``prices``
table) that it can speak to is set beside the simulated figure for the same
calendar window. ``python -m critmin.validation docs/validation.md`` rewrites
the tables between the ``<!-- BEGIN generated:NAME -->`` and
``<!-- END generated:NAME -->`` markers of that file; a test checks that the
committed file is current.

What is compared
----------------
Month 0 of each replay is a calendar month (:data:`REPLAYS`); months before it
are the baseline (price ratio 1, baseline export volumes).

* ``price_outside`` and ``price_inside``: the median over paths of the price
  ratio of the allied segment (every buyer outside China, in the replays) or of
  the other segment (China alone), averaged over the months of the window and
  divided by the same over the base window.
* ``wedge``: the outside price over the inside price (a level, or its change).
* ``price_level``: the median price ratio times the scenario's baseline price
  [USD/kg], beside an observed level.
* ``exports``: China's exports of the mineral (final stage): its baseline
  deliveries to every consumer but itself, less the volume its restrictions
  withhold in the window's months (mean over paths, ``withheld_mean_t``), at
  baseline output.
* ``annual_price``: the calendar-year mean of the outside price against the
  previous year, beside the USGS annual average price change.

Agreement (:func:`agreement`) compares outcomes as ratios to "no change":
different directions (up, flat within 2 %, down) are a ``miss``; the same
direction within a factor of 1.5 (or within 10 percentage points) is ``close``;
otherwise ``direction``.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args

import numpy as np
import pandas as pd
import xarray as xr

from critmin.engine.market import MineralMarket
from critmin.engine.run import RunOutput, simulate
from critmin.errors import CritminError
from critmin.results import to_dataset
from critmin.scenario import Market, Scenario, load_scenario
from critmin.world.load import World, load_world

#: Monte Carlo paths of each replay run [paths].
PATHS = 256
#: Seed of every replay run (the scenario's own seed is overridden).
SEED = 1
#: The imposer whose exports the replays restrict.
IMPOSER = "CHN"
#: Folder of the shipped scenario files (beside ``src/`` in a checkout).
SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
#: Changes smaller than this count as flat when judging agreement [share].
FLAT_SHARE = 0.02
#: Simulated-to-observed factor within which a comparison is ``close``.
CLOSE_FACTOR = 1.5
#: The documented default short-run demand elasticity, used by every replay [-].
DEFAULT_ELASTICITY = float(Market.model_fields["demand_elasticity"].default)
#: Demand elasticities tried by the calibration experiment [-].
ELASTICITY_GRID: tuple[float, ...] = (-0.2, -0.3, -0.5, -0.7, -1.0, -1.5, -2.0)
#: Observed market of the calibration experiment's target.
CALIBRATION_MARKET = "gallium 99.99%, in-whs Rotterdam (Fastmarkets)"
#: Shares of withheld volume offered at home tried when setting its default [-].
HOME_SHARE_GRID: tuple[float, ...] = tuple(i / 20 for i in range(21))
#: Observed market the default ``withheld_home_share`` is set on (a ``price_inside``
#: comparison marked as calibration in :data:`CHECKS_FILE`).
HOME_SHARE_MARKET = "antimony, China domestic (Argus)"
#: The documented default share of withheld volume offered at home [-].
DEFAULT_HOME_SHARE = float(Market.model_fields["withheld_home_share"].default)
#: Quantities compared again with the calibrated elasticity (the elasticity
#: does not change the volumes China withholds).
PRICE_QUANTITIES: tuple[str, ...] = ("price_outside", "price_inside", "wedge", "price_level")

Quantity = Literal[
    "price_outside", "price_inside", "wedge", "price_level", "exports", "annual_price"
]


@dataclass(frozen=True)
class Replay:
    """A replay scenario and the calendar month (``YYYY-MM``) of its month 0."""

    scenario: str
    start: str
    title: str


#: The replays, in the order of docs/validation.md.
REPLAYS: tuple[Replay, ...] = (
    Replay("replay-ree-japan-2010", "2010-09", "Rare earths and Japan, 2010 (proxy)"),
    Replay("replay-ga-ge-2023", "2023-07", "Gallium and germanium licensing, August 2023"),
    Replay("replay-us-ban-2024", "2024-09", "Antimony licensing and the US ban, 2024-25"),
    Replay("replay-ree-licences-2025", "2025-04", "Rare-earth licences, April 2025"),
    Replay("replay-japan-controls-2026", "2026-01", "Dual-use controls on Japan, 2026"),
)


@dataclass(frozen=True)
class Row:
    """The key of one row of ``observed_responses`` (unique without the metric)."""

    event: str
    mineral: str
    market: str
    period_from: str
    period_to: str


@dataclass(frozen=True)
class Check:
    """One comparison: observed row(s) and the simulated quantity for the same window.

    Attributes
    ----------
    replay
        Scenario name of the replay.
    mineral
        Simulated mineral (the observed row may name an element inside it).
    quantity
        What is simulated (see the module docstring).
    window, base
        First and last calendar month of the compared window and of the base
        window (``base`` None = the baseline).
    rows
        One observed row, or two whose ratio is the observation (numerator first).
    series
        For ``annual_price``: the USGS price series in the ``prices`` table.
    note
        What to bear in mind when reading the comparison.
    calibration
        True when the observation set the replay's inputs: shown, not counted.
    """

    replay: str
    mineral: str
    quantity: Quantity
    window: tuple[str, str]
    base: tuple[str, str] | None
    rows: tuple[Row, ...]
    series: str = ""
    note: str = ""
    calibration: bool = False


#: The comparisons, one row each (``python -m critmin.validation`` reads it).
CHECKS_FILE = "validation-checks.csv"

_MONTH = re.compile(r"\d{4}-\d{2}")
_COLUMNS = (
    "replay", "mineral", "quantity", "window", "base", "event", "observed_mineral", "market",
    "period_from", "period_to", "market_2", "period_from_2", "period_to_2", "series",
    "calibration", "note",
)  # fmt: skip


def _span(text: str, where: str) -> tuple[str, str]:
    first, _, last = text.partition("..")
    last = last or first
    if not (_MONTH.fullmatch(first) and _MONTH.fullmatch(last)):
        raise CritminError(
            "not a calendar month or span", where=where, given=text, allowed="YYYY-MM[..YYYY-MM]"
        )
    return first, last


def load_checks(path: Path) -> tuple[Check, ...]:
    """The comparisons listed in a CSV file (``scenarios/validation-checks.csv``).

    Columns: replay, mineral (simulated), quantity, window and base (``YYYY-MM``
    or ``YYYY-MM..YYYY-MM``; empty base = the baseline), event, observed_mineral,
    market, period_from, period_to (the observed row), market_2, period_from_2,
    period_to_2 (a second row of the same event and mineral, whose value divides
    the first), series (USGS series for ``annual_price``), calibration (``yes``
    when the row set the replay's inputs) and note.
    """
    if not path.is_file():
        raise CritminError(
            "validation checks file not found",
            where=str(path),
            allowed=f"a checkout with scenarios/{CHECKS_FILE}",
        )
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = sorted(set(_COLUMNS) - set(table.columns))
    if missing:
        raise CritminError(
            "columns missing", where=str(path), given=", ".join(missing), allowed=list(_COLUMNS)
        )
    checks = []
    for line, r in enumerate(table.to_dict("records"), start=2):
        where = f"{path} line {line}"
        if r["quantity"] not in get_args(Quantity):
            raise CritminError(
                "unknown quantity",
                where=f"{where}, column quantity",
                given=r["quantity"],
                allowed=list(get_args(Quantity)),
            )
        rows = [
            Row(r["event"], r["observed_mineral"], r[f"market{s}"], r[f"period_from{s}"],
                r[f"period_to{s}"])
            for s in ("", "_2")
            if r[f"market{s}"]
        ]  # fmt: skip
        checks.append(
            Check(
                r["replay"],
                r["mineral"],
                cast(Quantity, r["quantity"]),
                _span(r["window"], f"{where}, column window"),
                _span(r["base"], f"{where}, column base") if r["base"] else None,
                tuple(rows),
                r["series"],
                r["note"],
                r["calibration"] == "yes",
            )
        )
    return tuple(checks)


@dataclass
class ReplayRun:
    """What the comparisons need from one replay."""

    replay: Replay
    scenario: Scenario
    dataset: xr.Dataset
    markets: dict[str, MineralMarket]


def month_index(month: str, start: str) -> int:
    """Months from ``start`` to ``month`` (both ``YYYY-MM``).

    >>> month_index("2024-01", "2023-07"), month_index("2023-06", "2023-07")
    (6, -1)
    """
    y, m = (int(x) for x in month.split("-"))
    y0, m0 = (int(x) for x in start.split("-"))
    return (y - y0) * 12 + (m - m0)


def baseline_exports_t(market: MineralMarket, imposer: str = IMPOSER) -> float:
    """The imposer's baseline monthly deliveries to every consumer but itself [t/month]."""
    codes = market.final.codes
    if imposer not in codes:
        return 0.0
    row = market.flows[codes.index(imposer)]
    return float(sum(v for v, c in zip(row, market.consumers, strict=True) if c != imposer))


def _months(window: tuple[str, str], start: str) -> list[int]:
    first, last = (month_index(m, start) for m in window)
    return list(range(first, last + 1))


def _simulate(world: World, scenario: Scenario) -> RunOutput:
    return simulate(world, scenario, paths=PATHS, seed=SEED)


def run_replay(
    replay: Replay,
    world: World | None = None,
    scenario_dir: Path = SCENARIO_DIR,
    *,
    demand_elasticity: float | None = None,
    withheld_home_share: float | None = None,
) -> ReplayRun:
    """Run a replay.

    Parameters
    ----------
    replay
        The replay; its file is ``scenario_dir / f"{replay.scenario}.yaml"``.
    world
        The dataset; the shipped one when None.
    scenario_dir
        Folder of the scenario files.
    demand_elasticity
        Overrides the scenario's short-run demand elasticity [-] (for the
        calibration experiment); None keeps the scenario's.
    withheld_home_share
        Overrides the scenario's share of withheld volume offered at home [-]
        (for the grid that sets its default); None keeps the scenario's.
    """
    world = load_world() if world is None else world
    path = scenario_dir / f"{replay.scenario}.yaml"
    if not path.is_file():
        raise CritminError(
            "replay scenario not found",
            where=str(path),
            allowed="a checkout with the scenarios/ folder, or scenario_dir=...",
        )
    scenario = load_scenario(path)
    overrides = {
        name: value
        for name, value in (
            ("demand_elasticity", demand_elasticity),
            ("withheld_home_share", withheld_home_share),
        )
        if value is not None
    }
    if overrides:
        market = scenario.market.model_copy(update=overrides)
        scenario = scenario.model_copy(update={"market": market})
    run = _simulate(world, scenario)
    return ReplayRun(
        replay, scenario, to_dataset(run), {s.market.mineral: s.market for s in run.stats}
    )


def _price(run: ReplayRun, mineral: str, segment: str, quantile: float = 0.5) -> np.ndarray:
    fan = run.dataset["price_ratio_fan"].sel(
        mineral=mineral, segment=segment, fan_quantile=quantile
    )
    return np.asarray(fan.values, dtype=float)


def _mean(series: np.ndarray, months: Iterable[int]) -> float:
    """Mean over ``months`` of a monthly series, 1 (the baseline) before month 0."""
    values = []
    for m in months:
        if m >= len(series):
            raise CritminError(
                "comparison window beyond the replay's horizon",
                given=f"month {m}",
                allowed=f"months up to {len(series) - 1}",
            )
        values.append(1.0 if m < 0 else float(series[m]))
    return float(np.mean(values))


def _exports(run: ReplayRun, mineral: str, months: list[int]) -> float:
    """China's mean monthly exports over ``months`` [t/month]."""
    base = baseline_exports_t(run.markets[mineral])
    monthly = run.dataset["withheld_mean_t"].sel(mineral=mineral).values
    withheld = float(sum(monthly[m] for m in months if m >= 0))
    return (base * len(months) - withheld) / len(months)


def _observed(check: Check, world: World) -> tuple[float, str, str]:
    """Observed value, its kind (``change``, ``ratio`` or ``level``) and its sources."""
    if check.quantity == "annual_price":
        prices = world.prices
        rows = prices[prices["series"] == check.series].set_index("year")
        year = int(check.window[0][:4])
        prev = int(check.base[0][:4]) if check.base else year - 1
        price = rows["price_usd_per_kg"]
        return float(price[year] / price[prev]) - 1.0, "change", str(rows["source_id"][year])
    table = world.observed_responses
    found = []
    for key in check.rows:
        match = table[
            (table["event"] == key.event)
            & (table["mineral"] == key.mineral)
            & (table["market"] == key.market)
            & (table["period_from"] == key.period_from)
            & (table["period_to"] == key.period_to)
        ]
        if len(match) != 1:
            raise CritminError(
                "observed row not found in observed_responses",
                where=f"{CHECKS_FILE} ({check.replay}, {check.quantity} {_text(check.window)})",
                given=str(key),
            )
        found.append(match.iloc[0])
    sources = ", ".join(dict.fromkeys(str(r["source_id"]) for r in found))
    values = [float(r["value"]) for r in found]
    metric = str(found[0]["metric"])
    if len(found) == 1:
        return values[0], "level" if metric == "price_level" else "change", sources
    if metric.endswith("_change_share"):
        return (1.0 + values[0]) / (1.0 + values[1]) - 1.0, "change", sources
    if found[0]["unit"] != found[1]["unit"]:
        raise CritminError(
            "observed rows of a ratio have different units",
            where=f"{CHECKS_FILE} ({check.replay}, {check.quantity} {_text(check.window)})",
            given=f"{found[0]['unit']} and {found[1]['unit']}",
        )
    ratio = values[0] / values[1]
    return (
        (ratio, "ratio", sources) if check.quantity == "wedge" else (ratio - 1.0, "change", sources)
    )


def _simulated(check: Check, run: ReplayRun, kind: str) -> tuple[float, float, float]:
    """Simulated value (same kind as the observation) and its 5-95 % range (NaN if undefined)."""
    window = _months(check.window, run.replay.start)
    base = _months(check.base, run.replay.start) if check.base else None
    m, nan = check.mineral, math.nan
    if check.quantity == "exports":
        before = _exports(run, m, base) if base else baseline_exports_t(run.markets[m])
        return _exports(run, m, window) / before - 1.0, nan, nan
    outside, inside = _price(run, m, "alliance"), _price(run, m, "rest")
    segment = "rest" if check.quantity == "price_inside" else "alliance"
    single = base is None and len(window) == 1 and window[0] >= 0
    if check.quantity in ("price_outside", "price_inside", "annual_price"):
        series = inside if segment == "rest" else outside
        value = _mean(series, window) / (_mean(series, base) if base else 1.0) - 1.0
        if not single:
            return value, nan, nan
        lo, hi = (_price(run, m, segment, q)[window[0]] - 1.0 for q in (0.05, 0.95))
        return value, float(lo), float(hi)
    if check.quantity == "price_level":
        price = float(run.dataset["base_price_usd_per_kg"].sel(mineral=m))
        lo, hi = (_price(run, m, "alliance", q)[window[-1]] * price for q in (0.05, 0.95))
        return _mean(outside, window) * price, float(lo), float(hi)
    now = _mean(outside, window) / _mean(inside, window)
    if kind == "ratio":
        return now, nan, nan
    before = _mean(outside, base) / _mean(inside, base) if base else 1.0
    return now / before - 1.0, nan, nan


def outcome(value: float, kind: str, base_price: float = 1.0) -> float:
    """A comparison's value as a ratio to "no change" (1 = nothing happened).

    A change ``x`` gives ``1 + x``; a ratio (an outside/inside price wedge) is
    itself; a price level is divided by the baseline price ``base_price``.

    >>> outcome(1.5, "change"), round(outcome(595.0, "level", 450.0), 3)
    (2.5, 1.322)
    """
    if kind == "change":
        return 1.0 + value
    if kind == "level":
        return value / base_price
    return value


def agreement(observed: float, simulated: float) -> str:
    """``close``, ``direction`` or ``miss`` for two outcomes (see :func:`outcome`).

    Directions are up, flat (within :data:`FLAT_SHARE` of 1) or down; different
    directions are a ``miss``. The same direction is ``close`` within a factor
    :data:`CLOSE_FACTOR` or within 0.1 (10 percentage points, which matters
    near a total stop), and ``direction`` otherwise.

    >>> agreement(2.14, 2.9), agreement(0.91, 1.0), agreement(1.57, 4.0), agreement(0.0, 0.08)
    ('close', 'miss', 'direction', 'close')
    """

    def direction(x: float) -> int:
        return 0 if abs(x - 1.0) < FLAT_SHARE else (1 if x > 1.0 else -1)

    if direction(observed) != direction(simulated):
        return "miss"
    if abs(simulated - observed) <= 0.1:
        return "close"
    if observed > 0 and simulated > 0:
        if abs(math.log(simulated / observed)) <= math.log(CLOSE_FACTOR):
            return "close"
    return "direction"


def comparison_table(
    runs: dict[str, ReplayRun],
    world: World,
    checks: tuple[Check, ...],
    quantities: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every check of the given replays: observed and simulated side by side.

    Parameters
    ----------
    runs
        Replay results by scenario name (from :func:`run_replay`).
    world
        The dataset (its ``observed_responses`` and ``prices`` tables).
    checks
        The comparisons (:func:`load_checks`).
    quantities
        Only checks of these quantities; None = all.

    Returns
    -------
    pandas.DataFrame
        One row per check: replay, mineral, quantity, market, window, base,
        kind, observed, simulated, low and high (5-95 % of paths, NaN where not
        defined), agreement, sources and note.
    """
    wanted = None if quantities is None else set(quantities)
    rows = []
    for check in checks:
        run = runs.get(check.replay)
        if run is None or (wanted is not None and check.quantity not in wanted):
            continue
        observed, kind, sources = _observed(check, world)
        simulated, low, high = _simulated(check, run, kind)
        base_price = float(run.dataset["base_price_usd_per_kg"].sel(mineral=check.mineral))
        markets = [k.market for k in check.rows] or [check.series]
        judged = agreement(
            outcome(observed, kind, base_price), outcome(simulated, kind, base_price)
        )
        rows.append(
            {
                "replay": check.replay,
                "mineral": check.mineral,
                "quantity": check.quantity,
                "market": " / ".join(markets) if check.quantity == "wedge" else markets[0],
                "window": _text(check.window),
                "base": _text(check.base) if check.base else "baseline",
                "kind": kind,
                "observed": observed,
                "simulated": simulated,
                "low": low,
                "high": high,
                "agreement": "calibration" if check.calibration else judged,
                "sources": sources,
                "note": check.note,
            }
        )
    return pd.DataFrame(rows)


def compare_replay(
    name: str, world: World | None = None, scenario_dir: Path = SCENARIO_DIR
) -> pd.DataFrame:
    """Run one replay and return its comparisons, observed and simulated side by side.

    Parameters
    ----------
    name
        The replay's scenario name, e.g. ``"replay-ga-ge-2023"`` (see :data:`REPLAYS`).
    world
        The dataset; the shipped one when None.
    scenario_dir
        Folder of the replay scenario files and of :data:`CHECKS_FILE`.

    Returns
    -------
    pandas.DataFrame
        As :func:`comparison_table`, for this replay only.
    """
    replays = {r.scenario: r for r in REPLAYS}
    if name not in replays:
        raise CritminError("unknown replay", given=name, allowed=sorted(replays))
    world = load_world() if world is None else world
    checks = load_checks(scenario_dir / CHECKS_FILE)
    run = run_replay(replays[name], world, scenario_dir)
    return comparison_table({name: run}, world, checks)


def _text(window: tuple[str, str]) -> str:
    return window[0] if window[0] == window[1] else f"{window[0]}..{window[1]}"


def _fmt(value: float, kind: str) -> str:
    """A value for the tables (changes in whole per cent, never a signed zero).

    >>> _fmt(-1e-16, "change"), _fmt(1.14, "change"), _fmt(3.877, "ratio")
    ('0 %', '+114 %', 'x3.88')
    """
    if kind == "level":
        return f"US${value:,.0f}/kg"
    if kind == "ratio":
        return f"x{value:.2f}"
    percent = round(value * 100)
    return "0 %" if percent == 0 else f"{percent:+d} %"


_LABELS: dict[str, str] = {
    "price_outside": "price outside China",
    "price_inside": "price inside China",
    "wedge": "outside/inside price",
    "price_level": "price level outside China",
    "exports": "China's exports",
    "annual_price": "annual average price",
}


def markdown_table(table: pd.DataFrame) -> str:
    """The comparisons of one replay as a Markdown table."""
    lines = [
        "| mineral | compared | observed market | window (base) | observed | simulated (5-95 %) "
        "| agreement | source | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for _, r in table.iterrows():
        kind, low, high = str(r["kind"]), float(r["low"]), float(r["high"])
        spread = "" if math.isnan(low) else f" ({_fmt(low, kind)} to {_fmt(high, kind)})"
        table_name = " (prices)" if r["quantity"] == "annual_price" else ""
        cells = [
            str(r["mineral"]),
            _LABELS[str(r["quantity"])],
            str(r["market"]).replace("|", "/"),
            f"{r['window']} ({r['base']})",
            _fmt(float(r["observed"]), kind),
            _fmt(float(r["simulated"]), kind) + spread,
            str(r["agreement"]),
            f"`{r['sources']}`{table_name}",
            str(r["note"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def summary_markdown(table: pd.DataFrame, runs: dict[str, ReplayRun]) -> str:
    """Counts of agreement per replay (calibration rows excluded), and the run settings."""
    lines = [
        f"Each replay: {PATHS} paths, seed {SEED}, the shipped dataset; simulated prices "
        "are medians over paths; rows used for calibration are not counted.",
        "",
        "| replay | event | month 0 | months | tests | close | direction | miss |",
        "|---|---|---|---|---|---|---|---|",
    ]
    tests = table[table["agreement"] != "calibration"]

    def counts(part: pd.DataFrame) -> str:
        n = part["agreement"].value_counts()
        return " | ".join(str(int(n.get(k, 0))) for k in ("close", "direction", "miss"))

    for name, run in runs.items():
        part = tests[tests["replay"] == name]
        lines.append(
            f"| `{name}` | {run.replay.title} | {run.replay.start} | "
            f"{run.scenario.horizon_months} | {len(part)} "
            f"| {counts(part)} |"
        )
    lines.append(f"| all | | | | {len(tests)} | {counts(tests)} |")
    return "\n".join(lines) + "\n"


def calibration_target(checks: tuple[Check, ...]) -> Check:
    """The observation the calibration experiment fits: Rotterdam gallium, end-2023."""
    for c in checks:
        if c.rows and c.rows[0].market == CALIBRATION_MARKET and c.quantity == "price_outside":
            return c
    raise CritminError("the calibration target is not among the checks", allowed=CALIBRATION_MARKET)


def calibrate_demand_elasticity(
    world: World, checks: tuple[Check, ...], scenario_dir: Path = SCENARIO_DIR
) -> tuple[float, pd.DataFrame]:
    """Fit the demand elasticity on one observation, over :data:`ELASTICITY_GRID`.

    The target is :func:`calibration_target`; the best value minimises the
    absolute log ratio of simulated to observed outcome. The elasticity stands
    in for what the model lacks (stocks outside consumers, substitution,
    recycling); the point is whether one value fitted on one event carries over.

    Parameters
    ----------
    world
        The dataset.
    checks
        The comparisons (:func:`load_checks`), which hold the target.
    scenario_dir
        Folder of the replay scenario files.

    Returns
    -------
    tuple
        The best elasticity [-] and the grid: elasticity, observed and simulated
        change, absolute log error.
    """
    target = calibration_target(checks)
    replay = next(r for r in REPLAYS if r.scenario == target.replay)
    observed, kind, _ = _observed(target, world)
    rows = []
    for value in ELASTICITY_GRID:
        run = run_replay(replay, world, scenario_dir, demand_elasticity=value)
        simulated, _, _ = _simulated(target, run, kind)
        error = abs(math.log(outcome(simulated, kind) / outcome(observed, kind)))
        rows.append(
            {"elasticity": value, "observed": observed, "simulated": simulated, "error": error}
        )
    grid = pd.DataFrame(rows)
    return float(grid["elasticity"].iloc[int(grid["error"].to_numpy().argmin())]), grid


def home_share_target(checks: tuple[Check, ...]) -> Check:
    """The observation the default ``withheld_home_share`` is set on: antimony in China."""
    for c in checks:
        if c.rows and c.rows[0].market == HOME_SHARE_MARKET and c.quantity == "price_inside":
            return c
    raise CritminError("the home-share target is not among the checks", allowed=HOME_SHARE_MARKET)


def fit_home_share(
    world: World, checks: tuple[Check, ...], scenario_dir: Path = SCENARIO_DIR
) -> tuple[float, pd.DataFrame]:
    """The share of withheld volume offered at home that best reproduces one observation.

    Over :data:`HOME_SHARE_GRID`, the replay of :func:`home_share_target` is run
    and the simulated change of China's price compared with the observed one
    (absolute log ratio of outcomes); the best value is the documented default
    (a test holds them equal).

    Returns
    -------
    tuple
        The best share [-] and the grid: share, observed and simulated change,
        absolute log error.
    """
    target = home_share_target(checks)
    replay = next(r for r in REPLAYS if r.scenario == target.replay)
    observed, kind, _ = _observed(target, world)
    rows = []
    for value in HOME_SHARE_GRID:
        run = run_replay(replay, world, scenario_dir, withheld_home_share=value)
        simulated, _, _ = _simulated(target, run, kind)
        error = abs(math.log(outcome(simulated, kind) / outcome(observed, kind)))
        rows.append({"share": value, "observed": observed, "simulated": simulated, "error": error})
    grid = pd.DataFrame(rows)
    return float(grid["share"].iloc[int(grid["error"].to_numpy().argmin())]), grid


def home_share_markdown(grid: pd.DataFrame, best: float) -> str:
    """The grid of :func:`fit_home_share` as a Markdown table."""
    lines = [
        "| withheld_home_share | observed | simulated | abs. log error |",
        "|---|---|---|---|",
    ]
    for value, obs, sim, error in grid[["share", "observed", "simulated", "error"]].to_numpy():
        mark = " (best)" if value == best else ""
        lines.append(
            f"| {value:g}{mark} | {_fmt(obs, 'change')} | {_fmt(sim, 'change')} | {error:.3f} |"
        )
    return "\n".join(lines) + "\n"


def calibration_markdown(
    world: World,
    default: pd.DataFrame,
    checks: tuple[Check, ...],
    scenario_dir: Path = SCENARIO_DIR,
) -> tuple[str, str]:
    """The calibration grid, and every price comparison redone with the fitted elasticity.

    Parameters
    ----------
    world
        The dataset.
    default
        The comparison table with the scenarios' own elasticity.
    checks
        The comparisons (:func:`load_checks`).
    scenario_dir
        Folder of the replay scenario files.
    """
    best, grid = calibrate_demand_elasticity(world, checks, scenario_dir)
    lines = ["| demand elasticity | observed | simulated | abs. log error |", "|---|---|---|---|"]
    for value, obs, sim, error in grid[["elasticity", "observed", "simulated", "error"]].to_numpy():
        mark = " (best)" if value == best else ""
        lines.append(
            f"| {value:g}{mark} | {_fmt(obs, 'change')} | {_fmt(sim, 'change')} | {error:.2f} |"
        )
    runs = {r.scenario: run_replay(r, world, scenario_dir, demand_elasticity=best) for r in REPLAYS}
    fitted = comparison_table(runs, world, checks, PRICE_QUANTITIES)
    before = default[default["quantity"].isin(PRICE_QUANTITIES)].reset_index(drop=True)
    out = [
        f"Demand elasticity {best:g}, fitted on the Rotterdam gallium price of end-2023, instead "
        f"of the default {DEFAULT_ELASTICITY:g}; every other input unchanged.",
        "",
        "| replay | mineral | compared | window (base) | observed | simulated, default "
        "| simulated, fitted | agreement, default -> fitted |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (_, c), (_, d) in zip(fitted.iterrows(), before.iterrows(), strict=True):
        kind = str(c["kind"])
        out.append(
            f"| `{c['replay']}` | {c['mineral']} | {_LABELS[str(c['quantity'])]} | "
            f"{c['window']} ({c['base']}) | {_fmt(float(c['observed']), kind)} | "
            f"{_fmt(float(d['simulated']), kind)} | {_fmt(float(c['simulated']), kind)} | "
            f"{d['agreement']} -> {c['agreement']} |"
        )
    return "\n".join(lines) + "\n", "\n".join(out) + "\n"


def sections(world: World | None = None, scenario_dir: Path = SCENARIO_DIR) -> dict[str, str]:
    """The generated sections of docs/validation.md by name.

    ``summary``, one per replay (its scenario name), ``home-share-grid``,
    ``calibration-grid`` and ``calibrated``.

    Parameters
    ----------
    world
        The dataset; the shipped one when None.
    scenario_dir
        Folder of the replay scenario files and of :data:`CHECKS_FILE`.
    """
    world = load_world() if world is None else world
    checks = load_checks(scenario_dir / CHECKS_FILE)
    runs = {r.scenario: run_replay(r, world, scenario_dir) for r in REPLAYS}
    table = comparison_table(runs, world, checks)
    out = {"summary": summary_markdown(table, runs)}
    for name in runs:
        out[name] = markdown_table(table[table["replay"] == name])
    best, grid = fit_home_share(world, checks, scenario_dir)
    out["home-share-grid"] = home_share_markdown(grid, best)
    out["calibration-grid"], out["calibrated"] = calibration_markdown(
        world, table, checks, scenario_dir
    )
    return out


def render(text: str, generated: dict[str, str]) -> str:
    """``text`` with every generated section replaced by its content.

    >>> render("<!-- BEGIN generated:x -->\\nold\\n<!-- END generated:x -->", {"x": "new\\n"})
    '<!-- BEGIN generated:x -->\\n\\nnew\\n\\n<!-- END generated:x -->'
    """
    for name, body in generated.items():
        begin, end = f"<!-- BEGIN generated:{name} -->", f"<!-- END generated:{name} -->"
        pattern = re.compile(f"({re.escape(begin)}\n).*?({re.escape(end)})", re.S)
        if not pattern.search(text):
            raise CritminError(
                f"markers for generated section {name!r} not found", allowed=f"{begin} ... {end}"
            )

        def replace(match: re.Match[str], body: str = body) -> str:
            return match.group(1) + "\n" + body + "\n" + match.group(2)

        text = pattern.sub(replace, text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated sections of the Markdown file named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "docs/validation.md")
    path.write_text(render(path.read_text(encoding="utf-8"), sections()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
