"""The allied-consumer view of the vulnerability map: who depends on whom, mineral by mineral.

For each allied consumer and each watched mineral: the net import reliance,
the top supplier and its share of the consumer's imports, and the GeoPolRisk
score, from bilateral trade, production and governance data.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from critmin.errors import CritminError
from critmin.risk.exposure import consumer_nir
from critmin.risk.geopolrisk import geopolrisk_from_world, geopolrisk_year
from critmin.world.load import World
from critmin.world.trade import default_trade_stage, import_sources, trade_years

#: The allied consumers of the view: the US, Japan, Korea, Germany and the EU27 as one
#: economy, Canada, Australia and the UK.
ALLIED_CONSUMERS: tuple[str, ...] = ("USA", "JPN", "KOR", "DEU", "EU27", "CAN", "AUS", "GBR")

#: Minerals China has restricted since 2023 (gallium, germanium, graphite, antimony,
#: rare earths, tungsten, indium), plus cobalt, lithium and nickel.
WATCHED_MINERALS: tuple[str, ...] = (
    "gallium",
    "germanium",
    "graphite",
    "antimony",
    "rare-earths",
    "tungsten",
    "indium",
    "cobalt",
    "lithium",
    "nickel",
)


#: Columns of the allied-consumer view shown by the CLI (``risk --allies``) and the report.
ALLIED_COLUMNS = [
    "consumer",
    "mineral",
    "stage",
    "year",
    "nir_share",
    "nir_qualifier",
    "top_supplier",
    "top_supplier_share",
    "geopolrisk",
    "note",
]


def _year_at_most(years: list[int], year: int | None) -> int | None:
    if not years:
        return None
    if year is None:
        return years[-1]
    earlier = [y for y in years if y <= int(year)]
    return earlier[-1] if earlier else None


def allied_dependence(
    world: World,
    *,
    consumers: Iterable[str] = ALLIED_CONSUMERS,
    minerals: Iterable[str] = WATCHED_MINERALS,
    year: int | None = None,
) -> pd.DataFrame:
    """Dependence of each allied consumer on its suppliers of each watched mineral.

    Parameters
    ----------
    world
        The dataset.
    consumers
        ISO3 codes or groups (``EU27`` is one economy, trade between members
        netted out).
    minerals
        Mineral ids (those the dataset lacks are skipped).
    year
        Calendar year [year]; None: each mineral's latest year with trade. A
        mineral whose trade ends earlier (germanium: 2016) uses its last year.

    The stage is the one with trade on the production series' basis (refining
    if both have it), so that the reliance can be derived: cobalt's is mining
    (hydroxide in cobalt content; its refined oxides are traded in gross weight).

    Returns
    -------
    pandas.DataFrame
        One row per consumer and mineral: stage, year, nir_share [share, NaN if
        unknown], nir_qualifier, nir_source, top_supplier, top_supplier_share
        [share of the consumer's imports], geopolrisk [0-1], geopolrisk_year,
        note (why a figure is missing).
    """
    rows = []
    known = set(world.mineral_ids)
    for mineral in [m for m in minerals if m in known]:
        stage = default_trade_stage(world, mineral, for_consumption=True)
        trade_year = _year_at_most(trade_years(world, mineral, stage), year) if stage else None
        gpr_year = geopolrisk_year(world, mineral, year)
        for consumer in consumers:
            row: dict[str, object] = {
                "consumer": consumer,
                "mineral": mineral,
                "stage": stage or "",
                "year": trade_year,
                "nir_share": np.nan,
                "nir_qualifier": "",
                "nir_source": "",
                "top_supplier": "",
                "top_supplier_share": np.nan,
                "geopolrisk": np.nan,
                "geopolrisk_year": gpr_year,
                "note": "",
            }
            notes = []
            if stage is None or trade_year is None:
                notes.append(
                    f"no trade data for {mineral}: HS 1992 has no code for it in the subset"
                    if stage is None
                    else f"no trade for {mineral} in or before {year}"
                )
            else:
                sources = import_sources(world, consumer, mineral, stage=stage, year=trade_year)
                if not sources.empty and sources["imports_t"].sum() > 0:
                    row["top_supplier"] = str(sources["supplier"].iloc[0])
                    row["top_supplier_share"] = float(sources["import_share"].iloc[0])
                else:
                    notes.append("no recorded imports")
                nir = consumer_nir(world, consumer, mineral, stage, trade_year)
                row.update({k: nir[k] for k in ("nir_share", "nir_qualifier", "nir_source")})
                if year is not None and trade_year != int(year):
                    notes.append(f"trade ends in {trade_year}")
            if gpr_year is not None:
                try:
                    row["geopolrisk"] = geopolrisk_from_world(
                        world, consumer, mineral, gpr_year
                    ).score
                except CritminError as exc:
                    notes.append(f"GeoPolRisk: {exc.what}")
            row["note"] = "; ".join(notes)
            rows.append(row)
    return pd.DataFrame(rows)
