"""Number and country parsing shared by the readers."""

from __future__ import annotations

import math

import pytest

from critmin.world.ingest.common import parse_number, resolve_country


@pytest.mark.parametrize(
    ("cell", "value", "qualifier", "code"),
    [
        ("72,000", 72000.0, "=", None),
        ("    >9,100,000", 9100000.0, ">", None),
        (">75", 75.0, ">", None),
        ("<1", 1.0, "<", None),
        ("\u221284", -84.0, "=", None),
        ("0.5", 0.5, "=", None),
        ("1,680,000", 1680000.0, "=", None),
        (170000, 170000.0, "=", None),
        ("W", None, "=", "W"),
        ("NA", None, "=", "NA"),
        ("--", None, "=", "--"),
        ("", None, "=", ""),
        ("Included in World total.", None, "=", "Included in World total."),
        ("Less than a half unit", None, "=", "LESS THAN A HALF UNIT"),
    ],
)
def test_parse_number(cell: object, value: float | None, qualifier: str, code: str | None) -> None:
    parsed = parse_number(cell)
    assert parsed.value == value
    assert parsed.qualifier == qualifier
    assert parsed.code == code


def test_parse_number_nan_is_blank() -> None:
    assert parse_number(math.nan).value is None


@pytest.mark.parametrize(
    ("raw", "code", "estimated", "footnote"),
    [
        ("Japane", "JPN", True, None),
        ("Russiae", "RUS", True, None),
        ("Korea, Republic ofe", "KOR", True, None),
        ("Other countries4", "ROW", False, "4"),
        ("New Caledonia11", "NCL", False, "11"),
        ("Ukraine", "UKR", False, None),
        ("Zimbabwe", "ZWE", False, None),
        ("Côte d’Ivoire", "CIV", False, None),
        ("Vietnam\u00a0", "VNM", False, None),
        ("Other", "ROW", False, None),
        ("World total (rounded)10", None, False, "10"),
    ],
)
def test_resolve_country(raw: str, code: str | None, estimated: bool, footnote: str | None) -> None:
    result = resolve_country(raw)
    assert result.code == code
    assert result.estimated is estimated
    assert result.footnote == footnote
