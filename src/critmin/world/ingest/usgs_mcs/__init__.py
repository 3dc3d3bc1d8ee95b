"""Reader for the USGS Mineral Commodity Summaries (MCS) data releases.

The MCS data releases (MCS 2023, doi:10.5066/P9WCYUI6; MCS 2024, doi:10.5066/P144BA54;
US public domain) publish one CSV per commodity and table, with FGDC XML metadata beside
each:

* ``world/mcs<edition>-<code>_world.csv``: world mine or refinery production by
  country for two years, reserves and, for gallium and titanium sponge, capacity;
* ``salient/mcs<edition>-<code>_salient.csv``: U.S. salient statistics for five years
  (consumption, prices, net import reliance);
* ``trends/MCS2024_Fig2_Net_Import_Reliance.csv`` (U.S. net import reliance in 2023 and
  major import sources 2019-2022) and ``trends/MCS2024_T5_Critical_Minerals_Salient.csv``
  (leading producer and world total of each critical mineral).

One module per kind of file: :mod:`.world`, :mod:`.salient` and :mod:`.trends`;
:mod:`.editions` reads both editions and merges them; ``_common`` holds the CSV reading
and cell parsing they share.

Every mapped file was read by eye, with its metadata, before the mapping tables
(:data:`WORLD_TYPES` and ``_OVERRIDES`` in :mod:`.world`, :data:`SALIENT_COLUMNS` and
``_HEADER_FIXES`` in :mod:`.salient`) were written; the judgement calls are commented
there. Nothing is dropped silently: each cell
that yields no row becomes a :class:`~critmin.world.ingest.common.Problem` naming the
file, the 1-based line, the column, the value and the reason.
"""

from critmin.world.ingest.usgs_mcs._common import COLUMNS
from critmin.world.ingest.usgs_mcs.editions import read_usgs_mcs
from critmin.world.ingest.usgs_mcs.salient import (
    PRICE_UNITS,
    SALIENT_COLUMNS,
    SalientColumn,
    read_salient_file,
)
from critmin.world.ingest.usgs_mcs.trends import read_leading_producers
from critmin.world.ingest.usgs_mcs.world import WORLD_TYPES, TypeSpec, read_world_file

__all__ = [
    "COLUMNS",
    "PRICE_UNITS",
    "SALIENT_COLUMNS",
    "WORLD_TYPES",
    "SalientColumn",
    "TypeSpec",
    "read_leading_producers",
    "read_salient_file",
    "read_usgs_mcs",
    "read_world_file",
]
