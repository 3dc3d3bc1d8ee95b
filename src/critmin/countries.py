"""Country codes, names, groups and alliances.

Codes are ISO 3166-1 alpha-3. Names and group memberships come from
``country_converter`` (Stadler 2017, doi:10.21105/joss.00332), never from hand
lists. The only hand-written entries are:

* the explicit aggregates :data:`AGGREGATES` (``ROW``, ``WLD``), which are not
  countries;
* :data:`NAME_ALIASES`, spellings found in the raw sources that
  ``country_converter`` does not recognise;
* the composition of the default allied group :data:`ALLIANCE_MEMBERS`, which
  is a policy choice (US, JP, AU, CA, KR, GB and the EU27), made of
  codes and other groups.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import cache

import pandas as pd

from critmin.errors import CritminError

#: The aggregate of every country not named ("other countries"), and the world total.
ROW = "ROW"
WLD = "WLD"
#: Aggregates that may stand where a country code is expected.
AGGREGATES: dict[str, str] = {
    ROW: "Rest of world",
    WLD: "World",
}

#: Source spellings that country_converter does not map (or maps wrongly).
NAME_ALIASES: dict[str, str] = {
    "congo, d.r.": "COD",
    "congo, dem. rep.": "COD",
    "democratic republic of congo": "COD",
    "congo (brazzaville)": "COG",
    "korea, south": "KOR",
    "korea, republic of": "KOR",
    "republic of korea": "KOR",
    "congo (kinshasa)": "COD",
    "korea, north": "PRK",
    "burma": "MMR",
    "turkey": "TUR",
    "türkiye": "TUR",
    "kosovo": "XKX",
}

#: Groups taken from country_converter's classification columns.
CC_GROUPS: tuple[str, ...] = ("G7", "G20", "EU27", "OECD")

#: The default allied group: countries and groups (expanded by :func:`expand`).
ALLIANCE_MEMBERS: tuple[str, ...] = ("USA", "JPN", "AUS", "CAN", "KOR", "GBR", "EU27")

#: Name of the default allied group.
ALLIANCE = "ALLIANCE"


@cache
def _converter() -> object:
    import country_converter as coco

    # country_converter logs a warning for every name it cannot match; the
    # callers here report unmatched names themselves.
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


@cache
def _table() -> pd.DataFrame:
    data = _converter().data  # type: ignore[attr-defined]
    table = data[["ISO3", "name_short", "continent", *CC_GROUPS]].copy()
    table = table[table["ISO3"].str.fullmatch(r"[A-Z]{3}", na=False)]
    return table.drop_duplicates("ISO3").set_index("ISO3")


@cache
def iso3_codes() -> frozenset[str]:
    """All ISO3 codes known to country_converter."""
    return frozenset(_table().index)


def is_country(code: str) -> bool:
    """True if ``code`` is a valid ISO3 country code (aggregates excluded)."""
    return code in iso3_codes()


def is_code(code: str) -> bool:
    """True if ``code`` is an ISO3 country code or an explicit aggregate."""
    return code in AGGREGATES or is_country(code)


def name(code: str) -> str:
    """Short English name for an ISO3 code or aggregate.

    >>> name("COD")
    'DR Congo'
    """
    if code in AGGREGATES:
        return AGGREGATES[code]
    try:
        return str(_table().loc[code, "name_short"])
    except KeyError:
        raise CritminError("unknown country code", given=code, allowed="ISO3 codes") from None


def continent(code: str) -> str:
    """Continent of an ISO3 code (empty for aggregates)."""
    if code in AGGREGATES:
        return ""
    return str(_table().loc[code, "continent"])


def clean_name(text: str) -> str:
    """Normalise a country name from a source: NBSP, spaces, quotes, case kept."""
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


@cache
def _exact_names() -> dict[str, str]:
    """Lower-cased exact names (short and official) to ISO3."""
    data = _converter().data  # type: ignore[attr-defined]
    names: dict[str, str] = {}
    for _, row in data.iterrows():
        code = row["ISO3"]
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code):
            continue
        for col in ("name_short", "name_official"):
            value = row[col]
            if isinstance(value, str):
                names.setdefault(clean_name(value).lower(), code)
    names.update(NAME_ALIASES)
    return names


def to_iso3(text: str, *, exact: bool = False) -> str | None:
    """Map a country name (or an ISO3 code) to ISO3; ``None`` if unknown.

    Parameters
    ----------
    text
        A name as printed in a source, or an ISO3 code.
    exact
        If True, accept only exact names (short or official) and aliases;
        otherwise fall back to country_converter's regular expressions.

    >>> to_iso3("Congo (Kinshasa)")
    'COD'
    >>> to_iso3("Korea, Republic of")
    'KOR'
    >>> to_iso3("Atlantis") is None
    True
    """
    cleaned = clean_name(text)
    if not cleaned:
        return None
    if cleaned.upper() in iso3_codes() and len(cleaned) == 3:
        return cleaned.upper()
    found = _exact_names().get(cleaned.lower())
    if found or exact:
        return found
    result = _converter().convert(cleaned, to="ISO3", not_found=None)  # type: ignore[attr-defined]
    if isinstance(result, list):  # ambiguous: several matches
        return None
    return result if isinstance(result, str) and result in iso3_codes() else None


def group_names() -> list[str]:
    """Names of the groups :func:`expand` understands."""
    return [*CC_GROUPS, ALLIANCE]


def group_members(group: str) -> frozenset[str]:
    """ISO3 members of a named group.

    >>> sorted(group_members("G7"))
    ['CAN', 'DEU', 'FRA', 'GBR', 'ITA', 'JPN', 'USA']
    """
    key = group.upper()
    if key == ALLIANCE:
        return frozenset(expand(ALLIANCE_MEMBERS))
    if key in CC_GROUPS:
        col = _table()[key]
        return frozenset(col[col.notna() & (col.astype(str) != "nan")].index)
    raise CritminError("unknown country group", given=group, allowed=group_names())


def expand(members: Iterable[str]) -> list[str]:
    """Expand a list of ISO3 codes and group names into sorted ISO3 codes.

    Raises :class:`CritminError` for anything that is neither.

    >>> expand(["USA", "G7"])[:3]
    ['CAN', 'DEU', 'FRA']
    """
    out: set[str] = set()
    for item in members:
        code = item.strip()
        if code.upper() in {g.upper() for g in group_names()}:
            out |= group_members(code)
        elif is_code(code.upper()):
            out.add(code.upper())
        else:
            raise CritminError(
                "unknown country or group",
                given=item,
                allowed="ISO3 codes (e.g. USA, JPN), ROW, or groups " + ", ".join(group_names()),
            )
    return sorted(out)
