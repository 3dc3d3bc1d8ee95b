"""The 2025 edition, as a third-party JSON conversion (:func:`read_iea_2025`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from critmin.world.ingest.common import IngestResult, Severity
from critmin.world.ingest.iea._common import (
    DEMAND_BASIS,
    ERROR,
    INFO,
    SOURCE_ID_2025,
    STAGE_LABELS,
    SUPPLY_BASIS,
    DemandBlock,
    Item,
    SupplyBlock,
    _assemble,
    _demand_block,
    _number,
    _Report,
    _start,
    mineral_for,
)


def _base_year(series: object) -> int | None:
    """Smallest year key of a ``{"2024": x, "2030": y, "STEPS": {...}}`` mapping."""
    years = [int(k) for k in series if str(k).isdigit()] if isinstance(series, dict) else []
    return min(years) if years else None


def _dict(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (malformed parts read as empty)."""
    return value if isinstance(value, dict) else {}


def _at_year(series: object, year: int | None) -> float | None:
    """The figure of ``year`` in a ``{"2024": x, ...}`` mapping, or None."""
    return _number(_dict(series).get(str(year)))


def _json_supply(data: Mapping[str, Any], report: _Report) -> list[SupplyBlock]:
    """The supply blocks of ``supply[mineral][stage]`` (base year of each ``total``)."""
    blocks = []
    for name, stages in data.items():
        for stage_key, raw in _dict(stages).items():
            path, mineral = f"supply/{name}/{stage_key}", mineral_for(name)
            stage = STAGE_LABELS.get(str(stage_key).lower())
            block = _dict(raw)
            year = _base_year(block.get("total"))
            total = _at_year(block.get("total"), year)
            if mineral is None or stage is None or (mineral, stage) not in SUPPLY_BASIS:
                report(f"supply block {path!r} not recognised; skipped", path)
                continue
            if year is None or total is None:
                report(f"{path}: no base-year total; skipped", path, None, ERROR)
                continue
            named: list[Item] = []
            rest = None
            for country, series in _dict(block.get("countries")).items():
                values = _dict(series)
                if all(v is None for v in values.values()):
                    notes = len(country) > 60
                    what = "is text, not a country (the sheet's notes)" if notes else "has no data"
                    report(
                        f"{path}: key {country[:60]!r} {what}; skipped",
                        f"{path}/countries",
                        country,
                        INFO if notes else Severity.WARNING,
                    )
                elif country.strip().lower() == "rest of world":
                    rest = _at_year(values, year)
                else:
                    cell = f"{path}/countries/{country}/{year}"
                    named.append((country, cell, _at_year(values, year)))
            title = f"{name} - {stage_key}"
            blocks.append(
                SupplyBlock(title, mineral, stage, year, tuple(named), rest, total, "total", path)
            )
    return blocks


def _json_demand(data: Mapping[str, Any], report: _Report) -> list[DemandBlock]:
    """The demand blocks of ``totalDemand[mineral]`` (base year of each ``totalDemand``)."""
    blocks = []
    for name, raw in data.items():
        path, mineral, block = f"totalDemand/{name}", mineral_for(name), _dict(raw)
        year = _base_year(block.get("totalDemand"))
        if mineral is None or mineral not in DEMAND_BASIS or year is None:
            report(f"demand block {path!r} not recognised or without a base year", path, name)
            continue
        sectors = _dict(block.get("sectors")).items()
        lines = [(s, _at_year(v, year)) for s, v in sectors]
        for label, key in (
            ("Total clean technologies", "totalClean"),
            ("Other uses", "otherUses"),
            ("Total demand", "totalDemand"),
        ):
            lines.append((label, _at_year(block.get(key), year)))
        blocks.append(_demand_block(name, mineral, year, path, lines))
    return blocks


def read_iea_2025(path: Path) -> IngestResult:
    """Read the IEA Critical Minerals Data Explorer, May 2025 edition (third-party JSON).

    Parameters
    ----------
    path
        ``iea_critical_minerals_data_explorer_2025.json``, with
        ``supply[mineral][mining|refining]{countries, total, top3Share}``,
        ``totalDemand[mineral]{sectors, totalClean, otherUses, totalDemand}``
        and ``cleantechByMineral[name]``.

    Returns
    -------
    IngestResult
        The tables of :func:`read_iea_2024` for base year 2024, with
        source_id ``iea-cmde-2025``. Projections are not returned.

    Notes
    -----
    "Rare Earth Elements" is the magnet rare-earth series: 75 kt mined,
    81 kt refined and 91 kt demanded in 2024, against 72, 76 and 93 kt for
    "Magnet rare earth elements" in 2023 (2024 edition), while total
    rare-earth oxide output is several hundred kt. It maps to ``rare-earths``
    on the magnet-REE basis. Country keys that hold the sheet's notes (text,
    no figures) are reported and skipped. The file's ``source`` field names
    the 2024 edition although its base year is 2024 (reported as info).
    """
    path = Path(path)
    result, report = _start(path, SOURCE_ID_2025)
    if not path.is_file():
        return result
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        report(f"not valid JSON: {exc}", None, None, ERROR)
        return result
    if not isinstance(data, dict):
        report("the top level is not an object", None, None, ERROR)
        return result
    stated = str(data.get("source", ""))
    if stated and "2025" not in stated:
        report(
            f"the 'source' field says {stated!r}, but the base year is 2024, which only the "
            "May 2025 edition has; cited as the 2025 edition",
            "source",
            stated,
            INFO,
        )
    for key in ("supply", "totalDemand", "cleantechByMineral"):
        if not isinstance(data.get(key), dict):
            report(f"key {key!r} missing or not an object", key, None, ERROR)
            data[key] = {}
    supply = _json_supply(data["supply"], report)
    demand = _json_demand(data["totalDemand"], report)
    years = [y for s in data["cleantechByMineral"].values() if (y := _base_year(s))]
    year = min(years) if years else None
    cleantech = [
        (name, f"cleantechByMineral/{name}/{year}", _at_year(series, year))
        for name, series in data["cleantechByMineral"].items()
    ]
    return _assemble(SOURCE_ID_2025, supply, demand, cleantech, year, result, report)
