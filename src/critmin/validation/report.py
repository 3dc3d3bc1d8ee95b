"""The generated sections of docs/validation.md, and the command that rewrites them."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd

from critmin import risk
from critmin.docsections import fill_sections as render
from critmin.validation.calibrate import (
    DEFAULT_ELASTICITY,
    PRICE_QUANTITIES,
    calibrate_demand_elasticity,
    fit_home_share,
)
from critmin.validation.checks import (
    CHECKS_FILE,
    PATHS,
    REPLAYS,
    SCENARIO_DIR,
    SEED,
    Check,
    load_checks,
)
from critmin.validation.compare import (
    ReplayRun,
    comparison_table,
    run_replay,
)
from critmin.world.load import World, load_world


def _fmt(value: float, kind: str) -> str:
    """A value for the tables (changes in whole per cent, never a signed zero).

    >>> _fmt(-1e-16, "change"), _fmt(1.14, "change"), _fmt(3.877, "ratio")
    ('0 %', '+114 %', 'x3.88')
    >>> _fmt(float("nan"), "change")
    'n/a'
    """
    if math.isnan(value):
        return "n/a"
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
            str(r["agreement"]) + (" (calibration)" if r["role"] == "calibration" else ""),
            f"`{r['sources']}`{table_name}",
            str(r["note"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def summary_markdown(table: pd.DataFrame, runs: dict[str, ReplayRun]) -> str:
    """Counts of agreement per replay on the test rows, the calibration rows' counts
    apart, and the run settings."""
    lines = [
        f"Each replay: {PATHS} paths, seed {SEED}, the shipped dataset; simulated prices "
        "are medians over paths. Test rows are counted per replay; the rows a parameter "
        "was fitted on (calibration) are counted apart, on the last line. *At the cap*: "
        "the largest `price_cap_binding_share` of the replay's minerals, the share of "
        "path-months whose clearing price reached the numerical guard "
        "(`max_price_ratio`).",
        "",
        "| replay | event | month 0 | months | at the cap | tests | close | direction | miss |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    tests = table[table["role"] == "test"]
    fitted = table[table["role"] == "calibration"]

    def counts(part: pd.DataFrame) -> str:
        n = part["agreement"].value_counts()
        return " | ".join(str(int(n.get(k, 0))) for k in ("close", "direction", "miss"))

    for name, run in runs.items():
        part = tests[tests["replay"] == name]
        at_cap = float(run.dataset["price_cap_binding_share"].max())
        lines.append(
            f"| `{name}` | {run.replay.title} | {run.replay.start} | "
            f"{run.scenario.horizon_months} | {at_cap * 100:.2f} % | {len(part)} "
            f"| {counts(part)} |"
        )
    lines.append(f"| all test rows | | | | | {len(tests)} | {counts(tests)} |")
    lines.append(f"| calibration rows | | | | | {len(fitted)} | {counts(fitted)} |")
    return "\n".join(lines) + "\n"


def eu_sr_markdown(table: pd.DataFrame) -> str:
    """critmin's EU supply risk beside the EU 2023 published values, with a summary."""
    done = table[table["sr_eu_sourcing"].notna()]
    flips = done[done["critical"].astype(bool) != done["published_critical"]]
    proxy = table[table["sr_proxy"].notna()]
    proxy_flips = proxy[(proxy["sr_proxy"] >= 1.0) != proxy["published_critical"]]
    lines = [
        f"EU sourcing computed for {len(done)} of {len(table)} materials: mean absolute "
        f"difference from the published SR {(done['difference'].abs().mean()):.2f}, "
        f"{len(flips)} opposite verdicts (critical at SR >= 1)"
        + (f" ({', '.join(flips['mineral'])})" if len(flips) else "")
        + f". With global supply as the EU sourcing proxy ({len(proxy)} materials): "
        f"{(proxy['sr_proxy'] - proxy['published_sr']).abs().mean():.2f} and "
        f"{len(proxy_flips)} opposite verdicts.",
        "",
        "| material | stage | published SR (2023) | critmin, global proxy | critmin, EU sourcing "
        "| difference | verdict | years and notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table.to_dict(orient="records"):
        own = r["sr_eu_sourcing"]
        if pd.isna(own):
            verdict = "n/a"
        elif bool(r["critical"]) == bool(r["published_critical"]):
            verdict = "same"
        else:
            verdict = "opposite"
        proxy_text = "n/a" if pd.isna(r["sr_proxy"]) else f"{r['sr_proxy']:.2f}"
        own_text = "n/a" if pd.isna(own) else f"{own:.2f}"
        diff = "n/a" if pd.isna(r["difference"]) else f"{r['difference']:+.2f}"
        note = str(r["note"]).replace("|", "/")
        lines.append(
            f"| {r['mineral']} | {r['stage'] or '-'} | {r['published_sr']:.2f} | {proxy_text} "
            f"| {own_text} | {diff} | {verdict} | {note} |"
        )
    return "\n".join(lines) + "\n"


def nir_markdown(table: pd.DataFrame) -> str:
    """A consumer's published NIR beside the one derived from trade, with a summary."""
    both = table[table["nir_share"].notna() & table["derived_nir_share"].notna()]
    close = both[both["difference"].abs() <= 0.1]
    lines = [
        f"Both figures exist for {len(both)} of {len(table)} minerals; they agree within 10 "
        f"percentage points for {len(close)} ({', '.join(close['mineral']) or 'none'}).",
        "",
        "| mineral | published (year) | derived (stage, year) | difference | derived note |",
        "|---|---|---|---|---|",
    ]

    def share(value: object, qualifier: object) -> str:
        if pd.isna(value):  # type: ignore[call-overload]
            return "n/a"
        mark = {">": "> ", "<": "< ", "E": "E "}.get(str(qualifier), "")
        return f"{mark}{float(value):.0%}"  # type: ignore[arg-type]

    for r in table.to_dict(orient="records"):
        pub = share(r["nir_share"], r["qualifier"])
        if not pd.isna(r["year"]):
            pub += f" ({r['year']})"
        der = share(r["derived_nir_share"], r["derived_qualifier"])
        if r["derived_stage"]:
            der += f" ({r['derived_stage']}, {r['derived_year']})"
        diff = "n/a" if pd.isna(r["difference"]) else f"{r['difference'] * 100:+.0f} pp"
        note = str(r["derived_note"]).replace("|", "/")
        lines.append(f"| {r['mineral']} | {pub} | {der} | {diff} | {note} |")
    return "\n".join(lines) + "\n"


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
    if math.isnan(best):
        lines += ["", "Every value gives the same outcome: this observation does not identify it."]
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
    fit = {"demand_elasticity": best}
    runs = {r.scenario: run_replay(r, world, scenario_dir, market=fit) for r in REPLAYS}
    fitted = comparison_table(runs, world, checks, PRICE_QUANTITIES)
    before = default[default["quantity"].isin(PRICE_QUANTITIES)].reset_index(drop=True)
    out = [
        f"Demand elasticity {best:g}, fitted on the Rotterdam gallium price of end-2023, for "
        "every mineral, instead of the shipped values (gallium's from the market_parameters "
        f"table, the one this grid sets; the default {DEFAULT_ELASTICITY:g} for every other "
        "mineral); every other input unchanged.",
        "",
        "| replay | mineral | compared | window (base) | observed | simulated, shipped "
        "| simulated, fitted | agreement, shipped -> fitted |",
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


#: The three market parameters that move the replays' peak prices most, from a
#: screening of ten (each halved and doubled, 64 paths; mean over the replays of
#: the absolute log ratio of the first mineral's mean peak outside price): demand
#: elasticity 0.68, long-run demand elasticity 0.56, the leakage limit 0.37 (then
#: consumers' stock days 0.28, the stock-demand elasticity 0.25, the long-run
#: supply elasticity 0.23; re-routing and the precautionary share below 0.02).
SENSITIVITY: tuple[tuple[str, float, float], ...] = (
    ("demand_elasticity", -0.1, -0.4),
    ("long_run_demand_elasticity", -0.3, -1.2),
    ("leakage_max_share", 0.15, 0.6),
)


def _headline(run: ReplayRun) -> float:
    """A replay's headline price: its first mineral's mean peak price ratio outside China."""
    ds = run.dataset
    mineral = str(ds["mineral"].values[0])
    return float(ds["peak_price_ratio_mean"].sel(mineral=mineral, segment="alliance"))


def _score(table: pd.DataFrame) -> str:
    tests = table[table["role"] == "test"]
    return f"{int((tests['agreement'] == 'close').sum())}/{len(tests)}"


def sensitivity_markdown(
    world: World,
    checks: tuple[Check, ...],
    table: pd.DataFrame,
    runs: dict[str, ReplayRun],
    scenario_dir: Path = SCENARIO_DIR,
) -> str:
    """Each replay's test score (close of its test rows) and headline price at the
    defaults and with each :data:`SENSITIVITY` parameter at its low and high value."""
    header = "| replay | defaults | " + " | ".join(
        f"`{name}` {lo:g} | `{name}` {hi:g}" for name, lo, hi in SENSITIVITY
    )
    lines = [
        "Test score: close rows of the replay's test rows; peak: its first mineral's mean "
        "peak price ratio outside China.",
        "",
        header + " |",
        "|---|---|" + "---|" * (2 * len(SENSITIVITY)),
    ]
    for replay in REPLAYS:
        name = replay.scenario
        mine = table[table["replay"] == name]
        cells = [f"`{name}`", f"{_score(mine)}, peak {_headline(runs[name]):.2f}"]
        for parameter, lo, hi in SENSITIVITY:
            for value in (lo, hi):
                run = run_replay(replay, world, scenario_dir, market={parameter: value})
                scored = comparison_table({name: run}, world, checks)
                cells.append(f"{_score(scored)}, peak {_headline(run):.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def sections(world: World | None = None, scenario_dir: Path = SCENARIO_DIR) -> dict[str, str]:
    """The generated sections of docs/validation.md by name.

    ``summary``, one per replay (its scenario name), ``home-share-grid`` (on
    the dataset), ``home-share-grid-usgs`` (on the USGS production series, where
    the default was set), ``calibration-grid`` and ``calibrated``.

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
    # the default was set on the USGS series (the primary mining series until the v2 dataset)
    best, grid = fit_home_share(world.with_source("usgs-mcs"), checks, scenario_dir)
    out["home-share-grid-usgs"] = home_share_markdown(grid, best)
    out["calibration-grid"], out["calibrated"] = calibration_markdown(
        world, table, checks, scenario_dir
    )
    out["sensitivity"] = sensitivity_markdown(world, checks, table, runs, scenario_dir)
    out["eu-supply-risk"] = eu_sr_markdown(risk.eu_sr_comparison(world))
    out["us-nir"] = nir_markdown(risk.nir_table(world, "USA"))
    return out


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated sections of the Markdown file named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "docs/validation.md")
    path.write_text(render(path.read_text(encoding="utf-8"), sections()), encoding="utf-8")
    return 0
