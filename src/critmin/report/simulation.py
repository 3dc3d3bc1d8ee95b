"""The stress-test report of a simulation run (``critmin report RUN_DIR``).

It reads a run folder written by ``critmin simulate --out`` (the labelled
results in ``results.nc``, ``summary.json`` and the resolved ``scenario.yaml``)
and writes one self-contained HTML file: headline figures per mineral, a world
map of who runs short, fan charts of shortfall and prices, reserve levels, and
the scenario's assumptions. It opens offline: plotly.js and the map's country
shapes are embedded (see :mod:`critmin.report.geo`).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import xarray as xr
import yaml

from critmin import __version__
from critmin.errors import CritminError
from critmin.report._html import Figures, Tables, write_page
from critmin.report.bottom_line import stress_test_bottom_line
from critmin.report.geo import country_codes, geo_assets_script
from critmin.report.run_charts import fan_figure, reserve_figure, shortfall_map
from critmin.report.run_tables import (
    HEADLINE_COLUMNS,
    HEADLINE_MORE_COLUMNS,
    cause_table,
    consumer_table,
    has_reserves,
    headline_marks,
    headline_table,
    parameter_table,
    reserve_effect_table,
    reserve_table,
)
from critmin.report.scenario_tables import assumptions_html
from critmin.results import NETCDF_FILE, SCENARIO_FILE, Results

#: Default file name of the report inside the run folder.
REPORT_FILE = "report.html"
#: Variables of ``results.nc`` the report reads (reserve variables only when there are holders).
REQUIRED_VARIABLES = (
    "expected_shortfall_t",
    "baseline_demand_t",
    "shortfall_quantile_t",
    "cvar95_shortfall_t",
    "months_to_recovery_mean",
    "months_to_recovery_p95",
    "unrecovered_share",
    "peak_price_ratio_mean",
    "price_ratio_fan",
    "shortfall_share_fan",
    "floor_cost_usd",
)
RESERVE_VARIABLES = (
    "reserve_stock_mean_t",
    "reserve_stock_fan_t",
    "reserve_days_of_cover",
    "reserve_target_t",
    "reserve_purchase_usd",
    "reserve_release_usd",
    "reserve_released_t",
    "reserve_cost_share",
)


def _check_variables(ds: xr.Dataset, where: Path) -> None:
    wanted = REQUIRED_VARIABLES + (RESERVE_VARIABLES if has_reserves(ds) else ())
    missing = [v for v in wanted if v not in ds.data_vars]
    if missing:
        raise CritminError(
            "the run's results.nc lacks variables the report needs "
            "(written by another critmin version?); run 'critmin simulate' again",
            where=str(where),
            given=", ".join(missing),
        )


def _read_scenario(run_dir: Path) -> tuple[str, Mapping[str, Any]]:
    path = run_dir / SCENARIO_FILE
    if not path.is_file():
        raise CritminError(
            "not a run folder: files missing",
            where=str(run_dir),
            given=SCENARIO_FILE,
            allowed="a folder written by 'critmin simulate --out'",
        )
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CritminError(f"cannot read the run's scenario: {exc}", where=str(path)) from None
    if not isinstance(data, dict):
        raise CritminError("the run's scenario is not a mapping", where=str(path))
    return text, data


def _calendar(ds: xr.Dataset) -> str:
    """`` from July 2023 (month 0)`` when the run knows its calendar, else nothing."""
    start = str(ds.attrs.get("start_month") or "")
    if not start:
        return ""
    month = dt.date(int(start[:4]), int(start[5:7]), 1)
    return f" from {month.strftime('%B %Y')} (month 0)"


def bottom_line_html(summary: Mapping[str, Any]) -> str:
    """The report's opening box: :func:`stress_test_bottom_line` as a lead and a list."""
    lead, *rest = stress_test_bottom_line(summary)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in rest)
    return (
        f'<div class="bottom" id="bottom-line"><p><strong>Bottom line.</strong> '
        f"{html.escape(lead)}</p><ul>{items}</ul></div>"
    )


def _section_reserves(
    ds: xr.Dataset, summary: Mapping[str, Any], to_html: Figures, tables: Tables
) -> str:
    table = reserve_table(ds, summary)
    if table.empty:
        return "<p>The scenario holds no strategic reserves.</p>"
    parts = [
        '<p class="muted">Stocks are tonnes held at the end of each month: the mean over '
        "paths (dashed), the 25-75 % and 5-95 % bands and the median; the dotted line is the "
        "target. Days of cover divide the mean stock by the members' baseline daily demand. "
        "Costs are means over paths of totals over the horizon; releases are sold at the "
        "market price, and the net cost (purchases minus release revenue) is shared among "
        "the members by the reserve's cost-sharing rule.</p>",
        tables(table),
    ]
    effect = reserve_effect_table(ds)
    if not effect.empty:
        parts += [
            "<h3>What the reserves do</h3>",
            '<p class="muted">Expected shortfall over the horizon of each reserve member and '
            "the world, with the reserves and without them, on the same Monte Carlo draws "
            "(the run simulates each mineral with reserves a second time with them removed). "
            "Removed: the shortfall the reserves avoid, in tonnes and as a share of the "
            "shortfall without them; negative when the reserves' purchases cost more "
            "supply than their releases gave back. Cost per tonne removed: the reserves' net "
            "cost over the world's tonnes removed.</p>",
            tables(effect),
        ]
    for mineral in table["mineral"].unique():
        parts.append(to_html(reserve_figure(ds, str(mineral))))
    return "\n".join(parts)


def simulation_report(run_dir: Path, out: Path | None = None) -> Path:
    """Write the HTML report of a simulation run and return its path.

    Parameters
    ----------
    run_dir
        A run folder written by ``critmin simulate --out`` (``summary.json``,
        ``results.nc``, ``scenario.yaml``).
    out
        The HTML file to write; default ``run_dir / "report.html"``.

    Returns
    -------
    pathlib.Path
        The file written: one self-contained page (plotly.js and the world
        shapes inlined) that opens offline.

    Raises
    ------
    CritminError
        If ``run_dir`` is not a readable run folder.
    """
    run_dir = Path(run_dir)
    results = Results.from_folder(run_dir)
    ds = results.dataset
    _check_variables(ds, run_dir / NETCDF_FILE)
    summary = results.summary()
    scenario_text, scenario = _read_scenario(run_dir)
    target = Path(out) if out is not None else run_dir / REPORT_FILE
    name = str(summary.get("scenario") or ds.attrs.get("scenario") or run_dir.name)
    to_html = Figures()
    tables = Tables()
    headline = headline_table(ds)
    marks = headline_marks(headline)
    consumers = consumer_table(ds)
    on_map = set(country_codes())
    beside = consumers[~consumers["consumer"].isin(on_map)]
    beside = beside[["mineral", "consumer", "expected_shortfall_t", "expected_shortfall_share"]]
    minerals = [str(m) for m in ds["mineral"].values]
    # the map comes first: plotly.js is inlined with it, after the world shapes
    map_html = geo_assets_script() + to_html(shortfall_map(ds))
    fans = "\n".join(
        f'<h3 id="fan-{html.escape(m)}">{html.escape(m)}</h3>{to_html(fan_figure(ds, m))}'
        for m in minerals
    )
    reserves = _section_reserves(ds, summary, to_html, tables)
    description = str(scenario.get("description") or "")
    mass_error = summary.get("mass_balance_max_rel_error")
    mass_text = f"; mass balance holds to {float(mass_error):.1e} (relative)" if mass_error else ""
    body = f"""
<h1>critmin stress test: {html.escape(name)}</h1>
<p>{html.escape(description)}</p>
{bottom_line_html(summary)}
<p class="muted">{int(ds.attrs.get("paths", summary.get("paths", 0))):,} simulated paths over
{int(ds.sizes["month"])} months{_calendar(ds)}. Tonnes are totals over the horizon; prices are
multiples of the baseline price. How the figures are made:
<a href="#about">About these figures</a>.</p>
<nav><a href="#headline">Headline figures</a><a href="#map">Who runs short</a>
<a href="#fans">Shortfall and prices</a><a href="#reserves">Reserves</a>
<a href="#assumptions">Assumptions</a><a href="#glossary">Glossary</a></nav>
<h2 id="headline">Headline figures per mineral</h2>
{tables(headline[list(HEADLINE_COLUMNS)], marks=marks)}
<details><summary>More figures: quantiles, prices, costs</summary>
{tables(headline[list(HEADLINE_MORE_COLUMNS)], marks=marks)}</details>
<p class="muted">World totals over the horizon; hover over a heading for its meaning, or see
the <a href="#glossary">glossary</a>. Months to recovery count only the paths that recovered;
the share of paths not recovered at the horizon is beside it. <em>capped</em>: the model's
numerical price cap held the price down in some months, so the peak is a lower bound.
<em>beyond horizon</em>: more than 5 % of paths never recovered, so the slow case lies past
the last month.</p>
<h3>What limited supply</h3>
{tables(cause_table(ds))}
<p class="muted">Shares of the world's expected unmet demand by what limited supply: demand
priced out (the price rose and buyers took less than they wanted), then the physical deficit
split in proportion to the supply lost that month to the restriction (at the selling stage),
to outages, to refiners short of feed (a restriction or outage upstream) and to capacity that
capped the producers' response to the price; unmet demand in a month with no supply lost is
demand stocks could not cover (a demand surge, or stocks run down). docs/methods.md, "What
limited supply".</p>
<h2 id="map">Who runs short</h2>
<div class="side"><div class="main">{map_html}
<p class="muted">Expected shortfall as a share of each consumer's baseline demand over the
horizon; choose the mineral in the menu. Grey countries are not separate consumers in this
run: their demand is in ROW. Country shapes: United Nations geodata as shipped with plotly.js;
the boundaries and names shown do not imply official endorsement or acceptance by the United
Nations.</p></div>
<div class="aside"><h3>Not on the map</h3>
{tables(beside)}
<p class="muted">ROW is the rest of the world, WORLD the sum of all consumers.</p></div></div>
<details><summary>Shortfall by consumer (table)</summary>
{tables(consumers)}</details>
<h2 id="fans">Shortfall and prices over time</h2>
{fans}
<h2 id="reserves">Strategic reserves</h2>
{reserves}
<h2 id="assumptions">Assumptions</h2>
{assumptions_html(scenario, summary)}
<h3>Market parameters by mineral</h3>
{tables(parameter_table(summary))}
<p class="muted">The values the run used for each mineral and where each came from: the
scenario (its market section, or its per-mineral overrides), the data package's
market_parameters table (a published figure or one calibrated on a named event), or
critmin's default, an assumption (docs/methods.md, "Default parameters and their
sources").</p>
<h2 id="about">About these figures</h2>
<p class="muted">{int(ds.attrs.get("paths", summary.get("paths", 0))):,} Monte Carlo paths,
seed {html.escape(str(ds.attrs.get("seed", summary.get("seed", ""))))},
{int(ds.sizes["month"])} months; simulated with critmin
{html.escape(str(ds.attrs.get("critmin_version", "?")))}{mass_text}. Run folder
{html.escape(str(run_dir))}; report written {dt.date.today().isoformat()} by critmin
{html.escape(__version__)}. Tonnes are of each mineral's final-stage basis and totals over the
horizon; prices are ratios to the baseline price. Expected shortfall: mean over paths of unmet
demand; the median and the 1-in-20 and 1-in-100 bad cases are quantiles over paths; the mean of
the worst 5 % is the CVaR95. Peak price: mean over paths of each path's highest monthly price
ratio, in the alliance and the rest of the world; lowest price: the same for the lowest in the
rest of the world (where the imposer's withheld volume lowers its price). Chance of running
short: the share of paths with at least one month in which the consumer's unmet share of
demand is above 0.5 %. Costs: means over paths; a reserve's net cost is its purchases minus the
revenue of its releases (negative when releases earned more), and the fiscal cost adds the price
floors' cost. Methods: docs/methods.md.</p>
<h3>scenario.yaml</h3>
<pre>{html.escape(scenario_text)}</pre>
<h2 id="glossary">Glossary</h2>
<p class="muted">Each label of the tables above, its unit, and the key of the same figure in
summary.json, summary.csv and results.xlsx.</p>
{tables.glossary_html()}
"""
    return write_page(target, f"critmin stress test: {name}", body)
