"""Scenario validation errors: :class:`ScenarioError` and ``path: message`` formatting."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from critmin.errors import CritminError
from critmin.scenario.events import EventType
from critmin.scenario.values import DistKind

#: How an enum member prints inside pydantic's messages.
_ENUM_REPR = re.compile(r"<\w+\.\w+: ('[^']*')>")
#: Tags pydantic adds to an error's location for tagged unions (events, values).
_TAGS = frozenset({*EventType, *DistKind, "float"})


class _PathError(ValueError):
    """A validation error that knows its path inside the scenario."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _TAGS or (isinstance(part, str) and part.endswith("]") and "[" in part):
            continue  # discriminator tags and union members pydantic adds to the location
        else:
            out += f".{part}" if out else str(part)
    return out


def format_errors(exc: ValidationError) -> list[str]:
    """One ``path: message`` line per error in a pydantic ValidationError."""
    lines = []
    errors = exc.errors()
    paths = [_loc(tuple(e["loc"])) for e in errors]
    for error, where in zip(errors, paths, strict=True):
        # a number given where a number or a distribution is allowed: the
        # distribution branch's "not a dictionary" says nothing when the number
        # branch has its own message
        if error["type"] in ("model_type", "model_attributes_type") and paths.count(where) > 1:
            continue
        # ... and a distribution given there: the number branch's "not a number"
        # says nothing when the distribution's own fields have errors
        if error["type"] in ("float_type", "float_parsing") and any(
            p.startswith(f"{where}.") for p in paths
        ):
            continue
        ctx_error = (error.get("ctx") or {}).get("error")
        if isinstance(ctx_error, _PathError):
            lines.append(str(ctx_error))
            continue
        message = _ENUM_REPR.sub(r"\1", str(error["msg"]))  # <EventType.X: 'x'> -> 'x'
        message = message.removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        path = _loc(tuple(error["loc"]))
        given = error.get("input")
        if error["type"] in ("extra_forbidden", "literal_error", "union_tag_invalid", "enum"):
            message += f" (given {given!r})" if not isinstance(given, dict) else ""
        lines.append(f"{path}: {message}" if path else message)
    # pydantic reports the same bad value once per union member; keep one line each
    return list(dict.fromkeys(lines))


class ScenarioError(CritminError):
    """A scenario that fails validation; ``problems`` lists every error with its path."""

    def __init__(self, where: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"the scenario has {len(problems)} error(s)", where=where)
