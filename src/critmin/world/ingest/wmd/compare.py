"""Two World Mining Data editions compared: what the newer one revised."""

from __future__ import annotations

import pandas as pd

from critmin.world.ingest.common import IngestResult, Problem, Severity

#: ``check`` of every problem :func:`compare_wmd_editions` returns.
REVISION_CHECK = "wmd-revision"
#: Relative change above which a figure counts as revised [share].
REVISION_TOL = 0.01

_KEY = ["mineral", "stage", "country", "year"]
_TOTAL_KEY = ["mineral", "stage", "year"]


def compare_wmd_editions(
    old: IngestResult, new: IngestResult, *, tolerance: float = REVISION_TOL
) -> list[Problem]:
    """Report what the newer WMD edition revised in the years both editions cover.

    Parameters
    ----------
    old, new
        Results of :func:`~critmin.world.ingest.wmd.read_wmd` on the older and
        the newer edition (e.g. ``wmd-2024`` and ``wmd-geopolrisk``).
    tolerance
        Relative change above which a figure is reported [share]; default 0.01
        (1 %). A figure that was 0 t and is no longer 0 t is always reported.

    Returns
    -------
    list[Problem]
        All severity INFO, ``check`` ``"wmd-revision"``: first one summary
        (how many figures and totals were compared, revised, identical, and in
        one edition only), then one problem per (mineral, stage, country, year)
        production figure revised by more than ``tolerance``, one per
        (mineral, stage, country) with figures in only one edition (listing the
        years and values [t]), and one per (mineral, stage, year) world total
        (``published_total_t``) revised by more than ``tolerance`` or present in
        only one edition. Only the years present in both editions' production
        tables are compared.

    Examples
    --------
    >>> from critmin.world.ingest.wmd import WMD_GEOPOLRISK, read_wmd
    >>> old = read_wmd(Path("world_mining_data_2018_2022.sqlite"))  # doctest: +SKIP
    >>> new = read_wmd(Path("world_mining_data.db"), edition=WMD_GEOPOLRISK)  # doctest: +SKIP
    >>> compare_wmd_editions(old, new)[0].why  # doctest: +SKIP
    """
    old_id, new_id = _source_id(old), _source_id(new)
    file = f"{new_id} vs {old_id}"
    prod_old = _table(old, "production", [*_KEY, "value_t"])
    prod_new = _table(new, "production", [*_KEY, "value_t"])
    years = sorted(set(prod_old["year"]) & set(prod_new["year"]))
    span = f"{years[0]}-{years[-1]}" if years else "no common year"

    figures = _merge(prod_old, prod_new, _KEY, years)
    revised = figures[figures["side"].eq("both") & _revised(figures, "value_t", tolerance)]
    same = int(
        (figures["side"].eq("both") & figures["value_t_old"].eq(figures["value_t_new"])).sum()
    )
    one_side = figures[~figures["side"].eq("both")]

    tot_old = _table(old, "production_totals", [*_TOTAL_KEY, "published_total_t"])
    tot_new = _table(new, "production_totals", [*_TOTAL_KEY, "published_total_t"])
    totals = _merge(tot_old, tot_new, _TOTAL_KEY, years)
    both_tot = totals["side"].eq("both")
    tot_revised = totals[both_tot & _revised(totals, "published_total_t", tolerance)]
    tot_one_side = totals[~both_tot]

    def problem(why: str, column: str | None = None, value: str | None = None) -> Problem:
        return Problem(
            file, why, column=column, value=value, severity=Severity.INFO, check=REVISION_CHECK
        )

    n_both = int(figures["side"].eq("both").sum())
    out = [
        problem(
            f"{new_id} against {old_id}, {span}: {len(revised)} of {n_both} production figures "
            f"in both editions revised by more than {tolerance:.0%} ({same} identical); "
            f"{int(one_side['side'].eq('right_only').sum())} figures only in {new_id}, "
            f"{int(one_side['side'].eq('left_only').sum())} only in {old_id}; "
            f"{len(tot_revised)} of {int(both_tot.sum())} world totals revised by more than "
            f"{tolerance:.0%}, {len(tot_one_side)} in one edition only",
            value=f"{len(revised)}/{n_both}",
        )
    ]
    for r in revised.to_dict("records"):
        before, after = float(r["value_t_old"]), float(r["value_t_new"])
        out.append(
            problem(
                f"{r['mineral']} {r['stage']} {r['country']} {r['year']}: {new_id} revises "
                f"{old_id}'s {before:,.6g} t to {after:,.6g} t ({_change(before, after)})",
                column=str(r["year"]),
                value=f"{before:.6g} -> {after:.6g}",
            )
        )
    present_old = set(zip(prod_old["mineral"], prod_old["stage"], prod_old["country"], strict=True))
    present_new = set(zip(prod_new["mineral"], prod_new["stage"], prod_new["country"], strict=True))
    for (mineral, stage, country, side), rows in one_side.groupby(
        ["mineral", "stage", "country", "side"], observed=True, sort=True
    ):
        has, lacks = (new_id, old_id) if side == "right_only" else (old_id, new_id)
        present = present_old if side == "right_only" else present_new
        column = "value_t_new" if side == "right_only" else "value_t_old"
        listed = ", ".join(
            f"{y}: {v:,.6g} t" for y, v in zip(rows["year"], rows[column], strict=True)
        )
        absent = (
            f"{lacks} has no figure for these years"
            if (mineral, stage, country) in present
            else f"{lacks} does not list {country} for {mineral} {stage} at all"
        )
        out.append(
            problem(
                f"{mineral} {stage} {country}: in {has} only ({listed}); {absent}",
                column=", ".join(str(y) for y in rows["year"]),
                value=str(country),
            )
        )
    for r in tot_revised.to_dict("records"):
        before, after = float(r["published_total_t_old"]), float(r["published_total_t_new"])
        out.append(
            problem(
                f"{r['mineral']} {r['stage']} {r['year']}: {new_id} revises {old_id}'s world "
                f"total {before:,.6g} t to {after:,.6g} t ({_change(before, after)})",
                column=str(r["year"]),
                value=f"{before:.6g} -> {after:.6g}",
            )
        )
    for r in tot_one_side.to_dict("records"):
        has = new_id if r["side"] == "right_only" else old_id
        out.append(
            problem(
                f"{r['mineral']} {r['stage']} {r['year']}: world total only in {has}",
                column=str(r["year"]),
                value=has,
            )
        )
    return out


def _source_id(result: IngestResult) -> str:
    """The production source id of a WMD result (its first source if it has no rows)."""
    prod = result.tables.get("production")
    if prod is not None and not prod.empty:
        return str(prod["source_id"].iloc[0])
    return str(result.sources[0]["source_id"]) if result.sources else "?"


def _table(result: IngestResult, name: str, columns: list[str]) -> pd.DataFrame:
    """``columns`` of a result's table (an empty frame if the table is absent)."""
    frame = result.tables.get(name)
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return frame[columns]


def _merge(old: pd.DataFrame, new: pd.DataFrame, key: list[str], years: list[int]) -> pd.DataFrame:
    """Rows of both editions in ``years``, side by side (``side``: ``both``, ``left_only``
    = old only, ``right_only`` = new only)."""
    merged = pd.merge(
        old[old["year"].isin(years)],
        new[new["year"].isin(years)],
        on=key,
        how="outer",
        suffixes=("_old", "_new"),
        indicator=True,
    )
    merged = merged.rename(columns={"_merge": "side"})
    merged["side"] = merged["side"].astype(str)
    return merged.sort_values(key, kind="stable").reset_index(drop=True)


def _revised(frame: pd.DataFrame, value: str, tolerance: float) -> pd.Series:
    """True where the new figure differs from the old by more than ``tolerance`` of it."""
    before, after = frame[f"{value}_old"].astype(float), frame[f"{value}_new"].astype(float)
    change = (after - before).abs()
    return (change > tolerance * before.abs()) & (change > 0)


def _change(before: float, after: float) -> str:
    """A revision as a signed percentage of the old figure.

    >>> _change(100.0, 102.5), _change(0.0, 3.0)
    ('+2.5 %', 'from 0')
    """
    if before == 0:
        return "from 0"
    return f"{(after - before) / before:+.1%}".replace("%", " %")
