"""The bottom line of a report in plain words: who runs short, of what, how much, how
likely, and what the reserves and floors did about it.

Pure functions of a run's ``summary.json`` (and, for the vulnerability map, of the
risk tables): each returns sentences of plain text, which the reports escape and
lay out at the top of the page, before the headline figures and the method.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from critmin.labels import share, tonnes, usd
from critmin.report.geo import country_name

#: Below this expected share of demand a mineral's shortfall is "negligible".
NEGLIGIBLE_SHARE = 0.005
#: At most this many minerals get a sentence of their own.
MAX_MINERALS = 4


def _name(code: str) -> str:
    if code == "ROW":
        return "the rest of the world"
    return country_name(code)


def _most_exposed(figures: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    """The consumer with the largest expected shortfall share of its demand."""
    rows = [
        (c, f)
        for c, f in (figures.get("consumers") or {}).items()
        if (f.get("expected_shortfall_share") or 0) > 0
    ]
    if not rows:
        return None
    return max(rows, key=lambda cf: cf[1]["expected_shortfall_share"])


def _mineral_sentence(mineral: str, figures: Mapping[str, Any]) -> str:
    expected = figures.get("expected_shortfall_t") or 0.0
    part = [
        f"{mineral.capitalize()}: buyers are expected to go without {tonnes(expected)} t "
        f"({share(figures.get('expected_shortfall_share') or 0.0)} of demand over the horizon)"
    ]
    p95 = figures.get("p95_shortfall_t")
    if p95 is not None:
        part.append(f", {tonnes(p95)} t in a 1-in-20 bad case")
    likely = figures.get("short_path_share")
    text = "".join(part) + "."
    if likely is not None:
        text += (
            f" World supply falls short of demand (by more than 0.5 %) in some month on "
            f"{share(likely)} of the simulated paths."
        )
    exposed = _most_exposed(figures)
    if exposed is not None:
        code, row = exposed
        text += (
            f" Hardest hit: {_name(code)}, short of {share(row['expected_shortfall_share'])} "
            "of its demand"
        )
        if row.get("short_path_share") is not None:
            text += f" (short in {share(row['short_path_share'])} of paths)"
        text += "."
    peak = figures.get("peak_price_ratio")
    if peak is not None and peak > 1.05:
        text += f" The allies' price peaks at {peak:.1f} times its baseline on average"
        if (figures.get("price_cap_binding_share") or 0) > 0:
            text += " (held down by the model's price cap in some months: a lower bound)"
        text += "."
    unrecovered = figures.get("unrecovered_share")
    if unrecovered:
        text += (
            f" In {share(unrecovered)} of paths the market has still not recovered at the "
            "end of the horizon."
        )
    return text


def _removed(tonnes_removed: float, without: float, whose: str) -> str:
    """``remove 233 t, 5.0% of the members' expected shortfall`` (or ``add`` when the
    reserves' purchases took more supply than their releases gave back)."""
    verb = "remove" if tonnes_removed >= 0 else "add"
    part = f"{verb} {tonnes(abs(tonnes_removed))} t"
    if without > 0:
        part += f", {share(abs(tonnes_removed) / without)} of {whose} expected shortfall"
    return part


def _policy_sentences(minerals: Mapping[str, Mapping[str, Any]]) -> list[str]:
    out = []
    for mineral, figures in minerals.items():
        effect = figures.get("reserve_effect")
        reserves = figures.get("reserves") or {}
        if effect and reserves:
            members = list(
                dict.fromkeys(
                    c
                    for r in reserves.values()
                    for c in (r.get("net_fiscal_cost_by_member_usd") or {})
                )
            )
            by = effect["by_consumer"]

            def gap(rows: list[Mapping[str, Any]]) -> tuple[float, float]:
                without = sum(r.get("expected_shortfall_without_reserves_t") or 0.0 for r in rows)
                return without, sum(r.get("shortfall_removed_t") or 0.0 for r in rows)

            m_without, m_removed = gap([by[c] for c in members if c in by])
            w_without, w_removed = gap([by.get("WORLD", {})])
            cost = sum((r.get("net_fiscal_cost_usd") or 0.0) for r in reserves.values())
            who = ", ".join(_name(c) for c in members) or "their members"
            money = (
                f"at a net cost of {usd(cost)}"
                if cost >= 0
                else f"and earn {usd(-cost)} net (releases sold for more than purchases cost)"
            )
            text = f"Reserves of {mineral} ({', '.join(reserves)}; for {who}) "
            if m_without > 0 or w_without > 0:
                text += _removed(m_removed, m_without, "the members'")
                world = _removed(w_removed, w_without, "the world's")
                text += f" (and {world}), {money}"
                if min(m_removed, w_removed) < 0:
                    text += (
                        "; adding to a shortfall means the reserves' purchases took more "
                        "supply than their releases gave back"
                    )
                out.append(f"{text}.")
            else:
                out.append(f"{text}had no shortfall to remove, {money}.")
        floor = figures.get("floor_cost_usd") or 0.0
        if floor > 0:
            out.append(f"Price floors on {mineral} cost {usd(floor)} over the horizon.")
    if not out:
        out.append("The scenario holds no reserves and no price floors that paid out.")
    return out


def stress_test_bottom_line(summary: Mapping[str, Any]) -> list[str]:
    """The bottom line of a stress test, from its ``summary.json``.

    Returns
    -------
    list of str
        Plain sentences: which minerals run short and how badly, then one per
        mineral with a shortfall (the :data:`MAX_MINERALS` worst by share of
        demand): how much, how likely, who is hit hardest, the price and the
        recovery; then what the reserves and floors did.
    """
    minerals: Mapping[str, Mapping[str, Any]] = summary.get("minerals") or {}
    months = summary.get("horizon_months")
    short = sorted(
        (
            (m, f)
            for m, f in minerals.items()
            if (f.get("expected_shortfall_share") or 0) >= NEGLIGIBLE_SHARE
        ),
        key=lambda mf: -(mf[1].get("expected_shortfall_share") or 0),
    )
    calm = [m for m in minerals if m not in dict(short)]
    span = f" over {months} months" if months else ""
    if not short:
        lead = (
            f"No mineral runs meaningfully short{span}: every expected shortfall is below "
            f"{share(NEGLIGIBLE_SHARE)} of demand."
        )
    else:
        names = ", ".join(m for m, _ in short)
        lead = f"{len(short)} of {len(minerals)} minerals run short{span}: {names}."
    lines = [lead]
    lines += [_mineral_sentence(m, f) for m, f in short[:MAX_MINERALS]]
    if len(short) > MAX_MINERALS:
        rest = ", ".join(m for m, _ in short[MAX_MINERALS:])
        lines.append(f"Smaller shortfalls, in the tables below: {rest}.")
    if calm and short:
        lines.append(
            f"Negligible shortfall (below {share(NEGLIGIBLE_SHARE)} of demand): {', '.join(calm)}."
        )
    lines += _policy_sentences(minerals)
    return lines


def vulnerability_bottom_line(priorities: pd.DataFrame, concentration: pd.DataFrame) -> list[str]:
    """The bottom line of the vulnerability map: the priority minerals, and where
    China holds most of a stage and the allied group depends on others.

    Parameters
    ----------
    priorities
        :func:`critmin.risk.priorities` (``mineral``, ``is_priority``, ``rank``).
    concentration
        :func:`critmin.risk.concentration` (``mineral``, ``stage``, ``china_share``,
        ``outside_group_share``).
    """
    lines = []
    chosen = priorities[priorities["is_priority"].astype(bool)].sort_values("rank")
    if chosen.empty:
        lines.append("No mineral meets the priority criteria.")
    else:
        lines.append(
            f"{len(chosen)} of {len(priorities)} minerals meet the priority criteria: "
            f"{', '.join(chosen['mineral'])}."
        )
    for stage in ("mining", "refining"):
        part = concentration[concentration["stage"] == stage]
        china = part[part["china_share"] >= 0.5].sort_values("china_share", ascending=False)
        if not china.empty:
            listed = ", ".join(
                f"{m} ({share(float(v))})"
                for m, v in zip(china["mineral"], china["china_share"], strict=True)
            )
            lines.append(f"China supplies half or more of the world's {stage} of {listed}.")
    known = concentration.dropna(subset=["outside_group_share"])
    outside = known[known["outside_group_share"] >= 0.8]
    if not outside.empty:
        text = (
            f"For {len(outside)} of {len(known)} mineral stages with data, 80 % or more of "
            "world supply comes from outside the allied group"
        )
        inside = known[known["outside_group_share"] < 0.8].sort_values("outside_group_share")
        if len(outside) > len(known) / 2 and not inside.empty:
            listed = ", ".join(
                f"{m} {st} ({share(float(v))})"
                for m, st, v in zip(
                    inside["mineral"], inside["stage"], inside["outside_group_share"], strict=True
                )
            )
            text += f"; the exceptions: {listed}"
        elif len(outside) <= len(known) / 2:
            text += ": " + ", ".join(
                f"{r.mineral} {r.stage}" for r in outside.sort_values("mineral").itertuples()
            )
        lines.append(text + ".")
    return lines
