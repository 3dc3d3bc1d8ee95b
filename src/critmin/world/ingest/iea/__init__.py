"""Readers for the IEA Critical Minerals Data Explorer (2024 xlsx and 2025 JSON editions).

Both editions give, for six key minerals, mining and refining production by
country (kt; a base year and projections), total demand by sector and clean-
technology demand by mineral. Each reader parses its format into the same
plain blocks (:class:`SupplyBlock`, :class:`DemandBlock`, clean-technology
items) and one set of functions turns blocks into rows, so both editions are
treated identically.

Only the base year is read: 2023 in the 2024 edition, 2024 in the 2025
edition. The projections (2030, 2035, 2040 for supply; 2030-2050 by scenario
for demand) are neither production nor consumption and are not returned.

Rest of world. Where a block lists six countries, the named countries plus the
printed ``Rest of world`` add up to more than ``Total``, by the figure of the
sixth-listed country (2023: nickel mining and refining, battery-grade
graphite; 2024: nickel mining and refining, natural graphite mining).
``Total`` is the denominator (``production_totals``); rest of world is derived
as ``ROW = Total - sum(named countries)`` and any difference from the printed
``Rest of world`` is reported (warning) with the figures. A derived ROW that
differs from the printed one has status ``estimated`` (critmin's figure, not
the source's); a negative derived ROW is an error and gets no row.

Mineral names map through the registry's ``iea_names`` and
:data:`EXTRA_NAMES`; names that map to no critmin mineral are reported (info).

Each format has its module (:mod:`.xlsx` for 2024, :mod:`.json2025` for 2025) that
parses it into blocks; ``_common`` holds the blocks, the name mapping and the rules that
turn blocks into rows.

References
----------
IEA (2024), Critical Minerals Data Explorer, IEA, Paris, CC BY 4.0.
https://www.iea.org/data-and-statistics/data-tools/critical-minerals-data-explorer
"""

from critmin.world.ingest.iea._common import (
    DEMAND_BASIS,
    EXTRA_NAMES,
    KT_TO_T,
    SECTOR_ALL,
    SECTOR_CLEAN,
    SECTOR_OTHER,
    SOURCE_ID_2024,
    SOURCE_ID_2025,
    SOURCES,
    STAGE_LABELS,
    SUPPLY_BASIS,
    DemandBlock,
    SupplyBlock,
    mineral_for,
)
from critmin.world.ingest.iea.json2025 import read_iea_2025
from critmin.world.ingest.iea.xlsx import (
    CLEANTECH_SHEET,
    DEMAND_SHEET,
    SUPPLY_SHEET,
    read_iea_2024,
)

__all__ = [
    "CLEANTECH_SHEET",
    "DEMAND_BASIS",
    "DEMAND_SHEET",
    "EXTRA_NAMES",
    "KT_TO_T",
    "SECTOR_ALL",
    "SECTOR_CLEAN",
    "SECTOR_OTHER",
    "SOURCES",
    "SOURCE_ID_2024",
    "SOURCE_ID_2025",
    "STAGE_LABELS",
    "SUPPLY_BASIS",
    "SUPPLY_SHEET",
    "DemandBlock",
    "SupplyBlock",
    "mineral_for",
    "read_iea_2024",
    "read_iea_2025",
]
