"""Flat tables of a run's dataset for spreadsheets and scenario databases.

:func:`monthly_table` is the long monthly table (``monthly.csv``);
:func:`iamc_table` the IAMC long format (``iamc.csv``), which pyam
(``pyam.IamDataFrame``) reads as it is; :func:`write_workbook` writes tables
to an Excel workbook (``results.xlsx``) with each column's label and unit in
its heading (:mod:`critmin.labels`), numbers as numbers in number formats,
and a glossary sheet.

The simulation has no calendar: its months count from month 0. The IAMC
format's sub-annual time domain is a calendar (``time``, a datetime), so the
IAMC table dates month ``m`` as the first day of the ``m``-th month after a
start month: the one given, else the dataset's ``start_month`` attribute
(``critmin simulate --start``), else :data:`NOMINAL_START`, a nominal
calendar that keeps the months apart without claiming a date.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from critmin import __version__
from critmin.engine.outputs import FAN_QUANTILES, WORLD
from critmin.errors import CritminError
from critmin.labels import Kind, Label, glossary, label

#: The dataset attribute that holds the calendar month of month 0 (``YYYY-MM``).
START_ATTR = "start_month"
#: The start month of the IAMC table's dates when none is known: a nominal calendar.
NOMINAL_START = "2000-01"
#: What a start month may be.
START_HINT = "a calendar month YYYY-MM from 1900-01 to 2199-12, e.g. 2026-07"
#: The IAMC table's columns; ``time`` holds datetimes (``2026-07-01 00:00:00``).
IAMC_COLUMNS = ["model", "scenario", "region", "variable", "unit", "time", "value"]


def check_start_month(text: str, *, where: str = START_ATTR) -> str:
    """``text`` if it is a calendar month ``YYYY-MM``; a :class:`CritminError` otherwise.

    >>> check_start_month("2026-07")
    '2026-07'
    """
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(text).strip())
    if match is None or not (1900 <= int(match[1]) <= 2199 and 1 <= int(match[2]) <= 12):
        raise CritminError("not a calendar month", where=where, given=str(text), allowed=START_HINT)
    return match[0]


def month_dates(start: str, months: int) -> list[str]:
    """The first day of each of ``months`` months from ``start`` (``YYYY-MM``), as
    ISO 8601 datetimes.

    >>> month_dates("2026-11", 3)
    ['2026-11-01 00:00:00', '2026-12-01 00:00:00', '2027-01-01 00:00:00']
    """
    year, month = (int(part) for part in check_start_month(start).split("-"))
    first = year * 12 + month - 1
    return [
        f"{(first + m) // 12:04d}-{(first + m) % 12 + 1:02d}-01 00:00:00" for m in range(months)
    ]


def monthly_table(ds: xr.Dataset) -> pd.DataFrame:
    """Long table: mineral, consumer, month, mean demand, consumption and unmet demand."""
    frame = ds[["demand_mean_t", "consumption_mean_t", "unmet_mean_t"]].to_dataframe().reset_index()
    return frame.dropna(subset=["demand_mean_t"])


def iamc_name(mineral: str) -> str:
    """A mineral's name in IAMC variables: ``rare-earths`` is ``Rare-Earths``."""
    return mineral.replace("-", " ").title().replace(" ", "-")


def iamc_table(
    ds: xr.Dataset,
    scenario: str,
    *,
    model: str = f"critmin {__version__}",
    start: str | None = None,
) -> pd.DataFrame:
    """IAMC long format: model, scenario, region, variable, unit, time, value.

    Variables ``Demand|<Mineral>``, ``Consumption|<Mineral>`` and
    ``Shortfall|<Mineral>`` (means over paths, t/month) per consumer (``World``
    is the sum of the consumers, ``ROW`` included), and ``Price|<Mineral>|Median``
    (the median over paths of the price as a ratio to the baseline) in the
    ``Alliance`` and ``Rest of World`` price segments. ``time`` dates each month
    from ``start`` (see the module).
    """
    start = check_start_month(start or str(ds.attrs.get(START_ATTR) or NOMINAL_START))
    times = month_dates(start, ds.sizes["month"])
    rows = []
    for m in ds["mineral"].values.tolist():
        name = iamc_name(m)
        sel = ds.sel(mineral=m)
        for c in ds["consumer"].values.tolist():
            base = float(sel["baseline_demand_t"].sel(consumer=c))
            if np.isnan(base):
                continue
            region = "World" if c == WORLD else c
            for variable, key in (
                (f"Demand|{name}", "demand_mean_t"),
                (f"Consumption|{name}", "consumption_mean_t"),
                (f"Shortfall|{name}", "unmet_mean_t"),
            ):
                values = sel[key].sel(consumer=c).values
                rows += [
                    (model, scenario, region, variable, "t/month", t, float(v))
                    for t, v in zip(times, values, strict=True)
                ]
        for segment, region in (("alliance", "Alliance"), ("rest", "Rest of World")):
            values = sel["price_ratio_fan"].sel(segment=segment, fan_quantile=0.5).values
            rows += [
                (model, scenario, region, f"Price|{name}|Median", "ratio to baseline", t, float(v))
                for t, v in zip(times, values, strict=True)
            ]
    return pd.DataFrame(rows, columns=IAMC_COLUMNS)


# -- the workbook ----------------------------------------------------------------------

#: Columns of the workbook's prices sheet: the fan quantiles of the monthly price.
PRICE_COLUMNS = {q: f"price_ratio_p{round(q * 100):02d}" for q in FAN_QUANTILES}
#: Excel number formats by kind (none: Excel's General).
NUMBER_FORMATS: dict[Kind, str] = {
    Kind.TONNES: "#,##0.0",
    Kind.SHARE: "0.0%",
    Kind.RATIO: "0.00",
    Kind.USD: "#,##0",
    Kind.USD_PER_T: "#,##0",
    Kind.USD_PER_KG: "#,##0.00",
    Kind.MONTHS: "0.0",
    Kind.DAYS: "#,##0",
    Kind.INDEX: "#,##0.000",
    Kind.COUNT: "0",
}
#: Figures of the minerals sheet, one row per mineral (keys of ``summary.json``).
MINERAL_COLUMNS = (
    "baseline_demand_t",
    "expected_shortfall_t",
    "expected_shortfall_share",
    "p95_shortfall_t",
    "cvar95_shortfall_t",
    "months_to_recovery_mean",
    "unrecovered_share",
    "peak_price_ratio",
    "p95_peak_price_ratio",
    "peak_price_ratio_rest",
    "trough_price_ratio_rest",
    "price_cap_binding_share",
    "withheld_t",
    "floor_cost_usd",
    "base_price_usd_per_kg",
)
#: Figures of the reserves sheet, one row per mineral and holder.
RESERVE_COLUMNS = (
    "target_t",
    "released_t",
    "purchase_cost_usd",
    "release_revenue_usd",
    "net_fiscal_cost_usd",
    "min_days_of_cover",
)
#: Figures of the run sheet (keys of ``summary.json``).
RUN_KEYS = (
    "scenario",
    "paths",
    "seed",
    "horizon_months",
    "keep_paths",
    "paired_paths",
    "critmin_version",
    "mass_balance_max_rel_error",
    "min_stock_t",
)
#: The zip entries' date in the workbook: a run's workbook is the same bytes every time.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def sheet_label(key: str) -> Label:
    """The label of a workbook column: the glossary's, else the key."""
    return label(key)


def minerals_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per mineral: its world figures and prices (from ``summary.json``)."""
    rows = [
        {"mineral": m, **{k: figures[k] for k in MINERAL_COLUMNS}}
        for m, figures in result["minerals"].items()
    ]
    frame = pd.DataFrame(rows, columns=["mineral", *MINERAL_COLUMNS])
    return frame.astype({k: float for k in MINERAL_COLUMNS})


def prices_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per mineral, price segment and month: the fan quantiles over paths of
    the price as a ratio to the baseline."""
    fan = ds["price_ratio_fan"].transpose("mineral", "segment", "month", "fan_quantile")
    index = pd.MultiIndex.from_product(
        [fan[d].values.tolist() for d in ("mineral", "segment", "month")],
        names=["mineral", "segment", "month"],
    )
    columns = [PRICE_COLUMNS[float(q)] for q in fan["fan_quantile"].values]
    values = fan.values.reshape(len(index), len(columns))
    return pd.DataFrame(values, index=index, columns=columns).reset_index()


def reserves_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per mineral and reserve holder (``summary.json``'s reserves)."""
    rows = [
        {"mineral": m, "holder": h, **{k: figures[k] for k in RESERVE_COLUMNS}}
        for m, mineral in result["minerals"].items()
        for h, figures in mineral["reserves"].items()
    ]
    frame = pd.DataFrame(rows, columns=["mineral", "holder", *RESERVE_COLUMNS])
    return frame.astype({k: float for k in RESERVE_COLUMNS})


def reserve_costs_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per mineral, reserve holder and member: the member's share of the net cost."""
    rows = [
        {"mineral": m, "holder": h, "consumer": c, "net_fiscal_cost_by_member_usd": cost}
        for m, mineral in result["minerals"].items()
        for h, figures in mineral["reserves"].items()
        for c, cost in figures["net_fiscal_cost_by_member_usd"].items()
    ]
    columns = ["mineral", "holder", "consumer", "net_fiscal_cost_by_member_usd"]
    return pd.DataFrame(rows, columns=columns).astype({columns[-1]: float})


def reserve_effect_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per mineral with reserves and consumer (WORLD last): expected shortfall
    and its worst 5 % without and with the reserves, on the same paired paths."""
    rows = []
    for m, mineral in result["minerals"].items():
        effect = mineral.get("reserve_effect")
        for c, row in (effect or {}).get("by_consumer", {}).items():
            without, removed = (
                row["expected_shortfall_without_reserves_t"],
                row["shortfall_removed_t"],
            )
            rows.append(
                {
                    "mineral": m,
                    "consumer": c,
                    "shortfall_without_t": without,
                    "shortfall_with_t": row["expected_shortfall_t"],
                    "shortfall_removed_t": removed,
                    "removed_share": removed / without
                    if without is not None and removed is not None and without > 0
                    else None,
                    "cvar95_without_t": row["cvar95_shortfall_without_reserves_t"],
                    "cvar95_with_t": row["cvar95_shortfall_t"],
                }
            )
    columns = ["mineral", "consumer", "shortfall_without_t", "shortfall_with_t",
               "shortfall_removed_t", "removed_share", "cvar95_without_t",
               "cvar95_with_t"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).astype({k: float for k in columns[2:]})


def run_table(result: dict[str, Any], ds: xr.Dataset) -> pd.DataFrame:
    """The run's scenario, paths, seed, horizon, version and checks, one row each."""
    rows = [{"parameter": k, "value": result[k]} for k in RUN_KEYS if k in result]
    if ds.attrs.get(START_ATTR):
        rows.append({"parameter": START_ATTR, "value": str(ds.attrs[START_ATTR])})
    return pd.DataFrame(rows, columns=["parameter", "value"])


def _cell(value: Any) -> Any:
    """A value as an Excel cell holds it: numbers as numbers, missing ones empty."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _reproducible(data: bytes) -> bytes:
    """The workbook's zip with a fixed date on every entry and without the creation
    and modification times in its document properties."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(r"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>", "", text)
                content = text.encode("utf-8")
            archive.writestr(
                zipfile.ZipInfo(item.filename, _ZIP_DATE), content, zipfile.ZIP_DEFLATED
            )
    return target.getvalue()


def write_workbook(path: Path, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write ``sheets`` (sheet name -> table) to an Excel workbook at ``path``, then a
    glossary sheet of every column.

    Each column's heading is its label and unit (``Expected shortfall [t]``); cells
    hold numbers (missing ones empty) in a number format by kind; the heading row is
    frozen. The same tables give the same bytes.
    """
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = f"critmin {__version__}"
    keys: list[str] = []
    bold = Font(bold=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        columns = [str(c) for c in frame.columns]
        keys += columns
        sheet.append([sheet_label(k).heading for k in columns])
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        for j, key in enumerate(columns, start=1):
            letter = get_column_letter(j)
            header = sheet.cell(row=1, column=j)
            header.font, header.alignment = bold, Alignment(wrap_text=True, vertical="top")
            number_format = NUMBER_FORMATS.get(sheet_label(key).kind)
            if number_format is not None:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                        cell.number_format = number_format
            width = max(len(sheet_label(key).heading), *(len(str(v)) for v in frame[key][:200]), 6)
            sheet.column_dimensions[letter].width = min(width + 2, 48)
        sheet.freeze_panes = "A2"
    sheet = book.create_sheet("glossary")
    table = glossary(list(dict.fromkeys(keys)))
    for i, key in enumerate(table["key"]):
        found = sheet_label(key)
        table.loc[i, ["label", "unit", "meaning"]] = [found.text, found.unit, found.meaning]
    sheet.append(["Label", "Unit", "Key", "Meaning"])
    for row in table.itertuples(index=False, name=None):
        sheet.append([_cell(v) for v in row])
    for j, width in enumerate((44, 12, 36, 80), start=1):
        sheet.cell(row=1, column=j).font = bold
        sheet.column_dimensions[get_column_letter(j)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_reproducible(buffer.getvalue()))
    return path
