"""MCS salient statistics: U.S. consumption, prices and net import reliance
(:func:`read_salient_file`)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from critmin.world.ingest.common import UNIT_TO_T, IngestResult
from critmin.world.ingest.usgs_mcs._common import (
    _MG,
    _PGM,
    _TI,
    _cell,
    _clean,
    _code,
    _frame,
    _Log,
    _nir,
    _open,
    _options,
    _parse,
    _plain,
    _scale,
    _source_id,
    _spec_table,
    _status,
)
from critmin.world.schema import Status

_LB_PER_KG = 2.20462262  # avoirdupois pounds in a kilogram (1 lb = 0.45359237 kg)
_TROY_OZ_PER_KG = 32.1507466  # troy ounces in a kilogram (1 troy oz = 31.1034768 g)
_KG_PER_MTU = 10.0  # a metric ton unit is 1 % of a tonne: 10 kg of the named content

#: Price units, keyed by the column suffix or a ``unit=`` option, as (unit as published,
#: factor to USD/kg): ``dkg`` $/kg x 1; ``dt`` $/t x 1/1000 (1 t = 1000 kg); ``dlb`` $/lb
#: x 2.20462262 (lb per kg); ``ctslb`` US cents/lb x 2.20462262/100; ``dto`` $/troy oz x
#: 32.1507466 (troy oz per kg); ``dmtu_wo3`` and ``dmtu_mn`` $ per metric ton unit (10 kg)
#: of WO3 or Mn content x 1/10, giving $ per kg of WO3 or Mn content.
PRICE_UNITS: dict[str, tuple[str, float]] = {
    "dkg": ("$/kg", 1.0),
    "dt": ("$/t", 1e-3),
    "dlb": ("$/lb", _LB_PER_KG),
    "ctslb": ("cents/lb", _LB_PER_KG / 100.0),
    "dto": ("$/troy oz", _TROY_OZ_PER_KG),
    "dmtu_wo3": ("$/mtu WO3", 1.0 / _KG_PER_MTU),
    "dmtu_mn": ("$/mtu Mn", 1.0 / _KG_PER_MTU),
}

#: Consumption, price and NIR columns of the salient files (canonical names, see
#: ``_HEADER_FIXES``): code | column | kind (price, apparent, reported, nir, or skip) |
#: mineral | series (prices), basis (consumption) or reason (skip) | options (``unit=``
#: price unit; ``since=`` first year that is always an estimate, ``all`` for every year) |
#: note. Descriptions follow the FGDC metadata beside each file.
_SALIENT_TABLE = f"""
antim | Consump_t | apparent | antimony | antimony content (oxide and unwrought metal)
antim | Price_Metal_dlb | price | antimony | antimony metal, 99.65% min, CIF (Argus)
antim | NIR_pct | nir | antimony
cobal | Consump_Estimated_t | reported | cobalt | cobalt content, incl. secondary | since=all | USGS estimate including reported data
cobal | Consump_Apparent_t | apparent | cobalt | refined cobalt, incl. secondary | since=all
cobal | Price_Spot_dlb | price | cobalt | cobalt, US spot cathode
cobal | Price_LME_dlb | price | cobalt | cobalt, LME cash
cobal | NIR_pct | nir | cobalt
coppe | Consump_Reported_kt | reported | copper | refined copper
coppe | Consump_Apparent_kt | apparent | copper | refined copper (primary refined and old scrap)
coppe | Price_US_ctslb | price | copper | copper cathode, US producer (COMEX + premium)
coppe | Price_COMEX_ctslb | price | copper | copper, COMEX high grade, first position
coppe | Price_LME_ctslb | price | copper | copper grade A, LME cash
coppe | NIR_pct | nir | copper
fluor | Consump_kt | apparent | fluorspar | fluorspar (gross weight)
fluor | Price_Acid_dt | price | fluorspar | fluorspar, acid grade, US import unit value CIF
fluor | Price_Metallurgical_dt | price | fluorspar | fluorspar, metallurgical grade, US import unit value CIF
fluor | NIR_pct | nir | fluorspar
# mcs202x-galli_meta.xml: "Consumption: Reported", kilograms.
galli | Consump_kg | reported | gallium | gallium content
galli | Price_High-purity_dkg | price | gallium | gallium, high-purity (99.999%+), US import unit value
galli | Price_Low-purity_dkg | price | gallium | gallium, low-purity (99.99%), US import unit value
galli | NIR_pct | nir | gallium
germa | Consump_kg | reported | germanium | germanium content of metal and dioxide | since=all | USGS estimate of consumption
germa | Price_Metal_dkg | price | germanium | germanium metal, 99.999%, Europe (Argus)
germa | Price_GeO2_dkg | price | germanium | germanium dioxide, 99.999%, Europe (Argus)
germa | NIR_pct | nir | germanium
graph | Consump_t | apparent | graphite | natural graphite (gross weight)
graph | Price_Flake_dt | price | graphite | natural graphite, flake, US import unit value
graph | Price_Lump_dt | price | graphite | natural graphite, lump and chip, US import unit value
graph | Price_Amorphous_dt | price | graphite | natural graphite, amorphous, US import unit value
graph | NIR_pct | nir | graphite
indiu | Consump_t | apparent | indium | indium | since=all | USGS estimate, equal to imports
indiu | Price_NY_dkg | price | indium | indium, 99.99%, New York dealer
indiu | Price_FOB_dkg | price | indium | indium, 99.99%, US warehouse FOB
indiu | Price_Rotterdam_dkg | price | indium | indium, 99.99%, Rotterdam, duties unpaid
indiu | NIR_pct | nir | indium
lithi | Consump_t | apparent | lithium | lithium content | since=all | USGS estimate: production + imports - exports + stock change
lithi | Price_dt | price | lithium | lithium carbonate, battery grade, contract, Europe and US
lithi | NIR_pct | nir | lithium
mgcomp | Consump_kt | skip | magnesium | magnesium compounds (MgO content); {_MG}
mgcomp | NIR_pct | skip | magnesium | magnesium compounds; {_MG}
mgmet | Consump_Reported_kt | reported | magnesium | primary magnesium metal
mgmet | Consump_Apparent_kt | apparent | magnesium | magnesium metal (primary and old scrap)
mgmet | Price_US_spot_dlb | price | magnesium | magnesium metal, US spot Western
mgmet | Price_European_dt | price | magnesium | magnesium metal, European free market
mgmet | NIR_pct | nir | magnesium
manga | Consump_Apparent_kt | apparent | manganese | manganese content
manga | Consump_Reported_ore_kt | skip | manganese | one product in gross weight, not a total
manga | Consump_Reported_ferro_kt | skip | manganese | one product in gross weight, not a total
manga | Consump_Reported_silco_kt | skip | manganese | one product in gross weight, not a total
manga | Consump_Reported_silico_kt | skip | manganese | one product in gross weight, not a total
# mcs202x-manga_meta.xml: "dollars per metric ton unit" of Mn content, 44% Mn ore.
manga | Price_CN_CIF_dt | price | manganese | manganese ore, 44% Mn, CIF China (per kg Mn content) | unit=dmtu_mn
manga | NIR_pct | nir | manganese
nicke | Consump_Apparent_Total_t | apparent | nickel | nickel content, primary and secondary | since=2020
nicke | Consump_Apparent_Primary_t | skip | nickel | primary only; the apparent total is used
nicke | Consump_Reported_Primary_t | skip | nickel | primary only; the apparent total is used
nicke | Consump_Reported_Secondary_t | skip | nickel | scrap only; the apparent total is used
nicke | Price_LME_dt | price | nickel | nickel, LME cash
nicke | Price_LME_dlb | skip | nickel | the same LME cash price in $/lb; the $/t column is used
nicke | NIR_pct | nir | nickel
niobi | Consump_Apparent_t | apparent | niobium | niobium content | since=all
niobi | Consump_Reported_t | reported | niobium | niobium in ferroniobium and nickel niobium | since=all
niobi | Price_dkg | price | niobium | ferroniobium, US trade unit value (gross weight)
niobi | NIR_pct | nir | niobium
plati | Consump_Palladium_kg | apparent | palladium | palladium metal
plati | Consump_Platinum_kg | apparent | platinum | platinum metal
plati | Price_Palladium_dto | price | palladium | palladium, Engelhard unfabricated
plati | Price_Platinum_dto | price | platinum | platinum, Engelhard unfabricated
plati | Price_Iridium_dto | price | platinum-group-metals | iridium, Engelhard unfabricated
plati | Price_Rhodium_dto | price | platinum-group-metals | rhodium, Engelhard unfabricated
plati | Price_Ruthenium_dto | price | platinum-group-metals | ruthenium, Engelhard unfabricated
plati | NIR_Palladium_pct | nir | palladium
plati | NIR_Platinum_pct | nir | platinum
# Dysprosium and terbium oxide prices go to the registry's element minerals; the other
# oxides (neodymium oxide is not an NdPr price) to rare-earths.
raree | Consump_Compounds-Metals_t | apparent | rare-earths | rare-earth compounds and metals (REO equivalent)
raree | Price_CeO2_dkg | price | rare-earths | cerium oxide, 99.5% min
raree | Price_Dy2O3_dkg | price | dysprosium | dysprosium oxide, 99.5% min
raree | Price_Eu2O3_dkg | price | rare-earths | europium oxide, 99.99% min
raree | Price_La2O3_dkg | price | rare-earths | lanthanum oxide, 99.5% min
raree | Price_Mischmetal_dkg | price | rare-earths | mischmetal, 65% Ce, 35% La
raree | Price_Nd2O3_dkg | price | rare-earths | neodymium oxide, 99.5% min
raree | Price_TbO2_dkg | price | terbium | terbium oxide, 99.99% min
raree | NIR_Compounds-Metals_pct | nir | rare-earths
raree | NIR_Concentrate_pct | skip | rare-earths | mineral concentrates; compounds and metals are used, as in Fig2
tanta | Consump_t | apparent | tantalum | tantalum content
tanta | Price_Ta2O5_dkg | price | tantalum | tantalite (per kg Ta2O5 content)
tanta | NIR_pct | nir | tantalum
tin | Consump_t | apparent | tin | refined tin
tin | Price_NY_ctslb | price | tin | tin, New York dealer
tin | Price_LME_ctslb | price | tin | tin, LME cash
tin | NIR_Refined_pct | nir | tin
timin | Consump_kt | skip | titanium | titanium mineral concentrates; {_TI}
timin | Price_Rutile_dt | price | titanium | rutile, bulk, 95% TiO2 min, FOB Australia
timin | Price_Ilmente_Leucoxene_dt | price | titanium | ilmenite and leucoxene, bulk, FOB Australia
timin | Price_Ilmenite_dt | price | titanium | ilmenite, US import unit value
timin | Price_Slag_dt | price | titanium | titanium slag, 80-95% TiO2, US import unit value
timin | NIR_pct | skip | titanium | titanium mineral concentrates; {_TI}
titan | Consump_Sponge_Apparent_t | apparent | titanium | titanium sponge metal
titan | Consump_Sponge_Reported_t | reported | titanium | titanium sponge metal
titan | Price_Sponge_dkg | price | titanium | titanium sponge, US import unit value
titan | NIR_Sponge_pct | nir | titanium
titan | Consump_Dioxide_t | skip | titanium | titanium dioxide pigment is not a critmin stage
titan | Price_Dioxide_dt | price | titanium | titanium dioxide pigment, US import unit value
titan | NIR_Dioxide_pct | skip | titanium | titanium dioxide pigment is not a critmin stage
tungs | Consump_Reported_t | reported | tungsten | tungsten content of concentrate
tungs | Consump_Apparent_t | apparent | tungsten | tungsten content, all forms
# mcs202x-tungs_meta.xml: "dollars per dry metric ton unit of tungsten trioxide".
tungs | Price_WO3_dt | price | tungsten | tungsten concentrate, Rotterdam (per kg WO3 content) | unit=dmtu_wo3
tungs | NIR_pct | nir | tungsten
vanad | Consump_Apprnt_t | apparent | vanadium | vanadium content
vanad | Consump_Rprtd_t | reported | vanadium | vanadium content
vanad | Price_V2O5_dlb | price | vanadium | vanadium pentoxide, China (CRU)
vanad | NIR_pct | nir | vanadium
"""  # noqa: E501


@dataclass(frozen=True)
class SalientColumn:
    """How one salient column maps onto critmin (``kind`` 'skip': not mapped, ``text``
    says why)."""

    kind: str  # price, apparent, reported, nir or skip
    mineral: str
    text: str  # price series, consumption basis, or the reason for skipping
    unit: str = ""  # price unit key overriding the column suffix
    estimated_since: int | None = None  # every year from this one on is an estimate
    note: str = ""


def _salient_columns() -> dict[str, dict[str, SalientColumn]]:
    out: dict[str, dict[str, SalientColumn]] = defaultdict(dict)
    for code, column, kind, mineral, text, options, note in _spec_table(_SALIENT_TABLE, 7):
        opts = _options(options)
        since = opts.get("since")
        out[code][column] = SalientColumn(
            kind,
            mineral,
            text,
            opts.get("unit", ""),
            None if since is None else 1900 if since == "all" else int(since),
            note,
        )
    return dict(out)


#: USGS commodity code -> canonical column name -> mapping.
SALIENT_COLUMNS: dict[str, dict[str, SalientColumn]] = _salient_columns()

#: Misspelt salient headers -> the names the FGDC metadata beside the file gives them
#: (one name per occurrence, for a header that appears twice).
_HEADER_FIXES: dict[str, dict[str, tuple[str, ...]]] = {
    # mcs2024-galli_meta.xml: Consump_kg, "Consumption: Reported", unit kilograms; the
    # values continue the MCS 2023 Consump_kg series (2021: 17,100 in both editions).
    "galli": {
        "Consump_g": ("Consump_kg",),
        "Price_High-puritydkg": ("Price_High-purity_dkg",),
        "Price_Low-puritydkg": ("Price_Low-purity_dkg",),
    },
    # mcs2024-nicke_meta.xml: Price_LME_dt (dollars per metric ton), then Price_LME_dlb.
    "nicke": {"Price_dt dlb (both used)": ("Price_LME_dt", "Price_LME_dlb")},
    # mcs2023-niobi_meta.xml names the ferroniobium price Price_dkg (dollars per kilogram).
    "niobi": {"Price_kg": ("Price_dkg",)},
    # mcs2024-raree_meta.xml: both NIR columns have the unit "percentage".
    "raree": {
        "NIR_Compounds-Metals_t": ("NIR_Compounds-Metals_pct",),
        "NIR_Concentrate_t": ("NIR_Concentrate_pct",),
    },
    # mcs2024-tin_meta.xml: Consump_t (metric tons) and NIR_Refined_pct.
    "tin": {"Consump_": ("Consump_t",), "NIR_Refinedpct": ("NIR_Refined_pct",)},
    # mcs2024-tungs_meta.xml: Consump_Reported_t, Consump_Apparent_t, Price_WO3_dt, NIR_pct.
    "tungs": {
        "Consump_Reportedt": ("Consump_Reported_t",),
        "Consump_Apparentt": ("Consump_Apparent_t",),
        "Price_WO3dt": ("Price_WO3_dt",),
        "NIR_ct": ("NIR_pct",),
    },
}


def _canonical(code: str, header: list[str]) -> dict[int, str]:
    """Column index -> canonical name, misspelt headers fixed."""
    fixes = _HEADER_FIXES.get(code, {})
    seen: dict[str, int] = defaultdict(int)
    out: dict[int, str] = {}
    for index, name in enumerate(header):
        if name:
            names = fixes.get(name, (name,))
            out[index] = names[min(seen[name], len(names) - 1)]
            seen[name] += 1
    return out


def _salient_factor(name: str, spec: SalientColumn) -> tuple[str, float] | None:
    """(unit key, factor to USD/kg or t) of a mapped column, None if undeterminable."""
    if spec.kind == "price":
        m = re.search(r"_(dkg|dt|dlb|ctslb|dto)$", name)
        key = spec.unit or (m[1] if m else "")
        return (key, PRICE_UNITS[key][1]) if key in PRICE_UNITS else None
    if spec.kind == "nir":
        return ("pct", 0.01) if name.endswith("_pct") else None
    m = re.search(r"_(t|kt|kg|g)$", name)
    return (m[1], UNIT_TO_T[m[1]]) if m else None


def read_salient_file(path: Path, edition: int) -> IngestResult:
    """Read one MCS salient-statistics file (U.S. consumption, prices, import reliance).

    Parameters
    ----------
    path
        A ``mcs<edition>-<code>_salient.csv`` file; ``<code>`` selects the mapping in
        :data:`SALIENT_COLUMNS`.
    edition
        MCS edition [year]. The file covers ``edition - 5`` to ``edition - 1``; the last
        year is an estimate.

    Returns
    -------
    IngestResult
        Tables ``consumption`` (value_t [t], consumer ``USA``, sector ``all``), ``prices``
        (price_usd_per_kg [USD/kg], nominal dollars of the year; conversions in
        :data:`PRICE_UNITS`) and ``net_import_reliance`` (nir_share [0-1]); the problems;
        the source ``usgs-mcs-<edition>-salient``. A file that is not a salient table (MCS
        2024 cobalt holds the world table) or whose values sit under unnamed columns (MCS
        2024 fluorspar) gives a warning and no rows.
    """
    result, log, table = _open(path, edition, "salient")
    code = _code(path, rf"mcs{edition}-?(\w+?)_salient\.csv$", SALIENT_COLUMNS, log)
    if code is None:
        return result
    if "Year" not in table.header:
        header = ",".join(h for h in table.header if h)
        log.warn(
            "not a salient table (no Year column; it holds a world production table); "
            "file ignored, the other edition is used",
            1,
            None,
            header,
        )
        return result
    if table.misaligned(
        log,
        "values under an unnamed column: header and data misaligned; file ignored, "
        "the other edition is used",
    ):
        return result
    mapped: list[tuple[int, str, SalientColumn, str, float]] = []
    for index, name in _canonical(code, table.header).items():
        original = table.header[index]
        if not re.match(r"(consump|price|nir)", name, re.I):
            continue
        if original != name:
            log.info(f"header read as {name!r} (FGDC metadata)", 1, original)
        spec = SALIENT_COLUMNS[code].get(name)
        found = None if spec is None or spec.kind == "skip" else _salient_factor(name, spec)
        if spec is None:
            log.warn("column not mapped", 1, original)
        elif spec.kind == "skip":
            log.info(f"column not mapped: {spec.text}", 1, original)
        elif found is None:
            log.warn(f"{spec.kind} unit cannot be determined from the column name", 1, original)
        else:
            mapped.append((index, original, spec, *found))
    rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    year_index = table.header.index("Year")
    for line, cells in table.rows:
        year_text = _clean(_cell(cells, year_index))
        if not year_text.isdigit():
            log.warn("Year is not a year; row not read", line, "Year", year_text)
            continue
        for index, column, spec, unit, factor in mapped:
            _salient_cell(
                rows,
                int(year_text),
                _cell(cells, index),
                line,
                column,
                spec,
                unit,
                factor,
                edition,
                log,
            )
    if code == "plati":
        rows["consumption"].extend(_pgm_consumption(rows["consumption"]))
    for name, table_rows in rows.items():
        result.add_rows(name, _frame(name, table_rows))
    return result


def _salient_cell(
    rows: dict[str, list[tuple[Any, ...]]],
    year: int,
    raw: str,
    line: int,
    column: str,
    spec: SalientColumn,
    unit: str,
    factor: float,
    edition: int,
    log: _Log,
) -> None:
    """Turn one cell of a salient file into a row of its table (or a Problem)."""
    source_id = _source_id(edition, "salient")
    number, marked = _parse(raw)
    since = spec.estimated_since
    estimated = marked or year == edition - 1 or (since is not None and year >= since)
    status = str(_status(estimated))
    if spec.kind == "nir":
        if (nir := _nir(raw, log, line, column)) is not None:
            row: tuple[Any, ...] = (spec.mineral, "USA", year, *nir, source_id, spec.note)
            rows["net_import_reliance"].append(row)
        return
    plain = _plain(number)
    if plain is None:
        log.missing(
            number,
            f"no {'price' if spec.kind == 'price' else 'consumption'} row",
            line,
            column,
            raw,
        )
        return
    value = _scale(plain, factor)
    if spec.kind == "price":
        unit_shown = PRICE_UNITS[unit][0]
        row = (spec.mineral, spec.text, year, value, year, unit_shown, status, source_id, spec.note)
        rows["prices"].append(row)
    else:
        row = (
            spec.mineral,
            "USA",
            year,
            "all",
            spec.kind,
            value,
            spec.text,
            status,
            source_id,
            spec.note,
        )
        rows["consumption"].append(row)


def _pgm_consumption(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Platinum-group-metals apparent consumption: palladium + platinum, where both exist."""
    by_year: dict[int, dict[str, tuple[Any, ...]]] = defaultdict(dict)
    for row in rows:
        by_year[row[2]][row[0]] = row
    out = []
    for year, found in sorted(by_year.items()):
        if {"palladium", "platinum"} <= found.keys():
            pd_row, pt_row = found["palladium"], found["platinum"]
            estimated = Status.ESTIMATED in (pd_row[7], pt_row[7])
            out.append(
                (
                    _PGM,
                    "USA",
                    year,
                    "all",
                    "apparent",
                    pd_row[5] + pt_row[5],
                    "platinum plus palladium metal",
                    str(_status(estimated)),
                    pd_row[8],
                    "sum of palladium and platinum apparent consumption",
                )
            )
    return out
