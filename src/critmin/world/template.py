"""A template data package: every table's header, one worked example row, and a README.

``critmin data init DIR`` calls :func:`write_template`. The example rows form
one small, complete and valid package (one mineral, one source), so the
template passes ``critmin data validate`` as written; a user edits it into
their own data, or keeps only the tables they supply and lays them over the
shipped package with ``--data DIR`` (:mod:`critmin.world.overlay`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from critmin.errors import CritminError
from critmin.world.schema import TABLES, datapackage, markdown_reference

_SOURCE = "my-source"

#: One worked example row per table (column -> text); every column is listed.
EXAMPLE_ROWS: dict[str, dict[str, str]] = {
    "sources": {
        "source_id": _SOURCE,
        "title": "Customs statistics, imports by partner and HS code, 2024",
        "publisher": "Your customs authority",
        "table": "extract of 2025-03-01",
        "year": "2025",
        "doi_or_url": "https://example.org/customs",
        "licence": "terms of the publisher",
        "note": "Replace with the publication your figures come from.",
    },
    "minerals": {
        "mineral": "cobalt",
        "name": "Cobalt",
        "symbol": "Co",
        "hs_codes": "282200",
        "stages": "mining",
        "eol_rir_share": "",
        "eol_rir_source_id": "",
        "note": "",
    },
    "mineral_stages": {
        "mineral": "cobalt",
        "stage": "mining",
        "basis": "contained cobalt",
        "unit": "t",
        "coverage": "data",
        "source_id": _SOURCE,
        "note": "",
    },
    "countries": {
        "country": "COD",
        "name": "DR Congo",
        "continent": "Africa",
        "is_aggregate": "false",
    },
    "country_groups": {"group": "MY-GROUP", "country": "JPN", "source_id": _SOURCE},
    "production": {
        "mineral": "cobalt",
        "stage": "mining",
        "country": "COD",
        "year": "2024",
        "value_t": "100",
        "capacity_t": "",
        "status": "reported",
        "source_id": _SOURCE,
        "note": "tonnes of contained cobalt",
    },
    "production_totals": {
        "mineral": "cobalt",
        "stage": "mining",
        "year": "2024",
        "world_total_t": "100",
        "published_total_t": "100",
        "rows_sum_t": "100",
        "total_kind": "published",
        "source_id": _SOURCE,
        "note": "",
    },
    "reserves": {
        "mineral": "cobalt",
        "country": "COD",
        "year": "2024",
        "value_t": "1000",
        "basis": "contained cobalt",
        "qualifier": "=",
        "source_id": _SOURCE,
        "note": "",
    },
    "prices": {
        "mineral": "cobalt",
        "series": "cobalt metal, 99.8% min, your market",
        "year": "2024",
        "price_usd_per_kg": "24.5",
        "dollar_year": "2024",
        "unit_as_published": "USD/lb",
        "status": "reported",
        "source_id": _SOURCE,
        "note": "11.1 USD/lb x 2.2046 lb/kg",
    },
    "consumption": {
        "mineral": "cobalt",
        "consumer": "JPN",
        "year": "2024",
        "sector": "all",
        "kind": "apparent",
        "value_t": "40",
        "basis": "contained cobalt",
        "status": "reported",
        "source_id": _SOURCE,
        "note": "",
    },
    "net_import_reliance": {
        "mineral": "cobalt",
        "country": "JPN",
        "year": "2024",
        "nir_share": "1",
        "qualifier": "=",
        "source_id": _SOURCE,
        "note": "",
    },
    "import_sources": {
        "mineral": "cobalt",
        "consumer": "JPN",
        "period": "2020-2024",
        "rank": "1",
        "partner": "COD",
        "source_id": _SOURCE,
        "note": "",
    },
    "governance": {
        "country": "COD",
        "year": "2024",
        "pv_estimate": "-1.8",
        "pv_risk_share": "0.86",
        "source_id": _SOURCE,
    },
    "policy_instruments": {
        "instrument_id": "my-reserve",
        "kind": "reserve",
        "name": "Cobalt stockpile",
        "actor": "JPN",
        "minerals": "cobalt",
        "stage": "mining",
        "targets": "",
        "announced": "2024-01-15",
        "effective": "2024-04-01",
        "ends": "",
        "amount": "1000",
        "amount_unit": "t",
        "scope": "60 days of imports",
        "source_id": _SOURCE,
        "note": "",
    },
    "projects": {
        "project_id": "my-mine",
        "name": "Example mine",
        "company": "Example Mining Ltd",
        "country": "AUS",
        "mineral": "cobalt",
        "stage": "mining",
        "capacity_t": "5000",
        "capacity_basis": "contained cobalt",
        "start_year": "2027",
        "status": "planned",
        "support": "offtake with a battery maker",
        "source_id": _SOURCE,
        "note": "",
    },
    "hs_codes": {
        "hs_code": "282200",
        "description": "Cobalt oxides and hydroxides; commercial cobalt oxides",
        "mineral": "cobalt",
        "stage": "mining",
        "status": "content",
        "content_factor": "0.634",
        "content_basis": "Co content",
        "same_basis_as_production": "true",
        "smelter_feed": "false",
        "factor_method": "stoichiometric",
        "factor_derivation": "Co(OH)2 assumed: 58.933 / 92.948 = 0.634",
        "factor_source_id": _SOURCE,
        "first_year": "2024",
        "last_year": "2024",
        "note": "",
    },
    "trade": {
        "mineral": "cobalt",
        "stage": "mining",
        "hs_code": "282200",
        "exporter": "COD",
        "importer": "JPN",
        "year": "2024",
        "value_t": "40",
        "gross_t": "63.1",
        "value_usd": "1500000",
        "source_id": _SOURCE,
        "note": "value_t = gross_t x content factor",
    },
    "production_series": {
        "mineral": "cobalt",
        "stage": "mining",
        "country": "COD",
        "year": "2024",
        "value_t": "100",
        "status": "reported",
        "source_id": _SOURCE,
        "note": "",
    },
    "source_precedence": {
        "mineral": "cobalt",
        "stage": "mining",
        "primary_series": _SOURCE,
        "primary_source_ids": _SOURCE,
        "years": "2024",
        "other_series": "",
        "rule": "the only series",
        "breaks": "",
        "note": "",
    },
    "published_shares": {
        "mineral": "cobalt",
        "stage": "mining",
        "country": "COD",
        "year": "2024",
        "share": "1",
        "world_total_t": "100",
        "basis": "contained cobalt",
        "source_id": _SOURCE,
        "note": "",
    },
    "eu_crm_parameters": {
        "mineral": "cobalt",
        "import_reliance_share": "0.81",
        "substitution_index_sr": "0.9",
        "export_restriction_note": "",
        "assessment_year": "2023",
        "source_id": _SOURCE,
        "note": "",
    },
    "demand_shares": {
        "mineral": "cobalt",
        "consumer": "JPN",
        "year": "2024",
        "share_of_world_demand": "0.05",
        "basis": "share of world refined cobalt demand",
        "source_id": _SOURCE,
        "note": "",
    },
    "market_conventions": {
        "mineral": "cobalt",
        "reference_price_series": "cobalt metal, 99.8% min, your market",
        "consumption_stage": "",
        "source_id": _SOURCE,
        "note": "",
    },
    "market_parameters": {
        "mineral": "cobalt",
        "parameter": "demand_elasticity",
        "value": "-0.2",
        "basis": "published",
        "calibrated_on": "",
        "scope": "short-run price elasticity of refined cobalt demand",
        "source_id": _SOURCE,
        "note": "",
    },
    "observed_responses": {
        "event": "my-event",
        "mineral": "cobalt",
        "metric": "price_change_share",
        "market": "cobalt metal, your market",
        "period_from": "2024-01",
        "period_to": "2024-06",
        "value": "0.2",
        "unit": "share",
        "source_id": _SOURCE,
        "note": "",
    },
    "project_finance": {
        "project_id": "my-mine",
        "capex_usd": "250000000",
        "capex_dollar_year": "2025",
        "capex_years": "2",
        "capex_schedule": "0.4;0.6",
        "first_production_year": "2027",
        "ramp_up_years": "2",
        "nameplate_t_per_year": "5000",
        "nameplate_basis": "t/yr contained cobalt",
        "unit_opex_usd_per_kg": "20",
        "sustaining_capex_usd_per_year": "",
        "royalty_share": "0.05",
        "tax_rate_share": "0.30",
        "processing_tax_offset_share": "0",
        "gearing_share": "0.6",
        "debt_tenor_years": "10",
        "debt_rate_share": "0.08",
        "currency_note": "USD as published",
        "status": "mixed",
        "estimated_fields": "gearing_share;debt_tenor_years;debt_rate_share",
        "source_id": _SOURCE,
        "other_source_ids": "",
        "note": "Debt terms are assumptions (say why here).",
    },
}

_README = """# A critmin data package (template)

Written by `critmin data init`. Every table of the critmin dataset is here with
its header and one worked example row; together the rows form a small valid
package (check it: `critmin data validate {folder}`).

Two ways to use it:

1. **Your own complete package.** Edit every table into your own data and run
   any command with `--data {folder}`.
2. **An overlay on the shipped data.** Keep only the tables you supply (for
   example `trade.csv` from UN Comtrade or your customs data, plus the
   `sources.csv` rows it cites) and delete the others. A folder that lacks some
   required tables is laid over the shipped package table by table: a row
   whose primary key the shipped table has replaces that row, any other row is
   added, and every replaced row is reported (`critmin data validate {folder}`
   lists them).

Units: quantities are tonnes (`_t`) of the basis stated for the mineral and
stage in `mineral_stages` (trade also keeps gross product tonnes in
`gross_t`); prices are US dollars per kilogram (`_usd_per_kg`) of the year in
`dollar_year`; shares are 0-1 fractions (`_share`). Empty means unknown, never
zero. Every row names its `source_id`, listed in `sources.csv`.

## Tables and columns

{reference}
"""


def write_template(folder: Path, *, force: bool = False) -> list[Path]:
    """Write the template package into ``folder``; return the files written.

    Raises
    ------
    CritminError
        If ``folder`` exists and holds files (unless ``force``), or cannot be written.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise CritminError("not a folder", where="DIR", given=str(folder), allowed="a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise CritminError(
            "folder is not empty",
            where="DIR",
            given=str(folder),
            allowed="a new or empty folder, or --force to write into it",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for table in TABLES:
            row = EXAMPLE_ROWS[table.name]
            frame = pd.DataFrame([{c: row.get(c, "") for c in table.columns}])
            path = folder / f"{table.name}.csv"
            path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
            written.append(path)
        descriptor = datapackage()
        for resource in descriptor["resources"]:
            resource["path"] = f"{resource['name']}.csv"  # the template writes plain CSV
            resource.pop("compression", None)
        path = folder / "datapackage.json"
        path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
        written.append(path)
        readme = folder / "README.md"
        readme.write_text(
            _README.format(folder=folder, reference=markdown_reference()), encoding="utf-8"
        )
        written.append(readme)
    except OSError as exc:
        raise CritminError(
            f"cannot write the template: {exc.strerror}", where="DIR", given=str(folder)
        ) from None
    return written
