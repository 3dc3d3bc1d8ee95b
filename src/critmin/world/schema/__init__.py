"""The schema of the world dataset: one declaration per table.

Each table lists its columns with dtype, unit, whether a value is required,
the allowed values or range, and a description. This one declaration drives
validation (:mod:`critmin.world.checks`), the ``datapackage.json`` written
with the shipped data, and the table reference in ``docs/data.md``.

Units: quantities are tonnes (``_t``) of the basis declared for the mineral and
stage in ``mineral_stages``; prices are US dollars per kilogram
(``_usd_per_kg``) in the dollars of the year stated in ``dollar_year``; shares
are 0-1 fractions (``_share``).

Every name is importable from ``critmin.world.schema``; the submodules hold one
idea each: ``fields`` (vocabularies, :class:`Field`, :class:`Table` and the
shared column constructors), ``tables`` (the tables every package holds, and
:data:`TABLES`), ``optional`` (the optional tables), ``series`` (trade, the HS-code map and the
per-source production series) and ``render`` (the
``datapackage.json`` descriptor and the docs reference).
"""

from critmin.world.schema.fields import (
    COUNTRY_PATTERN,
    MINERAL_ID_PATTERN,
    ConsumptionKind,
    Coverage,
    DType,
    Field,
    InstrumentKind,
    NirQualifier,
    Stage,
    Status,
    Table,
    TotalKind,
)
from critmin.world.schema.fields import _mineral as _mineral
from critmin.world.schema.fields import _note as _note
from critmin.world.schema.fields import _source as _source
from critmin.world.schema.fields import _stage as _stage
from critmin.world.schema.fields import _status as _status
from critmin.world.schema.fields import _year as _year
from critmin.world.schema.optional import (
    DEMAND_SHARES,
    EU_CRM_PARAMETERS,
    MARKET_CONVENTIONS,
    MARKET_PARAMETER_NAMES,
    MARKET_PARAMETERS,
    OBSERVED_RESPONSES,
    PUBLISHED_SHARES,
)
from critmin.world.schema.render import datapackage, markdown_reference
from critmin.world.schema.series import (
    HS_CODES,
    HS_PATTERN,
    PRODUCTION_SERIES,
    SOURCE_PRECEDENCE,
    TRADE,
    FactorMethod,
    HsStatus,
)
from critmin.world.schema.tables import (
    CONSUMPTION,
    COUNTRIES,
    COUNTRY_GROUPS,
    GOVERNANCE,
    IMPORT_SOURCES,
    MINERAL_STAGES,
    MINERALS,
    NET_IMPORT_RELIANCE,
    POLICY_INSTRUMENTS,
    PRICES,
    PRODUCTION,
    PRODUCTION_TOTALS,
    PROJECTS,
    RESERVES,
    SOURCES,
    TABLES,
    TABLES_BY_NAME,
)

__all__ = [
    "CONSUMPTION",
    "COUNTRIES",
    "COUNTRY_GROUPS",
    "COUNTRY_PATTERN",
    "DEMAND_SHARES",
    "EU_CRM_PARAMETERS",
    "GOVERNANCE",
    "HS_CODES",
    "HS_PATTERN",
    "IMPORT_SOURCES",
    "MARKET_CONVENTIONS",
    "MARKET_PARAMETERS",
    "MARKET_PARAMETER_NAMES",
    "MINERALS",
    "MINERAL_ID_PATTERN",
    "MINERAL_STAGES",
    "NET_IMPORT_RELIANCE",
    "OBSERVED_RESPONSES",
    "POLICY_INSTRUMENTS",
    "PRICES",
    "PRODUCTION",
    "PRODUCTION_SERIES",
    "PRODUCTION_TOTALS",
    "PROJECTS",
    "PUBLISHED_SHARES",
    "RESERVES",
    "SOURCES",
    "SOURCE_PRECEDENCE",
    "TABLES",
    "TABLES_BY_NAME",
    "TRADE",
    "ConsumptionKind",
    "Coverage",
    "DType",
    "FactorMethod",
    "HsStatus",
    "Field",
    "InstrumentKind",
    "NirQualifier",
    "Stage",
    "Status",
    "Table",
    "TotalKind",
    "datapackage",
    "markdown_reference",
]
