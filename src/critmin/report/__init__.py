"""Self-contained HTML reports.

Reports embed plotly.js from the installed Plotly package once, inline, and
the world map's country shapes (:mod:`critmin.report.geo`), so a report opens
offline and fetches nothing from the internet.

* :func:`vulnerability_report`: concentration, leading producers and priority
  minerals on the world dataset (``critmin report``).
* :func:`simulation_report`: a stress-test run's shortfalls, prices, reserves
  and assumptions (``critmin report RUN_DIR``).
"""

from __future__ import annotations

from critmin.report.simulation import simulation_report
from critmin.report.vulnerability import (
    ALLIED_COLUMNS,
    VULNERABILITY_COLUMNS,
    allied_heatmap,
    china_vs_outside,
    hhi_heatmap,
    share_bars,
    vulnerability_report,
)

__all__ = [
    "ALLIED_COLUMNS",
    "VULNERABILITY_COLUMNS",
    "allied_heatmap",
    "china_vs_outside",
    "hhi_heatmap",
    "share_bars",
    "simulation_report",
    "vulnerability_report",
]
