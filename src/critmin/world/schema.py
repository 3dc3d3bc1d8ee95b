"""The schema of the world dataset: one declaration per table.

Each table lists its columns with dtype, unit, whether a value is required,
the allowed values or range, and a description. This one declaration drives
validation (:mod:`critmin.world.checks`), the ``datapackage.json`` written
with the shipped data, and the table reference in ``docs/data.md``.

Units: quantities are tonnes (``_t``) of the basis declared for the mineral and
stage in ``mineral_stages``; prices are US dollars per kilogram
(``_usd_per_kg``) in the dollars of the year stated in ``dollar_year``; shares
are 0-1 fractions (``_share``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

DType = Literal["string", "integer", "number", "date", "boolean"]


class Stage(StrEnum):
    """Supply-chain stages."""

    MINING = "mining"
    REFINING = "refining"


class Status(StrEnum):
    """Whether a figure was reported by its source or estimated."""

    REPORTED = "reported"
    ESTIMATED = "estimated"


class Coverage(StrEnum):
    """Whether the dataset has country data for a mineral at a stage."""

    DATA = "data"
    NO_DATA = "no-data"
    NOT_APPLICABLE = "not-applicable"


class TotalKind(StrEnum):
    """How a world total was obtained."""

    PUBLISHED_ROUNDED = "published-rounded"
    PUBLISHED = "published"
    SUM_OF_ROWS = "sum-of-rows"


class NirQualifier(StrEnum):
    """Qualifier of a published net import reliance figure."""

    EXACT = "="
    ABOVE = ">"
    BELOW = "<"
    NET_EXPORTER = "E"


class InstrumentKind(StrEnum):
    """Kinds of policy instrument."""

    EXPORT_RESTRICTION = "export-restriction"
    RESERVE = "reserve"
    PRICE_FLOOR = "price-floor"
    OFFTAKE = "offtake"
    FINANCE = "finance"


class ConsumptionKind(StrEnum):
    """What a consumption figure measures."""

    APPARENT = "apparent"
    REPORTED = "reported"
    DEMAND = "demand"


#: Pattern of a mineral id: lowercase kebab-case English.
MINERAL_ID_PATTERN = r"[a-z]+(-[a-z]+)*"
#: Pattern of a country code column: ISO3 or an explicit aggregate.
COUNTRY_PATTERN = r"[A-Z]{3}"


@dataclass(frozen=True)
class Field:
    """One column of a table."""

    name: str
    dtype: DType
    description: str
    unit: str = ""
    required: bool = True
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    #: ``"table.column"`` this column must refer to.
    references: str | None = None
    #: True if the column holds ISO3 codes (or aggregates) to be checked.
    country: bool = False
    #: Semicolon-separated list of values (each checked like a scalar).
    list_valued: bool = False

    def frictionless(self) -> dict[str, Any]:
        """This field as a Frictionless Table Schema field descriptor."""
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.dtype,
            "description": self.description,
        }
        if self.unit:
            out["unit"] = self.unit
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum and not self.list_valued:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if self.pattern and not self.list_valued:
            constraints["pattern"] = self.pattern
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class Table:
    """One table of the dataset."""

    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    optional: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """File name inside a data package."""
        return f"{self.name}.csv"

    def column(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def columns(self) -> list[str]:
        """Column names in order."""
        return [f.name for f in self.fields]


def _source() -> Field:
    return Field(
        "source_id",
        "string",
        "Source of the figure (sources.source_id).",
        references="sources.source_id",
    )


def _mineral(description: str = "Mineral id (minerals.mineral).") -> Field:
    return Field(
        "mineral", "string", description, pattern=MINERAL_ID_PATTERN, references="minerals.mineral"
    )


def _stage() -> Field:
    return Field("stage", "string", "Supply-chain stage.", enum=tuple(Stage))


def _year(description: str = "Calendar year of the figure.") -> Field:
    return Field("year", "integer", description, minimum=1990, maximum=2100)


def _status() -> Field:
    return Field(
        "status",
        "string",
        "Whether the source reported the figure or estimated it (or critmin estimated it).",
        enum=tuple(Status),
    )


def _note() -> Field:
    return Field("note", "string", "Free-text note from the source or the build.", required=False)


SOURCES = Table(
    "sources",
    "Every publication a figure comes from.",
    (
        Field("source_id", "string", "Short id used by the other tables.", pattern=r"[a-z0-9-]+"),
        Field("title", "string", "Title of the publication or data release."),
        Field("publisher", "string", "Organisation that published it."),
        Field("table", "string", "Table, sheet, file or page used.", required=False),
        Field("year", "integer", "Publication year.", minimum=1990, maximum=2100),
        Field("doi_or_url", "string", "DOI (doi:...) or URL.", required=False),
        Field("licence", "string", "Licence or terms of use."),
        _note(),
    ),
    ("source_id",),
)

MINERALS = Table(
    "minerals",
    "The minerals covered, with their trade codes and recycling rates.",
    (
        Field("mineral", "string", "Mineral id, lowercase kebab-case.", pattern=MINERAL_ID_PATTERN),
        Field("name", "string", "English name."),
        Field("symbol", "string", "Chemical symbol or formula of the basis.", required=False),
        Field(
            "hs_codes",
            "string",
            "Harmonized System codes (6-digit), semicolon-separated.",
            required=False,
            pattern=r"[0-9]{6}",
            list_valued=True,
        ),
        Field(
            "stages",
            "string",
            "Stages with country data, semicolon-separated (empty: demand data only).",
            required=False,
            enum=tuple(Stage),
            list_valued=True,
        ),
        Field(
            "eol_rir_share",
            "number",
            "EU end-of-life recycling input rate (EoL-RIR).",
            unit="share",
            required=False,
            minimum=0.0,
            maximum=1.0,
        ),
        Field(
            "eol_rir_source_id",
            "string",
            "Source of the EoL-RIR.",
            required=False,
            references="sources.source_id",
        ),
        _note(),
    ),
    ("mineral",),
)

MINERAL_STAGES = Table(
    "mineral_stages",
    "For each mineral and stage: the reporting basis, and whether country data exist.",
    (
        _mineral(),
        _stage(),
        Field("basis", "string", "What the tonnes measure, e.g. 'contained cobalt'."),
        Field("unit", "string", "Unit of the quantities.", enum=("t",)),
        Field("coverage", "string", "Whether country data exist.", enum=tuple(Coverage)),
        Field(
            "source_id",
            "string",
            "Main source of the stage's data (empty when there is none).",
            required=False,
            references="sources.source_id",
        ),
        Field("note", "string", "Why data are missing, or caveats on the basis.", required=False),
    ),
    ("mineral", "stage"),
)

COUNTRIES = Table(
    "countries",
    "Countries and explicit aggregates (ROW, WLD).",
    (
        Field("country", "string", "ISO3 code or aggregate.", country=True),
        Field("name", "string", "Short English name."),
        Field("continent", "string", "Continent (empty for aggregates).", required=False),
        Field("is_aggregate", "boolean", "True for ROW and WLD."),
    ),
    ("country",),
)

COUNTRY_GROUPS = Table(
    "country_groups",
    "Membership of country groups (G7, G20, EU27, OECD, ALLIANCE).",
    (
        Field("group", "string", "Group name."),
        Field("country", "string", "ISO3 code of a member.", country=True),
        _source(),
    ),
    ("group", "country"),
)

PRODUCTION = Table(
    "production",
    "Production by mineral, stage, country and year, in tonnes of the stage's basis.",
    (
        _mineral(),
        _stage(),
        Field("country", "string", "Producer: ISO3, or ROW for 'other countries'.", country=True),
        _year(),
        Field("value_t", "number", "Production.", unit="t", minimum=0.0),
        Field(
            "capacity_t", "number", "Capacity, where known.", unit="t", required=False, minimum=0
        ),
        _status(),
        _source(),
        _note(),
    ),
    ("mineral", "stage", "country", "year"),
)

PRODUCTION_TOTALS = Table(
    "production_totals",
    "World totals by mineral, stage and year: the denominator of every share.",
    (
        _mineral(),
        _stage(),
        _year(),
        Field("world_total_t", "number", "World total.", unit="t", minimum=0.0),
        Field(
            "published_total_t",
            "number",
            "World total as the source printed it (may be rounded).",
            unit="t",
            required=False,
            minimum=0.0,
        ),
        Field("rows_sum_t", "number", "Sum of the country and ROW rows.", unit="t", minimum=0.0),
        Field("total_kind", "string", "How world_total_t was set.", enum=tuple(TotalKind)),
        _source(),
        _note(),
    ),
    ("mineral", "stage", "year"),
)

RESERVES = Table(
    "reserves",
    "Geological reserves by mineral and country.",
    (
        _mineral(),
        Field("country", "string", "ISO3, ROW, or WLD for the world total.", country=True),
        _year("Year the estimate refers to."),
        Field("value_t", "number", "Reserves.", unit="t", required=False, minimum=0.0),
        Field(
            "basis",
            "string",
            "What the tonnes measure (may differ from production, e.g. ore).",
            required=False,
        ),
        Field("qualifier", "string", "'=' or '>' for a lower bound.", enum=("=", ">", "<")),
        _source(),
        _note(),
    ),
    ("mineral", "country", "year"),
)

PRICES = Table(
    "prices",
    "Annual average prices, converted to US dollars per kilogram of the named product.",
    (
        _mineral(),
        Field("series", "string", "Which price: product, grade and market."),
        _year(),
        Field("price_usd_per_kg", "number", "Price.", unit="USD/kg", minimum=0.0, required=False),
        Field("dollar_year", "integer", "Dollars of this year (nominal).", minimum=1990),
        Field("unit_as_published", "string", "Unit printed by the source."),
        _status(),
        _source(),
        _note(),
    ),
    ("mineral", "series", "year"),
)

CONSUMPTION = Table(
    "consumption",
    "Consumption or demand by consumer (country, group or WLD) and sector.",
    (
        _mineral(),
        Field("consumer", "string", "ISO3, a group (EU27) or WLD."),
        _year(),
        Field("sector", "string", "End-use sector, or 'all'."),
        Field(
            "kind",
            "string",
            "Apparent consumption, reported, or demand.",
            enum=tuple(ConsumptionKind),
        ),
        Field("value_t", "number", "Quantity.", unit="t", minimum=0.0),
        Field("basis", "string", "What the tonnes measure.", required=False),
        _status(),
        _source(),
        _note(),
    ),
    ("mineral", "consumer", "year", "sector", "kind", "source_id"),
)

NET_IMPORT_RELIANCE = Table(
    "net_import_reliance",
    "Net import reliance: (imports - exports + stock change) / apparent consumption.",
    (
        _mineral(),
        Field("country", "string", "Importing country.", country=True),
        _year(),
        Field(
            "nir_share", "number", "Net import reliance.", unit="share", minimum=0.0, maximum=1.0
        ),
        Field(
            "qualifier",
            "string",
            "'=' exact, '>' lower bound, '<' upper bound, 'E' net exporter (nir_share 0).",
            enum=tuple(NirQualifier),
        ),
        _source(),
        _note(),
    ),
    ("mineral", "country", "year"),
)

IMPORT_SOURCES = Table(
    "import_sources",
    "Major import sources of a consumer, in descending order of import share.",
    (
        _mineral(),
        Field("consumer", "string", "Importing country.", country=True),
        Field("period", "string", "Years the ranking covers, e.g. '2019-2022'."),
        Field("rank", "integer", "1 = largest source.", minimum=1),
        Field("partner", "string", "Exporting country.", country=True),
        _source(),
        _note(),
    ),
    ("mineral", "consumer", "period", "rank"),
)

GOVERNANCE = Table(
    "governance",
    "World Bank WGI Political Stability and Absence of Violence/Terrorism.",
    (
        Field("country", "string", "ISO3 code.", country=True),
        _year(),
        Field(
            "pv_estimate", "number", "WGI estimate (about -2.5 to 2.5).", minimum=-3.5, maximum=3.5
        ),
        Field(
            "pv_risk_share",
            "number",
            "Normalised instability: clip((2.5 - estimate) / 5, 0, 1); 1 = least stable.",
            unit="share",
            minimum=0.0,
            maximum=1.0,
        ),
        _source(),
    ),
    ("country", "year"),
)

POLICY_INSTRUMENTS = Table(
    "policy_instruments",
    "Export restrictions, reserves, price floors, offtakes and finance named in public reporting.",
    (
        Field("instrument_id", "string", "Short id.", pattern=r"[a-z0-9-]+"),
        Field("kind", "string", "Kind of instrument.", enum=tuple(InstrumentKind)),
        Field("name", "string", "Name as reported."),
        Field("actor", "string", "Imposing or holding country (ISO3) or organisation."),
        Field(
            "minerals",
            "string",
            "Minerals covered, semicolon-separated.",
            list_valued=True,
            pattern=MINERAL_ID_PATTERN,
            references="minerals.mineral",
        ),
        Field("stage", "string", "Stage covered.", required=False, enum=tuple(Stage)),
        Field(
            "targets",
            "string",
            "Target countries (ISO3) or 'all', semicolon-separated.",
            required=False,
        ),
        Field("announced", "date", "Date announced.", required=False),
        Field("effective", "date", "Date in force.", required=False),
        Field("ends", "date", "Date it ends (empty = open-ended).", required=False),
        Field("amount", "number", "Headline amount (money or volume).", required=False),
        Field(
            "amount_unit", "string", "Unit of amount, e.g. USD, AUD, USD/kg, t/yr.", required=False
        ),
        Field("scope", "string", "What it covers, in brief."),
        _source(),
        _note(),
    ),
    ("instrument_id",),
)

PROJECTS = Table(
    "projects",
    "Flagship allied mine, refinery and magnet projects.",
    (
        Field("project_id", "string", "Short id.", pattern=r"[a-z0-9-]+"),
        Field("name", "string", "Project name."),
        Field("company", "string", "Owner or developer."),
        Field("country", "string", "Host country.", country=True),
        _mineral(),
        _stage(),
        Field(
            "capacity_t",
            "number",
            "Nameplate capacity per year.",
            unit="t",
            required=False,
            minimum=0,
        ),
        Field("capacity_basis", "string", "What the capacity measures.", required=False),
        Field("start_year", "integer", "First production (actual or planned).", required=False),
        Field(
            "status",
            "string",
            "operating, idle (built, not producing), construction, planned.",
            enum=("operating", "idle", "construction", "planned"),
        ),
        Field("support", "string", "Public support, offtakes.", required=False),
        _source(),
        _note(),
    ),
    ("project_id",),
)

TRADE = Table(
    "trade",
    "Bilateral trade flows (optional; none are shipped, users may supply their own).",
    (
        _mineral(),
        _stage(),
        Field("exporter", "string", "Exporting country.", country=True),
        Field("importer", "string", "Importing country.", country=True),
        _year(),
        Field("value_t", "number", "Quantity traded.", unit="t", minimum=0.0),
        _source(),
        _note(),
    ),
    ("mineral", "stage", "exporter", "importer", "year"),
    optional=True,
)

PUBLISHED_SHARES = Table(
    "published_shares",
    "Country shares of a stage as published elsewhere (no tonnages), for comparison.",
    (
        _mineral(),
        _stage(),
        Field("country", "string", "Producer: ISO3 or ROW.", country=True),
        _year("Year the share refers to (assessment year where no data year is given)."),
        Field(
            "share",
            "number",
            "Published share of world supply.",
            unit="share",
            minimum=0,
            maximum=1,
        ),
        Field(
            "world_total_t",
            "number",
            "World total, if the source states it.",
            unit="t",
            required=False,
            minimum=0,
        ),
        Field("basis", "string", "What the share measures, as the source defines it."),
        _source(),
        _note(),
    ),
    ("mineral", "stage", "country", "year", "source_id"),
    optional=True,
)

EU_CRM_PARAMETERS = Table(
    "eu_crm_parameters",
    "Parameters of the EU critical raw materials assessment used by the EU supply-risk method.",
    (
        _mineral(),
        Field(
            "import_reliance_share",
            "number",
            "EU import reliance IR.",
            unit="share",
            required=False,
            minimum=0,
            maximum=1,
        ),
        Field(
            "substitution_index_sr",
            "number",
            "Substitution index for supply risk SI_SR.",
            required=False,
            minimum=0,
            maximum=1,
        ),
        Field(
            "export_restriction_note",
            "string",
            "Trade-related variable t as reported.",
            required=False,
        ),
        Field(
            "assessment_year", "integer", "Year of the EU assessment.", minimum=2010, maximum=2100
        ),
        _source(),
        _note(),
    ),
    ("mineral", "assessment_year"),
    optional=True,
)

DEMAND_SHARES = Table(
    "demand_shares",
    "Consumers' published shares of world demand, where no tonnage is published.",
    (
        _mineral(),
        Field("consumer", "string", "Consumer: ISO3 or EU27."),
        _year("Year the share refers to."),
        Field(
            "share_of_world_demand",
            "number",
            "Share of world demand.",
            unit="share",
            minimum=0,
            maximum=1,
        ),
        Field("basis", "string", "What the share measures, as the source defines it."),
        _source(),
        _note(),
    ),
    ("mineral", "consumer", "year", "source_id"),
    optional=True,
)

OBSERVED_RESPONSES = Table(
    "observed_responses",
    "Observed price and export-volume responses to historical export restrictions.",
    (
        Field("event", "string", "Historical event id, e.g. ga-ge-2023."),
        _mineral(),
        Field(
            "metric",
            "string",
            "What was observed.",
            enum=(
                "price_change_share",
                "price_level",
                "export_volume_change_share",
                "export_volume_t",
            ),
        ),
        Field("market", "string", "Market, grade or statistic observed."),
        Field("period_from", "string", "Start of the period (YYYY-MM).", pattern=r"\d{4}-\d{2}"),
        Field("period_to", "string", "End of the period (YYYY-MM).", pattern=r"\d{4}-\d{2}"),
        Field("value", "number", "Observed value."),
        Field("unit", "string", "Unit of value (share, USD/kg, t)."),
        _source(),
        _note(),
    ),
    ("event", "mineral", "metric", "market", "period_from", "period_to", "source_id"),
    optional=True,
)

#: All tables, in dependency order (referenced tables first).
TABLES: tuple[Table, ...] = (
    SOURCES,
    MINERALS,
    MINERAL_STAGES,
    COUNTRIES,
    COUNTRY_GROUPS,
    PRODUCTION,
    PRODUCTION_TOTALS,
    RESERVES,
    PRICES,
    CONSUMPTION,
    NET_IMPORT_RELIANCE,
    IMPORT_SOURCES,
    GOVERNANCE,
    POLICY_INSTRUMENTS,
    PROJECTS,
    TRADE,
    PUBLISHED_SHARES,
    EU_CRM_PARAMETERS,
    DEMAND_SHARES,
    OBSERVED_RESPONSES,
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def datapackage(
    name: str = "critmin-world", *, title: str = "critmin world dataset"
) -> dict[str, Any]:
    """The ``datapackage.json`` descriptor for a package holding :data:`TABLES`."""
    resources = []
    for table in TABLES:
        schema: dict[str, Any] = {
            "fields": [f.frictionless() for f in table.fields],
            "primaryKey": list(table.primary_key),
        }
        fks = [
            {
                "fields": f.name,
                "reference": {
                    "resource": f.references.split(".")[0],
                    "fields": f.references.split(".")[1],
                },
            }
            for f in table.fields
            if f.references and not f.list_valued
        ]
        if fks:
            schema["foreignKeys"] = fks
        resources.append(
            {
                "name": table.name,
                "path": table.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "description": table.description,
                "optional": table.optional,
                "schema": schema,
            }
        )
    return {
        "name": name,
        "title": title,
        "profile": "tabular-data-package",
        "licenses": [
            {
                "name": "mixed",
                "title": "Each row's source_id names its licence in sources.csv",
            }
        ],
        "resources": resources,
    }


def markdown_reference() -> str:
    """The table reference of docs/data.md, generated from :data:`TABLES`."""
    lines = []
    for table in TABLES:
        optional = " (optional)" if table.optional else ""
        lines.append(f"### `{table.name}`{optional}\n")
        lines.append(f"{table.description} Primary key: {', '.join(table.primary_key)}.\n")
        lines.append("| column | type | unit | required | allowed | description |")
        lines.append("|---|---|---|---|---|---|")
        for f in table.fields:
            allowed = []
            if f.enum:
                allowed.append(", ".join(f.enum))
            if f.minimum is not None or f.maximum is not None:
                low = "" if f.minimum is None else f"{f.minimum:g}"
                high = "" if f.maximum is None else f"{f.maximum:g}"
                allowed.append(f"[{low}, {high}]")
            if f.pattern:
                allowed.append(f"`{f.pattern}`")
            if f.country:
                allowed.append("ISO3, ROW, WLD")
            if f.references:
                allowed.append(f"-> {f.references}")
            if f.list_valued:
                allowed.append("`;`-separated list")
            lines.append(
                f"| {f.name} | {f.dtype} | {f.unit} | {'yes' if f.required else 'no'} | "
                f"{'; '.join(allowed)} | {f.description} |"
            )
        lines.append("")
    return "\n".join(lines)
