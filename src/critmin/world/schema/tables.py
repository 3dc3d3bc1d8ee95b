"""The tables every data package holds, and :data:`TABLES`, the list of all tables.

Reference tables (sources, minerals, countries) come first, then the figures
(production, reserves, prices, consumption, trade dependence, governance,
policy and projects), and the optional project_finance table. The other
optional tables are declared in :mod:`critmin.world.schema.optional`.
"""

from __future__ import annotations

from critmin.world.schema.fields import (
    MINERAL_ID_PATTERN,
    ConsumptionKind,
    Coverage,
    Field,
    InstrumentKind,
    NirQualifier,
    Stage,
    Table,
    TotalKind,
    _mineral,
    _note,
    _source,
    _stage,
    _status,
    _year,
)
from critmin.world.schema.optional import (
    DEMAND_SHARES,
    EU_CRM_PARAMETERS,
    MARKET_CONVENTIONS,
    MARKET_PARAMETERS,
    OBSERVED_RESPONSES,
    PUBLISHED_SHARES,
)
from critmin.world.schema.series import (
    HS_CODES,
    PRODUCTION_SERIES,
    SOURCE_PRECEDENCE,
    TRADE,
)

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

#: The figures of a ``project_finance`` row that a per-row ``estimated_fields`` list may name.
PROJECT_FINANCE_FIGURES = (
    "capex_usd",
    "capex_years",
    "capex_schedule",
    "first_production_year",
    "ramp_up_years",
    "nameplate_t_per_year",
    "unit_opex_usd_per_kg",
    "sustaining_capex_usd_per_year",
    "royalty_share",
    "tax_rate_share",
    "processing_tax_offset_share",
    "gearing_share",
    "debt_tenor_years",
    "debt_rate_share",
)


def _share(name: str, description: str) -> Field:
    return Field(
        name, "number", description, unit="share", required=False, minimum=0.0, maximum=1.0
    )


PROJECT_FINANCE = Table(
    "project_finance",
    "Per-project financial figures for cash flows on simulated paths: capex, output, "
    "operating cost, fiscal terms and debt. Each figure comes from the row's sources or, "
    "where none was found, is a documented benchmark or assumption named in "
    "estimated_fields; an empty cell is a figure neither found nor estimated.",
    (
        Field(
            "project_id",
            "string",
            "The project (projects.project_id).",
            pattern=r"[a-z0-9-]+",
            references="projects.project_id",
        ),
        Field(
            "capex_usd",
            "number",
            "Initial capital cost, nominal US dollars of capex_dollar_year (converted at "
            "the rate the source states; see currency_note).",
            unit="USD",
            required=False,
            minimum=0.0,
        ),
        Field(
            "capex_dollar_year",
            "integer",
            "Year of the dollars of capex_usd (the estimate's year).",
            required=False,
            minimum=1990,
            maximum=2100,
        ),
        Field(
            "capex_years",
            "integer",
            "Construction years over which capex_usd is spent.",
            required=False,
            minimum=1,
            maximum=20,
        ),
        Field(
            "capex_schedule",
            "string",
            "Share of capex_usd spent in each construction year, semicolon-separated "
            "(e.g. 0.4;0.6), adding up to 1; empty: spread evenly over capex_years.",
            required=False,
            pattern=r"[01](\.[0-9]+)?",
            list_valued=True,
        ),
        Field(
            "first_production_year",
            "integer",
            "Calendar year of first production (actual or planned).",
            required=False,
            minimum=1990,
            maximum=2100,
        ),
        Field(
            "ramp_up_years",
            "integer",
            "Years from first production to nameplate output.",
            required=False,
            minimum=0,
            maximum=20,
        ),
        Field(
            "nameplate_t_per_year",
            "number",
            "Product output per year at nameplate (basis in nameplate_basis).",
            unit="t",
            required=False,
            minimum=0.0,
        ),
        Field(
            "nameplate_basis",
            "string",
            "What nameplate_t_per_year and unit_opex_usd_per_kg measure (the product).",
            required=False,
        ),
        Field(
            "unit_opex_usd_per_kg",
            "number",
            "Cash operating cost per kilogram of the nameplate product.",
            unit="USD/kg",
            required=False,
            minimum=0.0,
        ),
        Field(
            "sustaining_capex_usd_per_year",
            "number",
            "Sustaining capital per year of operation.",
            unit="USD",
            required=False,
            minimum=0.0,
        ),
        _share("royalty_share", "Royalties as a share of revenue."),
        _share("tax_rate_share", "Corporate income tax rate of the host jurisdiction."),
        _share(
            "processing_tax_offset_share",
            "Refundable tax offset as a share of eligible processing costs (Australia's "
            "Critical Minerals Production Tax Incentive: 0.10 from 2027-28; 0 elsewhere).",
        ),
        _share("gearing_share", "Debt as a share of capex_usd."),
        Field(
            "debt_tenor_years",
            "integer",
            "Years over which the debt is repaid.",
            required=False,
            minimum=1,
            maximum=40,
        ),
        _share("debt_rate_share", "Interest rate of the debt, per year."),
        Field(
            "currency_note",
            "string",
            "Currency the source gave, and the exchange rate used to convert to USD.",
            required=False,
        ),
        Field(
            "status",
            "string",
            "reported: every figure from the row's sources; estimated: every figure a "
            "benchmark or assumption; mixed: the figures named in estimated_fields are.",
            enum=("reported", "estimated", "mixed"),
        ),
        Field(
            "estimated_fields",
            "string",
            "The figures that are benchmarks or assumptions (reasoning in note), "
            "semicolon-separated.",
            required=False,
            enum=PROJECT_FINANCE_FIGURES,
            list_valued=True,
        ),
        Field(
            "source_id",
            "string",
            "Main source of the row's figures (sources.source_id).",
            references="sources.source_id",
        ),
        Field(
            "other_source_ids",
            "string",
            "Further sources of the row's figures and benchmarks (sources.source_id), "
            "semicolon-separated.",
            required=False,
            list_valued=True,
            pattern=r"[a-z0-9-]+",
            references="sources.source_id",
        ),
        _note(),
    ),
    ("project_id",),
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
    HS_CODES,
    TRADE,
    PRODUCTION_SERIES,
    SOURCE_PRECEDENCE,
    PUBLISHED_SHARES,
    EU_CRM_PARAMETERS,
    DEMAND_SHARES,
    MARKET_CONVENTIONS,
    MARKET_PARAMETERS,
    OBSERVED_RESPONSES,
    PROJECT_FINANCE,
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
