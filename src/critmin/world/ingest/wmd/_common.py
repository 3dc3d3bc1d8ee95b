"""What the WMD readers share: the sources and the SQLite helpers."""

from __future__ import annotations

import sqlite3
from typing import Any

#: Source id of the production figures.
SOURCE_ID = "wmd-2024"
#: Source id of the EoL-RIR figures of the HS Code Map.
EOL_SOURCE_ID = "scrreen2-2023"

SOURCES: tuple[dict[str, Any], ...] = (
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
    },
    {
        "source_id": EOL_SOURCE_ID,
        "title": "SCRREEN2 factsheets (2023 update): EU end-of-life recycling input rates",
        "publisher": "SCRREEN2 project (EU), as compiled by World Mining Data (BMF, Vienna)",
        "table": "World Mining Data 'HS Code Map', column 'EoL-RIR (2023)'",
        "year": 2023,
        "doi_or_url": "https://scrreen.eu",
        "licence": "cited through World Mining Data: free use with attribution of the source",
        "note": "SCRREEN2 factsheets 2023 as compiled in World Mining Data's HS Code Map; "
        "the factsheet URL of each mineral is in minerals.note.",
    },
)


def _quote(name: str) -> str:
    """``name`` as a quoted SQLite identifier."""
    return '"' + name.replace('"', '""') + '"'


def _table_names(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
