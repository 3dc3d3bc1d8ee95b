"""Vulnerability mapping and supply risk.

Concentration of supply by mineral, stage and year; a consumer's import
reliance and exposure to each supplier; two published supply-risk methods
(the EU critical raw materials supply risk and GeoPolRisk); and the
designation of priority minerals from a set of documented thresholds.

Every formula, assumption and reference is in ``docs/methods.md``, section
"Vulnerability mapping and supply risk".

Conventions: shares are 0-1 fractions of the world total
(``production_totals.world_total_t``); ``ROW`` and the unattributed remainder
(world total minus the sum of the rows) are *atomised*: they add nothing to a
Herfindahl-Hirschman index (so every HHI here is a lower bound) and they count
as supply from outside any country group.
"""

from critmin.risk._common import DEFAULT_STABILITY, UNATTRIBUTED, ExposureMethod, Indicator
from critmin.risk.allied import (
    ALLIED_COLUMNS,
    ALLIED_CONSUMERS,
    WATCHED_MINERALS,
    allied_dependence,
)
from critmin.risk.concentration import VULNERABILITY_COLUMNS, concentration, country_shares
from critmin.risk.exposure import exposure, import_reliance, nir_table
from critmin.risk.geopolrisk import (
    GeoPolRisk,
    GeoPolRiskAssessment,
    QuantityBasis,
    geopolrisk,
    geopolrisk_codes,
    geopolrisk_from_world,
    geopolrisk_table,
    geopolrisk_year,
)
from critmin.risk.priority import Thresholds, priorities
from critmin.risk.published import (
    EU_2023_YEARS,
    EUSupplyRisk,
    eu_sourcing_from_world,
    eu_sr_comparison,
    eu_supply_risk,
    eu_supply_risk_assessed,
    eu_supply_risk_from_world,
)
from critmin.world.trade import (
    HUBS,
    apparent_consumption,
    import_sources,
    reattribute_hubs,
)

__all__ = [
    "ALLIED_COLUMNS",
    "ALLIED_CONSUMERS",
    "VULNERABILITY_COLUMNS",
    "WATCHED_MINERALS",
    "allied_dependence",
    "geopolrisk_year",
    "DEFAULT_STABILITY",
    "HUBS",
    "UNATTRIBUTED",
    "EUSupplyRisk",
    "ExposureMethod",
    "GeoPolRisk",
    "GeoPolRiskAssessment",
    "QuantityBasis",
    "apparent_consumption",
    "Indicator",
    "Thresholds",
    "concentration",
    "country_shares",
    "eu_supply_risk",
    "eu_supply_risk_from_world",
    "eu_supply_risk_assessed",
    "eu_sourcing_from_world",
    "eu_sr_comparison",
    "EU_2023_YEARS",
    "exposure",
    "geopolrisk",
    "geopolrisk_codes",
    "geopolrisk_from_world",
    "geopolrisk_table",
    "import_reliance",
    "import_sources",
    "nir_table",
    "priorities",
    "reattribute_hubs",
]
