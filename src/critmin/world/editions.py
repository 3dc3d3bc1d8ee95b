"""Series and editions: which source ids are editions of one data set.

A *series* is one publisher's data set (World Mining Data, USGS Mineral
Commodity Summaries, the IEA Critical Minerals Data Explorer, the WGI); its
editions revise each other. critmin takes every year of a mineral and stage
from one series (newest edition first) and never mixes two series
(:mod:`critmin.world.build_selection`); ``--source`` picks a series by its id.
"""

from __future__ import annotations

#: A series: one publisher's data set; its editions are listed newest first. The
#: editions of one series revise each other and are never a break; two series
#: are never mixed within a mineral and stage.
SERIES: dict[str, tuple[str, ...]] = {
    "wmd": ("wmd-geopolrisk", "wmd-2024"),
    "usgs-mcs": ("usgs-mcs-2024-world", "usgs-mcs-2023-world"),
    "iea-cmde": ("iea-cmde-2025", "iea-cmde-2024"),
    "wgi": ("wgi-2025", "wgi-2023"),
}

_EDITION = {source: (series, i) for series, eds in SERIES.items() for i, source in enumerate(eds)}


def series_of(source_id: str) -> str:
    """The series a source id is an edition of (the id itself if it is in no series).

    >>> series_of("usgs-mcs-2023-world"), series_of("wmd-geopolrisk"), series_of("my-data")
    ('usgs-mcs', 'wmd', 'my-data')
    """
    return _EDITION.get(source_id, (source_id, 0))[0]


def edition_rank(source_id: str) -> int:
    """Position of an edition within its series (0 = newest)."""
    return _EDITION.get(source_id, (source_id, 0))[1]


__all__ = ["SERIES", "edition_rank", "series_of"]
