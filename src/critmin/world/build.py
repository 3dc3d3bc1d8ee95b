"""Build the curated data package from the raw public sources.

``critmin data build --from ../shared/data`` calls :func:`build_package`. The
build is deterministic: the same raw files give byte-identical CSVs, so the
shipped package can be checked against a fresh build.

Steps
-----
1. Run each ingest reader (USGS MCS 2023 and 2024, World Mining Data, WGI, the
   IEA Critical Minerals Data Explorer 2024 and 2025) and read the curated
   tables kept in ``critmin/world/curated``.
2. Choose one series per mineral, stage and year by the precedence in
   :func:`source_rank` (documented in docs/data.md).
3. Set world totals: the published total, or the sum of the rows where that is
   larger or no total is published.
4. Cross-check sources against each other and against published totals and
   leading-producer shares; every disagreement goes into the build report.
5. Write the CSVs, ``datapackage.json`` and ``build-report.csv``, then check
   the written package with :func:`critmin.world.checks.check_package`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin import countries
from critmin.errors import CritminError
from critmin.world import checks
from critmin.world.ingest import iea, usgs_mcs, wgi, wmd
from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.ingest.registry import MINERALS, MINERALS_BY_ID
from critmin.world.schema import TABLES, TABLES_BY_NAME, Coverage, Stage, TotalKind, datapackage

#: Raw files, relative to the folder given to ``--from``.
RAW_FILES: dict[str, str] = {
    "usgs": ".",
    "wmd": "world-mining-data/world_mining_data_2018_2022.sqlite",
    "wgi": "wgi/wgi_political_stability_1996_2022.sqlite",
    "iea2024": "iea-critical-minerals-2024/CM_Data_Explorer_May_2024.xlsx",
    "iea2025": "iea-critical-minerals-2025/iea_critical_minerals_data_explorer_2025.json",
    "t5": "usgs-mcs-2024/trends/MCS2024_T5_Critical_Minerals_Salient.csv",
}

#: Minerals whose refining stage comes from the IEA Critical Minerals Data Explorer.
IEA_REFINING = frozenset({"copper", "cobalt", "lithium", "nickel", "graphite", "rare-earths"})

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
    "(USGS MCS 2023-2024, World Mining Data 2024, IEA Critical Minerals Data Explorer)."
)

CURATED_DIR = Path(__file__).resolve().parent / "curated"


@dataclass
class BuildReport:
    """What a build did: output folder, row counts and every problem found."""

    out: Path
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    findings: list[checks.Finding] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        """Number of problems at ``severity``."""
        return sum(1 for p in self.problems if p.severity == severity)


def source_rank(mineral: str, stage: str, source_id: str) -> int:
    """Precedence of a source for a mineral and stage (lower wins).

    Refining of copper, cobalt, lithium, nickel, graphite and rare earths comes
    first from the IEA (2025 edition, then 2024), then USGS. Everything else
    comes first from the latest USGS MCS edition, then the earlier edition,
    then World Mining Data, then the IEA.
    """
    if stage == Stage.REFINING and mineral in IEA_REFINING:
        order = [
            "iea-cmde-2025",
            "iea-cmde-2024",
            "usgs-mcs-2024-world",
            "usgs-mcs-2023-world",
            "wmd-2024",
        ]
    else:
        order = [
            "usgs-mcs-2024-world",
            "usgs-mcs-2023-world",
            "wmd-2024",
            "iea-cmde-2025",
            "iea-cmde-2024",
        ]
    return order.index(source_id) if source_id in order else len(order)


def _frame(result: IngestResult, table: str) -> pd.DataFrame:
    columns = TABLES_BY_NAME[table].columns
    frame = result.tables.get(table)
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.copy()
    for col in columns:
        if col not in frame.columns:
            frame[col] = np.nan
    return frame


#: Source series that do not measure the same thing as the stage's main series
#: and so are never used for it (nor compared with it).
NOT_COMPARABLE: dict[tuple[str, str, str], str] = {
    ("rare-earths", "mining", "iea-cmde-2024"): (
        "IEA mining covers magnet rare-earth elements only, USGS total rare-earth oxide"
    ),
    ("rare-earths", "mining", "iea-cmde-2025"): (
        "IEA mining covers magnet rare-earth elements only, USGS total rare-earth oxide"
    ),
}


def _per_series(frame: pd.DataFrame, func: Callable[[str, str, str], Any]) -> list[Any]:
    """``func(mineral, stage, source_id)`` for every row of ``frame``."""
    return [
        func(str(m), str(s), str(src))
        for m, s, src in zip(frame["mineral"], frame["stage"], frame["source_id"], strict=True)
    ]


def comparable(mineral: str, stage: str, source_id: str) -> bool:
    """False for series listed in :data:`NOT_COMPARABLE`."""
    return (mineral, stage, source_id) not in NOT_COMPARABLE


def world_totals(totals: pd.DataFrame) -> pd.DataFrame:
    """Set ``world_total_t`` and ``total_kind`` from the published total and the rows.

    The published total is the denominator whenever the rows agree with it
    within its rounding (:func:`critmin.world.checks.rounding_tolerance_t`):
    this reproduces the shares the sources themselves publish (USGS computes
    leading-producer shares over its rounded world total). Where no total is
    published, or the rows exceed it by more than its rounding, the sum of the
    rows is used instead and the note says so.
    """
    totals = totals.copy()
    published = pd.to_numeric(totals["published_total_t"], errors="coerce")
    rows_sum = totals["rows_sum_t"].astype(float)
    tolerance = published.fillna(0.0).map(checks.rounding_tolerance_t)
    use_published = published.notna() & (rows_sum <= published.fillna(0.0) + tolerance)
    totals["world_total_t"] = np.where(use_published, published.fillna(0.0), rows_sum)
    rounded = totals["source_id"].str.startswith("usgs")
    totals["total_kind"] = np.where(
        use_published,
        np.where(rounded, TotalKind.PUBLISHED_ROUNDED.value, TotalKind.PUBLISHED.value),
        TotalKind.SUM_OF_ROWS.value,
    )
    note = totals["note"].fillna("").astype(str)
    exceeds = published.notna() & ~use_published
    totals["note"] = np.where(
        exceeds,
        (
            note + " Country rows exceed the published total by more than its rounding; "
            "the sum of the rows is used."
        ).str.strip(),
        np.where(
            published.isna(), (note + " No published total; sum of the rows.").str.strip(), note
        ),
    )
    return totals


def select_production(
    result: IngestResult, problems: list[Problem]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Choose one source per mineral, stage and year; return production and totals.

    A source is eligible for a (mineral, stage, year) if it has rows or a
    published total there and is not listed in :data:`NOT_COMPARABLE`. Among
    eligible sources the one with the lowest :func:`source_rank` wins, and
    all of that year's rows come from it (rows are never mixed across sources
    within one year, which would double-count countries that one source lists
    under "other countries").
    """
    prod = _frame(result, "production")
    totals = _frame(result, "production_totals")
    prod = prod[prod["mineral"].isin(MINERALS_BY_ID)]
    totals = totals[totals["mineral"].isin(MINERALS_BY_ID)]
    keys = pd.concat(
        [
            prod[["mineral", "stage", "year", "source_id"]],
            totals[["mineral", "stage", "year", "source_id"]],
        ]
    ).drop_duplicates()
    keys["rank"] = [
        source_rank(m, s, src)
        for m, s, src in zip(keys.mineral, keys.stage, keys.source_id, strict=False)
    ]
    keys["ok"] = [
        comparable(m, s, src)
        for m, s, src in zip(keys.mineral, keys.stage, keys.source_id, strict=False)
    ]
    for row in keys[~keys["ok"]].drop_duplicates(["mineral", "stage", "source_id"]).itertuples():
        problems.append(
            Problem(
                file=str(row.source_id),
                why=(
                    f"{row.mineral} {row.stage} not used: "
                    f"{NOT_COMPARABLE[(str(row.mineral), str(row.stage), str(row.source_id))]}"
                ),
                severity=Severity.INFO,
                check="select",
            )
        )
    chosen = (
        keys[keys["ok"]]
        .sort_values(["mineral", "stage", "year", "rank"])
        .drop_duplicates(["mineral", "stage", "year"])[["mineral", "stage", "year", "source_id"]]
    )
    on = ["mineral", "stage", "year", "source_id"]
    prod = prod.merge(chosen, on=on, how="inner")
    totals = totals.drop(columns=["world_total_t", "rows_sum_t", "total_kind"], errors="ignore")
    totals = totals.merge(chosen, on=on, how="right")
    rows_sum = prod.groupby(["mineral", "stage", "year"])["value_t"].sum()
    totals["rows_sum_t"] = [
        float(rows_sum.get((m, s, y), 0.0))
        for m, s, y in zip(totals.mineral, totals.stage, totals.year, strict=False)
    ]
    return prod, world_totals(totals)


def _compare(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    label: str,
    rel_tol: float,
    problems: list[Problem],
    on: list[str],
) -> None:
    """Report rows of ``left`` and ``right`` that differ by more than ``rel_tol``."""
    merged = left.merge(right, on=on, suffixes=("_a", "_b"))
    if merged.empty:
        return
    a, b = merged["value_t_a"].astype(float), merged["value_t_b"].astype(float)
    denom = np.maximum(np.abs(a), np.abs(b))
    rel = np.where(denom > 0, np.abs(a - b) / np.where(denom > 0, denom, 1.0), 0.0)
    for row, r in zip(merged[rel > rel_tol].itertuples(), rel[rel > rel_tol], strict=False):
        where = " ".join(str(getattr(row, c)) for c in on)
        problems.append(
            Problem(
                file=label,
                why=(
                    f"{where}: {row.source_id_a} {row.value_t_a:,.1f} t vs "
                    f"{row.source_id_b} {row.value_t_b:,.1f} t ({r:.1%} apart)"
                ),
                severity=Severity.WARNING,
                check="cross-source",
            )
        )


def cross_check_sources(result: IngestResult, problems: list[Problem]) -> None:
    """Compare USGS with WMD, and USGS with the IEA, where both cover the same thing.

    Country figures more than 10 % apart and world totals more than 5 % apart
    are reported.
    """
    prod = _frame(result, "production")
    totals = _frame(result, "production_totals")
    usgs = prod[
        prod["source_id"].str.startswith("usgs-mcs-2024")
        | (prod["source_id"].str.startswith("usgs-mcs-2023") & (prod["year"] == 2021))
    ]
    key = ["mineral", "stage", "country", "year"]
    cols = [*key, "value_t", "source_id"]
    named = usgs[usgs["country"] != "ROW"][cols]
    prod = prod[
        [
            comparable(m, s, src)
            for m, s, src in zip(prod.mineral, prod.stage, prod.source_id, strict=False)
        ]
    ]
    totals = totals[
        [
            comparable(m, s, src)
            for m, s, src in zip(totals.mineral, totals.stage, totals.source_id, strict=False)
        ]
    ]
    for other, label in (("wmd-2024", "USGS vs WMD"), ("iea-cmde-2024", "USGS vs IEA")):
        rows = prod[(prod["source_id"] == other) & (prod["country"] != "ROW")][cols]
        _compare(named, rows, label=label, rel_tol=0.10, problems=problems, on=key)
    tkey = ["mineral", "stage", "year"]
    t = totals.rename(columns={"published_total_t": "value_t"})[[*tkey, "value_t", "source_id"]]
    t = t[pd.to_numeric(t["value_t"], errors="coerce").notna()]
    t_usgs = t[t["source_id"].str.startswith("usgs-mcs-2024")]
    for other, label in (
        ("wmd-2024", "USGS vs WMD totals"),
        ("iea-cmde-2024", "USGS vs IEA totals"),
    ):
        _compare(
            t_usgs,
            t[t["source_id"] == other],
            label=label,
            rel_tol=0.05,
            problems=problems,
            on=tkey,
        )


#: Minerals whose USGS MCS 2024 Table 5 figure is metal (refining-stage) output.
T5_REFINING = frozenset({"gallium", "indium", "magnesium", "titanium"})


def cross_check_leading_producers(
    t5: pd.DataFrame, production: pd.DataFrame, totals: pd.DataFrame, problems: list[Problem]
) -> None:
    """Compare computed leading-producer shares with USGS MCS 2024 Table 5.

    Table 5 prints whole percentages, so a computed 2023 share within 0.5
    percentage points agrees. The stage compared is refining for the minerals
    in :data:`T5_REFINING` (Table 5 reports their metal output) and mining
    for the rest.
    """
    for row in t5.to_dict(orient="records"):
        mineral = str(row["mineral"])
        stage = Stage.REFINING if mineral in T5_REFINING else Stage.MINING
        tot = totals[
            (totals["mineral"] == mineral) & (totals["stage"] == stage) & (totals["year"] == 2023)
        ]
        if tot.empty:
            problems.append(
                Problem(
                    "MCS2024 T5",
                    f"{mineral} {stage}: no 2023 production to compare",
                    severity=Severity.INFO,
                    check="leading-producers",
                )
            )
            continue
        rows = production[
            (production["mineral"] == mineral)
            & (production["stage"] == stage)
            & (production["year"] == 2023)
            & (production["country"] == row["leading_country"])
        ]
        share = float(rows["value_t"].sum()) / float(tot["world_total_t"].iloc[0])
        published = float(row["leading_share"])
        ok = abs(share - published) <= 0.005 + 1e-9
        problems.append(
            Problem(
                "MCS2024 T5",
                (
                    f"{mineral} {stage} 2023: {row['leading_country']} share {share:.3f} vs "
                    f"published {published:.2f}" + ("" if ok else " (disagrees)")
                ),
                severity=Severity.INFO if ok else Severity.WARNING,
                check="leading-producers",
            )
        )


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
        with_data = stages[(stages["mineral"] == spec.mineral) & (stages["coverage"] == "data")]
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


def _format(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Columns in schema order, rows sorted by the primary key, numbers tidy."""
    spec = TABLES_BY_NAME[table]
    frame = frame.copy()
    for col in spec.columns:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame[spec.columns]
    for f in spec.fields:
        if f.dtype == "integer":
            frame[f.name] = pd.to_numeric(frame[f.name], errors="coerce").astype("Int64")
        elif f.dtype == "number":
            values = pd.to_numeric(frame[f.name], errors="coerce").astype(float)
            frame[f.name] = values.map(_number_text)
        else:
            frame[f.name] = frame[f.name].fillna("").astype(str).str.strip()
    key = list(spec.primary_key)
    return frame.sort_values(key, kind="mergesort").reset_index(drop=True)


def _number_text(value: float) -> str:
    """A number as plain decimal text: integers without a point, else up to 6 decimals.

    >>> _number_text(1820000.0), _number_text(0.30135636), _number_text(float("nan"))
    ('1820000', '0.301356', '')
    """
    if not np.isfinite(value):
        return ""
    rounded = round(float(value), 6)
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.6f}".rstrip("0")


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


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


def read_all(raw_root: Path) -> tuple[IngestResult, pd.DataFrame]:
    """Run every reader on the raw folder; return the merged result and Table 5."""
    missing = [rel for rel in RAW_FILES.values() if not (raw_root / rel).exists()]
    if missing:
        raise CritminError(
            "raw data files are missing",
            where=str(raw_root),
            given=", ".join(missing),
            allowed="the layout described in ../shared/data/README.md",
        )
    result = IngestResult()
    result.extend(usgs_mcs.read_usgs_mcs(raw_root / RAW_FILES["usgs"]))
    result.extend(wmd.read_wmd(raw_root / RAW_FILES["wmd"]))
    result.extend(wgi.read_wgi(raw_root / RAW_FILES["wgi"]))
    result.extend(iea.read_iea_2024(raw_root / RAW_FILES["iea2024"]))
    result.extend(iea.read_iea_2025(raw_root / RAW_FILES["iea2025"]))
    t5 = usgs_mcs.read_leading_producers(raw_root / RAW_FILES["t5"])
    return result, t5


def assemble(
    result: IngestResult, t5: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Turn reader output into the package's tables; return tables and problems."""
    problems = list(result.problems)
    cross_check_sources(result, problems)
    production, totals = select_production(result, problems)
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
        "governance": _frame(result, "governance"),
        "policy_instruments": _curated("policy_instruments"),
        "projects": _curated("projects"),
        "trade": pd.DataFrame(columns=TABLES_BY_NAME["trade"].columns),
        "published_shares": _curated("refining_published").assign(stage=Stage.REFINING.value),
        "eu_crm_parameters": _curated("eu_crm_parameters"),
        "demand_shares": _curated("demand_shares"),
        "observed_responses": _curated("observed_responses"),
    }
    tables["reserves"] = _dedupe_latest(
        tables["reserves"], ["mineral", "country", "year"], _edition_rank
    )
    return {name: _format(frame, name) for name, frame in tables.items()}, problems


def write_package(tables: dict[str, pd.DataFrame], problems: list[Problem], out: Path) -> None:
    """Write CSVs, ``datapackage.json`` and ``build-report.csv`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        _write(tables[table.name], out / table.path)
    (out / "datapackage.json").write_text(json.dumps(datapackage(), indent=2) + "\n")
    report = pd.DataFrame([p.as_dict() for p in problems])
    if report.empty:
        report = pd.DataFrame(
            columns=["severity", "check", "file", "row", "column", "value", "why"]
        )
    report = report.sort_values(["severity", "check", "file", "why"], kind="mergesort")
    report.to_csv(out / "build-report.csv", index=False, lineterminator="\n")


def build_package(raw_root: Path, out: Path) -> BuildReport:
    """Build the data package from ``raw_root`` into ``out``.

    Raises
    ------
    CritminError
        If raw files are missing, or the written package fails its checks.
    """
    result, t5 = read_all(raw_root)
    tables, problems = assemble(result, t5)
    write_package(tables, problems, out)
    _, findings = checks.check_package(out)
    # the package checks' findings (totals outside rounding, ...) join the report
    problems += [
        Problem(
            file=f"{f.table}.csv",
            why=f.what,
            row=f.line,
            column=f.column,
            value=f.value,
            severity=Severity.ERROR if f.level == checks.Level.ERROR else Severity.WARNING,
            check="package",
        )
        for f in findings
    ]
    write_package(tables, problems, out)
    report = BuildReport(out, {k: len(v) for k, v in tables.items()}, problems, findings)
    bad = checks.errors(findings)
    if bad:
        raise CritminError(
            f"the built package fails {len(bad)} check(s); first: {bad[0]}",
            where=str(out),
        )
    return report
