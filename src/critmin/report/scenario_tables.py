"""A scenario's assumptions as readable HTML tables.

The tables are built from the resolved scenario mapping a run folder holds
(``scenario.yaml``), key by key, so that a field added to the scenario schema
shows up without changes here. Headings carry the schema's description of
each field as a tooltip (:func:`critmin.scenario.json_schema`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from critmin.report._html import table_html
from critmin.scenario import json_schema

#: Shown for a field left unset (``null``): the schema's default applies.
UNSET = "\u2014"
#: Event fields shown after the event-specific ones, in this order.
_TIMING = ("start_month", "duration_months", "probability")
_SECTIONS = ("market", "events", "policies")


def value_text(value: Any) -> str:
    """A scenario value as short text: distributions, lists and mappings spelled out.

    >>> value_text({"dist": "triangular", "low": 6, "mode": 12.0, "high": 24})
    'triangular(low 6, mode 12, high 24)'
    >>> value_text({"dist": "uniform", "low": 0.6, "high": 0.9})
    'uniform(0.6 to 0.9)'
    >>> value_text({"CAN": 0.4, "JPN": 0.6}), value_text(["USA", "JPN"]), value_text(None)
    ('CAN: 0.4; JPN: 0.6', 'USA, JPN', '\u2014')
    """
    if value is None:
        return UNSET
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        if value.get("dist") == "uniform":
            return f"uniform({value_text(value.get('low'))} to {value_text(value.get('high'))})"
        if "dist" in value:
            args = ", ".join(f"{k} {value_text(v)}" for k, v in value.items() if k != "dist")
            return f"{value['dist']}({args})"
        items = [f"{k}: {value_text(v)}" for k, v in value.items() if v is not None]
        return "; ".join(items) or UNSET
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value) or UNSET
    return str(value)


def _heading(key: str) -> str:
    return key.replace("_", " ")


def _ref(node: Mapping[str, Any]) -> str:
    ref = node.get("$ref") or node.get("items", {}).get("$ref", "")
    return str(ref).rsplit("/", 1)[-1]


class _Schema:
    """Field descriptions from the scenario JSON Schema, looked up leniently."""

    def __init__(self) -> None:
        self.schema = json_schema()
        self.defs: Mapping[str, Any] = self.schema.get("$defs", {})

    def fields(self, name: str) -> dict[str, str]:
        props = self.defs.get(name, {}).get("properties", {})
        return {k: str(v.get("description", "")) for k, v in props.items()}

    def top(self) -> dict[str, str]:
        props = self.schema.get("properties", {})
        return {k: str(v.get("description", "")) for k, v in props.items()}

    def event(self, kind: str) -> dict[str, str]:
        items = self.schema.get("properties", {}).get("events", {}).get("items", {})
        mapping = items.get("discriminator", {}).get("mapping", {})
        return self.fields(str(mapping.get(kind, "")).rsplit("/", 1)[-1])

    def policy(self, kind: str) -> dict[str, str]:
        policies = self.defs.get(_ref(self.schema.get("properties", {}).get("policies", {})), {})
        return self.fields(_ref(policies.get("properties", {}).get(kind, {})))

    def market(self) -> dict[str, str]:
        return self.fields(_ref(self.schema.get("properties", {}).get("market", {})))


def _records(
    items: Sequence[tuple[int, Mapping[str, Any]]], titles: Mapping[str, str], skip: set[str]
) -> str:
    """Mappings (events, policies), each as a table of its fields, numbered as in the
    file: a field per row with its value and description, so that an item with many
    fields stays as narrow as the page."""
    parts = []
    for i, item in items:
        keys = [k for k in item if k not in skip and k not in (*_TIMING, "note")]
        keys += [k for k in (*_TIMING, "note") if k in item]
        rows = [
            {
                "field": _heading(k),
                "value": value_text(item.get(k)),
                "description": titles.get(k, ""),
            }
            for k in keys
        ]
        frame = pd.DataFrame(rows, columns=["field", "value", "description"])
        parts.append(
            f'<p class="muted">#{i}</p>'
            + table_html(
                frame, headings={"field": "Field", "value": "Value", "description": "Description"}
            )  # fmt: skip
        )
    return "\n".join(parts)


def _key_values(data: Mapping[str, Any], titles: Mapping[str, str], skip: set[str]) -> str:
    rows = [
        {"parameter": _heading(k), "value": value_text(v), "description": titles.get(k, "")}
        for k, v in data.items()
        if k not in skip
    ]
    frame = pd.DataFrame(rows, columns=["parameter", "value", "description"])
    return table_html(
        frame, headings={"parameter": "Parameter", "value": "Value", "description": "Description"}
    )


def assumptions_html(scenario: Mapping[str, Any], summary: Mapping[str, Any]) -> str:
    """The scenario's settings, events, policies and market parameters as HTML.

    Parameters
    ----------
    scenario
        The resolved scenario mapping (a run folder's ``scenario.yaml``).
    summary
        The run's ``summary.json``: the paths and seed actually run, which
        the command line may have overridden.

    Returns
    -------
    str
        HTML: one table per section; fields left unset show as an em dash.
    """
    schema = _Schema()
    parts = ["<h3>Scenario</h3>"]
    overview = dict(scenario)
    for key, label in (("paths", "paths_run"), ("seed", "seed_run")):
        if key in summary and summary[key] != scenario.get(key):
            overview[label] = summary[key]
    titles = schema.top() | {
        "paths_run": "Paths actually run (set on the command line).",
        "seed_run": "Seed actually used (set on the command line).",
    }
    parts.append(_key_values(overview, titles, set(_SECTIONS)))

    parts.append("<h3>Events</h3>")
    events = [e for e in scenario.get("events") or [] if isinstance(e, Mapping)]
    if not events:
        parts.append("<p>No events: the run is the baseline.</p>")
    kinds = list(dict.fromkeys(str(e.get("type", "event")) for e in events))
    for kind in kinds:
        rows = [(i, e) for i, e in enumerate(events) if str(e.get("type", "event")) == kind]
        parts.append(f"<h4>{html.escape(_heading(kind))}</h4>")
        parts.append(_records(rows, schema.event(kind), {"type"}))

    parts.append("<h3>Policies</h3>")
    policies = scenario.get("policies") or {}
    shown = 0
    for kind, items in policies.items() if isinstance(policies, Mapping) else []:
        if not isinstance(items, list) or not items:
            continue
        shown += 1
        rows = [(i, p) for i, p in enumerate(items) if isinstance(p, Mapping)]
        parts.append(f"<h4>{html.escape(_heading(kind))}</h4>")
        parts.append(_records(rows, schema.policy(kind), set()))
    if not shown:
        parts.append("<p>No policies.</p>")

    parts.append("<h3>Market parameters</h3>")
    market = scenario.get("market") or {}
    if isinstance(market, Mapping):
        parts.append(_key_values(market, schema.market(), set()))
    parts.append(
        f'<p class="muted">{UNSET} = not set: the default the description names applies. '
        "Hover over a column heading for the field's description.</p>"
    )
    return "\n".join(parts)
