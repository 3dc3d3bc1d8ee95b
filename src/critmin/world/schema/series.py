"""Trade, the HS-code map, and every source's production series.

* ``trade``: bilateral flows by HS product, on the mineral's basis and in gross
  product tonnes (BACI, or a user's own customs data);
* ``hs_codes``: the curated map from HS codes to a mineral, a stage and a
  content factor (editable; ``critmin data build --hs-map`` rebuilds trade from it);
* ``production_series``: each source's production series, the primary one and
  the others kept for cross-checks and ``--source``;
* ``source_precedence``: which series is primary for each mineral and stage, and why.
"""

from __future__ import annotations

from enum import StrEnum

from critmin.world.schema.fields import (
    MINERAL_ID_PATTERN,
    Field,
    Stage,
    Table,
    _mineral,
    _note,
    _source,
    _stage,
    _status,
    _year,
)


class HsStatus(StrEnum):
    """How an HS code is used."""

    #: mapped to a mineral and converted to its basis by a content factor
    CONTENT = "content"
    #: mapped, but no factor can be justified: gross product tonnes only
    GROSS_WEIGHT = "gross-weight"
    #: the code is for no mineral critmin covers
    NOT_MAPPED = "not-mapped"
    #: a product critmin would want that has no code in the trade data
    NO_CODE = "no-code"


class FactorMethod(StrEnum):
    """How a content factor was obtained."""

    STOICHIOMETRIC = "stoichiometric"
    TYPICAL_GRADE = "typical-grade"
    BY_DEFINITION = "by-definition"
    NONE = "none"


HS_PATTERN = r"[0-9]{6}"

TRADE = Table(
    "trade",
    "Bilateral trade by HS product: exporter to importer, on the mineral's basis and gross.",
    (
        _mineral(),
        _stage(),
        Field(
            "hs_code",
            "string",
            "Six-digit HS code of the product (hs_codes.hs_code); empty if not known.",
            required=False,
            pattern=HS_PATTERN,
        ),
        Field("exporter", "string", "Exporting country.", country=True),
        Field("importer", "string", "Importing country.", country=True),
        _year(),
        Field(
            "value_t",
            "number",
            "Quantity on the mineral-stage's basis (gross_t x content factor); empty where "
            "the quantity is missing or no content factor is justified.",
            unit="t",
            required=False,
            minimum=0.0,
        ),
        Field(
            "gross_t",
            "number",
            "Quantity in product tonnes as reported; empty where the source has none.",
            unit="t",
            required=False,
            minimum=0.0,
        ),
        Field(
            "value_usd",
            "number",
            "Trade value in current US dollars (FOB as harmonised by the source).",
            unit="USD",
            required=False,
            minimum=0.0,
        ),
        _source(),
        _note(),
    ),
    ("mineral", "stage", "hs_code", "exporter", "importer", "year"),
    optional=True,
    compressed=True,
)

HS_CODES = Table(
    "hs_codes",
    "Curated map of HS codes to a mineral, a stage and a content factor (editable).",
    (
        Field("hs_code", "string", "Six-digit HS 1992 code.", pattern=HS_PATTERN),
        Field("description", "string", "Product description (BACI HS 1992 product list)."),
        Field(
            "mineral",
            "string",
            "Mineral the product counts towards (empty: none critmin covers).",
            required=False,
            pattern=MINERAL_ID_PATTERN,
            references="minerals.mineral",
        ),
        Field("stage", "string", "Stage of the product.", required=False, enum=tuple(Stage)),
        Field("status", "string", "How the code is used.", enum=tuple(HsStatus)),
        Field(
            "content_factor",
            "number",
            "Tonnes of the mineral's basis per tonne of product (status content).",
            unit="t/t",
            required=False,
            minimum=0.0,
            maximum=1.5,
        ),
        Field("content_basis", "string", "What converted tonnes measure.", required=False),
        Field(
            "same_basis_as_production",
            "boolean",
            "Converted tonnes are on the basis of the stage's production series, so "
            "production + imports - exports is meaningful.",
            required=False,
        ),
        Field(
            "smelter_feed",
            "boolean",
            "An ore or concentrate that goes to smelters before end users (antimony, tin, "
            "tungsten ores), so the simulator's producer-to-consumer flows do not follow its "
            "trade (empty: false).",
            required=False,
        ),
        Field(
            "factor_method",
            "string",
            "How the factor was obtained.",
            required=False,
            enum=tuple(FactorMethod),
        ),
        Field(
            "factor_derivation",
            "string",
            "The formula and arithmetic, or the grade and where it is published.",
            required=False,
        ),
        Field(
            "factor_source_id",
            "string",
            "Source of the factor (sources.source_id).",
            required=False,
            references="sources.source_id",
        ),
        Field("first_year", "integer", "First year with trade rows.", required=False),
        Field("last_year", "integer", "Last year with trade rows.", required=False),
        _note(),
    ),
    ("hs_code", "mineral"),
    optional=True,
)

PRODUCTION_SERIES = Table(
    "production_series",
    "Every source's production series (primary and alternative), for cross-checks and "
    "--source; the row for WLD is that source's world total.",
    (
        _mineral(),
        _stage(),
        Field(
            "country",
            "string",
            "Producer: ISO3, ROW for 'other countries', WLD for the world total.",
            country=True,
        ),
        _year(),
        Field("value_t", "number", "Production (world total on WLD rows).", unit="t", minimum=0.0),
        _status(),
        _source(),
        _note(),
    ),
    ("mineral", "stage", "country", "year", "source_id"),
    optional=True,
)

SOURCE_PRECEDENCE = Table(
    "source_precedence",
    "For each mineral and stage with data: the primary series, the rule that chose it, "
    "and the other series.",
    (
        _mineral(),
        _stage(),
        Field("primary_series", "string", "Series used in production (a series id)."),
        Field(
            "primary_source_ids",
            "string",
            "Editions of the primary series used, newest first.",
            list_valued=True,
            references="sources.source_id",
        ),
        Field("years", "string", "Years the primary series covers, e.g. 2018-2024."),
        Field(
            "other_series",
            "string",
            "Other series with data for this mineral and stage (cross-checks).",
            required=False,
            list_valued=True,
        ),
        Field("rule", "string", "The precedence rule applied."),
        Field(
            "breaks",
            "string",
            "Years or countries other series have and the primary lacks (not filled in).",
            required=False,
        ),
        _note(),
    ),
    ("mineral", "stage"),
    optional=True,
)
