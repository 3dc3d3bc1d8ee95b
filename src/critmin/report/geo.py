"""World maps that render offline.

Plotly draws the countries of a ``geo`` subplot from a TopoJSON file. plotly.js
looks for it in ``window.PlotlyGeoAssets.topojson[NAME]`` and, only when it is
not there, fetches ``NAME.json`` from its CDN (the ``topojsonURL`` config
option), which fails without a network. critmin therefore ships the file and
a report embeds it once, in a ``<script>`` ahead of its first map
(:func:`geo_assets_script`): the map then needs nothing from the internet.

The shipped file, ``world_110m.json``, is the ``world_110m`` topology of
plotly.js 4.1.1 (npm package ``plotly.js``, ``dist/plotly-geo-assets.js``;
MIT licence), re-serialised as compact JSON and otherwise unchanged: United
Nations geodata for countries, land, coastlines and ocean, Natural Earth for
lakes, rivers and subunits. Country shapes carry ISO3 codes as ids, the codes
critmin uses, so traces give ``locationmode="ISO-3"`` and plotly matches them
as it does with its own CDN files. A few ids are not ISO3 codes: disputed areas
(``XAC``, ``XJK``, ...), drawn as background only.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from critmin import countries
from critmin.errors import CritminError

#: Name plotly.js derives from ``geo.scope`` and ``geo.resolution``: ``f"{scope}_{res}m"``.
TOPOJSON_NAME = "world_110m"
#: The ``geo`` layout every critmin map uses; it must match :data:`TOPOJSON_NAME`.
GEO_LAYOUT: dict[str, Any] = {
    "scope": "world",
    "resolution": 110,
    "projection": {"type": "natural earth"},
    "showframe": False,
    "showcoastlines": False,
    "showcountries": True,
    "countrycolor": "#ffffff",
    "showland": True,
    "landcolor": "#e6e9ed",
    "showocean": True,
    "oceancolor": "#f4f8fb",
    "showlakes": False,
    "lataxis": {"range": [-58, 84]},
}
_FILE = "world_110m.json"


@cache
def _topojson_text() -> str:
    return (resources.files("critmin.report") / _FILE).read_text(encoding="utf-8")


@cache
def topojson() -> dict[str, Any]:
    """The shipped world topology (``type``, ``objects``, ``arcs``, ``transform``)."""
    data: dict[str, Any] = json.loads(_topojson_text())
    return data


@cache
def country_codes() -> tuple[str, ...]:
    """Codes of the country shapes on the map, sorted (ISO3, plus disputed areas)."""
    geometries = topojson()["objects"]["countries"]["geometries"]
    return tuple(sorted({str(g["id"]) for g in geometries if g.get("id")}))


def country_name(code: str) -> str:
    """Short English name of an ISO3 code; the code itself when it has none.

    >>> country_name("JPN")
    'Japan'
    >>> country_name("XAC")
    'XAC'
    """
    try:
        return countries.name(code)
    except CritminError:
        return code


def geo_assets_script() -> str:
    """A ``<script>`` that hands plotly.js the world topology, so no map fetches it.

    It must come before the script of the first map on the page; it is safe
    before or after plotly.js itself.
    """
    payload = _topojson_text().strip().replace("</", "<\\/")
    return (
        "<script>window.PlotlyGeoAssets=window.PlotlyGeoAssets||{topojson:{}};"
        f"window.PlotlyGeoAssets.topojson[{json.dumps(TOPOJSON_NAME)}]={payload};</script>"
    )
