"""What the schema generates: the ``datapackage.json`` descriptor and the docs reference."""

from __future__ import annotations

from typing import Any

from critmin.world.schema.tables import TABLES


def datapackage(
    name: str = "critmin-world", *, title: str = "critmin world dataset"
) -> dict[str, Any]:
    """The ``datapackage.json`` descriptor for a package holding :data:`TABLES`."""
    resources = []
    for table in TABLES:
        schema: dict[str, Any] = {
            "fields": [f.frictionless() for f in table.fields],
            "primaryKey": list(table.primary_key),
        }
        fks = [
            {
                "fields": f.name,
                "reference": {
                    "resource": f.references.split(".")[0],
                    "fields": f.references.split(".")[1],
                },
            }
            for f in table.fields
            if f.references and not f.list_valued
        ]
        if fks:
            schema["foreignKeys"] = fks
        resource: dict[str, Any] = {
            "name": table.name,
            "path": table.path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "encoding": "utf-8",
        }
        if table.compressed:
            resource["compression"] = "gz"
        resource |= {
            "description": table.description,
            "optional": table.optional,
            "schema": schema,
        }
        resources.append(resource)
    return {
        "name": name,
        "title": title,
        "profile": "tabular-data-package",
        "licenses": [
            {
                "name": "mixed",
                "title": "Each row's source_id names its licence in sources.csv",
            }
        ],
        "resources": resources,
    }


def markdown_reference() -> str:
    """The table reference of docs/data.md, generated from :data:`TABLES`."""
    lines = []
    for table in TABLES:
        optional = " (optional)" if table.optional else ""
        lines.append(f"### `{table.name}`{optional}\n")
        lines.append(f"{table.description} Primary key: {', '.join(table.primary_key)}.\n")
        lines.append("| column | type | unit | required | allowed | description |")
        lines.append("|---|---|---|---|---|---|")
        for f in table.fields:
            allowed = []
            if f.enum:
                allowed.append(", ".join(f.enum))
            if f.minimum is not None or f.maximum is not None:
                low = "" if f.minimum is None else f"{f.minimum:g}"
                high = "" if f.maximum is None else f"{f.maximum:g}"
                allowed.append(f"[{low}, {high}]")
            if f.pattern:
                allowed.append(f"`{f.pattern}`")
            if f.country:
                allowed.append("ISO3, ROW, WLD")
            if f.references:
                allowed.append(f"-> {f.references}")
            if f.list_valued:
                allowed.append("`;`-separated list")
            lines.append(
                f"| {f.name} | {f.dtype} | {f.unit} | {'yes' if f.required else 'no'} | "
                f"{'; '.join(allowed)} | {f.description} |"
            )
        lines.append("")
    return "\n".join(lines)
