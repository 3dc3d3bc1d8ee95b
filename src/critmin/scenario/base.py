"""Shared building blocks of the scenario models: the base model and code checks.

Every scenario model derives from :class:`_Model` (unknown keys rejected,
instances frozen). :func:`_codes` checks country codes and group names, and
:func:`_as_list` lets a single string stand for a one-element list.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from critmin import countries
from critmin.errors import CritminError


class _Model(BaseModel):
    # NaN and infinities are refused in every number (pydantic: "finite number")
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


def _codes(items: list[str], *, allow_all: bool = False) -> list[str]:
    """Check country codes and group names; return them upper-cased."""
    out = []
    for item in items:
        code = item.strip()
        if allow_all and code.lower() == "all":
            out.append("all")
            continue
        try:
            countries.expand([code])
        except CritminError as exc:
            raise ValueError(
                f"unknown country or group {code!r} (allowed: {exc.allowed})"
            ) from None
        out.append(code.upper())
    return out


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value
