"""Country codes, names and groups."""

from __future__ import annotations

import pytest

from critmin import countries
from critmin.errors import CritminError


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Congo (Kinshasa)", "COD"),
        ("Congo, D.R.", "COD"),
        ("Burma", "MMR"),
        ("Korea, North", "PRK"),
        ("Korea, Republic of", "KOR"),
        ("Côte d’Ivoire", "CIV"),
        ("United\u00a0States", "USA"),
        ("Türkiye", "TUR"),
        ("Democratic Republic of Congo", "COD"),
        ("JPN", "JPN"),
    ],
)
def test_source_spellings_map_to_iso3(name: str, code: str) -> None:
    assert countries.to_iso3(name) == code


def test_unknown_names_are_none() -> None:
    assert countries.to_iso3("Atlantis") is None
    assert countries.to_iso3("Other countries") is None
    assert countries.to_iso3("") is None


def test_g7_membership_is_the_seven() -> None:
    assert countries.group_members("G7") == {"CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"}


def test_eu27_has_27_members_and_no_uk() -> None:
    members = countries.group_members("EU27")
    assert len(members) == 27
    assert "GBR" not in members
    assert {"DEU", "FRA", "HRV"} <= members


def test_alliance_is_six_countries_plus_eu27() -> None:
    alliance = countries.group_members("ALLIANCE")
    assert alliance == {"USA", "JPN", "AUS", "CAN", "KOR", "GBR"} | countries.group_members("EU27")
    assert len(alliance) == 33


def test_expand_mixes_codes_and_groups_case_insensitively() -> None:
    assert countries.expand(["chn", "g7"]) == sorted({"CHN"} | countries.group_members("G7"))


def test_expand_rejects_unknown_with_allowed_list() -> None:
    with pytest.raises(CritminError, match="unknown country or group.*allowed: ISO3"):
        countries.expand(["XYZ"])


def test_aggregates_are_codes_not_countries() -> None:
    assert countries.is_code("ROW")
    assert not countries.is_country("ROW")
    assert countries.name("ROW") == "Rest of world"
