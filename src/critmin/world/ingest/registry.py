"""The minerals critmin covers and what each source calls them.

This is the one hand-curated map between critmin's mineral ids and the names
used by the raw sources. Readers use it to label their rows; the build uses it
to assemble the ``minerals`` table.
"""

from __future__ import annotations

from dataclasses import dataclass

# Molar masses [g/mol] (IUPAC 2021 standard atomic weights, rounded) used for
# oxide-to-element conversions of World Mining Data series.
_LI, _NB, _TA, _O = 6.94, 92.906, 180.948, 15.999

#: Mass fraction of lithium in Li2O.
LI_IN_LI2O = 2 * _LI / (2 * _LI + _O)
#: Mass fraction of niobium in Nb2O5.
NB_IN_NB2O5 = 2 * _NB / (2 * _NB + 5 * _O)
#: Mass fraction of tantalum in Ta2O5.
TA_IN_TA2O5 = 2 * _TA / (2 * _TA + 5 * _O)


@dataclass(frozen=True)
class MineralSpec:
    """One mineral: its id, name, and the names sources give it.

    ``wmd_sheets`` maps a World Mining Data table to (stage, factor), where
    factor converts the WMD unit basis to critmin's basis for that stage, or
    None if the bases cannot be compared.
    """

    mineral: str
    name: str
    symbol: str
    usgs_codes: tuple[str, ...] = ()
    wmd_sheets: tuple[tuple[str, str, float | None], ...] = ()
    iea_names: tuple[str, ...] = ()


MINERALS: tuple[MineralSpec, ...] = (
    MineralSpec("antimony", "Antimony", "Sb", ("antim",), (("Antimony", "mining", 1.0),)),
    MineralSpec("cobalt", "Cobalt", "Co", ("cobal",), (("Cobalt", "mining", 1.0),), ("Cobalt",)),
    MineralSpec("copper", "Copper", "Cu", ("coppe",), (("Copper", "mining", 1.0),), ("Copper",)),
    MineralSpec("fluorspar", "Fluorspar", "CaF2", ("fluor",), (("Fluorspar", "mining", 1.0),)),
    MineralSpec("gallium", "Gallium", "Ga", ("galli",), (("Gallium", "refining", 1.0),)),
    MineralSpec("germanium", "Germanium", "Ge", ("germa",), (("Germanium", "refining", 1.0),)),
    MineralSpec(
        "graphite",
        "Graphite",
        "C",
        ("graph",),
        (("Graphite", "mining", 1.0),),
        ("Graphite", "Battery-grade graphite"),
    ),
    MineralSpec("indium", "Indium", "In", ("indiu",), (("Indium", "refining", 1.0),)),
    MineralSpec(
        "lithium",
        "Lithium",
        "Li",
        ("lithi",),
        (("Lithium (Li2O)", "mining", LI_IN_LI2O),),
        ("Lithium",),
    ),
    MineralSpec(
        "magnesium", "Magnesium", "Mg", ("mgcomp", "mgmet"), (("Magnesite", "mining", None),)
    ),
    MineralSpec("manganese", "Manganese", "Mn", ("manga",), (("Manganese", "mining", 1.0),)),
    MineralSpec("nickel", "Nickel", "Ni", ("nicke",), (("Nickel", "mining", 1.0),), ("Nickel",)),
    MineralSpec(
        "niobium", "Niobium", "Nb", ("niobi",), (("Niobium (Nb2O5)", "mining", NB_IN_NB2O5),)
    ),
    MineralSpec(
        "platinum-group-metals",
        "Platinum-group metals (platinum and palladium)",
        "PGM",
        ("plati",),
        (("Platinum", "mining", 1.0), ("Palladium", "mining", 1.0)),
    ),
    MineralSpec("platinum", "Platinum", "Pt", ("plati",), (("Platinum", "mining", 1.0),)),
    MineralSpec("palladium", "Palladium", "Pd", ("plati",), (("Palladium", "mining", 1.0),)),
    MineralSpec(
        "rare-earths",
        "Rare earths",
        "REE",
        ("raree",),
        (("Rare Earths (REO)", "mining", 1.0),),
        ("Rare Earth Elements", "Magnet rare earth elements"),
    ),
    MineralSpec(
        "tantalum", "Tantalum", "Ta", ("tanta",), (("Tantalum (Ta2O5)", "mining", TA_IN_TA2O5),)
    ),
    MineralSpec("tin", "Tin", "Sn", ("tin",), (("Tin", "mining", 1.0),)),
    MineralSpec(
        "titanium", "Titanium", "Ti", ("timin", "titan"), (("Titanium (TiO2)", "mining", 1.0),)
    ),
    MineralSpec("tungsten", "Tungsten", "W", ("tungs",), (("Tungsten (W)", "mining", 1.0),)),
    MineralSpec("vanadium", "Vanadium", "V", ("vanad",), (("Vanadium (V)", "mining", 1.0),)),
    # Magnet rare earths: the IEA publishes clean-technology demand for each
    # element; no source here gives their production by country.
    MineralSpec(
        "ndpr", "Neodymium and praseodymium (NdPr)", "NdPr", iea_names=("Neodymium", "Praseodymium")
    ),
    MineralSpec("dysprosium", "Dysprosium", "Dy", iea_names=("Dysprosium",)),
    MineralSpec("terbium", "Terbium", "Tb", iea_names=("Terbium",)),
)

MINERALS_BY_ID: dict[str, MineralSpec] = {m.mineral: m for m in MINERALS}


def mineral_ids() -> list[str]:
    """All mineral ids, sorted."""
    return sorted(MINERALS_BY_ID)
