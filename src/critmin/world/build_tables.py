"""Assemble the package's tables from the reader output and the curated files.

:func:`assemble` runs the selection and the cross-checks, derives the
``minerals``, ``mineral_stages``, ``countries`` and ``country_groups`` tables,
adds the curated tables kept in ``critmin/world/curated`` and keeps one row
per key where USGS editions overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin import countries
from critmin.world.build_crosscheck import cross_check_leading_producers, cross_check_series
from critmin.world.build_output import _format
from critmin.world.build_selection import _frame, select_production, source_rank
from critmin.world.editions import edition_rank
from critmin.world.ingest.common import IngestResult, Problem
from critmin.world.ingest.registry import MINERALS
from critmin.world.schema import Coverage, Stage

#: Why a stage has no country data (shown in mineral_stages.note).
NO_DATA_REASONS: dict[tuple[str, str], tuple[Coverage, str]] = {
    ("gallium", "mining"): (
        Coverage.NOT_APPLICABLE,
        "Gallium is not mined: it is recovered as a by-product of alumina (and zinc) "
        "refining, so its primary production is a refining-stage figure.",
    ),
    ("germanium", "mining"): (
        Coverage.NOT_APPLICABLE,
        "Germanium is recovered as a by-product of zinc refining and coal fly ash; "
        "USGS reports refinery production only.",
    ),
    ("indium", "mining"): (
        Coverage.NOT_APPLICABLE,
        "Indium is recovered as a by-product of zinc refining; USGS reports refinery "
        "production only.",
    ),
}

for _element in ("ndpr", "dysprosium", "terbium"):
    for _stage in ("mining", "refining"):
        NO_DATA_REASONS[(_element, _stage)] = (
            Coverage.NO_DATA,
            "Only global clean-technology demand is published (IEA Critical Minerals Data "
            "Explorer); no source ingested gives production of this element by country. "
            "See rare-earths for rare-earth oxide mining and magnet rare-earth refining.",
        )

#: Default reason for a stage without data.
NO_DATA_DEFAULT = (
    "No country-level production for this stage in the sources critmin ingests "
    "(USGS MCS 2023-2024, World Mining Data 2018-2024, IEA Critical Minerals Data Explorer "
    "2024-2025)."
)

CURATED_DIR = Path(__file__).resolve().parent / "curated"


def _curated(name: str) -> pd.DataFrame:
    path = CURATED_DIR / f"{name}.csv"
    if not path.is_file():
        return pd.DataFrame()
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def minerals_table(result: IngestResult, stages: pd.DataFrame) -> pd.DataFrame:
    """The ``minerals`` table: registry names plus WMD's HS codes and EoL-RIR."""
    meta = _frame(result, "minerals").drop_duplicates("mineral").set_index("mineral")
    rows = []
    for spec in MINERALS:
        with_data = stages[
            (stages["mineral"] == spec.mineral) & (stages["coverage"] == Coverage.DATA)
        ]
        order = [s.value for s in Stage]
        stage_list = sorted(set(with_data["stage"]), key=order.index)
        m = meta.loc[spec.mineral] if spec.mineral in meta.index else None
        rows.append(
            {
                "mineral": spec.mineral,
                "name": spec.name,
                "symbol": spec.symbol,
                "hs_codes": "" if m is None else (m.get("hs_codes") or ""),
                "stages": ";".join(stage_list),
                "eol_rir_share": np.nan if m is None else m.get("eol_rir_share"),
                "eol_rir_source_id": "" if m is None else (m.get("eol_rir_source_id") or ""),
                "note": "" if stage_list else "No country production data; demand only.",
            }
        )
    return pd.DataFrame(rows)


def mineral_stages_table(result: IngestResult, production: pd.DataFrame) -> pd.DataFrame:
    """One row per mineral and stage: basis and coverage, explicit where data are missing."""
    declared = _frame(result, "mineral_stages")
    rows = []
    for spec in MINERALS:
        for stage in Stage:
            used = production[
                (production["mineral"] == spec.mineral) & (production["stage"] == stage)
            ]
            if not used.empty:
                ranks = sorted(
                    set(used["source_id"]), key=lambda s: source_rank(spec.mineral, stage, s)
                )
                candidates = declared[
                    (declared["mineral"] == spec.mineral) & (declared["stage"] == stage)
                ]
                best = candidates.assign(
                    rank=[source_rank(spec.mineral, stage, s) for s in candidates["source_id"]]
                ).sort_values("rank")
                basis = str(best["basis"].iloc[0]) if not best.empty else "see note"
                note = (
                    str(best["note"].iloc[0])
                    if not best.empty and isinstance(best["note"].iloc[0], str)
                    else ""
                )
                years = sorted({int(y) for y in used["year"]})
                note = (
                    note + f" Years {years[0]}-{years[-1]} from " + ", ".join(ranks) + "."
                ).strip()
                rows.append(
                    {
                        "mineral": spec.mineral,
                        "stage": stage.value,
                        "basis": basis,
                        "unit": "t",
                        "coverage": Coverage.DATA.value,
                        "source_id": ranks[0],
                        "note": note,
                    }
                )
            else:
                coverage, reason = NO_DATA_REASONS.get(
                    (spec.mineral, stage.value), (Coverage.NO_DATA, NO_DATA_DEFAULT)
                )
                rows.append(
                    {
                        "mineral": spec.mineral,
                        "stage": stage.value,
                        "basis": "",
                        "unit": "t",
                        "coverage": coverage.value,
                        "source_id": "",
                        "note": reason,
                    }
                )
    frame = pd.DataFrame(rows)
    frame.loc[frame["basis"] == "", "basis"] = "none"
    return frame


def countries_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """``countries`` and ``country_groups`` from country_converter."""
    codes = sorted(countries.iso3_codes())
    rows = [
        {
            "country": c,
            "name": countries.name(c),
            "continent": countries.continent(c),
            "is_aggregate": False,
        }
        for c in codes
    ]
    rows += [
        {"country": c, "name": n, "continent": "", "is_aggregate": True}
        for c, n in countries.AGGREGATES.items()
    ]
    groups = [
        {"group": g, "country": c, "source_id": "country-converter"}
        for g in countries.group_names()
        for c in sorted(countries.group_members(g))
    ]
    return pd.DataFrame(rows), pd.DataFrame(groups)


BUILD_SOURCES: list[dict[str, Any]] = [
    {
        "source_id": "country-converter",
        "title": "country_converter: a Python package for converting country names and codes",
        "publisher": "Stadler K., Journal of Open Source Software 2(16):332",
        "table": "country classification (ISO3, G7, G20, EU27, OECD)",
        "year": 2017,
        "doi_or_url": "doi:10.21105/joss.00332",
        "licence": "GPL-3.0 (software); classification data",
        "note": "ALLIANCE = USA, JPN, AUS, CAN, KOR, GBR and the EU27 (critmin's default group).",
    },
]


def _dedupe_latest(
    frame: pd.DataFrame, key: list[str], prefer: Callable[[str], int]
) -> pd.DataFrame:
    """Keep one row per key, the one whose source ranks first under ``prefer``."""
    if frame.empty:
        return frame
    frame = frame.assign(_rank=[prefer(s) for s in frame["source_id"]])
    return frame.sort_values("_rank").drop_duplicates(key).drop(columns="_rank")


def _edition_rank(source_id: str) -> int:
    """Later USGS editions first, then other sources."""
    order = ["usgs-mcs-2024", "usgs-mcs-2023"]
    for i, prefix in enumerate(order):
        if source_id.startswith(prefix):
            return i
    return len(order)


def assemble(
    result: IngestResult, t5: pd.DataFrame, hs_map: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Turn reader output into the package's tables; return tables and problems.

    ``hs_map`` is the HS-code map the trade was read with (shipped as ``hs_codes``).
    """
    problems = list(result.problems)
    selection = select_production(result, problems)
    production, totals = selection.production, selection.totals
    cross_check_series(selection, problems)
    cross_check_leading_producers(t5, production, totals, problems)
    stages = mineral_stages_table(result, production)
    country_table, groups = countries_tables()
    key_nir = ["mineral", "country", "year"]
    curated_sources = _curated("sources")
    sources = pd.DataFrame(result.sources + BUILD_SOURCES)
    if not curated_sources.empty:
        sources = pd.concat([sources, curated_sources], ignore_index=True)
    sources = sources.drop_duplicates("source_id")
    consumption = _frame(result, "consumption")
    published = _curated("consumption_published")
    if not published.empty:
        consumption = pd.concat([consumption, published], ignore_index=True)
    tables = {
        "sources": sources,
        "minerals": minerals_table(result, stages),
        "mineral_stages": stages,
        "countries": country_table,
        "country_groups": groups,
        "production": production,
        "production_totals": totals,
        "production_series": selection.series,
        "source_precedence": selection.precedence,
        "reserves": _frame(result, "reserves"),
        "prices": _dedupe_latest(
            _frame(result, "prices"), ["mineral", "series", "year"], _edition_rank
        ),
        "consumption": _dedupe_latest(
            consumption,
            ["mineral", "consumer", "year", "sector", "kind", "source_id"],
            _edition_rank,
        ),
        "net_import_reliance": _dedupe_latest(
            _frame(result, "net_import_reliance"), key_nir, _edition_rank
        ),
        "import_sources": _frame(result, "import_sources"),
        "governance": _dedupe_latest(
            _frame(result, "governance"), ["country", "year"], edition_rank
        ),
        "policy_instruments": _curated("policy_instruments"),
        "projects": _curated("projects"),
        "hs_codes": hs_map,
        "trade": _frame(result, "trade"),
        "published_shares": _curated("refining_published").assign(stage=Stage.REFINING.value),
        "eu_crm_parameters": _curated("eu_crm_parameters"),
        "demand_shares": _curated("demand_shares"),
        "market_conventions": _curated("market_conventions"),
        "market_parameters": _curated("market_parameters"),
        "observed_responses": _curated("observed_responses"),
        "project_finance": _curated("project_finance"),
    }
    tables["reserves"] = _dedupe_latest(
        tables["reserves"], ["mineral", "country", "year"], _edition_rank
    )
    return {name: _format(frame, name) for name, frame in tables.items()}, problems
