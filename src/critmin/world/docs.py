"""Generated sections of docs/data.md: the table reference and the coverage table.

``python -m critmin.world.docs docs/data.md`` rewrites the text between the
``<!-- BEGIN generated:NAME -->`` and ``<!-- END generated:NAME -->`` markers;
a test checks that the committed file is up to date.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from critmin.docsections import fill_sections
from critmin.world.load import World, load_world
from critmin.world.schema import Status, markdown_reference


def _years(values: pd.Series) -> str:
    years = sorted({int(v) for v in values})
    if not years:
        return ""
    runs: list[str] = []
    start = prev = years[0]
    for y in [*years[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(runs)


def _cell(text: object) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def coverage_markdown(world: World) -> str:
    """Mineral x stage: what exists (production, trade, prices, consumption) and for which years.

    * production: the primary series and its years (``source_precedence``),
      the years with an estimate;
    * trade: the HS codes with trade rows and their years, codes kept in gross
      weight, and products the HS 1992 subset has no code for;
    * prices: years of BACI export unit values for the stage's products, and of
      other price series of the mineral;
    * consumption by country: years in which apparent consumption can be
      derived for any country (trade on the production series' basis and
      production in the same year), and the published consumption figures.
    """
    prod = world.production
    trade = world.trade
    codes = world.hs_codes
    prices = world.prices
    consumption = world.consumption
    precedence = {
        (str(r["mineral"]), str(r["stage"])): r
        for r in world.source_precedence.to_dict(orient="records")
    }
    lines = [
        "| mineral | stage | basis | production: primary series, years (years with estimates) "
        "| trade: HS codes, years | prices: years | consumption by country: years | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in world.mineral_stages.to_dict(orient="records"):
        mineral, stage = str(row["mineral"]), str(row["stage"])
        rows = prod[(prod["mineral"] == mineral) & (prod["stage"] == stage)]
        if (mineral, stage) in precedence:
            entry = precedence[(mineral, stage)]
            estimated = _years(rows.loc[rows["status"] == Status.ESTIMATED, "year"]) or "none"
            production = f"{entry['primary_series']} {entry['years']} ({estimated})"
        else:
            production = "-"
        mine = codes[(codes["mineral"] == mineral) & (codes["stage"] == stage)]
        flows = trade[(trade["mineral"] == mineral) & (trade["stage"] == stage)]
        parts = []
        for code, group in flows.groupby("hs_code"):
            status = mine.loc[mine["hs_code"] == code, "status"]
            gross = " gross weight" if len(status) and status.iloc[0] == "gross-weight" else ""
            parts.append(f"{code}{gross} {_years(group['year'])}")
        gaps = mine.loc[mine["status"] == "no-code", "hs_code"]
        if len(gaps):
            parts.append("no code here: " + ", ".join(sorted(set(gaps))))
        traded = "; ".join(parts) or "-"
        mineral_prices = prices[prices["mineral"] == mineral]
        stage_codes = set(flows["hs_code"])
        tags = [f"(HS {c})" for c in sorted(stage_codes)]
        names = mineral_prices["series"].astype(str)
        unit = mineral_prices[
            names.str.contains("unit value", regex=False)
            & np.array([any(t in name for t in tags) for name in names], dtype=bool)
        ]
        other = mineral_prices[~mineral_prices["series"].str.contains("(HS ", regex=False)]
        price_parts = []
        if len(unit):
            price_parts.append(f"unit values {_years(unit['year'])}")
        final = (world.stages(mineral) or [""])[-1]
        if len(other) and stage == final:
            price_parts.append(f"{other['series'].nunique()} other series {_years(other['year'])}")
        same = mine.loc[mine["same_basis_as_production"], "hs_code"] if len(mine) else []
        usable = flows[flows["hs_code"].isin(set(same))]
        derived = sorted(set(usable["year"].dropna().astype(int)) & set(rows["year"].astype(int)))
        published = consumption[
            (consumption["mineral"] == mineral) & (consumption["kind"] != "demand")
        ]
        cons_parts = []
        if derived:
            cons_parts.append(f"derived, any country {_years(pd.Series(derived))}")
        if len(published) and stage == final:
            who = ", ".join(sorted(set(published["consumer"])))
            cons_parts.append(f"published ({who}) {_years(published['year'])}")
        note = "" if (mineral, stage) in precedence else row["note"]
        lines.append(
            f"| {mineral} | {stage} | {_cell(row['basis'])} | {production} | {_cell(traded)} | "
            f"{'; '.join(price_parts) or '-'} | {'; '.join(cons_parts) or '-'} | {_cell(note)} |"
        )
    return "\n".join(lines) + "\n"


def reference_markdown(world: World) -> str:
    """The table reference (from the schema; ``world`` is unused)."""
    return markdown_reference()


SECTIONS: dict[str, Callable[[World], str]] = {
    "reference": reference_markdown,
    "coverage": coverage_markdown,
}


def render(text: str, world: World) -> str:
    """``text`` with every generated section replaced by its current content."""
    return fill_sections(text, {name: make(world) for name, make in SECTIONS.items()})


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated sections of the markdown file named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "docs/data.md")
    path.write_text(render(path.read_text(encoding="utf-8"), load_world()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
