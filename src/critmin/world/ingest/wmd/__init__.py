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

One module per idea: :mod:`.production` reads the commodity tables and turns them
into production and total rows, :mod:`.hs_map` reads the HS Code Map (HS codes,
EoL-RIR, factsheet URLs) and :mod:`.reader` drives both (:func:`read_wmd`); ``_common``
holds the sources and the SQLite helpers they share.

References
----------
Reichl C., Schatz M., World Mining Data 2024, Federal Ministry of Finance
(BMF), Vienna. https://www.world-mining-data.info
"""

from critmin.world.ingest.wmd._common import EOL_SOURCE_ID, SOURCE_ID, SOURCES
from critmin.world.ingest.wmd.hs_map import HS_TABLE, NOT_AVAILABLE
from critmin.world.ingest.wmd.production import DATA_SOURCE_STATUS, TOTAL_MARKER
from critmin.world.ingest.wmd.reader import read_wmd

__all__ = [
    "DATA_SOURCE_STATUS",
    "EOL_SOURCE_ID",
    "HS_TABLE",
    "NOT_AVAILABLE",
    "SOURCES",
    "SOURCE_ID",
    "TOTAL_MARKER",
    "read_wmd",
]
