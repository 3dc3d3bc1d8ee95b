"""Reading, validating and writing scenario files, and the scenario JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from critmin.errors import CritminError
from critmin.scenario.errors import ScenarioError, format_errors
from critmin.scenario.model import Scenario

#: Scenario schema version written into the JSON Schema.
SCHEMA_VERSION = "1"


def _raw_horizon_errors(data: dict[str, Any]) -> list[str]:
    """Start months outside the horizon, found on the raw mapping.

    Pydantic skips model-level checks when any field fails, so this check also
    runs on the raw data: every error is reported in one go.
    """
    horizon = data.get("horizon_months", Scenario.model_fields["horizon_months"].default)
    events = data.get("events")
    if not isinstance(horizon, int) or not isinstance(events, list):
        return []
    last = horizon - 1
    errors = []
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            continue
        start = event.get("start_month", 0)
        values = [start] if isinstance(start, int | float) else []
        if isinstance(start, dict):
            values = [
                v for k, v in start.items() if k in ("low", "high") and isinstance(v, int | float)
            ]
        if any(v < 0 or v > last for v in values):
            errors.append(
                f"events[{i}].start_month: must be within the horizon "
                f"(0..{last}, horizon_months {last + 1})"
            )
    return errors


def parse_scenario(data: Any, *, where: str = "scenario") -> Scenario:
    """Validate a mapping (e.g. parsed YAML) into a :class:`Scenario`."""
    if not isinstance(data, dict):
        raise ScenarioError(where, [f"a scenario must be a mapping (given {type(data).__name__})"])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = format_errors(exc)
        problems += [e for e in _raw_horizon_errors(data) if e not in problems]
        raise ScenarioError(where, problems) from None


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate a scenario YAML file."""
    path = Path(path)
    if not path.is_file():
        raise CritminError("scenario file not found", where=str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(f"{path}{line}", [f"not valid YAML: {problem}"]) from None
    except UnicodeDecodeError:
        raise ScenarioError(str(path), ["not a UTF-8 text file"]) from None
    return parse_scenario(data, where=str(path))


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML (defaults included)."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def json_schema() -> dict[str, Any]:
    """The scenario JSON Schema."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://critmin.invalid/scenario-schema-v{SCHEMA_VERSION}.json"
    schema["title"] = "critmin scenario"
    return schema


def write_json_schema(path: Path) -> Path:
    """Write the JSON Schema to ``path``."""
    path.write_text(json.dumps(json_schema(), indent=2) + "\n", encoding="utf-8")
    return path
