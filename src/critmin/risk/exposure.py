"""A consumer's dependence: published net import reliance, and exposure to each supplier.

:func:`exposure` attributes a consumer's consumption to supplying countries:
from bilateral trade wherever the dataset has it for the mineral and stage
(``method: "trade"``), else by the world-pool assumption (``"world-pool"``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from critmin import countries
from critmin.errors import CritminError
from critmin.risk._common import (
    UNATTRIBUTED,
    ExposureMethod,
    _check_country,
    _check_stage,
)
from critmin.risk.concentration import country_shares
from critmin.world.load import World
from critmin.world.schema import NirQualifier, Stage
from critmin.world.trade import (
    apparent_consumption,
    default_trade_stage,
    import_sources,
    members_of,
    trade_rows,
    trade_years,
)


def _nir_rows(world: World, consumer: str) -> pd.DataFrame:
    nir = world.net_import_reliance
    nir = nir[(nir["country"] == consumer) & nir["year"].notna() & nir["nir_share"].notna()]
    return nir.astype({"year": "int64", "nir_share": "float64"})


def _latest_by_mineral(frame: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """For each mineral, the row with the latest year (<= ``year`` if given)."""
    if year is not None:
        frame = frame[frame["year"] <= int(year)]
    if frame.empty:
        return frame
    return frame.loc[frame.groupby("mineral")["year"].idxmax()]


def import_reliance(world: World, consumer: str, *, year: int | None = None) -> pd.DataFrame:
    """A consumer's published net import reliance, one row per mineral.

    Parameters
    ----------
    world
        The dataset.
    consumer
        ISO3 code of the importing country.
    year
        Calendar year [year]; None for each mineral's latest year.

    Returns
    -------
    pandas.DataFrame
        Columns ``mineral``, ``year``, ``nir_share`` [share], ``qualifier``
        (``=``, ``>`` lower bound, ``<`` upper bound, ``E`` net exporter),
        ``source_id``; most import-reliant first.

    Raises
    ------
    CritminError
        Unknown country, a consumer without data, or a year without data.
    """
    consumer = _check_country(consumer, where="consumer")
    rows = _nir_rows(world, consumer)
    if rows.empty:
        known = sorted(set(world.net_import_reliance["country"]))
        raise CritminError(
            "no net import reliance data for this consumer",
            where="consumer",
            given=consumer,
            allowed=known or "none: the dataset has no net import reliance figures",
        )
    if year is None:
        rows = _latest_by_mineral(rows, None)
    else:
        years = sorted({int(y) for y in rows["year"]})
        rows = rows[rows["year"] == int(year)]
        if rows.empty:
            raise CritminError(
                f"no net import reliance data for {consumer} in this year",
                where="year",
                given=year,
                allowed=[str(y) for y in years],
            )
    out = rows[["mineral", "year", "nir_share", "qualifier", "source_id"]]
    return out.sort_values(["nir_share", "mineral"], ascending=[False, True]).reset_index(drop=True)


def _default_stage(world: World, mineral: str) -> str:
    return Stage.REFINING.value if world.years(mineral, Stage.REFINING) else Stage.MINING.value


def exposure(
    world: World,
    consumer: str,
    mineral: str,
    *,
    stage: str | None = None,
    year: int | None = None,
    hubs: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Share of a consumer's consumption supplied by each country.

    Parameters
    ----------
    world
        The dataset.
    consumer
        ISO3 code of the importing country, or a group such as ``EU27``
        (trade method only: imports from outside the group).
    mineral
        Mineral id.
    stage
        Stage whose supply is attributed; None: the stage with trade
        (refining if both have), else refining if it has production data,
        else mining.
    year
        Calendar year [year]; None for the latest year with trade (else with
        production data).
    hubs
        Re-export hubs whose shipments are traced back to their own suppliers
        (trade method; see :func:`critmin.world.trade.reattribute_hubs`).

    Returns
    -------
    pandas.DataFrame
        Columns ``supplier`` (ISO3, ``ROW`` or ``unattributed``),
        ``exposure_share`` [share of the consumer's apparent consumption; NaN
        when the net import reliance is unknown], ``method`` (``trade`` or
        ``world-pool``), ``stage``, ``year``, ``nir_share`` [share], ``nir_year``,
        ``published_import_rank`` (rank among the consumer's major import
        sources in ``import_sources``, if listed), and for the trade method
        also ``import_share`` [share of its imports], ``imports_t`` [t],
        ``value_usd`` [USD], ``via`` (hub a quantity was traced through),
        ``measure`` (``value_t``: basis tonnes; ``gross_t``: product tonnes),
        ``hs_codes``, ``nir_qualifier``, ``nir_source`` (``derived`` from trade
        and production, or the published source id). The exposures sum to
        ``nir_share``.

    Raises
    ------
    CritminError
        Unknown country, mineral or stage; no data for ``year``; no net import
        reliance figure (world-pool method); or a consumer that is the world's
        only producer.

    Notes
    -----
    Trade method: :math:`e_c = NIR \\cdot m_c / \\sum_k m_k` with :math:`m_c` the
    consumer's imports from :math:`c`. The NIR is derived from trade and
    production (:func:`critmin.world.trade.apparent_consumption`) where that is
    exact, else the published figure, else the derived lower bound. World
    pool: :math:`e_s = NIR \\cdot q_s / (Q - q_{consumer})` for every other
    producer :math:`s` (ROW and the unattributed remainder included), which
    ignores actual trade routes. See docs/methods.md.
    """
    world.check_mineral(mineral, where="mineral")
    traded = default_trade_stage(world, mineral)
    if stage is None:
        stage = traded if traded is not None else _default_stage(world, mineral)
    stage = _check_stage(stage, where="stage")
    years = trade_years(world, mineral, stage)
    if years and (year is None or int(year) in years):
        return _trade_exposure(world, consumer, mineral, stage, year, hubs)
    consumer = _check_country(consumer, where="consumer")
    return _pool_exposure(world, consumer, mineral, stage, year)


def consumer_nir(
    world: World, label: str, mineral: str, stage: str, year: int
) -> dict[str, object]:
    """A consumer's NIR: derived from trade if exact, else published, else the derived bound.

    Returns ``nir_share`` [share; NaN if unknown], ``nir_year``,
    ``nir_qualifier`` and ``nir_source`` (``derived`` or the published source id).
    """
    derived = apparent_consumption(world, label, mineral, stage=stage, years=year)
    d = derived.iloc[0] if not derived.empty else None
    exact = d is not None and np.isfinite(d["nir_share"]) and d["qualifier"] != ">"
    if exact and d is not None:
        return {
            "nir_share": float(d["nir_share"]),
            "nir_year": year,
            "nir_qualifier": str(d["qualifier"]),
            "nir_source": "derived",
        }
    published = _nir_rows(world, label)
    published = published[published["mineral"] == mineral]
    if not published.empty:
        latest = _latest_by_mineral(published, year)
        if latest.empty:
            latest = _latest_by_mineral(published, None)
        return {
            "nir_share": float(latest["nir_share"].iloc[0]),
            "nir_year": int(latest["year"].iloc[0]),
            "nir_qualifier": str(latest["qualifier"].iloc[0]),
            "nir_source": str(latest["source_id"].iloc[0]),
        }
    bound = d is not None and np.isfinite(d["nir_share"])
    return {
        "nir_share": float(d["nir_share"]) if bound and d is not None else float("nan"),
        "nir_year": year,
        "nir_qualifier": NirQualifier.ABOVE.value if bound else "",
        "nir_source": "derived" if bound else "",
    }


def _trade_exposure(
    world: World,
    consumer: str,
    mineral: str,
    stage: str,
    year: int | None,
    hubs: Iterable[str] | None,
) -> pd.DataFrame:
    label, _ = members_of(consumer)
    sources = import_sources(world, label, mineral, stage=stage, year=year, hubs=hubs)
    year = int(year) if year is not None else trade_years(world, mineral, stage)[-1]
    nir = consumer_nir(world, label, mineral, stage, year)
    share = float(nir["nir_share"])  # type: ignore[arg-type]
    ranks = world.import_sources
    ranks = ranks[(ranks["consumer"] == label) & (ranks["mineral"] == mineral)]
    rank = ranks.groupby("partner")["rank"].min()
    codes = ";".join(trade_rows(world, mineral, stage, year).codes)
    out = pd.DataFrame(
        {
            "supplier": sources["supplier"],
            "exposure_share": share * sources["import_share"],
            "method": str(ExposureMethod.TRADE),
            "stage": stage,
            "year": year,
            "nir_share": share,
            "nir_year": nir["nir_year"],
            "published_import_rank": sources["supplier"].map(rank).astype("Int64"),
            "import_share": sources["import_share"],
            "imports_t": sources["imports_t"],
            "value_usd": sources["value_usd"],
            "via": sources["via"],
            "measure": sources["measure"],
            "hs_codes": codes,
            "nir_qualifier": nir["nir_qualifier"],
            "nir_source": nir["nir_source"],
        }
    )
    return out.reset_index(drop=True)


def _pool_exposure(
    world: World, consumer: str, mineral: str, stage: str, year: int | None
) -> pd.DataFrame:
    """The world-pool method (no trade for the mineral and stage)."""
    prod_years = world.years(mineral, stage)
    if year is None:
        if not prod_years:
            raise CritminError(
                f"no production data for {mineral} at this stage",
                where="stage",
                given=stage,
                allowed=world.stages(mineral) or "none: no stage has data",
            )
        year = prod_years[-1]
    year = int(year)
    nir_all = _nir_rows(world, consumer)
    nir_all = nir_all[nir_all["mineral"] == mineral]
    if nir_all.empty:
        has = world.net_import_reliance
        raise CritminError(
            f"no net import reliance figure for {mineral}",
            where="consumer",
            given=consumer,
            allowed=sorted(set(has.loc[has["mineral"] == mineral, "country"])) or "none",
        )
    nir_row = _latest_by_mineral(nir_all, year)
    if nir_row.empty:
        nir_row = _latest_by_mineral(nir_all, None)
    nir = float(nir_row["nir_share"].iloc[0])
    nir_year = int(nir_row["year"].iloc[0])
    method = ExposureMethod.WORLD_POOL
    shares = country_shares(world, mineral, stage, year)
    own = shares["country"] == consumer
    pool = float(shares["value_t"].sum()) - float(shares.loc[own, "value_t"].sum())
    if pool <= 0:
        raise CritminError(
            "the world-pool assumption is undefined: the consumer is the only producer",
            where="consumer",
            given=consumer,
            allowed="a consumer that is not the sole producer, or trade rows for it",
        )
    others = shares[~own]
    out = pd.DataFrame(
        {
            "supplier": others["country"].to_numpy(),
            "exposure_share": nir * others["value_t"].to_numpy() / pool,
        }
    )
    last = out["supplier"].isin([*countries.AGGREGATES, UNATTRIBUTED])
    out = pd.concat(
        [
            out[~last].sort_values(["exposure_share", "supplier"], ascending=[False, True]),
            out[last],
        ],
        ignore_index=True,
    )
    ranks = world.import_sources
    ranks = ranks[(ranks["consumer"] == consumer) & (ranks["mineral"] == mineral)]
    rank = ranks.groupby("partner")["rank"].min()
    return out.assign(
        method=str(method),
        stage=stage,
        year=year,
        nir_share=nir,
        nir_year=nir_year,
        published_import_rank=out["supplier"].map(rank).astype("Int64"),
    )


def nir_table(world: World, consumer: str, *, year: int | None = None) -> pd.DataFrame:
    """A consumer's net import reliance per mineral: published beside derived from trade.

    Parameters
    ----------
    world
        The dataset.
    consumer
        ISO3 code, or a group such as ``EU27`` (derived figures only).
    year
        Calendar year [year]; None: the latest published year, and for the
        derived figure the same year if the trade has it, else its latest year.

    Returns
    -------
    pandas.DataFrame
        One row per mineral with a published figure or with trade: ``mineral``;
        the published ``year``, ``nir_share``, ``qualifier``, ``source_id`` (NaN
        or "" where none); ``derived_stage``, ``derived_year``,
        ``derived_nir_share``, ``derived_qualifier``, ``derived_source_id``,
        ``derived_note`` (:func:`critmin.world.trade.apparent_consumption`); and
        ``difference`` = derived - published [share] where both are known.
    """
    label, _ = members_of(consumer)
    published = _nir_rows(world, label)
    if year is not None:
        published = published[published["year"] <= int(year)]
    published = _latest_by_mineral(published, None) if not published.empty else published
    by_mineral = {str(r["mineral"]): r for r in published.to_dict(orient="records")}
    traded = world.traded_minerals
    rows = []
    for mineral in sorted(set(by_mineral) | set(traded)):
        pub = by_mineral.get(mineral)
        row: dict[str, object] = {
            "mineral": mineral,
            "year": pub["year"] if pub else pd.NA,
            "nir_share": float(pub["nir_share"]) if pub else np.nan,
            "qualifier": str(pub["qualifier"]) if pub else "",
            "source_id": str(pub["source_id"]) if pub else "",
        }
        stage = default_trade_stage(world, mineral)
        derived = None
        if stage is not None:
            years = trade_years(world, mineral, stage)
            want = int(pub["year"]) if pub and year is None else year
            if want is not None:
                years = [y for y in years if y <= int(want)]
            if years:
                derived = apparent_consumption(world, label, mineral, stage=stage, years=years[-1])
        d = derived.iloc[0] if derived is not None and not derived.empty else None
        row.update(
            {
                "derived_stage": stage or "",
                "derived_year": int(d["year"]) if d is not None else pd.NA,
                "derived_nir_share": float(d["nir_share"]) if d is not None else np.nan,
                "derived_qualifier": str(d["qualifier"]) if d is not None else "",
                "derived_source_id": str(d["source_id"]) if d is not None else "",
                "derived_note": str(d["note"]) if d is not None else "no trade data",
            }
        )
        both = pub is not None and d is not None and np.isfinite(float(d["nir_share"]))
        row["difference"] = (
            float(d["nir_share"]) - float(pub["nir_share"])
            if both and d is not None and pub
            else np.nan
        )
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        raise CritminError(
            "no net import reliance, published or derivable, for this consumer",
            where="consumer",
            given=label,
        )
    out["year"] = out["year"].astype("Int64")
    out["derived_year"] = out["derived_year"].astype("Int64")
    return out
