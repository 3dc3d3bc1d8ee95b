"""Optional tables: a package may lack them.

They hold published shares kept for comparison, the EU assessment's
parameters, published demand shares, the simulator's market conventions and
observed responses to past export
restrictions. Trade, the HS-code map and the per-source production series are
in :mod:`critmin.world.schema.series`.
"""

from __future__ import annotations

from critmin.world.schema.fields import (
    Field,
    Stage,
    Table,
    _mineral,
    _note,
    _source,
    _stage,
    _year,
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

MARKET_CONVENTIONS = Table(
    "market_conventions",
    "How the simulator reads each mineral's market data: its baseline price series "
    "and the basis of its consumption figures.",
    (
        _mineral(),
        Field(
            "reference_price_series",
            "string",
            "The ``prices`` series taken as the baseline price (the final stage's product); "
            "empty: the latest year of any series.",
            required=False,
        ),
        Field(
            "consumption_stage",
            "string",
            "The stage on whose basis the ``consumption`` figures are measured, so a "
            "consumer's share of world demand is taken against that stage's world output; "
            "empty: the final stage.",
            required=False,
            enum=tuple(Stage),
        ),
        _source(),
        _note(),
    ),
    ("mineral",),
    optional=True,
)

#: The simulator's market parameters a package may set per mineral (each a field of
#: the scenario's ``market:`` section, which overrides it).
MARKET_PARAMETER_NAMES = (
    "demand_elasticity",
    "supply_elasticity",
    "long_run_demand_elasticity",
    "long_run_supply_elasticity",
)

MARKET_PARAMETERS = Table(
    "market_parameters",
    "Per-mineral market parameters of the simulator, each published or calibrated on a "
    "named event; a scenario's market settings override them, and a mineral without a "
    "value takes the scenario's default.",
    (
        _mineral(),
        Field(
            "parameter",
            "string",
            "The simulator parameter (a scenario market field).",
            enum=MARKET_PARAMETER_NAMES,
        ),
        Field("value", "number", "Its value.", minimum=-10, maximum=10),
        Field(
            "basis",
            "string",
            "published: a figure of the source; calibrated: fitted by critmin on the "
            "event in calibrated_on (the fit is in docs/validation.md).",
            enum=("published", "calibrated"),
        ),
        Field(
            "calibrated_on",
            "string",
            "The event (observed_responses.event) a calibrated value was fitted on.",
            required=False,
        ),
        Field(
            "scope",
            "string",
            "What the published figure measures, as the source defines it (metal, "
            "period, method), when it is not exactly this mineral's market.",
            required=False,
        ),
        _source(),
        _note(),
    ),
    ("mineral", "parameter"),
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
