"""The one message shape for user errors."""

from __future__ import annotations

import pytest

from critmin.errors import CritminError, check_choice


def test_message_has_where_what_given_allowed() -> None:
    exc = CritminError(
        "unknown stage", where="--stage", given="smelting", allowed=["mining", "refining"]
    )
    assert exc.message == "--stage: unknown stage (given 'smelting'; allowed: mining, refining)"


def test_message_without_details_is_just_what() -> None:
    assert CritminError("boom").message == "boom"


def test_check_choice_raises_with_allowed() -> None:
    with pytest.raises(CritminError, match=r"allowed: a, b"):
        check_choice("c", ["a", "b"], what="bad", where="x")
